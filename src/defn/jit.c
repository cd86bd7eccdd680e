/* src/defn/jit.c: nx_jit_call (spec/defn.md §7.2): traces a function once per argument
 * templates (type, shape, names, vectorized axes; values never matter) and evaluates the
 * cached graph. The cache is shared by all threads, under one lock; graphs are immutable,
 * so evaluations run outside it. */
#include "defn/node.h"

#include <pthread.h>
#include <string.h>
#include "core/alloc.h"
#include "core/error.h"
#include "nx.h"

typedef struct entry {
    struct entry *next;
    nx_defn_fn *fn;
    void *ctx;
    int n;
    nxdefn_hdr *templates;
    nxdefn_node *out;       /* the traced output, an owned reference */
} entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static entry *entries;
static int64_t count, hits;

static bool matches(const entry *e, nx_defn_fn *fn, void *ctx, int n, const nx_tensor *const *args)
{
    if (e->fn != fn || e->ctx != ctx || e->n != n)
        return false;
    for (int i = 0; i < n; i++) {
        nxdefn_hdr h;
        nxdefn_hdr_of(&h, args[i]);
        if (!nxdefn_hdr_equal(&h, &e->templates[i]))
            return false;
    }
    return true;
}

/* The cached graph for these templates (a new reference), or NULL. */
static nxdefn_node *lookup(nx_defn_fn *fn, void *ctx, int n, const nx_tensor *const *args)
{
    nxdefn_node *r = NULL;
    pthread_mutex_lock(&lock);
    for (entry *e = entries; e; e = e->next)
        if (matches(e, fn, ctx, n, args)) {
            r = nxdefn_retain(e->out);
            hits++;
            break;
        }
    pthread_mutex_unlock(&lock);
    return r;
}

static void insert(nx_defn_fn *fn, void *ctx, int n, const nx_tensor *const *args, nxdefn_node *out)
{
    entry *e = nxalloc_zeroed(1, sizeof *e);
    nxdefn_hdr *t = n > 0 ? nxalloc_zeroed((size_t)n, sizeof *t) : NULL;
    if (!e || (n > 0 && !t)) {   /* not cached: the call still works */
        nx_free(e);
        nx_free(t);
        return;
    }
    for (int i = 0; i < n; i++)
        nxdefn_hdr_of(&t[i], args[i]);
    *e = (entry){ .fn = fn, .ctx = ctx, .n = n, .templates = t, .out = nxdefn_retain(out) };
    pthread_mutex_lock(&lock);
    e->next = entries;
    entries = e;
    count++;
    pthread_mutex_unlock(&lock);
}

nx_tensor *nx_jit_call(nx_defn_fn *fn, void *ctx, int n, const nx_tensor *const *args)
{
    if (!fn)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected a function to call, got: NULL");
    if (n < 0 || (n > 0 && !args))
        return nxerr_null(NX_ARGUMENT_ERROR, "expected %d arguments, got: NULL", n);
    for (int i = 0; i < n; i++)
        if (nxtensor_check_inputs(&args[i], 1) < 0)
            return NULL;
    if (nxdefn_tracing)   /* inside a trace: the ops join it (on_conflict: :reuse) */
        return fn((nx_tensor *const *)args, ctx);
    nxdefn_node *out = lookup(fn, ctx, n, args);
    if (!out) {
        nx_tensor *expr = nx_jit_trace(fn, ctx, n, args);
        if (!expr)
            return NULL;
        out = nxdefn_retain(expr->node);
        nx_release(expr);
        insert(fn, ctx, n, args, out);
    }
    nx_tensor *r = NULL;
    nxdefn_eval(&out, 1, args, n, &r);
    nxdefn_release(out);
    return r;
}

void nx_jit_cache_stats(int64_t *n, int64_t *h)
{
    pthread_mutex_lock(&lock);
    if (n)
        *n = count;
    if (h)
        *h = hits;
    pthread_mutex_unlock(&lock);
}

void nx_jit_cache_clear(void)
{
    pthread_mutex_lock(&lock);
    entry *e = entries;
    entries = NULL;
    count = hits = 0;
    pthread_mutex_unlock(&lock);
    while (e) {
        entry *next = e->next;
        nxdefn_release(e->out);
        nx_free(e->templates);
        nx_free(e);
        e = next;
    }
}
