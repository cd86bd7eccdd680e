/* src/ops/cumulative.c: front end of the cumulative ops and of diff (spec/functions.md
 * §13): the axis, the compute type (narrow floats scan in f32 and round once per
 * element, sub-byte integers in 8 bits and wrap back), complex checks, and vectorized
 * axes (never scanned: the axis counts in the inner shape). */
#include "core/shape.h"
#include "ops/front.h"

/* The scanned axis of t (vectorized axes skipped), or -1 with an error. */
static int inner_axis(const nx_tensor *t, nx_axis axis, int fallback)
{
    int inner = t->rank - t->vrank;
    if (!axis.set && !axis.name)
        axis = NX_AXIS(fallback);
    int a = nxshape_axis(axis, inner, t->names + t->vrank, inner);
    return a < 0 ? -1 : a + t->vrank;
}

static nx_tensor *cumulative(nx_op op, const char *via, const nx_tensor *t, nx_cumulative_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    if (via && nx_type_is_complex(t->type))
        return nxerr_null(NX_ARGUMENT_ERROR, "Nx.%s/2 does not support complex inputs", via);
    nxop_params p = { .reverse = o.reverse };
    if ((p.axis = inner_axis(t, o.axis, 0)) < 0)
        return NULL;
    nx_type type = nxfront_compute_type(t->type);
    nx_tensor *x = nx_as_type(t, type);
    nx_tensor *r = x ? nxop_run(op, nxtensor_like(t, type), (const nx_tensor *const *)&x, &p) : NULL;
    nx_release(x);
    if (!r || type == t->type)
        return r;
    nx_tensor *back = nx_as_type(r, t->type);
    nx_release(r);
    return back;
}

nx_tensor *nx_cumulative_sum_(const nx_tensor *t, nx_cumulative_opts o)
{
    return cumulative(NX_OP_cumulative_sum, NULL, t, o);
}

nx_tensor *nx_cumulative_product_(const nx_tensor *t, nx_cumulative_opts o)
{
    return cumulative(NX_OP_cumulative_product, NULL, t, o);
}

nx_tensor *nx_cumulative_min_(const nx_tensor *t, nx_cumulative_opts o)
{
    return cumulative(NX_OP_cumulative_min, "min", t, o);
}

nx_tensor *nx_cumulative_max_(const nx_tensor *t, nx_cumulative_opts o)
{
    return cumulative(NX_OP_cumulative_max, "max", t, o);
}

/* Nx.diff: `order` times slice(1, n - 1) - slice(0, n - 1) along the axis. */
nx_tensor *nx_diff_(const nx_tensor *t, nx_diff_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int order = o.order == NX_DIFF_ORDER_ZERO ? 0 : o.order == 0 ? 1 : o.order;
    if (t->rank - t->vrank == 0)
        return nxerr_null(NX_ARGUMENT_ERROR, "cannot compute diff of a scalar");
    if (order < 0)
        return nxerr_null(NX_ARGUMENT_ERROR, "order must be non-negative but got: %d", order);
    int axis = inner_axis(t, o.axis, -1);
    if (axis < 0)
        return NULL;
    int inner_index = axis - t->vrank;
    nx_scope_begin();
    nx_tensor *r = nxfront_view(t, t->type, t->rank, t->dims, t->names, t->vrank);
    for (int k = 0; k < order && r; k++) {
        int64_t n = r->dims[axis];
        nx_tensor *hi = nx_slice_along_axis(r, 1, n - 1, .axis = NX_AXIS(inner_index));
        nx_tensor *lo = nx_slice_along_axis(r, 0, n - 1, .axis = NX_AXIS(inner_index));
        r = nx_subtract(hi, lo);
    }
    return nx_scope_end_keep(r);
}
