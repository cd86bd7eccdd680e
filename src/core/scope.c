/* src/core/scope.c: per-thread stack of scopes that own the tensors made inside them,
 * and the reference counts behind nx_retain/nx_release. */
#include "core/alloc.h"
#include "core/error.h"
#include "core/tensor.h"
#include "nx/scope.h"

typedef struct {
    nx_tensor **items;
    size_t n, cap;
} scope;

/* A fixed stack, so that opening a scope never fails; scopes nested deeper than this
 * are counted and behave as part of the deepest real one. */
#define MAX_DEPTH 256
static _Thread_local scope stack[MAX_DEPTH];
static _Thread_local int depth, overflow;

void nx_scope_begin(void)
{
    if (depth == MAX_DEPTH) {
        overflow++;
        return;
    }
    stack[depth++] = (scope){ 0 };
}

int nxscope_adopt(nx_tensor *t)
{
    t->scope_depth = 0;
    if (depth == 0)
        return 0;
    scope *s = &stack[depth - 1];
    if (s->n == s->cap) {
        /* Drop the slots of tensors released early, so that a loop that hands values
         * outward and releases the old ones runs in bounded memory. */
        size_t live = 0;
        for (size_t i = 0; i < s->n; i++)
            if (s->items[i])
                s->items[live++] = s->items[i];
        s->n = live;
        /* Grow unless compaction freed at least half, so that compactions stay rare. */
        if (s->cap == 0 || s->n * 2 > s->cap) {
            size_t cap = s->cap ? s->cap * 2 : 16;
            nx_tensor **items = nxalloc_realloc(s->items, cap * sizeof *items);
            if (!items)
                return nxerr_oom(cap * sizeof *items), -1;
            s->items = items;
            s->cap = cap;
        }
    }
    s->items[s->n++] = t;
    t->scope_depth = depth;
    return 0;
}

/* Forgets t in the scope that owns it (the tensor itself stays). */
static void disown(nx_tensor *t)
{
    if (t->scope_depth <= 0 || t->scope_depth > depth)
        return;
    scope *s = &stack[t->scope_depth - 1];
    for (size_t i = s->n; i-- > 0;)
        if (s->items[i] == t) {
            s->items[i] = NULL;
            break;
        }
    t->scope_depth = 0;
}

static void end_scope(nx_tensor *keep)
{
    if (overflow > 0) {
        overflow--;
        return;
    }
    if (depth == 0)
        return;
    scope s = stack[depth - 1];
    if (keep && keep->scope_depth == depth)
        disown(keep);
    for (size_t i = 0; i < s.n; i++)
        if (s.items[i]) {
            s.items[i]->scope_depth = 0;
            nx_release(s.items[i]);
        }
    nx_free(s.items);
    depth--;
    /* The survivor joins the enclosing scope; at the outermost level the caller owns it. */
    if (keep && keep->scope_depth == 0 && depth > 0 && nxscope_adopt(keep) < 0)
        keep->scope_depth = 0;
}

void nx_scope_end(void)
{
    end_scope(NULL);
}

nx_tensor *nx_scope_end_keep(nx_tensor *keep)
{
    end_scope(keep);
    return keep;
}

nx_tensor *nx_retain(nx_tensor *t)
{
    if (t)
        atomic_fetch_add(&t->refs, 1);
    return t;
}

void nx_release(nx_tensor *t)
{
    if (!t)
        return;
    if (atomic_fetch_sub(&t->refs, 1) != 1)
        return;
    disown(t);
    nxtensor_destroy(t);
}
