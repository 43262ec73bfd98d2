/* Command-line options from a table. Each command describes its options
 * once, as rows of a table (long name, kind, where the value goes, its
 * range or choices); cli_parse reads argv against it with getopt_long, so
 * every command accepts the same forms (--name VALUE, --name=VALUE,
 * unambiguous prefixes, options and arguments in any order) and reports
 * the same errors in the same words. Positional arguments are left for the
 * command to check: each command means something else by them. */
#ifndef DP_CLI_OPTIONS_H
#define DP_CLI_OPTIONS_H

#include <stdint.h>

typedef enum {
    CLI_FLAG,     /* no value: stores 1 in an int */
    CLI_INT,      /* a whole number in [min, max], into an int */
    CLI_LONG,     /* the same, into a long */
    CLI_FLOAT,    /* a finite number in [min, max], into a float */
    CLI_DOUBLE,   /* the same, into a double */
    CLI_U64,      /* a non-negative whole number (a seed), into a uint64_t */
    CLI_STRING,   /* the text itself (argv outlives the options) */
    CLI_CHOICE,   /* one of the names in choices; stores its value */
    CLI_CUSTOM,   /* parse(cmd, value, to) reads it and reports its own error */
} cli_kind;

/* Reads value into *to; on a bad value prints the error (naming the option)
 * and returns -1. */
typedef int (*cli_custom_parse)(const char *cmd, const char *value, void *to);

typedef struct {
    const char *name;                /* without the leading "--" */
    cli_kind kind;
    union {                          /* one member per kind, so the compiler checks the type */
        int *i;                      /* CLI_FLAG, CLI_INT, CLI_CHOICE */
        long *l;
        float *f;
        double *d;
        uint64_t *u;
        const char **s;
        void *any;                   /* CLI_CUSTOM */
    } to;
    double min, max;                 /* numbers: the range, both ends allowed */
    const char *const *choices;      /* CLI_CHOICE: the names, NULL-terminated */
    const int *values;               /* CLI_CHOICE: what each name stores (NULL: its index) */
    cli_custom_parse parse;          /* CLI_CUSTOM */
} cli_option;

/* One row each. */
#define CLI_OPT_FLAG(n, dest) {.name = (n), .kind = CLI_FLAG, .to.i = (dest)}
#define CLI_OPT_INT(n, dest, lo, hi) {.name = (n), .kind = CLI_INT, .to.i = (dest), .min = (lo), .max = (hi)}
#define CLI_OPT_LONG(n, dest, lo, hi) {.name = (n), .kind = CLI_LONG, .to.l = (dest), .min = (lo), .max = (hi)}
#define CLI_OPT_FLOAT(n, dest, lo, hi) {.name = (n), .kind = CLI_FLOAT, .to.f = (dest), .min = (lo), .max = (hi)}
#define CLI_OPT_DOUBLE(n, dest, lo, hi) {.name = (n), .kind = CLI_DOUBLE, .to.d = (dest), .min = (lo), .max = (hi)}
#define CLI_OPT_U64(n, dest) {.name = (n), .kind = CLI_U64, .to.u = (dest)}
#define CLI_OPT_STRING(n, dest) {.name = (n), .kind = CLI_STRING, .to.s = (dest)}
#define CLI_OPT_CHOICE(n, dest, names, vals) \
    {.name = (n), .kind = CLI_CHOICE, .to.i = (dest), .choices = (names), .values = (vals)}
#define CLI_OPT_CUSTOM(n, dest, fn) {.name = (n), .kind = CLI_CUSTOM, .to.any = (dest), .parse = (fn)}

/* The options several commands share, defined once. */
#define CLI_MAX_THREADS 256
#define CLI_OPT_THREADS(dest) CLI_OPT_INT("threads", dest, 1, CLI_MAX_THREADS)
/* --isa auto|avx2|portable: the kernels, chosen when the option is read
 * (dest: an int it notes the choice in). */
int cli_parse_isa(const char *cmd, const char *s, void *to);
#define CLI_OPT_ISA(dest) CLI_OPT_CUSTOM("isa", dest, cli_parse_isa)
#define CLI_ISA_HELP "  --isa NAME     kernels: auto (default: the best this CPU has), avx2, or portable (generic SIMD)\n"
#define CLI_OPT_MODEL(dest) CLI_OPT_STRING("model", dest)
#define CLI_OPT_DATA(dest) CLI_OPT_STRING("data", dest)
#define CLI_OPT_OUT(dest) CLI_OPT_STRING("out", dest)
#define CLI_OPT_DIGITS(dest) CLI_OPT_STRING("digits", dest)
#define CLI_OPT_EXTRA(dest) CLI_OPT_STRING("extra", dest)
#define CLI_OPT_SEED(dest) CLI_OPT_U64("seed", dest)
#define CLI_OPT_JSON(dest) CLI_OPT_FLAG("json", dest)
#define CLI_OPT_QUIET(dest) CLI_OPT_FLAG("quiet", dest)

/* A command's table. */
typedef struct {
    const char *cmd;             /* "train", ...; NULL for the window (errors then say "digitpad: ...") */
    const char *usage;           /* printed on stdout by --help and -h; NULL: no help option */
    const cli_option *options;
    int n_options;
} cli_command;

#define CLI_COUNT(table) ((int)(sizeof(table) / sizeof((table)[0])))
#define CLI_COMMAND(name, usage_text, table) {(name), (usage_text), (table), CLI_COUNT(table)}

/* What cli_parse returns, and every command's parse step with it:
 *   CLI_RUN    all options read: go on (positional arguments from *first_arg)
 *   CLI_HELP   the usage was printed: exit 0
 *   CLI_USAGE  a usage error, already reported on stderr: exit 2 */
enum { CLI_RUN = 0, CLI_HELP = 1, CLI_USAGE = 2 };

/* The exit status of a parse step that did not return CLI_RUN. */
static inline int cli_exit_status(int parsed) { return parsed == CLI_HELP ? 0 : 2; }

/* Reads argv[1..] against the table. Values are stored as they are read;
 * destinations of options not given keep what they held (their defaults).
 * argv may be reordered (options first), as getopt_long does. *first_arg
 * receives the index of the first positional argument (argc if none). */
int cli_parse(const cli_command *c, int argc, char **argv, int *first_arg);

/* cli_parse for a command that takes no positional arguments: one left is
 * a usage error ("unexpected argument 'X' (see 'digitpad CMD --help')"). */
int cli_parse_options_only(const cli_command *c, int argc, char **argv);

/* Strict number parsing: the whole string must be a number in range; on
 * failure an error naming the option is printed and -1 returned. */
int cli_parse_int(const char *cmd, const char *opt, const char *s, long min, long max, long *out);
int cli_parse_float(const char *cmd, const char *opt, const char *s, double min, double max, double *out);
int cli_parse_u64(const char *cmd, const char *opt, const char *s, uint64_t *out);

#endif
