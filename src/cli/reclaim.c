/* src/cli/reclaim.c: frees the tensors an interpreted call made and did not return.
 * Each call of a fn or a module function runs in its own nx scope. Values are immutable,
 * so a tensor made during the call can outlive it only through the call's result (its
 * containers, closures and their environments) or through process-wide state (the
 * mailbox, stored options, module attributes), which pins what it keeps to the outermost
 * scope. When the call returns, the tensors its result reaches move to the caller's
 * scope and the rest are freed: a loop of calls keeps its tensor memory flat. A call that
 * raises hands everything to the caller (a rescue may still use it). */
#include "cli/eval.h"
#include "cli/reclaim.h"
#include "cli/region.h"
#include "core/tensor.h"

#include <stdlib.h>

typedef struct {
    int from, to;     /* move tensors owned by scope `from` into scope `to` */
    int64_t left;     /* tensors of `from` not met yet: the walk stops at 0 */
    unsigned stamp;   /* marks the environments this walk has been through */
    nx_tensor **moved;   /* when not NULL: the tensors moved, for the loop's next scope */
    int64_t nmoved;
} walk;

static unsigned walks;

static void visit(nxv *v, walk *w);

/* Environments are persistent lists: a node seen before means its whole tail was seen. */
static void visit_env(nxi_env *e, walk *w)
{
    for (; e && w->left > 0 && e->stamp != w->stamp; e = e->next) {
        e->stamp = w->stamp;
        visit(e->value, w);
    }
}

static void visit(nxv *v, walk *w)
{
    if (!v || w->left <= 0)
        return;
    switch (v->kind) {
    case NXV_TENSOR:
        if (nxscope_owns(v->tensor, w->from)) {
            nxscope_move(v->tensor, w->to);
            if (w->moved)
                w->moved[w->nmoved++] = v->tensor;
            w->left--;
        }
        break;
    case NXV_LIST:
        for (int64_t i = 0; i < v->list.n && w->left > 0; i++)
            visit(v->list.items[i], w);
        visit(v->list.tail, w);
        break;
    case NXV_TUPLE:
        for (int64_t i = 0; i < v->tuple.n && w->left > 0; i++)
            visit(v->tuple.items[i], w);
        break;
    case NXV_MAP:
        for (int64_t i = 0; i < v->map.n && w->left > 0; i++) {
            visit(v->map.keys[i], w);
            visit(v->map.vals[i], w);
        }
        break;
    case NXV_FUN:
        visit(v->fun.bound, w);
        visit_env(v->fun.env, w);
        break;
    default:
        break;
    }
}

/* Moves the tensors of scope `from` that v reaches into scope `to`. */
static void move_reached(nxv *v, int from, int to)
{
    if (from <= 0 || to <= 0 || from == to)
        return;
    if (++walks == 0)   /* 0 is the stamp of a node no walk has seen */
        ++walks;
    walk w = { .from = from, .to = to, .left = nxscope_count(from), .stamp = walks };
    visit(v, &w);
}

void nxi_call_begin(void)
{
    nx_scope_begin();
    nxi_region_push();   /* the arena side: region.c */
}

nxv *nxi_call_end(nxv *result)
{
    if (!result || nxi_raised()) {
        nxscope_end_merge();
        nxi_region_pop(NULL);
        return result;
    }
    int d = nxscope_depth();
    if (d > 1 && !nxscope_empty())
        move_reached(result, d, d - 1);
    nx_scope_end();
    return nxi_region_pop(result);
}

void nxi_pin(nxv *v)
{
    nxi_escape();   /* the values themselves must stay too */
    for (int d = nxscope_depth(); d > 1; d--)
        move_reached(v, d, 1);
}

/* ---- loops of builtins (Enum.map, Enum.reduce) ---- */

/* Frees the tensors of the loop's scope (the innermost) that roots[0..n) do not reach.
 * `keep`: the reached ones stay in the loop's scope; else they go to the caller's. */
static void collect_tensors(nxv **roots, int64_t n, int keep)
{
    int d = nxscope_depth();
    if (d < 2 || nxscope_empty())
        return;
    int64_t count = nxscope_count(d);
    nx_tensor **moved = keep ? malloc((size_t)count * sizeof *moved) : NULL;
    if (keep && !moved)
        return;   /* no memory for the list: just keep everything this time */
    if (++walks == 0)
        ++walks;
    walk w = { .from = d, .to = d - 1, .left = count, .stamp = walks, .moved = moved };
    for (int64_t i = 0; i < n && w.left > 0; i++)
        visit(roots[i], &w);
    nx_scope_end();
    nx_scope_begin();
    for (int64_t i = 0; i < w.nmoved; i++)
        nxscope_move(moved[i], d);
    free(moved);
}

void nxi_loop_begin(void)
{
    nx_scope_begin();
    nxi_region_push();
}

int nxi_loop_step(nxv **roots, int64_t n, int advance)
{
    static unsigned ticks;
    int d = nxscope_depth();
    int many = (++ticks & 63) == 0 && d > 1 && nxscope_count(d) >= 64;
    int done = nxi_region_collect(roots, n, advance, many);
    if ((done || many) && !nxi_region_escaped())
        collect_tensors(roots, n, !(done && advance));
    return done;
}

void nxi_loop_end(nxv **roots, int64_t n)
{
    if (nxi_raised()) {
        nxscope_end_merge();
        nxi_region_pop(NULL);
        return;
    }
    int d = nxscope_depth();
    for (int64_t i = 0; i < n && d > 1; i++)
        move_reached(roots[i], d, d - 1);
    nx_scope_end();
    nxi_region_collect(roots, n, 1, 1);
    nxi_region_pop(NULL);
}
