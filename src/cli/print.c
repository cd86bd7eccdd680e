/* src/cli/print.c: values printed as Elixir's Inspect prints them. Each value becomes an
 * Inspect.Algebra document (strings, forced lines, nesting, strict and flex breaks,
 * groups) built the way Elixir 1.18's Inspect implementations build theirs, and is laid
 * out by the same algorithm (Lindig's "Strictly Pretty" with Elixir's additions), so a
 * container breaks exactly where IEx breaks it. Tensors come from nx_inspect as rigid,
 * always-breaking text (Nx wraps its document in force_unfit). */
#include "cli/print.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/fmtfloat.h"
#include "cli/nxlib_args.h"

#define DEFAULT_WIDTH 80
#define DEFAULT_LIMIT 50
#define PRINTABLE_LIMIT 4096   /* Inspect.Opts :printable_limit, in characters */

/* ---- scratch memory: documents live only while one value is printed ---- */

typedef struct pchunk {
    struct pchunk *next;
    size_t size, used;
    _Alignas(16) unsigned char mem[];
} pchunk;

typedef struct doc doc;

/* One layout entry: indentation, mode and document; d == NULL marks where a group's
 * content ends while fitting (Elixir's {:tail, b?, rest}). */
typedef struct {
    int64_t indent;
    int mode;
    const doc *d;
    int tail_b;
} entry;

typedef struct {
    entry *v;
    int64_t n, cap;
} stack;

typedef struct {
    char *p;
    size_t n, cap;
} sbuf;

typedef struct {
    pchunk *chunks;
    stack fit;          /* fits()'s own stack, reused */
} pctx;

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

static void *palloc(pctx *c, size_t n)
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

static void pctx_free(pctx *c)
{
    while (c->chunks) {
        pchunk *next = c->chunks->next;
        free(c->chunks);
        c->chunks = next;
    }
    free(c->fit.v);
}

static void push(stack *s, int64_t indent, int mode, const doc *d, int tail_b)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->v = xrealloc(s->v, (size_t)s->cap * sizeof *s->v);
    }
    s->v[s->n++] = (entry){ indent, mode, d, tail_b };
}

static void put(sbuf *b, const char *s, size_t n)
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

static void putz(sbuf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void putc_(sbuf *b, char ch)
{
    put(b, &ch, 1);
}

/* ---- documents ---- */

enum { D_NIL, D_STR, D_LINE, D_CONS, D_NEST, D_BREAK, D_GROUP, D_FORCE };
enum { FLAT, BREAK };
enum { FIT, NO_FIT };

struct doc {
    int kind;
    int flex;              /* D_BREAK: flex break (re-decided at each occurrence) */
    int64_t len;           /* D_STR, D_BREAK: bytes of s; D_NEST: the indentation */
    const char *s;
    const doc *a, *b;      /* D_CONS: a then b; D_NEST, D_GROUP, D_FORCE: a */
};

static const doc doc_nil = { D_NIL, 0, 0, NULL, NULL, NULL };
static const doc doc_line = { D_LINE, 0, 0, NULL, NULL, NULL };

static const doc *mk(pctx *c, int kind, const char *s, int64_t len, const doc *a, const doc *b)
{
    doc *d = palloc(c, sizeof *d);
    *d = (doc){ kind, 0, len, s, a, b };
    return d;
}

/* A string document; s must outlive the print (a literal or scratch memory). */
static const doc *str(pctx *c, const char *s)
{
    return mk(c, D_STR, s, (int64_t)strlen(s), NULL, NULL);
}

/* A string document of a copy of s[0..n). */
static const doc *strn(pctx *c, const char *s, size_t n)
{
    char *copy = palloc(c, n + 1);
    memcpy(copy, s, n);
    copy[n] = '\0';
    return mk(c, D_STR, copy, (int64_t)n, NULL, NULL);
}

static const doc *cat(pctx *c, const doc *a, const doc *b)
{
    return mk(c, D_CONS, NULL, 0, a, b);
}

static const doc *nest(pctx *c, const doc *x, int64_t j)
{
    return j ? mk(c, D_NEST, NULL, j, x, NULL) : x;
}

static const doc *brk(pctx *c, const char *s, int flex)
{
    doc *d = (doc *)mk(c, D_BREAK, s, (int64_t)strlen(s), NULL, NULL);
    d->flex = flex;
    return d;
}

static const doc *group(pctx *c, const doc *x)
{
    return mk(c, D_GROUP, NULL, 0, x, NULL);
}

/* glue(a, s, b) and flex_glue(a, s, b). */
static const doc *glue(pctx *c, const doc *a, const char *s, const doc *b, int flex)
{
    return cat(c, a, cat(c, brk(c, s, flex), b));
}

/* Inspect.Algebra's simple?: text only (strings and their concatenations). */
static int is_simple(const doc *d)
{
    while (d->kind == D_CONS) {
        if (!is_simple(d->a))
            return 0;
        d = d->b;
    }
    return d->kind == D_STR || d->kind == D_NIL;
}

/* ---- layout (Inspect.Algebra.format/2 and its fits/4) ---- */

/* Whether what follows fits in w columns from column k: first the entry `first` (when
 * given), then, when `base` is given, the rest of the layout stack base[0..nbase).
 * `b` is Elixir's b?: a break was seen, so running past w means no fit. */
static int fits(pctx *c, int64_t w, int64_t k, int b, const entry *first, const entry *base,
                int64_t nbase)
{
    stack *s = &c->fit;
    s->n = 0;
    if (first)
        push(s, first->indent, first->mode, first->d, 0);
    for (;;) {
        if (k > w && b)
            return NO_FIT;
        entry e;
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
        const doc *d = e.d;
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

static void newline(sbuf *out, int64_t indent)
{
    putc_(out, '\n');
    for (int64_t i = 0; i < indent; i++)
        putc_(out, ' ');
}

/* Lays d out at width w (NXI_WIDTH_INFINITY: flat) into out. */
static void format(pctx *c, const doc *root, int64_t w, sbuf *out)
{
    int infinite = w == NXI_WIDTH_INFINITY;
    stack s = { 0 };
    int64_t k = 0;
    push(&s, 0, FLAT, root, 0);
    while (s.n) {
        entry e = s.v[--s.n];
        const doc *d = e.d;
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
            put(out, d->s, (size_t)d->len);
            k += d->len;
            break;
        case D_FORCE:
            push(&s, e.indent, e.mode, d->a, 0);
            break;
        case D_BREAK:
            if (d->flex) {
                k += d->len;
                if (infinite || e.mode == FLAT || fits(c, w, k, 1, NULL, s.v, s.n) != NO_FIT) {
                    put(out, d->s, (size_t)d->len);
                } else {
                    newline(out, e.indent);
                    k = e.indent;
                }
            } else if (e.mode == BREAK) {
                newline(out, e.indent);
                k = e.indent;
            } else {
                put(out, d->s, (size_t)d->len);
                k += d->len;
            }
            break;
        case D_NEST:
            push(&s, e.indent + d->len, e.mode, d->a, 0);
            break;
        case D_GROUP: {
            entry flat = { e.indent, FLAT, d->a, 0 };
            int mode = infinite || fits(c, w, k, 0, &flat, NULL, 0) == FIT ? FLAT : BREAK;
            push(&s, e.indent, mode, d->a, 0);
            break;
        }
        }
    }
    free(s.v);
}

/* ---- numbers ---- */

int nxi_int_text(char buf[NXI_INT_TEXT_MAX], nxi_int v)
{
    char tmp[NXI_INT_TEXT_MAX];
    int n = 0, len = 0;
    /* Work with the magnitude as unsigned so that the most negative value has one. */
    unsigned __int128 m = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
    do {
        tmp[n++] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m);
    if (v < 0)
        buf[len++] = '-';
    while (n)
        buf[len++] = tmp[--n];
    buf[len] = '\0';
    return len;
}

int nxi_float_text(char buf[NXI_FLOAT_TEXT_MAX], double f)
{
    if (isnan(f))
        return snprintf(buf, NXI_FLOAT_TEXT_MAX, ":nan");
    if (isinf(f))
        return snprintf(buf, NXI_FLOAT_TEXT_MAX, f > 0 ? ":infinity" : ":neg_infinity");
    /* Inspect.Float: integral values below 1.0e16 keep all their digits (1000.0, not
     * the shortest form 1.0e3); everything else is Float.to_charlist's shortest form. */
    if (fabs(f) >= 1.0 && fabs(f) < 1.0e16 && trunc(f) == f)
        return snprintf(buf, NXI_FLOAT_TEXT_MAX, "%.0f.0", f);
    uint64_t bits;
    memcpy(&bits, &f, sizeof bits);
    return nxfmt_float(buf, NXI_FLOAT_TEXT_MAX, NX_F64, bits);
}

/* ---- text: UTF-8, printability, escapes ---- */

/* Decodes one UTF-8 character at s[0..n) as Erlang's <<c::utf8>> does (no overlongs,
 * no surrogates, at most 0x10FFFF); returns its length, or 0 when invalid. */
static int utf8_decode(const unsigned char *s, int64_t n, uint32_t *cp)
{
    unsigned c0 = s[0];
    int len;
    uint32_t v, min;
    if (c0 < 0x80) {
        *cp = c0;
        return 1;
    } else if ((c0 & 0xE0) == 0xC0) {
        len = 2, v = c0 & 0x1F, min = 0x80;
    } else if ((c0 & 0xF0) == 0xE0) {
        len = 3, v = c0 & 0x0F, min = 0x800;
    } else if ((c0 & 0xF8) == 0xF0) {
        len = 4, v = c0 & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

static void utf8_encode(sbuf *b, uint32_t cp)
{
    char t[4];
    if (cp < 0x80) {
        putc_(b, (char)cp);
    } else if (cp < 0x800) {
        t[0] = (char)(0xC0 | (cp >> 6));
        t[1] = (char)(0x80 | (cp & 0x3F));
        put(b, t, 2);
    } else if (cp < 0x10000) {
        t[0] = (char)(0xE0 | (cp >> 12));
        t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[2] = (char)(0x80 | (cp & 0x3F));
        put(b, t, 3);
    } else {
        t[0] = (char)(0xF0 | (cp >> 18));
        t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        t[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[3] = (char)(0x80 | (cp & 0x3F));
        put(b, t, 4);
    }
}

/* The control characters Elixir prints by name: \a \b \t \n \v \f \r \e \d. */
static int named_control(uint32_t cp)
{
    return (cp >= 7 && cp <= 13) || cp == 27 || cp == 127;
}

/* String.printable?/2's characters. */
static int printable_char(uint32_t cp)
{
    return (cp >= 0x20 && cp <= 0x7E) || named_control(cp) || (cp >= 0xA0 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* String.printable?(s, 4096): the first 4096 characters are printable UTF-8. */
static int printable_string(const unsigned char *s, int64_t n)
{
    int64_t i = 0;
    for (int count = 0; i < n && count < PRINTABLE_LIMIT; count++) {
        uint32_t cp;
        int len = utf8_decode(s + i, n - i, &cp);
        if (!len || !printable_char(cp))
            return 0;
        i += len;
    }
    return 1;
}

static void put_hex(sbuf *b, uint32_t v, int digits)
{
    static const char hex[] = "0123456789ABCDEF";
    for (int i = digits - 1; i >= 0; i--)
        putc_(b, hex[(v >> (4 * i)) & 0xF]);
}

/* Code.Identifier.escape(s, quote, limit): the text between the quotes. Returns 1 when
 * the limit cut it short (Elixir then appends " <> ..." / " ++ ..."). */
static int escape(sbuf *b, const unsigned char *s, int64_t n, char quote, int64_t limit)
{
    int64_t i = 0, count = 0;
    while (i < n) {
        if (count == limit)
            return 1;
        count++;
        unsigned char ch = s[i];
        if (ch == (unsigned char)quote || ch == '\\') {
            putc_(b, '\\');
            putc_(b, (char)ch);
            i++;
            continue;
        }
        if (ch == '#' && i + 1 < n && s[i + 1] == '{') {
            putz(b, "\\#{");
            i += 2;
            continue;
        }
        uint32_t cp;
        int len = utf8_decode(s + i, n - i, &cp);
        if (!len) {
            putz(b, "\\x");
            put_hex(b, ch, 2);
            i++;
            continue;
        }
        i += len;
        static const char names[] = "abtnvfr";
        if (cp >= 7 && cp <= 13) {
            putc_(b, '\\');
            putc_(b, names[cp - 7]);
        } else if (cp == 27) {
            putz(b, "\\e");
        } else if (cp == 127) {
            putz(b, "\\d");
        } else if (cp == 0) {
            putz(b, "\\0");
        } else if (printable_char(cp)) {
            utf8_encode(b, cp);
        } else if (cp < 0x100) {
            putz(b, "\\x");
            put_hex(b, cp, 2);
        } else {
            putz(b, "\\x{");
            put_hex(b, cp, cp < 0x10000 ? 4 : 6);
            putc_(b, '}');
        }
    }
    return 0;
}

/* ---- atoms (Macro.inspect_atom/2) ---- */

static const char *const operators[] = {
    "+", "-", "*", "/", "**", "++", "--", "+++", "---", "<>", "!", "^", "&", "@", "==", "!=",
    "===", "!==", "=~", "<", ">", "<=", ">=", "&&", "||", "&&&", "|||", "<<<", ">>>", "<<~",
    "~>>", "<~", "~>", "<~>", "|>", "=", "|", "\\\\", "<-", "//", "when", "in", "and", "or",
    "not",
};
/* Special forms and ambiguous names: callable only quoted, printed bare. */
static const char *const not_callable[] = { "%", "%{}", "{}", "<<>>", "...", "..", ".",
                                            "..//", "->" };
/* Operators written quoted as atoms. */
static const char *const quoted_operators[] = { "::", "^^^", "~~~", "<|>" };

static int in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

#define IN(s, list) in_list((s), (list), sizeof(list) / sizeof((list)[0]))

static int is_lower(int ch) { return ch >= 'a' && ch <= 'z'; }
static int is_upper(int ch) { return ch >= 'A' && ch <= 'Z'; }
static int is_digit(int ch) { return ch >= '0' && ch <= '9'; }

static int ident_char(int ch)
{
    return is_lower(ch) || is_upper(ch) || is_digit(ch) || ch == '_' || ch >= 0x80;
}

/* "Elixir" followed by pieces ".Upper[A-Za-z0-9_]*". */
static int valid_alias(const char *s)
{
    if (strncmp(s, "Elixir", 6) != 0)
        return 0;
    s += 6;
    while (*s) {
        if (s[0] != '.' || !is_upper((unsigned char)s[1]))
            return 0;
        s += 2;
        while (is_lower(*s) || is_upper(*s) || is_digit(*s) || *s == '_')
            s++;
    }
    return 1;
}

enum { A_ALIAS, A_IDENTIFIER, A_UNQUOTED, A_QUOTED };

/* Macro.classify_atom/1. Identifiers follow the tokenizer: a letter or '_', then letters,
 * digits and '_', then at most one '?' or '!'; non-ASCII letters are taken as letters.
 * One starting with an uppercase letter or holding '@' is an alias-like token
 * (not callable, printed bare). */
static int classify_atom(const char *s)
{
    if (IN(s, not_callable))
        return A_UNQUOTED;
    if (IN(s, quoted_operators))
        return A_QUOTED;
    if (IN(s, operators))
        return A_UNQUOTED;
    if (valid_alias(s))
        return A_ALIAS;
    const unsigned char *p = (const unsigned char *)s;
    if (!(is_lower(*p) || is_upper(*p) || *p == '_' || *p >= 0x80))
        return A_QUOTED;
    int upper = is_upper(*p), at = 0;
    while (ident_char(*p) || *p == '@') {
        at |= *p == '@';
        p++;
    }
    if (*p == '?' || *p == '!')
        p++;
    if (*p)
        return A_QUOTED;
    return upper || at ? A_UNQUOTED : A_IDENTIFIER;
}

/* `:foo`, `:"foo bar"`, `nil`, `Nx.LinAlg` (the atom "Elixir.Nx.LinAlg"). */
static void atom_literal(sbuf *b, const char *a)
{
    if (!strcmp(a, "nil") || !strcmp(a, "true") || !strcmp(a, "false")) {
        putz(b, a);
        return;
    }
    switch (classify_atom(a)) {
    case A_ALIAS:
        if (!strcmp(a, "Elixir") || !strcmp(a, "Elixir.Elixir") || !strncmp(a, "Elixir.Elixir.", 14))
            putz(b, a);
        else
            putz(b, a + 7);
        break;
    case A_QUOTED:
        putz(b, ":\"");
        escape(b, (const unsigned char *)a, (int64_t)strlen(a), '"', INT64_MAX);
        putc_(b, '"');
        break;
    default:
        putc_(b, ':');
        putz(b, a);
        break;
    }
}

/* A keyword key with its colon: `foo:`, `"foo bar":`. */
static void atom_key(sbuf *b, const char *a)
{
    switch (classify_atom(a)) {
    case A_ALIAS:
        putc_(b, '"');
        putz(b, a);
        putz(b, "\":");
        break;
    case A_QUOTED:
        putc_(b, '"');
        escape(b, (const unsigned char *)a, (int64_t)strlen(a), '"', INT64_MAX);
        putz(b, "\":");
        break;
    default:
        putz(b, a);
        putc_(b, ':');
        break;
    }
}

/* ---- values to documents ---- */

static const doc *to_doc(pctx *c, const nxv *v, int64_t limit);

/* A document of the text an sbuf collected (and frees the sbuf). */
static const doc *take(pctx *c, sbuf *b)
{
    const doc *d = strn(c, b->p ? b->p : "", b->n);
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
static const doc *container(pctx *c, const char *left, const doc **docs, int64_t n, int simple,
                            const char *right, int mode)
{
    if (n == 0)
        return cat(c, str(c, left), str(c, right));
    int flex = (mode == B_MAYBE && simple) || mode == B_FLEX;
    const doc *body = docs[n - 1];
    for (int64_t i = n - 2; i >= 0; i--)
        body = glue(c, cat(c, docs[i], str(c, ",")), " ", body, flex);
    if (flex)
        return group(c, cat(c, cat(c, str(c, left), nest(c, body, 1)), str(c, right)));
    const doc *open = nest(c, glue(c, str(c, left), "", body, 0), 2);
    return group(c, glue(c, open, "", str(c, right), 0));
}

/* `key: value` for keyword lists and maps with atom keys. */
static const doc *keyword_item(pctx *c, const nxv *key, const nxv *value, int64_t limit)
{
    sbuf b = { 0 };
    atom_key(&b, key->atom);
    putc_(&b, ' ');
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
        if (e->kind != NXV_INT || !((e->i >= 32 && e->i <= 126) || named_control((uint32_t)e->i)))
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

static const doc *charlist_doc(pctx *c, const nxv *v)
{
    sbuf text = { 0 }, b = { 0 };
    int64_t n = v->list.n < PRINTABLE_LIMIT + 1 ? v->list.n : PRINTABLE_LIMIT + 1;
    for (int64_t i = 0; i < n; i++)
        utf8_encode(&text, (uint32_t)v->list.items[i]->i);
    putz(&b, "~c\"");
    int cut = escape(&b, (const unsigned char *)text.p, (int64_t)text.n, '"', PRINTABLE_LIMIT);
    putz(&b, cut ? "\" ++ ..." : "\"");
    free(text.p);
    return take(c, &b);
}

static const doc *list_doc(pctx *c, const nxv *v, int64_t limit)
{
    if (v->list.n == 0)       /* [] (or a bare tail, which is just that value) */
        return v->list.tail ? to_doc(c, v->list.tail, limit) : str(c, "[]");
    if (printable_charlist(v))
        return charlist_doc(c, v);
    int keyword = is_keyword_list(v);
    const doc **docs = palloc(c, (size_t)(v->list.n + 1) * sizeof *docs);
    int64_t m = 0;
    int simple = !keyword;
    for (int64_t i = 0; i < v->list.n; i++) {
        if (limit == 0) {
            docs[m++] = str(c, "...");
            break;
        }
        limit = decrement(limit);
        const nxv *e = v->list.items[i];
        const doc *d;
        if (keyword) {
            d = keyword_item(c, e->tuple.items[0], e->tuple.items[1], limit);
        } else {
            d = to_doc(c, e, limit);
            simple = simple && is_simple(d);
        }
        if (i == v->list.n - 1 && v->list.tail) {
            /* The last cell of an improper list: `item | tail` is one entry. */
            const doc *t = to_doc(c, v->list.tail, limit);
            simple = simple && is_simple(t);
            d = glue(c, cat(c, d, str(c, " |")), " ", t, simple);
        }
        docs[m++] = d;
    }
    return container(c, "[", docs, m, simple, "]", keyword ? B_STRICT : B_MAYBE);
}

static const doc *tuple_doc(pctx *c, const nxv *v, int64_t limit)
{
    const doc **docs = palloc(c, (size_t)(v->tuple.n + 1) * sizeof *docs);
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
static const doc *struct_doc(pctx *c, const nxv *v, const char *mod, int64_t limit)
{
    const doc **docs = palloc(c, (size_t)(v->map.n + 1) * sizeof *docs);
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
    char *open = palloc(c, n);
    snprintf(open, n, "%%%s{", mod);
    return container(c, open, docs, m, 0, "}", B_STRICT);
}

/* Nx.Batch derives Inspect with only: [:size, :pad]. */
static const doc *batch_doc(pctx *c, const nxv *v)
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

static const doc *map_doc(pctx *c, const nxv *v, int64_t limit)
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
    const doc **docs = palloc(c, (size_t)(n + 1) * sizeof *docs);
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

static const doc *int_doc(pctx *c, nxi_int i)
{
    char buf[NXI_INT_TEXT_MAX];
    int n = nxi_int_text(buf, i);
    return strn(c, buf, (size_t)n);
}

/* Inspect.BitString's bit syntax: <<1, 2, 3>>, <<1, 2::size(4)>>, flex breaks, nest 2. */
static const doc *bits_doc(pctx *c, const nxv *v, int64_t limit)
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
    const doc *inner = ellipsis ? str(c, "...") : NULL;
    for (int64_t i = shown - 1; i >= 0; i--) {
        const doc *item;
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

static const doc *binary_doc(pctx *c, const nxv *v, int64_t limit)
{
    if (v->bin.bits % 8 == 0 && printable_string(v->bin.bytes, v->bin.bits / 8)) {
        sbuf b = { 0 };
        putc_(&b, '"');
        int cut = escape(&b, v->bin.bytes, v->bin.bits / 8, '"', PRINTABLE_LIMIT);
        putz(&b, cut ? "\" <> ..." : "\"");
        return take(c, &b);
    }
    return bits_doc(c, v, limit);
}

/* The tensor's own text, every line after the first a forced line break (so it takes
 * the enclosing nesting), the whole never fitting a line (Nx's force_unfit). */
static const doc *tensor_doc(pctx *c, const nx_tensor *t, int64_t limit)
{
    int64_t lim = limit == NXI_LIMIT_INFINITY ? NX_LIMIT_NONE : limit == 0 ? NX_LIMIT_ZERO : limit;
    char *text = t ? nx_inspect(t, .limit = lim) : NULL;
    if (!text) {
        nx_error_clear();
        return mk(c, D_FORCE, NULL, 0, str(c, "#Nx.Tensor<?>"), NULL);
    }
    const doc *d = NULL;
    const char *p = text;
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        const doc *line = strn(c, p, n);
        d = d ? cat(c, d, cat(c, &doc_line, line)) : line;
        if (!nl)
            break;
        p = nl + 1;
    }
    nx_free(text);
    return mk(c, D_FORCE, NULL, 0, d, NULL);
}

static const doc *fun_doc(pctx *c, const nxv *v)
{
    sbuf b = { 0 };
    char buf[64];
    if (v->fun.fn || !v->fun.name) {
        snprintf(buf, sizeof buf, "#Function<42.39164016/%d in :erl_eval.expr/6>", v->fun.arity);
        putz(&b, buf);
        return take(c, &b);
    }
    const char *m = v->fun.module ? v->fun.module : "Kernel";
    putc_(&b, '&');
    if (!strncmp(m, "Elixir.", 7))
        m += 7;
    if (*m != ':' && !is_upper((unsigned char)*m))
        putc_(&b, ':');       /* an Erlang module: &:math.sqrt/1 */
    putz(&b, m);
    putc_(&b, '.');
    putz(&b, v->fun.name);
    snprintf(buf, sizeof buf, "/%d", v->fun.arity);
    putz(&b, buf);
    return take(c, &b);
}

static const doc *range_doc(pctx *c, const nxv *v)
{
    const doc *d = cat(c, int_doc(c, v->range.first), cat(c, str(c, ".."), int_doc(c, v->range.last)));
    if (v->range.step == 1 && v->range.last >= v->range.first)
        return d;
    return cat(c, d, cat(c, str(c, "//"), int_doc(c, v->range.step)));
}

static const doc *complex_doc(pctx *c, double re, double im)
{
    char buf[NXFMT_COMPLEX_MAX];
    uint64_t rb, ib;
    memcpy(&rb, &re, sizeof rb);
    memcpy(&ib, &im, sizeof ib);
    int n = nxfmt_complex(buf, sizeof buf, NX_C128, rb, ib);
    return strn(c, buf, n > 0 ? (size_t)n : 0);
}

static const doc *to_doc(pctx *c, const nxv *v, int64_t limit)
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
        sbuf b = { 0 };
        atom_literal(&b, v->atom);
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
    pctx c = { 0 };
    sbuf out = { 0 };
    int64_t width = o.width ? o.width : DEFAULT_WIDTH;
    int64_t limit = o.limit ? o.limit : DEFAULT_LIMIT;
    if (width < 0)
        width = 0;
    if (limit < 0)
        limit = 0;
    const doc *d = group(&c, to_doc(&c, v, limit));
    format(&c, d, width, &out);
    char *text = nxi_strndup(out.p ? out.p : "", out.n);
    free(out.p);
    pctx_free(&c);
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
