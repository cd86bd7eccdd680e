/* src/defn/control_vwhile.c: while loops over vectorized entries (spec/defn.md §6.2,
 * "Vectorized loops"), lowered as Nx lowers them. Every state leaf is broadcast against
 * the target's vectorized axes (the condition's, or a tensor generator's) and those axes
 * are flattened into one leading axis of `count` entries. An outer while carries
 * {i, [generator,] state} with condition i < count; its body takes entry i of every leaf,
 * runs the inner, non-vectorized loop on it (a callback) and writes the inner results back
 * with put_slice. The outer results get the target's axes back, followed by each leaf's
 * own other vectorized axes. The same code serves eager tensors (the outer loop then runs
 * directly, each entry to its own end) and traces (one while node inside another). */
#include "defn/control.h"

#include <string.h>
#include "core/error.h"
#include "nx.h"

#define MAX_LEAVES 64

typedef struct {
    int n, off;                     /* state leaves; 1 (index) or 2 (index, generator) */
    int extras[MAX_LEAVES];         /* each leaf's vectorized axes beyond the target's */
    const char *xnames[MAX_LEAVES][NX_MAX_RANK];
    nxdefn_entry_fn *fn;
    void *ctx;
    int64_t count;
} outer;

static nx_tensor *outer_cond(nx_tensor *const *state, void *c)
{
    const outer *o = c;
    return nx_less(state[0], nx_scalar(NX_INT(o->count), NX_S32));
}

/* Entry i of a flat leaf (entries on axis 0) with its own extra vectorized axes back. */
static nx_tensor *take_entry(const nx_tensor *flat, const nx_tensor *i, int extras, const char *const *names)
{
    nx_tensor *e = nx_take(flat, i);
    for (int k = 0; e && k < extras; k++)
        e = nx_vectorize(e, names[k]);
    return e;
}

static int outer_body(nx_tensor *const *state, nx_tensor **next, void *c)
{
    const outer *o = c;
    nx_tensor *entry[MAX_LEAVES], *res[MAX_LEAVES];
    const nx_tensor *gen = NULL;
    nx_tensor *i = state[0];
    if (o->off == 2 && !(gen = nx_take(state[1], i)))
        return -1;
    for (int l = 0; l < o->n; l++)
        if (!(entry[l] = take_entry(state[o->off + l], i, o->extras[l], o->xnames[l])))
            return -1;
    for (int l = 0; l < o->n; l++)
        res[l] = NULL;
    if (o->fn(o->n, entry, gen, res, o->ctx) < 0)
        return -1;
    for (int l = 0; l < o->n; l++) {
        const nx_tensor *flat = state[o->off + l];
        nx_starts st = { .n = flat->rank };
        st.t[0] = i;
        nx_tensor *r = res[l] && res[l]->vrank ? nx_devectorize(res[l], true) : res[l];
        if (!(next[o->off + l] = nx_put_slice(flat, st, nx_new_axis(r, 0, NULL))))
            return -1;
    }
    next[0] = nx_add(i, nx_scalar(NX_INT(1), NX_S32));
    if (o->off == 2)
        next[1] = state[1];
    return next[0] ? 0 : -1;
}

/* leaf broadcast against target's vectorized axes (their order first, then the leaf's
 * own), with those axes flattened into one leading axis and devectorized. Records the
 * leaf's extra axes in o. */
static nx_tensor *flatten_leaf(outer *o, int l, const nx_tensor *target, const nx_tensor *leaf)
{
    const nx_tensor *pair[2] = { target, leaf };
    nx_tensor *b[2];
    if (nx_broadcast_vectors(pair, 2, b, .align_ranks = true) < 0)
        return NULL;
    int k = target->vrank, e = b[1]->vrank - k;
    const char *names[NX_MAX_RANK];
    int64_t sizes[NX_MAX_RANK];
    names[0] = target->names[0];
    sizes[0] = o->count;
    for (int j = 0; j < e; j++) {
        names[1 + j] = o->xnames[l][j] = b[1]->names[k + j];
        sizes[1 + j] = b[1]->dims[k + j];
    }
    o->extras[l] = e;
    return nx_devectorize(nx_revectorize(b[1], 1 + e, names, sizes), false);
}

/* An outer result (entries on axis 0, then the extras) with the target's axes back. */
static nx_tensor *unflatten(const outer *o, int l, const nx_tensor *target, const nx_tensor *flat)
{
    int k = target->vrank, e = o->extras[l];
    const char *names[NX_MAX_RANK];
    int64_t sizes[NX_MAX_RANK];
    nx_tensor *v = nx_vectorize(flat, target->names[0]);
    for (int j = 0; v && j < e; j++)
        v = nx_vectorize(v, o->xnames[l][j]);
    for (int j = 0; j < k; j++) {
        names[j] = target->names[j];
        sizes[j] = target->dims[j];
    }
    for (int j = 0; j < e; j++) {
        names[k + j] = o->xnames[l][j];
        sizes[k + j] = v ? v->dims[1 + j] : 1;
    }
    return v ? nx_revectorize(v, k + e, names, sizes) : NULL;
}

int nxdefn_while_entries(const nx_tensor *target, bool generator, int n, const nx_tensor *const *initial,
                         nxdefn_entry_fn *fn, void *ctx, nx_tensor **out)
{
    if (n < 1 || n > MAX_LEAVES - 2)
        return nxerr_set(NX_ARGUMENT_ERROR, "while expects between 1 and %d state leaves, got: %d", MAX_LEAVES - 2,
                         n);
    outer o = { .n = n, .off = generator ? 2 : 1, .fn = fn, .ctx = ctx, .count = 1 };
    for (int j = 0; j < target->vrank; j++)
        o.count *= target->dims[j];
    nx_tensor *init[MAX_LEAVES], *res[MAX_LEAVES];
    int rc = -1;
    nx_scope_begin();
    init[0] = nx_scalar(NX_INT(0), NX_S32);
    if (generator) {
        const char *first = target->names[0];
        init[1] = nx_devectorize(nx_revectorize(target, 1, &first, &o.count), false);
    }
    for (int l = 0; l < n; l++)
        if (!(init[o.off + l] = flatten_leaf(&o, l, target, initial[l])))
            goto out;
    if (!init[0] || (generator && !init[1]))
        goto out;
    if (nx_while(o.off + n, (const nx_tensor *const *)init, outer_cond, outer_body, &o, res) < 0)
        goto out;
    for (int l = 0; l < n; l++)
        if (!(out[l] = unflatten(&o, l, target, res[o.off + l])))
            goto out;
    for (int l = 0; l < n; l++)
        nx_retain(out[l]);
    rc = 0;
out:
    nx_scope_end();
    /* The results move to the caller's scope: each kept by one new header there. */
    for (int l = 0; rc == 0 && l < n; l++) {
        nx_tensor *r = nx_as_type(out[l], out[l]->type);
        if (!r) {
            for (int j = l; j < n; j++)
                nx_release(out[j]);
            return -1;
        }
        nx_release(out[l]);
        out[l] = r;
    }
    return rc;
}
