/* src/cli/main.c: the nxc command. For now it reports its version; the Elixir-syntax
 * interpreter (REPL, scripts, -e, --eval-stdin) is being built on top of the library. */
#include <stdio.h>
#include <string.h>
#include "nx.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: nxc --version | --help\n"
               "nxc %s: the interpreter (REPL, FILE.exs, -e CODE, --eval-stdin) is not built yet;\n"
               "the C library (include/nx.h) is ready to use.\n", nx_version());
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("nxc %s\n", nx_version());
        return 0;
    }
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    usage(stderr);
    return 2;
}
