/* src/ops/layout.c: what the layout front ends (layout_axes.c, layout_grow.c,
 * layout_slice.c) share: output headers and views that keep the vectorized axes, axis
 * checks, Nx's name-merge error, and laying out several inputs' vectorized axes alike. */
#include <string.h>
#include "core/shape.h"
#include "ops/layout_internal.h"

/* ---------------------------------------------------------------- helpers */

int nxlayout_rank_error(int rank)
{
    return nxerr_set(NX_ARGUMENT_ERROR, "rank %d is not supported (nxc allows at most %d axes)", rank, NX_MAX_RANK);
}

/* Full dims and names: nv leading axes (vdims, vnames) then the inner ones. */
int nxlayout_with_leading(int nv, const int64_t *vdims, const char *const *vnames, int rank, const int64_t *dims,
                          const char *const *names, int64_t *all, const char **all_names)
{
    if (nv + rank > NX_MAX_RANK)
        return nxlayout_rank_error(nv + rank);
    memcpy(all, vdims, (size_t)nv * sizeof *all);
    memcpy(all + nv, dims, (size_t)rank * sizeof *all);
    memcpy(all_names, vnames, (size_t)nv * sizeof *all_names);
    for (int i = 0; i < rank; i++)
        all_names[nv + i] = names ? names[i] : NULL;
    return 0;
}

/* An output header (no data) with nv leading vectorized axes and the given inner axes. */
nx_tensor *nxlayout_header_v(nx_type type, int nv, const int64_t *vdims, const char *const *vnames, int rank,
                             const int64_t *dims, const char *const *names)
{
    int64_t all[NX_MAX_RANK];
    const char *all_names[NX_MAX_RANK];
    if (nxlayout_with_leading(nv, vdims, vnames, rank, dims, names, all, all_names) < 0)
        return NULL;
    nx_tensor *out = nxtensor_new(type, nv + rank, all, all_names);
    if (out)
        out->vrank = nv;
    return out;
}

/* An output header with t's vectorized axes. */
nx_tensor *nxlayout_header(const nx_tensor *t, nx_type type, int rank, const int64_t *dims,
                           const char *const *names)
{
    return nxlayout_header_v(type, t->vrank, t->dims, t->names, rank, dims, names);
}

/* A view of t's data with t's vectorized axes and new inner axes. */
nx_tensor *nxlayout_view(const nx_tensor *t, int rank, const int64_t *dims, const char *const *names)
{
    int64_t all[NX_MAX_RANK];
    const char *all_names[NX_MAX_RANK];
    if (nxlayout_with_leading(t->vrank, t->dims, t->names, rank, dims, names, all, all_names) < 0)
        return NULL;
    return nxfront_view(t, t->type, t->vrank + rank, all, all_names, t->vrank);
}

nx_tensor *nxlayout_same(const nx_tensor *t)
{
    return nxfront_view(t, t->type, t->rank, t->dims, t->names, t->vrank);
}

int nxlayout_norm_axis(const nx_tensor *t, nx_axis axis)
{
    if (!axis.set)
        axis = NX_AXIS(0);
    return nxshape_axis(axis, INNER(t), INAMES(t), INNER(t));
}

int nxlayout_merge_name_error(const char *left, int laxis, const char *right, int raxis)
{
    return nxerr_set(NX_ARGUMENT_ERROR, "cannot merge name :%s on axis %d with name :%s on axis %d", left, laxis,
                     right, raxis);
}

void nxlayout_release_all(int n, nx_tensor **ts)
{
    for (int i = 0; i < n; i++)
        nx_release(ts[i]);
}

/* ---------------------------------------------------------------- vectorized inputs */

/* Lays out several inputs alike (Nx's broadcast_vectors): the vectorized axes of all of
 * them, in order of first appearance, lead every input at their full sizes. Writes those
 * axes (count returned) and, per input, a devectorized tensor in out[] that the caller
 * releases. -1 with an error (out[] then holds nothing to release). */
int nxlayout_vectorize_together(int n, const nx_tensor *const *in, nx_tensor **out, const char **vnames,
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
                    return nxlayout_rank_error(nv + 1);
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
            nxlayout_release_all(k, out);
            return nxlayout_rank_error(nv + r);
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
            nxlayout_release_all(k, out);
            return -1;
        }
        out[k] = d;
    }
    return nv;
}
