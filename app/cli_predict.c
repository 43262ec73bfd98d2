#include "cli.h"
int cli_predict(int argc, char **argv) { (void)argc; (void)argv; return 1; }
