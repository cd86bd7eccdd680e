/* src/cli/region.c: regions of the interpreter's arena, so that long loops of calls keep
 * their memory flat. Every interpreted call (reclaim.c) opens a region at the arena's
 * end; when it returns normally, the part of its result allocated inside the region is
 * copied to malloc'd staging (sharing and cycles kept through a pointer map), the arena
 * is rewound to the region's start, and the staging is copied back there. Values older
 * than the region are neither walked nor copied: they stay where they are.
 *
 * Two things keep a region: an escape (a pointer stored where it outlives the call:
 * nxi_escape marks every region open at that moment), and cost: the copy stops, and the
 * region stays, once it exceeds an eighth of what the region allocated (plus a small
 * floor), so that deep recursion building a large result stays amortised, not
 * quadratic. A call that raises keeps everything too. Tensors are not in the arena: a
 * value's tensor pointer is kept (reclaim.c has moved the tensors the result reaches). */
#include "cli/region.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/eval.h"

/* ---- the stack of regions ---- */

typedef struct {
    nxi_mark mark;
    size_t retry;   /* loops: after a copy that cost too much, wait until the region is this big */
} region;

static region *marks;
static int depth, cap;
static int escaped;   /* regions 1..escaped (from the bottom) may not drop anything */

void nxi_regions_forget(void)
{
    free(marks);
    marks = NULL;
    depth = cap = escaped = 0;
}

void nxi_region_push(void)
{
    if (depth == cap) {
        int c = cap ? 2 * cap : 256;
        region *m = realloc(marks, (size_t)c * sizeof *m);
        if (!m) {
            fputs("** (SystemLimitError) out of memory\n", stderr);
            exit(70);
        }
        marks = m;
        cap = c;
    }
    marks[depth++] = (region){ nxi_arena_mark(), 0 };
}

void nxi_escape(void)
{
    escaped = depth;
}

int nxi_region_escaped(void)
{
    return depth > 0 && depth <= escaped;
}

/* ---- copying out ---- */

enum { T_NXV, T_ITEMS, T_BYTES, T_STR, T_ENV, T_AST, T_ASTS, T_CLAUSES, T_NEVER };

typedef struct {
    uintptr_t old;
    size_t len;     /* the key's length (0 for strings) */
    size_t off;     /* where the copy sits in the staging / the new block */
    int tag;
} obj;

typedef struct {
    nxi_range *r;
    int nr;
    obj *objs;
    size_t nobj, capobj;
    size_t *slots;      /* open addressing: index + 1 into objs, 0 empty */
    size_t nslots;
    unsigned char *stage;
    size_t size, capstage, budget;
    unsigned char *base;   /* the new block (relocation pass) */
    int relocating, failed;
} copier;

static void oom(void)
{
    fputs("** (SystemLimitError) out of memory\n", stderr);
    exit(70);
}

static int by_lo(const void *a, const void *b)
{
    uintptr_t x = ((const nxi_range *)a)->lo, y = ((const nxi_range *)b)->lo;
    return x < y ? -1 : x > y;
}

/* p was allocated inside the region. */
static int is_new(const copier *c, const void *p)
{
    uintptr_t a = (uintptr_t)p;
    int lo = 0, hi = c->nr - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (a < c->r[mid].lo)
            hi = mid - 1;
        else if (a >= c->r[mid].hi)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

static size_t hash(uintptr_t p, size_t len, int tag)
{
    uint64_t h = (uint64_t)p * 0x9E3779B97F4A7C15ull ^ (uint64_t)len * 0xC2B2AE3D27D4EB4Full ^ (uint64_t)tag;
    return (size_t)(h ^ (h >> 29));
}

static obj *find(copier *c, uintptr_t p, size_t len, int tag)
{
    if (!c->nslots)
        return NULL;
    for (size_t i = hash(p, len, tag) & (c->nslots - 1);; i = (i + 1) & (c->nslots - 1)) {
        size_t k = c->slots[i];
        if (!k)
            return NULL;
        obj *o = &c->objs[k - 1];
        if (o->old == p && o->len == len && o->tag == tag)
            return o;
    }
}

static void insert_slot(copier *c, size_t k)
{
    const obj *o = &c->objs[k - 1];
    size_t i = hash(o->old, o->len, o->tag) & (c->nslots - 1);
    while (c->slots[i])
        i = (i + 1) & (c->nslots - 1);
    c->slots[i] = k;
}

/* Records a new object: its copy (`copy` bytes of p, the rest of `room` zero) goes to
 * the end of the staging. */
static void discover(copier *c, const void *p, size_t len, size_t room, size_t copy, int tag)
{
    if (find(c, (uintptr_t)p, len, tag))
        return;
    size_t need = (room + 15) & ~(size_t)15;
    if (need == 0)
        need = 16;
    if (c->size + need > c->budget) {
        c->failed = 1;
        return;
    }
    if (c->size + need > c->capstage) {
        size_t cs = 2 * (c->size + need) + 1024;
        unsigned char *s = realloc(c->stage, cs);
        if (!s)
            oom();
        c->stage = s;
        c->capstage = cs;
    }
    memset(c->stage + c->size, 0, need);
    if (copy)
        memcpy(c->stage + c->size, p, copy);
    if (c->nobj == c->capobj) {
        size_t co = c->capobj ? 2 * c->capobj : 64;
        obj *o = realloc(c->objs, co * sizeof *o);
        if (!o)
            oom();
        c->objs = o;
        c->capobj = co;
    }
    c->objs[c->nobj++] = (obj){ (uintptr_t)p, len, c->size, tag };
    c->size += need;
    if (2 * c->nobj > c->nslots) {   /* keep the table at most half full */
        size_t ns = c->nslots ? 2 * c->nslots : 128;
        while (2 * c->nobj > ns)
            ns *= 2;
        free(c->slots);
        c->slots = calloc(ns, sizeof *c->slots);
        if (!c->slots)
            oom();
        c->nslots = ns;
        for (size_t k = 1; k <= c->nobj; k++)
            insert_slot(c, k);
    } else {
        insert_slot(c, c->nobj);
    }
}

static unsigned char *mem(const copier *c)
{
    return c->relocating ? c->base : c->stage;
}

/* The pointer stored at byte `slot` of the staging (first pass: found, copied) or of
 * the new block (second pass: rewritten to its copy). len is the object's key length,
 * room the bytes its copy takes, copy the bytes to take from it. */
static void field(copier *c, size_t slot, size_t len, size_t room, size_t copy, int tag)
{
    void *p;
    memcpy(&p, mem(c) + slot, sizeof p);
    if (!p || c->failed || !is_new(c, p))
        return;
    if (tag == T_NEVER) {   /* something the copy does not know how to move */
        c->failed = 1;
        return;
    }
    if (!c->relocating) {
        discover(c, p, len, room, copy, tag);
        return;
    }
    obj *o = find(c, (uintptr_t)p, len, tag);
    if (!o) {   /* the two passes disagree: a bug, and memory is already rewound */
        fputs("nxc: internal error: region copy lost an object\n", stderr);
        abort();
    }
    void *q = c->base + o->off;
    memcpy(mem(c) + slot, &q, sizeof q);
}

static void ptr_field(copier *c, size_t slot, size_t len, int tag)
{
    field(c, slot, len, len, len, tag);
}

/* An array of n pointers at `slot` (an empty one gets a fresh slot of its own). */
static void array_field(copier *c, size_t slot, int64_t n, size_t each, int tag)
{
    size_t bytes = (size_t)(n > 0 ? n : 0) * each;
    field(c, slot, bytes, bytes ? bytes : each, bytes, tag);
}

/* A NUL-terminated string: its length is known only from the original. */
static void str_field(copier *c, size_t slot)
{
    const char *s;
    memcpy(&s, mem(c) + slot, sizeof s);
    size_t n = !c->relocating && s && is_new(c, s) ? strlen(s) + 1 : 0;
    field(c, slot, 0, n, n, T_STR);
}

#define AT(type, off) ((type *)(void *)(mem(c) + (off)))

static void visit_nxv(copier *c, size_t at)
{
    nxv v;
    memcpy(&v, mem(c) + at, sizeof v);
    switch (v.kind) {
    case NXV_BINARY: {
        size_t n = (size_t)((v.bin.bits + 7) / 8);
        field(c, at + offsetof(nxv, bin.bytes), n, n ? n : 1, n, T_BYTES);
        break;
    }
    case NXV_LIST:
        array_field(c, at + offsetof(nxv, list.items), v.list.n, sizeof(nxv *), T_ITEMS);
        ptr_field(c, at + offsetof(nxv, list.tail), sizeof(nxv), T_NXV);
        break;
    case NXV_TUPLE:
        array_field(c, at + offsetof(nxv, tuple.items), v.tuple.n, sizeof(nxv *), T_ITEMS);
        break;
    case NXV_MAP:
        array_field(c, at + offsetof(nxv, map.keys), v.map.n, sizeof(nxv *), T_ITEMS);
        array_field(c, at + offsetof(nxv, map.vals), v.map.n, sizeof(nxv *), T_ITEMS);
        break;
    case NXV_FUN:
        ptr_field(c, at + offsetof(nxv, fun.fn), sizeof(nxi_ast), T_AST);
        ptr_field(c, at + offsetof(nxv, fun.env), sizeof(nxi_env), T_ENV);
        str_field(c, at + offsetof(nxv, fun.module));
        str_field(c, at + offsetof(nxv, fun.name));
        ptr_field(c, at + offsetof(nxv, fun.bound), sizeof(nxv), T_NXV);
        ptr_field(c, at + offsetof(nxv, fun.home), 0, T_NEVER);
        break;
    default:   /* numbers, atoms (interned), tensors (not arena memory), ranges */
        break;
    }
}

/* Syntax made at run time: only what a capture builds (an fn of one clause whose
 * parameters are variables) can be moved; anything else keeps the region. */
static void visit_ast(copier *c, size_t at)
{
    nxi_ast a;
    memcpy(&a, mem(c) + at, sizeof a);
    if (a.kind == AST_VAR) {
        str_field(c, at + offsetof(nxi_ast, text));
    } else if (a.kind == AST_FN) {
        field(c, at + offsetof(nxi_ast, text), 0, 0, 0, T_NEVER);
        array_field(c, at + offsetof(nxi_ast, clauses), a.n, sizeof(nxi_clause), T_CLAUSES);
    } else {
        field(c, at + offsetof(nxi_ast, text), 0, 0, 0, T_NEVER);
    }
    static const size_t never[] = { offsetof(nxi_ast, module), offsetof(nxi_ast, modifiers),
                                    offsetof(nxi_ast, lhs), offsetof(nxi_ast, rhs), offsetof(nxi_ast, step),
                                    offsetof(nxi_ast, tail), offsetof(nxi_ast, base), offsetof(nxi_ast, kids),
                                    offsetof(nxi_ast, segs) };
    for (size_t i = 0; i < sizeof never / sizeof *never; i++)
        field(c, at + never[i], 0, 0, 0, T_NEVER);
    if (a.kind != AST_FN)
        field(c, at + offsetof(nxi_ast, clauses), 0, 0, 0, T_NEVER);
}

static void visit(copier *c, const obj *o)
{
    size_t at = o->off;
    switch (o->tag) {
    case T_NXV:
        visit_nxv(c, at);
        break;
    case T_ITEMS:
        for (size_t i = 0; i < o->len / sizeof(nxv *); i++)
            ptr_field(c, at + i * sizeof(nxv *), sizeof(nxv), T_NXV);
        break;
    case T_ENV:
        str_field(c, at + offsetof(nxi_env, name));
        ptr_field(c, at + offsetof(nxi_env, value), sizeof(nxv), T_NXV);
        ptr_field(c, at + offsetof(nxi_env, next), sizeof(nxi_env), T_ENV);
        break;
    case T_AST:
        visit_ast(c, at);
        break;
    case T_ASTS:
        for (size_t i = 0; i < o->len / sizeof(nxi_ast *); i++)
            ptr_field(c, at + i * sizeof(nxi_ast *), sizeof(nxi_ast), T_AST);
        break;
    case T_CLAUSES:
        for (size_t i = 0; i < o->len / sizeof(nxi_clause); i++) {
            size_t cl = at + i * sizeof(nxi_clause);
            array_field(c, cl + offsetof(nxi_clause, params), AT(nxi_clause, cl)->nparams, sizeof(nxi_ast *),
                        T_ASTS);
            ptr_field(c, cl + offsetof(nxi_clause, guard), sizeof(nxi_ast), T_AST);
            ptr_field(c, cl + offsetof(nxi_clause, body), sizeof(nxi_ast), T_AST);
        }
        break;
    default:   /* bytes and strings hold no pointers */
        break;
    }
}

static void copier_free(copier *c)
{
    free(c->r);
    free(c->objs);
    free(c->slots);
    free(c->stage);
}

/* A quick look at a container before the copy: the items it holds that were made in the
 * region (neighbours that are the same value counted once) already cost more than the
 * budget. Saves the walk of a copy bound to fail, as in a deep recursion whose every
 * level returns a longer list. */
static int too_big(const copier *c, const nxv *v, size_t budget)
{
    if (!v || !is_new(c, v))
        return 0;
    int64_t n = 0;
    nxv **a = NULL, **b = NULL;
    if (v->kind == NXV_LIST || v->kind == NXV_TUPLE) {
        n = v->kind == NXV_LIST ? v->list.n : v->tuple.n;
        a = v->kind == NXV_LIST ? v->list.items : v->tuple.items;
    } else if (v->kind == NXV_MAP) {
        n = v->map.n;
        a = v->map.keys;
        b = v->map.vals;
    }
    if (n <= 0)
        return 0;
    size_t bytes = sizeof(nxv);
    for (nxv **arr = a; arr; arr = arr == a ? b : NULL) {
        if (is_new(c, arr))
            bytes += (size_t)n * sizeof(nxv *);
        const nxv *prev = NULL;
        for (int64_t i = 0; i < n && bytes <= budget; i++) {
            if (arr[i] != prev && arr[i] && is_new(c, arr[i]))
                bytes += sizeof(nxv);
            prev = arr[i];
        }
        if (bytes > budget)
            return 1;
    }
    return 0;
}

/* Moves what roots[0..n) reach past mark m to a fresh block at m (the arena rewound to
 * m); 0 when that would cost more than `budget` bytes or meets something it cannot move
 * (then nothing changed). */
static int copy_out(const nxi_mark *m, nxv **roots, int64_t n, size_t budget)
{
    copier c = { 0 };
    c.budget = budget;
    c.nr = nxi_arena_ranges(m, &c.r);
    qsort(c.r, (size_t)c.nr, sizeof *c.r, by_lo);
    if (n == 1 && too_big(&c, roots[0], budget)) {
        copier_free(&c);
        return 0;
    }
    for (int64_t i = 0; i < n && !c.failed; i++)
        if (roots[i] && is_new(&c, roots[i]))
            discover(&c, roots[i], sizeof(nxv), sizeof(nxv), sizeof(nxv), T_NXV);
    for (size_t i = 0; i < c.nobj && !c.failed; i++) {
        obj o = c.objs[i];
        visit(&c, &o);
    }
    if (c.failed) {
        copier_free(&c);
        return 0;
    }
    nxi_arena_rewind(m);
    if (c.size) {
        c.base = nxi_alloc(c.size);
        memcpy(c.base, c.stage, c.size);
    }
    c.relocating = 1;
    for (size_t i = 0; i < c.nobj; i++)
        visit(&c, &c.objs[i]);
    for (int64_t i = 0; i < n; i++)
        if (roots[i] && is_new(&c, roots[i])) {
            obj *o = find(&c, (uintptr_t)roots[i], sizeof(nxv), T_NXV);
            if (!o) {
                fputs("nxc: internal error: region copy lost a root\n", stderr);
                abort();
            }
            roots[i] = (nxv *)(void *)(c.base + o->off);
        }
    copier_free(&c);
    return 1;
}

/* ---- closing and collecting ---- */

#define FLOOR 2048                     /* a copy of up to this many bytes is always fine */
#define COLLECT_EVERY ((size_t)64 * 1024)

nxv *nxi_region_pop(nxv *result)
{
    if (depth == 0)
        return result;
    nxi_mark m = marks[--depth].mark;
    int keep = depth + 1 <= escaped;
    if (escaped > depth)
        escaped = depth;
    if (!result || keep || nxi_raised())
        return result;
    size_t since = nxi_arena_since(&m);
    if (since == 0)
        return result;
    nxv *roots[1] = { result };
    return copy_out(&m, roots, 1, since / 8 + FLOOR) ? roots[0] : result;
}

int nxi_region_collect(nxv **roots, int64_t n, int advance, int now)
{
    if (depth == 0 || depth <= escaped || nxi_raised())
        return 0;
    region *r = &marks[depth - 1];
    size_t since = nxi_arena_since(&r->mark);
    if (since == 0 || (!now && (since < COLLECT_EVERY || since < r->retry)))
        return 0;
    if (!copy_out(&r->mark, roots, n, since / 8 + FLOOR)) {
        if (advance) {   /* mostly output: keep it all where it is, and go on after it */
            r->mark = nxi_arena_mark();
            return 1;
        }
        r->retry = 2 * since;
        return 0;
    }
    r->retry = 0;
    if (advance)
        r->mark = nxi_arena_mark();
    return 1;
}
