/* src/ops/linalg_norm.c: Nx.LinAlg.norm (spec/linalg.md §2.12), a composite of abs, sum,
 * reduce_max/min, pow and select, as Nx composes it: the generic p-norm scaled by the
 * maximum, the :inf/:neg_inf/0/±1 reductions cast to to_real, and the thin-SVD norms
 * (:nuclear, -2) for matrices. */
#include <stdio.h>
#include "core/shape.h"
#include "ops/front.h"

/* The generic p-norm over o.axes (all when not given):
 * pow(sum(pow(|x| / c, p), keep), 1/p) · c with c = max|x| (kept, 1 where 0), then
 * squeezed over o.axes (every size-1 axis when not given) unless o.keep_axes. */
static nx_tensor *p_norm(const nx_tensor *t, int64_t p, nx_norm_opts o)
{
    nx_type out = nx_type_to_real(t->type);
    nx_tensor *abs_t = nx_abs(t);
    nx_tensor *c = nx_reduce_max(abs_t, .axes = o.axes, .keep_axes = true);
    c = nx_select(nx_greater(c, NX_I(0)), c, NX_I(1));
    nx_tensor *sum = nx_sum(nx_pow(nx_divide(abs_t, c), NX_I(p)), .axes = o.axes, .keep_axes = true);
    nx_tensor *inv_p = nx_scalar(NX_FLOAT(1.0 / (double)p), out);
    nx_tensor *r = nx_multiply(nx_pow(sum, inv_p), c);
    if (o.keep_axes || o.axes.n < 0)   /* axes: [] reduced nothing and squeezes nothing */
        return r;
    return nx_squeeze(r, .axes = o.axes);
}

/* :inf / :neg_inf: the max (min) of |x| (rank 1) or of the row sums of |x| (rank 2). */
static nx_tensor *inf_norm(const nx_tensor *t, int rank, bool neg, nx_norm_opts o)
{
    nx_tensor *x = nx_abs(t);
    if (rank == 2)
        x = nx_sum(x, .axes = NX_AXES(1));
    x = neg ? nx_reduce_min(x, .axes = o.axes, .keep_axes = o.keep_axes)
            : nx_reduce_max(x, .axes = o.axes, .keep_axes = o.keep_axes);
    return nx_as_type(x, nx_type_to_real(t->type));
}

/* ord ±1 on a matrix: the max (min) of the column sums of |x|. */
static nx_tensor *column_norm(const nx_tensor *t, bool neg, nx_norm_opts o)
{
    nx_tensor *x = nx_sum(nx_abs(t), .axes = NX_AXES(0));
    x = neg ? nx_reduce_min(x, .axes = o.axes, .keep_axes = o.keep_axes)
            : nx_reduce_max(x, .axes = o.axes, .keep_axes = o.keep_axes);
    return nx_as_type(x, nx_type_to_real(t->type));
}

/* ord 0 on a vector: the number of non-zero elements. */
static nx_tensor *count_norm(const nx_tensor *t, nx_norm_opts o)
{
    nx_tensor *x = nx_sum(nx_not_equal(t, NX_I(0)), .axes = o.axes, .keep_axes = o.keep_axes);
    return nx_as_type(x, nx_type_to_real(t->type));
}

/* The singular values of a matrix (thin SVD). */
static nx_tensor *singular_values(const nx_tensor *t)
{
    nx_tensor *u = NULL, *s = NULL, *vt = NULL;
    if (nx_svd(t, &u, &s, &vt, .thin = true) < 0)
        return NULL;
    return s;
}

static nx_tensor *matrix_p_norm(const nx_tensor *t, int64_t p, nx_norm_opts o)
{
    switch (p) {
    case 1:
    case -1:
        return column_norm(t, p < 0, o);
    case 2:
        return p_norm(t, 2, o);
    case -2:
        return nx_reduce_min(singular_values(t), .axes = o.axes, .keep_axes = o.keep_axes);
    default:
        return nxerr_null(NX_ARGUMENT_ERROR, "invalid :ord for 2-D tensor, got: %lld", (long long)p);
    }
}

static nx_tensor *dispatch(const nx_tensor *t, int rank, nx_norm_opts o)
{
    switch (o.ord) {
    case NX_NORM_DEFAULT:
        return p_norm(t, 2, o);
    case NX_NORM_FROBENIUS:
        if (rank == 1)
            return nxerr_null(NX_ARGUMENT_ERROR, "expected a 2-D tensor for ord: :frobenius, got a 1-D tensor");
        return p_norm(t, 2, o);
    case NX_NORM_NUCLEAR:
        if (rank != 2)
            return nxerr_null(NX_ARGUMENT_ERROR, "nuclear norm not supported for rank != 2");
        return nx_sum(singular_values(t));   /* Nx ignores :axes and :keep_axes here */
    case NX_NORM_INF:
    case NX_NORM_NEG_INF:
        return inf_norm(t, rank, o.ord == NX_NORM_NEG_INF, o);
    case NX_NORM_P:
        if (rank == 2)
            return matrix_p_norm(t, o.p, o);
        return o.p == 0 ? count_norm(t, o) : p_norm(t, o.p, o);
    }
    return nxerr_null(NX_ARGUMENT_ERROR, "unknown ord %d", (int)o.ord);
}

nx_tensor *nx_norm_(const nx_tensor *t, nx_norm_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int rank = t->rank - t->vrank;
    if (rank != 1 && rank != 2) {
        char buf[256];
        return nxerr_null(NX_ARGUMENT_ERROR, "expected 1-D or 2-D tensor, got tensor with shape %s",
                          nxshape_text(buf, sizeof buf, rank, t->dims + t->vrank));
    }
    nx_scope_begin();
    return nx_scope_end_keep(dispatch(t, rank, o));
}
