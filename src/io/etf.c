/* src/io/etf.c: Erlang's External Term Format, the subset Nx.serialize writes and reads
 * (spec/formats.md §2.4). The decoder checks every length against the bytes left before
 * allocating, so a term never takes memory out of proportion to its input, and bounds
 * the nesting depth. */
#include <stdio.h>
#include <string.h>
#include <zlib.h>
#include "core/alloc.h"
#include "core/error.h"
#include "io/etf.h"

#define MAX_DEPTH 200
/* zlib expands at most about 1032:1: a compressed term claiming more is refused. */
#define MAX_RATIO 1032

struct nxetf_block {
    struct nxetf_block *next;
    max_align_t data[];
};

static void *arena_alloc(nxetf_arena *a, size_t bytes)
{
    struct nxetf_block *b = nx_alloc(sizeof *b + bytes);
    if (!b)
        return nxerr_oom(sizeof *b + bytes);
    b->next = a->head;
    a->head = b;
    memset(b->data, 0, bytes);
    return b->data;
}

void nxetf_arena_free(nxetf_arena *a)
{
    while (a->head) {
        struct nxetf_block *b = a->head;
        a->head = b->next;
        nx_free(b);
    }
}

/* ---------------------------------------------------------------- decoding */

typedef struct {
    const unsigned char *p, *end;
    nxetf_arena *a;
    const char *err;
    int depth;
} cursor;

static int bad(cursor *c)
{
    return nxerr_set(NX_ARGUMENT_ERROR, "%s", c->err);
}

static int need(cursor *c, int64_t n)
{
    return n < 0 || n > c->end - c->p ? bad(c) : 0;
}

static uint64_t be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static int decode(cursor *c, nxetf *t);

/* n items, each at least one byte: checked against the input before allocating. */
static int items(cursor *c, nxetf *t, int64_t n)
{
    if (need(c, n) < 0)
        return -1;
    t->n = n;
    if (n == 0)
        return 0;
    if (!(t->items = arena_alloc(c->a, (size_t)n * sizeof *t->items)))
        return -1;
    for (int64_t i = 0; i < n; i++)
        if (decode(c, &t->items[i]) < 0)
            return -1;
    return 0;
}

static int atom(cursor *c, nxetf *t, int64_t len, int latin1)
{
    if (need(c, len) < 0)
        return -1;
    /* Latin-1 atoms (the old tags) become UTF-8: at most two bytes a character. */
    char *s = arena_alloc(c->a, (size_t)len * 2 + 1);
    if (!s)
        return -1;
    int64_t o = 0;
    for (int64_t i = 0; i < len; i++) {
        unsigned char ch = c->p[i];
        if (latin1 && ch >= 0x80) {
            s[o++] = (char)(0xC0 | ch >> 6);
            s[o++] = (char)(0x80 | (ch & 0x3F));
        } else {
            s[o++] = (char)ch;
        }
    }
    c->p += len;
    t->kind = NXETF_ATOM;
    t->s = s;
    t->len = o;
    return 0;
}

static int bignum(cursor *c, nxetf *t, int64_t n)
{
    if (need(c, n + 1) < 0)
        return -1;
    int neg = c->p[0];
    const unsigned char *m = c->p + 1;
    c->p += n + 1;
    uint64_t v = 0;
    int64_t top = n;
    while (top > 0 && m[top - 1] == 0)
        top--;
    t->kind = NXETF_BIG;
    if (top > 8)
        return 0;
    for (int64_t i = top - 1; i >= 0; i--)
        v = v << 8 | m[i];
    if (!neg && v <= INT64_MAX)
        t->kind = NXETF_INT, t->i = (int64_t)v;
    else if (neg && v <= (uint64_t)INT64_MAX + 1)
        t->kind = NXETF_INT, t->i = (int64_t)(0 - v);
    return 0;
}

static int decode(cursor *c, nxetf *t)
{
    if (need(c, 1) < 0 || ++c->depth > MAX_DEPTH)
        return bad(c);
    int tag = *c->p++, rc = 0;
    switch (tag) {
    case 97:
        if ((rc = need(c, 1)) == 0)
            t->kind = NXETF_INT, t->i = *c->p++;
        break;
    case 98:
        if ((rc = need(c, 4)) == 0)
            t->kind = NXETF_INT, t->i = (int32_t)be(c->p, 4), c->p += 4;
        break;
    case 110:
        if ((rc = need(c, 1)) == 0) {
            int64_t n = *c->p++;
            rc = bignum(c, t, n);
        }
        break;
    case 111:
        if ((rc = need(c, 4)) == 0) {
            int64_t n = (int64_t)be(c->p, 4);
            c->p += 4;
            rc = bignum(c, t, n);
        }
        break;
    case 70:
        if ((rc = need(c, 8)) == 0) {
            uint64_t bits = be(c->p, 8);
            c->p += 8;
            t->kind = NXETF_FLOAT;
            memcpy(&t->f, &bits, 8);
        }
        break;
    case 119: case 115:
        if ((rc = need(c, 1)) == 0) {
            int64_t n = *c->p++;
            rc = atom(c, t, n, tag == 115);
        }
        break;
    case 118: case 100:
        if ((rc = need(c, 2)) == 0) {
            int64_t n = (int64_t)be(c->p, 2);
            c->p += 2;
            rc = atom(c, t, n, tag == 100);
        }
        break;
    case 104:
        if ((rc = need(c, 1)) == 0) {
            int64_t n = *c->p++;
            t->kind = NXETF_TUPLE;
            rc = items(c, t, n);
        }
        break;
    case 105:
        if ((rc = need(c, 4)) == 0) {
            int64_t n = (int64_t)be(c->p, 4);
            c->p += 4;
            t->kind = NXETF_TUPLE;
            rc = items(c, t, n);
        }
        break;
    case 106:
        t->kind = NXETF_LIST;
        break;
    case 108:
        if ((rc = need(c, 4)) == 0) {
            int64_t n = (int64_t)be(c->p, 4);
            c->p += 4;
            t->kind = NXETF_LIST;
            /* Only proper lists: the tail must be []. */
            if ((rc = items(c, t, n)) == 0 && ((rc = need(c, 1)) == 0))
                rc = *c->p++ == 106 ? 0 : bad(c);
        }
        break;
    case 107:
        if ((rc = need(c, 2)) == 0) {
            int64_t n = (int64_t)be(c->p, 2);
            c->p += 2;
            t->kind = NXETF_LIST;
            if ((rc = need(c, n)) == 0 && n > 0 &&
                (t->items = arena_alloc(c->a, (size_t)n * sizeof *t->items)) == NULL)
                rc = -1;
            for (int64_t i = 0; rc == 0 && i < n; i++)
                t->items[i] = (nxetf){ .kind = NXETF_INT, .i = c->p[i] };
            if (rc == 0)
                t->n = n, c->p += n;
        }
        break;
    case 109:
    case 77:
        if ((rc = need(c, tag == 77 ? 5 : 4)) == 0) {
            int64_t n = (int64_t)be(c->p, 4);
            int last = tag == 77 ? c->p[4] : 8;
            c->p += tag == 77 ? 5 : 4;
            if ((rc = need(c, n)) == 0) {
                if (last < 1 || last > 8 || (tag == 77 && n == 0 && last != 8))
                    return bad(c);
                t->kind = NXETF_BINARY;
                t->s = (const char *)c->p;
                t->len = n;
                t->bits = n == 0 ? 0 : (n - 1) * 8 + last;
                c->p += n;
            }
        }
        break;
    case 116:
        if ((rc = need(c, 4)) == 0) {
            int64_t n = (int64_t)be(c->p, 4);
            c->p += 4;
            t->kind = NXETF_MAP;
            if (n > INT64_MAX / 2)
                return bad(c);
            rc = items(c, t, 2 * n);
            t->n = n;
        }
        break;
    default:
        rc = bad(c);
    }
    c->depth--;
    return rc;
}

nxetf *nxetf_decode(const unsigned char *data, int64_t len, nxetf_arena *a, const char *err)
{
    cursor c = { .p = data, .end = data + len, .a = a, .err = err };
    if (len < 2 || data[0] != 131)
        return bad(&c), NULL;
    unsigned char *plain = NULL;
    if (data[1] == 80) {
        /* 131, 80, size (4 bytes), zlib stream of the bytes after 131. */
        if (len < 6)
            return bad(&c), NULL;
        uint64_t size = be(data + 2, 4);
        if (size == 0 || size / MAX_RATIO > (uint64_t)len)
            return bad(&c), NULL;
        if (!(plain = arena_alloc(a, (size_t)size)))
            return NULL;
        uLongf got = (uLongf)size;
        if (uncompress(plain, &got, data + 6, (uLong)(len - 6)) != Z_OK || got != size)
            return bad(&c), NULL;
        c.p = plain;
        c.end = plain + size;
    } else {
        c.p = data + 1;
    }
    nxetf *t = arena_alloc(a, sizeof *t);
    if (!t || decode(&c, t) < 0)
        return NULL;
    if (c.p != c.end)
        return bad(&c), NULL;
    return t;
}

int nxetf_is_atom(const nxetf *t, const char *name)
{
    return t && t->kind == NXETF_ATOM && !strcmp(t->s, name);
}

/* ---------------------------------------------------------------- printing */

typedef struct { char *buf; size_t cap, n; } text;

static void put(text *o, const char *s, size_t len)
{
    for (size_t i = 0; i < len && o->n + 1 < o->cap; i++)
        o->buf[o->n++] = s[i];
    o->buf[o->n] = 0;
}
static void puts_(text *o, const char *s) { put(o, s, strlen(s)); }

static int plain_atom(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || ((*p == '?' || *p == '!') && !p[1])))
            return 0;
    return 1;
}

static void print(text *o, const nxetf *t)
{
    char num[40];
    if (o->n + 1 >= o->cap)
        return;
    switch (t->kind) {
    case NXETF_INT:
        snprintf(num, sizeof num, "%lld", (long long)t->i);
        puts_(o, num);
        break;
    case NXETF_BIG:
        puts_(o, "(a big integer)");
        break;
    case NXETF_FLOAT:
        snprintf(num, sizeof num, "%.17g", t->f);
        if (!strpbrk(num, ".en"))
            strcat(num, ".0");
        puts_(o, num);
        break;
    case NXETF_ATOM:
        if (!strcmp(t->s, "nil") || !strcmp(t->s, "true") || !strcmp(t->s, "false")) {
            puts_(o, t->s);
        } else if (!strncmp(t->s, "Elixir.", 7)) {
            puts_(o, t->s + 7);
        } else {
            puts_(o, ":");
            if (plain_atom(t->s)) {
                puts_(o, t->s);
            } else {
                puts_(o, "\"");
                puts_(o, t->s);
                puts_(o, "\"");
            }
        }
        break;
    case NXETF_BINARY:
        puts_(o, "<<");
        for (int64_t i = 0; i < t->len && o->n + 1 < o->cap; i++) {
            snprintf(num, sizeof num, i ? ", %d" : "%d", (unsigned char)t->s[i]);
            puts_(o, num);
        }
        puts_(o, ">>");
        break;
    case NXETF_TUPLE:
    case NXETF_LIST:
        puts_(o, t->kind == NXETF_TUPLE ? "{" : "[");
        for (int64_t i = 0; i < t->n; i++) {
            if (i)
                puts_(o, ", ");
            print(o, &t->items[i]);
        }
        puts_(o, t->kind == NXETF_TUPLE ? "}" : "]");
        break;
    case NXETF_MAP:
        puts_(o, "%{");
        for (int64_t i = 0; i < t->n; i++) {
            if (i)
                puts_(o, ", ");
            print(o, &t->items[2 * i]);
            puts_(o, " => ");
            print(o, &t->items[2 * i + 1]);
        }
        puts_(o, "}");
        break;
    }
}

const char *nxetf_text(const nxetf *t, char *buf, size_t cap)
{
    text o = { buf, cap, 0 };
    buf[0] = 0;
    print(&o, t);
    if (o.n + 1 >= cap && cap > 4)
        memcpy(buf + cap - 4, "...", 4);
    return buf;
}

/* ---------------------------------------------------------------- encoding */

static int put_be(nxio_writer *w, int tag, uint64_t v, int n)
{
    unsigned char b[9];
    b[0] = (unsigned char)tag;
    for (int i = 0; i < n; i++)
        b[1 + i] = (unsigned char)(v >> (8 * (n - 1 - i)));
    return nxio_write(w, b, n + 1);
}

int nxetf_put_int(nxio_writer *w, int64_t v)
{
    if (v >= 0 && v <= 255)
        return put_be(w, 97, (uint64_t)v, 1);
    if (v >= INT32_MIN && v <= INT32_MAX)
        return put_be(w, 98, (uint64_t)(uint32_t)(int32_t)v, 4);
    uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    unsigned char b[11];
    int n = 0;
    for (uint64_t x = m; x; x >>= 8)
        b[3 + n++] = (unsigned char)x;
    b[0] = 110;
    b[1] = (unsigned char)n;
    b[2] = v < 0;
    return nxio_write(w, b, 3 + n);
}

int nxetf_put_atom(nxio_writer *w, const char *name, size_t len)
{
    if (len > 0xFFFF)
        return nxerr_set(NX_ARGUMENT_ERROR, "atom too long to serialize");
    if ((len <= 255 ? put_be(w, 119, len, 1) : put_be(w, 118, len, 2)) < 0)
        return -1;
    return nxio_write(w, name, (int64_t)len);
}

int nxetf_put_tuple(nxio_writer *w, int64_t arity)
{
    return arity <= 255 ? put_be(w, 104, (uint64_t)arity, 1) : put_be(w, 105, (uint64_t)arity, 4);
}

int nxetf_put_list(nxio_writer *w, int64_t n)
{
    return put_be(w, 108, (uint64_t)n, 4);
}

int nxetf_put_nil(nxio_writer *w)
{
    unsigned char b = 106;
    return nxio_write(w, &b, 1);
}

int nxetf_put_binary(nxio_writer *w, const void *bytes, int64_t len)
{
    return put_be(w, 109, (uint64_t)len, 4) < 0 ? -1 : nxio_write(w, bytes, len);
}
