/* src/defn/grad_control.c: reverse mode through cond and while (spec/grad.md §6).
 * cond: every branch is differentiated (down to the variables, through the values it uses
 * from outside) seeded with the cond's cotangents, and a new cond over the same predicates
 * returns those gradients, so only the taken branch's gradient runs. while: the body's VJP
 * is derived once over the loop parameters; a counting loop gives the number of iterations
 * n and a reverse loop rematerialises the state before each iteration from the initial
 * state, applying the VJPs from the last iteration to the first (O(n^2) body runs, O(1)
 * memory). The new loops reuse the forward loop's context: its parameters keep their
 * positions and new ones follow. A state leaf may be vectorized (the inner loop of a
 * vectorized while keeps a leaf's axes beyond the condition's, spec/defn.md §6.2): the
 * new loops then carry it, and its cotangent, vectorized the same way, so the body runs
 * as recorded; the body's VJP runs devectorized with those axes as batch axes (§9), and
 * the gradient leaves the rule devectorized, as every cotangent of the pass is. */
#include "defn/grad.h"

#include <string.h>
#include "core/alloc.h"
#include "core/error.h"
#include "nx.h"

#define MAX_STATE 20   /* the reverse loop carries 3 * leaves + 2 values (eval: at most 64) */

/* ---------------------------------------------------------------- cond */

typedef struct {
    nxdefn_node *const *body;   /* the branch's leaves */
    int leaves;
    nx_tensor *const *g;
    int nvars, nsel;
    nxdefn_node *const *vars;
    const int *sel;             /* the variables some branch reaches */
} branch;

static int grad_branch(nx_tensor **out, int cap, void *c)
{
    const branch *b = c;
    nx_tensor *outs[64], *grads[64];
    if (b->leaves > 64 || b->nvars > 64 || b->nsel > cap)
        return nxerr_set(NX_ARGUMENT_ERROR, "grad of a cond with more than 64 leaves or variables");
    for (int l = 0; l < b->leaves; l++)
        if (!(outs[l] = nxgrad_tensor(b->body[l])))
            return -1;
    if (nxgrad_reverse_multi(b->leaves, outs, b->g, b->nvars, b->vars, grads, NULL) < 0)
        return -1;
    for (int k = 0; k < b->nsel; k++)
        out[k] = grads[b->sel[k]];
    return b->nsel;
}

int nxgrad_cond(nxdefn_node *n, nx_tensor *const *g, int nvars, nxdefn_node *const *vars, nx_tensor **out)
{
    const nxdefn_cond *cd = n->cond;
    int nb = cd->nclauses + 1, sel[64], nsel = 0;
    for (int v = 0; v < nvars; v++)
        out[v] = NULL;
    if (nvars > 64 || nb > 64)
        return nxerr_set(NX_ARGUMENT_ERROR, "grad of a cond with more than 64 clauses or variables");
    for (int v = 0; v < nvars; v++)   /* only variables some branch depends on (§6.3) */
        for (int b = 0; b < nb; b++)
            if (nxgrad_reaches(cd->leaves, cd->body[b], vars[v])) {
                sel[nsel++] = v;
                break;
            }
    if (nsel == 0)
        return 0;
    branch br[64];
    nx_clause clauses[64];
    for (int b = 0; b < nb; b++) {
        br[b] = (branch){ cd->body[b], cd->leaves, g, nvars, nsel, vars, sel };
        clauses[b] = (nx_clause){ NULL, grad_branch, &br[b] };
        if (b < cd->nclauses && !(clauses[b].pred = nxgrad_tensor(cd->pred[b])))
            return -1;
    }
    nx_tensor *res[64];
    int k = nx_cond(nb, clauses, res, nsel);
    if (k < 0)
        return -1;
    if (k != nsel)
        return nxerr_set(NX_RUNTIME_ERROR, "grad of cond: %d gradients for %d variables", k, nsel);
    for (int i = 0; i < nsel; i++)   /* the pass runs devectorized (a vectorized variable's gradient is not) */
        if (!(out[sel[i]] = res[i]->vrank > 0 ? nx_devectorize(res[i], false) : res[i]))
            return -1;
    return 0;
}

/* ---------------------------------------------------------------- while */

/* The forward loop's parameters by position: found in its condition and body (a state
 * leaf the loop never reads gets a fresh parameter). */
typedef struct {
    nxdefn_node **v;
    size_t n, cap;
} nodes;

static bool seen(const nodes *s, const nxdefn_node *x)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == x)
            return true;
    return false;
}

static int push(nodes *s, nxdefn_node *x)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        nxdefn_node **v = nxalloc_realloc(s->v, cap * sizeof *v);
        if (!v)
            return nxerr_oom(cap * sizeof *v), -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = x;
    return 0;
}

static int find_params(const nxdefn_while *w, nxdefn_node **params)
{
    nodes todo = { 0 }, done = { 0 };
    int rc = push(&todo, w->cond);
    for (int i = 0; rc == 0 && i < w->leaves; i++)
        rc = push(&todo, w->body[i]);
    while (rc == 0 && todo.n > 0) {
        nxdefn_node *x = todo.v[--todo.n];
        if (seen(&done, x) || (rc = push(&done, x)) < 0)
            continue;
        if (x->kind == NXN_PARAMETER && x->ctx == w->ctx && x->pos < w->leaves)
            params[x->pos] = x;
        for (int i = 0; rc == 0 && i < x->nin; i++)
            rc = push(&todo, x->in[i]);
        if (x->kind == NXN_COND)   /* branches in the loop's context */
            for (int b = 0; rc == 0 && b <= x->cond->nclauses; b++) {
                if (b < x->cond->nclauses)
                    rc = push(&todo, x->cond->pred[b]);
                for (int l = 0; rc == 0 && l < x->cond->leaves; l++)
                    rc = push(&todo, x->cond->body[b][l]);
            }
    }
    nx_free(todo.v);
    nx_free(done.v);
    return rc;
}

static nx_tensor *param(const nxdefn_hdr *h, int pos, int ctx)
{
    return nxdefn_tensor(h, nxdefn_parameter(h, pos, ctx));
}

/* A while node over init[0..m) (m > 1) with the given condition and body in context ctx;
 * out[i] its elem tensors. */
static int make_while(int m, nx_tensor *const *init, int ctx, const nx_tensor *cond, nx_tensor *const *body,
                      nx_tensor **out)
{
    nxdefn_node *in[3 * MAX_STATE + 2];
    nxdefn_hdr h[3 * MAX_STATE + 2];
    int rc = -1, made = 0;
    for (; made < m; made++) {
        if (!(in[made] = nxdefn_node_of(init[made])))
            goto out;
        h[made] = in[made]->h;
    }
    int octx = nxdefn_merge_ctx(in, m);
    nxdefn_while *w = nxalloc_zeroed(1, sizeof *w);
    if (octx < 0 || !w || !(w->body = nxalloc_zeroed((size_t)m, sizeof *w->body))) {
        if (w)
            nx_free(w);
        if (octx >= 0)
            nxerr_oom(sizeof *w);
        goto out;
    }
    w->leaves = m;
    w->ctx = ctx;
    nxdefn_hdr th;
    memset(&th, 0, sizeof th);
    th.type = NX_TYPE_NONE;
    th.tuple = m;
    nxdefn_node *node = nxdefn_node_new(NXN_WHILE, &th, m, in);
    if (!node) {
        nx_free(w->body);
        nx_free(w);
        goto out;
    }
    node->loop = w;   /* freed with the node */
    node->ctx = octx;
    bool ok = (w->cond = nxdefn_node_of(cond)) != NULL;
    for (int i = 0; ok && i < m; i++)
        ok = (w->body[i] = nxdefn_node_of(body[i])) != NULL;
    for (int i = 0; ok && i < m; i++) {
        nxdefn_node *e = nxdefn_node_new(NXN_ELEM, &h[i], 1, &node);
        if (e) {
            e->pos = i;
            e->ctx = octx;
        }
        ok = (out[i] = nxdefn_tensor(&h[i], e)) != NULL;
    }
    nxdefn_release(node);
    rc = ok ? 0 : -1;
out:
    for (int i = 0; i < made; i++)
        nxdefn_release(in[i]);
    return rc;
}

/* The type a leaf's cotangent is carried in: float (f32 unless the leaf or the incoming
 * cotangent is wider), complex for complex leaves. */
static nx_type cotangent_type(nx_type leaf, nx_type g)
{
    nx_type t = nx_type_is_complex(leaf) || leaf == NX_F64 ? leaf : NX_F32;
    return nx_type_merge(t, g);
}

/* t (devectorized, the full shape of h) converted to `type`, broadcast to h's full shape
 * and vectorized again over h's vectorized axes. */
static nx_tensor *as_leaf(nx_tensor *t, nx_type type, const nxdefn_hdr *h)
{
    if (t && t->vrank > 0)
        t = nx_devectorize(t, false);
    nx_shape sh = { .rank = h->rank };
    memcpy(sh.dims, h->dims, (size_t)h->rank * sizeof *h->dims);
    t = nx_broadcast(nx_as_type(t, type), sh);
    for (int k = 0; t && k < h->vrank; k++)
        t = nx_vectorize(t, h->names[k]);
    return t;
}

int nxgrad_while(nxdefn_node *n, nx_tensor *const *g, nx_tensor **out)
{
    const nxdefn_while *w = n->loop;
    int L = w->leaves, ctx = w->ctx;
    if (L > MAX_STATE)
        return nxerr_set(NX_ARGUMENT_ERROR, "grad of a while loop with more than %d state leaves is not supported",
                         MAX_STATE);
    for (int l = 0; l < L; l++)
        out[l] = NULL;
    nxdefn_node *pn[MAX_STATE] = { 0 };
    if (find_params(w, pn) < 0)
        return -1;
    nx_tensor *body[MAX_STATE], *s0[MAX_STATE], *gin[MAX_STATE], *gp[MAX_STATE], *seed[MAX_STATE];
    nx_tensor *vjp[MAX_STATE];
    nxdefn_hdr gh[MAX_STATE];
    nxdefn_node *fresh[MAX_STATE] = { 0 };
    int rc = -1;
    for (int l = 0; l < L; l++) {
        nxdefn_hdr h = n->in[l]->h;
        if (!pn[l] && !(pn[l] = fresh[l] = nxdefn_parameter(&h, l, ctx)))
            goto out;
        gh[l] = h;   /* the cotangent: the leaf's shape and vectorized axes, no inner names */
        gh[l].type = cotangent_type(h.type, g[l]->type);
        memset(gh[l].names + h.vrank, 0, (size_t)(NX_MAX_RANK - h.vrank) * sizeof *gh[l].names);
        s0[l] = nxgrad_tensor(n->in[l]);
        for (int k = 0; s0[l] && k < h.vrank; k++)
            s0[l] = nx_vectorize(s0[l], h.names[k]);
        if (!(body[l] = nxdefn_tensor(&w->body[l]->h, nxdefn_retain(w->body[l]))) || !s0[l] ||
            !(gin[l] = as_leaf(g[l], gh[l].type, &gh[l])) || !(gp[l] = param(&gh[l], L + l, ctx)) ||
            !(seed[l] = h.vrank > 0 ? nx_devectorize(gp[l], false) : gp[l]))
            goto out;
    }
    /* 1. the body's VJP over the loop parameters, seeded with the parameters gp */
    if (nxgrad_reverse_multi(L, body, seed, L, pn, vjp, NULL) < 0)
        goto out;
    for (int l = 0; l < L; l++)
        if (!(vjp[l] = as_leaf(vjp[l], gh[l].type, &gh[l])))
            goto out;
    /* 2. the number of iterations: {state, i} = {s0, 0} while cond: {body, i + 1} */
    nxdefn_hdr ih = { .type = NX_S32 };
    nx_tensor *count_init[MAX_STATE + 1], *count_body[MAX_STATE + 1], *counted[MAX_STATE + 1];
    nx_tensor *counter = param(&ih, L, ctx), *cond = nxdefn_tensor(&w->cond->h, nxdefn_retain(w->cond));
    if (!counter || !cond)
        goto out;
    for (int l = 0; l < L; l++) {
        count_init[l] = s0[l];
        count_body[l] = body[l];
    }
    count_init[L] = nx_scalar(NX_INT(0), NX_S32);
    count_body[L] = nx_add(counter, nx_scalar(NX_INT(1), NX_S32));
    if (!count_init[L] || !count_body[L] || make_while(L + 1, count_init, ctx, cond, count_body, counted) < 0)
        goto out;
    /* 3. the reverse loop over {s, g, k, j, s0}: while k > 0, with r = j < k - 1:
     *    s = r ? body(s) : s0; g = r ? g : vjp(s, g); k = r ? k : k - 1; j = r ? j + 1 : 0 */
    nx_tensor *k = param(&ih, 2 * L, ctx), *j = param(&ih, 2 * L + 1, ctx);
    nx_tensor *rinit[3 * MAX_STATE + 2], *rbody[3 * MAX_STATE + 2], *res[3 * MAX_STATE + 2];
    nx_tensor *one = nx_scalar(NX_INT(1), NX_S32), *zero = nx_scalar(NX_INT(0), NX_S32);
    nx_tensor *r = k && j ? nx_less(j, nx_subtract(k, one)) : NULL;
    if (!r)
        goto out;
    for (int l = 0; l < L; l++) {
        nxdefn_hdr h = n->in[l]->h;
        nx_tensor *sp = param(&h, 2 * L + 2 + l, ctx);
        if (!sp)
            goto out;
        rinit[l] = s0[l];
        rinit[L + l] = gin[l];
        rinit[2 * L + 2 + l] = s0[l];
        rbody[l] = nx_select(r, body[l], sp);
        rbody[L + l] = nx_select(r, gp[l], vjp[l]);
        rbody[2 * L + 2 + l] = sp;
        if (!rbody[l] || !rbody[L + l])
            goto out;
    }
    rinit[2 * L] = counted[L];
    rinit[2 * L + 1] = zero;
    rbody[2 * L] = nx_select(r, k, nx_subtract(k, one));
    rbody[2 * L + 1] = nx_select(r, nx_add(j, one), zero);
    nx_tensor *rcond = nx_greater(k, zero);
    if (!rbody[2 * L] || !rbody[2 * L + 1] || !rcond || make_while(3 * L + 2, rinit, ctx, rcond, rbody, res) < 0)
        goto out;
    /* 4. the final g is the gradient of the initial state */
    for (int l = 0; l < L; l++)
        if (!(out[l] = res[L + l]->vrank > 0 ? nx_devectorize(res[L + l], false) : res[L + l]))
            goto out;
    rc = 0;
out:
    for (int l = 0; l < L; l++)
        nxdefn_release(fresh[l]);
    return rc;
}
