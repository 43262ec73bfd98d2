/* The table-driven option parser (see options.h). */
#include "options.h"
#include "cli.h"
#include "kernels.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* getopt_long returns a row's index plus FIRST_ROW, clear of 'h', ':', '?'
 * and of LONG_HELP (--help); MAX_ROWS bounds the longopts array built on
 * the stack. */
enum { LONG_HELP = 255, FIRST_ROW = 256, MAX_ROWS = 48 };

int cli_parse_int(const char *cmd, const char *opt, const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < min || v > max) {
        cli_error(cmd, "%s needs a whole number from %ld to %ld, not '%s'", opt, min, max, s);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_float(const char *cmd, const char *opt, const char *s, double min, double max, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v) || v < min || v > max) {
        cli_error(cmd, "%s needs a number from %g to %g, not '%s'", opt, min, max, s);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_u64(const char *cmd, const char *opt, const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    /* strtoull takes "-1" and " -1" as 2^64-1: only digits, from the first character */
    if (!isdigit((unsigned char)s[0]) || *end || errno) {
        cli_error(cmd, "%s needs a non-negative whole number, not '%s'", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* "--NAME must be a, b or c, not 'VALUE'". */
static int read_choice(const char *cmd, const char *opt, const cli_option *o, const char *value)
{
    int n = 0;
    for (; o->choices[n]; n++)
        if (strcmp(value, o->choices[n]) == 0) {
            *o->to.i = o->values ? o->values[n] : n;
            return 0;
        }
    char list[256];
    size_t len = 0;
    for (int k = 0; k < n && len < sizeof list; k++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", k == 0 ? "" : k == n - 1 ? " or " : ", ",
                                o->choices[k]);
    cli_error(cmd, "%s must be %s, not '%s'", opt, list, value);
    return -1;
}

/* Stores one option's value; prints the error and returns -1 if it is bad. */
static int read_value(const char *cmd, const cli_option *o, const char *value)
{
    char opt[80];
    snprintf(opt, sizeof opt, "--%s", o->name);
    long l;
    double d;
    switch (o->kind) {
    case CLI_FLAG: *o->to.i = 1; return 0;
    case CLI_STRING: *o->to.s = value; return 0;
    case CLI_LONG: return cli_parse_int(cmd, opt, value, (long)o->min, (long)o->max, o->to.l);
    case CLI_DOUBLE: return cli_parse_float(cmd, opt, value, o->min, o->max, o->to.d);
    case CLI_U64: return cli_parse_u64(cmd, opt, value, o->to.u);
    case CLI_CHOICE: return read_choice(cmd, opt, o, value);
    case CLI_CUSTOM: return o->parse(cmd, value, o->to.any);
    case CLI_INT:
        if (cli_parse_int(cmd, opt, value, (long)o->min, (long)o->max, &l) != 0) return -1;
        *o->to.i = (int)l;
        return 0;
    case CLI_FLOAT:
        if (cli_parse_float(cmd, opt, value, o->min, o->max, &d) != 0) return -1;
        *o->to.f = (float)d;
        return 0;
    }
    return -1;
}

/* getopt_long's view of the table: each row, then --help if there is a usage. */
static int build_longopts(const cli_command *c, struct option *lo)
{
    if (c->n_options > MAX_ROWS) {   /* a table too big for MAX_ROWS: a mistake in the program */
        cli_error(c->cmd, "internal error: %d options, at most %d", c->n_options, MAX_ROWS);
        return -1;
    }
    int n = 0;
    for (int i = 0; i < c->n_options; i++) {
        int has_arg = c->options[i].kind == CLI_FLAG ? no_argument : required_argument;
        lo[n++] = (struct option){c->options[i].name, has_arg, NULL, FIRST_ROW + i};
    }
    /* --help apart from -h: a refused "--help=1" is then named as given (see report_refused) */
    if (c->usage) lo[n++] = (struct option){"help", no_argument, NULL, LONG_HELP};
    lo[n] = (struct option){NULL, 0, NULL, 0};
    return 0;
}

/* An option getopt_long refused: missing value, or unknown (or ambiguous).
 * An unknown short option (getopt's optopt, a character; a long option
 * refused for its value has its row's number there, unknown ones 0) is
 * named by itself: inside a group ("-qx") the argument getopt points at is
 * not the one that holds it. */
static void report_refused(const cli_command *c, int ch, const char *arg)
{
    char short_opt[3] = {'-', (char)optopt, 0};
    if (ch == '?' && optopt > 0 && optopt < 128) arg = short_opt;
    if (ch == ':') cli_error(c->cmd, "%s needs a value", arg);
    else if (c->cmd) cli_error(c->cmd, "unknown option '%s' (see '%s %s --help')", arg, DP_PROG, c->cmd);
    else cli_error(NULL, "unknown option '%s' (see '%s --help')", arg, DP_PROG);
}

int cli_parse(const cli_command *c, int argc, char **argv, int *first_arg)
{
    struct option longopts[MAX_ROWS + 2];
    if (build_longopts(c, longopts) != 0) return CLI_USAGE;
    /* Errors are ours (opterr 0; a leading ':' tells a missing value from an
     * unknown option). optind 0 makes getopt start afresh, even after an
     * earlier parse that stopped halfway. */
    opterr = 0;
    optind = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, c->usage ? ":h" : ":", longopts, NULL)) != -1) {
        if (ch >= FIRST_ROW) {
            if (read_value(c->cmd, &c->options[ch - FIRST_ROW], optarg) != 0) return CLI_USAGE;
        } else if (ch == 'h' || ch == LONG_HELP) {
            fputs(c->usage, stdout);
            return CLI_HELP;
        } else {
            report_refused(c, ch, argv[optind - 1]);
            return CLI_USAGE;
        }
    }
    *first_arg = optind;
    return CLI_RUN;
}

int cli_parse_options_only(const cli_command *c, int argc, char **argv)
{
    int first_arg, rc = cli_parse(c, argc, argv, &first_arg);
    if (rc != CLI_RUN || first_arg == argc) return rc;
    if (c->cmd) cli_error(c->cmd, "unexpected argument '%s' (see '%s %s --help')", argv[first_arg], DP_PROG, c->cmd);
    else cli_error(NULL, "unexpected argument '%s' (see '%s --help')", argv[first_arg], DP_PROG);
    return CLI_USAGE;
}

int cli_parse_isa(const char *cmd, const char *s, void *to)
{
    static const struct {
        const char *name;
        dp_isa isa;
    } isas[] = {{"auto", DP_ISA_AUTO}, {"avx2", DP_ISA_AVX2}, {"portable", DP_ISA_PORTABLE}};
    for (size_t i = 0; i < sizeof isas / sizeof isas[0]; i++) {
        if (strcmp(s, isas[i].name) != 0) continue;
        dp_isa got = dp_kernels_select(isas[i].isa);
        if (isas[i].isa != DP_ISA_AUTO && got != isas[i].isa) {
            cli_error(cmd, "--isa %s: this CPU (or this build) has no %s kernels", s, s);
            return -1;
        }
        *(int *)to = (int)got;
        return 0;
    }
    cli_error(cmd, "--isa must be auto, avx2 or portable, not '%s'", s);
    return -1;
}
