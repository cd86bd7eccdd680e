/* src/ops/window.c: front end of the window operations (spec/functions.md §14,
 * shapes-and-names.md §6 and §6.1): checks window dimensions, strides, dilations and
 * padding with Nx's messages, decides output type, shape and names, converts narrow types
 * to one the kernels compute in, and runs window_sum/product/max/min and
 * window_scatter_max/min. window_mean and window_reduce (a caller's function per element)
 * are composites. Vectorized axes take part as axes with window 1, stride 1, no padding. */
#include <stdio.h>
#include <string.h>
#include "core/shape.h"
#include "ops/front.h"

#define R NX_MAX_RANK

/* The pooling plan of shapes-and-names §6 for a tensor of `rank` axes (the first vrank
 * vectorized) with dims: fills p->window and the output dims; -1 with Nx's error. */
static int window_setup(int rank, int vrank, const int64_t *dims, nx_shape window, const nx_ints *strides,
                        const nx_ints *dilations, nx_window_padding mode, const nx_pad_pairs *pads, nxop_params *p,
                        int64_t *out)
{
    char text[512];
    int inner = rank - vrank;
    if (nxshape_check(&window, "window_dimensions") < 0)
        return -1;
    if (window.rank != inner)
        return nxerr_set(NX_ARGUMENT_ERROR,
                         "invalid window dimensions, rank of shape (%d) does not match rank of window (%d)", rank,
                         vrank + window.rank);
    if (strides->n > 0 && strides->n != inner)
        return nxerr_set(NX_ARGUMENT_ERROR,
                         "invalid stride dimensions, rank of shape (%d) does not match rank of stride (%d)", rank,
                         vrank + strides->n);
    int64_t dil[R] = { 0 }, k[R] = { 0 };
    for (int a = 0; a < rank; a++) {
        int i = a - vrank;
        p->window.window[a] = i < 0 ? 1 : window.dims[i];
        p->window.stride[a] = i < 0 || strides->n == 0 ? 1 : strides->v[i];
        dil[a] = i < 0 || dilations->n == 0 ? 1 : i < dilations->n ? dilations->v[i] : 1;
        if (p->window.stride[a] < 1)
            return nxerr_set(NX_ARGUMENT_ERROR, "stride at axis %d must be greater than or equal to 1, got: %lld", i,
                             (long long)p->window.stride[a]);
    }
    if (dilations->n > 0) {
        int64_t full[2 * R];
        int n = 0, bad = 0;
        for (int a = 0; a < vrank; a++)
            full[n++] = 1;
        for (int i = 0; i < dilations->n && n < 2 * R; i++) {
            full[n++] = dilations->v[i];
            bad |= dilations->v[i] < 1;
        }
        if (bad)
            return nxerr_set(NX_ARGUMENT_ERROR, "dilation rates must be greater than or equal to 1 got %s",
                             nxfront_list_text(text, sizeof text, n, full));
        if (dilations->n != inner)
            return nxerr_set(NX_ARGUMENT_ERROR,
                             "invalid padding configuration, rank of padding configuration and shape must match");
    }
    for (int a = 0; a < rank; a++) {
        p->window.dilation[a] = dil[a];
        k[a] = (p->window.window[a] - 1) * dil[a] + 1;
    }
    int64_t low[R] = { 0 }, high[R] = { 0 };
    if (nxfront_padding(mode, pads, inner, k + vrank, low + vrank, high + vrank) < 0)
        return -1;
    for (int a = 0; a < rank; a++) {
        int64_t span = dims[a] + low[a] + high[a] - k[a];
        if (span < 0)
            return nxerr_set(NX_ARGUMENT_ERROR,
                             "window dimensions would result in empty tensor which is not currently supported in Nx, please open an issue if you'd like this behavior to change");
        out[a] = span / p->window.stride[a] + 1;
        p->window.low[a] = low[a];
        p->window.high[a] = high[a];
    }
    return 0;
}

/* The fold's start and padding value for op in `type` (converted to ctype). */
static nx_tensor *init_value(nx_op op, nx_type type, nx_type ctype)
{
    switch (op) {
    case NX_OP_window_sum: return nx_scalar(NX_INT(0), ctype);
    case NX_OP_window_product: return nx_scalar(NX_INT(1), ctype);
    case NX_OP_window_max: return nx_as_type(nx_constant(NX_CONST_MIN, type), ctype);
    default: return nx_as_type(nx_constant(NX_CONST_MAX, type), ctype);
    }
}

static nx_tensor *window_op(const nx_tensor *t, nx_shape window, nx_window_opts o, nx_op op)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    if ((op == NX_OP_window_max || op == NX_OP_window_min) && nx_type_is_complex(t->type))
        return nxerr_null(NX_ARGUMENT_ERROR, "Nx.%s/3 does not support complex inputs", nxop_table[op].name);
    nxop_params p = { 0 };
    int64_t out[R];
    if (window_setup(t->rank, t->vrank, t->dims, window, &o.strides, &o.window_dilations, o.padding, &o.pads, &p,
                     out) < 0)
        return NULL;
    nx_type ct = nxfront_compute_type(t->type);
    nx_scope_begin();
    nx_tensor *x = nx_as_type(t, ct), *init = init_value(op, t->type, ct), *r = NULL;
    nx_tensor *shaped = nxtensor_new(ct, t->rank, out, t->names);
    if (x && init && shaped) {
        shaped->vrank = t->vrank;
        const nx_tensor *in[2] = { x, init };
        r = nxop_run(op, shaped, in, &p);
        if (r && ct != t->type)
            r = nx_as_type(r, t->type);
    }
    return nx_scope_end_keep(r);
}

nx_tensor *nx_window_sum_(const nx_tensor *t, nx_shape window, nx_window_opts o)
{
    return window_op(t, window, o, NX_OP_window_sum);
}

nx_tensor *nx_window_product_(const nx_tensor *t, nx_shape window, nx_window_opts o)
{
    return window_op(t, window, o, NX_OP_window_product);
}

nx_tensor *nx_window_max_(const nx_tensor *t, nx_shape window, nx_window_opts o)
{
    return window_op(t, window, o, NX_OP_window_max);
}

nx_tensor *nx_window_min_(const nx_tensor *t, nx_shape window, nx_window_opts o)
{
    return window_op(t, window, o, NX_OP_window_min);
}

/* Nx: divide(window_sum(t, window, opts), size(window)). */
nx_tensor *nx_window_mean_(const nx_tensor *t, nx_shape window, nx_window_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int64_t size = 1;
    for (int i = 0; i < window.rank && i < R; i++)
        size *= window.dims[i];
    nx_scope_begin();
    nx_tensor *r = nx_divide(nx_window_sum_(t, window, o), nx_number_tensor(NX_INT(size)));
    return nx_scope_end_keep(r);
}

/* ---------------------------------------------------------------- window_reduce */

/* Every window's cells as a last axis: {out..., k}, from x already padded (plain axes). */
static nx_tensor *windows_of(const nx_tensor *x, const nxop_params *p, const int64_t *out)
{
    int rank = x->rank;
    int64_t k = 1, w[R] = { 0 };
    nx_ints lengths = { .n = rank }, strides = { .n = rank };
    for (int a = 0; a < rank; a++) {
        k *= p->window.window[a];
        lengths.v[a] = (out[a] - 1) * p->window.stride[a] + 1;
        strides.v[a] = p->window.stride[a];
    }
    if (k > INT32_MAX)
        return nxerr_null(NX_ARGUMENT_ERROR, "window_reduce: the window has too many cells (%lld)", (long long)k);
    nx_tensor **cells = nx_alloc((size_t)k * sizeof *cells);
    if (!cells)
        return NULL;
    int64_t done = 0;
    for (; done < k; done++) {
        nx_starts starts = { .n = rank };
        for (int a = 0; a < rank; a++)
            starts.v[a] = w[a] * p->window.dilation[a];
        if (!(cells[done] = nx_slice(x, starts, lengths, .strides = strides)))
            break;
        for (int a = rank - 1; a >= 0; a--) {
            if (++w[a] < p->window.window[a])
                break;
            w[a] = 0;
        }
    }
    nx_tensor *r = NULL;
    if (done == k) {
        nx_tensor_list all = { .n = (int)k, .v = (const nx_tensor *const *)cells };
        r = nx_stack(all, .axis = rank);
    }
    nx_free(cells);
    return r;
}

nx_tensor *nx_window_reduce_(const nx_tensor *t, const nx_tensor *acc, nx_shape window, nx_reduce_fn *fn, void *ctx,
                             nx_window_opts o)
{
    if (nxfront_check_tensor(t) < 0 || nxfront_check_tensor(acc) < 0)
        return NULL;
    if (acc->vrank > 0)
        return nxerr_null(NX_ARGUMENT_ERROR, "accumulator for window_reduce/4 cannot be vectorized");
    if (!fn)
        return nxerr_null(NX_ARGUMENT_ERROR, "nx_window_reduce: the function is NULL");
    nxop_params p = { 0 };
    int64_t out[R];
    if (window_setup(t->rank, t->vrank, t->dims, window, &o.strides, &o.window_dilations, o.padding, &o.pads, &p,
                     out) < 0)
        return NULL;
    int64_t dims[R];
    nx_padding config = { .n = t->rank };
    for (int a = 0; a < t->rank; a++) {
        int64_t k = (p.window.window[a] - 1) * p.window.dilation[a] + 1;
        config.v[a].low = p.window.low[a];
        /* the high side: whatever the last window needs, so the slices fit exactly */
        config.v[a].high = (out[a] - 1) * p.window.stride[a] + k - t->dims[a] - p.window.low[a];
        p.window.low[a] = 0;
        dims[a] = out[a];
    }
    nx_scope_begin();
    nx_tensor *full = nxfront_view(t, t->type, t->rank, t->dims, NULL, 0);
    nx_tensor *padded = nx_pad(full, nx_as_type(acc, t->type), config);
    nx_tensor *cells = padded ? windows_of(padded, &p, out) : NULL;
    nx_tensor *r = cells ? nx_reduce(cells, acc, fn, ctx, .axes = NX_AXES(t->rank), .type = t->type) : NULL;
    nx_tensor *v = r ? nxfront_view(r, t->type, t->rank, dims, t->names, t->vrank) : NULL;
    return nx_scope_end_keep(v);
}

/* ---------------------------------------------------------------- window_scatter */

static nx_tensor *window_scatter(const nx_tensor *t, const nx_tensor *source, const nx_tensor *init, nx_shape window,
                                 nx_window_scatter_opts o, nx_op op)
{
    const nx_tensor *args[3] = { t, source, init };
    if (nxtensor_check_inputs(args, 3) < 0)
        return NULL;
    int64_t vdims[R], out[R], dims[R];
    const char *vnames[R] = { 0 }, *names[R] = { 0 };
    int nv = nxfront_vectorized_union(args, 2, vdims, vnames);
    if (nv < 0)
        return NULL;
    if (init->vrank > 0)
        return nxerr_null(NX_ARGUMENT_ERROR, "the init_value tensor cannot be vectorized");
    int inner = t->rank - t->vrank, rank = nv + inner;
    if (rank > R)
        return nxerr_null(NX_ARGUMENT_ERROR, "rank %d is not supported (nxc allows at most %d axes)", rank, R);
    for (int a = 0; a < rank; a++) {
        dims[a] = a < nv ? vdims[a] : t->dims[t->vrank + a - nv];
        names[a] = a < nv ? vnames[a] : t->names[t->vrank + a - nv];
    }
    nxop_params p = { 0 };
    nx_ints no_dilations = { 0 };
    if (window_setup(rank, nv, dims, window, &o.strides, &no_dilations, o.padding, &o.pads, &p, out) < 0)
        return NULL;
    int same = source->rank - source->vrank == inner;
    for (int i = 0; same && i < inner; i++)
        same = source->dims[source->vrank + i] == out[nv + i];
    if (!same)
        return nxerr_null(NX_ARGUMENT_ERROR, "source shape must match valid windows in input tensor");
    nx_type otype = init->weak ? nx_type_merge_number(source->type, init->weak_value)
                               : nx_type_merge(source->type, init->type);
    nx_type ptype = init->weak ? nx_type_merge_number(t->type, init->weak_value) : nx_type_merge(t->type, init->type);
    if (nx_type_is_complex(otype) || nx_type_is_complex(ptype))
        return nxerr_null(NX_ARGUMENT_ERROR, "Nx.%s/5 does not support complex inputs", nxop_table[op].name);
    if (init->rank != 0) {
        char text[256];
        return nxerr_null(NX_ARGUMENT_ERROR, "expected init_value to be a scalar tensor, got shape %s",
                          nxshape_text(text, sizeof text, init->rank, init->dims));
    }
    nx_type oct = nxfront_compute_type(otype), pct = nxfront_compute_type(ptype);
    nx_scope_begin();
    nx_tensor *xt = nxfront_batched(t, pct, nv, vdims, vnames);
    nx_tensor *xs = xt ? nxfront_batched(source, oct, nv, vdims, vnames) : NULL;
    nx_tensor *it = nx_as_type(init, pct), *io = nx_as_type(init, oct), *r = NULL;
    nx_tensor *shaped = nxtensor_new(oct, rank, dims, NULL);
    if (xs && it && io && shaped) {
        const nx_tensor *in[4] = { xt, xs, it, io };
        nx_tensor *s = nxop_run(op, shaped, in, &p);
        nx_tensor *c = s && oct != otype ? nx_as_type(s, otype) : s;
        r = c ? nxfront_view(c, otype, rank, dims, names, nv) : NULL;
    }
    return nx_scope_end_keep(r);
}

nx_tensor *nx_window_scatter_max_(const nx_tensor *t, const nx_tensor *source, const nx_tensor *init_value,
                                  nx_shape window, nx_window_scatter_opts o)
{
    return window_scatter(t, source, init_value, window, o, NX_OP_window_scatter_max);
}

nx_tensor *nx_window_scatter_min_(const nx_tensor *t, const nx_tensor *source, const nx_tensor *init_value,
                                  nx_shape window, nx_window_scatter_opts o)
{
    return window_scatter(t, source, init_value, window, o, NX_OP_window_scatter_min);
}
