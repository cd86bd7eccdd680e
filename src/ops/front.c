/* src/ops/front.c: argument checks and views shared by the front-end files. */
#include "ops/front.h"

#include <stdio.h>
#include <string.h>


nx_type nxfront_compute_type(nx_type t)
{
    switch (t) {
    case NX_U2: case NX_U4: return NX_U8;
    case NX_S2: case NX_S4: return NX_S8;
    case NX_F8: case NX_F8_E4M3FN: case NX_BF16: case NX_F16: return NX_F32;
    default: return t;
    }
}

const char *nxfront_list_text(char *buf, size_t cap, int n, const int64_t *v)
{
    size_t len = (size_t)snprintf(buf, cap, "[");
    for (int i = 0; i < n && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%lld", i ? ", " : "", (long long)v[i]);
    if (len < cap)
        snprintf(buf + len, cap - len, "]");
    return buf;
}

int nxfront_check_type(nx_type t)
{
    if (t > NX_TYPE_NONE && t < NX_TYPE_COUNT)
        return 0;
    return nxerr_set(NX_ARGUMENT_ERROR, "invalid numerical type: %d (see Nx.Type docs for all supported types)", (int)t);
}

int nxfront_check_tensor(const nx_tensor *t)
{
    return nxtensor_check_inputs(&t, 1);
}

nx_tensor *nxfront_view(const nx_tensor *t, nx_type type, int rank, const int64_t *dims,
                        const char *const *names, int vrank)
{
    nx_tensor *out = nxtensor_new(type, rank, dims, names);
    if (!out)
        return NULL;
    out->vrank = vrank;
    nxtensor_share_data(out, t);
    return out;
}

/* The vectorized axes of n operands in order of first appearance (shapes-and-names §4.3);
 * sizes must agree or be 1. Returns their count or -1. */
int nxfront_vectorized_union(const nx_tensor *const *ts, int n, int64_t *dims, const char **names)
{
    int nv = 0;
    for (int k = 0; k < n; k++)
        for (int i = 0; i < ts[k]->vrank; i++) {
            const char *name = ts[k]->names[i];
            int64_t size = ts[k]->dims[i];
            int j = 0;
            while (j < nv && names[j] != name)
                j++;
            if (j == nv) {
                names[nv] = name;
                dims[nv++] = size;
            } else if (dims[j] != size && size != 1 && dims[j] != 1) {
                return nxerr_set(NX_ARGUMENT_ERROR,
                                 "expected vectorized axis :%s to have the same size in both tensors or to one of them to have size 1, got %lld and %lld",
                                 name, (long long)size, (long long)dims[j]);
            } else if (dims[j] == 1) {
                dims[j] = size;
            }
        }
    return nv;
}

/* A view of t laid out for a kernel: the nv canonical vectorized axes vnames (size 1
 * where t lacks one) ++ t's inner axes left-padded with 1s to `inner` axes (inner < 0:
 * t's own inner rank), with vrank nv and no names. When t's vectorized axes come in
 * another order than vnames, its data is first transposed into that order. */
nx_tensor *nxfront_aligned(const nx_tensor *t, int nv, const char *const *vnames, int inner)
{
    int ri = t->rank - t->vrank, perm[NX_MAX_RANK], np = 0;
    if (inner < 0)
        inner = ri;
    if (nv + inner > NX_MAX_RANK)
        return nxerr_null(NX_ARGUMENT_ERROR, "rank %d is not supported (nxc allows at most %d axes)", nv + inner, NX_MAX_RANK);
    int64_t dims[NX_MAX_RANK];
    for (int j = 0; j < nv; j++) {
        dims[j] = 1;
        for (int i = 0; i < t->vrank; i++)
            if (t->names[i] == vnames[j]) {
                dims[j] = t->dims[i];
                perm[np++] = i;
            }
    }
    for (int i = 0; i < inner; i++)
        dims[nv + i] = i < inner - ri ? 1 : t->dims[t->vrank + i - (inner - ri)];
    int in_order = 1;
    for (int i = 0; i < np; i++)
        in_order &= perm[i] == i;
    if (in_order)
        return nxfront_view(t, t->type, nv + inner, dims, NULL, nv);

    nxop_params p = { 0 };
    int64_t moved_dims[NX_MAX_RANK];
    for (int i = 0; i < ri; i++)
        perm[np++] = t->vrank + i;
    for (int i = 0; i < t->rank; i++) {
        p.axes[i] = perm[i];
        moved_dims[i] = t->dims[perm[i]];
    }
    nx_tensor *moved = nxop_run(NX_OP_transpose, nxtensor_new(t->type, t->rank, moved_dims, NULL), &t, &p);
    nx_tensor *view = moved ? nxfront_view(moved, t->type, nv + inner, dims, NULL, nv) : NULL;
    nx_release(moved);
    return view;
}

nx_tensor *nxfront_batched(const nx_tensor *t, nx_type type, int nv, const int64_t *vdims, const char *const *vnames)
{
    nx_tensor *c = nx_as_type(t, type);
    nx_tensor *v = c ? nxfront_aligned(c, nv, vnames, -1) : NULL;
    nx_release(c);
    if (!v)
        return NULL;
    int need = 0;
    for (int i = 0; i < nv; i++)
        need |= v->dims[i] != vdims[i];
    v->vrank = 0;
    if (!need)
        return v;
    nx_shape full = { .rank = v->rank };
    memcpy(full.dims, vdims, (size_t)nv * sizeof *vdims);
    memcpy(full.dims + nv, v->dims + nv, (size_t)(v->rank - nv) * sizeof *vdims);
    nx_tensor *b = nx_broadcast(v, full);
    nx_release(v);
    return b;
}

int nxfront_padding(nx_window_padding mode, const nx_pad_pairs *pads, int n, const int64_t *k, int64_t *low,
                    int64_t *high)
{
    if (mode == NX_PADDING_EXPLICIT || (mode == NX_PADDING_VALID && pads->n > 0)) {
        if (pads->n != n)
            return nxerr_set(NX_ARGUMENT_ERROR,
                             "invalid padding configuration, rank of padding configuration and shape must match");
        for (int i = 0; i < n; i++) {
            low[i] = pads->v[i].low;
            high[i] = pads->v[i].high;
        }
        return 0;
    }
    if (mode != NX_PADDING_VALID && mode != NX_PADDING_SAME)
        return nxerr_set(NX_ARGUMENT_ERROR,
                         "invalid padding mode specified, padding must be one of :valid, :same, or a padding configuration, got: %d",
                         (int)mode);
    for (int i = 0; i < n; i++) {
        int64_t total = mode == NX_PADDING_SAME && k[i] > 1 ? k[i] - 1 : 0;
        low[i] = total / 2;
        high[i] = total - total / 2;
    }
    return 0;
}
