/* src/defn/grad_rules_array.c: gradient rules of the array primitives (spec/grad.md §4.5,
 * §4.7 - §4.10): indexing and scatter, sort, fft, cumulative scans, windows,
 * triangular_solve and conv. Registered in grad_rules.c's table. */
#define NXGRAD_RULES
#include "defn/grad.h"

#include <string.h>
#include "core/error.h"
#include "nx.h"

/* ---------------------------------------------------------------- indexing, sorting, fft */

/* gather: g scattered back with indexed_add (duplicate indices accumulate). */
int nxgrad_gather(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    nx_tensor *idx = Y;
    int k = (int)idx->dims[idx->rank - 1];
    int64_t n = idx->size / (k ? k : 1);
    nx_axes axes = axes_of(p->axes, k);
    bool used[NX_MAX_RANK] = { 0 };
    for (int i = 0; i < k; i++)
        used[p->axes[i]] = true;
    nx_shape up = { .rank = 1, .dims = { n } };
    for (int i = 0; i < X->rank; i++)
        if (!used[i])
            up.dims[up.rank++] = X->dims[i];
    return OUT(0, nx_indexed_add(nxgrad_zeros(&a->n->in[0]->h), nx_reshape(idx, NX_SHAPE(n, k)), nx_reshape(G, up),
                                 .axes = axes));
}

/* take: the indexed axes of g moved first, then added at their indices along axis. */
int nxgrad_take(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    nx_tensor *idx = Y;
    int ax = p->axis, ri = idx->rank, perm[NX_MAX_RANK], m = 0;
    for (int i = 0; i < ri; i++)
        perm[m++] = ax + i;
    for (int i = 0; i < G->rank; i++)
        if (i < ax || i >= ax + ri)
            perm[m++] = i;
    nx_shape up = { .rank = 1, .dims = { idx->size } };
    for (int i = 0; i < X->rank; i++)
        if (i != ax)
            up.dims[up.rank++] = X->dims[i];
    nx_tensor *gt = nx_reshape(nx_transpose(G, .axes = axes_of(perm, m)), up);
    return OUT(0, nx_indexed_add(nxgrad_zeros(&a->n->in[0]->h), nx_reshape(idx, NX_SHAPE(idx->size, 1)), gt,
                                 .axes = NX_AXES(ax)));
}

static nx_tensor *gathered_updates(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    nx_tensor *idx = Y;
    return nx_reshape(nx_gather(G, idx, .axes = axes_of(p->axes, (int)idx->dims[idx->rank - 1])), shape_of(a->x[2]));
}

int nxgrad_indexed_add(nxgrad_args *a)
{
    return (a->want[0] ? OUT(0, G) : 0) | (a->want[2] ? OUT(2, gathered_updates(a)) : 0);
}

/* indexed_put: every duplicate update gets the gradient (as Nx). */
int nxgrad_indexed_put(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    int rc = 0;
    if (a->want[0])
        rc |= OUT(0, nx_indexed_put(G, Y, nxgrad_zeros(&a->n->in[2]->h), .axes = axes_of(p->axes, (int)Y->dims[Y->rank - 1])));
    if (a->want[2])
        rc |= OUT(2, gathered_updates(a));
    return rc;
}

/* sort: g permuted back by the inverse of argsort. */
int nxgrad_sort(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    nx_tensor *perm = nx_argsort(X, .axis = NX_AXIS(p->axis), .direction = p->sort.desc ? NX_DESC : NX_ASC, .stable = true);
    nx_tensor *inv = nx_argsort(perm, .axis = NX_AXIS(p->axis), .stable = true);
    return OUT(0, nx_take_along_axis(G, inv, .axis = NX_AXIS(p->axis)));
}

/* fft, ifft (spec/grad.md §4.9): the same transform of g at the output's length, then cut
 * or zero-padded at the end back to the input's length (the node may be over the input
 * as given, which the forward resized). */
int nxgrad_fft(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    int axis = p->axis;
    int64_t n = G->dims[axis], d = X->dims[axis];
    nx_fft_opts o = { .length = n, .axis = NX_AXIS(axis), .eps = p->fft.eps };
    nx_tensor *u = a->n->op == NX_OP_fft ? nx_fft_(G, o) : nx_ifft_(G, o);
    if (u && d < n)
        u = nx_slice_along_axis(u, 0, d, .axis = NX_AXIS(axis));
    else if (u && d > n) {
        nx_padding config = { .n = u->rank };
        config.v[axis].high = d - n;
        u = nx_pad(u, nx_scalar(NX_INT(0), u->type), config);
    }
    return OUT(0, u);
}

/* g added into zeros of header h at the positions idx (idx's shape: g's) take along axis. */
static nx_tensor *scatter_along(const nxdefn_hdr *h, const nx_tensor *idx, const nx_tensor *g, int axis)
{
    const nx_tensor *coords[NX_MAX_RANK];
    nx_shape s = nx_shape_of(idx);
    for (int i = 0; i < idx->rank; i++)
        coords[i] = i == axis ? nx_as_type(idx, NX_S64) : nx_iota(s, .type = NX_S64, .axis = NX_AXIS(i));
    nx_tensor_list list = { .n = idx->rank, .v = coords };
    nx_tensor *c = nx_stack_(list, (nx_stack_opts){ .axis = idx->rank });
    return nx_indexed_add(nxgrad_zeros(h), nx_reshape(c, NX_SHAPE(idx->size, idx->rank)), nx_reshape(g, NX_SHAPE(idx->size)));
}

int nxgrad_take_along_axis(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    return OUT(0, scatter_along(&a->n->in[0]->h, Y, G, p->axis));
}

/* top_k (the TopK block {values, indices}): the values' cotangent scattered back to the
 * positions the indices select, as Nx's default implementation (argsort +
 * take_along_axis) differentiates; the indices contribute nothing. */
int nxgrad_top_k(nxgrad_args *a)
{
    if (a->nout != 2)
        return nxerr_set(NX_RUNTIME_ERROR, "grad of top_k: expected the values and the indices");
    nx_tensor *idx = a->anss[1];
    return OUT(0, scatter_along(&a->n->in[0]->h, idx, a->gs[0], idx->rank - 1));
}

/* cumulative_max, cumulative_min: each output's gradient goes to the position of its running
 * extremum (ties: the latest one; Nx's scan splits ties between the compared pairs). */
int nxgrad_cumulative_extremum(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    nx_tensor *pos = nx_iota(shape_of(X), .type = NX_S64, .axis = NX_AXIS(p->axis));
    nx_tensor *at = nx_equal(X, ANS), *idx;
    if (!p->reverse)
        idx = nx_cumulative_max(nx_select(at, pos, NX_I(-1)), .axis = NX_AXIS(p->axis));
    else
        idx = nx_cumulative_min(nx_select(at, pos, nx_scalar(NX_INT(X->dims[p->axis]), NX_S64)), .axis = NX_AXIS(p->axis),
                                .reverse = true);
    return OUT(0, scatter_along(&a->n->in[0]->h, idx, G, p->axis));
}

/* cumulative_product: sum of g * ans over the outputs each input reaches, divided by the
 * input (no zeros: where x = 0 this is NaN, unlike Nx's scan). */
int nxgrad_cumulative_product(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    return OUT(0, nx_divide(nx_cumulative_sum(nx_multiply(G, ANS), .axis = NX_AXIS(p->axis), .reverse = !p->reverse), X));
}

/* window_sum: g spread by the strides, padded so that every input position sees the
 * windows covering it, summed over the dilated window (spec §4.8). */
int nxgrad_window_sum(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    int r = X->rank;
    nx_padding pad = { .n = r };
    nx_shape win = { .rank = r };
    nx_ints dil = { .n = r };
    for (int i = 0; i < r; i++) {
        int64_t R = (p->window.window[i] - 1) * p->window.dilation[i] + 1;
        int64_t O = (G->dims[i] - 1) * p->window.stride[i] + 1, L = X->dims[i];
        int64_t lo = R - p->window.low[i] - 1;
        pad.v[i] = (nx_pad_axis){ lo, L + R - 1 - O - lo, p->window.stride[i] - 1 };
        win.dims[i] = p->window.window[i];
        dil.v[i] = p->window.dilation[i];
    }
    return OUT(0, nx_window_sum(nx_pad(G, NX_F(0), pad), win, .window_dilations = dil));
}

/* window_max, window_min with window dilations: x padded with 0 (as the scatter pads, so a
 * padded winner drops its g), every window offset's strided slice compared with the
 * window's extremum; the last offset that reaches it (Nx's reference) gets the window's g,
 * spread back by the strides to its place in the padded x, then the padding cut off. */
static int window_extremum_dilated(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    int r = X->rank;
    bool max = a->n->op == NX_OP_window_max;
    nx_padding pad = { .n = r };
    nx_ints len = { .n = r }, stride = { .n = r };
    nx_starts cut = { .n = r };
    nx_ints xlen = { .n = r };
    int64_t count = 1;
    for (int i = 0; i < r; i++) {
        int64_t span = (p->window.window[i] - 1) * p->window.dilation[i] + 1;
        len.v[i] = (G->dims[i] - 1) * p->window.stride[i] + 1;
        int64_t high = len.v[i] - 1 + span - X->dims[i] - p->window.low[i];
        pad.v[i] = (nx_pad_axis){ p->window.low[i], high, 0 };
        stride.v[i] = p->window.stride[i];
        cut.v[i] = p->window.low[i];
        xlen.v[i] = X->dims[i];
        count *= p->window.window[i];
    }
    nx_tensor *xp = nx_pad(X, nx_as_type(NX_I(0), X->type), pad);
    if (!xp)
        return -1;
    nx_tensor *best = NULL, *taken = NULL, *acc = NULL;
    for (int pass = 0; pass < 2; pass++)
        for (int64_t q = 0; q < count; q++) {
            int64_t k = pass == 0 ? q : count - 1 - q;   /* the second pass from the last offset */
            nx_starts st = { .n = r };
            nx_padding place = { .n = r };
            for (int64_t i = r - 1, rest = k; i >= 0; i--) {
                int64_t off = (rest % p->window.window[i]) * p->window.dilation[i];
                rest /= p->window.window[i];
                st.v[i] = off;
                place.v[i] = (nx_pad_axis){ off, xp->dims[i] - off - len.v[i], p->window.stride[i] - 1 };
            }
            nx_tensor *v = nx_slice(xp, st, len, .strides = stride);
            if (pass == 0) {
                best = !best ? v : max ? nx_max(best, v) : nx_min(best, v);
                if (!best)
                    return -1;
                continue;
            }
            nx_tensor *hit = nx_equal(v, best);
            nx_tensor *first = taken ? nx_logical_and(hit, nx_logical_not(taken)) : hit;
            nx_tensor *part = nx_pad(nx_select(first, G, NX_F(0)), NX_F(0), place);
            acc = acc ? nx_add(acc, part) : part;
            taken = taken ? nx_logical_or(taken, hit) : hit;
            if (!acc || !taken)
                return -1;
        }
    return OUT(0, nx_slice(acc, cut, xlen));
}

/* window_max, window_min: each window's g goes to the element the scatter selects (padding
 * cells hold 0 there, as in Nx, so a padded winner drops its g). */
int nxgrad_window_extremum(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    int r = X->rank;
    nx_shape win = { .rank = r };
    nx_window_scatter_opts o = { .strides = { .n = r }, .padding = NX_PADDING_EXPLICIT, .pads = { .n = r } };
    for (int i = 0; i < r; i++)
        if (p->window.dilation[i] != 1)
            return window_extremum_dilated(a);
    for (int i = 0; i < r; i++) {
        win.dims[i] = p->window.window[i];
        o.strides.v[i] = p->window.stride[i];
        o.pads.v[i].low = p->window.low[i];
        o.pads.v[i].high = (G->dims[i] - 1) * p->window.stride[i] + p->window.window[i] - X->dims[i] - p->window.low[i];
    }
    nx_tensor *zero = nx_scalar(NX_FLOAT(0), NX_F32);
    return OUT(0, a->n->op == NX_OP_window_max ? nx_window_scatter_max_(X, G, zero, win, o)
                                               : nx_window_scatter_min_(X, G, zero, win, o));
}

/* ---------------------------------------------------------------- triangular_solve (§4.10) */

static nx_tensor *tr(const nx_tensor *t)
{
    return is_complex(t) ? nx_conjugate(nx_adjoint(t)) : nx_adjoint(t);
}

/* Batched matrix product over the leading axes. */
static nx_tensor *matmul(const nx_tensor *x, const nx_tensor *y)
{
    int nb = x->rank - 2, b[NX_MAX_RANK];
    for (int i = 0; i < nb; i++)
        b[i] = i;
    return nx_dot_general(x, y, .contract_a = NX_AXES(x->rank - 1), .batch_a = axes_of(b, nb),
                          .contract_b = NX_AXES(y->rank - 2), .batch_b = axes_of(b, nb));
}

int nxgrad_triangular_solve(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    bool lower = !p->tsolve.upper, right = p->tsolve.right_side;
    int transform = p->tsolve.transform;
    nx_tensor *m = X, *x = ANS, *g = G;
    if (x->rank == m->rank - 1) {   /* b a (batched) vector: a unit axis */
        nx_shape s = shape_of(x);
        int at = right ? s.rank - 1 : s.rank;
        memmove(s.dims + at + 1, s.dims + at, (size_t)(s.rank - at) * sizeof *s.dims);
        s.dims[at] = 1;
        s.rank++;
        x = nx_reshape(x, s);
        g = nx_reshape(g, s);
    }
    nx_tensor *A = transform == NX_TRANSFORM_TRANSPOSE ? tr(m) : transform == NX_TRANSFORM_CONJUGATE ? nx_conjugate(m) : m;
    int64_t n = m->dims[m->rank - 1];
    nx_tensor *eye = nx_broadcast(nx_eye_n(n, .type = m->type), shape_of(m));
    bool lp = transform == NX_TRANSFORM_TRANSPOSE ? lower : !lower;
    nx_tensor *ai = nx_triangular_solve(nx_adjoint(A), eye, .upper = !lp);
    nx_tensor *xh = nx_adjoint(x);
    int rc = 0;
    if (a->want[0]) {
        nx_tensor *abar = right ? nx_negate(matmul(matmul(xh, g), ai)) : nx_negate(matmul(ai, matmul(g, xh)));
        if (transform == NX_TRANSFORM_TRANSPOSE)
            abar = tr(abar);
        else if (transform == NX_TRANSFORM_CONJUGATE)
            abar = nx_conjugate(abar);
        rc |= OUT(0, lower ? nx_tril(abar) : nx_triu(abar));
    }
    if (a->want[1])
        rc |= OUT(1, right ? matmul(g, ai) : matmul(ai, g));
    return rc;
}

/* ---------------------------------------------------------------- conv (§4.7) */

/* Axis `src` of t (size n * m, n major) split out: {.., n, m, ..}; then merged into axis dst
 * (of the split shape) as its major part. Nx's reshape_axis_out_of / reshape_axis_into. */
static nx_tensor *regroup(const nx_tensor *t, int src, int64_t n, int dst)
{
    if (!t)
        return NULL;
    int r = t->rank, perm[NX_MAX_RANK], m = 0;
    nx_shape s = { .rank = r + 1 };
    for (int i = 0, k = 0; i < r; i++) {
        if (i == src) {
            s.dims[k++] = n;
            s.dims[k++] = t->dims[i] / n;
        } else {
            s.dims[k++] = t->dims[i];
        }
    }
    /* the split axes are src (n) and src + 1; dst counts axes of the split shape */
    for (int i = 0; i <= r; i++) {
        if (i == src)
            continue;
        if (i == dst)
            perm[m++] = src;
        perm[m++] = i;
    }
    nx_tensor *x = nx_transpose(nx_reshape(t, s), .axes = axes_of(perm, m));
    if (!x)
        return NULL;
    nx_shape out = { .rank = r };
    for (int i = 0, k = 0; i < r + 1; i++) {
        if (perm[i] == src) {
            out.dims[k++] = x->dims[i] * x->dims[i + 1];
            i++;
        } else {
            out.dims[k++] = x->dims[i];
        }
    }
    return nx_reshape(x, out);
}

/* t's axes permuted (out axis i is t's axis perm[i]); back: the inverse permutation. */
static nx_tensor *permuted(const nx_tensor *t, const int *perm, int r, bool back)
{
    if (!t)
        return NULL;
    nx_axes ax = { .n = r };
    for (int i = 0; i < r; i++) {
        if (back)
            ax.index[perm[i]] = i;
        else
            ax.index[i] = perm[i];
    }
    return nx_transpose(t, .axes = ax);
}

/* The rule works on the kernel's canonical layouts (input {V, N, C, s...}, kernel {V, O, I,
 * k...}) with V = 1 dropped, nx_conv's defaults, so it is spec §4.7 with identity
 * permutations; feature and batch groups regroup the kernel's output features into its
 * input features. V > 1 vectorized entries, each with its own kernel, are one conv with V
 * times the batch groups, as the front end folds them (spec functions.md §17). A node over the operands as given (conv.perms) is brought to those
 * layouts by its permutations and its contributions taken back. */
int nxgrad_conv(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    int nsp = p->conv.nsp, r = 2 + nsp;
    int64_t fg = p->conv.fgroups > 1 ? p->conv.fgroups : 1, bg = p->conv.bgroups > 1 ? p->conv.bgroups : 1;
    bool given = p->conv.perms;
    int64_t V = given ? 1 : X->dims[0];
    nx_tensor *x, *k, *g;
    nx_shape xs = { .rank = r }, ks = { .rank = r }, gs = { .rank = r };
    if (given) {
        x = permuted(X, p->conv.iperm, r, false);
        k = permuted(Y, p->conv.kperm, r, false);
        g = permuted(G, p->conv.operm, r, false);
        if (!x || !k || !g)
            return -1;
        xs = shape_of(x);
        ks = shape_of(k);
        gs = shape_of(g);
    } else {   /* V entries, each with its own kernel: one conv with V times the batch groups */
        if (V > 1 && fg > 1)
            return nxerr_set(NX_ARGUMENT_ERROR,
                             "either batch groups or feature groups must be 1, got batch_groups = %lld and "
                             "feature_groups = %lld", (long long)(V * bg), (long long)fg);
        xs.dims[0] = V * X->dims[1];
        ks.dims[0] = V * Y->dims[1];
        for (int i = 1; i < r; i++) {
            xs.dims[i] = X->dims[i + 1];
            ks.dims[i] = Y->dims[i + 1];
        }
        x = nx_reshape(X, xs);
        k = nx_reshape(Y, ks);
        /* the output {V, N', O, ..} of the folded conv is {N', V * O, ..} */
        nx_axes vfirst = { .n = r + 1 };
        for (int i = 0; i <= r; i++)
            vfirst.index[i] = i == 0 ? 1 : i == 1 ? 0 : i;
        gs.dims[0] = G->dims[1];
        gs.dims[1] = V * G->dims[2];
        for (int i = 2; i < r; i++)
            gs.dims[i] = G->dims[i + 1];
        g = nx_reshape(V > 1 ? nx_transpose(G, .axes = vfirst) : G, gs);
        bg *= V;
    }
    nx_conv_opts lo = { .padding = NX_PADDING_EXPLICIT, .pads = { .n = nsp }, .strides = { .n = nsp },
                        .input_dilation = { .n = nsp }, .kernel_dilation = { .n = nsp },
                        .kernel_permutation = { .n = r } };
    nx_conv_opts ko = lo;
    lo.feature_group_size = bg > 1 ? bg : fg;
    ko.feature_group_size = bg > 1 ? bg : 1;
    ko.batch_group_size = bg > 1 ? 1 : fg;
    nx_axes rev = { .n = nsp };
    for (int i = 0; i < r; i++) {
        int sw = i == 0 ? 1 : i == 1 ? 0 : i;
        lo.kernel_permutation.index[i] = sw;
        ko.input_permutation.index[i] = ko.kernel_permutation.index[i] = ko.output_permutation.index[i] = sw;
    }
    ko.input_permutation.n = ko.output_permutation.n = r;
    for (int i = 0; i < nsp; i++) {
        int64_t s = p->conv.stride[i], ld = p->conv.idil[i], rd = p->conv.kdil[i], low = p->conv.low[i];
        int64_t L = (xs.dims[2 + i] - 1) * ld + 1, R = (ks.dims[2 + i] - 1) * rd + 1, O = (gs.dims[2 + i] - 1) * s + 1;
        int64_t l0 = R - low - 1;
        lo.pads.v[i].low = l0;
        lo.pads.v[i].high = L + R - 1 - O - l0;
        lo.strides.v[i] = ld;
        lo.input_dilation.v[i] = s;
        lo.kernel_dilation.v[i] = rd;
        ko.pads.v[i].low = low;
        ko.pads.v[i].high = (O + R - L - 1) - low;
        ko.strides.v[i] = rd;
        ko.input_dilation.v[i] = ld;
        ko.kernel_dilation.v[i] = s;
        rev.index[i] = 2 + i;
    }
    int rc = 0;
    if (a->want[0]) {
        int64_t groups = bg > 1 ? bg : fg;
        nx_tensor *kk = groups > 1 ? regroup(k, 0, groups, 2) : k;
        nx_tensor *xg = nx_conv_(g, nx_reverse(kk, .axes = rev), lo);
        if (bg > 1)   /* {N / bg, bg * C, ..} back to {N, C, ..} */
            xg = regroup(xg, 1, bg, 0);
        if (V > 1)
            xg = nx_reshape(xg, shape_of(X));
        rc |= OUT(0, given ? permuted(xg, p->conv.iperm, r, true) : xg);
    }
    if (a->want[1]) {
        nx_tensor *kg = nx_conv_(x, g, ko);
        if (V > 1)
            kg = nx_reshape(kg, shape_of(Y));
        rc |= OUT(1, given ? permuted(kg, p->conv.kperm, r, true) : kg);
    }
    return rc;
}

/* window_scatter_max, window_scatter_min: source element w gets g at the position its window
 * selected (the first extremum, as the cpu kernel picks; padding cells hold init and drop
 * their source, so they get 0), found by comparing the window's strided slices in order;
 * the output's init value gets sum(g); t gets nothing (spec §4.8). */
int nxgrad_window_scatter(nxgrad_args *a)
{
    const nxop_params *p = a->n->params;
    nx_tensor *t = X, *src = Y;
    int r = t->rank;
    nx_padding pad = { .n = r };
    nx_shape win = { .rank = r };
    nx_ints len = { .n = r }, stride = { .n = r };
    int64_t count = 1;
    for (int i = 0; i < r; i++) {
        int64_t high = (src->dims[i] - 1) * p->window.stride[i] + p->window.window[i] - t->dims[i] - p->window.low[i];
        pad.v[i] = (nx_pad_axis){ p->window.low[i], high, 0 };
        win.dims[i] = p->window.window[i];
        len.v[i] = (src->dims[i] - 1) * p->window.stride[i] + 1;   /* the span before striding */
        stride.v[i] = p->window.stride[i];
        count *= win.dims[i];
    }
    bool max = a->n->op == NX_OP_window_scatter_max;
    nx_tensor *tp = nx_pad(t, a->x[2], pad), *gp = nx_pad(G, NX_F(0), pad);
    if (!tp || !gp)
        return -1;
    /* the extremum of each window, then the first offset that reaches it */
    nx_tensor *best = NULL, *taken = NULL, *acc = NULL;
    for (int pass = 0; pass < 2; pass++)
        for (int64_t k = 0; k < count; k++) {
            nx_starts st = { .n = r };
            for (int64_t i = r - 1, q = k; i >= 0; i--) {
                st.v[i] = q % win.dims[i];
                q /= win.dims[i];
            }
            nx_tensor *v = nx_slice(tp, st, len, .strides = stride);
            if (pass == 0) {
                best = !best ? v : max ? nx_max(best, v) : nx_min(best, v);
                continue;
            }
            nx_tensor *hit = nx_equal(v, best);
            nx_tensor *first = taken ? nx_logical_and(hit, nx_logical_not(taken)) : hit;
            nx_tensor *part = nx_select(first, nx_slice(gp, st, len, .strides = stride), NX_F(0));
            acc = acc ? nx_add(acc, part) : part;
            taken = taken ? nx_logical_or(taken, hit) : hit;
            if (!acc || !taken)
                return -1;
        }
    int rc = 0;
    if (a->want[1])
        rc |= OUT(1, acc);
    if (a->nin > 3 && a->want[3])
        rc |= OUT(3, nx_sum(G));
    return rc;
}
