/* src/core/tensor.c: tensor headers, their buffers, and the shape queries of the public
 * API (Nx.shape, Nx.rank, Nx.size, ...). */
#include "core/tensor.h"
#include "nx/scope.h"

#include <string.h>
#include "core/alloc.h"
#include "core/elem.h"
#include "core/error.h"
#include "core/shape.h"
#include "defn/node.h"

int64_t nxtensor_check_shape(nx_type type, int rank, const int64_t *dims)
{
    if (type <= NX_TYPE_NONE || type >= NX_TYPE_COUNT)
        return nxerr_set(NX_ARGUMENT_ERROR, "invalid numerical type: %d (see Nx.Type docs for all supported types)", (int)type);
    if (rank < 0 || rank > NX_MAX_RANK)
        return nxerr_set(NX_ARGUMENT_ERROR, "rank %d is not supported (nxc allows at most %d axes)", rank, NX_MAX_RANK);
    int64_t size = nxshape_size(rank, dims);
    if (size < 0 || nxelem_bytes(type, size) < 0) {
        nx_shape s = { .rank = rank };
        memcpy(s.dims, dims, (size_t)rank * sizeof *dims);
        if (nxshape_check(&s, "shape") >= 0)
            nxerr_set(NX_ARGUMENT_ERROR, "a tensor of %lld elements of %s does not fit in memory",
                      (long long)size, nx_type_name(type));
        return -1;
    }
    return size;
}

nx_tensor *nxtensor_new(nx_type type, int rank, const int64_t *dims, const char *const *names)
{
    int64_t size = nxtensor_check_shape(type, rank, dims);
    if (size < 0)
        return NULL;
    nx_tensor *t = nxalloc_header(sizeof *t);
    if (!t)
        return nxerr_oom(sizeof *t);
    t->type = type;
    t->rank = rank;
    if (rank > 0)
        memcpy(t->dims, dims, (size_t)rank * sizeof *dims);
    if (names && rank > 0)
        memcpy(t->names, names, (size_t)rank * sizeof *names);
    t->size = size;
    atomic_init(&t->refs, 1);
    nxscope_adopt(t);
    return t;
}

nx_tensor *nxtensor_like(const nx_tensor *t, nx_type type)
{
    nx_tensor *out = nxtensor_new(type, t->rank, t->dims, t->names);
    if (out)
        out->vrank = t->vrank;
    return out;
}

/* Kernels write every element of their output, so the buffer is not zero-filled (fresh
 * pages are faulted in by the kernel that fills them, on all its threads). Only the last
 * byte of a sub-byte type is cleared: its padding bits are not elements, and to_binary
 * shows them. */
int nxtensor_alloc_data(nx_tensor *t)
{
    int64_t bytes = nxelem_bytes(t->type, t->size);
    nxbuf *b = nxalloc_buffer(sizeof *b + (size_t)bytes);
    if (!b)
        return nxerr_oom(sizeof *b + (size_t)bytes), -1;
    atomic_init(&b->refs, 1);
    b->bytes = bytes;
    if (bytes > 0 && nx_type_bits(t->type) < 8)
        b->data[bytes - 1] = 0;
    t->buf = b;
    return 0;
}

void nxtensor_share_data(nx_tensor *t, const nx_tensor *src)
{
    if (src->node) {
        nxdefn_view(t, src);
        return;
    }
    t->backend = src->backend;
    t->buf = src->buf;
    t->offset = src->offset;
    if (t->buf)
        atomic_fetch_add(&t->buf->refs, 1);
}

void nxtensor_destroy(nx_tensor *t)
{
    if (t->node)
        nxdefn_release(t->node);
    if (t->buf && atomic_fetch_sub(&t->buf->refs, 1) == 1)
        nxalloc_buffer_free(t->buf, sizeof *t->buf + (size_t)t->buf->bytes);
    nxalloc_header_free(t, sizeof *t);
}

int nxtensor_check_inputs(const nx_tensor *const *in, int n)
{
    for (int i = 0; i < n; i++) {
        if (!in[i]) {
            if (!nxerr_pending())
                nxerr_set(NX_ARGUMENT_ERROR, "expected a tensor, got: NULL");
            return -1;
        }
        if (!in[i]->backend)
            return nxerr_set(NX_RUNTIME_ERROR, "cannot perform operations on a Nx.TemplateBackend tensor");
        if (in[i]->node && !nxdefn_tracing)
            return nxerr_set(NX_RUNTIME_ERROR, "cannot perform operations on a traced tensor (Nx.Defn.Expr) outside of its trace");
    }
    return 0;
}

/* ---- queries: the inner (non-vectorized) shape ---- */

static int null_input(const nx_tensor *t)
{
    if (t)
        return 0;
    if (!nxerr_pending())
        nxerr_set(NX_ARGUMENT_ERROR, "expected a tensor, got: NULL");
    return 1;
}

nx_shape nx_shape_of(const nx_tensor *t)
{
    nx_shape s = { 0 };
    if (null_input(t))
        return s;
    s.rank = t->rank - t->vrank;
    memcpy(s.dims, t->dims + t->vrank, (size_t)s.rank * sizeof *s.dims);
    return s;
}

nx_type nx_type_of(const nx_tensor *t)
{
    return null_input(t) ? NX_TYPE_NONE : t->type;
}

nx_names nx_names_of(const nx_tensor *t)
{
    nx_names n = { 0 };
    if (null_input(t))
        return n;
    n.n = t->rank - t->vrank;
    memcpy(n.v, t->names + t->vrank, (size_t)n.n * sizeof *n.v);
    return n;
}

int nx_rank(const nx_tensor *t)
{
    return null_input(t) ? -1 : t->rank - t->vrank;
}

int64_t nx_size(const nx_tensor *t)
{
    return null_input(t) ? -1 : nxshape_size(t->rank - t->vrank, t->dims + t->vrank);
}

int64_t nx_flat_size(const nx_tensor *t)
{
    return null_input(t) ? -1 : t->size;
}

int64_t nx_bit_size(const nx_tensor *t)
{
    return null_input(t) ? -1 : t->size * nx_type_bits(t->type);
}

int64_t nx_byte_size(const nx_tensor *t)
{
    return null_input(t) ? -1 : t->size * nx_type_bits(t->type) / 8;
}

int nx_axis_index(const nx_tensor *t, nx_axis axis)
{
    if (null_input(t))
        return -1;
    int a = nxshape_axis(axis, t->rank - t->vrank, t->names + t->vrank, t->rank - t->vrank);
    return a;
}

int64_t nx_axis_size(const nx_tensor *t, nx_axis axis)
{
    int a = nx_axis_index(t, axis);
    return a < 0 ? -1 : t->dims[t->vrank + a];
}

int nx_vectorized_rank(const nx_tensor *t)
{
    return null_input(t) ? -1 : t->vrank;
}

bool nx_is_template(const nx_tensor *t)
{
    return t && !t->backend;
}

nx_tensor *nx_donatable(const nx_tensor *t)
{
    if (null_input(t))
        return NULL;
    nx_tensor *out = nxtensor_new(t->type, t->rank, t->dims, t->names);
    if (!out)
        return NULL;
    out->vrank = t->vrank;
    out->donatable = true;
    nxtensor_share_data(out, t);
    return out;
}

bool nx_is_donatable(const nx_tensor *t)
{
    return t && t->donatable;
}
