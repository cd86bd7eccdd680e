/* src/cli/value.c: the interpreter's values: the arena they live in, their constructors
 * and predicates, Elixir's == / === and Erlang's term order, and the pending exception.
 * Printing is print.c's job. */
#include "cli/value.h"
#include "cli/print.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/elem.h"
#include "core/tensor.h"

/* ---- the arena ---- */

/* Chunks are malloc'd directly (not through nx_alloc): the arena must never fail to its
 * caller, and the library's failure injection is for the library's own exits. Each
 * chunk has a sequence number, so that a mark (region.c) can tell the chunks made after
 * it wherever they sit in the list. */
typedef struct chunk {
    struct chunk *next;
    size_t size, used;
    uint64_t seq;
    _Alignas(16) unsigned char mem[];
} chunk;

/* Under ASan a rewound chunk tail is poisoned until handed out again, so that a value
 * used after its region was dropped is reported like a use after free. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) && !defined(__SANITIZE_ADDRESS__)
#define __SANITIZE_ADDRESS__ 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define SANITIZED 1
static void poison(void *p, size_t n) { ASAN_POISON_MEMORY_REGION(p, n); }
static void unpoison(void *p, size_t n) { ASAN_UNPOISON_MEMORY_REGION(p, n); }
#else
#define SANITIZED 0
static void poison(void *p, size_t n) { (void)p; (void)n; }
static void unpoison(void *p, size_t n) { (void)p; (void)n; }
#endif

#define CHUNK_BYTES ((size_t)64 * 1024)
#define ALIGN 16

static chunk *chunks;   /* newest first; big allocations get a chunk of their own, second */
static chunk *spare;    /* one standard chunk kept by a rewind, for the next one needed */
static uint64_t next_seq = 1;
static uint64_t total;  /* bytes handed out since the arena began (marks measure with it) */

static void out_of_memory(void)
{
    fputs("** (SystemLimitError) out of memory\n", stderr);
    exit(70);
}

static chunk *new_chunk(size_t size)
{
    chunk *c;
    if (size == CHUNK_BYTES && spare) {
        c = spare;
        spare = NULL;
    } else {
        if (size > SIZE_MAX - sizeof(chunk))
            out_of_memory();
        c = malloc(sizeof(chunk) + size);
        if (!c)
            out_of_memory();
    }
    c->size = size;
    c->used = 0;
    c->seq = next_seq++;
    return c;
}

static void drop_chunk(chunk *c)
{
    if (c->size == CHUNK_BYTES && !spare && !SANITIZED)
        spare = c;
    else
        free(c);
}

void *nxi_alloc(size_t bytes)
{
    size_t need = (bytes + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (need < bytes)
        out_of_memory();
    if (need == 0)
        need = ALIGN;
    total += need;
    if (!chunks || chunks->size - chunks->used < need) {
        size_t size = need > CHUNK_BYTES / 4 ? need : CHUNK_BYTES;
        chunk *c = new_chunk(size);
        if (size == need && chunks) {
            /* A big block: keep the current chunk first, it still has room. */
            c->next = chunks->next;
            chunks->next = c;
        } else {
            c->next = chunks;
            chunks = c;
        }
        if (size == need) {
            c->used = need;
            memset(c->mem, 0, need);
            return c->mem;
        }
    }
    void *p = chunks->mem + chunks->used;
    chunks->used += need;
    unpoison(p, need);
    memset(p, 0, need);
    return p;
}

/* ---- marks: what was allocated after a point, and dropping it ---- */

nxi_mark nxi_arena_mark(void)
{
    nxi_mark m = { next_seq - 1, chunks ? chunks->seq : 0, chunks ? chunks->used : 0, total };
    return m;
}

size_t nxi_arena_since(const nxi_mark *m)
{
    return (size_t)(total - m->total);
}

/* The chunks made after the mark come first in the list, except big ones inserted
 * second while the mark's chunk was first: those follow it, newest first (and the big
 * ones inserted there before the mark follow them). */
int nxi_arena_ranges(const nxi_mark *m, nxi_range **out)
{
    int n = 0, cap = 8;
    nxi_range *r = malloc((size_t)cap * sizeof *r);
    if (!r)
        out_of_memory();
    for (chunk *c = chunks; c && (c->seq > m->seq || c->seq == m->head); c = c->next) {
        size_t from = c->seq == m->head ? m->used : 0;
        if (c->used <= from)
            continue;
        if (n == cap) {
            cap *= 2;
            nxi_range *bigger = realloc(r, (size_t)cap * sizeof *r);
            if (!bigger)
                out_of_memory();
            r = bigger;
        }
        r[n].lo = (uintptr_t)(c->mem + from);
        r[n++].hi = (uintptr_t)(c->mem + c->used);
    }
    *out = r;
    return n;
}

void nxi_arena_rewind(const nxi_mark *m)
{
    chunk **at = &chunks;
    while (*at) {
        chunk *c = *at;
        if (c->seq > m->seq) {
            *at = c->next;
            drop_chunk(c);
            continue;
        }
        if (c->seq != m->head)
            break;
        c->used = m->used;   /* the mark's own chunk: back to where it was */
        poison(c->mem + c->used, c->size - c->used);
        at = &c->next;
    }
    /* Big chunks after the mark's chunk are newest first: the loop above stopped at the
     * first one made before the mark, so every newer chunk is gone. */
    total = m->total;
}

char *nxi_strndup(const char *s, size_t n)
{
    if (n == SIZE_MAX)
        out_of_memory();
    char *d = nxi_alloc(n + 1);
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *nxi_strdup(const char *s)
{
    return nxi_strndup(s, strlen(s));
}

void nxi_arena_reset(void)
{
    while (chunks) {
        chunk *next = chunks->next;
        free(chunks);
        chunks = next;
    }
    free(spare);
    spare = NULL;
    total = 0;
    nxi_regions_forget();
    nxi_defn_forget();   /* Nx.Defn's default options lived in the arena */
    nxi_clear_raised();
}

/* ---- constructors ---- */

static nxv *new_value(nxv_kind kind)
{
    nxv *v = nxi_alloc(sizeof *v);
    v->kind = kind;
    return v;
}

nxv *nxv_int(nxi_int i)
{
    nxv *v = new_value(NXV_INT);
    v->i = i;
    return v;
}

nxv *nxv_float(double f)
{
    nxv *v = new_value(NXV_FLOAT);
    v->f = f;
    return v;
}

nxv *nxv_atom(const char *name)
{
    const char *a = nx_atom(name);
    if (!a)
        out_of_memory();
    nxv *v = new_value(NXV_ATOM);
    v->atom = a;
    return v;
}

nxv *nxv_bool(int b)
{
    return nxv_atom(b ? "true" : "false");
}

nxv *nxv_nil(void)
{
    return nxv_atom("nil");
}

nxv *nxv_binary(const void *bytes, int64_t bits)
{
    if (bits < 0)
        bits = 0;
    size_t n = (size_t)((bits + 7) / 8);
    unsigned char *copy = nxi_alloc(n ? n : 1);
    if (n)
        memcpy(copy, bytes, n);
    nxv *v = new_value(NXV_BINARY);
    v->bin.bytes = copy;
    v->bin.bits = bits;
    return v;
}

nxv *nxv_string(const char *s)
{
    return nxv_binary(s, (int64_t)strlen(s) * 8);
}

nxv *nxv_list(int64_t n, nxv **items)
{
    nxv *v = new_value(NXV_LIST);
    v->list.n = n;
    v->list.items = items;
    return v;
}

nxv *nxv_tuple(int64_t n, nxv **items)
{
    nxv *v = new_value(NXV_TUPLE);
    v->tuple.n = n;
    v->tuple.items = items;
    return v;
}

nxv *nxv_map(int64_t n, nxv **keys, nxv **vals)
{
    nxv *v = new_value(NXV_MAP);
    v->map.n = n;
    v->map.keys = keys;
    v->map.vals = vals;
    return v;
}

nxv *nxv_tensor(nx_tensor *t)
{
    nxv *v = new_value(NXV_TENSOR);
    v->tensor = t;
    return v;
}

nxv *nxv_complex(double re, double im)
{
    nxv *v = new_value(NXV_COMPLEX);
    v->c.re = re;
    v->c.im = im;
    return v;
}

nxv *nxv_range(nxi_int first, nxi_int last, nxi_int step)
{
    nxv *v = new_value(NXV_RANGE);
    v->range.first = first;
    v->range.last = last;
    v->range.step = step;
    return v;
}

nxv **nxv_items(int64_t n)
{
    if (n < 0 || (uint64_t)n > SIZE_MAX / sizeof(nxv *))
        out_of_memory();
    return nxi_alloc((size_t)(n ? n : 1) * sizeof(nxv *));
}

/* ---- predicates ---- */

int nxv_is_atom(const nxv *v, const char *name)
{
    return v && v->kind == NXV_ATOM && strcmp(v->atom, name) == 0;
}

int nxv_is_nil(const nxv *v)
{
    return nxv_is_atom(v, "nil");
}

int nxv_truthy(const nxv *v)
{
    return v && !nxv_is_atom(v, "nil") && !nxv_is_atom(v, "false");
}

int nxv_is_keyword(const nxv *v)
{
    if (!v || v->kind != NXV_LIST || v->list.tail)
        return 0;
    for (int64_t i = 0; i < v->list.n; i++) {
        const nxv *e = v->list.items[i];
        if (e->kind != NXV_TUPLE || e->tuple.n != 2 || e->tuple.items[0]->kind != NXV_ATOM)
            return 0;
    }
    return 1;
}

nxv *nxv_keyword_get(const nxv *kw, const char *key)
{
    if (!nxv_is_keyword(kw))
        return NULL;
    for (int64_t i = 0; i < kw->list.n; i++) {
        nxv **kv = kw->list.items[i]->tuple.items;
        if (strcmp(kv[0]->atom, key) == 0)
            return kv[1];
    }
    return NULL;
}

/* ---- numbers ---- */

/* Compares an integer with a float exactly (as Erlang does, without rounding i). */
static int cmp_int_float(nxi_int i, double f)
{
    const double two127 = 170141183460469231731687303715884105728.0;   /* 2^127 */
    if (isnan(f))
        return -1;
    if (f >= two127)
        return -1;
    if (f < -two127)
        return 1;
    double t = trunc(f);                  /* exact, and within the int128 range */
    nxi_int ti = (nxi_int)t;
    if (i != ti)
        return i < ti ? -1 : 1;
    double frac = f - t;
    return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

static int cmp_float(double a, double b)
{
    return a < b ? -1 : a > b ? 1 : 0;
}

static int same_float_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* ---- equality ---- */

static int tensor_equal(const nx_tensor *a, const nx_tensor *b)
{
    if (a == b)
        return 1;
    if (!a || !b || a->type != b->type || a->rank != b->rank || a->vrank != b->vrank)
        return 0;
    for (int i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i] || a->names[i] != b->names[i])
            return 0;
    const unsigned char *x = nxtensor_data(a), *y = nxtensor_data(b);
    if (x == y)
        return 1;
    if (!x || !y)
        return 0;
    return memcmp(x, y, (size_t)nxelem_bytes(a->type, a->size)) == 0;
}

/* The bits of two bitstrings of equal length agree (a partial last byte holds its bits
 * in the high end, as in Erlang). */
static int bits_equal(const nxv *a, const nxv *b)
{
    int64_t bits = a->bin.bits, full = bits / 8;
    if (full && memcmp(a->bin.bytes, b->bin.bytes, (size_t)full) != 0)
        return 0;
    int rest = (int)(bits % 8);
    if (!rest)
        return 1;
    unsigned mask = (0xFFu << (8 - rest)) & 0xFFu;
    return (a->bin.bytes[full] & mask) == (b->bin.bytes[full] & mask);
}

static int same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static int64_t map_find(const nxv *m, const nxv *key)
{
    for (int64_t i = 0; i < m->map.n; i++)
        if (nxv_equal(m->map.keys[i], key, 1))
            return i;
    return -1;
}

static int compare(const nxv *a, const nxv *b, int key_order);

/* Keys match exactly (%{1 => x} != %{1.0 => x}); values by the operator. Large maps
 * are compared pair by pair in key order; only keys that sort alike without being
 * identical (0.0 and -0.0) send them, like small maps, to a lookup of each key. */
static int maps_equal(const nxv *a, const nxv *b, int strict)
{
    int64_t n = a->map.n;
    if (n != b->map.n)
        return 0;
    if (n > 16) {
        int64_t *oa = nxv_map_order(a), *ob = nxv_map_order(b);
        int64_t i = 0;
        while (i < n && nxv_equal(a->map.keys[oa[i]], b->map.keys[ob[i]], 1))
            i++;
        if (i == n) {
            for (i = 0; i < n; i++)
                if (!nxv_equal(a->map.vals[oa[i]], b->map.vals[ob[i]], strict))
                    return 0;
            return 1;
        }
        if (compare(a->map.keys[oa[i]], b->map.keys[ob[i]], 1) != 0)
            return 0;
    }
    for (int64_t i = 0; i < n; i++) {
        int64_t j = map_find(b, a->map.keys[i]);
        if (j < 0 || !nxv_equal(a->map.vals[i], b->map.vals[j], strict))
            return 0;
    }
    return 1;
}

int nxv_equal(const nxv *a, const nxv *b, int strict)
{
    if (a == b)
        return 1;
    if (!a || !b)
        return 0;
    if (!strict && (a->kind == NXV_INT || a->kind == NXV_FLOAT) &&
        (b->kind == NXV_INT || b->kind == NXV_FLOAT) && a->kind != b->kind)
        return a->kind == NXV_INT ? cmp_int_float(a->i, b->f) == 0 : cmp_int_float(b->i, a->f) == 0;
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case NXV_INT:
        return a->i == b->i;
    case NXV_FLOAT:
        /* OTP 27: 0.0 == -0.0, but 0.0 =/= -0.0. */
        return strict ? same_float_bits(a->f, b->f) : a->f == b->f;
    case NXV_ATOM:
        return a->atom == b->atom;
    case NXV_BINARY:
        return a->bin.bits == b->bin.bits && bits_equal(a, b);
    case NXV_LIST:
        if (a->list.n != b->list.n)
            return 0;
        for (int64_t i = 0; i < a->list.n; i++)
            if (!nxv_equal(a->list.items[i], b->list.items[i], strict))
                return 0;
        if (!a->list.tail || !b->list.tail)
            return !a->list.tail && !b->list.tail;
        return nxv_equal(a->list.tail, b->list.tail, strict);
    case NXV_TUPLE:
        if (a->tuple.n != b->tuple.n)
            return 0;
        for (int64_t i = 0; i < a->tuple.n; i++)
            if (!nxv_equal(a->tuple.items[i], b->tuple.items[i], strict))
                return 0;
        return 1;
    case NXV_MAP:
        return maps_equal(a, b, strict);
    case NXV_FUN:
        if (a->fun.arity != b->fun.arity || a->fun.builtin != b->fun.builtin)
            return 0;
        if (!a->fun.builtin)
            return a->fun.fn == b->fun.fn && a->fun.env == b->fun.env;
        return same_text(a->fun.module, b->fun.module) && same_text(a->fun.name, b->fun.name);
    case NXV_TENSOR:
        return tensor_equal(a->tensor, b->tensor);
    case NXV_RANGE:
        return a->range.first == b->range.first && a->range.last == b->range.last &&
               a->range.step == b->range.step;
    case NXV_COMPLEX:
        /* %Complex{} fields are floats compared by the operator. */
        return strict ? same_float_bits(a->c.re, b->c.re) && same_float_bits(a->c.im, b->c.im)
                      : a->c.re == b->c.re && a->c.im == b->c.im;
    }
    return 0;
}

/* ---- term order ---- */

/* Erlang's classes: number < atom < reference < fun < port < pid < tuple < map < list
 * < bitstring. Structs (tensors, ranges, complex numbers) are maps. */
static int term_class(const nxv *v)
{
    switch (v->kind) {
    case NXV_INT:
    case NXV_FLOAT: return 0;
    case NXV_ATOM: return 1;
    case NXV_FUN: return 3;
    case NXV_TUPLE: return 6;
    case NXV_MAP:
    case NXV_TENSOR:
    case NXV_RANGE:
    case NXV_COMPLEX: return 7;
    case NXV_LIST: return 8;
    case NXV_BINARY: return 9;
    }
    return 10;
}

static int sign(int64_t d)
{
    return d < 0 ? -1 : d > 0;
}

static int cmp_numbers(const nxv *a, const nxv *b, int key_order)
{
    if (a->kind == NXV_INT && b->kind == NXV_INT)
        return a->i < b->i ? -1 : a->i > b->i;
    if (a->kind == NXV_FLOAT && b->kind == NXV_FLOAT)
        return cmp_float(a->f, b->f);
    int c = a->kind == NXV_INT ? cmp_int_float(a->i, b->f) : -cmp_int_float(b->i, a->f);
    /* In map key order integers come before equal floats. */
    if (c == 0 && key_order)
        c = a->kind == NXV_INT ? -1 : 1;
    return c;
}

static int cmp_bits(const nxv *a, const nxv *b)
{
    int64_t common = a->bin.bits < b->bin.bits ? a->bin.bits : b->bin.bits;
    int64_t full = common / 8;
    if (full) {
        int c = memcmp(a->bin.bytes, b->bin.bytes, (size_t)full);
        if (c)
            return c < 0 ? -1 : 1;
    }
    int rest = (int)(common % 8);
    if (rest) {
        unsigned mask = (0xFFu << (8 - rest)) & 0xFFu;
        unsigned x = a->bin.bytes[full] & mask, y = b->bin.bytes[full] & mask;
        if (x != y)
            return x < y ? -1 : 1;
    }
    return sign(a->bin.bits - b->bin.bits);
}

/* The items of list v from i on, with its tail: the remainder as a term. */
static const nxv *list_rest(const nxv *v, int64_t i)
{
    nxv *rest = nxv_list(v->list.n - i, v->list.items + i);
    rest->list.tail = v->list.tail;
    return rest;
}

static int cmp_lists(const nxv *a, const nxv *b, int key_order)
{
    int64_t n = a->list.n < b->list.n ? a->list.n : b->list.n;
    for (int64_t i = 0; i < n; i++) {
        int c = compare(a->list.items[i], b->list.items[i], key_order);
        if (c)
            return c;
    }
    if (a->list.n == b->list.n) {
        const nxv *x = a->list.tail, *y = b->list.tail;
        if (!x || !y)
            return !x && !y ? 0 : !x ? -1 : 1;   /* [] is the smallest list */
        return compare(x, y, key_order);
    }
    /* One ran out: its tail (a term, or [] when proper) against the other's remainder. */
    const nxv *x = a->list.n < b->list.n ? a->list.tail : list_rest(a, n);
    const nxv *y = a->list.n < b->list.n ? list_rest(b, n) : b->list.tail;
    if (!x)
        return -1;
    if (!y)
        return 1;
    return compare(x, y, key_order);
}

/* A struct seen as a map: its field names (sorted) and, where they are values, the
 * field values. Tensors' fields are not values: they compare by identity. */
typedef struct {
    int64_t n;
    const char *const *keys;   /* NULL: a plain map, use map.keys */
    nxv *vals[4];
} struct_view;

static const char *const range_keys[] = { "__struct__", "first", "last", "step" };
static const char *const complex_keys[] = { "__struct__", "im", "re" };
static const char *const tensor_keys[] = { "__struct__", "data", "names", "shape", "type",
                                           "vectorized_axes" };

static struct_view view_of(const nxv *v)
{
    struct_view s = { 0 };
    switch (v->kind) {
    case NXV_RANGE:
        s.n = 4;
        s.keys = range_keys;
        s.vals[0] = nxv_atom("Elixir.Range");
        s.vals[1] = nxv_int(v->range.first);
        s.vals[2] = nxv_int(v->range.last);
        s.vals[3] = nxv_int(v->range.step);
        break;
    case NXV_COMPLEX:
        s.n = 3;
        s.keys = complex_keys;
        s.vals[0] = nxv_atom("Elixir.Complex");
        s.vals[1] = nxv_float(v->c.im);
        s.vals[2] = nxv_float(v->c.re);
        break;
    case NXV_TENSOR:
        s.n = 6;
        s.keys = tensor_keys;
        break;
    default:
        s.n = v->map.n;
        break;
    }
    return s;
}

/* The i-th key (in ascending key order) of a map or struct. */
static const nxv *view_key(const nxv *v, const struct_view *s, int64_t *order, int64_t i)
{
    if (s->keys)
        return nxv_atom(s->keys[i]);
    return v->map.keys[order[i]];
}

/* Sorts ix[0..n) (indices of m's keys) in map key order; tmp has room for n. A merge
 * sort: maps can be large, and equal keys keep their order. */
static void sort_keys(const nxv *m, int64_t *ix, int64_t *tmp, int64_t n)
{
    if (n < 2)
        return;
    int64_t h = n / 2;
    sort_keys(m, ix, tmp, h);
    sort_keys(m, ix + h, tmp, n - h);
    int64_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = compare(m->map.keys[ix[j]], m->map.keys[ix[i]], 1) < 0 ? ix[j++] : ix[i++];
    while (i < h)
        tmp[k++] = ix[i++];
    while (j < n)
        tmp[k++] = ix[j++];
    memcpy(ix, tmp, (size_t)n * sizeof *ix);
}

int64_t *nxv_map_order(const nxv *m)
{
    int64_t n = m->map.n;
    int64_t *ix = nxi_alloc((size_t)(n ? n : 1) * sizeof *ix);
    for (int64_t i = 0; i < n; i++)
        ix[i] = i;
    if (n > 1) {
        int64_t *tmp = malloc((size_t)n * sizeof *tmp);
        if (!tmp)
            out_of_memory();
        sort_keys(m, ix, tmp, n);
        free(tmp);
    }
    return ix;
}

static int cmp_maps(const nxv *a, const nxv *b)
{
    struct_view sa = view_of(a), sb = view_of(b);
    if (sa.n != sb.n)
        return sa.n < sb.n ? -1 : 1;
    int64_t *oa = sa.keys ? NULL : nxv_map_order(a), *ob = sb.keys ? NULL : nxv_map_order(b);
    for (int64_t i = 0; i < sa.n; i++) {
        int c = compare(view_key(a, &sa, oa, i), view_key(b, &sb, ob, i), 1);
        if (c)
            return c;
    }
    if (a->kind == NXV_TENSOR || b->kind == NXV_TENSOR) {
        if (a->kind == NXV_TENSOR && b->kind == NXV_TENSOR && tensor_equal(a->tensor, b->tensor))
            return 0;
        return (uintptr_t)a->tensor < (uintptr_t)b->tensor ? -1 : 1;
    }
    for (int64_t i = 0; i < sa.n; i++) {
        const nxv *x = sa.keys ? sa.vals[i] : a->map.vals[oa[i]];
        const nxv *y = sb.keys ? sb.vals[i] : b->map.vals[ob[i]];
        int c = compare(x, y, 0);
        if (c)
            return c;
    }
    return 0;
}

static int compare(const nxv *a, const nxv *b, int key_order)
{
    if (a == b)
        return 0;
    int ca = term_class(a), cb = term_class(b);
    if (ca != cb)
        return ca < cb ? -1 : 1;
    switch (a->kind) {
    case NXV_INT:
    case NXV_FLOAT:
        return cmp_numbers(a, b, key_order);
    case NXV_ATOM: {
        int c = strcmp(a->atom, b->atom);
        return c < 0 ? -1 : c > 0;
    }
    case NXV_FUN:
        if (nxv_equal(a, b, 1))
            return 0;
        return (uintptr_t)a < (uintptr_t)b ? -1 : 1;
    case NXV_TUPLE:
        if (a->tuple.n != b->tuple.n)
            return a->tuple.n < b->tuple.n ? -1 : 1;
        for (int64_t i = 0; i < a->tuple.n; i++) {
            int c = compare(a->tuple.items[i], b->tuple.items[i], key_order);
            if (c)
                return c;
        }
        return 0;
    case NXV_MAP:
    case NXV_TENSOR:
    case NXV_RANGE:
    case NXV_COMPLEX:
        return cmp_maps(a, b);
    case NXV_LIST:
        return cmp_lists(a, b, key_order);
    case NXV_BINARY:
        return cmp_bits(a, b);
    }
    return 0;
}

int nxv_compare(const nxv *a, const nxv *b)
{
    return compare(a, b, 0);
}

/* ---- the pending exception ---- */

static char *raised_kind, *raised_message;   /* malloc'd; NULL when none is pending */

static char *copy_text(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (!d)
        out_of_memory();
    memcpy(d, s, n + 1);
    return d;
}

static nxv *set_raised(const char *kind, char *message)
{
    raised_kind = copy_text(kind);
    raised_message = message;
    return NULL;
}

nxv *nxi_raise(const char *kind, const char *fmt, ...)
{
    if (raised_kind)
        return NULL;
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *msg = malloc((size_t)n + 1);
    if (!msg)
        out_of_memory();
    if ((size_t)n < sizeof small) {
        memcpy(msg, small, (size_t)n + 1);
    } else {
        va_start(ap, fmt);
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return set_raised(kind, msg);
}

nxv *nxi_raise_from_nx(void)
{
    nx_error_kind k = nx_error();
    if (k == NX_OK) {
        if (!raised_kind)
            set_raised("RuntimeError", copy_text("the operation failed without an error"));
        return NULL;
    }
    if (!raised_kind) {
        const char *name = nx_error_kind_name(k);
        set_raised(name ? name : "RuntimeError", copy_text(nx_error_message()));
    }
    nx_error_clear();
    return NULL;
}

int nxi_raised(void)
{
    return raised_kind != NULL;
}

const char *nxi_raised_kind(void)
{
    return raised_kind ? raised_kind : "";
}

const char *nxi_raised_message(void)
{
    return raised_message ? raised_message : "";
}

void nxi_clear_raised(void)
{
    free(raised_kind);
    free(raised_message);
    raised_kind = raised_message = NULL;
}
