/* src/cli/print_layout.c: Inspect.Algebra's layout (format/2 and its fits/4): lays a
 * document out at a width by Elixir's algorithm (Lindig's "Strictly Pretty" with Elixir's
 * flex breaks and forced lines), so a container breaks exactly where IEx breaks it. Also
 * the scratch memory documents live in while one value is printed, and the growing text
 * buffer the printers write into. Out of memory ends the process (SystemLimitError). */
#include "cli/print_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- scratch memory: documents live only while one value is printed ---- */

typedef struct nxdoc_chunk {
    struct nxdoc_chunk *next;
    size_t size, used;
    _Alignas(16) unsigned char mem[];
} pchunk;

static void out_of_memory(void)
{
    fputs("** (SystemLimitError) out of memory\n", stderr);
    exit(70);
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *nxdoc_alloc(nxdoc_ctx *c, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!c->chunks || c->chunks->size - c->chunks->used < n) {
        size_t size = n > 16384 ? n : 65536;
        pchunk *k = malloc(sizeof *k + size);
        if (!k)
            out_of_memory();
        k->size = size;
        k->used = 0;
        k->next = c->chunks;
        c->chunks = k;
    }
    void *p = c->chunks->mem + c->chunks->used;
    c->chunks->used += n;
    return p;
}

void nxdoc_ctx_free(nxdoc_ctx *c)
{
    while (c->chunks) {
        pchunk *next = c->chunks->next;
        free(c->chunks);
        c->chunks = next;
    }
    free(c->fit.v);
}

static void push(nxdoc_stack *s, int64_t indent, int mode, const nxdoc *d, int tail_b)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->v = xrealloc(s->v, (size_t)s->cap * sizeof *s->v);
    }
    s->v[s->n++] = (nxdoc_entry){ indent, mode, d, tail_b };
}

void nxdoc_put(nxdoc_buf *b, const char *s, size_t n)
{
    if (b->cap - b->n < n + 1) {
        while (b->cap - b->n < n + 1)
            b->cap = b->cap ? 2 * b->cap : 256;
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void nxdoc_puts(nxdoc_buf *b, const char *s)
{
    nxdoc_put(b, s, strlen(s));
}

void nxdoc_putc(nxdoc_buf *b, char ch)
{
    nxdoc_put(b, &ch, 1);
}

enum { FLAT, BREAK };
enum { FIT, NO_FIT };

/* ---- layout (Inspect.Algebra.format/2 and its fits/4) ---- */

/* Whether what follows fits in w columns from column k: first the entry `first` (when
 * given), then, when `base` is given, the rest of the layout stack base[0..nbase).
 * `b` is Elixir's b?: a break was seen, so running past w means no fit. */
static int fits(nxdoc_ctx *c, int64_t w, int64_t k, int b, const nxdoc_entry *first,
                const nxdoc_entry *base, int64_t nbase)
{
    nxdoc_stack *s = &c->fit;
    s->n = 0;
    if (first)
        push(s, first->indent, first->mode, first->d, 0);
    for (;;) {
        if (k > w && b)
            return NO_FIT;
        nxdoc_entry e;
        if (s->n)
            e = s->v[--s->n];
        else if (nbase > 0)
            e = base[--nbase];
        else
            return FIT;
        if (!e.d) {
            b = e.tail_b;
            continue;
        }
        const nxdoc *d = e.d;
        switch (d->kind) {
        case D_NIL:
            break;
        case D_STR:
            k += d->len;
            break;
        case D_LINE:
            if (e.mode == BREAK)
                return FIT;
            k = e.indent;
            b = 0;
            break;
        case D_BREAK:
            if (e.mode == BREAK)
                return FIT;
            k += d->len;
            b = 1;
            break;
        case D_FORCE:
            return NO_FIT;
        case D_NEST:
            push(s, e.indent + d->len, e.mode, d->a, 0);
            break;
        case D_CONS:
            push(s, e.indent, e.mode, d->b, 0);
            push(s, e.indent, e.mode, d->a, 0);
            break;
        case D_GROUP:
            push(s, 0, 0, NULL, b);
            push(s, e.indent, FLAT, d->a, 0);
            break;
        }
    }
}

static void newline(nxdoc_buf *out, int64_t indent)
{
    nxdoc_putc(out, '\n');
    for (int64_t i = 0; i < indent; i++)
        nxdoc_putc(out, ' ');
}

/* Lays d out at width w (NXI_WIDTH_INFINITY: flat) into out. */
void nxdoc_format(nxdoc_ctx *c, const nxdoc *root, int64_t w, nxdoc_buf *out)
{
    int infinite = w == NXI_WIDTH_INFINITY;
    nxdoc_stack s = { 0 };
    int64_t k = 0;
    push(&s, 0, FLAT, root, 0);
    while (s.n) {
        nxdoc_entry e = s.v[--s.n];
        const nxdoc *d = e.d;
        switch (d->kind) {
        case D_NIL:
            break;
        case D_LINE:
            newline(out, e.indent);
            k = e.indent;
            break;
        case D_CONS:
            push(&s, e.indent, e.mode, d->b, 0);
            push(&s, e.indent, e.mode, d->a, 0);
            break;
        case D_STR:
            nxdoc_put(out, d->s, (size_t)d->len);
            k += d->len;
            break;
        case D_FORCE:
            push(&s, e.indent, e.mode, d->a, 0);
            break;
        case D_BREAK:
            if (d->flex) {
                k += d->len;
                if (infinite || e.mode == FLAT || fits(c, w, k, 1, NULL, s.v, s.n) != NO_FIT) {
                    nxdoc_put(out, d->s, (size_t)d->len);
                } else {
                    newline(out, e.indent);
                    k = e.indent;
                }
            } else if (e.mode == BREAK) {
                newline(out, e.indent);
                k = e.indent;
            } else {
                nxdoc_put(out, d->s, (size_t)d->len);
                k += d->len;
            }
            break;
        case D_NEST:
            push(&s, e.indent + d->len, e.mode, d->a, 0);
            break;
        case D_GROUP: {
            nxdoc_entry flat = { e.indent, FLAT, d->a, 0 };
            int mode = infinite || fits(c, w, k, 0, &flat, NULL, 0) == FIT ? FLAT : BREAK;
            push(&s, e.indent, mode, d->a, 0);
            break;
        }
        }
    }
    free(s.v);
}
