/* src/ops/create.c: front end of creation: from C data, iota, eye, template,
 * from_binary. Checks arguments and decides type, shape and names. */
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
