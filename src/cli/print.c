/* src/cli/print.c: values printed as Elixir's Inspect prints them. Each value becomes an
 * Inspect.Algebra document (strings, forced lines, nesting, strict and flex breaks,
 * groups) built the way Elixir 1.18's Inspect implementations build theirs, then laid out
 * by print_layout.c; the text of numbers, strings and atoms comes from print_text.c.
 * Tensors come from nx_inspect as rigid, always-breaking text (Nx wraps its document in
 * force_unfit). */
#include "cli/print_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/fmtfloat.h"
#include "cli/nxlib_args.h"

#define DEFAULT_WIDTH 80
#define DEFAULT_LIMIT 50

/* ---- documents ---- */

static const nxdoc doc_nil = { D_NIL, 0, 0, NULL, NULL, NULL };
static const nxdoc doc_line = { D_LINE, 0, 0, NULL, NULL, NULL };

static const nxdoc *mk(nxdoc_ctx *c, int kind, const char *s, int64_t len, const nxdoc *a,
                       const nxdoc *b)
{
    nxdoc *d = nxdoc_alloc(c, sizeof *d);
    *d = (nxdoc){ kind, 0, len, s, a, b };
    return d;
}

/* A string document; s must outlive the print (a literal or scratch memory). */
static const nxdoc *str(nxdoc_ctx *c, const char *s)
{
    return mk(c, D_STR, s, (int64_t)strlen(s), NULL, NULL);
}

/* A string document of a copy of s[0..n). */
static const nxdoc *strn(nxdoc_ctx *c, const char *s, size_t n)
{
    char *copy = nxdoc_alloc(c, n + 1);
    memcpy(copy, s, n);
    copy[n] = '\0';
    return mk(c, D_STR, copy, (int64_t)n, NULL, NULL);
}

static const nxdoc *cat(nxdoc_ctx *c, const nxdoc *a, const nxdoc *b)
{
    return mk(c, D_CONS, NULL, 0, a, b);
}

static const nxdoc *nest(nxdoc_ctx *c, const nxdoc *x, int64_t j)
{
    return j ? mk(c, D_NEST, NULL, j, x, NULL) : x;
}

static const nxdoc *brk(nxdoc_ctx *c, const char *s, int flex)
{
    nxdoc *d = (nxdoc *)mk(c, D_BREAK, s, (int64_t)strlen(s), NULL, NULL);
    d->flex = flex;
    return d;
}

static const nxdoc *group(nxdoc_ctx *c, const nxdoc *x)
{
    return mk(c, D_GROUP, NULL, 0, x, NULL);
}

/* glue(a, s, b) and flex_glue(a, s, b). */
static const nxdoc *glue(nxdoc_ctx *c, const nxdoc *a, const char *s, const nxdoc *b, int flex)
{
    return cat(c, a, cat(c, brk(c, s, flex), b));
}

/* Inspect.Algebra's simple?: text only (strings and their concatenations). */
static int is_simple(const nxdoc *d)
{
    while (d->kind == D_CONS) {
        if (!is_simple(d->a))
            return 0;
        d = d->b;
    }
    return d->kind == D_STR || d->kind == D_NIL;
}

/* ---- values to documents ---- */

static const nxdoc *to_doc(nxdoc_ctx *c, const nxv *v, int64_t limit);

/* A document of the text an sbuf collected (and frees the sbuf). */
static const nxdoc *take(nxdoc_ctx *c, nxdoc_buf *b)
{
    const nxdoc *d = strn(c, b->p ? b->p : "", b->n);
    free(b->p);
    return d;
}

static int64_t decrement(int64_t limit)
{
    return limit == NXI_LIMIT_INFINITY ? limit : limit - 1;
}

enum { B_MAYBE, B_STRICT, B_FLEX };

/* Inspect.Algebra.container_doc/6 for docs already made (with "..." in place when the
 * limit ran out): flex layout (nest 1, fill lines) when every doc is text or the
 * container is a tuple, else one item per line (nest 2) when it does not fit. */
static const nxdoc *container(nxdoc_ctx *c, const char *left, const nxdoc **docs, int64_t n,
                              int simple, const char *right, int mode)
{
    if (n == 0)
        return cat(c, str(c, left), str(c, right));
    int flex = (mode == B_MAYBE && simple) || mode == B_FLEX;
    const nxdoc *body = docs[n - 1];
    for (int64_t i = n - 2; i >= 0; i--)
        body = glue(c, cat(c, docs[i], str(c, ",")), " ", body, flex);
    if (flex)
        return group(c, cat(c, cat(c, str(c, left), nest(c, body, 1)), str(c, right)));
    const nxdoc *open = nest(c, glue(c, str(c, left), "", body, 0), 2);
    return group(c, glue(c, open, "", str(c, right), 0));
}

/* `key: value` for keyword lists and maps with atom keys. */
static const nxdoc *keyword_item(nxdoc_ctx *c, const nxv *key, const nxv *value, int64_t limit)
{
    nxdoc_buf b = { 0 };
    nxinspect_atom_key(&b, key->atom);
    nxdoc_putc(&b, ' ');
    return cat(c, take(c, &b), to_doc(c, value, limit));
}

/* Inspect.List.keyword?: atom keys, none of them an alias. */
static int keyword_key(const nxv *k)
{
    return k->kind == NXV_ATOM && strncmp(k->atom, "Elixir.", 7) != 0;
}

static int is_keyword_list(const nxv *v)
{
    if (v->list.tail)
        return 0;
    for (int64_t i = 0; i < v->list.n; i++) {
        const nxv *e = v->list.items[i];
        if (e->kind != NXV_TUPLE || e->tuple.n != 2 || !keyword_key(e->tuple.items[0]))
            return 0;
    }
    return 1;
}

/* List.ascii_printable?(list, 4096) for a proper list. */
static int printable_charlist(const nxv *v)
{
    if (v->list.tail)
        return 0;
    for (int64_t i = 0; i < v->list.n; i++) {
        const nxv *e = v->list.items[i];
        if (i == PRINTABLE_LIMIT)
            break;
        if (e->kind != NXV_INT ||
            !((e->i >= 32 && e->i <= 126) || nxinspect_named_control((uint32_t)e->i)))
            return 0;
    }
    /* The rest must still be characters for IO.chardata_to_string/1. */
    for (int64_t i = PRINTABLE_LIMIT; i < v->list.n; i++) {
        const nxv *e = v->list.items[i];
        if (e->kind != NXV_INT || e->i < 0 || e->i > 0x10FFFF || (e->i >= 0xD800 && e->i <= 0xDFFF))
            return 0;
    }
    return 1;
}

static const nxdoc *charlist_doc(nxdoc_ctx *c, const nxv *v)
{
    nxdoc_buf text = { 0 }, b = { 0 };
    int64_t n = v->list.n < PRINTABLE_LIMIT + 1 ? v->list.n : PRINTABLE_LIMIT + 1;
    for (int64_t i = 0; i < n; i++)
        nxinspect_utf8_encode(&text, (uint32_t)v->list.items[i]->i);
    nxdoc_puts(&b, "~c\"");
    int cut = nxinspect_escape(&b, (const unsigned char *)text.p, (int64_t)text.n, '"',
                               PRINTABLE_LIMIT);
    nxdoc_puts(&b, cut ? "\" ++ ..." : "\"");
    free(text.p);
    return take(c, &b);
}

static const nxdoc *list_doc(nxdoc_ctx *c, const nxv *v, int64_t limit)
{
    if (v->list.n == 0)       /* [] (or a bare tail, which is just that value) */
        return v->list.tail ? to_doc(c, v->list.tail, limit) : str(c, "[]");
    if (printable_charlist(v))
        return charlist_doc(c, v);
    int keyword = is_keyword_list(v);
    const nxdoc **docs = nxdoc_alloc(c, (size_t)(v->list.n + 1) * sizeof *docs);
    int64_t m = 0;
    int simple = !keyword;
    for (int64_t i = 0; i < v->list.n; i++) {
        if (limit == 0) {
            docs[m++] = str(c, "...");
            break;
        }
        limit = decrement(limit);
        const nxv *e = v->list.items[i];
        const nxdoc *d;
        if (keyword) {
            d = keyword_item(c, e->tuple.items[0], e->tuple.items[1], limit);
        } else {
            d = to_doc(c, e, limit);
            simple = simple && is_simple(d);
        }
        if (i == v->list.n - 1 && v->list.tail) {
            /* The last cell of an improper list: `item | tail` is one entry. */
            const nxdoc *t = to_doc(c, v->list.tail, limit);
            simple = simple && is_simple(t);
            d = glue(c, cat(c, d, str(c, " |")), " ", t, simple);
        }
        docs[m++] = d;
    }
    return container(c, "[", docs, m, simple, "]", keyword ? B_STRICT : B_MAYBE);
}

static const nxdoc *tuple_doc(nxdoc_ctx *c, const nxv *v, int64_t limit)
{
    const nxdoc **docs = nxdoc_alloc(c, (size_t)(v->tuple.n + 1) * sizeof *docs);
    int64_t m = 0;
    for (int64_t i = 0; i < v->tuple.n; i++) {
        if (limit == 0) {
            docs[m++] = str(c, "...");
            break;
        }
        limit = decrement(limit);
        docs[m++] = to_doc(c, v->tuple.items[i], limit);
    }
    return container(c, "{", docs, m, 0, "}", B_FLEX);
}

/* A map with __struct__: Mod prints as %Mod{field: value, ...}, fields in the order the
 * map keeps them (the structs nxc makes list them in definition order). */
static const nxdoc *struct_doc(nxdoc_ctx *c, const nxv *v, const char *mod, int64_t limit)
{
    const nxdoc **docs = nxdoc_alloc(c, (size_t)(v->map.n + 1) * sizeof *docs);
    int64_t m = 0;
    for (int64_t i = 0; i < v->map.n; i++) {
        if (nxv_is_atom(v->map.keys[i], "__struct__"))
            continue;
        if (limit == 0) {
            docs[m++] = str(c, "...");
            break;
        }
        limit = decrement(limit);
        docs[m++] = keyword_item(c, v->map.keys[i], v->map.vals[i], limit);
    }
    size_t n = strlen(mod) + 3;
    char *open = nxdoc_alloc(c, n);
    snprintf(open, n, "%%%s{", mod);
    return container(c, open, docs, m, 0, "}", B_STRICT);
}

/* Nx.Batch derives Inspect with only: [:size, :pad]. */
static const nxdoc *batch_doc(nxdoc_ctx *c, const nxv *v)
{
    long long size = 0, pad = 0;
    for (int64_t i = 0; i < v->map.n; i++)
        if (v->map.vals[i]->kind == NXV_INT && nxv_is_atom(v->map.keys[i], "size"))
            size = (long long)v->map.vals[i]->i;
        else if (v->map.vals[i]->kind == NXV_INT && nxv_is_atom(v->map.keys[i], "pad"))
            pad = (long long)v->map.vals[i]->i;
    char buf[96];
    snprintf(buf, sizeof buf, "#Nx.Batch<size: %lld, pad: %lld, ...>", size, pad);
    return strn(c, buf, strlen(buf));
}

static const nxdoc *map_doc(nxdoc_ctx *c, const nxv *v, int64_t limit)
{
    int64_t n = v->map.n;
    if (nxi_is_batch(v))
        return batch_doc(c, v);
    for (int64_t i = 0; i < n; i++)
        if (nxv_is_atom(v->map.keys[i], "__struct__") && v->map.vals[i]->kind == NXV_ATOM &&
            !strncmp(v->map.vals[i]->atom, "Elixir.", 7))
            return struct_doc(c, v, v->map.vals[i]->atom + 7, limit);
    /* Pairs in key order, as Erlang keeps small maps. */
    int64_t *ix = nxv_map_order(v);
    int keyword = 1;
    for (int64_t i = 0; i < n && keyword; i++)
        keyword = keyword_key(v->map.keys[i]);
    const nxdoc **docs = nxdoc_alloc(c, (size_t)(n + 1) * sizeof *docs);
    int64_t m = 0;
    for (int64_t i = 0; i < n; i++) {
        if (limit == 0) {
            docs[m++] = str(c, "...");
            break;
        }
        limit = decrement(limit);
        const nxv *key = v->map.keys[ix[i]], *val = v->map.vals[ix[i]];
        if (keyword)
            docs[m++] = keyword_item(c, key, val, limit);
        else
            docs[m++] = cat(c, cat(c, to_doc(c, key, limit), str(c, " => ")), to_doc(c, val, limit));
    }
    return container(c, "%{", docs, m, 0, "}", B_STRICT);
}

static const nxdoc *int_doc(nxdoc_ctx *c, nxi_int i)
{
    char buf[NXI_INT_TEXT_MAX];
    int n = nxi_int_text(buf, i);
    return strn(c, buf, (size_t)n);
}

/* Inspect.BitString's bit syntax: <<1, 2, 3>>, <<1, 2::size(4)>>, flex breaks, nest 2. */
static const nxdoc *bits_doc(nxdoc_ctx *c, const nxv *v, int64_t limit)
{
    int64_t full = v->bin.bits / 8, rest = v->bin.bits % 8;
    int64_t count = full + (rest ? 1 : 0);
    /* each_bit builds right to left: item "," flex-break rest. */
    int64_t shown = count;
    int ellipsis = 0;
    if (limit < count) {      /* each_bit's counter reaches 0 before the end */
        shown = limit;
        ellipsis = 1;
    }
    const nxdoc *inner = ellipsis ? str(c, "...") : NULL;
    for (int64_t i = shown - 1; i >= 0; i--) {
        const nxdoc *item;
        if (i == full) {
            unsigned last = v->bin.bytes[full] >> (8 - rest);
            char buf[40];
            snprintf(buf, sizeof buf, "%u::size(%d)", last, (int)rest);
            item = strn(c, buf, strlen(buf));
        } else {
            item = int_doc(c, v->bin.bytes[i]);
        }
        inner = inner ? glue(c, cat(c, item, str(c, ",")), " ", inner, 1) : item;
    }
    if (!inner)
        inner = &doc_nil;
    return group(c, cat(c, cat(c, str(c, "<<"), nest(c, inner, 2)), str(c, ">>")));
}

static const nxdoc *binary_doc(nxdoc_ctx *c, const nxv *v, int64_t limit)
{
    if (v->bin.bits % 8 == 0 && nxinspect_printable_string(v->bin.bytes, v->bin.bits / 8)) {
        nxdoc_buf b = { 0 };
        nxdoc_putc(&b, '"');
        int cut = nxinspect_escape(&b, v->bin.bytes, v->bin.bits / 8, '"', PRINTABLE_LIMIT);
        nxdoc_puts(&b, cut ? "\" <> ..." : "\"");
        return take(c, &b);
    }
    return bits_doc(c, v, limit);
}

/* The tensor's own text, every line after the first a forced line break (so it takes
 * the enclosing nesting), the whole never fitting a line (Nx's force_unfit). */
static const nxdoc *tensor_doc(nxdoc_ctx *c, const nx_tensor *t, int64_t limit)
{
    int64_t lim = limit == NXI_LIMIT_INFINITY ? NX_LIMIT_NONE : limit == 0 ? NX_LIMIT_ZERO : limit;
    char *text = t ? nx_inspect(t, .limit = lim) : NULL;
    if (!text) {
        nx_error_clear();
        return mk(c, D_FORCE, NULL, 0, str(c, "#Nx.Tensor<?>"), NULL);
    }
    const nxdoc *d = NULL;
    const char *p = text;
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        const nxdoc *line = strn(c, p, n);
        d = d ? cat(c, d, cat(c, &doc_line, line)) : line;
        if (!nl)
            break;
        p = nl + 1;
    }
    nx_free(text);
    return mk(c, D_FORCE, NULL, 0, d, NULL);
}

static const nxdoc *fun_doc(nxdoc_ctx *c, const nxv *v)
{
    nxdoc_buf b = { 0 };
    char buf[64];
    if (v->fun.fn || !v->fun.name) {
        snprintf(buf, sizeof buf, "#Function<42.39164016/%d in :erl_eval.expr/6>", v->fun.arity);
        nxdoc_puts(&b, buf);
        return take(c, &b);
    }
    const char *m = v->fun.module ? v->fun.module : "Kernel";
    nxdoc_putc(&b, '&');
    if (!strncmp(m, "Elixir.", 7))
        m += 7;
    if (*m != ':' && !(*m >= 'A' && *m <= 'Z'))
        nxdoc_putc(&b, ':');       /* an Erlang module: &:math.sqrt/1 */
    nxdoc_puts(&b, m);
    nxdoc_putc(&b, '.');
    nxdoc_puts(&b, v->fun.name);
    snprintf(buf, sizeof buf, "/%d", v->fun.arity);
    nxdoc_puts(&b, buf);
    return take(c, &b);
}

static const nxdoc *range_doc(nxdoc_ctx *c, const nxv *v)
{
    const nxdoc *d = cat(c, int_doc(c, v->range.first), cat(c, str(c, ".."), int_doc(c, v->range.last)));
    if (v->range.step == 1 && v->range.last >= v->range.first)
        return d;
    return cat(c, d, cat(c, str(c, "//"), int_doc(c, v->range.step)));
}

static const nxdoc *complex_doc(nxdoc_ctx *c, double re, double im)
{
    char buf[NXFMT_COMPLEX_MAX];
    uint64_t rb, ib;
    memcpy(&rb, &re, sizeof rb);
    memcpy(&ib, &im, sizeof ib);
    int n = nxfmt_complex(buf, sizeof buf, NX_C128, rb, ib);
    return strn(c, buf, n > 0 ? (size_t)n : 0);
}

static const nxdoc *to_doc(nxdoc_ctx *c, const nxv *v, int64_t limit)
{
    if (!v)
        return str(c, "nil");
    switch (v->kind) {
    case NXV_INT:
        return int_doc(c, v->i);
    case NXV_FLOAT: {
        char buf[NXI_FLOAT_TEXT_MAX];
        int n = nxi_float_text(buf, v->f);
        return strn(c, buf, (size_t)n);
    }
    case NXV_ATOM: {
        nxdoc_buf b = { 0 };
        nxinspect_atom_literal(&b, v->atom);
        return take(c, &b);
    }
    case NXV_BINARY:
        return binary_doc(c, v, limit);
    case NXV_LIST:
        return list_doc(c, v, limit);
    case NXV_TUPLE:
        return tuple_doc(c, v, limit);
    case NXV_MAP:
        return map_doc(c, v, limit);
    case NXV_FUN:
        return fun_doc(c, v);
    case NXV_TENSOR:
        return tensor_doc(c, v->tensor, limit);
    case NXV_RANGE:
        return range_doc(c, v);
    case NXV_COMPLEX:
        return complex_doc(c, v->c.re, v->c.im);
    }
    return str(c, "#Unknown<>");
}

/* ---- entry points ---- */

char *nxi_inspect_with(const nxv *v, nxi_inspect_opts o)
{
    nxdoc_ctx c = { 0 };
    nxdoc_buf out = { 0 };
    int64_t width = o.width ? o.width : DEFAULT_WIDTH;
    int64_t limit = o.limit ? o.limit : DEFAULT_LIMIT;
    if (width < 0)
        width = 0;
    if (limit < 0)
        limit = 0;
    const nxdoc *d = group(&c, to_doc(&c, v, limit));
    nxdoc_format(&c, d, width, &out);
    char *text = nxi_strndup(out.p ? out.p : "", out.n);
    free(out.p);
    nxdoc_ctx_free(&c);
    return text;
}

char *nxi_inspect(const nxv *v)
{
    return nxi_inspect_with(v, (nxi_inspect_opts){ .width = DEFAULT_WIDTH });
}

char *nxi_inspect_plain(const nxv *v)
{
    return nxi_inspect_with(v, (nxi_inspect_opts){ .width = NXI_WIDTH_INFINITY });
}
