/* src/core/shape.c: shape, name and axis validation with Nx's messages. */
#include "core/shape.h"

#include <stdio.h>
#include <string.h>
#include "core/error.h"
#include "core/text.h"

int64_t nxshape_size(int rank, const int64_t *dims)
{
    int64_t n = 1;
    for (int i = 0; i < rank; i++) {
        if (dims[i] <= 0 || __builtin_mul_overflow(n, dims[i], &n))
            return -1;
    }
    return n;
}

const char *nxshape_text(char *buf, size_t cap, int rank, const int64_t *dims)
{
    size_t len = 0;
    len += (size_t)snprintf(buf, cap, "{");
    for (int i = 0; i < rank && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, i ? ", %lld" : "%lld", (long long)dims[i]);
    if (len < cap)
        snprintf(buf + len, cap - len, "}");
    return buf;
}

int64_t nxshape_check(const nx_shape *s, const char *kind)
{
    char text[512];
    if (s->rank < 0 || s->rank > NX_MAX_RANK)
        return nxerr_set(NX_ARGUMENT_ERROR, "invalid %s. rank %d is not supported (nxc allows at most %d axes)",
                         kind, s->rank, NX_MAX_RANK);
    for (int i = s->rank - 1; i >= 0; i--)
        if (s->dims[i] <= 0)
            return nxerr_set(NX_ARGUMENT_ERROR,
                             "invalid dimension in axis %d found in %s. Each dimension must be a positive integer, got %lld in shape %s",
                             i, kind, (long long)s->dims[i], nxshape_text(text, sizeof text, s->rank, s->dims));
    int64_t n = nxshape_size(s->rank, s->dims);
    if (n < 0)
        return nxerr_set(NX_ARGUMENT_ERROR, "invalid %s %s: the number of elements exceeds 2^63 - 1",
                         kind, nxshape_text(text, sizeof text, s->rank, s->dims));
    return n;
}

int nxshape_names(nx_names names, int rank, const char **out)
{
    if (names.n == 0) {
        for (int i = 0; i < rank; i++)
            out[i] = NULL;
        return 0;
    }
    if (names.n != rank)
        return nxerr_set(NX_ARGUMENT_ERROR,
                         "invalid names for tensor of rank %d, when specifying names every dimension must have a name or be nil",
                         rank);
    for (int i = 0; i < rank; i++) {
        out[i] = names.v[i] ? nx_atom(names.v[i]) : NULL;
        if (names.v[i] && !out[i])
            return -1;
    }
    return 0;
}

static void names_text(char *buf, size_t cap, int rank, const char *const *names)
{
    nxtext t = { 0 };
    nxtext_names(&t, rank, names);
    snprintf(buf, cap, "%s", t.s ? t.s : "[]");
    nxtext_free(&t);
}

int nxshape_axis(nx_axis axis, int rank, const char *const *names, int nnames)
{
    if (axis.name) {
        for (int i = 0; i < nnames; i++)
            if (names && names[i] && strcmp(names[i], axis.name) == 0)
                return i;
        char text[1024];
        names_text(text, sizeof text, nnames, names);
        return nxerr_set(NX_ARGUMENT_ERROR, "name :%s not found in tensor with names %s", axis.name, text);
    }
    if (axis.index < -rank || axis.index >= rank)
        return nxerr_set(NX_ARGUMENT_ERROR, "given axis (%d) invalid for shape with rank %d", axis.index, rank);
    return axis.index < 0 ? axis.index + rank : axis.index;
}

int nxshape_axes(const nx_axes *axes, int rank, const char *const *names, int nnames, int *out)
{
    if (axes->n < 0 || axes->n > NX_MAX_RANK)
        return nxerr_set(NX_ARGUMENT_ERROR, "too many axes given (%d)", axes->n);
    uint32_t seen = 0;
    int dup = 0;
    for (int i = 0; i < axes->n; i++) {
        nx_axis a = { .set = true, .index = axes->index[i], .name = axes->name[i] };
        out[i] = nxshape_axis(a, rank, names, nnames);
        if (out[i] < 0)
            return -1;
        dup |= (seen >> out[i]) & 1;
        seen |= 1u << out[i];
    }
    if (dup) {
        nxtext t = { 0 };
        nxtext_putc(&t, '[');
        for (int i = 0; i < axes->n; i++) {
            if (i)
                nxtext_puts(&t, ", ");
            if (axes->name[i])
                nxtext_printf(&t, ":%s", axes->name[i]);
            else
                nxtext_printf(&t, "%d", axes->index[i]);
        }
        nxtext_putc(&t, ']');
        nxerr_set(NX_ARGUMENT_ERROR, "axes %s must be unique integers between 0 and %d",
                  t.s ? t.s : "[]", rank - 1);
        nxtext_free(&t);
        return -1;
    }
    return axes->n;
}
