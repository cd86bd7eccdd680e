/* tests/test_softmax_memory.c: a training-loop shape of workload: many eager softmax steps
 * over 1M f32 inside a scope must keep resident memory flat (issue: bounded memory). */
#include <stdio.h>
#include <string.h>
#include "support/nxtest.h"

Test(softmax_memory, eager_steps_keep_resident_memory_flat, .timeout = 600)
{
    long steps = nxtest_scaled(10000);
    nx_scope_begin();
    nx_tensor *x = nx_divide(nx_iota(NX_SHAPE(1000000), .type = NX_F32), NX_F(1e6));
    long after_warmup = 0;
    for (long i = 0; i < steps; i++) {
        if (i == (steps < 100 ? steps / 2 : 100))
            after_warmup = nxtest_rss_kb(0);
        nx_scope_begin();
        nx_tensor *e = nx_exp(x);
        nx_tensor *y = nx_divide(e, nx_sum(e));
        cr_assert_not_null(y, "%s", nx_error_message());
        nx_scope_end();
    }
    long end = nxtest_rss_kb(0);
    nx_scope_end();
#ifndef __SANITIZE_ADDRESS__   /* ASan keeps freed memory in quarantine: RSS says nothing there */
    cr_assert(end - after_warmup < 5 * 1024, "resident memory grew by %ld kB over %ld steps", end - after_warmup, steps);
#else
    (void)end;
    (void)after_warmup;
#endif
}
