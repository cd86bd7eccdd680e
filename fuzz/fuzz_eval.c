/* fuzz/fuzz_eval.c: libFuzzer target for the whole interpreter: lexer, parser, evaluator,
 * the Nx bindings and printing. Each input runs in a fresh session; whatever it does must
 * end in a value or a clean exception, never a crash, a leak or a sanitizer report. The
 * arena and the tensors are dropped after every input.
 *
 * Built and run by scripts/fuzz.sh (CI runs it for 60 seconds). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "cli/eval.h"
#include "nx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink) {
        sink = fopen("/dev/null", "w");
        nx_set_alloc_limit(64 << 20);   /* a huge shape must fail cleanly, not eat the machine */
        nx_set_while_limit(10000);      /* and a loop that never ends must stop with an error */
    }
    nxi_side_out = sink;
    nx_scope_begin();
    nxi_session session = { 0 };
    nxi_parse_error err = { 0 };
    nxi_ast *block = nxi_parse((const char *)data, size, &err);
    if (block) {
        nxv *v = nxi_eval_block(&session, block);
        if (v)
            (void)nxi_inspect(v);
    }
    nx_error_clear();
    nx_scope_end();
    nxi_arena_reset();
    return 0;
}
