/* src/defn/diff.c: the template diff of spec/defn.md §11, the error text of cond, while
 * and compile mismatches: two lists of leaf headers side by side, each incompatible pair
 * shown as a coloured block with centred titles. */
#include "defn/control.h"

#include <string.h>
#include "core/alloc.h"
#include "core/error.h"
#include "core/text.h"

/* "#Nx.Tensor<\n  f32[x: 2]\n>" (a template frame without data). */
static void template_text(nxtext *t, const nxdefn_hdr *h)
{
    nxtext_puts(t, "#Nx.Tensor<\n  ");
    if (h->vrank > 0) {
        nxtext_puts(t, "vectorized");
        for (int i = 0; i < h->vrank; i++)
            nxtext_printf(t, "[%s: %lld]", h->names[i], (long long)h->dims[i]);
        nxtext_puts(t, "\n  ");
    }
    nxtext_puts(t, nx_type_name(h->type));
    for (int i = h->vrank; i < h->rank; i++) {
        if (h->names[i])
            nxtext_printf(t, "[%s: %lld]", h->names[i], (long long)h->dims[i]);
        else
            nxtext_printf(t, "[%lld]", (long long)h->dims[i]);
    }
    nxtext_puts(t, "\n>");
}

/* A container of leaves: the tensor alone, or "{a, b}" (Elixir's tuple inspect). */
static void leaves_text(nxtext *t, const nxdefn_hdr *v, int n)
{
    if (n == 1) {
        template_text(t, &v[0]);
        return;
    }
    nxtext_putc(t, '{');
    for (int i = 0; i < n; i++) {
        if (i)
            nxtext_puts(t, ", ");
        template_text(t, &v[i]);
    }
    nxtext_putc(t, '}');
}

static void title(nxtext *t, const char *marks, const char *s, size_t width)
{
    size_t len = strlen(s), left = (width - len) / 2;
    nxtext_printf(t, "%s ", marks);
    nxtext_repeat(t, ' ', left);
    nxtext_puts(t, s);
    nxtext_repeat(t, ' ', width - len - left);
    nxtext_printf(t, " %s", marks);
}

static void block(nxtext *t, const char *lt, const char *rt, const char *ltext, const char *rtext)
{
    size_t width = strlen(lt) > strlen(rt) ? strlen(lt) : strlen(rt);
    nxtext_puts(t, "\x1b[32m\n");
    title(t, "<<<<<", lt, width);
    nxtext_printf(t, "\n%s\n==========\n\x1b[31m%s\n", ltext, rtext);
    title(t, ">>>>>", rt, width);
    nxtext_puts(t, "\n\x1b[0m");
}

/* Appends s to t with every newline followed by `indent` spaces. */
static void indented(nxtext *t, const char *s, int indent)
{
    for (; *s; s++) {
        nxtext_putc(t, *s);
        if (*s == '\n')
            nxtext_repeat(t, ' ', (size_t)indent);
    }
}

char *nxdefn_diff(const char *lt, const char *rt, const nxdefn_hdr *l, int nl, const nxdefn_hdr *r, int nr,
                  bool (*compatible)(const nxdefn_hdr *, const nxdefn_hdr *))
{
    nxtext t = { 0 };
    if (nl != nr) {
        nxtext a = { 0 }, b = { 0 };
        leaves_text(&a, l, nl);
        leaves_text(&b, r, nr);
        char *as = nxtext_take(&a), *bs = nxtext_take(&b);
        block(&t, lt, rt, as ? as : "", bs ? bs : "");
        nx_free(as);
        nx_free(bs);
        return nxtext_take(&t);
    }
    nxtext body = { 0 };
    for (int i = 0; i < nl; i++) {
        nxtext one = { 0 };
        if (compatible(&l[i], &r[i])) {
            template_text(&one, &l[i]);
        } else {
            nxtext a = { 0 }, b = { 0 };
            template_text(&a, &l[i]);
            template_text(&b, &r[i]);
            char *as = nxtext_take(&a), *bs = nxtext_take(&b);
            block(&one, lt, rt, as ? as : "", bs ? bs : "");
            nx_free(as);
            nx_free(bs);
        }
        char *s = nxtext_take(&one);
        if (i)
            nxtext_puts(&body, ", ");
        nxtext_puts(&body, s ? s : "");
        nx_free(s);
    }
    char *b = nxtext_take(&body);
    if (nl == 1) {
        nxtext_puts(&t, b ? b : "");
    } else {
        nxtext_putc(&t, '{');
        indented(&t, b ? b : "", 1);
        nxtext_putc(&t, '}');
    }
    nx_free(b);
    return nxtext_take(&t);
}
