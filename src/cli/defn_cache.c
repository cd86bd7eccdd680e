/* src/cli/defn_cache.c: the graphs of defn calls, kept per function and argument
 * templates (spec/defn.md §7.2), so that a defn called in a loop is traced once and then
 * only evaluated, as Nx caches its compiled functions. A key is the function's definition
 * and a text of the arguments' structure with each leaf's type, shape, names and
 * vectorized axes; calls with static arguments (lists, functions) are not cached. The
 * output structure lives in the session's arena, so the cache is dropped with it. */
#include <stdio.h>
#include <string.h>
#include "cli/defn_cache.h"
#include "cli/nxlib_args.h"
#include "cli/region.h"
#include "core/tensor.h"

#define CACHE_SIZE 64

typedef struct {
    const void *fn;          /* the definition (NULL: a free slot) */
    char *templates;         /* arena text */
    nxi_defn_graph g;        /* its outputs (an nx_alloc array) held: one reference each */
    unsigned long used;      /* for evicting the least recently used */
} entry;

static entry cache[CACHE_SIZE];
static unsigned long clock;

typedef struct {
    char *s;
    size_t n, cap;
} text;

static void put(text *t, const char *s)
{
    size_t k = strlen(s);
    if (t->n + k + 1 > t->cap) {
        size_t cap = 2 * (t->n + k + 1) + 64;
        char *s2 = nxi_alloc(cap);
        if (t->n)
            memcpy(s2, t->s, t->n);
        t->s = s2;
        t->cap = cap;
    }
    memcpy(t->s + t->n, s, k + 1);
    t->n += k;
}

/* 0, or -1 when v holds something a template cannot stand for. */
static int describe(const nxv *v, text *t)
{
    char buf[64];
    switch (v->kind) {
    case NXV_TUPLE:
        put(t, "{");
        for (int64_t i = 0; i < v->tuple.n; i++)
            if (describe(v->tuple.items[i], t) < 0)
                return -1;
        put(t, "}");
        return 0;
    case NXV_MAP:
        put(t, "%{");
        for (int64_t i = 0; i < v->map.n; i++) {
            put(t, nxi_inspect_plain(v->map.keys[i]));
            put(t, "=>");
            if (describe(v->map.vals[i], t) < 0)
                return -1;
        }
        put(t, "}");
        return 0;
    case NXV_LIST: case NXV_FUN: case NXV_ATOM: case NXV_BINARY: case NXV_RANGE:
        return -1;
    default:
        break;
    }
    nx_tensor *x = nxi_leaf_tensor((nxv *)v);
    if (!x) {
        nxi_clear_raised();   /* the uncached call raises it again, in its place */
        return -1;
    }
    snprintf(buf, sizeof buf, "(%s", nx_type_name(x->type));
    put(t, buf);
    for (int i = 0; i < x->rank; i++) {
        snprintf(buf, sizeof buf, " %lld%s%s", (long long)x->dims[i], x->names[i] ? ":" : "",
                 x->names[i] ? x->names[i] : "");
        put(t, buf);
    }
    snprintf(buf, sizeof buf, " v%d)", x->vrank);
    put(t, buf);
    return 0;
}

char *nxi_defn_templates(int argc, nxv **argv)
{
    text t = { 0 };
    put(&t, "");
    for (int i = 0; i < argc; i++)
        if (describe(argv[i], &t) < 0)
            return NULL;
    return t.s;
}

const nxi_defn_graph *nxi_defn_cache_find(const void *fn, const char *templates)
{
    for (int i = 0; i < CACHE_SIZE; i++)
        if (cache[i].fn == fn && !strcmp(cache[i].templates, templates)) {
            cache[i].used = ++clock;
            return &cache[i].g;
        }
    return NULL;
}

static void drop(entry *e)
{
    for (int i = 0; i < e->g.n; i++)
        nxdefn_release(e->g.outputs[i]);
    nx_free(e->g.outputs);
    memset(e, 0, sizeof *e);
}

void nxi_defn_cache_put(const void *fn, char *templates, nxdefn_node **outputs, int n, nxv *exprs)
{
    entry *slot = &cache[0];
    for (int i = 0; i < CACHE_SIZE; i++) {
        if (!cache[i].fn) {
            slot = &cache[i];
            break;
        }
        if (cache[i].used < slot->used)
            slot = &cache[i];
    }
    drop(slot);
    nxi_escape();   /* the key's definition, templates and exprs stay in the cache */
    /* Not in the arena: forgetting runs after the arena is gone. */
    nxdefn_node **held = nx_alloc((size_t)(n ? n : 1) * sizeof *held);
    if (!held)
        return;   /* out of memory: the call just stays uncached */
    for (int i = 0; i < n; i++)
        held[i] = nxdefn_retain(outputs[i]);
    *slot = (entry){ .fn = fn, .templates = templates, .g = { held, n, exprs }, .used = ++clock };
}

void nxi_defn_cache_forget(void)
{
    for (int i = 0; i < CACHE_SIZE; i++)
        drop(&cache[i]);
}
