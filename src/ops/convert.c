/* src/ops/convert.c: front end of type changes and of getting values out: as_type,
 * bitcast, to_binary, to_flat_list, to_number. */
#include <stdio.h>
#include <string.h>
#include "core/elem.h"
#include "core/shape.h"
#include "ops/front.h"

nx_tensor *nx_as_type(const nx_tensor *t, nx_type type)
{
    if (nxfront_check_tensor(t) < 0 || nxfront_check_type(type) < 0)
        return NULL;
    if (type == t->type)   /* Nx returns the tensor itself; a view keeps ownership simple */
        return nxfront_view(t, type, t->rank, t->dims, t->names, t->vrank);
    nxop_params p = { 0 };
    return nxop_run(NX_OP_as_type, nxtensor_like(t, type), &t, &p);
}

nx_tensor *nx_bitcast(const nx_tensor *t, nx_type type)
{
    if (nxfront_check_tensor(t) < 0 || nxfront_check_type(type) < 0)
        return NULL;
    if (nx_type_is_complex(t->type) || nx_type_is_complex(type))
        return nxerr_null(NX_ARGUMENT_ERROR, "Nx.bitcast/2 does not support complex inputs");
    if (nx_type_bits(t->type) != nx_type_bits(type))
        return nxerr_null(NX_ARGUMENT_ERROR, "input type width must match new type width, got input type %s and output type %s",
                          nx_type_tuple(t->type), nx_type_tuple(type));
    return nxfront_view(t, type, t->rank, t->dims, t->names, t->vrank);
}

/* Values are not known while tracing (spec/defn.md §2.2). */
static int needs_value(const nx_tensor *t)
{
    if (!t->node)
        return 0;
    return nxerr_set(NX_ARGUMENT_ERROR, "cannot invoke to_binary/2 on Nx.Defn.Expr.\n\n"
                     "This typically means you are invoking an unsupported Nx function\n"
                     "inside `defn` or inside JIT compiled code");
}

/* How many elements a :limit lets through (0 means all). */
static int64_t limited(const nx_tensor *t, int64_t limit)
{
    if (limit < 0)
        return nxerr_set(NX_ARGUMENT_ERROR, "expected :limit to be a positive integer, got: %lld", (long long)limit);
    return limit == 0 || limit > t->size ? t->size : limit;
}

int64_t nx_to_binary_(const nx_tensor *t, void *dst, int64_t dst_bytes, nx_to_binary_opts o)
{
    if (nxfront_check_tensor(t) < 0 || needs_value(t) < 0)
        return -1;
    int64_t n = limited(t, o.limit);
    if (n < 0)
        return -1;
    int64_t bits = n * nx_type_bits(t->type), bytes = (bits + 7) / 8;
    if (!dst)
        return bits;
    if (dst_bytes < bytes)
        return nxerr_set(NX_ARGUMENT_ERROR, "to_binary needs %lld bytes, the destination has %lld",
                         (long long)bytes, (long long)dst_bytes);
    memcpy(dst, nxtensor_data(t), (size_t)bytes);
    if (bits % 8)   /* a limit may cut a sub-byte tensor inside a byte */
        ((unsigned char *)dst)[bytes - 1] &= (unsigned char)(0xFF << (8 - bits % 8));
    return bits;
}

int64_t nx_to_flat_list_(const nx_tensor *t, nx_number *out, int64_t n, nx_to_flat_list_opts o)
{
    if (nxfront_check_tensor(t) < 0 || needs_value(t) < 0)
        return -1;
    int64_t count = limited(t, o.limit);
    if (count < 0)
        return -1;
    if (!out)
        return count;
    if (count > n)
        count = n;
    for (int64_t i = 0; i < count; i++)
        out[i] = nxelem_read(t->type, nxtensor_data(t), i);
    return count;
}

int nx_to_number(const nx_tensor *t, nx_number *out)
{
    char a[512];
    if (nxfront_check_tensor(t) < 0 || needs_value(t) < 0)
        return -1;
    if (t->vrank > 0) {
        char axes[512];
        size_t len = (size_t)snprintf(axes, sizeof axes, "[");
        for (int i = 0; i < t->vrank && len < sizeof axes; i++)
            len += (size_t)snprintf(axes + len, sizeof axes - len, "%s%s: %lld", i ? ", " : "",
                                    t->names[i], (long long)t->dims[i]);
        if (len < sizeof axes)
            snprintf(axes + len, sizeof axes - len, "]");
        return nxerr_set(NX_ARGUMENT_ERROR, "cannot convert vectorized tensor with axes %s and shape %s to number",
                         axes, nxshape_text(a, sizeof a, t->rank - t->vrank, t->dims + t->vrank));
    }
    if (t->rank > 0)
        return nxerr_set(NX_ARGUMENT_ERROR, "cannot convert tensor of shape %s to number",
                         nxshape_text(a, sizeof a, t->rank, t->dims));
    if (out)
        *out = nxelem_read(t->type, nxtensor_data(t), 0);
    return 0;
}
