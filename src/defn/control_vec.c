/* src/defn/control_vec.c: cond with vectorized predicates (spec/defn.md §6.1), lowered as
 * Nx lowers it. The predicates are aligned (one order of vectorized axes); clauses before
 * the first vectorized predicate p (body e) stay an ordinary cond, and that clause with
 * the rest becomes, leaf by leaf,
 *
 *     select(p, cond(any(devec(p)) -> e, true -> zeros),
 *               cond(all(devec(p)) -> zeros, true -> cond(rest..., last)))
 *
 * where zeros are s32 zeros of last's (devectorized) shape with last's vectorized axes.
 * So every branch some entry takes runs, and entries choose element-wise. */
#include "defn/control.h"

#include <string.h>
#include "core/error.h"
#include "nx.h"

#define MAX_LEAVES 64

/* s32 zeros shaped like leaf t, devectorized, then vectorized over t's axes. */
static nx_tensor *zeros_like(const nx_tensor *t)
{
    nx_shape s = { .rank = t->rank };
    memcpy(s.dims, t->dims, (size_t)t->rank * sizeof *t->dims);
    nx_tensor *z = nx_broadcast(nx_scalar(NX_INT(0), NX_S32), s);
    for (int i = 0; z && i < t->vrank; i++)
        z = nx_vectorize(z, t->names[i]);
    return z;
}

/* cond(pred -> a, true -> b) built without static elimination (Nx's non_vectorized_cond). */
static int two_way(nx_tensor *pred, nx_tensor *const *a, nx_tensor *const *b, int leaves, nx_tensor **out)
{
    nx_tensor *const *bodies[2] = { a, b };
    return nxdefn_cond_build(2, &pred, bodies, leaves, out);
}

int nxdefn_cond_vectorized(int k, nx_tensor *const *pt, nx_tensor *const *const *bodies, int leaves, nx_tensor **out)
{
    if (k == 1)
        return nxdefn_cond_build(1, pt, bodies, leaves, out);
    int v = 0;
    while (v < k - 1 && pt[v]->vrank == 0)
        v++;
    if (v == k - 1)   /* no vectorized predicate (left): an ordinary cond */
        return nxdefn_cond_build(k, pt, bodies, leaves, out);
    /* Align the predicates' vectorized axes; the vectorized ones use the aligned form. */
    nx_tensor *aligned[MAX_LEAVES], *preds[MAX_LEAVES];
    if (nx_reshape_vectors((const nx_tensor *const *)pt, k - 1, aligned, .align_ranks = true) < 0)
        return -1;
    for (int b = 0; b < k - 1; b++)
        preds[b] = pt[b]->vrank > 0 ? aligned[b] : pt[b];
    nx_tensor *p = preds[v], *dp = nx_devectorize(p, true);
    nx_tensor *any = nx_any(dp), *all = nx_all(dp);
    nx_tensor *zero[MAX_LEAVES], *then[MAX_LEAVES], *rest[MAX_LEAVES], *els[MAX_LEAVES], *sel[MAX_LEAVES];
    if (!any || !all)
        return -1;
    for (int i = 0; i < leaves; i++)
        if (!(zero[i] = zeros_like(bodies[k - 1][i])))
            return -1;
    if (two_way(any, bodies[v], zero, leaves, then) < 0)
        return -1;
    /* The clauses after p with last: a cond of their own (lowered again if vectorized). */
    if (nxdefn_cond_vectorized(k - v - 1, preds + v + 1, bodies + v + 1, leaves, rest) < 0)
        return -1;
    if (two_way(all, zero, rest, leaves, els) < 0)
        return -1;
    for (int i = 0; i < leaves; i++)
        if (!(sel[i] = nx_select(p, then[i], els[i])))
            return -1;
    if (v == 0) {
        for (int i = 0; i < leaves; i++)
            out[i] = sel[i];
        return leaves;
    }
    /* The leading non-vectorized clauses around it. */
    nx_tensor *const *outer[MAX_LEAVES];
    for (int b = 0; b < v; b++)
        outer[b] = bodies[b];
    outer[v] = sel;
    return nxdefn_cond_build(v + 1, preds, outer, leaves, out);
}
