/* src/ops/tensor.c: Nx.tensor/2: a tensor from a number or a nested list (type inferred
 * or given, names), with Nx's messages for empty, ragged and invalid input. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "core/alloc.h"
#include "core/elem.h"
#include "core/fmtfloat.h"
#include "core/shape.h"
#include "core/text.h"
#include "nx/inspect.h"
#include "ops/front.h"

/* Elixir's inspect of a number leaf: "1.5", ":nan", "1.0+2.0i". */
static void number_text(nxtext *out, nx_number n)
{
    char buf[64];
    switch (n.kind) {
    case NX_NUM_INT: nxtext_printf(out, "%lld", (long long)n.i); return;
    case NX_NUM_UINT: nxtext_printf(out, "%llu", (unsigned long long)n.u); return;
    case NX_NUM_FLOAT:
        if (isnan(n.f))
            nxtext_puts(out, ":nan");
        else if (isinf(n.f))
            nxtext_puts(out, n.f > 0 ? ":infinity" : ":neg_infinity");
        else {
            uint64_t bits;
            memcpy(&bits, &n.f, 8);
            nxfmt_float(buf, sizeof buf, NX_F64, bits);
            nxtext_puts(out, buf);
        }
        return;
    case NX_NUM_COMPLEX: {
        double c[2] = { n.c.re, n.c.im };
        nx_format_element(buf, sizeof buf, NX_C128, c);
        nxtext_puts(out, buf);
        return;
    }
    }
}

/* Elixir's inspect of an item (for messages). */
static void item_text(nxtext *out, const nx_item *it)
{
    switch (it->kind) {
    case NX_ITEM_NUMBER: number_text(out, it->num); return;
    case NX_ITEM_BOOL: nxtext_puts(out, it->num.i ? "true" : "false"); return;
    case NX_ITEM_OTHER: nxtext_puts(out, it->text ? it->text : "nil"); return;
    case NX_ITEM_TENSOR: {
        char *s = nx_inspect(it->tensor);
        nxtext_puts(out, s ? s : "#Nx.Tensor<?>");
        nx_free(s);
        return;
    }
    case NX_ITEM_LIST:
        nxtext_putc(out, '[');
        for (int64_t i = 0; i < it->len; i++) {
            if (i)
                nxtext_puts(out, ", ");
            item_text(out, &it->items[i]);
        }
        nxtext_putc(out, ']');
        return;
    }
}

/* Records an ArgumentError "<prefix><item>". */
static int item_error(const char *prefix, const nx_item *it)
{
    nxtext t = { 0 };
    item_text(&t, it);
    nxerr_set(NX_ARGUMENT_ERROR, "%s%s", prefix, t.s ? t.s : "?");
    nxtext_free(&t);
    return -1;
}

/* Merges the type of every leaf, left to right (spec/types-and-inspect.md §2). */
static int infer_type(const nx_item *it, nx_type *acc)
{
    nx_type t;
    switch (it->kind) {
    case NX_ITEM_NUMBER: t = nx_type_infer(it->num); break;
    case NX_ITEM_BOOL: t = NX_U8; break;
    case NX_ITEM_LIST:
        if (it->len == 0)
            return item_error("invalid value given to Nx.tensor/1, got: ", it);
        for (int64_t i = 0; i < it->len; i++)
            if (infer_type(&it->items[i], acc) < 0)
                return -1;
        return 0;
    case NX_ITEM_TENSOR:
        return item_error("invalid value given to Nx.tensor/1. If you want to create a tensor from other "
                          "tensors, consider using Nx.concatenate/2 or Nx.stack/2 instead. Got: ", it);
    default:
        return item_error("invalid value given to Nx.tensor/1, got: ", it);
    }
    *acc = *acc == NX_TYPE_NONE ? t : nx_type_merge(t, *acc);
    return 0;
}

/* The shape of an item: {} for a leaf, {len} ++ shape(first) for a list, all children
 * alike. */
static int item_shape(const nx_item *it, nx_shape *s, int depth)
{
    s->rank = 0;
    if (it->kind != NX_ITEM_LIST)
        return 0;
    if (it->len == 0)
        return nxerr_set(NX_RUNTIME_ERROR, "cannot build empty tensor");
    if (depth >= NX_MAX_RANK)
        return nxerr_set(NX_ARGUMENT_ERROR, "lists nested deeper than %d levels are not supported", NX_MAX_RANK);
    nx_shape first, other;
    if (item_shape(&it->items[0], &first, depth + 1) < 0)
        return -1;
    for (int64_t i = 1; i < it->len; i++) {
        if (item_shape(&it->items[i], &other, depth + 1) < 0)
            return -1;
        if (other.rank != first.rank ||
            memcmp(other.dims, first.dims, (size_t)first.rank * sizeof *first.dims) != 0) {
            char a[512], b[512];
            return nxerr_set(NX_ARGUMENT_ERROR,
                             "cannot build tensor because lists have different shapes, got %s at position 0 and %s at position %lld",
                             nxshape_text(a, sizeof a, first.rank, first.dims),
                             nxshape_text(b, sizeof b, other.rank, other.dims), (long long)i + 1);
        }
    }
    s->rank = first.rank + 1;
    s->dims[0] = it->len;
    memcpy(s->dims + 1, first.dims, (size_t)first.rank * sizeof *first.dims);
    return 0;
}

/* Writes the leaves in row-major order; *at counts them. */
static int write_leaves(nx_tensor *t, const nx_item *it, int64_t *at)
{
    if (it->kind == NX_ITEM_LIST) {
        for (int64_t i = 0; i < it->len; i++)
            if (write_leaves(t, &it->items[i], at) < 0)
                return -1;
        return 0;
    }
    if (it->kind != NX_ITEM_NUMBER && it->kind != NX_ITEM_BOOL)
        return item_error("invalid value given to Nx.tensor/1, got: ", it);
    nx_number n = it->num;
    if (n.kind == NX_NUM_COMPLEX && !nx_type_is_complex(t->type))
        return nxerr_set(NX_ARGUMENT_ERROR, "invalid type for complex number. Expected {:c, 64} or {:c, 128}, got: %s",
                         nx_type_tuple(t->type));
    if (n.kind == NX_NUM_FLOAT && nx_type_is_integer(t->type)) {
        nxtext s = { 0 };
        number_text(&s, n);
        nxerr_set(NX_ARGUMENT_ERROR, "cannot store %s in a tensor of type %s", s.s ? s.s : "?",
                  nx_type_tuple(t->type));
        nxtext_free(&s);
        return -1;
    }
    nxelem_write(t->type, nxtensor_data(t), (*at)++, n);
    return 0;
}

/* Nx.tensor given a tensor: the same data, checked against :type, renamed by :names. */
static nx_tensor *from_tensor(const nx_tensor *src, nx_tensor_opts o)
{
    if (nxfront_check_tensor(src) < 0)
        return NULL;
    if (o.type && nxfront_check_type(o.type) < 0)
        return NULL;
    if (o.type && o.type != src->type)
        return nxerr_null(NX_ARGUMENT_ERROR, "Nx.tensor/2 expects a tensor with type %s but it was given a tensor of type %s",
                          nx_type_tuple(o.type), nx_type_tuple(src->type));
    int inner = src->rank - src->vrank;
    const char *names[NX_MAX_RANK] = { 0 };
    memcpy(names, src->names, (size_t)src->vrank * sizeof *names);
    if (o.names.n) {
        if (nxshape_names(o.names, inner, names + src->vrank) < 0)
            return NULL;
        for (int i = 0; i < inner; i++) {
            const char *old = src->names[src->vrank + i], *new = names[src->vrank + i];
            if (old && new && old != new)
                return nxerr_null(NX_ARGUMENT_ERROR, "cannot merge name :%s on axis %d with name :%s on axis %d",
                                  old, i, new, i);
        }
    }
    return nxfront_view(src, src->type, src->rank, src->dims, names, src->vrank);
}

nx_tensor *nx_tensor_(const nx_item *arg, nx_tensor_opts o)
{
    if (!arg)
        return nxerr_null(NX_ARGUMENT_ERROR, "invalid value given to Nx.tensor/1, got: nil");
    if (arg->kind == NX_ITEM_TENSOR)
        return from_tensor(arg->tensor, o);
    nx_type type = o.type;
    if (type != NX_TYPE_NONE ? nxfront_check_type(type) < 0 : infer_type(arg, &type) < 0)
        return NULL;
    nx_shape shape;
    const char *names[NX_MAX_RANK];
    if (item_shape(arg, &shape, 0) < 0 || nxshape_names(o.names, shape.rank, names) < 0)
        return NULL;
    nx_tensor *t = nxtensor_new(type, shape.rank, shape.dims, names);
    if (!t)
        return NULL;
    t->backend = &nxcpu_backend;
    int64_t at = 0;
    if (nxtensor_alloc_data(t) < 0 || write_leaves(t, arg, &at) < 0) {
        nx_release(t);
        return NULL;
    }
    return t;
}

nx_tensor *nx_scalar(nx_number n, nx_type type)
{
    nx_item it = { .kind = NX_ITEM_NUMBER, .num = n };
    return nx_tensor(&it, .type = type);
}
