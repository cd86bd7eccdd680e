/* src/defn/grad_rules.c: one gradient rule per differentiable operation (spec/grad.md §4),
 * in a table indexed by the operation's name beside the op table (src/ops.def). The same
 * table lists, in one place, the zero-gradient set (§5.1), the operations Nx refuses to
 * differentiate (§5.2), and the primitives nxc has no rule for yet. Rules compute in Nx's
 * order through the public front ends, so the gradient is itself a traced expression. */
#define NXGRAD_RULES
#include "defn/grad.h"

#include <string.h>
#include "core/error.h"
#include "nx.h"

/* ---------------------------------------------------------------- helpers */

/* The axes of the header h (an operand) that a reduction's axes option names: mask[i]. */
static void reduced_mask(const nxdefn_hdr *h, nx_axes axes, bool *mask)
{
    int inner = h->rank - h->vrank;
    for (int i = 0; i < h->rank; i++)
        mask[i] = axes.n == 0 && i >= h->vrank;
    for (int k = 0; k < axes.n; k++) {
        int ax = axes.index[k];
        if (axes.name[k]) {
            for (int i = h->vrank; i < h->rank; i++)
                if (h->names[i] && !strcmp(h->names[i], axes.name[k]))
                    ax = i - h->vrank;
        }
        if (ax < 0)
            ax += inner;
        if (ax >= 0 && ax < inner)
            mask[h->vrank + ax] = true;
    }
}

/* t reshaped to x's dims with the masked axes of size 1. */
static nx_tensor *keep_dims(const nx_tensor *t, const nx_tensor *x, const bool *mask)
{
    nx_shape s = { .rank = x->rank };
    for (int i = 0; i < x->rank; i++)
        s.dims[i] = mask[i] ? 1 : x->dims[i];
    return nx_reshape(t, s);
}

static nx_axes mask_axes(const bool *mask, int rank)
{
    nx_axes ax = { 0 };
    for (int i = 0; i < rank; i++)
        if (mask[i])
            ax.index[ax.n++] = i;
    if (ax.n == 0)
        ax.n = -1;   /* NX_AXES_EMPTY */
    return ax;
}

/* ---------------------------------------------------------------- element-wise unary */

static int g_negate(nxgrad_args *a) { return OUT(0, nx_negate(G)); }
static int g_exp(nxgrad_args *a) { return OUT(0, nx_multiply(G, ANS)); }
static int g_expm1(nxgrad_args *a) { return OUT(0, nx_multiply(G, nx_add(ANS, NX_F(1)))); }
static int g_log(nxgrad_args *a) { return OUT(0, nx_divide(G, X)); }
static int g_log1p(nxgrad_args *a) { return OUT(0, nx_divide(G, nx_add(X, NX_F(1)))); }
static int g_sqrt(nxgrad_args *a) { return OUT(0, nx_divide(nx_multiply(G, NX_F(0.5)), ANS)); }
static int g_rsqrt(nxgrad_args *a) { return OUT(0, nx_multiply(nx_multiply(G, NX_F(-0.5)), nx_pow(X, NX_F(-1.5)))); }
static int g_cbrt(nxgrad_args *a) { return OUT(0, nx_divide(G, nx_multiply(nx_multiply(NX_F(3), ANS), ANS))); }
static int g_sigmoid(nxgrad_args *a)
{
    return OUT(0, nx_multiply(G, nx_multiply(nx_multiply(nx_exp(nx_negate(X)), ANS), ANS)));
}
static int g_sin(nxgrad_args *a) { return OUT(0, nx_multiply(G, nx_cos(X))); }
static int g_cos(nxgrad_args *a) { return OUT(0, nx_multiply(G, nx_negate(nx_sin(X)))); }
static int g_tan(nxgrad_args *a) { return OUT(0, nx_divide(nx_divide(G, nx_cos(X)), nx_cos(X))); }
static nx_tensor *one_minus_sq(nxgrad_args *a) { return nx_subtract(NX_F(1), nx_multiply(X, X)); }
static int g_asin(nxgrad_args *a) { return OUT(0, nx_multiply(G, nx_rsqrt(one_minus_sq(a)))); }
static int g_acos(nxgrad_args *a) { return OUT(0, nx_multiply(G, nx_negate(nx_rsqrt(one_minus_sq(a))))); }
static int g_atan(nxgrad_args *a) { return OUT(0, nx_divide(G, nx_add(NX_F(1), nx_multiply(X, X)))); }
static int g_sinh(nxgrad_args *a) { return OUT(0, nx_multiply(G, nx_cosh(X))); }
static int g_cosh(nxgrad_args *a) { return OUT(0, nx_multiply(G, nx_sinh(X))); }
static int g_tanh(nxgrad_args *a) { return OUT(0, nx_multiply(G, nx_subtract(NX_F(1), nx_multiply(ANS, ANS)))); }
static int g_asinh(nxgrad_args *a) { return OUT(0, nx_multiply(G, nx_rsqrt(nx_add(nx_multiply(X, X), NX_F(1))))); }
static int g_acosh(nxgrad_args *a) { return OUT(0, nx_multiply(G, nx_rsqrt(nx_subtract(nx_multiply(X, X), NX_F(1))))); }
static int g_atanh(nxgrad_args *a) { return OUT(0, nx_divide(G, one_minus_sq(a))); }
#define TWO_OVER_SQRT_PI 1.1283791670955126
static int g_erf(nxgrad_args *a)
{
    return OUT(0, nx_multiply(G, nx_multiply(nx_exp(nx_negate(nx_multiply(X, X))), NX_F(TWO_OVER_SQRT_PI))));
}
static int g_erfc(nxgrad_args *a)
{
    return OUT(0, nx_multiply(G, nx_multiply(nx_exp(nx_negate(nx_multiply(X, X))), NX_F(-TWO_OVER_SQRT_PI))));
}
static int g_erf_inv(nxgrad_args *a)
{
    return OUT(0, nx_multiply(G, nx_multiply(NX_F(0.88622692545275801), nx_exp(nx_multiply(ANS, ANS)))));
}
/* abs: +g at 0 (subgradient 1); complex: real(g) conj(z) / |z|, 0 at z = 0. */
static int g_abs(nxgrad_args *a)
{
    if (!is_complex(X))
        return OUT(0, nx_select(nx_greater_equal(X, NX_F(0)), G, nx_negate(G)));
    return OUT(0, nx_divide(nx_multiply(nx_real(G), nx_conjugate(X)), nx_select(nx_equal(ANS, NX_F(0)), NX_F(1), ANS)));
}
static int g_real(nxgrad_args *a) { return OUT(0, nx_real(G)); }
static int g_imag(nxgrad_args *a) { return OUT(0, nx_imag(G)); }
static int g_conjugate(nxgrad_args *a) { return OUT(0, is_complex(X) ? nx_conjugate(G) : nx_real(G)); }
/* as_type: complex to real keeps real(g); never cast back to the input type. */
static int g_as_type(nxgrad_args *a) { return OUT(0, is_complex(X) && !is_complex(ANS) ? nx_real(G) : G); }

/* squeeze: g reshaped back to x's shape (Nx's grad of squeeze). */
static int g_squeeze(nxgrad_args *a) { return OUT(0, nx_reshape(G, shape_of(X))); }

/* ---------------------------------------------------------------- element-wise binary */

static int g_add(nxgrad_args *a) { return OUT(0, G) | OUT(1, G); }
static int g_subtract(nxgrad_args *a) { return OUT(0, G) | (a->want[1] ? OUT(1, nx_negate(G)) : 0); }
static int g_multiply(nxgrad_args *a)
{
    return (a->want[0] ? OUT(0, nx_multiply(G, Y)) : 0) | (a->want[1] ? OUT(1, nx_multiply(G, X)) : 0);
}
static int g_divide(nxgrad_args *a)
{
    return (a->want[0] ? OUT(0, nx_divide(G, Y)) : 0) | (a->want[1] ? OUT(1, nx_multiply(G, nx_negate(nx_divide(ANS, Y)))) : 0);
}
static int g_remainder(nxgrad_args *a)
{
    return OUT(0, G) | (a->want[1] ? OUT(1, nx_multiply(G, nx_negate(nx_floor(nx_divide(X, Y))))) : 0);
}
static int g_atan2(nxgrad_args *a)
{
    nx_tensor *den = nx_add(nx_multiply(X, X), nx_multiply(Y, Y));
    return (a->want[0] ? OUT(0, nx_multiply(G, nx_divide(Y, den))) : 0)
         | (a->want[1] ? OUT(1, nx_multiply(G, nx_negate(nx_divide(X, den)))) : 0);
}
/* max, min: ties split evenly. */
static int g_extremum(nxgrad_args *a)
{
    nx_tensor *xe = nx_equal(X, ANS), *ye = nx_equal(Y, ANS);
    return (a->want[0] ? OUT(0, nx_multiply(G, nx_divide(nx_select(xe, NX_F(1), NX_F(0)), nx_select(ye, NX_F(2), NX_F(1))))) : 0)
         | (a->want[1] ? OUT(1, nx_multiply(G, nx_divide(nx_select(ye, NX_F(1), NX_F(0)), nx_select(xe, NX_F(2), NX_F(1))))) : 0);
}
/* pow: the exponent select avoids 0 * x^-1; log of a substituted 1 at x = 0. A constant
 * exponent takes no gradient (never wanted), and the same formula folds to c x^(c-1). */
static int g_pow(nxgrad_args *a)
{
    int rc = 0;
    if (a->want[0])
        rc |= OUT(0, nx_multiply(G, nx_multiply(Y, nx_pow(X, nx_select(nx_equal(Y, NX_F(0)), NX_F(1), nx_subtract(Y, NX_F(1)))))));
    if (a->want[1])
        rc |= OUT(1, nx_multiply(G, nx_multiply(nx_log(nx_select(nx_equal(X, NX_F(0)), NX_F(1), X)), ANS)));
    return rc;
}

/* ---------------------------------------------------------------- selection */

static int g_select(nxgrad_args *a)
{
    nx_tensor *pred = a->x[0];
    /* A vectorized select's predicate, devectorized, may be narrower than g (its inner
     * shape was a scalar): broadcast it, as the kernel did. */
    bool same = pred->rank == G->rank;
    for (int i = 0; same && i < pred->rank; i++)
        same = pred->dims[i] == G->dims[i];
    if (pred->rank > 0 && !same && !(pred = nx_broadcast(pred, shape_of(G))))
        return -1;
    return (a->want[1] ? OUT(1, nx_select(pred, G, NX_F(0))) : 0) | (a->want[2] ? OUT(2, nx_select(pred, NX_F(0), G)) : 0);
}

/* clip: values at a bound pass the gradient to x; a bound only where it strictly wins. */
static int g_clip(nxgrad_args *a)
{
    nx_tensor *x = X, *lo = a->x[1], *hi = a->x[2];
    nx_tensor *gb = nx_broadcast(G, shape_of(x));
    int rc = 0;
    if (a->want[0])
        rc |= OUT(0, nx_select(nx_logical_and(nx_greater_equal(x, lo), nx_less_equal(x, hi)), G, NX_F(0)));
    if (a->want[1])
        rc |= OUT(1, nx_sum(nx_select(nx_logical_and(nx_greater(lo, x), nx_less(lo, hi)), gb, NX_F(0))));
    if (a->want[2])
        rc |= OUT(2, nx_sum(nx_select(nx_less(hi, x), gb, NX_F(0))));
    return rc;
}

/* ---------------------------------------------------------------- reductions */

/* The options a traced reduction recorded (src/ops/reduce.c's reduce_call). */
typedef struct { nx_op op; nx_reduce_opts o; } reduce_call;

static int reduction(nxgrad_args *a, bool *mask)
{
    const reduce_call *c = a->n->opts;
    if (!c || a->n->opts_size != sizeof *c)
        return nxerr_set(NX_RUNTIME_ERROR, "grad of %s: unexpected options", a->name);
    reduced_mask(&a->n->in[0]->h, c->o.axes, mask);
    return 0;
}

static int g_sum(nxgrad_args *a)
{
    bool mask[NX_MAX_RANK];
    if (reduction(a, mask) < 0)
        return -1;
    return OUT(0, nx_broadcast(keep_dims(G, X, mask), shape_of(X)));
}

/* product: exact with zeros (one zero gets the product of the others). */
static int g_product(nxgrad_args *a)
{
    bool mask[NX_MAX_RANK];
    if (reduction(a, mask) < 0)
        return -1;
    nx_axes axes = mask_axes(mask, X->rank);
    nx_tensor *g = keep_dims(G, X, mask), *ans = keep_dims(ANS, X, mask);
    nx_tensor *zero = nx_equal(X, NX_F(0)), *xnz = nx_select(zero, NX_F(1), X);
    nx_tensor *pnz = nx_product_(xnz, (nx_reduce_opts){ .axes = axes, .keep_axes = true });
    nx_tensor *count = nx_sum_(zero, (nx_reduce_opts){ .axes = axes, .keep_axes = true });
    nx_tensor *r = nx_multiply(g, nx_divide(ans, xnz));
    r = nx_select(nx_logical_and(zero, nx_equal(count, NX_I(1))), nx_multiply(g, pnz), r);
    r = nx_select(nx_logical_and(zero, nx_greater(count, NX_I(1))), NX_F(0), r);
    return OUT(0, r);
}

/* reduce_max, reduce_min: tied extrema share the gradient equally. */
static int g_reduce_extremum(nxgrad_args *a)
{
    bool mask[NX_MAX_RANK];
    if (reduction(a, mask) < 0)
        return -1;
    nx_tensor *g = nx_broadcast(keep_dims(G, X, mask), shape_of(X));
    nx_tensor *locs = nx_equal(X, keep_dims(ANS, X, mask));
    nx_tensor *count = nx_sum_(locs, (nx_reduce_opts){ .axes = mask_axes(mask, X->rank), .keep_axes = true });
    return OUT(0, nx_divide(nx_multiply(g, locs), count));
}

/* ---------------------------------------------------------------- dot */

static int norm_axes(nx_axes ax, int rank, int *out)
{
    int n = ax.n < 0 ? 0 : ax.n;
    for (int i = 0; i < n; i++)
        out[i] = ax.index[i] < 0 ? ax.index[i] + rank : ax.index[i];
    return n;
}

static void argsort_ints(const int *v, int n, int *out)
{
    for (int i = 0; i < n; i++)
        out[i] = i;
    for (int i = 1; i < n; i++)   /* insertion sort: n <= NX_MAX_RANK */
        for (int k = i; k > 0 && v[out[k - 1]] > v[out[k]]; k--) {
            int t = out[k];
            out[k] = out[k - 1];
            out[k - 1] = t;
        }
}

/* Free axes of a rank-r operand: not contracted, not batch. */
static int free_axes(int r, const int *c, int nc, const int *b, int nb, int *out)
{
    int n = 0;
    for (int i = 0; i < r; i++) {
        bool used = false;
        for (int k = 0; k < nc; k++)
            used |= c[k] == i;
        for (int k = 0; k < nb; k++)
            used |= b[k] == i;
        if (!used)
            out[n++] = i;
    }
    return n;
}

/* One side of dot's rule: transpose(dot(g, gc, gb, other, fo, bo), argsort(b ++ f ++ t)). */
static nx_tensor *dot_side(nx_tensor *g, const int *gc, int ngc, int nb, nx_tensor *other, const int *fo, int nfo,
                           const int *bo, const int *b, const int *f, int nf, const int *t, int nt)
{
    int gb[NX_MAX_RANK], perm[NX_MAX_RANK], inv[NX_MAX_RANK], n = 0;
    for (int i = 0; i < nb; i++)
        gb[i] = i;
    nx_tensor *d = nx_dot_general(g, other, .contract_a = axes_of(gc, ngc), .batch_a = axes_of(gb, nb),
                                  .contract_b = axes_of(fo, nfo), .batch_b = axes_of(bo, nb));
    for (int i = 0; i < nb; i++)
        perm[n++] = b[i];
    for (int i = 0; i < nf; i++)
        perm[n++] = f[i];
    for (int i = 0; i < nt; i++)
        perm[n++] = t[i];
    argsort_ints(perm, n, inv);
    return nx_transpose(d, .axes = axes_of(inv, n));
}

static int g_dot(nxgrad_args *a)
{
    const nx_dot_opts *o = a->n->opts;
    if (!o || a->n->opts_size != sizeof *o)
        return nxerr_set(NX_RUNTIME_ERROR, "grad of dot: unexpected options");
    nx_tensor *x = X, *y = Y, *g = G;
    int rx = x->rank, ry = y->rank, rg = g->rank;
    int cx[NX_MAX_RANK], bx[NX_MAX_RANK], cy[NX_MAX_RANK], by[NX_MAX_RANK], fx[NX_MAX_RANK], fy[NX_MAX_RANK];
    int nc = norm_axes(o->contract_a, rx, cx), nb = norm_axes(o->batch_a, rx, bx);
    norm_axes(o->contract_b, ry, cy);
    norm_axes(o->batch_b, ry, by);
    int nfx = free_axes(rx, cx, nc, bx, nb, fx), nfy = free_axes(ry, cy, nc, by, nb, fy);
    int gcx[NX_MAX_RANK], gcy[NX_MAX_RANK], ngcx = 0, ngcy = 0, tx[NX_MAX_RANK], ty[NX_MAX_RANK], s[NX_MAX_RANK];
    for (int i = rx - nc; i < rg; i++)
        gcx[ngcx++] = i;
    for (int i = nb; i < rx - nc; i++)
        gcy[ngcy++] = i;
    argsort_ints(cy, nc, s);
    for (int i = 0; i < nc; i++)
        tx[i] = cx[s[i]];
    argsort_ints(cx, nc, s);
    for (int i = 0; i < nc; i++)
        ty[i] = cy[s[i]];
    int rc = 0;
    if (a->want[0])
        rc |= OUT(0, dot_side(g, gcx, ngcx, nb, y, fy, nfy, by, bx, fx, nfx, tx, nc));
    if (a->want[1])
        rc |= OUT(1, dot_side(g, gcy, ngcy, nb, x, fx, nfx, bx, by, fy, nfy, ty, nc));
    return rc;
}

/* ---------------------------------------------------------------- shape and layout */

/* broadcast: sum over the new and the stretched axes, then x's dims. */
static int g_broadcast(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    bool kept[NX_MAX_RANK] = { 0 };
    nx_axes sum = { 0 };
    for (int i = 0; i < X->rank; i++)
        if (X->dims[i] == G->dims[p->axes[i]])
            kept[p->axes[i]] = true;
    for (int i = 0; i < G->rank; i++)
        if (!kept[i])
            sum.index[sum.n++] = i;
    nx_tensor *r = sum.n ? nx_sum_(G, (nx_reduce_opts){ .axes = sum }) : G;
    return OUT(0, nx_reshape(r, shape_of(X)));
}

static int g_transpose(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    int inv[NX_MAX_RANK];
    argsort_ints(p->axes, G->rank, inv);
    return OUT(0, nx_transpose(G, .axes = axes_of(inv, G->rank)));
}

static int g_reverse(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    return OUT(0, nx_reverse(G, .axes = axes_of(p->axes, p->count)));
}

/* pad: unpad (negative widths), take every (interior + 1)-th; the value gets the rest. */
static int g_pad(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    nx_padding un = { .n = G->rank };
    nx_ints strides = { .n = G->rank };
    for (int i = 0; i < G->rank; i++) {
        un.v[i] = (nx_pad_axis){ -p->pad.low[i], -p->pad.high[i], 0 };
        strides.v[i] = p->pad.interior[i] + 1;
    }
    nx_tensor *u = nx_pad(G, NX_F(0), un);
    if (!u)
        return -1;
    nx_starts st = { .n = u->rank };
    nx_ints len = { .n = u->rank };
    for (int i = 0; i < u->rank; i++)
        len.v[i] = u->dims[i];
    nx_tensor *xg = nx_slice(u, st, len, .strides = strides);
    int rc = OUT(0, xg);
    if (a->want[1])
        rc |= OUT(1, nx_subtract(nx_sum(G), nx_sum(xg)));
    return rc;
}

static int g_concatenate(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    int64_t off = 0;
    for (int i = 0; i < a->nin; i++) {
        int64_t len = a->x[i]->dims[p->axis];
        if (a->want[i] && OUT(i, nx_slice_along_axis(G, off, len, .axis = NX_AXIS(p->axis))) < 0)
            return -1;
        off += len;
    }
    return 0;
}

static int g_stack(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    for (int i = 0; i < a->nin; i++)
        if (a->want[i] && OUT(i, nx_reshape(nx_slice_along_axis(G, i, 1, .axis = NX_AXIS(p->axis)), shape_of(a->x[i]))) < 0)
            return -1;
    return 0;
}

static nx_starts starts_of(nxgrad_args *a, int rank)
{
    const nxop_params *p = a->n->params;
    nx_starts st = { .n = rank };
    for (int i = 0; i < rank; i++) {
        st.v[i] = p->slice.start[i];
        if (p->slice.dynamic[i] > 0)
            st.t[i] = a->x[p->slice.dynamic[i]];
    }
    return st;
}

/* slice: g spread by the strides, written into zeros. */
static int g_slice(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    nx_padding spread = { .n = G->rank };
    for (int i = 0; i < G->rank; i++)
        spread.v[i] = (nx_pad_axis){ 0, 0, p->slice.stride[i] > 0 ? p->slice.stride[i] - 1 : 0 };
    nx_tensor *u = nx_pad(G, NX_F(0), spread);
    return OUT(0, nx_put_slice(nxgrad_zeros(&a->n->in[0]->h), starts_of(a, X->rank), u));
}

static int g_put_slice(nxgrad_args *a)
{
    nx_starts st = starts_of(a, X->rank);
    int rc = 0;
    if (a->want[0])
        rc |= OUT(0, nx_put_slice(G, st, nxgrad_zeros(&a->n->in[1]->h)));
    if (a->want[1]) {
        nx_ints len = { .n = Y->rank };
        for (int i = 0; i < Y->rank; i++)
            len.v[i] = Y->dims[i];
        rc |= OUT(1, nx_slice(G, st, len));
    }
    return rc;
}

/* cumulative_sum: the reverse cumulative sum of g. */
static int g_cumulative_sum(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    return OUT(0, nx_cumulative_sum(G, .axis = NX_AXIS(p->axis), .reverse = !p->reverse));
}


/* ---------------------------------------------------------------- the table */

typedef struct {
    const char *name;
    nxgrad_status status;
    nxgrad_rule *rule;
} entry;

#define RULE(n, f) { #n, NXGRAD_RULE, f }
#define ZERO(n) { #n, NXGRAD_ZERO, NULL }
#define FAILS(n) { #n, NXGRAD_ERROR, NULL }

static const entry table[] = {
    /* element-wise unary (§4.1) */
    RULE(negate, g_negate), RULE(exp, g_exp), RULE(expm1, g_expm1), RULE(log, g_log), RULE(log1p, g_log1p),
    RULE(sqrt, g_sqrt), RULE(rsqrt, g_rsqrt), RULE(cbrt, g_cbrt), RULE(sigmoid, g_sigmoid), RULE(sin, g_sin),
    RULE(cos, g_cos), RULE(tan, g_tan), RULE(asin, g_asin), RULE(acos, g_acos), RULE(atan, g_atan),
    RULE(sinh, g_sinh), RULE(cosh, g_cosh), RULE(tanh, g_tanh), RULE(asinh, g_asinh), RULE(acosh, g_acosh),
    RULE(atanh, g_atanh), RULE(erf, g_erf), RULE(erfc, g_erfc), RULE(erf_inv, g_erf_inv), RULE(abs, g_abs),
    RULE(real, g_real), RULE(imag, g_imag), RULE(conjugate, g_conjugate), RULE(as_type, g_as_type),
    /* element-wise binary (§4.2) */
    RULE(add, g_add), RULE(subtract, g_subtract), RULE(multiply, g_multiply), RULE(divide, g_divide),
    RULE(remainder, g_remainder), RULE(atan2, g_atan2), RULE(max, g_extremum), RULE(min, g_extremum),
    RULE(pow, g_pow),
    /* selection, reductions, dot, layout (§4.3 - §4.6) */
    RULE(select, g_select), RULE(clip, g_clip), RULE(sum, g_sum), RULE(product, g_product),
    RULE(reduce_max, g_reduce_extremum), RULE(reduce_min, g_reduce_extremum), RULE(dot, g_dot),
    RULE(broadcast, g_broadcast), RULE(transpose, g_transpose), RULE(reverse, g_reverse), RULE(pad, g_pad),
    RULE(concatenate, g_concatenate), RULE(stack, g_stack), RULE(slice, g_slice), RULE(put_slice, g_put_slice), RULE(squeeze, g_squeeze),
    RULE(cumulative_sum, g_cumulative_sum), RULE(gather, nxgrad_gather), RULE(take, nxgrad_take),
    RULE(indexed_add, nxgrad_indexed_add), RULE(indexed_put, nxgrad_indexed_put), RULE(sort, nxgrad_sort), RULE(fft, nxgrad_fft),
    RULE(ifft, nxgrad_fft), RULE(take_along_axis, nxgrad_take_along_axis), RULE(cumulative_max, nxgrad_cumulative_extremum),
    RULE(cumulative_min, nxgrad_cumulative_extremum), RULE(cumulative_product, nxgrad_cumulative_product),
    RULE(window_sum, nxgrad_window_sum), RULE(window_max, nxgrad_window_extremum), RULE(window_min, nxgrad_window_extremum),
    RULE(triangular_solve, nxgrad_triangular_solve), RULE(conv, nxgrad_conv),
    RULE(window_scatter_max, nxgrad_window_scatter), RULE(window_scatter_min, nxgrad_window_scatter),
    RULE(top_k, nxgrad_top_k),
    /* the Nx.LinAlg blocks (§8) */
    RULE(invert, nxgrad_invert), RULE(cholesky, nxgrad_cholesky), RULE(qr, nxgrad_qr), RULE(lu, nxgrad_lu),
    RULE(eigh, nxgrad_eigh), RULE(svd, nxgrad_svd), RULE(solve, nxgrad_solve), RULE(determinant, nxgrad_determinant),
    /* the zero-gradient set (§5.1): never entered */
    ZERO(iota), ZERO(eye), ZERO(all), ZERO(any), ZERO(argmax), ZERO(argmin), ZERO(argsort),
    ZERO(bitwise_and), ZERO(bitwise_or), ZERO(bitwise_xor), ZERO(bitwise_not), ZERO(left_shift),
    ZERO(right_shift), ZERO(logical_and), ZERO(logical_or), ZERO(logical_xor), ZERO(logical_not),
    ZERO(count_leading_zeros), ZERO(population_count), ZERO(floor), ZERO(round), ZERO(ceil), ZERO(sign),
    ZERO(is_nan), ZERO(is_infinity), ZERO(equal), ZERO(not_equal), ZERO(greater), ZERO(greater_equal),
    ZERO(less), ZERO(less_equal),
    /* Nx refuses (§5.2) */
    FAILS(quotient), FAILS(window_product),
};

nxgrad_status nxgrad_status_of(const char *name, nxgrad_rule **rule)
{
    if (rule)
        *rule = NULL;
    for (size_t i = 0; name && i < sizeof table / sizeof *table; i++)
        if (!strcmp(table[i].name, name)) {
            if (rule)
                *rule = table[i].rule;
            return table[i].status;
        }
    return NXGRAD_MISSING;
}
