/* src/core/text.c: growable strings for printers and messages. */
#include "core/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "core/alloc.h"

static int reserve(nxtext *t, size_t extra)
{
    if (t->failed)
        return -1;
    if (t->len + extra + 1 <= t->cap)
        return 0;
    size_t cap = t->cap ? t->cap : 64;
    while (cap < t->len + extra + 1)
        cap *= 2;
    char *s = nxalloc_realloc(t->s, cap);
    if (!s) {
        t->failed = 1;
        return -1;
    }
    t->s = s;
    t->cap = cap;
    return 0;
}

void nxtext_putn(nxtext *t, const char *s, size_t n)
{
    if (reserve(t, n) < 0)
        return;
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

void nxtext_puts(nxtext *t, const char *s)
{
    nxtext_putn(t, s, strlen(s));
}

void nxtext_putc(nxtext *t, char c)
{
    nxtext_putn(t, &c, 1);
}

void nxtext_repeat(nxtext *t, char c, size_t n)
{
    if (reserve(t, n) < 0)
        return;
    memset(t->s + t->len, c, n);
    t->len += n;
    t->s[t->len] = '\0';
}

void nxtext_printf(nxtext *t, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        nxtext_putn(t, small, (size_t)n);
        return;
    }
    if (reserve(t, (size_t)n) < 0)
        return;
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

char *nxtext_take(nxtext *t)
{
    if (reserve(t, 0) < 0) {
        nxtext_free(t);
        return NULL;
    }
    char *s = t->s;
    t->s = NULL;
    t->len = t->cap = 0;
    return s;
}

void nxtext_free(nxtext *t)
{
    nx_free(t->s);
    t->s = NULL;
    t->len = t->cap = 0;
}

void nxtext_shape(nxtext *t, int rank, const int64_t *dims)
{
    nxtext_putc(t, '{');
    for (int i = 0; i < rank; i++)
        nxtext_printf(t, i ? ", %lld" : "%lld", (long long)dims[i]);
    nxtext_putc(t, '}');
}

void nxtext_names(nxtext *t, int rank, const char *const *names)
{
    nxtext_putc(t, '[');
    for (int i = 0; i < rank; i++) {
        if (i)
            nxtext_puts(t, ", ");
        if (names && names[i])
            nxtext_printf(t, ":%s", names[i]);
        else
            nxtext_puts(t, "nil");
    }
    nxtext_putc(t, ']');
}
