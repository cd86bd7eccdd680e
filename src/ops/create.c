/* src/ops/create.c: front end of creation: from C data, iota, eye, template,
 * from_binary, and the composites fill and linspace. Checks arguments and decides type,
 * shape and names. */
#include <string.h>
#include "core/elem.h"
#include "core/shape.h"
#include "ops/front.h"

/* A new tensor of a checked user shape, with names; no data yet. */
static nx_tensor *new_checked(nx_type type, const nx_shape *shape, nx_names names)
{
    const char *n[NX_MAX_RANK];
    if (nxfront_check_type(type) < 0 || nxshape_check(shape, "shape") < 0 ||
        nxshape_names(names, shape->rank, n) < 0)
        return NULL;
    return nxtensor_new(type, shape->rank, shape->dims, n);
}

/* Clears the bits past the last element of a sub-byte tensor, so that to_binary and
 * comparisons see zeros there. */
static void clear_tail(nx_tensor *t)
{
    int w = nx_type_bits(t->type);
    int64_t used = t->size * w;
    if (used % 8)
        t->buf->data[used / 8] &= (unsigned char)(0xFF << (8 - used % 8));
}

nx_tensor *nx_from_data_(const void *data, nx_type type, nx_shape shape, nx_from_data_opts o)
{
    if (!data)
        return nxerr_null(NX_ARGUMENT_ERROR, "nx_from_data: data is NULL");
    nx_tensor *t = new_checked(type, &shape, o.names);
    if (!t)
        return NULL;
    t->backend = &nxcpu_backend;
    if (nxtensor_alloc_data(t) < 0) {
        nx_release(t);
        return NULL;
    }
    memcpy(t->buf->data, data, (size_t)t->buf->bytes);
    clear_tail(t);
    return t;
}

nx_tensor *nx_from_binary(const void *data, int64_t bits, nx_type type)
{
    if (nxfront_check_type(type) < 0)
        return NULL;
    if (!data || bits <= 0)
        return nxerr_null(NX_ARGUMENT_ERROR, "cannot build an empty tensor");
    int w = nx_type_bits(type);
    if (bits % w)
        return nxerr_null(NX_ARGUMENT_ERROR, "binary does not match the given size");
    return nx_from_data(data, type, NX_SHAPE(bits / w));
}

nx_tensor *nx_iota_(nx_shape shape, nx_iota_opts o)
{
    nx_type type = o.type ? o.type : NX_S32;
    nx_tensor *t = new_checked(type, &shape, o.names);
    if (!t)
        return NULL;
    nxop_params p = { .axis = -1 };
    if (o.axis.set && (p.axis = nxshape_axis(o.axis, t->rank, t->names, t->rank)) < 0) {
        nx_release(t);
        return NULL;
    }
    return nxop_run(NX_OP_iota, t, NULL, &p);
}

nx_tensor *nx_eye_(nx_shape shape, nx_eye_opts o)
{
    if (shape.rank < 2) {
        char text[512];
        return nxerr_null(NX_ARGUMENT_ERROR, "eye/2 expects a shape with at least 2 dimensions or an integer, got: %s",
                          nxshape_text(text, sizeof text, shape.rank, shape.dims));
    }
    nx_tensor *t = new_checked(o.type ? o.type : NX_S32, &shape, o.names);
    nxop_params p = { 0 };
    return nxop_run(NX_OP_eye, t, NULL, &p);
}

nx_tensor *nx_template_(nx_shape shape, nx_type type, nx_template_opts o)
{
    return new_checked(type, &shape, o.names);   /* no backend, no data */
}

/* Nx.fill: as_type(value, type) broadcast to t's whole shape, then vectorized as t. */
nx_tensor *nx_fill_(const nx_tensor *t, const nx_tensor *value, nx_fill_opts o)
{
    if (nxfront_check_tensor(t) < 0 || nxfront_check_tensor(value) < 0)
        return NULL;
    nx_type type = o.type ? o.type
                 : value->weak ? nx_type_merge_number(t->type, value->weak_value) : nx_type_merge(t->type, value->type);
    if (nxfront_check_type(type) < 0)
        return NULL;
    nx_shape shape = { .rank = t->rank };
    nx_names names = { .n = t->rank };
    for (int i = 0; i < t->rank; i++) {
        shape.dims[i] = t->dims[i];
        names.v[i] = i < t->vrank ? NULL : t->names[i];
    }
    nx_scope_begin();
    nx_tensor *r = nx_broadcast(nx_as_type(value, type), shape, .names = names);
    for (int v = 0; r && v < t->vrank; v++)
        r = nx_vectorize(r, t->names[v]);
    return nx_scope_end_keep(r);
}

/* Nx.linspace: iota * step + start along a new last axis (Nx's composition). */
nx_tensor *nx_linspace_(const nx_tensor *start, const nx_tensor *stop, nx_linspace_opts o)
{
    if (nxfront_check_tensor(start) < 0 || nxfront_check_tensor(stop) < 0)
        return NULL;
    if (o.n < 1)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected n to be a non-negative integer, got: %lld", (long long)o.n);
    nx_type type = o.type ? o.type : NX_F32;
    if (nxfront_check_type(type) < 0)
        return NULL;
    nx_shape s0 = nx_shape_of(start), s1 = nx_shape_of(stop);
    if (s0.rank != s1.rank || memcmp(s0.dims, s1.dims, (size_t)s0.rank * sizeof *s0.dims)) {
        char a[256], b[256];
        return nxerr_null(NX_ARGUMENT_ERROR, "expected start and stop to have the same shape. Got shapes %s and %s",
                          nxshape_text(a, sizeof a, s0.rank, s0.dims), nxshape_text(b, sizeof b, s1.rank, s1.dims));
    }
    if (s0.rank + 1 > NX_MAX_RANK)
        return nxerr_null(NX_ARGUMENT_ERROR, "linspace/3: rank %d is not supported (at most %d axes)", s0.rank + 1,
                          NX_MAX_RANK);
    nx_scope_begin();
    nx_tensor *from = nx_as_type(start, type), *to = nx_as_type(stop, type), *r;
    if (o.n == 1) {
        r = nx_new_axis(from, -1, o.name);
    } else {
        /* -(start - stop) is stop - start exactly (integers wrap alike, float rounding is
         * symmetric), with start's vectorized axes first, as Nx orders them. */
        nx_tensor *delta = nx_negate(nx_subtract(from, to));
        nx_tensor *step = nx_divide(delta, nx_number_tensor(NX_INT(o.exclude_endpoint ? o.n : o.n - 1)));
        nx_shape shape = s0;
        nx_names names = { .n = s0.rank + 1 };
        shape.dims[shape.rank++] = o.n;
        names.v[s0.rank] = o.name;
        nx_tensor *iota = nx_iota(shape, .type = type, .axis = NX_AXIS(s0.rank), .names = names);
        nx_tensor *y = nx_add(nx_multiply(iota, nx_new_axis(step, -1, NULL)), nx_new_axis(from, -1, NULL));
        r = nx_as_type(y, type);
    }
    return nx_scope_end_keep(r);
}
