/* src/ops/layout_slice.c: front end of slicing: slice (static, dynamic and vectorized
 * starts), slice_along_axis, split and put_slice (spec/functions.md §15). A contiguous
 * slice is a view; traced slices of slices merge as Nx merges them (spec/defn.md §4). */
#include <math.h>
#include <string.h>
#include "core/elem.h"
#include "core/shape.h"
#include "defn/node.h"
#include "ops/layout_internal.h"

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
    const nxlayout_squeeze *sq = NULL;
    if (!plain_slice(p, r))
        return NULL;
    if (nxlayout_is_squeeze(n)) {
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
        return nxlayout_same(t);
    int64_t offset;
    if (!t->node && contiguous_offset(t, &p, &offset)) {   /* traced: a slice node, not a view */
        nx_tensor *v = nxlayout_header(t, t->type, r, dims, INAMES(t));
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
    return nxop_run(NX_OP_slice, nxlayout_header(t, t->type, r, dims, INAMES(t)), in, &p);
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
    int nv = nxlayout_vectorize_together(n, args, laid, vnames, vdims);
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
        if (nxlayout_with_leading(nv, vdims, vnames, r, IDIMS(joined) + 1, INAMES(t), all, names) == 0)
            result = nxfront_view(joined, t->type, nv + r, all, names, nv);
    }
out:
    nx_release(joined);
    nxlayout_release_all(made, pieces);
    nx_free(pieces);
    nx_release(tf);
    nxlayout_release_all(n, laid);
    return result;
}

nx_tensor *nx_slice_along_axis_(const nx_tensor *t, int64_t start, int64_t length, nx_slice_along_axis_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    if (o.start_tensor && nxfront_check_tensor(o.start_tensor) < 0)
        return NULL;
    int r = INNER(t), axis = nxlayout_norm_axis(t, o.axis);
    if (axis < 0)
        return NULL;
    int64_t stride = o.stride ? o.stride : 1;
    if (!o.start_tensor && start == 0 && stride == 1 && length == IDIMS(t)[axis])
        return nxlayout_same(t);
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
    int axis = nxlayout_norm_axis(t, o.axis);
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
            return nxlayout_merge_name_error(n, i, s, i), NULL;
        names[i] = n ? n : s;
    }
    nx_tensor *laid[2];
    const char *vnames[NX_MAX_RANK];
    int64_t vdims[NX_MAX_RANK];
    int nv = nxlayout_vectorize_together(2, args, laid, vnames, vdims);
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
    nx_tensor *out = nxop_run(NX_OP_put_slice, nxlayout_header_v(type, nv, vdims, vnames, r, IDIMS(t), names), in, &p);
    nxlayout_release_all(2, laid);
    return out;
}
