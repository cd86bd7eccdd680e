/* src/defn/control.c: cond and while (spec/defn.md §6). On concrete tensors they run
 * directly; inside a trace cond resolves constant predicates, traces every remaining
 * branch, merges the branch leaves (types promoted, shapes broadcast) and records one cond
 * node; while traces its condition and body once over fresh while parameters, checks that
 * the body keeps the state's templates and records one while node. Several leaves give a
 * tuple node followed by elem nodes. */
#include "defn/control.h"

#include <string.h>
#include "core/alloc.h"
#include "core/error.h"
#include "core/shape.h"
#include "ops/front.h"

#define MAX_LEAVES 64

/* ---- shared helpers ---- */

static void release_nodes(nxdefn_node **v, int n)
{
    for (int i = 0; i < n; i++) {
        nxdefn_release(v[i]);
        v[i] = NULL;
    }
}

/* Hands t[0..n), made in the current (inner) scope or owned elsewhere, to the caller as
 * new references no scope owns. */
static void keep_private(nx_tensor **t, int n)
{
    for (int i = 0; i < n; i++)
        nx_retain(t[i]);
}

/* Private references t[0..n) become tensors of the current scope (new headers on the
 * same data or node). Returns n, or -1 (all released) after an error or when n < 0. */
static int to_caller(nx_tensor **t, int n)
{
    int rc = n;
    for (int i = 0; i < n; i++) {
        nx_tensor *v = t[i], *r = NULL;
        if (rc >= 0) {
            if (v->node) {
                nxdefn_hdr h;
                nxdefn_hdr_of(&h, v);
                r = nxdefn_tensor(&h, nxdefn_retain(v->node));
            } else {
                r = nxfront_view(v, v->type, v->rank, v->dims, v->names, v->vrank);
            }
            if (!r)
                rc = -1;
        }
        nx_release(v);
        t[i] = r;
    }
    if (rc < 0)
        for (int i = 0; i < n; i++) {
            nx_release(t[i]);
            t[i] = NULL;
        }
    return rc;
}

/* out[i]: a fresh tensor of the current scope standing for node v[i] (references taken). */
static int node_results(nxdefn_node **v, const nxdefn_hdr *h, int n, nx_tensor **out)
{
    int rc = 0;
    for (int i = 0; i < n; i++) {
        out[i] = rc == 0 ? nxdefn_tensor(&h[i], v[i]) : NULL;
        if (rc == 0 && !out[i])
            rc = -1;
        else if (rc < 0)
            nxdefn_release(v[i]);
        v[i] = NULL;
    }
    return rc;
}

/* A tuple node over the leaf headers h[0..n) (or the single leaf's header), and then its
 * elem nodes in v[0..n). Consumes the reference to node. */
static int split_tuple(nxdefn_node *node, const nxdefn_hdr *h, int n, nxdefn_node **v)
{
    if (n == 1) {
        v[0] = node;
        return 0;
    }
    for (int i = 0; i < n; i++) {
        v[i] = nxdefn_node_new(NXN_ELEM, &h[i], 1, &node);
        if (!v[i]) {
            release_nodes(v, i);
            nxdefn_release(node);
            return -1;
        }
        v[i]->pos = i;
        v[i]->ctx = node->ctx;
    }
    nxdefn_release(node);
    return 0;
}

static nxdefn_hdr tuple_hdr(const nxdefn_hdr *h, int n)
{
    if (n == 1)
        return h[0];
    nxdefn_hdr t;
    memset(&t, 0, sizeof t);
    t.type = NX_TYPE_NONE;
    t.tuple = n;
    return t;
}

/* §6.1 step 1: a predicate must be a scalar (its inner shape: vectorized axes are allowed;
 * cond and while lower them, §6.1 and §6.2). */
static int check_predicate(const nx_tensor *p, const char *word)
{
    (void)word;
    if (p->rank != p->vrank) {
        char *s = nx_inspect(p);
        int rc = nxerr_set(NX_COMPILE_ERROR,
                           "condition must be a scalar tensor, got: %s, consider using Nx.all/1 or Nx.any/1 to "
                           "obtain a scalar predicate from tensor",
                           s ? s : "?");
        nx_free(s);
        return rc;
    }
    return 0;
}

/* Runs a branch in its own scope; its leaves come back as private references. */
static int run_branch(const nx_clause *c, nx_tensor **out, int cap)
{
    nx_scope_begin();
    int k = c->body ? c->body(out, cap, c->ctx) : -1;
    if (!c->body)
        nxerr_set(NX_ARGUMENT_ERROR, "a cond clause without a body");
    if (k > cap) {
        nxerr_set(NX_ARGUMENT_ERROR, "a cond branch returned %d leaves, more than the %d expected", k, cap);
        k = -1;
    }
    for (int i = 0; k > 0 && i < k; i++)
        if (!out[i]) {
            if (!nxerr_pending())
                nxerr_set(NX_RUNTIME_ERROR, "a cond branch returned NULL without an error");
            k = -1;
        }
    if (k > 0)
        keep_private(out, k);
    nx_scope_end();
    return k;
}

/* ---- cond ---- */

static bool always_compatible(const nxdefn_hdr *a, const nxdefn_hdr *b)
{
    (void)a;
    (void)b;
    return true;
}

/* Merges header b into the running header m (§6.1 step 5). */
static int merge_leaf(nxdefn_hdr *m, const nxdefn_hdr *b)
{
    if (m->vrank != b->vrank || memcmp(m->dims, b->dims, (size_t)m->vrank * sizeof *m->dims) ||
        memcmp(m->names, b->names, (size_t)m->vrank * sizeof *m->names))
        return nxerr_set(NX_ARGUMENT_ERROR, "cond branches with different vectorized axes are not supported by nxc yet");
    m->type = nx_type_merge(m->type, b->type);
    int v = m->vrank, ra = m->rank - v, rb = b->rank - v, r = ra > rb ? ra : rb;
    int64_t dims[NX_MAX_RANK];
    const char *names[NX_MAX_RANK];
    for (int i = 0; i < r; i++) {
        int ia = i - (r - ra), ib = i - (r - rb);
        int64_t da = ia >= 0 ? m->dims[v + ia] : 1, db = ib >= 0 ? b->dims[v + ib] : 1;
        const char *na = ia >= 0 ? m->names[v + ia] : NULL, *nb = ib >= 0 ? b->names[v + ib] : NULL;
        if (da != db && da != 1 && db != 1) {
            char sa[512], sb[512];
            return nxerr_set(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions %s to %s",
                             nxshape_text(sa, sizeof sa, ra, m->dims + v), nxshape_text(sb, sizeof sb, rb, b->dims + v));
        }
        if (na && nb && na != nb)
            return nxerr_set(NX_ARGUMENT_ERROR, "cannot merge name :%s on axis %d with name :%s on axis %d", na, i, nb, i);
        dims[i] = da == 1 ? db : da;
        names[i] = na ? na : nb;
    }
    memcpy(m->dims + v, dims, (size_t)r * sizeof *dims);
    memcpy(m->names + v, names, (size_t)r * sizeof *names);
    m->rank = v + r;
    return 0;
}

/* The node of leaf t cast and broadcast to header m (float constants keep their value). */
static nxdefn_node *ensure(const nx_tensor *t, const nxdefn_hdr *m)
{
    nxdefn_node *n = nxdefn_node_of(t);
    if (!n || nxdefn_hdr_equal(&n->h, m))
        return n;
    if (n->kind == NXN_CONSTANT) {
        nxdefn_node *c = nxdefn_constant(m, n->value);
        nxdefn_release(n);
        return c;
    }
    nxdefn_release(n);
    nx_scope_begin();
    nx_tensor *x = t->type == m->type ? (nx_tensor *)t : nx_as_type(t, m->type);
    bool same = x && x->rank == m->rank && !memcmp(x->dims, m->dims, (size_t)m->rank * sizeof *m->dims);
    if (x && !same) {
        nx_shape s = { .rank = m->rank - m->vrank };
        nx_names nm = { .n = s.rank };
        memcpy(s.dims, m->dims + m->vrank, (size_t)s.rank * sizeof *s.dims);
        memcpy(nm.v, m->names + m->vrank, (size_t)s.rank * sizeof *nm.v);
        x = nx_broadcast(x, s, .names = nm);
    } else if (x && memcmp(x->names, m->names, (size_t)m->rank * sizeof *m->names)) {
        nx_names nm = { .n = m->rank - m->vrank };
        memcpy(nm.v, m->names + m->vrank, (size_t)nm.n * sizeof *nm.v);
        x = nx_rename(x, nm);
    }
    nxdefn_node *r = x ? nxdefn_node_of(x) : NULL;
    nx_scope_end();
    return r;
}

/* The cond node over predicate nodes preds[0..k-1) and the devectorized leaves
 * d[b * leaves + i] (body b, leaf i) merged into headers m[0..leaves); out[i] its leaves. */
static int build_node(int k, nxdefn_node *const *preds, nx_tensor *const *d, nxdefn_hdr *m, int leaves,
                      nx_tensor **out)
{
    nxdefn_cond *cd = nxalloc_zeroed(1, sizeof *cd);
    nxdefn_node *node = NULL;
    int rc = -1;
    if (!cd)
        return nxerr_oom(sizeof *cd), -1;
    cd->nclauses = k - 1;
    cd->leaves = leaves;
    cd->pred = nxalloc_zeroed((size_t)k, sizeof *cd->pred);
    cd->body = nxalloc_zeroed((size_t)k, sizeof *cd->body);
    nxdefn_hdr th = tuple_hdr(m, leaves);
    node = nxdefn_node_new(NXN_COND, &th, 1, (nxdefn_node **)&preds[0]);
    if (!node || !cd->pred || !cd->body) {
        if (!node)
            nxerr_oom(sizeof *node);
        nx_free(cd->body);
        nx_free(cd->pred);
        nx_free(cd);
        goto out;
    }
    node->cond = cd;   /* freed with the node from here on */
    nxdefn_tracing++;   /* the casts and broadcasts are traced ops */
    bool failed = true;
    for (int b = 0; b < k; b++) {
        if (b < k - 1)
            cd->pred[b] = nxdefn_retain(preds[b]);
        if (!(cd->body[b] = nxalloc_zeroed((size_t)leaves, sizeof **cd->body)))
            break;
        int i = 0;
        while (i < leaves) {
            nxdefn_hdr dm = m[i];
            dm.vrank = 0;
            if (!(cd->body[b][i] = ensure(d[b * leaves + i], &dm)))
                break;
            i++;
        }
        if (i < leaves)
            break;
        failed = b < k - 1;
    }
    nxdefn_tracing--;
    if (failed)
        goto out;
    /* The node lives in the predicates' and bodies' context (§6.1 step 6). */
    nxdefn_node **all = nx_alloc((size_t)k * (size_t)(leaves + 1) * sizeof *all);
    int na = 0;
    if (!all) {
        nxerr_oom((size_t)k * (size_t)(leaves + 1) * sizeof *all);
        goto out;
    }
    for (int b = 0; b < k; b++) {
        if (b < k - 1)
            all[na++] = preds[b];
        for (int i = 0; i < leaves; i++)
            all[na++] = cd->body[b][i];
    }
    int ctx = nxdefn_merge_ctx(all, na);
    nx_free(all);
    if (ctx < 0)
        goto out;
    nxdefn_node *res[MAX_LEAVES];
    rc = split_tuple(node, m, leaves, res);
    node = NULL;
    if (rc == 0)
        rc = node_results(res, m, leaves, out) < 0 ? -1 : leaves;
out:
    nxdefn_release(node);
    return rc;
}

int nxdefn_cond_build(int k, nx_tensor *const *pt, nx_tensor *const *const *bodies, int leaves, nx_tensor **out)
{
    if (k == 1) {   /* no clause left: the last body itself */
        for (int i = 0; i < leaves; i++)
            if (!(out[i] = nx_as_type(bodies[0][i], bodies[0][i]->type)))
                return -1;
        return leaves;
    }
    nxdefn_hdr merged[MAX_LEAVES];
    nxdefn_node *preds[MAX_LEAVES] = { 0 };
    nx_tensor **all = nx_alloc((size_t)k * (size_t)leaves * sizeof *all);
    int rc = -1;
    if (!all)
        return nxerr_oom((size_t)k * (size_t)leaves * sizeof *all), -1;
    for (int b = 0; b < k - 1; b++)
        if (!(preds[b] = nxdefn_node_of(pt[b])))
            goto out;
    /* Merge each leaf: last first, then the clauses in order (§6.1 step 5). Leaves with
     * vectorized axes are aligned and devectorized first; the result is re-vectorized. */
    nxdefn_tracing++;   /* the alignments are traced ops */
    for (int i = 0; i < leaves; i++) {
        nx_tensor *in[MAX_LEAVES], *d[MAX_LEAVES];
        in[0] = bodies[k - 1][i];
        for (int b = 0; b < k - 1; b++)
            in[b + 1] = bodies[b][i];
        int vr = 0;
        bool vec = false;
        for (int j = 0; j < k; j++)
            vec |= in[j]->vrank > 0;
        if (vec && nx_reshape_vectors((const nx_tensor *const *)in, k, d, .align_ranks = true) < 0)
            break;
        if (vec)
            vr = d[0]->vrank;
        int j = 0;
        for (; j < k; j++)
            if (!(d[j] = vec ? nx_devectorize(d[j], true) : in[j]))
                break;
        if (j < k)
            break;
        nxdefn_hdr_of(&merged[i], d[0]);
        for (j = 1; j < k; j++) {
            nxdefn_hdr h;
            nxdefn_hdr_of(&h, d[j]);
            if (merge_leaf(&merged[i], &h) < 0)
                break;
        }
        if (j < k)
            break;
        all[(k - 1) * leaves + i] = d[0];
        for (int b = 0; b < k - 1; b++)
            all[b * leaves + i] = d[b + 1];
        merged[i].vrank = vr;   /* the leading merged axes are the vectorized ones */
    }
    nxdefn_tracing--;
    if (nxerr_pending())
        goto out;
    rc = build_node(k, preds, all, merged, leaves, out);
out:
    release_nodes(preds, k - 1);
    nx_free(all);
    return rc;
}

/* The traced cond over clauses c[0..n) whose predicates are expressions or constants. */
static int trace_cond(int n, const nx_clause *c, nx_tensor **out, int cap)
{
    nxdefn_node *preds[MAX_LEAVES] = { 0 };
    const nx_clause *kept[MAX_LEAVES];
    int k = 0, rc = -1, leaves = -1, lastk = -1;
    if (n > MAX_LEAVES)
        return nxerr_set(NX_ARGUMENT_ERROR, "cond with more than %d clauses", MAX_LEAVES);
    for (int i = 0; i < n; i++) {
        nxdefn_node *p = NULL;
        if (c[i].pred) {
            if (check_predicate(c[i].pred, "cond") < 0 || !(p = nxdefn_node_of(c[i].pred)))
                goto out;
            if (p->kind == NXN_CONSTANT && !nxdefn_number_true(p->value)) {   /* §6.1 step 2 */
                nxdefn_release(p);
                continue;
            }
        }
        if (!p || p->kind == NXN_CONSTANT) {
            nxdefn_release(p);
            if (k == 0) {   /* the first remaining clause is always true: just its body */
                nxdefn_tracing++;
                int m = run_branch(&c[i], out, cap);
                nxdefn_tracing--;
                return to_caller(out, m);
            }
            kept[k] = &c[i];
            preds[k++] = NULL;
            lastk = k;
            break;
        }
        kept[k] = &c[i];
        preds[k++] = p;
    }
    if (lastk < 0) {
        rc = nxerr_set(NX_COMPILE_ERROR, "cond/if expects at least one branch to always evaluate to true");
        goto out;
    }
    /* Trace every remaining body (§6.1 step 3). */
    nx_tensor *bodies[MAX_LEAVES][MAX_LEAVES];
    int nb[MAX_LEAVES] = { 0 }, traced = 0;
    nxdefn_hdr first[MAX_LEAVES], other[MAX_LEAVES];
    nxdefn_tracing++;
    for (; traced < k; traced++) {
        nb[traced] = run_branch(kept[traced], bodies[traced], MAX_LEAVES);
        if (nb[traced] < 0)
            break;
    }
    nxdefn_tracing--;
    if (traced < k)
        goto out_bodies;
    leaves = nb[0];
    for (int i = 0; i < leaves; i++)
        nxdefn_hdr_of(&first[i], bodies[0][i]);
    for (int b = 1; b < k; b++) {
        if (nb[b] == leaves)
            continue;
        for (int i = 0; i < nb[b]; i++)
            nxdefn_hdr_of(&other[i], bodies[b][i]);
        char title[32];
        snprintf(title, sizeof title, "Branch %d", b);
        char *d = nxdefn_diff("First Branch (expected)", title, first, leaves, other, nb[b], always_compatible);
        nxerr_set(NX_COMPILE_ERROR, "cond/if expects all branches to return compatible tensor types.\n\n%s", d ? d : "");
        nx_free(d);
        goto out_bodies;
    }
    if (leaves > cap) {
        nxerr_set(NX_ARGUMENT_ERROR, "cond returns %d leaves, more than the %d expected", leaves, cap);
        goto out_bodies;
    }
    if (leaves == 0) {   /* empty containers: the empty container */
        rc = 0;
        goto out_bodies;
    }
    /* The node (or, with vectorized predicates, the select lowering of control_vec.c),
     * built in a scope of its own: only the results reach the caller. */
    nx_tensor *pt[MAX_LEAVES], *const *bp[MAX_LEAVES];
    bool vec = false;
    for (int b = 0; b < k; b++) {
        bp[b] = bodies[b];
        if (b < k - 1) {
            pt[b] = (nx_tensor *)kept[b]->pred;
            vec |= pt[b]->vrank > 0;
        }
    }
    nx_scope_begin();
    nxdefn_tracing++;
    int got = vec ? nxdefn_cond_vectorized(k, pt, bp, leaves, out) : nxdefn_cond_build(k, pt, bp, leaves, out);
    nxdefn_tracing--;
    if (got == leaves)
        keep_private(out, leaves);
    nx_scope_end();
    rc = to_caller(out, got == leaves ? leaves : -1);
out_bodies:
    for (int b = 0; b < traced && b < k; b++)
        for (int i = 0; i < nb[b]; i++)
            nx_release(bodies[b][i]);
out:
    release_nodes(preds, k);
    return rc;
}

/* Concrete predicates with vectorized axes: the cond is traced (every branch with them,
 * as Nx traces every branch) and the lowered graph evaluated, so eager and traced code
 * agree on values, types and shapes. */
static int eager_vectorized(int n, const nx_clause *clauses, nx_tensor **out, int cap)
{
    nxdefn_tracing++;
    nx_scope_begin();
    int k = trace_cond(n, clauses, out, cap);
    nxdefn_tracing--;
    nxdefn_node *roots[MAX_LEAVES];
    nx_tensor *vals[MAX_LEAVES];
    int rc = k;
    for (int i = 0; i < k; i++)
        roots[i] = out[i]->node;
    if (k > 0 && nxdefn_eval(roots, k, NULL, 0, vals) < 0)
        rc = -1;
    for (int i = 0; rc > 0 && i < k; i++) {   /* the templates' headers back on the values */
        nx_tensor *v = vals[i];
        vals[i] = nxfront_view(v, out[i]->type, out[i]->rank, out[i]->dims, out[i]->names, out[i]->vrank);
        if (!vals[i])
            rc = -1;
    }
    for (int i = 0; rc > 0 && i < k; i++)
        out[i] = nx_retain(vals[i]);
    nx_scope_end();
    return to_caller(out, rc);
}

int nx_cond(int n, const nx_clause *clauses, nx_tensor **out, int cap)
{
    if (n < 1 || !clauses || (cap > 0 && !out))
        return nxerr_set(NX_ARGUMENT_ERROR, "cond expects at least one clause");
    if (clauses[n - 1].pred)
        return nxerr_set(NX_COMPILE_ERROR, "expected the last clause of cond to be true (a NULL predicate)");
    bool traced = nxdefn_tracing > 0;
    for (int i = 0; i < n; i++)
        if (clauses[i].pred) {
            if (!nxdefn_traced(clauses[i].pred) && nxtensor_check_inputs(&clauses[i].pred, 1) < 0)
                return -1;
            traced |= nxdefn_traced(clauses[i].pred);
        }
    if (traced)
        return trace_cond(n, clauses, out, cap);
    for (int i = 0; i < n; i++)
        if (clauses[i].pred && clauses[i].pred->vrank > 0)
            return eager_vectorized(n, clauses, out, cap);
    for (int i = 0; i < n; i++) {
        int t = 1;
        if (clauses[i].pred && (check_predicate(clauses[i].pred, "cond") < 0 || (t = nxdefn_truth(clauses[i].pred)) < 0))
            return -1;
        if (t) {
            return to_caller(out, run_branch(&clauses[i], out, cap));
        }
    }
    return -1;   /* unreachable: the last clause is true */
}

typedef struct {
    nx_thunk_fn *then_fn, *else_fn;
    void *ctx;
} if_ctx;

static int then_branch(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    const if_ctx *f = c;
    return (out[0] = f->then_fn(f->ctx)) ? 1 : -1;
}

static int else_branch(nx_tensor **out, int cap, void *c)
{
    (void)cap;
    const if_ctx *f = c;
    return (out[0] = f->else_fn ? f->else_fn(f->ctx) : NX_I(0)) ? 1 : -1;
}

nx_tensor *nx_if(const nx_tensor *pred, nx_thunk_fn *then_fn, nx_thunk_fn *else_fn, void *ctx)
{
    if (!then_fn)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected a then function, got: NULL");
    if (!pred)
        return nxerr_pending() ? NULL : nxerr_null(NX_ARGUMENT_ERROR, "expected a predicate, got: NULL");
    if_ctx f = { then_fn, else_fn, ctx };
    nx_clause c[2] = { { pred, then_branch, &f }, { NULL, else_branch, &f } };
    nx_tensor *r = NULL;
    return nx_cond(2, c, &r, 1) == 1 ? r : NULL;
}

/* ---- while ---- */

/* §6.2 step 3: same type, shape and vectorized axes; names compatible (nil matches). */
static bool same_template(const nxdefn_hdr *a, const nxdefn_hdr *b)
{
    if (a->type != b->type || a->rank != b->rank || a->vrank != b->vrank)
        return false;
    for (int i = 0; i < a->rank; i++) {
        if (a->dims[i] != b->dims[i])
            return false;
        if (a->names[i] && b->names[i] && a->names[i] != b->names[i])
            return false;
    }
    return true;
}

/* The body's leaves against the initial state's: 0, or -1 with the §6.2 CompileError. */
static int check_body(int n, const nxdefn_hdr *init, nx_tensor *const *next)
{
    nxdefn_hdr body[MAX_LEAVES];
    bool ok = true;
    for (int i = 0; i < n; i++) {
        nxdefn_hdr_of(&body[i], next[i]);
        ok &= same_template(&body[i], &init[i]);
    }
    if (ok)
        return 0;
    char *d = nxdefn_diff("Body (do-block)", "Initial", body, n, init, n, same_template);
    int rc = nxerr_set(NX_COMPILE_ERROR,
                       "the do-block in while must return tensors with the same shape, type, and names as the "
                       "initial arguments.\n\n%s",
                       d ? d : "");
    nx_free(d);
    return rc;
}

/* Runs body(state) in its own scope: next[0..n) come back as private references. */
static int run_body(int n, nx_tensor *const *state, nx_while_body_fn *body, void *ctx, nx_tensor **next)
{
    for (int i = 0; i < n; i++)
        next[i] = NULL;
    nx_scope_begin();
    int rc = body(state, next, ctx);
    for (int i = 0; rc == 0 && i < n; i++)
        if (!next[i]) {
            if (!nxerr_pending())
                nxerr_set(NX_RUNTIME_ERROR, "the while body returned NULL without an error");
            rc = -1;
        }
    if (rc == 0 && !nxerr_pending())
        keep_private(next, n);
    else
        rc = -1;
    nx_scope_end();
    if (rc < 0)
        for (int i = 0; i < n; i++)
            next[i] = NULL;
    return rc;
}

/* The condition's value in its own scope, as a private reference. */
static nx_tensor *run_condition(nx_tensor *const *state, nx_while_cond_fn *cond, void *ctx)
{
    nx_scope_begin();
    nx_tensor *c = cond(state, ctx);
    if (!c && !nxerr_pending())
        nxerr_set(NX_RUNTIME_ERROR, "the while condition returned NULL without an error");
    if (c && check_predicate(c, "while") < 0)
        c = NULL;
    nx_retain(c);
    nx_scope_end();
    return c;
}

/* 0: loops run as long as their condition holds (a fuzzer sets a bound, so that a loop
 * that never ends is an error rather than a hang). */
static _Atomic int64_t while_limit;

void nx_set_while_limit(int64_t iterations)
{
    while_limit = iterations > 0 ? iterations : 0;
}

int nxdefn_while_step(int64_t done)
{
    int64_t limit = while_limit;
    if (limit > 0 && done >= limit)
        return nxerr_set(NX_RUNTIME_ERROR, "while loop stopped after %lld iterations (the limit set by "
                         "nx_set_while_limit)", (long long)limit);
    return 0;
}

/* The ArgumentError of a vectorized condition reaching a while node (§6.2). */
static int vectorized_condition(const nx_tensor *c)
{
    char *s = nx_inspect(c);
    int rc = nxerr_set(NX_ARGUMENT_ERROR, "condition for while cannot be vectorized, got: %s", s ? s : "?");
    nx_free(s);
    return rc;
}

typedef struct {
    nx_while_cond_fn *cond;
    nx_while_body_fn *body;
    void *ctx;
} user_loop;

static int entry_loop(int n, nx_tensor *const *state, const nx_tensor *gen, nx_tensor **out, void *c)
{
    (void)gen;
    const user_loop *u = c;
    return nxdefn_while_plain(n, (const nx_tensor *const *)state, u->cond, u->body, u->ctx, out);
}

/* A condition c that came out vectorized: the §6.2 lowering over c's vectorized axes (a
 * template of them stands for c, so no node of the discarded trace is reused). */
static int lower_vectorized(const nx_tensor *c, int n, const nx_tensor *const *initial, nx_while_cond_fn *cond,
                            nx_while_body_fn *body, void *ctx, nx_tensor **out)
{
    user_loop u = { cond, body, ctx };
    nx_scope_begin();
    nx_shape s = { .rank = c->vrank };
    memcpy(s.dims, c->dims, (size_t)c->vrank * sizeof *c->dims);
    nx_tensor *t = nx_broadcast(nx_scalar(NX_INT(0), NX_U8), s);
    for (int i = 0; t && i < c->vrank; i++)
        t = nx_vectorize(t, c->names[i]);
    nx_retain(t);
    nx_scope_end();
    if (!t)
        return -1;
    int rc = nxdefn_while_entries(t, false, n, initial, entry_loop, &u, out);
    nx_release(t);
    return rc;
}

static int eager_while(int n, const nx_tensor *const *initial, nx_while_cond_fn *cond, nx_while_body_fn *body,
                       void *ctx, nx_tensor **out, bool plain)
{
    nx_tensor *state[MAX_LEAVES], *next[MAX_LEAVES];
    nxdefn_hdr init[MAX_LEAVES];
    for (int i = 0; i < n; i++) {
        state[i] = nx_retain((nx_tensor *)initial[i]);
        nxdefn_hdr_of(&init[i], initial[i]);
    }
    int rc = -1;
    for (int64_t done = 0;; done++) {
        nx_tensor *c = run_condition(state, cond, ctx);
        if (c && c->vrank > 0) {   /* each entry runs to its own end (§6.2) */
            rc = plain || done > 0 ? vectorized_condition(c)
                                   : lower_vectorized(c, n, initial, cond, body, ctx, out);
            nx_release(c);
            if (rc == 0)
                for (int i = 0; i < n; i++)
                    nx_release(state[i]);
            else
                goto out;
            return 0;
        }
        int t = c ? nxdefn_truth(c) : -1;
        nx_release(c);
        if (t < 0)
            goto out;
        if (!t)
            break;
        if (nxdefn_while_step(done) < 0 || run_body(n, state, body, ctx, next) < 0)
            goto out;
        if (check_body(n, init, next) < 0) {
            for (int i = 0; i < n; i++)
                nx_release(next[i]);
            goto out;
        }
        for (int i = 0; i < n; i++) {
            nx_release(state[i]);
            state[i] = next[i];
        }
    }
    for (int i = 0; i < n; i++)
        out[i] = state[i];
    return to_caller(out, n) < 0 ? -1 : 0;
out:
    for (int i = 0; i < n; i++)
        nx_release(state[i]);
    return rc;
}

static int trace_while(int n, const nx_tensor *const *initial, nx_while_cond_fn *cond, nx_while_body_fn *body,
                       void *ctx, nx_tensor **out, bool plain)
{
    nxdefn_node *init[MAX_LEAVES] = { 0 }, *res[MAX_LEAVES];
    nxdefn_hdr h[MAX_LEAVES];
    nx_tensor *params[MAX_LEAVES] = { 0 }, *next[MAX_LEAVES] = { 0 }, *c = NULL;
    nxdefn_node *node = NULL;
    int rc = -1, wctx = nxdefn_new_ctx();
    for (int i = 0; i < n; i++) {
        if (!(init[i] = nxdefn_node_of(initial[i])))
            goto out;
        h[i] = init[i]->h;
        nxdefn_hdr_of(&h[i], initial[i]);   /* the leaf's own names and vectorized axes */
    }
    int octx = nxdefn_merge_ctx(init, n);
    if (octx < 0)
        goto out;
    for (int i = 0; i < n; i++) {
        nxdefn_hdr ph = h[i];
        if (!(params[i] = nxdefn_tensor(&ph, nxdefn_parameter(&ph, i, wctx))))
            goto out;
        nx_retain(params[i]);   /* private: kept past the scopes below */
    }
    nxdefn_tracing++;
    c = run_condition(params, cond, ctx);
    if (c && c->vrank > 0) {   /* §6.2: lowered over the condition's entries (this trace is dropped) */
        nxdefn_tracing--;
        rc = plain ? vectorized_condition(c) : lower_vectorized(c, n, initial, cond, body, ctx, out);
        goto out;
    }
    int brc = c ? run_body(n, params, body, ctx, next) : -1;
    nxdefn_tracing--;
    if (brc < 0 || check_body(n, h, next) < 0)
        goto out;
    nxdefn_while *w = nxalloc_zeroed(1, sizeof *w);
    nxdefn_hdr th = tuple_hdr(h, n);
    if (!w || !(w->body = nxalloc_zeroed((size_t)n, sizeof *w->body))) {
        nx_free(w);
        nxerr_oom(sizeof *w);
        goto out;
    }
    w->leaves = n;
    w->ctx = wctx;
    node = nxdefn_node_new(NXN_WHILE, &th, n, init);
    if (!node) {
        nx_free(w->body);
        nx_free(w);
        goto out;
    }
    node->loop = w;
    node->ctx = octx;
    /* Condition and body live in the while context; a body leaf captured unchanged from
     * the enclosing scope raises the different-contexts error (§6.2 step 4). */
    if (!(w->cond = nxdefn_node_of(c)))
        goto out;
    for (int i = 0; i < n; i++) {
        if (!(w->body[i] = nxdefn_node_of(next[i])))
            goto out;
        nxdefn_node *pair[2] = { params[i]->node, w->body[i] };
        if (nxdefn_merge_ctx(pair, 2) < 0)
            goto out;
    }
    nxdefn_node *cpair[2] = { params[0]->node, w->cond };
    if (nxdefn_merge_ctx(cpair, 2) < 0)
        goto out;
    if (split_tuple(node, h, n, res) < 0) {
        node = NULL;
        goto out;
    }
    node = NULL;
    rc = node_results(res, h, n, out);
out:
    nxdefn_release(node);
    nx_release(c);
    for (int i = 0; i < n; i++) {
        nxdefn_release(init[i]);
        nx_release(params[i]);
        nx_release(next[i]);
    }
    return rc;
}

static int while_run(int n, const nx_tensor *const *initial, nx_while_cond_fn *cond, nx_while_body_fn *body,
                     void *ctx, nx_tensor **out, bool plain)
{
    if (n < 1 || n > MAX_LEAVES || !initial || !out)
        return nxerr_set(NX_ARGUMENT_ERROR, "while expects between 1 and %d state leaves, got: %d", MAX_LEAVES, n);
    if (!cond || !body)
        return nxerr_set(NX_ARGUMENT_ERROR, "while expects a condition and a body function");
    bool traced = nxdefn_tracing > 0;
    for (int i = 0; i < n; i++) {
        if (!initial[i])
            return nxerr_pending() ? -1 : nxerr_set(NX_ARGUMENT_ERROR, "expected a tensor as initial leaf %d, got: NULL", i);
        if (!nxdefn_traced(initial[i]) && nxtensor_check_inputs(&initial[i], 1) < 0)
            return -1;
        traced |= nxdefn_traced(initial[i]);
    }
    for (int i = 0; i < n; i++)
        out[i] = NULL;
    return traced ? trace_while(n, initial, cond, body, ctx, out, plain)
                  : eager_while(n, initial, cond, body, ctx, out, plain);
}

int nx_while(int n, const nx_tensor *const *initial, nx_while_cond_fn *cond, nx_while_body_fn *body, void *ctx,
             nx_tensor **out)
{
    return while_run(n, initial, cond, body, ctx, out, false);
}

int nxdefn_while_plain(int n, const nx_tensor *const *initial, nx_while_cond_fn *cond, nx_while_body_fn *body,
                       void *ctx, nx_tensor **out)
{
    return while_run(n, initial, cond, body, ctx, out, true);
}
