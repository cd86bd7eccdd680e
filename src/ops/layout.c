/* src/ops/layout.c: front end of the layout ops: transpose, squeeze, new_axis, flatten,
 * tile, pad, pad_outer, reverse, concatenate, stack, split, slice, slice_along_axis and
 * put_slice (spec/functions.md §5, §15; spec/shapes-and-names.md §2, §6). Checks
 * arguments with Nx's messages, decides output types, shapes and names, lays out
 * vectorized axes, and composes the non-primitive functions from primitives. No element
 * is touched here: the kernels (src/backend/cpu/layout.c) copy bits. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "core/elem.h"
#include "core/shape.h"
#include "core/text.h"
#include "defn/node.h"
#include "ops/front.h"

/* The inner (non-vectorized) rank, dims and names of t. */
#define INNER(t) ((t)->rank - (t)->vrank)
#define IDIMS(t) ((t)->dims + (t)->vrank)
#define INAMES(t) ((t)->names + (t)->vrank)

/* ---------------------------------------------------------------- helpers */

static int rank_error(int rank)
{
    return nxerr_set(NX_ARGUMENT_ERROR, "rank %d is not supported (nxc allows at most %d axes)", rank, NX_MAX_RANK);
}

/* Full dims and names: nv leading axes (vdims, vnames) then the inner ones. */
static int with_leading(int nv, const int64_t *vdims, const char *const *vnames, int rank, const int64_t *dims,
                        const char *const *names, int64_t *all, const char **all_names)
{
    if (nv + rank > NX_MAX_RANK)
        return rank_error(nv + rank);
    memcpy(all, vdims, (size_t)nv * sizeof *all);
    memcpy(all + nv, dims, (size_t)rank * sizeof *all);
    memcpy(all_names, vnames, (size_t)nv * sizeof *all_names);
    for (int i = 0; i < rank; i++)
        all_names[nv + i] = names ? names[i] : NULL;
    return 0;
}

/* An output header (no data) with nv leading vectorized axes and the given inner axes. */
static nx_tensor *header_v(nx_type type, int nv, const int64_t *vdims, const char *const *vnames, int rank,
                           const int64_t *dims, const char *const *names)
{
    int64_t all[NX_MAX_RANK];
    const char *all_names[NX_MAX_RANK];
    if (with_leading(nv, vdims, vnames, rank, dims, names, all, all_names) < 0)
        return NULL;
    nx_tensor *out = nxtensor_new(type, nv + rank, all, all_names);
    if (out)
        out->vrank = nv;
    return out;
}

/* An output header with t's vectorized axes. */
static nx_tensor *header(const nx_tensor *t, nx_type type, int rank, const int64_t *dims, const char *const *names)
{
    return header_v(type, t->vrank, t->dims, t->names, rank, dims, names);
}

/* A view of t's data with t's vectorized axes and new inner axes. */
static nx_tensor *view(const nx_tensor *t, int rank, const int64_t *dims, const char *const *names)
{
    int64_t all[NX_MAX_RANK];
    const char *all_names[NX_MAX_RANK];
    if (with_leading(t->vrank, t->dims, t->names, rank, dims, names, all, all_names) < 0)
        return NULL;
    return nxfront_view(t, t->type, t->vrank + rank, all, all_names, t->vrank);
}

static nx_tensor *same(const nx_tensor *t)
{
    return nxfront_view(t, t->type, t->rank, t->dims, t->names, t->vrank);
}

/* Normalises a list of inner axes of t; returns the count (0 for NX_AXES_EMPTY) or -1. */
static int norm_axes(const nx_tensor *t, const nx_axes *given, int *out)
{
    if (given->n < 0)
        return 0;
    return nxshape_axes(given, INNER(t), INAMES(t), INNER(t), out);
}

static int norm_axis(const nx_tensor *t, nx_axis axis)
{
    if (!axis.set)
        axis = NX_AXIS(0);
    return nxshape_axis(axis, INNER(t), INAMES(t), INNER(t));
}

/* "{*, 2, 3}": a shape with a star at `axis`. */
static const char *star_text(char *buf, size_t cap, int rank, const int64_t *dims, int axis)
{
    size_t len = (size_t)snprintf(buf, cap, "{");
    for (int i = 0; i < rank && len < cap; i++) {
        const char *sep = i ? ", " : "";
        if (i == axis)
            len += (size_t)snprintf(buf + len, cap - len, "%s*", sep);
        else
            len += (size_t)snprintf(buf + len, cap - len, "%s%lld", sep, (long long)dims[i]);
    }
    if (len < cap)
        snprintf(buf + len, cap - len, "}");
    return buf;
}

static int merge_name_error(const char *left, int laxis, const char *right, int raxis)
{
    return nxerr_set(NX_ARGUMENT_ERROR, "cannot merge name :%s on axis %d with name :%s on axis %d", left, laxis,
                     right, raxis);
}

static void release_all(int n, nx_tensor **ts)
{
    for (int i = 0; i < n; i++)
        nx_release(ts[i]);
}

/* ---------------------------------------------------------------- vectorized inputs */

/* Lays out several inputs alike (Nx's broadcast_vectors): the vectorized axes of all of
 * them, in order of first appearance, lead every input at their full sizes. Writes those
 * axes (count returned) and, per input, a devectorized tensor in out[] that the caller
 * releases. -1 with an error (out[] then holds nothing to release). */
static int vectorize_together(int n, const nx_tensor *const *in, nx_tensor **out, const char **vnames,
                              int64_t *vdims)
{
    int nv = 0;
    for (int k = 0; k < n; k++)
        for (int i = 0; i < in[k]->vrank; i++) {
            const char *name = in[k]->names[i];
            int64_t size = in[k]->dims[i];
            int j = 0;
            while (j < nv && vnames[j] != name)
                j++;
            if (j == nv) {
                if (nv == NX_MAX_RANK)
                    return rank_error(nv + 1);
                vnames[nv] = name;
                vdims[nv++] = size;
            } else if (vdims[j] != size && size != 1 && vdims[j] != 1) {
                return nxerr_set(NX_ARGUMENT_ERROR,
                                 "expected vectorized axis :%s to have the same size in both tensors or to one of them to have size 1, got %lld and %lld",
                                 name, (long long)size, (long long)vdims[j]);
            } else if (vdims[j] == 1) {
                vdims[j] = size;
            }
        }
    for (int k = 0; k < n; k++) {
        const nx_tensor *t = in[k];
        int r = INNER(t);
        if (nv + r > NX_MAX_RANK) {
            release_all(k, out);
            return rank_error(nv + r);
        }
        /* t's own vectorized axes in canonical order, then its inner axes. */
        nx_axes perm = { .n = t->rank };
        int64_t mid[NX_MAX_RANK], full[NX_MAX_RANK];
        int next = 0, moved = 0;
        for (int j = 0; j < nv; j++) {
            mid[j] = 1;
            for (int i = 0; i < t->vrank; i++)
                if (t->names[i] == vnames[j]) {
                    moved |= i != next;
                    perm.index[next++] = i;
                    mid[j] = t->dims[i];
                }
            full[j] = vdims[j];
        }
        for (int i = 0; i < r; i++) {
            perm.index[t->vrank + i] = t->vrank + i;
            mid[nv + i] = full[nv + i] = IDIMS(t)[i];
        }
        nx_tensor *d = nxfront_view(t, t->type, t->rank, t->dims, NULL, 0);
        if (d && moved) {
            nx_tensor *tr = nx_transpose(d, .axes = perm);
            nx_release(d);
            d = tr;
        }
        nx_shape s_mid = { .rank = nv + r }, s_full = { .rank = nv + r };
        memcpy(s_mid.dims, mid, sizeof mid);
        memcpy(s_full.dims, full, sizeof full);
        if (d && (t->vrank != nv || memcmp(mid, full, (size_t)(nv + r) * sizeof *mid) != 0)) {
            nx_tensor *re = nx_reshape(d, s_mid);
            nx_tensor *b = re ? nx_broadcast(re, s_full) : NULL;
            nx_release(re);
            nx_release(d);
            d = b;
        }
        if (!d) {
            release_all(k, out);
            return -1;
        }
        out[k] = d;
    }
    return nv;
}

/* ---------------------------------------------------------------- transpose, reverse */

nx_tensor *nx_transpose_(const nx_tensor *t, nx_transpose_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int r = INNER(t), axes[NX_MAX_RANK], n = r;
    if (o.axes.n == 0) {
        for (int i = 0; i < r; i++)
            axes[i] = r - 1 - i;
    } else if ((n = norm_axes(t, &o.axes, axes)) < 0) {
        return NULL;
    }
    if (n != r)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected length of permutation (%d) to match rank of shape (%d)", n, r);
    int identity = 1;
    int64_t dims[NX_MAX_RANK];
    const char *names[NX_MAX_RANK];
    nxop_params p = { 0 };
    for (int v = 0; v < t->vrank; v++)
        p.axes[v] = v;
    for (int i = 0; i < r; i++) {
        identity &= axes[i] == i;
        dims[i] = IDIMS(t)[axes[i]];
        names[i] = INAMES(t)[axes[i]];
        p.axes[t->vrank + i] = t->vrank + axes[i];
    }
    if (identity)
        return same(t);
    return nxop_run(NX_OP_transpose, header(t, t->type, r, dims, names), &t, &p);
}

nx_tensor *nx_reverse_(const nx_tensor *t, nx_reverse_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int r = INNER(t), axes[NX_MAX_RANK], n = r;
    if (o.axes.n == 0) {
        for (int i = 0; i < r; i++)
            axes[i] = i;
    } else if ((n = norm_axes(t, &o.axes, axes)) < 0) {
        return NULL;
    }
    /* Sorted, and only the axes that have more than one element. */
    nxop_params p = { 0 };
    for (int a = 0; a < r; a++)
        for (int i = 0; i < n; i++)
            if (axes[i] == a && IDIMS(t)[a] > 1)
                p.axes[p.count++] = t->vrank + a;
    if (p.count == 0)
        return same(t);
    return nxop_run(NX_OP_reverse, header(t, t->type, r, IDIMS(t), INAMES(t)), &t, &p);
}

/* ---------------------------------------------------------------- views */

/* Traced squeezes record Nx's node `squeeze x, axes` (axes counted with the vectorized axes
 * in front, as Nx records the devectorized node); the options are the dropped inner axes. */
typedef struct { int n; int axes[NX_MAX_RANK]; } squeeze_call;
static nx_tensor *call_squeeze(const nx_tensor *const *in, const void *opts)
{
    const squeeze_call *c = opts;
    nx_axes axes = { .n = c->n };
    for (int i = 0; i < c->n; i++)
        axes.index[i] = c->axes[i];
    return nx_squeeze_(in[0], (nx_squeeze_opts){ .axes = axes });
}

static bool is_squeeze(const nxdefn_node *n)
{
    return n->kind == NXN_CALL && n->call == call_squeeze && n->opts_size == sizeof(squeeze_call);
}

/* Nx's merge_squeeze: the inner squeeze's axes (of x) and the outer one's (of the squeezed
 * tensor), both ascending, as axes of x. */
static int merge_squeeze(const squeeze_call *inner, const squeeze_call *outer, int *out)
{
    int i = 0, j = 0, k = 0, extra = 0;
    while (j < outer->n) {
        if (i < inner->n && inner->axes[i] <= outer->axes[j] + extra) {
            out[k++] = inner->axes[i++];
            extra++;
        } else {
            out[k++] = outer->axes[j++] + extra;
        }
    }
    while (i < inner->n)
        out[k++] = inner->axes[i++];
    return k;
}

static nx_tensor *traced_squeeze(nx_tensor *r, const nx_tensor *t, const int *drop)
{
    squeeze_call c = { 0 };
    for (int i = 0; i < INNER(t); i++)
        if (drop[i])
            c.axes[c.n++] = i;
    const nx_tensor *in = t;
    nx_tensor *x = NULL;
    if (is_squeeze(t->node)) {   /* a squeeze of a squeeze is one squeeze (spec/defn.md §4) */
        squeeze_call m = { 0 };
        m.n = merge_squeeze(t->node->opts, &c, m.axes);
        c = m;
        in = x = nxdefn_tensor(&t->node->in[0]->h, nxdefn_retain(t->node->in[0]));
        if (!x) {
            nx_release(r);
            return NULL;
        }
    }
    nxtext text = { 0 };
    nxtext_puts(&text, "%0, [");
    for (int i = 0; i < c.n; i++)
        nxtext_printf(&text, i ? ", %d" : "%d", t->vrank + c.axes[i]);
    nxtext_putc(&text, ']');
    char *s = nxtext_take(&text);
    r = s ? nxdefn_wrap(r, "squeeze", s, call_squeeze, &c, sizeof c, &in, 1) : (nx_release(r), nxerr_oom(64));
    nx_free(s);
    nx_release(x);
    return r;
}

nx_tensor *nx_squeeze_(const nx_tensor *t, nx_squeeze_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int r = INNER(t), axes[NX_MAX_RANK], n;
    int drop[NX_MAX_RANK] = { 0 };
    if (o.axes.n == 0) {
        for (int i = 0; i < r; i++)
            drop[i] = IDIMS(t)[i] == 1;
    } else {
        if ((n = norm_axes(t, &o.axes, axes)) < 0)
            return NULL;
        for (int i = 0; i < n; i++)
            drop[axes[i]] = 1;
    }
    int64_t dims[NX_MAX_RANK];
    const char *names[NX_MAX_RANK];
    int k = 0;
    for (int i = 0; i < r; i++) {
        if (!drop[i]) {
            dims[k] = IDIMS(t)[i];
            names[k++] = INAMES(t)[i];
        } else if (IDIMS(t)[i] != 1) {
            return nxerr_null(NX_ARGUMENT_ERROR, "cannot squeeze dimensions whose sizes are not 1, got %lld for dimension %d",
                              (long long)IDIMS(t)[i], i);
        }
    }
    if (k == r)
        return same(t);
    nx_tensor *v = view(t, k, dims, names);
    return nxdefn_traced(v) && nxdefn_traced(t) ? traced_squeeze(v, t, drop) : v;
}

/* Position of a new axis in a rank-r shape (negative: from the end of the result), or -1
 * with Nx's message. */
static int new_axis_position(const nx_tensor *t, int axis)
{
    int r = INNER(t);
    if (axis < -r - 1 || axis > r) {
        char s[512];
        return nxerr_set(NX_ARGUMENT_ERROR, "new axis position for shape %s must be a number between %d and %d, got: %d",
                         nxshape_text(s, sizeof s, r, IDIMS(t)), -r - 1, r, axis);
    }
    return axis < 0 ? axis + r + 1 : axis;
}

nx_tensor *nx_new_axis(const nx_tensor *t, int axis, const char *name)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int r = INNER(t), pos = new_axis_position(t, axis);
    if (pos < 0)
        return NULL;
    const char *atom = name ? nx_atom(name) : NULL;
    if (name && !atom)
        return NULL;
    int64_t dims[NX_MAX_RANK];
    const char *names[NX_MAX_RANK];
    if (r + 1 > NX_MAX_RANK)
        return rank_error(t->vrank + r + 1), NULL;
    memcpy(dims, IDIMS(t), (size_t)pos * sizeof *dims);
    memcpy(names, INAMES(t), (size_t)pos * sizeof *names);
    dims[pos] = 1;
    names[pos] = atom;
    memcpy(dims + pos + 1, IDIMS(t) + pos, (size_t)(r - pos) * sizeof *dims);
    memcpy(names + pos + 1, INAMES(t) + pos, (size_t)(r - pos) * sizeof *names);
    return view(t, r + 1, dims, names);
}

nx_tensor *nx_flatten_(const nx_tensor *t, nx_flatten_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int r = INNER(t), axes[NX_MAX_RANK], n;
    if (o.axes.n == 0) {
        int64_t size = nxshape_size(r, IDIMS(t));
        return view(t, 1, &size, NULL);
    }
    if ((n = norm_axes(t, &o.axes, axes)) < 0)
        return NULL;
    if (n == 0)
        return same(t);
    for (int i = 1; i < n; i++)
        if (axes[i] != axes[i - 1] + 1)
            return nxerr_null(NX_ARGUMENT_ERROR, "flatten axes must be consecutive");
    int64_t dims[NX_MAX_RANK];
    const char *names[NX_MAX_RANK];
    int k = 0;
    for (int i = 0; i < r; i++) {
        if (i > axes[0] && i <= axes[n - 1]) {
            dims[k - 1] *= IDIMS(t)[i];
            continue;
        }
        dims[k] = IDIMS(t)[i];
        names[k++] = i == axes[0] ? NULL : INAMES(t)[i];
    }
    return view(t, k, dims, names);
}

/* ---------------------------------------------------------------- tile */

static nx_tensor *reps_error(nx_ints reps)
{
    nxtext s = { 0 };
    nxtext_putc(&s, '[');
    for (int i = 0; i < reps.n; i++)
        nxtext_printf(&s, i ? ", %lld" : "%lld", (long long)reps.v[i]);
    nxtext_putc(&s, ']');
    nxerr_set(NX_ARGUMENT_ERROR, "repetitions must be a list of integers, got: %s", s.s ? s.s : "[]");
    nxtext_free(&s);
    return NULL;
}

/* Repeats axis k of t (rank m, inner dims `dims`) reps[k] times for every k with
 * only[k] set: a reshape that puts a 1 before each such axis, a broadcast of those 1s to
 * the repetitions, and a reshape that merges each pair. */
static nx_tensor *tile_axes(const nx_tensor *t, int m, const int64_t *dims, const int64_t *reps, const int *only)
{
    nx_shape grown = { 0 }, wide = { 0 }, final = { .rank = m };
    for (int k = 0; k < m; k++) {
        final.dims[k] = dims[k];
        if (only[k] && reps[k] > 1) {
            grown.dims[grown.rank++] = 1;
            wide.dims[wide.rank++] = reps[k];
            if (__builtin_mul_overflow(reps[k], dims[k], &final.dims[k]))
                return nxerr_null(NX_ARGUMENT_ERROR, "tile would give a dimension beyond 2^63 - 1");
        }
        grown.dims[grown.rank++] = dims[k];
        wide.dims[wide.rank++] = dims[k];
    }
    nx_tensor *a = nx_reshape(t, grown);
    nx_tensor *b = a ? nx_broadcast(a, wide) : NULL;
    nx_tensor *c = b ? nx_reshape(b, final) : NULL;
    nx_release(b);
    nx_release(a);
    return c;
}

nx_tensor *nx_tile(const nx_tensor *t, nx_ints reps)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    if (reps.n < 0 || reps.n > NX_MAX_RANK)
        return reps_error((nx_ints){ 0 });
    for (int i = 0; i < reps.n; i++)
        if (reps.v[i] < 1)
            return reps_error(reps);
    int r = INNER(t), m = r > reps.n ? r : reps.n, repeated = 0;
    if (t->vrank + m > NX_MAX_RANK)
        return rank_error(t->vrank + m), NULL;
    int64_t dims[NX_MAX_RANK], rep[NX_MAX_RANK];
    int all[NX_MAX_RANK];
    for (int k = 0; k < m; k++) {
        dims[k] = k < m - r ? 1 : IDIMS(t)[k - (m - r)];
        rep[k] = k < m - reps.n ? 1 : reps.v[k - (m - reps.n)];
        all[k] = 1;
        repeated += rep[k] > 1;
    }
    /* In one go when the interleaved shape fits in NX_MAX_RANK axes, else axis by axis. */
    if (t->vrank + m + repeated <= NX_MAX_RANK)
        return tile_axes(t, m, dims, rep, all);
    nx_tensor *cur = same(t);
    for (int k = 0; cur && k < m; k++) {
        if (rep[k] == 1)
            continue;
        int one[NX_MAX_RANK] = { 0 };
        one[k] = 1;
        nx_tensor *next = tile_axes(cur, m, dims, rep, one);
        nx_release(cur);
        cur = next;
        dims[k] *= rep[k];
    }
    if (cur && nx_rank(cur) != m) {   /* nothing repeated: still the input's rank */
        nx_shape s = { .rank = m };
        memcpy(s.dims, dims, (size_t)m * sizeof *dims);
        nx_tensor *re = nx_reshape(cur, s);
        nx_release(cur);
        cur = re;
    }
    return cur;
}

/* ---------------------------------------------------------------- pad */

nx_tensor *nx_pad(const nx_tensor *t, const nx_tensor *value, nx_padding config)
{
    const nx_tensor *args[2] = { t, value };
    if (nxtensor_check_inputs(args, 2) < 0)
        return NULL;
    if (value->rank != 0)
        return nxerr_null(NX_ARGUMENT_ERROR, "padding value must be a scalar and non-vectorized");
    nx_type type = value->weak ? nx_type_merge_number(t->type, value->weak_value) : nx_type_merge(t->type, value->type);
    int r = INNER(t);
    if (config.n != r)
        return nxerr_null(NX_ARGUMENT_ERROR, "invalid padding configuration, rank of padding configuration and shape must match");
    int64_t dims[NX_MAX_RANK];
    nxop_params p = { 0 };
    for (int i = 0; i < r; i++) {
        nx_pad_axis c = config.v[i];
        if (c.interior < 0)
            return nxerr_null(NX_ARGUMENT_ERROR, "invalid padding configuration, interior padding must be non-negative");
    }
    for (int i = 0; i < r; i++) {
        nx_pad_axis c = config.v[i];
        __int128 d = IDIMS(t)[i];
        __int128 out = d + c.low + c.high + (d - 1) * c.interior;
        if (out <= 0)
            return nxerr_null(NX_ARGUMENT_ERROR, "invalid padding configuration, output dimension %d would be %lld", i,
                              (long long)(out < INT64_MIN ? INT64_MIN : out));
        dims[i] = out > INT64_MAX ? INT64_MAX : (int64_t)out;
        p.pad.low[t->vrank + i] = c.low;
        p.pad.high[t->vrank + i] = c.high;
        p.pad.interior[t->vrank + i] = c.interior;
    }
    /* A number is written exactly as the output type stores it, not through its tensor. */
    nx_tensor *v = value->weak ? nx_scalar(value->weak_value, type) : (nx_tensor *)same(value);
    if (!v)
        return NULL;
    const nx_tensor *in[2] = { t, v };
    nx_tensor *out = nxop_run(NX_OP_pad, header(t, type, r, dims, INAMES(t)), in, &p);
    nx_release(v);
    return out;
}

nx_tensor *nx_pad_outer(const nx_tensor *t, const nx_tensor *value, nx_pad_pairs config)
{
    nx_padding pad = { .n = config.n };
    for (int i = 0; i < config.n && i < NX_MAX_RANK; i++)
        pad.v[i] = (nx_pad_axis){ config.v[i].low, config.v[i].high, 0 };
    return nx_pad(t, value, pad);
}

/* The source index of output position j (from -low) of an axis of size n. */
static int64_t mode_index(nx_pad_mode mode, int64_t j, int64_t n)
{
    if (n == 1)
        return 0;
    switch (mode) {
    case NX_PAD_CYCLIC:
        return ((j % n) + n) % n;
    case NX_PAD_MIRROR: {
        int64_t m = ((j % (2 * n)) + 2 * n) % (2 * n);
        return m < n ? m : 2 * n - 1 - m;
    }
    case NX_PAD_REFLECT: {
        int64_t period = 2 * n - 2, m = ((j % period) + period) % period;
        return m < n ? m : period - m;
    }
    default:
        return j < 0 ? 0 : j >= n ? n - 1 : j;
    }
}

/* One axis of pad_outer with a mode: the output is cut into runs of source indices that
 * step by +1, -1 or 0, each a slice (reversed, or broadcast), then concatenated. */
static nx_tensor *pad_mode_axis(const nx_tensor *t, int axis, nx_pad_mode mode, int64_t low, int64_t high)
{
    int64_t n = IDIMS(t)[axis], total = low + n + high;
    int cap = 8, count = 0;
    nx_tensor **pieces = nx_alloc((size_t)cap * sizeof *pieces);
    if (!pieces)
        return nxerr_oom((size_t)cap * sizeof *pieces);
    nx_tensor *result = NULL;
    for (int64_t j = 0; j < total;) {
        int64_t first = mode_index(mode, j - low, n), len = 1, step = 0;
        if (j + 1 < total) {
            step = mode_index(mode, j + 1 - low, n) - first;
            if (step < -1 || step > 1)
                step = 0;
            else
                while (j + len < total && mode_index(mode, j + len - low, n) == first + len * step)
                    len++;
        }
        nx_tensor *piece;
        if (step == 1) {
            piece = nx_slice_along_axis(t, first, len, .axis = NX_AXIS(axis));
        } else if (step == -1) {
            nx_tensor *s = nx_slice_along_axis(t, first - len + 1, len, .axis = NX_AXIS(axis));
            piece = s ? nx_reverse(s, .axes = NX_AXES(axis)) : NULL;
            nx_release(s);
        } else {
            nx_tensor *s = nx_slice_along_axis(t, first, 1, .axis = NX_AXIS(axis));
            nx_shape to = { .rank = INNER(t) };
            memcpy(to.dims, IDIMS(t), (size_t)to.rank * sizeof *to.dims);
            to.dims[axis] = len;
            piece = s && len > 1 ? nx_broadcast(s, to) : s;
            if (piece != s)
                nx_release(s);
        }
        if (!piece)
            goto out;
        if (count == cap) {
            nx_tensor **more = nx_alloc((size_t)cap * 2 * sizeof *more);
            if (!more) {
                nx_release(piece);
                nxerr_oom((size_t)cap * 2 * sizeof *more);
                goto out;
            }
            memcpy(more, pieces, (size_t)count * sizeof *more);
            nx_free(pieces);
            pieces = more;
            cap *= 2;
        }
        pieces[count++] = piece;
        j += len;
    }
    nx_tensor_list list = { count, (const nx_tensor *const *)pieces };
    result = nx_concatenate(list, .axis = NX_AXIS(axis));
out:
    release_all(count, pieces);
    nx_free(pieces);
    return result;
}

nx_tensor *nx_pad_outer_mode(const nx_tensor *t, nx_pad_mode mode, nx_pad_pairs config)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    if (mode < NX_PAD_CYCLIC || mode > NX_PAD_REPLICATE)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected padding type to be either of [:cyclic, :mirror, :replicate, :reflect], got %d", (int)mode);
    int r = INNER(t);
    if (r == 0)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected tensor to have rank greater than 0");
    if (config.n != r)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected to have one padding_config entry each tensor axis");
    for (int i = 0; i < r; i++)
        if (config.v[i].low < 0 || config.v[i].high < 0)
            return nxerr_null(NX_ARGUMENT_ERROR,
                              "expected padding config for axis %d to be of the format {left, right}, with left and right as non-negative integers, got: {%lld, %lld}",
                              i, (long long)config.v[i].low, (long long)config.v[i].high);
    nx_tensor *cur = same(t);
    for (int i = 0; cur && i < r; i++) {
        if (config.v[i].low == 0 && config.v[i].high == 0)
            continue;
        nx_tensor *next = pad_mode_axis(cur, i, mode, config.v[i].low, config.v[i].high);
        nx_release(cur);
        cur = next;
    }
    if (!cur)
        return NULL;
    /* Broadcast pieces drop names: the result keeps the input's. */
    nx_tensor *named = view(cur, r, IDIMS(cur), INAMES(t));
    nx_release(cur);
    return named;
}

/* ---------------------------------------------------------------- concatenate, stack */

/* Merges the names of every inner axis position across the inputs, left to right (up to
 * the smallest rank, as Nx zips them), reporting a conflict at `axis` on both sides, the
 * later input's name first (Nx's quirk). names[] gets the result. */
static int merge_all_names(nx_tensor_list list, int axis, const char **names)
{
    int rank = INNER(list.v[0]);
    for (int k = 1; k < list.n; k++)
        if (INNER(list.v[k]) < rank)
            rank = INNER(list.v[k]);
    for (int i = 0; i < rank; i++) {
        const char *acc = INAMES(list.v[0])[i];
        for (int k = 1; k < list.n; k++) {
            const char *name = INAMES(list.v[k])[i];
            if (name && acc && name != acc)
                return merge_name_error(name, axis, acc, axis);
            if (!acc)
                acc = name;
        }
        names[i] = acc;
    }
    return 0;
}

static nx_type merged_type(nx_tensor_list list)
{
    nx_type type = list.v[0]->type;
    for (int k = 1; k < list.n; k++)
        type = nx_type_merge(type, list.v[k]->type);
    return type;
}

/* Runs concatenate or stack on the inputs laid out together. */
static nx_tensor *join(nx_op op, nx_tensor_list list, nx_type type, int rank, const int64_t *dims,
                       const char *const *names, int axis)
{
    nx_tensor **in = nx_alloc((size_t)list.n * sizeof *in);
    if (!in)
        return nxerr_oom((size_t)list.n * sizeof *in);
    const char *vnames[NX_MAX_RANK];
    int64_t vdims[NX_MAX_RANK];
    int nv = vectorize_together(list.n, list.v, in, vnames, vdims);
    nx_tensor *out = NULL;
    if (nv >= 0) {
        nxop_params p = { .axis = nv + axis, .count = list.n };
        out = nxop_run(op, header_v(type, nv, vdims, vnames, rank, dims, names), (const nx_tensor *const *)in, &p);
        release_all(list.n, in);
    }
    nx_free(in);
    return out;
}

nx_tensor *nx_concatenate_(nx_tensor_list list, nx_concatenate_opts o)
{
    if (list.n <= 0 || !list.v)
        return nxerr_null(NX_ARGUMENT_ERROR, "no tensors were given to concatenate");
    if (nxtensor_check_inputs(list.v, list.n) < 0)
        return NULL;
    const nx_tensor *first = list.v[0];
    if (list.n == 1)
        return same(first);
    int r = INNER(first), axis = norm_axis(first, o.axis);
    if (axis < 0)
        return NULL;
    int64_t dims[NX_MAX_RANK];
    const char *names[NX_MAX_RANK];
    if (merge_all_names(list, axis, names) < 0)
        return NULL;
    memcpy(dims, IDIMS(first), (size_t)r * sizeof *dims);
    for (int k = 1; k < list.n; k++) {
        const nx_tensor *t = list.v[k];
        int ok = INNER(t) == r;
        for (int i = 0; ok && i < r; i++)
            ok = i == axis || IDIMS(t)[i] == dims[i];
        if (!ok) {
            char a[512], b[512];
            return nxerr_null(NX_ARGUMENT_ERROR, "expected all shapes to match %s, got unmatching shape: %s",
                              star_text(a, sizeof a, r, dims, axis), nxshape_text(b, sizeof b, INNER(t), IDIMS(t)));
        }
        if (__builtin_add_overflow(dims[axis], IDIMS(t)[axis], &dims[axis]))
            return nxerr_null(NX_ARGUMENT_ERROR, "concatenate would give a dimension beyond 2^63 - 1");
    }
    return join(NX_OP_concatenate, list, merged_type(list), r, dims, names, axis);
}

nx_tensor *nx_stack_(nx_tensor_list list, nx_stack_opts o)
{
    if (list.n <= 0 || !list.v)
        return nxerr_null(NX_ARGUMENT_ERROR, "no tensors were given to stack");
    if (nxtensor_check_inputs(list.v, list.n) < 0)
        return NULL;
    const nx_tensor *first = list.v[0];
    if (list.n == 1)
        return nx_new_axis(first, o.axis, o.name);
    int r = INNER(first);
    const char *merged[NX_MAX_RANK], *names[NX_MAX_RANK];
    if (merge_all_names(list, o.axis, merged) < 0)
        return NULL;
    for (int k = 1; k < list.n; k++) {
        const nx_tensor *t = list.v[k];
        if (INNER(t) == r && memcmp(IDIMS(t), IDIMS(first), (size_t)r * sizeof *IDIMS(t)) == 0)
            continue;
        /* The distinct shapes, in order of first appearance. */
        nxtext s = { 0 };
        nxtext_putc(&s, '[');
        for (int i = 0; i < list.n; i++) {
            const nx_tensor *a = list.v[i];
            int seen = 0;
            for (int j = 0; j < i && !seen; j++)
                seen = INNER(list.v[j]) == INNER(a) &&
                       memcmp(IDIMS(list.v[j]), IDIMS(a), (size_t)INNER(a) * sizeof *IDIMS(a)) == 0;
            if (seen)
                continue;
            if (i)
                nxtext_puts(&s, ", ");
            nxtext_shape(&s, INNER(a), IDIMS(a));
        }
        nxtext_putc(&s, ']');
        nxerr_set(NX_ARGUMENT_ERROR, "can only stack tensors of the same shape, got distinct shapes: %s",
                  s.s ? s.s : "[]");
        nxtext_free(&s);
        return NULL;
    }
    int pos = new_axis_position(first, o.axis);
    if (pos < 0)
        return NULL;
    if (r + 1 > NX_MAX_RANK)
        return rank_error(r + 1), NULL;
    const char *name = o.name ? nx_atom(o.name) : NULL;
    if (o.name && !name)
        return NULL;
    int64_t dims[NX_MAX_RANK];
    for (int i = 0, k = 0; i <= r; i++) {
        if (i == pos) {
            dims[i] = list.n;
            names[i] = name;
        } else {
            dims[i] = IDIMS(first)[k];
            names[i] = merged[k++];
        }
    }
    return join(NX_OP_stack, list, merged_type(list), r + 1, dims, names, pos);
}

/* ---------------------------------------------------------------- slice */

/* Checks the dynamic start indices: scalar integer tensors (and, for put_slice, not
 * vectorized). */
static int check_starts(const nx_starts *s, int allow_vectorized)
{
    for (int i = 0; i < s->n && i < NX_MAX_RANK; i++) {
        const nx_tensor *idx = s->t[i];
        if (!idx)
            continue;
        if (nxfront_check_tensor(idx) < 0)
            return -1;
        if (INNER(idx) != 0) {
            char b[512];
            return nxerr_set(NX_ARGUMENT_ERROR, "index must be scalar, got shape %s for axis %d",
                             nxshape_text(b, sizeof b, INNER(idx), IDIMS(idx)), i);
        }
        if (!nx_type_is_integer(idx->type))
            return nxerr_set(NX_ARGUMENT_ERROR, "index must be integer type, got %s for axis %d",
                             nx_type_tuple(idx->type), i);
        if (!allow_vectorized && idx->vrank > 0)
            return nxerr_set(NX_ARGUMENT_ERROR, "index for axis %d must be non-vectorized", i);
    }
    return 0;
}

static int64_t clamp(int64_t v, int64_t max)
{
    return v < 0 ? 0 : v > max ? max : v;
}

/* An element of an integer tensor as int64 (u64 beyond the range saturates). */
static int64_t index_value(const nx_tensor *t, int64_t i)
{
    nx_number n = nxelem_read(t->type, nxtensor_data(t), i);
    if (n.kind == NX_NUM_UINT)
        return n.u > INT64_MAX ? INT64_MAX : (int64_t)n.u;
    return n.i;
}

static nx_tensor *slice_vectorized(const nx_tensor *t, nx_starts starts, nx_ints lengths, nx_ints strides);

/* Whether the slice p of t is one contiguous run of t's elements (outer axes reduced to
 * one index, one partial axis of stride 1, whole axes after it): then it is a view at
 * *offset elements into t's data, not a copy. Sub-byte types and tensor starts copy. */
static int contiguous_offset(const nx_tensor *t, const nxop_params *p, int64_t *offset)
{
    if (nx_type_bits(t->type) < 8)
        return 0;
    int partial = 0;
    int64_t off = 0, step = 1;
    for (int a = t->rank - 1; a >= 0; a--) {
        int64_t out = (p->slice.length[a] - 1) / p->slice.stride[a] + 1;
        if (p->slice.dynamic[a] || (partial && out != 1))
            return 0;
        if (out != t->dims[a]) {
            if (out > 1 && p->slice.stride[a] != 1)
                return 0;
            partial = 1;
        }
        off += p->slice.start[a] * step;
        step *= t->dims[a];
    }
    *offset = off;
    return 1;
}

/* Whether a slice's parameters have unit strides and static starts on its first r axes. */
static bool plain_slice(const nxop_params *p, int r)
{
    for (int i = 0; i < r; i++)
        if (p->slice.stride[i] != 1 || p->slice.dynamic[i])
            return false;
    return true;
}

/* Nx's construction-time rewrite (spec/defn.md §4): a unit-stride slice of a unit-stride
 * slice, possibly through a squeeze, is one slice of the original tensor with the starts
 * summed, then the squeeze (how t[1][2] becomes one slice + one squeeze). *merged tells
 * whether the rewrite applied (the result is then NULL only with an error). */
static nx_tensor *merged_slice(const nx_tensor *t, const nxop_params *p, int r, bool *merged)
{
    const nxdefn_node *n = t->node;
    const squeeze_call *sq = NULL;
    if (!plain_slice(p, r))
        return NULL;
    if (is_squeeze(n)) {
        sq = n->opts;
        n = n->in[0];
    }
    if (n->kind != NXN_KERNEL || n->op != NX_OP_slice || n->kh || !n->params || n->in[0]->h.vrank != 0)
        return NULL;
    const nxdefn_node *x = n->in[0];
    if (!plain_slice(n->params, x->h.rank))
        return NULL;
    nx_starts starts = { .n = x->h.rank };
    nx_ints lengths = { .n = x->h.rank };
    for (int ax = 0, j = 0, k = 0; ax < x->h.rank; ax++) {
        starts.v[ax] = n->params->slice.start[ax];
        lengths.v[ax] = n->params->slice.length[ax];
        if (sq && k < sq->n && sq->axes[k] == ax) {
            k++;
            continue;
        }
        starts.v[ax] += p->slice.start[j];
        lengths.v[ax] = p->slice.length[j++];
    }
    *merged = true;
    nx_tensor *xt = nxdefn_tensor(&x->h, nxdefn_retain((nxdefn_node *)x));
    nx_tensor *s = xt ? nx_slice(xt, starts, lengths) : NULL;
    nx_release(xt);
    if (!s || !sq)
        return s;
    nx_axes axes = { .n = sq->n };
    for (int i = 0; i < sq->n; i++)
        axes.index[i] = sq->axes[i];
    nx_tensor *q = nx_squeeze(s, .axes = axes);
    nx_release(s);
    return q;
}

nx_tensor *nx_slice_(const nx_tensor *t, nx_starts starts, nx_ints lengths, nx_slice_opts o)
{
    if (nxfront_check_tensor(t) < 0 || check_starts(&starts, 1) < 0)
        return NULL;
    int r = INNER(t);
    nx_ints strides = o.strides;
    if (strides.n == 0) {
        strides.n = r;
        for (int i = 0; i < r; i++)
            strides.v[i] = 1;
    }
    if (strides.n != r)
        return nxerr_null(NX_ARGUMENT_ERROR, "invalid strides rank for shape of rank %d", r);
    if (starts.n != r)
        return nxerr_null(NX_ARGUMENT_ERROR, "invalid start indices rank for shape of rank %d", r);
    if (lengths.n != r)
        return nxerr_null(NX_ARGUMENT_ERROR, "invalid limit indices rank for shape of rank %d", r);
    int64_t dims[NX_MAX_RANK];
    int vectorized = 0;
    for (int i = 0; i < r; i++) {
        int64_t len = lengths.v[i], s = strides.v[i], d = IDIMS(t)[i];
        if (len < 1)
            return nxerr_null(NX_ARGUMENT_ERROR, "length at axis %d must be greater than or equal to 1, got: %lld", i,
                              (long long)len);
        if (s < 1)
            return nxerr_null(NX_ARGUMENT_ERROR, "stride at axis %d must be greater than or equal to 1, got: %lld", i,
                              (long long)s);
        if (len > d)
            return nxerr_null(NX_ARGUMENT_ERROR, "length at axis %d must be less than axis size of %lld, got: %lld", i,
                              (long long)d, (long long)len);
        dims[i] = (len - 1) / s + 1;
        vectorized |= starts.t[i] && starts.t[i]->vrank > 0;
    }
    if (vectorized)
        return slice_vectorized(t, starts, lengths, strides);
    int full = 1;
    nxop_params p = { 0 };
    const nx_tensor *in[1 + NX_MAX_RANK] = { t };
    int nin = 1;
    for (int v = 0; v < t->vrank; v++) {
        p.slice.length[v] = t->dims[v];
        p.slice.stride[v] = 1;
    }
    for (int i = 0; i < r; i++) {
        int a = t->vrank + i;
        p.slice.length[a] = lengths.v[i];
        p.slice.stride[a] = strides.v[i];
        if (starts.t[i]) {
            p.slice.dynamic[a] = nin;
            in[nin++] = starts.t[i];
        } else {
            p.slice.start[a] = clamp(starts.v[i], IDIMS(t)[i] - lengths.v[i]);
        }
        full &= !starts.t[i] && p.slice.start[a] == 0 && dims[i] == IDIMS(t)[i];
    }
    if (full)
        return same(t);
    int64_t offset;
    if (!t->node && contiguous_offset(t, &p, &offset)) {   /* traced: a slice node, not a view */
        nx_tensor *v = header(t, t->type, r, dims, INAMES(t));
        if (v) {
            nxtensor_share_data(v, t);
            v->offset += offset * (nx_type_bits(t->type) / 8);
        }
        return v;
    }
    bool merged = false;
    nx_tensor *m = t->node && t->vrank == 0 ? merged_slice(t, &p, r, &merged) : NULL;
    if (merged)
        return m;
    return nxop_run(NX_OP_slice, header(t, t->type, r, dims, INAMES(t)), in, &p);
}

/* Slice with vectorized start tensors: one clamped slice per entry of the vectorized axes
 * (those of the tensor and the indices, laid out together), joined and re-vectorized. */
static nx_tensor *slice_vectorized(const nx_tensor *t, nx_starts starts, nx_ints lengths, nx_ints strides)
{
    const nx_tensor *args[1 + NX_MAX_RANK] = { t };
    nx_tensor *laid[1 + NX_MAX_RANK];
    int which[NX_MAX_RANK], n = 1, r = INNER(t);
    for (int i = 0; i < r; i++) {
        which[i] = starts.t[i] ? n : -1;
        if (starts.t[i])
            args[n++] = starts.t[i];
    }
    const char *vnames[NX_MAX_RANK];
    int64_t vdims[NX_MAX_RANK];
    int nv = vectorize_together(n, args, laid, vnames, vdims);
    if (nv < 0)
        return NULL;
    nx_tensor *result = NULL, *joined = NULL, **pieces = NULL;
    int64_t count = nxshape_size(nv, vdims);
    int made = 0;
    nx_shape flat = { .rank = 1 + r };
    flat.dims[0] = count;
    memcpy(flat.dims + 1, IDIMS(t), (size_t)r * sizeof *flat.dims);
    nx_tensor *tf = nx_reshape(laid[0], flat);
    if (!tf || count > INT32_MAX)
        goto out;
    pieces = nx_alloc((size_t)count * sizeof *pieces);
    if (!pieces) {
        nxerr_oom((size_t)count * sizeof *pieces);
        goto out;
    }
    nx_ints len1 = { .n = 1 + r }, stride1 = { .n = 1 + r };
    len1.v[0] = stride1.v[0] = 1;
    memcpy(len1.v + 1, lengths.v, (size_t)r * sizeof *len1.v);
    memcpy(stride1.v + 1, strides.v, (size_t)r * sizeof *stride1.v);
    for (int64_t c = 0; c < count; c++) {
        nx_starts s = { .n = 1 + r };
        s.v[0] = c;
        for (int i = 0; i < r; i++)
            s.v[1 + i] = which[i] < 0 ? starts.v[i] : index_value(laid[which[i]], c);
        if (!(pieces[made] = nx_slice(tf, s, len1, .strides = stride1)))
            goto out;
        made++;
    }
    nx_tensor_list list = { made, (const nx_tensor *const *)pieces };
    joined = nx_concatenate(list);
    if (joined) {
        int64_t all[NX_MAX_RANK];
        const char *names[NX_MAX_RANK];
        if (with_leading(nv, vdims, vnames, r, IDIMS(joined) + 1, INAMES(t), all, names) == 0)
            result = nxfront_view(joined, t->type, nv + r, all, names, nv);
    }
out:
    nx_release(joined);
    release_all(made, pieces);
    nx_free(pieces);
    nx_release(tf);
    release_all(n, laid);
    return result;
}

nx_tensor *nx_slice_along_axis_(const nx_tensor *t, int64_t start, int64_t length, nx_slice_along_axis_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    if (o.start_tensor && nxfront_check_tensor(o.start_tensor) < 0)
        return NULL;
    int r = INNER(t), axis = norm_axis(t, o.axis);
    if (axis < 0)
        return NULL;
    int64_t stride = o.stride ? o.stride : 1;
    if (!o.start_tensor && start == 0 && stride == 1 && length == IDIMS(t)[axis])
        return same(t);
    nx_starts starts = { .n = r };
    nx_ints lengths = { .n = r }, strides = { .n = r };
    for (int i = 0; i < r; i++) {
        lengths.v[i] = i == axis ? length : IDIMS(t)[i];
        strides.v[i] = i == axis ? stride : 1;
    }
    starts.v[axis] = start;
    starts.t[axis] = o.start_tensor;
    return nx_slice(t, starts, lengths, .strides = strides);
}

int nx_split_(const nx_tensor *t, nx_number split, nx_tensor **left, nx_tensor **right, nx_split_opts o)
{
    *left = *right = NULL;
    if (nxfront_check_tensor(t) < 0)
        return -1;
    int axis = norm_axis(t, o.axis);
    if (axis < 0)
        return -1;
    int64_t n = IDIMS(t)[axis], k;
    if (split.kind == NX_NUM_INT || split.kind == NX_NUM_UINT) {
        int64_t s = split.kind == NX_NUM_UINT ? (split.u > INT64_MAX ? INT64_MAX : (int64_t)split.u) : split.i;
        if (s > 0 && s < n)
            k = s;
        else if (s < 0 && s > -n)
            k = n + s;
        else
            return nxerr_set(NX_ARGUMENT_ERROR,
                             "split must be an integer greater than zero and less than the length of the given axis");
    } else {
        double f = split.kind == NX_NUM_FLOAT ? split.f : NAN;
        double c = ceil(f * (double)n);
        if (!(f > 0 && c > 0 && c < (double)n))
            return nxerr_set(NX_ARGUMENT_ERROR,
                             "split must be a float such that 0 < split and ceil(split * axis_size) < 1");
        k = (int64_t)c;
    }
    *left = nx_slice_along_axis(t, 0, k, .axis = NX_AXIS(axis));
    *right = *left ? nx_slice_along_axis(t, k, n - k, .axis = NX_AXIS(axis)) : NULL;
    if (!*right) {
        nx_release(*left);
        *left = NULL;
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- put_slice */

nx_tensor *nx_put_slice(const nx_tensor *t, nx_starts starts, const nx_tensor *slice)
{
    const nx_tensor *args[2] = { t, slice };
    if (nxtensor_check_inputs(args, 2) < 0 || check_starts(&starts, 0) < 0)
        return NULL;
    nx_type type = slice->weak ? nx_type_merge_number(t->type, slice->weak_value) : nx_type_merge(t->type, slice->type);
    int r = INNER(t);
    if (starts.n != r)
        return nxerr_null(NX_ARGUMENT_ERROR, "invalid start indices rank for shape of rank %d", r);
    if (INNER(slice) != r)
        return nxerr_null(NX_ARGUMENT_ERROR, "invalid slice for put_slice, rank of slice must match %d, got: %d", r,
                          INNER(slice));
    const char *names[NX_MAX_RANK];
    for (int i = 0; i < r; i++) {
        if (IDIMS(slice)[i] > IDIMS(t)[i]) {
            char a[512], b[512];
            return nxerr_null(NX_ARGUMENT_ERROR, "slice shape %s must be less than or equal to tensor shape %s",
                              nxshape_text(a, sizeof a, r, IDIMS(slice)), nxshape_text(b, sizeof b, r, IDIMS(t)));
        }
        const char *n = INAMES(t)[i], *s = INAMES(slice)[i];
        if (n && s && n != s)
            return merge_name_error(n, i, s, i), NULL;
        names[i] = n ? n : s;
    }
    nx_tensor *laid[2];
    const char *vnames[NX_MAX_RANK];
    int64_t vdims[NX_MAX_RANK];
    int nv = vectorize_together(2, args, laid, vnames, vdims);
    if (nv < 0)
        return NULL;
    nxop_params p = { 0 };
    const nx_tensor *in[2 + NX_MAX_RANK] = { laid[0], laid[1] };
    int nin = 2;
    for (int i = 0; i < r; i++) {
        if (starts.t[i]) {
            p.slice.dynamic[nv + i] = nin;
            in[nin++] = starts.t[i];
        } else {
            p.slice.start[nv + i] = clamp(starts.v[i], IDIMS(t)[i] - IDIMS(slice)[i]);
        }
    }
    nx_tensor *out = nxop_run(NX_OP_put_slice, header_v(type, nv, vdims, vnames, r, IDIMS(t), names), in, &p);
    release_all(2, laid);
    return out;
}
