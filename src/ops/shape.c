/* src/ops/shape.c: front end of the ops that change shape or names but not values:
 * reshape, broadcast, rename, vectorize, devectorize (spec/shapes-and-names.md). */
#include <stdio.h>
#include <string.h>
#include "core/shape.h"
#include "core/text.h"
#include "ops/front.h"

/* Renders a reshape target, writing NX_AUTO as :auto. */
static void target_text(char *buf, size_t cap, const nx_shape *s)
{
    size_t len = (size_t)snprintf(buf, cap, "{");
    for (int i = 0; i < s->rank && len < cap; i++) {
        const char *sep = i ? ", " : "";
        if (s->dims[i] == NX_AUTO)
            len += (size_t)snprintf(buf + len, cap - len, "%s:auto", sep);
        else
            len += (size_t)snprintf(buf + len, cap - len, "%s%lld", sep, (long long)s->dims[i]);
    }
    if (len < cap)
        snprintf(buf + len, cap - len, "}");
}

/* Resolves an :auto entry and checks that the element counts agree. */
static int resolve_reshape(const nx_tensor *t, nx_shape *s)
{
    int inner = t->rank - t->vrank;
    const int64_t *old = t->dims + t->vrank;
    int64_t size = nxshape_size(inner, old);
    char a[512], b[512];
    int autos = 0, at = -1;
    if (s->rank < 0 || s->rank > NX_MAX_RANK)
        return nxshape_check(s, "shape") < 0 ? -1 : 0;
    for (int i = 0; i < s->rank; i++)
        if (s->dims[i] == NX_AUTO) {
            autos++;
            at = i;
        }
    if (autos > 1) {
        target_text(a, sizeof a, s);
        return nxerr_set(NX_ARGUMENT_ERROR, "only a single :auto dimension is allowed in reshape, got: %s", a);
    }
    if (at >= 0) {
        nx_shape rest = *s;
        memmove(rest.dims + at, rest.dims + at + 1, (size_t)(rest.rank - at - 1) * sizeof *rest.dims);
        rest.rank--;
        int64_t known = nxshape_check(&rest, "shape");
        if (known < 0)
            return -1;
        /* Nx infers size div known and then compares sizes; an inferred 0 is dropped from
         * the message. */
        if (size / known == 0)
            return nxerr_set(NX_ARGUMENT_ERROR, "cannot reshape, current shape %s is not compatible with new shape %s",
                             nxshape_text(a, sizeof a, inner, old), nxshape_text(b, sizeof b, rest.rank, rest.dims));
        s->dims[at] = size / known;
    }
    int64_t n = nxshape_check(s, "shape");
    if (n < 0)
        return -1;
    if (n != size)
        return nxerr_set(NX_ARGUMENT_ERROR, "cannot reshape, current shape %s is not compatible with new shape %s",
                         nxshape_text(a, sizeof a, inner, old), nxshape_text(b, sizeof b, s->rank, s->dims));
    return 0;
}

/* A view of t whose inner axes are (rank, dims, names); vectorized axes are kept. */
static nx_tensor *inner_view(const nx_tensor *t, int rank, const int64_t *dims, const char *const *names)
{
    int64_t all[NX_MAX_RANK];
    const char *all_names[NX_MAX_RANK];
    if (t->vrank + rank > NX_MAX_RANK)
        return nxerr_null(NX_ARGUMENT_ERROR, "rank %d is not supported (nxc allows at most %d axes)",
                          t->vrank + rank, NX_MAX_RANK);
    memcpy(all, t->dims, (size_t)t->vrank * sizeof *all);
    memcpy(all + t->vrank, dims, (size_t)rank * sizeof *all);
    memcpy(all_names, t->names, (size_t)t->vrank * sizeof *all_names);
    memcpy(all_names + t->vrank, names, (size_t)rank * sizeof *all_names);
    return nxfront_view(t, t->type, t->vrank + rank, all, all_names, t->vrank);
}

nx_tensor *nx_reshape_(const nx_tensor *t, nx_shape shape, nx_reshape_opts o)
{
    const char *names[NX_MAX_RANK];
    if (!t)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected a tensor, got: NULL");
    if (resolve_reshape(t, &shape) < 0 || nxshape_names(o.names, shape.rank, names) < 0)
        return NULL;
    return inner_view(t, shape.rank, shape.dims, names);
}

nx_tensor *nx_rename(const nx_tensor *t, nx_names names)
{
    const char *n[NX_MAX_RANK];
    if (!t)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected a tensor, got: NULL");
    int inner = t->rank - t->vrank;
    if (nxshape_names(names, inner, n) < 0)
        return NULL;
    for (int i = 0; i < inner; i++)
        for (int v = 0; v < t->vrank; v++)
            if (n[i] && n[i] == t->names[v])
                return nxerr_null(NX_ARGUMENT_ERROR, "name :%s is already a name for a vectorized axis", n[i]);
    return inner_view(t, inner, t->dims + t->vrank, n);
}

/* Checks :axes for broadcast and writes the output axis of each input axis. */
static int broadcast_axes(const nx_tensor *t, const nx_shape *to, const nx_axes *given, int *axes)
{
    int rank = t->rank - t->vrank;
    const int64_t *dims = t->dims + t->vrank;
    char a[512], b[512];
    if (given->n == 0) {
        if (rank > to->rank)
            return nxerr_set(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions %s to %s",
                             nxshape_text(a, sizeof a, rank, dims), nxshape_text(b, sizeof b, to->rank, to->dims));
        for (int k = 0; k < rank; k++)
            axes[k] = to->rank - rank + k;
    } else {
        if (given->n != rank)
            return nxerr_set(NX_ARGUMENT_ERROR, "expected length of axes (%d) to match rank of shape (%d)",
                             given->n, rank);
        /* Nx normalises :axes against the target rank but looks names up among the
         * tensor's own names. */
        if (nxshape_axes(given, to->rank, t->names + t->vrank, rank, axes) < 0)
            return -1;
        for (int k = 1; k < rank; k++)
            if (axes[k] < axes[k - 1])
                return nxerr_set(NX_ARGUMENT_ERROR, "broadcast axes must be ordered, got %d after %d",
                                 axes[k], axes[k - 1]);
    }
    for (int k = 0; k < rank; k++) {
        if (dims[k] == 1 || dims[k] == to->dims[axes[k]])
            continue;
        nxshape_text(a, sizeof a, rank, dims);
        nxshape_text(b, sizeof b, to->rank, to->dims);
        if (given->n == 0)
            return nxerr_set(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions %s to %s", a, b);
        nxtext list = { 0 };
        nxtext_putc(&list, '[');
        for (int i = 0; i < rank; i++)
            nxtext_printf(&list, i ? ", %d" : "%d", axes[i]);
        nxtext_putc(&list, ']');
        nxerr_set(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions %s to %s with axes %s", a, b,
                  list.s ? list.s : "[]");
        nxtext_free(&list);
        return -1;
    }
    return 0;
}

nx_tensor *nx_broadcast_(const nx_tensor *t, nx_shape shape, nx_broadcast_opts o)
{
    const char *names[NX_MAX_RANK];
    nxop_params p = { 0 };
    if (nxfront_check_tensor(t) < 0 || nxshape_check(&shape, "shape") < 0 ||
        nxshape_names(o.names, shape.rank, names) < 0 ||
        broadcast_axes(t, &shape, &o.axes, p.axes + t->vrank) < 0)
        return NULL;
    int inner = t->rank - t->vrank;
    if (o.axes.n == 0 && inner == shape.rank &&
        memcmp(shape.dims, t->dims + t->vrank, (size_t)inner * sizeof *shape.dims) == 0)
        return inner_view(t, shape.rank, shape.dims, names);   /* only the names change */
    if (t->vrank + shape.rank > NX_MAX_RANK)
        return nxerr_null(NX_ARGUMENT_ERROR, "rank %d is not supported (nxc allows at most %d axes)",
                          t->vrank + shape.rank, NX_MAX_RANK);
    int64_t dims[NX_MAX_RANK];
    const char *all_names[NX_MAX_RANK];
    memcpy(dims, t->dims, (size_t)t->vrank * sizeof *dims);
    memcpy(dims + t->vrank, shape.dims, (size_t)shape.rank * sizeof *dims);
    memcpy(all_names, t->names, (size_t)t->vrank * sizeof *all_names);
    memcpy(all_names + t->vrank, names, (size_t)shape.rank * sizeof *all_names);
    for (int v = 0; v < t->vrank; v++)
        p.axes[v] = v;
    for (int k = 0; k < inner; k++)
        p.axes[t->vrank + k] += t->vrank;
    nx_tensor *out = nxtensor_new(t->type, t->vrank + shape.rank, dims, all_names);
    if (out)
        out->vrank = t->vrank;
    return nxop_run(NX_OP_broadcast, out, &t, &p);
}

nx_tensor *nx_vectorize(const nx_tensor *t, const char *name)
{
    if (!t)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected a tensor, got: NULL");
    if (t->rank == t->vrank)
        return nxerr_null(NX_ARGUMENT_ERROR, "cannot vectorize tensor of rank 0");
    if (!name)
        return nxerr_null(NX_ARGUMENT_ERROR, "vectorized axis name cannot be nil");
    const char *atom = nx_atom(name);
    if (!atom)
        return NULL;
    for (int i = 0; i < t->vrank; i++)
        if (t->names[i] == atom)
            return nxerr_null(NX_ARGUMENT_ERROR, "cannot use name :%s for new vectorized axes because there's already a vectorized axis with the same name", name);
    for (int i = t->vrank + 1; i < t->rank; i++)
        if (t->names[i] == atom)
            return nxerr_null(NX_ARGUMENT_ERROR, "cannot use name :%s for new vectorized axes because there's already an axis with the same name", name);
    const char *names[NX_MAX_RANK];
    memcpy(names, t->names, (size_t)t->rank * sizeof *names);
    names[t->vrank] = atom;
    return nxfront_view(t, t->type, t->rank, t->dims, names, t->vrank + 1);
}

nx_tensor *nx_devectorize(const nx_tensor *t, bool keep_names)
{
    if (!t)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected a tensor, got: NULL");
    const char *names[NX_MAX_RANK];
    memcpy(names, t->names, (size_t)t->rank * sizeof *names);
    if (!keep_names)
        memset(names, 0, (size_t)t->vrank * sizeof *names);
    return nxfront_view(t, t->type, t->rank, t->dims, names, 0);
}
