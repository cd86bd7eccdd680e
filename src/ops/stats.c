/* src/ops/stats.c: front end of the statistics built from reductions (Nx.weighted_mean,
 * median, mode, covariance, all_close; spec/functions.md §12): checks arguments with Nx's
 * messages and composes each from primitives and the other public functions, as Nx's
 * nx.ex does. No arithmetic here. */
#include <math.h>
#include <string.h>
#include "core/shape.h"
#include "ops/front.h"

static int inner_rank(const nx_tensor *t)
{
    return t->rank - t->vrank;
}

static nx_tensor *number(int64_t v)
{
    return nx_number_tensor(NX_INT(v));
}

/* ---------------------------------------------------------------- weighted_mean */

/* Weights of another inner shape than t's, laid out as Nx lays them out: reshaped to
 * {1, ..., 1} ++ their shape (t's rank), then the axis at axes[0] and the last one swap
 * places. `axes` holds the normalised aggregation axes (n of them). */
static nx_tensor *align_weights(const nx_tensor *t, const nx_tensor *w, const int *axes, int n)
{
    int r = inner_rank(t), wr = inner_rank(w);
    if (n == 0)
        return nxerr_null(NX_ARGUMENT_ERROR, "axes must be specified when shapes of input and weights differ");
    if (wr != n)
        return nxerr_null(NX_ARGUMENT_ERROR,
                          "weights tensor must have rank equal to the number of aggregation axes when input shapes differ");
    nx_shape s = { .rank = r };
    for (int i = 0; i < r; i++)
        s.dims[i] = i < r - wr ? 1 : w->dims[w->vrank + i - (r - wr)];
    nx_axes perm = { .n = r };
    for (int i = 0; i < r; i++)
        perm.index[i] = i;
    perm.index[axes[0]] = r - 1;
    perm.index[r - 1] = axes[0];
    return nx_transpose(nx_reshape(w, s), .axes = perm);
}

nx_tensor *nx_weighted_mean_(const nx_tensor *t, const nx_tensor *weights, nx_weighted_mean_opts o)
{
    if (nxfront_check_tensor(t) < 0 || nxfront_check_tensor(weights) < 0)
        return NULL;
    int r = inner_rank(t), axes[NX_MAX_RANK], n = 0;
    if (o.axes.n > 0 && (n = nxshape_axes(&o.axes, r, t->names + t->vrank, r, axes)) < 0)
        return NULL;
    bool same = inner_rank(weights) == r &&
                !memcmp(t->dims + t->vrank, weights->dims + weights->vrank, (size_t)r * sizeof *t->dims);
    nx_scope_begin();
    const nx_tensor *w = same ? weights : align_weights(t, weights, axes, n);
    nx_tensor *num = nx_sum(nx_multiply(t, w), .axes = o.axes, .keep_axes = o.keep_axes);
    nx_tensor *den = nx_sum(w, .axes = o.axes, .keep_axes = o.keep_axes);
    return nx_scope_end_keep(nx_divide(num, den));
}

/* ---------------------------------------------------------------- median */

/* The middle of t sorted along inner axis `axis` (size n): the middle slice for odd n,
 * else the two middle slices as they are (axis size 2). */
static nx_tensor *middle(const nx_tensor *sorted, int axis, int64_t n)
{
    if (n % 2)
        return nx_slice_along_axis(sorted, n / 2, 1, .axis = NX_AXIS(axis));
    return nx_slice_along_axis(sorted, n / 2 - 1, 2, .axis = NX_AXIS(axis));
}

nx_tensor *nx_median_(const nx_tensor *t, nx_median_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    nx_scope_begin();
    nx_tensor *r = NULL;
    if (!o.axis.set) {
        /* Over every element; :keep_axis does not apply (Nx). */
        nx_tensor *flat = nx_flatten(t);
        int64_t n = nx_size(flat);
        nx_tensor *mid = middle(nx_sort(flat), 0, n);
        if (mid && n % 2 == 0)
            mid = nx_divide(nx_add(nx_slice_along_axis(mid, 0, 1), nx_slice_along_axis(mid, 1, 1)), number(2));
        r = nx_squeeze(mid, .axes = NX_AXES(0));
    } else {
        int axis = nx_axis_index(t, o.axis);
        if (axis >= 0) {
            int64_t n = t->dims[t->vrank + axis];
            nx_tensor *mid = middle(nx_sort(t, .axis = NX_AXIS(axis)), axis, n);
            if (n % 2 == 0)
                r = nx_mean(mid, .axes = NX_AXES(axis), .keep_axes = o.keep_axis);
            else
                r = o.keep_axis ? mid : nx_squeeze(mid, .axes = NX_AXES(axis));
        }
    }
    return nx_scope_end_keep(r);
}

/* ---------------------------------------------------------------- mode */

/* The running maximum of the non-negative integer tensor m along inner axis `axis` (size
 * n), in log2(n) shifted maxima (Hillis-Steele). */
static nx_tensor *running_max(nx_tensor *m, int axis, int64_t n)
{
    int r = m ? inner_rank(m) : 0;
    for (int64_t k = 1; m && k < n; k *= 2) {
        nx_padding cfg = { .n = r };
        cfg.v[axis] = (nx_pad_axis){ .low = k, .high = -k };
        m = nx_max(m, nx_pad(m, number(0), cfg));
    }
    return m;
}

/* The mode along inner axis `axis` of t, that axis kept with size 1. In t sorted along
 * the axis, a run of equal values starts where a value differs from the one before; the
 * index minus its run's start (a running maximum of the starts) counts the run so far,
 * and the first position where that count is largest ends the longest run of the
 * smallest value. */
static nx_tensor *mode_along(const nx_tensor *t, int axis)
{
    int64_t n = t->dims[t->vrank + axis];
    nx_tensor *sorted = nx_sort(t, .axis = NX_AXIS(axis));
    if (n == 1)
        return sorted;
    nx_tensor *differs = nx_not_equal(nx_slice_along_axis(sorted, 1, n - 1, .axis = NX_AXIS(axis)),
                                      nx_slice_along_axis(sorted, 0, n - 1, .axis = NX_AXIS(axis)));
    nx_padding first = { .n = inner_rank(t) };
    first.v[axis] = (nx_pad_axis){ .low = 1 };
    nx_tensor *starts = nx_pad(differs, number(1), first);
    nx_tensor *idx = nx_iota(nx_shape_of(t), .type = NX_S64, .axis = NX_AXIS(axis));
    nx_tensor *run_start = running_max(nx_select(starts, idx, nx_scalar(NX_INT(0), NX_S64)), axis, n);
    nx_tensor *count = nx_subtract(idx, run_start);
    nx_tensor *pos = nx_argmax(count, .axis = NX_AXIS(axis), .keep_axis = true);
    return nx_take_along_axis(sorted, pos, .axis = NX_AXIS(axis));
}

nx_tensor *nx_mode_(const nx_tensor *t, nx_median_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int r = inner_rank(t);
    nx_scope_begin();
    nx_tensor *m = NULL;
    if (o.axis.set) {
        int axis = nx_axis_index(t, o.axis);
        if (axis >= 0) {
            m = mode_along(t, axis);
            if (!o.keep_axis)
                m = nx_squeeze(m, .axes = NX_AXES(axis));
        }
    } else if (r == 0) {
        m = o.keep_axis ? nx_new_axis(t, 0, NULL) : nx_as_type(t, t->type);
    } else {
        /* Over every element: a scalar, or 1s in every inner axis (names kept). */
        nx_shape ones = { .rank = o.keep_axis ? r : 0 };
        for (int i = 0; i < ones.rank; i++)
            ones.dims[i] = 1;
        m = nx_reshape(mode_along(nx_flatten(t), 0), ones, .names = o.keep_axis ? nx_names_of(t) : (nx_names){ 0 });
    }
    return nx_scope_end_keep(m);
}

/* ---------------------------------------------------------------- covariance */

/* x^H x over the n axis of x {..., n, d}: dot(conj(x), [-2], batch, x, [-2], batch) with
 * the leading axes as batch axes, in x's type (integers wrap, as Nx's dot does). */
static nx_tensor *gram(const nx_tensor *x)
{
    if (!x)
        return NULL;
    int r = inner_rank(x);
    nx_axes batch = { .n = r - 2 };
    for (int i = 0; i < r - 2; i++)
        batch.index[i] = i;
    const nx_tensor *xc = nx_type_is_complex(x->type) ? nx_conjugate(x) : x;
    return nx_dot_general(xc, x, .contract_a = NX_AXES(r - 2), .batch_a = batch, .contract_b = NX_AXES(r - 2),
                          .batch_b = batch);
}

nx_tensor *nx_covariance_(const nx_tensor *t, nx_covariance_opts o)
{
    if (nxfront_check_tensor(t) < 0 || (o.mean && nxfront_check_tensor(o.mean) < 0))
        return NULL;
    if (inner_rank(t) < 2)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected input tensor of rank at least 2, got %d", inner_rank(t));
    if (o.mean && inner_rank(o.mean) < 1)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected mean of rank at least 1, got 0");
    if (o.ddof < 0)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected ddof to be a non-negative integer, got %lld", (long long)o.ddof);
    int64_t n = t->dims[t->rank - 2];
    nx_scope_begin();
    const nx_tensor *mean = o.mean ? o.mean : nx_mean(t, .axes = NX_AXES(-2));
    nx_tensor *x = nx_rename(nx_subtract(t, nx_new_axis(mean, -2, NULL)), (nx_names){ 0 });
    nx_tensor *r = nx_divide(gram(x), number(n - o.ddof));
    return nx_scope_end_keep(r);
}

/* ---------------------------------------------------------------- all_close */

/* A tolerance option: 0 is Nx's default, NX_TOL_ZERO (-0.0) an exact 0. */
static double tolerance(double given, double fallback)
{
    if (given == 0)
        return signbit(given) ? 0.0 : fallback;
    return given;
}

/* Nx's AllClose default: |a - b| <= atol + rtol |b|; for floats, infinities must be
 * equal (Inf - Inf is NaN) and, with equal_nan, NaN pairs match. */
nx_tensor *nx_all_close_(const nx_tensor *a, const nx_tensor *b, nx_all_close_opts o)
{
    if (nxfront_check_tensor(a) < 0 || nxfront_check_tensor(b) < 0)
        return NULL;
    nx_scope_begin();
    nx_tensor *atol = nx_number_tensor(NX_FLOAT(tolerance(o.atol, 1.0e-8)));
    nx_tensor *rtol = nx_number_tensor(NX_FLOAT(tolerance(o.rtol, 1.0e-5)));
    bool ints = nx_type_is_integer(a->type) && nx_type_is_integer(b->type);
    /* |b| of integers in f64: abs(-128) does not fit s8. */
    nx_tensor *abs_b = nx_abs(ints ? nx_as_type(b, NX_F64) : b);
    nx_tensor *ok = nx_less_equal(nx_abs(nx_subtract(a, b)), nx_add(atol, nx_multiply(rtol, abs_b)));
    if (!ints) {
        nx_tensor *inf = nx_logical_or(nx_is_infinity(a), nx_is_infinity(b));
        ok = nx_select(inf, nx_equal(a, b), ok);
        if (o.equal_nan)
            ok = nx_select(nx_logical_and(nx_is_nan(a), nx_is_nan(b)), number(1), ok);
    }
    return nx_scope_end_keep(nx_all(ok));
}
