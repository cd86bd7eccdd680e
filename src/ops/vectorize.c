/* src/ops/vectorize.c: reshape_vectors, broadcast_vectors and revectorize (spec/functions.md
 * §19), composed from views, broadcast, reshape and (de)vectorize. */
#include <string.h>
#include "core/shape.h"
#include "ops/front.h"

/* t with the vectorized axes vnames[0..nv) (sizes vdims when `broadcast`, else its own or
 * 1) and its inner shape left-padded to `inner` axes; inner names kept. */
static nx_tensor *laid_out(const nx_tensor *t, int nv, const int64_t *vdims, const char *const *vnames, int inner,
                           bool broadcast)
{
    nx_tensor *v = nxfront_aligned(t, nv, vnames, inner);
    if (!v)
        return NULL;
    int ri = t->rank - t->vrank;
    if (inner < 0)
        inner = ri;
    const char *names[NX_MAX_RANK] = { 0 };
    for (int i = 0; i < nv; i++)
        names[i] = vnames[i];
    for (int i = 0; i < ri; i++)
        names[nv + inner - ri + i] = t->names[t->vrank + i];
    nx_tensor *named = nxfront_view(v, v->type, v->rank, v->dims, names, nv);
    nx_release(v);
    if (!named || !broadcast)
        return named;
    int same = 1;
    for (int i = 0; i < nv; i++)
        same &= named->dims[i] == vdims[i];
    if (same)
        return named;
    /* Broadcast the devectorized data, then put names and vectorized axes back. */
    nx_tensor *plain = nxfront_view(named, named->type, named->rank, named->dims, NULL, 0);
    nx_shape full = { .rank = named->rank };
    memcpy(full.dims, vdims, (size_t)nv * sizeof *vdims);
    memcpy(full.dims + nv, named->dims + nv, (size_t)(named->rank - nv) * sizeof *vdims);
    nx_tensor *b = plain ? nx_broadcast(plain, full) : NULL;
    nx_tensor *r = b ? nxfront_view(b, b->type, b->rank, b->dims, names, nv) : NULL;
    nx_release(b);
    nx_release(plain);
    nx_release(named);
    return r;
}

static int vectors(const nx_tensor *const *in, int n, nx_tensor **out, bool align, bool broadcast)
{
    if (n < 0)
        return nxerr_set(NX_ARGUMENT_ERROR, "expected a list of tensors, got %d", n);
    if (nxtensor_check_inputs(in, n) < 0)
        return -1;
    int64_t vdims[NX_MAX_RANK];
    const char *vnames[NX_MAX_RANK] = { 0 };
    int nv = nxfront_vectorized_union(in, n, vdims, vnames), inner = 0;
    if (nv < 0)
        return -1;
    for (int k = 0; k < n; k++)
        if (in[k]->rank - in[k]->vrank > inner)
            inner = in[k]->rank - in[k]->vrank;
    for (int k = 0; k < n; k++) {
        const nx_tensor *t = in[k];
        if (n == 1 || nv == 0)
            out[k] = nxfront_view(t, t->type, t->rank, t->dims, t->names, t->vrank);
        else
            out[k] = laid_out(t, nv, vdims, vnames, align ? inner : -1, broadcast);
        if (!out[k]) {
            while (k-- > 0)
                nx_release(out[k]);
            return -1;
        }
    }
    return 0;
}

int nx_reshape_vectors_(const nx_tensor *const *in, int n, nx_tensor **out, nx_vectors_opts o)
{
    return vectors(in, n, out, o.align_ranks, false);
}

int nx_broadcast_vectors_(const nx_tensor *const *in, int n, nx_tensor **out, nx_vectors_opts o)
{
    return vectors(in, n, out, o.align_ranks, true);
}

nx_tensor *nx_revectorize_(const nx_tensor *t, int n, const char *const *names, const int64_t *sizes,
                           nx_revectorize_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    nx_shape inner = o.has_target_shape ? o.target_shape : nx_shape_of(t);
    if (n < 0 || n + inner.rank > NX_MAX_RANK)
        return nxerr_null(NX_ARGUMENT_ERROR, "rank %d is not supported (nxc allows at most %d axes)", n + inner.rank,
                          NX_MAX_RANK);
    nx_shape shape = { .rank = n + inner.rank };
    int autos = 0;
    for (int i = 0; i < n; i++)
        autos += (shape.dims[i] = sizes[i]) == NX_AUTO;
    for (int i = 0; i < inner.rank; i++)
        autos += (shape.dims[n + i] = inner.dims[i]) == NX_AUTO;
    if (autos > 1)
        return nxerr_null(NX_ARGUMENT_ERROR,
                          "cannot have more than one `:auto` occurrence between target_axes and the :target_shape option");
    nx_names all = { .n = shape.rank };
    nx_names inner_names = o.target_names.n ? o.target_names : nx_names_of(t);
    if (o.target_names.n && o.target_names.n != inner.rank)
        return nxerr_null(NX_ARGUMENT_ERROR, "invalid names for tensor of rank %d, when specifying names every dimension "
                                             "must have a name or be nil", inner.rank);
    for (int i = 0; i < inner.rank; i++)
        all.v[n + i] = o.has_target_shape && !o.target_names.n ? NULL : inner_names.v[i];
    nx_scope_begin();
    nx_tensor *r = nx_reshape(nx_devectorize(t, false), shape, .names = all);
    for (int i = 0; i < n && r; i++)
        r = nx_vectorize(r, names[i]);
    return nx_scope_end_keep(r);
}
