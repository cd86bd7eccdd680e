/* src/ops/elementwise_composite.c: element-wise functions that Nx composes from primitives
 * (logical_not, log/2), written once here so that every backend and the tracer get them. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "core/fmtfloat.h"
#include "ops/front.h"

nx_tensor *nx_logical_not(const nx_tensor *t)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    nx_scope_begin();
    nx_tensor *r = nx_equal(t, nx_number_tensor(NX_INT(0)));
    return nx_scope_end_keep(r);
}

/* A number base outside log's domain, as Elixir prints it; 0 when it is fine. */
static int bad_base(nx_number n, char *text, size_t cap)
{
    double v;
    switch (n.kind) {
    case NX_NUM_INT: v = (double)n.i; snprintf(text, cap, "%lld", (long long)n.i); break;
    case NX_NUM_UINT: v = (double)n.u; snprintf(text, cap, "%llu", (unsigned long long)n.u); break;
    case NX_NUM_FLOAT: {
        uint64_t bits;
        v = n.f;
        memcpy(&bits, &n.f, 8);
        if (isnan(v))
            return 0;   /* :nan is not compared by Nx's guard; NaN results follow */
        if (isinf(v))
            snprintf(text, cap, "%s", v > 0 ? ":infinity" : ":neg_infinity");
        else
            nxfmt_float(text, cap, NX_F64, bits);
        break;
    }
    default:
        return 0;
    }
    return v <= 0 || v == 1;
}

nx_tensor *nx_log_base(const nx_tensor *t, const nx_tensor *base)
{
    if (nxfront_check_tensor(t) < 0 || nxfront_check_tensor(base) < 0)
        return NULL;
    char text[64];
    if (base->weak && bad_base(base->weak_value, text, sizeof text))
        return nxerr_null(NX_ARGUMENT_ERROR, "expected base to be greater than 0 and different than 1, got: %s", text);
    nx_scope_begin();
    /* log of a number base is a plain tensor of to_floating(infer(base)): f16 / base
     * gives f32, as in Nx. */
    nx_tensor *r = nx_divide(nx_log(t), nx_log(base));
    return nx_scope_end_keep(r);
}

/* Nx.log2, Nx.log10: divide(log(t), log(base)) with log(base) an f32 scalar tensor, so
 * that narrow float inputs come out as f32 (spec/functions.md §6.2). */
static nx_tensor *log_fixed_base(const nx_tensor *t, int base)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    nx_scope_begin();
    nx_tensor *r = nx_divide(nx_log(t), nx_log(nx_scalar(NX_INT(base), NX_S32)));
    return nx_scope_end_keep(r);
}

nx_tensor *nx_log2(const nx_tensor *t) { return log_fixed_base(t, 2); }
nx_tensor *nx_log10(const nx_tensor *t) { return log_fixed_base(t, 10); }
