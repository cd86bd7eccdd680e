/* src/ops/reduce.c: front end of the reductions (spec/functions.md §12): checks axes and
 * options, decides output type, shape and names (spec/shapes-and-names.md §5), maps every
 * stored type onto the native type a kernel reads (narrow floats as f32, 2- and 4-bit
 * integers as 8-bit), and composes mean, logsumexp, variance and standard_deviation from
 * primitives. No arithmetic here.
 *
 * Kernel contract (src/backend/cpu/reduce.c): the output has the input's rank with the
 * reduced axes of size 1, in the type the kernel writes: sum and product of narrow floats
 * come out in f64 and round once here; argmax indices of a non-native :type come out in
 * s64 and convert here (exact integers). */
#include <math.h>
#include <string.h>
#include "core/shape.h"
#include "ops/front.h"
#include "core/text.h"
#include "defn/node.h"

static nx_tensor *no_complex(const char *fn)
{
    return nxerr_null(NX_ARGUMENT_ERROR, "Nx.%s/2 does not support complex inputs", fn);
}

/* ---------------------------------------------------------------- axes and shapes */

/* Marks the reduced axes of t (absolute positions) from :axes over its inner axes.
 * Returns 1 for axes: [] (nothing to reduce), 0 otherwise, -1 with an error. */
static int resolve_axes(const nx_tensor *t, const nx_axes *axes, bool *mask)
{
    int inner = t->rank - t->vrank, idx[NX_MAX_RANK];
    memset(mask, 0, NX_MAX_RANK * sizeof *mask);
    if (axes->n < 0)
        return 1;
    if (axes->n == 0) {
        for (int i = t->vrank; i < t->rank; i++)
            mask[i] = true;
        return 0;
    }
    int n = nxshape_axes(axes, inner, t->names + t->vrank, inner, idx);
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++)
        mask[t->vrank + idx[i]] = true;
    return 0;
}

/* The number of elements each output gathers. */
static int64_t reduced_count(const nx_tensor *t, const bool *mask)
{
    int64_t n = 1;
    for (int i = 0; i < t->rank; i++)
        if (mask[i])
            n *= t->dims[i];
    return n;
}

/* The result shape (Nx.Shape.contract): reduced axes dropped, or kept as 1 with their
 * names. Returns the rank. */
static int contract(const nx_tensor *t, const bool *mask, bool keep, int64_t *dims, const char **names)
{
    int r = 0;
    for (int i = 0; i < t->rank; i++) {
        if (mask[i] && !keep)
            continue;
        dims[r] = mask[i] ? 1 : t->dims[i];
        names[r++] = t->names[i];
    }
    return r;
}

/* A result laid out as (rank, dims, names) with t's vectorized axes leading. */
typedef struct {
    int rank;
    int64_t dims[NX_MAX_RANK];
    const char *names[NX_MAX_RANK];
} layout;

/* Runs op over the axes in mask of src (its native view), then views the kernel's output
 * as `to` and converts it from the kernel's type kout to out_type. */
static nx_tensor *run(nx_op op, const nx_tensor *src, const bool *mask, const layout *to, int vrank,
                      nx_type kout, nx_type out_type, const nxop_params *p)
{
    int64_t kdims[NX_MAX_RANK];
    for (int i = 0; i < src->rank; i++)
        kdims[i] = mask[i] ? 1 : src->dims[i];
    nx_tensor *x = nx_as_type(src, nxfront_compute_type(src->type));
    nx_tensor *out = x ? nxtensor_new(kout, src->rank, kdims, NULL) : NULL;
    out = nxop_run(op, out, (const nx_tensor *const *)&x, p);
    nx_tensor *r = out ? nxfront_view(out, kout, to->rank, to->dims, to->names, vrank) : NULL;
    nx_release(out);
    nx_release(x);
    if (r && kout != out_type) {
        nx_tensor *c = nx_as_type(r, out_type);
        nx_release(r);
        r = c;
    }
    return r;
}

/* ---------------------------------------------------------------- the axis reductions */

/* Traced reductions record Nx's node: `sum x, axes: [1], keep_axes: false`. */
typedef struct { nx_op op; nx_reduce_opts o; } reduce_call;
static nx_tensor *reduce(nx_op op, const nx_tensor *t, nx_reduce_opts o);
static nx_tensor *call_reduce(const nx_tensor *const *in, const void *opts)
{
    const reduce_call *c = opts;
    return reduce(c->op, in[0], c->o);
}

static nx_tensor *traced_reduce(nx_tensor *r, nx_op op, const nx_tensor *t, nx_reduce_opts o, const bool *mask)
{
    nxtext text = { 0 };
    nxtext_puts(&text, "%0, axes: ");
    /* Nx records the devectorized node: a vectorized input's reduced axes are listed,
     * counted with the vectorized axes in front (spec/defn.md §12). */
    if (o.axes.n == 0 && t->vrank == 0) {
        nxtext_puts(&text, "nil");
    } else {
        nxtext_putc(&text, '[');
        for (int i = t->vrank, k = 0; i < t->rank; i++)
            if (mask[i])
                nxtext_printf(&text, "%s%d", k++ ? ", " : "", i);
        nxtext_putc(&text, ']');
    }
    nxtext_printf(&text, ", keep_axes: %s", o.keep_axes ? "true" : "false");
    char *s = nxtext_take(&text);
    reduce_call c = { op, o };
    r = s ? nxdefn_wrap(r, nxop_table[op].name, s, call_reduce, &c, sizeof c, &t, 1) : (nx_release(r), nxerr_oom(64));
    nx_free(s);
    return r;
}

static nx_tensor *reduce(nx_op op, const nx_tensor *t, nx_reduce_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    nx_type out, kout;
    switch (op) {
    case NX_OP_sum:
    case NX_OP_product:
        out = nx_type_to_aggregate(t->type);
        kout = nxfront_compute_type(out) == out ? out : NX_F64;   /* narrow floats: one rounding, here */
        break;
    case NX_OP_reduce_max:
    case NX_OP_reduce_min:
        if (nx_type_is_complex(t->type))
            return no_complex(nxop_table[op].name);
        out = t->type;
        kout = nxfront_compute_type(out);   /* the extreme is an input element: converting back is exact */
        break;
    default:
        out = kout = NX_U8;
        break;
    }
    bool mask[NX_MAX_RANK];
    int none = resolve_axes(t, &o.axes, mask);
    if (none < 0)
        return NULL;
    /* Nx converts instead of reducing when the list of axes it builds is empty: axes: [],
     * or no :axes on a vectorized tensor (or with keep_axes) whose inner shape is {}. Only
     * all and any can tell (Nx.all(5, keep_axes: true) is 5). */
    if (none || (o.axes.n == 0 && t->rank == t->vrank && (t->vrank > 0 || o.keep_axes)))
        return nx_as_type(t, out);
    layout to;
    to.rank = contract(t, mask, o.keep_axes, to.dims, to.names);
    nxop_params p = { 0 };
    nx_tensor *r = run(op, t, mask, &to, t->vrank, kout, out, &p);
    return nxdefn_traced(r) ? traced_reduce(r, op, t, o, mask) : r;
}

nx_tensor *nx_sum_(const nx_tensor *t, nx_reduce_opts o) { return reduce(NX_OP_sum, t, o); }
nx_tensor *nx_product_(const nx_tensor *t, nx_reduce_opts o) { return reduce(NX_OP_product, t, o); }
nx_tensor *nx_reduce_max_(const nx_tensor *t, nx_reduce_opts o) { return reduce(NX_OP_reduce_max, t, o); }
nx_tensor *nx_reduce_min_(const nx_tensor *t, nx_reduce_opts o) { return reduce(NX_OP_reduce_min, t, o); }
nx_tensor *nx_all_(const nx_tensor *t, nx_reduce_opts o) { return reduce(NX_OP_all, t, o); }
nx_tensor *nx_any_(const nx_tensor *t, nx_reduce_opts o) { return reduce(NX_OP_any, t, o); }

/* ---------------------------------------------------------------- argmax, argmin */

static nx_tensor *arg_extreme(nx_op op, const nx_tensor *t, nx_argmax_opts o)
{
    const char *fn = nxop_table[op].name;
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    if (o.tie_break != NX_TIE_LOW && o.tie_break != NX_TIE_HIGH)
        return nxerr_null(NX_ARGUMENT_ERROR, "unknown value for :tie_break, expected :high or :low, got: %d",
                          (int)o.tie_break);
    if (nx_type_is_complex(t->type))
        return no_complex(fn);
    int vrank = t->vrank, inner = t->rank - vrank;
    bool mask[NX_MAX_RANK] = { false };
    layout to;
    nx_tensor *src;
    int axis;
    if (o.axis.set) {
        int a = nxshape_axis(o.axis, inner, t->names + vrank, inner);
        if (a < 0)
            return NULL;
        axis = vrank + a;
        mask[axis] = true;
        to.rank = contract(t, mask, o.keep_axis, to.dims, to.names);
        src = nx_retain((nx_tensor *)t);
    } else {
        /* The inner tensor flattened into one axis; the result has one index per vector
         * entry (keep_axis: an inner shape of 1s, names kept; ignored when not
         * vectorized, as in Nx). */
        int64_t flat[NX_MAX_RANK];
        memcpy(flat, t->dims, (size_t)vrank * sizeof *flat);
        flat[vrank] = nxshape_size(inner, t->dims + vrank);
        axis = vrank;
        mask[axis] = true;
        to.rank = vrank > 0 && o.keep_axis ? t->rank : vrank;
        for (int i = 0; i < to.rank; i++) {
            to.dims[i] = i < vrank ? t->dims[i] : 1;
            to.names[i] = t->names[i];
        }
        src = nxfront_view(t, t->type, vrank + 1, flat, t->names, vrank);
    }
    nx_type type = o.type ? o.type : NX_S32;
    nx_tensor *r = NULL;
    if (src && nxfront_check_type(type) == 0) {
        nx_type kout = nxfront_compute_type(type) == type && !nx_type_is_complex(type) ? type : NX_S64;
        nxop_params p = { .axis = axis, .tie_high = o.tie_break == NX_TIE_HIGH };
        r = run(op, src, mask, &to, vrank, kout, type, &p);
    }
    nx_release(src);
    return r;
}

typedef struct { nx_op op; nx_argmax_opts o; } arg_call;
static nx_tensor *call_arg(const nx_tensor *const *in, const void *opts)
{
    const arg_call *c = opts;
    return arg_extreme(c->op, in[0], c->o);
}

/* `argmin x, tie_break: :high, axis: nil, keep_axis: false` when traced. */
static nx_tensor *arg_node(nx_op op, const nx_tensor *t, nx_argmax_opts o)
{
    nx_tensor *r = arg_extreme(op, t, o);
    if (!nxdefn_traced(r))
        return r;
    char text[128], axis[16] = "nil";
    if (o.axis.set)
        snprintf(axis, sizeof axis, "%d", nxshape_axis(o.axis, t->rank - t->vrank, t->names + t->vrank, t->rank - t->vrank));
    snprintf(text, sizeof text, "%%0, tie_break: %s, axis: %s, keep_axis: %s", o.tie_break == NX_TIE_HIGH ? ":high" : ":low",
             axis, o.keep_axis ? "true" : "false");
    arg_call c = { op, o };
    return nxdefn_wrap(r, nxop_table[op].name, text, call_arg, &c, sizeof c, &t, 1);
}

nx_tensor *nx_argmax_(const nx_tensor *t, nx_argmax_opts o) { return arg_node(NX_OP_argmax, t, o); }
nx_tensor *nx_argmin_(const nx_tensor *t, nx_argmax_opts o) { return arg_node(NX_OP_argmin, t, o); }

/* ---------------------------------------------------------------- composites */

/* The number of elements each output of a reduction over `axes` gathers; -1 with an
 * error. */
static int64_t count_for(const nx_tensor *t, const nx_axes *axes, bool *mask)
{
    if (nxfront_check_tensor(t) < 0)
        return -1;
    int none = resolve_axes(t, axes, mask);
    if (none < 0)
        return -1;
    return none ? 1 : reduced_count(t, mask);
}

/* Nx.mean: divide(sum(t, opts), n) with n a plain number, so the quotient is typed as
 * Nx types a number operand (integer sums give f32, floats keep their type). */
nx_tensor *nx_mean_(const nx_tensor *t, nx_reduce_opts o)
{
    bool mask[NX_MAX_RANK];
    int64_t n = count_for(t, &o.axes, mask);
    if (n < 0)
        return NULL;
    nx_scope_begin();
    nx_tensor *r = nx_divide(nx_sum_(t, o), nx_number_tensor(NX_INT(n)));
    return nx_scope_end_keep(r);
}

/* Nx.variance: sum((t - mean(t, keep_axes: true)) ** 2) / (n - ddof). */
nx_tensor *nx_variance_(const nx_tensor *t, nx_variance_opts o)
{
    bool mask[NX_MAX_RANK];
    int64_t n = count_for(t, &o.axes, mask);
    if (n < 0)
        return NULL;
    double d = (double)n - o.ddof;
    nx_number divisor = d == floor(d) && fabs(d) < 9.0e15 ? NX_INT((int64_t)d) : NX_FLOAT(d);
    nx_scope_begin();
    nx_tensor *m = nx_mean(t, .axes = o.axes, .keep_axes = true);
    nx_tensor *sq = nx_pow(nx_subtract(t, m), nx_number_tensor(NX_INT(2)));
    nx_tensor *s = nx_sum(sq, .axes = o.axes, .keep_axes = o.keep_axes);
    nx_tensor *r = nx_divide(s, nx_number_tensor(divisor));
    return nx_scope_end_keep(r);
}

nx_tensor *nx_standard_deviation_(const nx_tensor *t, nx_variance_opts o)
{
    nx_scope_begin();
    nx_tensor *r = nx_sqrt(nx_variance_(t, o));
    return nx_scope_end_keep(r);
}

/* The maximum of each group with infinities moved to the largest finite value of the
 * type. Nx replaces them by 0; either way exp(t - m) and log(sum) + m give the same
 * result for every group (an all -Inf group: exp(-Inf) = 0, log 0 + m = -Inf; a +Inf
 * group: Inf), and no select is needed. */
static nx_tensor *finite_max(const nx_tensor *t, nx_axes axes)
{
    nx_tensor *m = nx_reduce_max(t, .axes = axes, .keep_axes = true);
    if (!m || !nx_type_is_float(m->type))
        return m;
    nx_tensor *lim = nx_constant(NX_CONST_MAX_FINITE, m->type);
    return nx_max(nx_min(m, lim), nx_negate(lim));
}

/* Nx.logsumexp: log(sum(exp(t - m) * scale)) + m, m the finite group maximum (kept as a
 * size-1 axis inside, dropped like the reduced axes unless keep_axes). */
nx_tensor *nx_logsumexp_(const nx_tensor *t, nx_logsumexp_opts o)
{
    bool mask[NX_MAX_RANK];
    if (count_for(t, &o.axes, mask) < 0)
        return NULL;
    nx_scope_begin();
    nx_tensor *m = finite_max(t, o.axes);
    nx_tensor *e = nx_exp(nx_subtract(t, m));
    if (o.exp_scaling_factor)
        e = nx_multiply(e, o.exp_scaling_factor);
    nx_tensor *s = nx_sum(e, .axes = o.axes, .keep_axes = o.keep_axes);
    nx_tensor *r = NULL;
    if (s && m) {
        layout to;
        to.rank = o.axes.n < 0 ? m->rank : contract(m, mask, o.keep_axes, to.dims, to.names);
        if (o.axes.n < 0) {
            memcpy(to.dims, m->dims, sizeof to.dims);
            memcpy(to.names, m->names, sizeof to.names);
        }
        nx_tensor *mv = nxfront_view(m, m->type, to.rank, to.dims, to.names, m->vrank);
        r = nx_add(nx_log(s), mv);
    }
    return nx_scope_end_keep(r);
}
