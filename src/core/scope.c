/* src/core/scope.c: per-thread stack of scopes that own the tensors made inside them,
 * and the reference counts behind nx_retain/nx_release. Each scope is an intrusive list
 * through its tensors, so adopting, disowning and handing a tensor outward never
 * allocate and cannot fail. */
#include "core/error.h"
#include "core/tensor.h"
#include "nx/scope.h"

/* A fixed stack, so that opening a scope never fails; scopes nested deeper than this
 * are counted and behave as part of the deepest real one. */
#define MAX_DEPTH 256
static _Thread_local nx_tensor *heads[MAX_DEPTH];
static _Thread_local int depth, overflow;

void nx_scope_begin(void)
{
    if (depth == MAX_DEPTH) {
        overflow++;
        return;
    }
    heads[depth++] = NULL;
}

static void link_into(nx_tensor *t, int d)
{
    t->scope_depth = d;
    t->scope_prev = NULL;
    t->scope_next = heads[d - 1];
    if (t->scope_next)
        t->scope_next->scope_prev = t;
    heads[d - 1] = t;
}

void nxscope_adopt(nx_tensor *t)
{
    if (t->scope_depth > 0 && t->scope_depth <= depth) {
        /* Handed over twice (the same tensor in two results): a scope holds one
         * reference, so the extra one goes now. */
        nx_release(t);
        return;
    }
    t->scope_depth = 0;
    t->scope_prev = t->scope_next = NULL;
    if (depth > 0)
        link_into(t, depth);
}

/* Forgets t in the scope that owns it (the tensor itself stays). */
static void disown(nx_tensor *t)
{
    if (t->scope_depth <= 0 || t->scope_depth > depth)
        return;
    if (t->scope_prev)
        t->scope_prev->scope_next = t->scope_next;
    else
        heads[t->scope_depth - 1] = t->scope_next;
    if (t->scope_next)
        t->scope_next->scope_prev = t->scope_prev;
    t->scope_prev = t->scope_next = NULL;
    t->scope_depth = 0;
}

void nxscope_disown(nx_tensor *t)
{
    disown(t);
}

int nxscope_depth(void)
{
    return overflow > 0 ? 0 : depth;
}

bool nxscope_owns(const nx_tensor *t, int d)
{
    return d > 0 && t->scope_depth == d;
}

void nxscope_move(nx_tensor *t, int d)
{
    if (t->scope_depth <= 0 || t->scope_depth > depth || d <= 0 || d > depth)
        return;
    disown(t);
    link_into(t, d);
}

int64_t nxscope_count(int d)
{
    int64_t n = 0;
    if (overflow == 0 && d > 0 && d <= depth)
        for (nx_tensor *t = heads[d - 1]; t; t = t->scope_next)
            n++;
    return n;
}

bool nxscope_empty(void)
{
    return overflow > 0 || depth == 0 || heads[depth - 1] == NULL;
}

void nxscope_end_merge(void)
{
    if (overflow > 0) {
        overflow--;
        return;
    }
    if (depth == 0)
        return;
    while (heads[depth - 1]) {   /* at the outermost level the caller owns them, as nx_scope_end_keep */
        nx_tensor *t = heads[depth - 1];
        disown(t);
        if (depth > 1)
            link_into(t, depth - 1);
    }
    depth--;
}

static void end_scope(nx_tensor *keep)
{
    if (overflow > 0) {
        overflow--;
        return;
    }
    if (depth == 0)
        return;
    int moving = keep && keep->scope_depth == depth;
    if (moving)
        disown(keep);
    /* Release from the newest: a tensor made later may share data with an older one,
     * but buffers are reference counted, so any order is safe. */
    while (heads[depth - 1]) {
        nx_tensor *t = heads[depth - 1];
        disown(t);
        nx_release(t);
    }
    depth--;
    /* The survivor joins the enclosing scope; at the outermost level the caller owns it. */
    if (moving && depth > 0)
        link_into(keep, depth);
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
