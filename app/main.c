#include <stdio.h>
int main(void) { puts("digitpad"); return 0; }
