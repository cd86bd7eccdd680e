/* src/defn/grad.c: reverse-mode differentiation (spec/grad.md §1, §2): nx_grad and
 * nx_value_and_grad mark their variables, trace the function, then walk the graph from
 * the output backwards in reverse creation order (operands are always older than their
 * consumers), summing each node's cotangent contributions and applying its rule
 * (grad_rules.c) once. The gradient graph is built through the public front ends while
 * tracing, so it is an expression like any other: printed, simplified, evaluated. */
#include "defn/grad.h"

#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "core/error.h"
#include "core/tensor.h"
#include "nx.h"

/* ---------------------------------------------------------------- node sets */

typedef struct {
    nxdefn_node **key;
    int *val;
    size_t cap;
} nodemap;

static size_t slot(const nodemap *m, const nxdefn_node *n)
{
    size_t h = (size_t)(((uintptr_t)n >> 4) * 0x9E3779B97F4A7C15ull) & (m->cap - 1);
    while (m->key[h] && m->key[h] != n)
        h = (h + 1) & (m->cap - 1);
    return h;
}

static int map_get(const nodemap *m, const nxdefn_node *n)
{
    size_t h = slot(m, n);
    return m->key[h] ? m->val[h] : -1;
}

/* Sorting by creation serial: operands come before their consumers. */
static int by_id(const void *a, const void *b)
{
    uint64_t x = (*(nxdefn_node *const *)a)->id, y = (*(nxdefn_node *const *)b)->id;
    return x < y ? -1 : x > y;
}

/* ---------------------------------------------------------------- operation names */

static const char *op_name(const nxdefn_node *n)
{
    switch (n->kind) {
    case NXN_KERNEL: return nxop_table[n->op].name;
    case NXN_CALL: return n->name;
    case NXN_COND: return "cond";
    case NXN_WHILE: return "while";
    case NXN_ELEM: return "elem";
    case NXN_IO_CALL: return "io_call";
    case NXN_RUNTIME_CALL: return "runtime_call";
    default: return NULL;
    }
}

static bool is_var(const nxdefn_node *n, int nvars, nxdefn_node *const *vars)
{
    for (int i = 0; i < nvars; i++)
        if (vars[i] == n)
            return true;
    return false;
}

/* Nothing flows below these (spec §2 step 3). */
static bool stops(const nxdefn_node *n)
{
    if (n->kind == NXN_METADATA)
        return n->stop_grad;
    if (n->kind == NXN_RUNTIME_CALL)   /* spec §4.11: never visited */
        return true;
    const char *name = op_name(n);
    return name && nxgrad_status_of(name, NULL) == NXGRAD_ZERO;
}

/* ---------------------------------------------------------------- tensors for rules */

/* n as a tensor with names cleared and vectorized axes devectorized. */
nx_tensor *nxgrad_tensor(nxdefn_node *n)
{
    nx_tensor *t = nxdefn_tensor(&n->h, nxdefn_retain(n));
    if (!t)
        return NULL;
    if (t->vrank > 0 && !(t = nx_devectorize(t, false)))
        return NULL;
    for (int i = 0; i < t->rank; i++)
        if (t->names[i]) {
            nx_shape s = nx_shape_of(t);
            return nx_reshape(t, s);
        }
    return t;
}

static nx_tensor *reshaped(nx_tensor *t, int rank, const int64_t *dims)
{
    nx_shape s = { .rank = rank };
    memcpy(s.dims, dims, (size_t)rank * sizeof *dims);
    return nx_reshape(t, s);
}

nx_tensor *nxgrad_zeros(const nxdefn_hdr *h)
{
    nx_shape s = { .rank = h->rank };
    memcpy(s.dims, h->dims, (size_t)h->rank * sizeof *h->dims);
    return nx_broadcast(nx_scalar(NX_FLOAT(0), NX_F32), s);
}

nx_tensor *nxgrad_unbroadcast(const nx_tensor *c, const nxdefn_hdr *xh)
{
    if (!c)
        return NULL;
    int64_t xsize = 1;
    for (int i = 0; i < xh->rank; i++)
        xsize *= xh->dims[i];
    if (c->size == xsize && c->rank != xh->rank)   /* only unit axes differ (a rule's view) */
        return reshaped((nx_tensor *)c, xh->rank, xh->dims);
    int off = c->rank - xh->rank;
    nx_axes axes = { 0 };
    if (off >= 0) {
        for (int i = 0; i < c->rank; i++)
            if (i < off || (xh->dims[i - off] == 1 && c->dims[i] != 1))
                axes.index[axes.n++] = i;
    }
    nx_tensor *r = (nx_tensor *)c;
    if (axes.n > 0 && !(r = nx_sum_(c, (nx_reduce_opts){ .axes = axes })))
        return NULL;
    bool same = r->rank == xh->rank;
    for (int i = 0; same && i < r->rank; i++)
        same = r->dims[i] == xh->dims[i];
    for (int i = 0; same && i < r->rank; i++)
        same = !r->names[i];
    if (same)
        return r;
    int64_t size = 1;
    for (int i = 0; i < xh->rank; i++)
        size *= xh->dims[i];
    if (r->size == size)
        return reshaped(r, xh->rank, xh->dims);
    nx_shape s = { .rank = xh->rank };
    memcpy(s.dims, xh->dims, (size_t)xh->rank * sizeof *xh->dims);
    return nx_broadcast(r, s);
}

/* ---------------------------------------------------------------- vectorized operands */

/* An element-wise node records operands with different vectorized axes as they are: the
 * kernel aligns them (by axis name, inner shapes left-padded). For the rules, such an
 * operand is given in that aligned layout (spec §9): the consumer's vectorized axes in
 * its order (size 1 where the operand lacks one), then 1s up to the consumer's inner rank,
 * then the operand's inner shape. perm[j] is the operand's axis for present axis j. */
typedef struct {
    int rank, npresent;
    int64_t dims[NX_MAX_RANK];
    int perm[NX_MAX_RANK];
} layout;

/* The vectorized axes of a binary element-wise node: the union of its operands', in
 * order of first appearance (what the front end aligned them to). */
static int union_axes(const nxdefn_node *n, const char **names)
{
    if (n->nin != 2)
        return 0;
    int nv = 0;
    for (int k = 0; k < 2; k++)
        for (int j = 0; j < n->in[k]->h.vrank && !n->in[k]->h.tuple; j++) {
            int m = 0;
            while (m < nv && names[m] != n->in[k]->h.names[j])
                m++;
            if (m == nv)
                names[nv++] = n->in[k]->h.names[j];
        }
    return nv;
}

static bool is_binary(const nxdefn_node *n)
{
    const char *name = op_name(n);
    if (n->nin != 2 || !name || (n->kind != NXN_KERNEL && n->kind != NXN_CALL))
        return false;
    for (int op = 0; op < NX_OP_COUNT; op++)
        if (nxop_table[op].kind == NX_OPK_BINARY && !strcmp(nxop_table[op].name, name))
            return true;
    return false;
}

/* Whether operand x of the binary element-wise node n needs the aligned layout; l gets it. */
static bool needs_align(const nxdefn_node *n, const nxdefn_hdr *x, layout *l)
{
    const char *cn[NX_MAX_RANK];
    if (x->vrank == 0 || x->tuple || !is_binary(n))
        return false;
    if (n->kh && (n->kh->rank != n->h.rank || memcmp(n->kh->dims, n->h.dims, (size_t)n->h.rank * sizeof *n->h.dims)))
        return false;   /* a view folded into the node: its own layout */
    int nv = union_axes(n, cn), ci = n->h.rank - nv, xi = x->rank - x->vrank;
    if (ci < 0 || xi > ci)
        return false;
    bool same = x->vrank == nv && xi == ci;
    l->npresent = 0;
    l->rank = 0;
    for (int k = 0; k < nv; k++) {
        int j = 0;
        while (j < x->vrank && x->names[j] != cn[k])
            j++;
        if (j < x->vrank) {
            same &= j == k;
            l->perm[l->npresent++] = j;
            l->dims[l->rank++] = x->dims[j];
        } else {
            l->dims[l->rank++] = 1;
        }
    }
    if (l->npresent != x->vrank)
        return false;
    for (int k = 0; k < ci - xi; k++)
        l->dims[l->rank++] = 1;
    for (int k = 0; k < xi; k++)
        l->dims[l->rank++] = x->dims[x->vrank + k];
    return !same;
}

static bool identity_perm(const layout *l)
{
    for (int j = 0; j < l->npresent; j++)
        if (l->perm[j] != j)
            return false;
    return true;
}

/* x (devectorized, the operand's own layout) in the aligned layout l. */
static nx_tensor *to_aligned(nx_tensor *x, const layout *l)
{
    if (!identity_perm(l)) {
        nx_axes ax = { .n = x->rank };
        for (int j = 0; j < x->rank; j++)
            ax.index[j] = j < l->npresent ? l->perm[j] : j;
        if (!(x = nx_transpose(x, .axes = ax)))
            return NULL;
    }
    return reshaped(x, l->rank, l->dims);
}

/* A contribution c for the aligned layout l back in the operand's own layout xh. */
static nx_tensor *from_aligned(nx_tensor *c, const layout *l, const nxdefn_hdr *xh)
{
    nxdefn_hdr ah = { .rank = l->rank };
    memcpy(ah.dims, l->dims, (size_t)l->rank * sizeof *l->dims);
    if (!(c = nxgrad_unbroadcast(c, &ah)))
        return NULL;
    if (identity_perm(l))
        return reshaped(c, xh->rank, xh->dims);
    int64_t d[NX_MAX_RANK];
    int r = 0;
    for (int j = 0; j < l->npresent; j++)
        d[r++] = xh->dims[l->perm[j]];
    for (int k = xh->vrank; k < xh->rank; k++)
        d[r++] = xh->dims[k];
    if (!(c = reshaped(c, r, d)))
        return NULL;
    nx_axes ax = { .n = r };   /* the inverse permutation */
    for (int j = 0; j < r; j++)
        ax.index[j < l->npresent ? l->perm[j] : j] = j;
    return nx_transpose(c, .axes = ax);
}

/* ---------------------------------------------------------------- errors */

void nxgrad_no_rule(const char *name, nxgrad_status s)
{
    if (s == NXGRAD_ERROR) {
        if (!strcmp(name, "quotient"))
            nxerr_set(NX_ARGUMENT_ERROR, "cannot compute gradient for Nx.quotient/2.\n\n"
                      "If a floating point computation is acceptable, consider implementing "
                      "floor division. See the documentation of `Nx.quotient` for more details.");
        else if (!strcmp(name, "window_product"))
            nxerr_set(NX_ARGUMENT_ERROR, "cannot compute gradient for Nx.window_product/3.\n\n"
                      "Consider using stop_grad/1 to make the gradient equal to its input "
                      "or use custom_grad/3 to define a proper gradient.");
        else
            nxerr_set(NX_ARGUMENT_ERROR, "cannot compute gradient for Nx.%s.", name);
        return;
    }
    nxerr_set(NX_ARGUMENT_ERROR, "grad of %s is not supported yet", name);
}

/* ---------------------------------------------------------------- custom_grad */

typedef struct {
    nx_custom_grad_fn *fn;
    void *ctx;
} custom;

static bool is_custom(const nxdefn_node *n)
{
    return n->kind == NXN_METADATA && n->opts && n->opts_size == sizeof(custom) && n->name && !strcmp(n->name, "custom_grad");
}

nx_tensor *nx_custom_grad(const nx_tensor *expr, int n, const nx_tensor *const *inputs, nx_custom_grad_fn *fn, void *ctx)
{
    if (nxtensor_check_inputs(&expr, 1) < 0)
        return NULL;
    if (!fn || n < 0 || n > NXGRAD_MAX_IN - 1 || (n > 0 && !inputs))
        return nxerr_null(NX_ARGUMENT_ERROR, "custom_grad expects a function and at most %d inputs", NXGRAD_MAX_IN - 1);
    if (nxtensor_check_inputs(inputs, n) < 0)
        return NULL;
    if (!nxdefn_tracing && !expr->node)   /* eager: identity */
        return nx_as_type(expr, expr->type);
    nxdefn_node *ins[NXGRAD_MAX_IN] = { 0 }, *node = NULL;
    int count = 0;
    for (; count <= n; count++)
        if (!(ins[count] = nxdefn_node_of(count ? inputs[count - 1] : expr)))
            goto out;
    int ctxid = nxdefn_merge_ctx(ins, count);
    nxdefn_hdr h;
    nxdefn_hdr_of(&h, expr);
    if (ctxid < 0 || !(node = nxdefn_node_new(NXN_METADATA, &h, count, ins)))
        goto out;
    node->ctx = ctxid;
    node->name = nx_atom("custom_grad");
    if (!(node->opts = nx_alloc(sizeof(custom)))) {
        nxdefn_release(node);
        node = NULL;
        goto out;
    }
    *(custom *)node->opts = (custom){ fn, ctx };
    node->opts_size = sizeof(custom);
out:
    for (int i = 0; i < count; i++)
        nxdefn_release(ins[i]);
    return node ? nxdefn_tensor(&h, node) : NULL;
}

static int custom_backward(nxdefn_node *n, nx_tensor *g, nx_tensor **out)
{
    const custom *c = n->opts;
    nx_tensor *in[NXGRAD_MAX_IN] = { 0 };
    for (int k = 1; k < n->nin; k++)
        if (!(in[k - 1] = nxgrad_tensor(n->in[k])))
            return -1;
    int rc = c->fn(g, n->nin - 1, in, out, c->ctx);
    for (int k = 0; rc == 0 && k < n->nin - 1; k++)
        if (!out[k])
            rc = -1;
    if (rc < 0 && !nxerr_pending())
        nxerr_set(NX_RUNTIME_ERROR, "custom_grad/3 must return a list of tensors that map directly to the inputs");
    return rc;
}

/* ---------------------------------------------------------------- the reverse pass */

typedef struct {
    nxdefn_node **nodes;   /* reachable nodes by creation order */
    int count;
    nodemap map;
    bool *dep;             /* leads to a variable */
    nx_tensor **ct;        /* summed cotangent contributions */
    nx_tensor ***slots;    /* tuple nodes (cond, while): one sum per leaf, from elem nodes */
    int nvars;
    nxdefn_node *const *vars;
} pass;

/* The operands the walk descends into: a cond's branch leaves count as its operands (its
 * predicates carry no gradient, spec §6.1); custom_grad's expression does not. */
static int operands(const nxdefn_node *n, int k, nxdefn_node **out)
{
    if (n->kind == NXN_COND) {
        int per = n->cond->leaves, b = k / (per ? per : 1);
        if (per == 0 || b > n->cond->nclauses)
            return 0;
        *out = n->cond->body[b][k % per];
        return 1;
    }
    k += is_custom(n) ? 1 : 0;
    if (k >= n->nin)
        return 0;
    *out = n->in[k];
    return 1;
}

static int collect(pass *p, int nroots, nxdefn_node *const *roots, int nvars, nxdefn_node *const *vars)
{
    size_t cap = 64;
    p->map.cap = 64;
    p->map.key = nxalloc_zeroed(p->map.cap, sizeof *p->map.key);
    p->map.val = nxalloc_zeroed(p->map.cap, sizeof *p->map.val);
    nxdefn_node **stack = nx_alloc(cap * sizeof *stack);
    size_t top = 0, ncap = 64;
    p->nodes = nx_alloc(ncap * sizeof *p->nodes);
    if (!p->map.key || !p->map.val || !stack || !p->nodes)
        goto oom;
    for (int i = 0; i < nroots + nvars; i++) {   /* the variables too: gradients may reach them from a cond */
        if (top == cap) {
            nxdefn_node **q = nxalloc_realloc(stack, (cap *= 2) * sizeof *q);
            if (!q)
                goto oom;
            stack = q;
        }
        stack[top++] = i < nroots ? roots[i] : vars[i - nroots];
    }
    while (top > 0) {
        nxdefn_node *n = stack[--top];
        size_t h = slot(&p->map, n);
        if (p->map.key[h])
            continue;
        p->map.key[h] = n;
        if ((size_t)p->count == ncap) {
            nxdefn_node **q = nxalloc_realloc(p->nodes, (ncap *= 2) * sizeof *q);
            if (!q)
                goto oom;
            p->nodes = q;
        }
        p->nodes[p->count++] = n;
        if ((size_t)p->count * 2 > p->map.cap) {   /* grow the set */
            nodemap old = p->map;
            p->map.cap *= 4;
            p->map.key = nxalloc_zeroed(p->map.cap, sizeof *p->map.key);
            p->map.val = nxalloc_zeroed(p->map.cap, sizeof *p->map.val);
            if (!p->map.key || !p->map.val) {
                nx_free(old.key);
                nx_free(old.val);
                goto oom;
            }
            for (size_t i = 0; i < old.cap; i++)
                if (old.key[i])
                    p->map.key[slot(&p->map, old.key[i])] = old.key[i];
            nx_free(old.key);
            nx_free(old.val);
        }
        if (is_var(n, nvars, vars) || stops(n))
            continue;
        nxdefn_node *c;
        for (int i = 0; operands(n, i, &c); i++) {
            if (top == cap) {
                nxdefn_node **q = nxalloc_realloc(stack, (cap *= 2) * sizeof *q);
                if (!q)
                    goto oom;
                stack = q;
            }
            stack[top++] = c;
        }
    }
    nx_free(stack);
    qsort(p->nodes, (size_t)p->count, sizeof *p->nodes, by_id);
    for (int i = 0; i < p->count; i++)
        p->map.val[slot(&p->map, p->nodes[i])] = i;
    p->dep = nxalloc_zeroed((size_t)p->count + 1, sizeof *p->dep);
    p->ct = nxalloc_zeroed((size_t)p->count + 1, sizeof *p->ct);
    p->slots = nxalloc_zeroed((size_t)p->count + 1, sizeof *p->slots);
    if (!p->dep || !p->ct || !p->slots)
        return nxerr_oom(sizeof *p->ct), -1;
    for (int i = 0; i < p->count; i++)
        p->dep[i] = is_var(p->nodes[i], nvars, vars);
    /* Creation order is a topological order except for a cond's branch leaves (its casts
     * come after the cond node): repeat until nothing changes. */
    for (bool changed = true; changed;) {
        changed = false;
        for (int i = 0; i < p->count; i++) {
            nxdefn_node *n = p->nodes[i], *c;
            if (p->dep[i] || stops(n))
                continue;
            for (int k = 0; !p->dep[i] && operands(n, k, &c); k++)
                p->dep[i] = p->dep[map_get(&p->map, c)];
            changed |= p->dep[i];
        }
    }
    return 0;
oom:
    nx_free(stack);
    return nxerr_oom(cap * sizeof *stack), -1;
}

static void pass_free(pass *p)
{
    for (int i = 0; p->slots && i < p->count; i++)
        nx_free(p->slots[i]);
    nx_free(p->slots);
    nx_free(p->nodes);
    nx_free(p->map.key);
    nx_free(p->map.val);
    nx_free(p->dep);
    nx_free(p->ct);
}

/* Adds contribution c (any broadcastable shape) to node n's cotangent. */
static int contribute(pass *p, nxdefn_node *n, nx_tensor *c)
{
    int i = map_get(&p->map, n);
    if (i < 0 || !p->dep[i])
        return 0;
    nxdefn_hdr h = n->h;
    h.vrank = 0;   /* the reverse pass runs devectorized */
    c = nxgrad_unbroadcast(c, &h);
    if (!c)
        return -1;
    if (p->ct[i] && !(c = nx_add(p->ct[i], c)))
        return -1;
    p->ct[i] = c;
    return 0;
}

/* Adds c to leaf `leaf` of the tuple node t (an elem's cotangent, spec §2 "Tuples"). */
static int contribute_slot(pass *p, nxdefn_node *t, int leaf, const nxdefn_hdr *lh, nx_tensor *c)
{
    int i = map_get(&p->map, t);
    if (i < 0 || !p->dep[i] || leaf < 0 || leaf >= t->h.tuple)
        return 0;
    if (!p->slots[i] && !(p->slots[i] = nxalloc_zeroed((size_t)t->h.tuple, sizeof **p->slots)))
        return nxerr_oom(sizeof **p->slots), -1;
    nxdefn_hdr h = *lh;
    h.vrank = 0;
    if (!(c = nxgrad_unbroadcast(c, &h)))
        return -1;
    if (p->slots[i][leaf] && !(c = nx_add(p->slots[i][leaf], c)))
        return -1;
    p->slots[i][leaf] = c;
    return 0;
}

/* The header of leaf l of a cond or while node. */
static nxdefn_hdr leaf_hdr(const nxdefn_node *n, int l)
{
    nxdefn_hdr h = n->kind == NXN_COND ? n->cond->body[0][l]->h : n->in[l]->h;
    h.vrank = 0;
    return h;
}

/* cond and while (spec §6): the cotangent of every leaf (zeros where none arrived), then
 * grad_control.c's rule. */
static int backward_control(pass *p, int i)
{
    nxdefn_node *n = p->nodes[i];
    int leaves = n->kind == NXN_COND ? n->cond->leaves : n->loop->leaves, rc = -1;
    nx_tensor **g = nxalloc_zeroed((size_t)leaves + 1, sizeof *g);
    nx_tensor **out = nxalloc_zeroed((size_t)(leaves > p->nvars ? leaves : p->nvars) + 1, sizeof *out);
    if (!g || !out) {
        nxerr_oom(sizeof *g);
        goto done;
    }
    for (int l = 0; l < leaves; l++) {
        nxdefn_hdr h = leaf_hdr(n, l);
        g[l] = n->h.type != NX_TYPE_NONE ? p->ct[i] : p->slots[i] ? p->slots[i][l] : NULL;
        if (!g[l] && !(g[l] = nxgrad_zeros(&h)))
            goto done;
    }
    if (n->kind == NXN_COND) {
        if (nxgrad_cond(n, g, p->nvars, p->vars, out) < 0)
            goto done;
        for (int v = 0; v < p->nvars; v++)
            if (out[v] && contribute(p, p->vars[v], out[v]) < 0)
                goto done;
    } else {
        if (nxgrad_while(n, g, out) < 0)
            goto done;
        for (int l = 0; l < leaves; l++)
            if (out[l] && contribute(p, n->in[l], out[l]) < 0)
                goto done;
    }
    rc = 0;
done:
    nx_free(g);
    nx_free(out);
    return rc;
}

/* A tuple block (nxdefn_block): every leaf's value (an elem of n) and cotangent (zeros
 * where none arrived), devectorized, into a->anss and a->gs. */
static int block_results(pass *p, int i, nxgrad_args *a)
{
    nxdefn_node *n = p->nodes[i];
    if (n->h.tuple > NXGRAD_MAX_OUT)
        return nxerr_set(NX_ARGUMENT_ERROR, "too many results (%d) for grad of %s", n->h.tuple, a->name);
    a->nout = n->h.tuple;
    for (int l = 0; l < n->h.tuple; l++) {
        nxdefn_hdr lh = nxdefn_leaf_hdr(n, l);
        nxdefn_node *e = nxdefn_node_new(NXN_ELEM, &lh, 1, &n);
        if (!e)
            return -1;
        e->pos = l;
        e->ctx = n->ctx;
        a->anss[l] = nxgrad_tensor(e);
        nxdefn_release(e);
        lh.vrank = 0;
        a->gs[l] = p->slots[i] ? p->slots[i][l] : NULL;
        if (!a->anss[l] || (!a->gs[l] && !(a->gs[l] = nxgrad_zeros(&lh))))
            return -1;
    }
    return 0;
}

/* Applies node i's rule to its cotangent. */
static int backward(pass *p, int i)
{
    nxdefn_node *n = p->nodes[i];
    nx_tensor *g = p->ct[i];
    switch (n->kind) {
    case NXN_METADATA: {
        if (!is_custom(n))
            return contribute(p, n->in[0], g);
        nx_tensor *out[NXGRAD_MAX_IN] = { 0 };
        if (custom_backward(n, g, out) < 0)
            return -1;
        for (int k = 1; k < n->nin; k++)
            if (contribute(p, n->in[k], out[k - 1]) < 0)
                return -1;
        return 0;
    }
    case NXN_VIEW:
        return contribute(p, n->in[0], reshaped(g, n->in[0]->h.rank, n->in[0]->h.dims));
    case NXN_ELEM:
        return contribute_slot(p, n->in[0], n->pos, &n->h, g);
    case NXN_IO_CALL:   /* identity on each data leaf (spec §4.11); the callback is not involved */
        if (n->h.type != NX_TYPE_NONE)
            return contribute(p, n->in[0], g);
        for (int l = 0; p->slots[i] && l < n->nin; l++)
            if (p->slots[i][l] && contribute(p, n->in[l], p->slots[i][l]) < 0)
                return -1;
        return 0;
    case NXN_COND:
    case NXN_WHILE:
        return backward_control(p, i);
    case NXN_KERNEL:
    case NXN_CALL:
        break;
    default: {
        const char *name = op_name(n);
        nxgrad_no_rule(name ? name : "this node", NXGRAD_MISSING);
        return -1;
    }
    }
    nxgrad_args a = { .n = n, .name = op_name(n), .nin = n->nin };
    nxgrad_rule *rule = NULL;
    nxgrad_status s = nxgrad_status_of(a.name, &rule);
    if (s != NXGRAD_RULE || !rule) {
        nxgrad_no_rule(a.name, s);
        return -1;
    }
    if (n->nin > NXGRAD_MAX_IN)
        return nxerr_set(NX_ARGUMENT_ERROR, "too many operands (%d) for grad of %s", n->nin, a.name);
    if (n->h.type == NX_TYPE_NONE) {
        if (block_results(p, i, &a) < 0)
            return -1;
    } else {
        if (!(a.ans = nxgrad_tensor(n)))
            return -1;
        a.g = g;
        a.nout = 1;
        a.gs[0] = g;
        a.anss[0] = a.ans;
    }
    if (n->kh) {   /* a view was folded into the operation: back to the kernel's header */
        if (!(a.ans = reshaped(a.ans, n->kh->rank, n->kh->dims)) || !(a.g = reshaped(g, n->kh->rank, n->kh->dims)))
            return -1;
    }
    layout lay[NXGRAD_MAX_IN];
    bool aligned[NXGRAD_MAX_IN] = { 0 };
    for (int k = 0; k < n->nin; k++) {
        if (!(a.x[k] = nxgrad_tensor(n->in[k])))
            return -1;
        aligned[k] = needs_align(n, &n->in[k]->h, &lay[k]);
        if (aligned[k] && !(a.x[k] = to_aligned(a.x[k], &lay[k])))
            return -1;
        a.want[k] = p->dep[map_get(&p->map, n->in[k])];
    }
    if (rule(&a) < 0)
        return -1;
    for (int k = 0; k < n->nin; k++) {
        if (!a.want[k] || !a.out[k])
            continue;
        nx_tensor *c = a.out[k];
        if (aligned[k] && !(c = from_aligned(c, &lay[k], &n->in[k]->h)))
            return -1;
        if (contribute(p, n->in[k], c) < 0)
            return -1;
    }
    return 0;
}

int nxgrad_reverse_multi(int nout, nx_tensor *const *outs, nx_tensor *const *seeds, int n, nxdefn_node *const *vars,
                         nx_tensor **grads, bool *reached)
{
    for (int i = 0; i < n; i++)
        grads[i] = NULL;
    pass p = { .nvars = n, .vars = vars };
    int rc = -1;
    nxdefn_node *roots[64] = { 0 };
    if (nout > 64)
        return nxerr_set(NX_ARGUMENT_ERROR, "grad of more than 64 outputs at once");
    for (int k = 0; k < nout; k++)
        roots[k] = outs[k]->node;
    if (collect(&p, nout, roots, n, vars) < 0)
        goto done;
    for (int k = 0; k < nout; k++) {   /* the seeds: ones (f32) unless given */
        nx_tensor *s = seeds ? seeds[k] : NULL;
        if (!s) {
            nx_shape sh = { .rank = outs[k]->rank };
            memcpy(sh.dims, outs[k]->dims, (size_t)outs[k]->rank * sizeof *outs[k]->dims);
            if (!(s = nx_broadcast(nx_scalar(NX_FLOAT(1), NX_F32), sh)))
                goto done;
        }
        if (contribute(&p, roots[k], s) < 0)
            goto done;
    }
    for (int i = p.count - 1; i >= 0; i--)
        if (p.dep[i] && (p.ct[i] || p.slots[i]) && !is_var(p.nodes[i], n, vars) && backward(&p, i) < 0)
            goto done;
    for (int i = 0; i < n; i++) {
        int k = map_get(&p.map, vars[i]);
        nxdefn_hdr h = vars[i]->h;
        h.vrank = 0;
        nx_tensor *g = k >= 0 ? p.ct[k] : NULL;
        if (reached)
            reached[i] = g != NULL;
        grads[i] = g ? nxgrad_unbroadcast(g, &h) : nxgrad_zeros(&h);
        if (grads[i] && !grads[i]->node) {   /* a constant gradient: an expression too */
            nxdefn_hdr_of(&h, grads[i]);
            grads[i] = nxdefn_tensor(&h, nxdefn_node_of(grads[i]));
        }
        for (int k = 0; grads[i] && k < vars[i]->h.vrank; k++)   /* each entry's own gradient */
            grads[i] = nx_vectorize(grads[i], vars[i]->h.names[k]);
        if (!grads[i])
            goto done;
    }
    rc = 0;
done:
    pass_free(&p);
    return rc;
}

int nxgrad_reverse(const nx_tensor *out, int n, nxdefn_node *const *vars, nx_tensor **grads)
{
    return nxgrad_reverse_seeded(out, NULL, n, vars, grads);
}

int nxgrad_reverse_seeded(const nx_tensor *out, const nx_tensor *seed, int n, nxdefn_node *const *vars,
                          nx_tensor **grads)
{
    nx_tensor *s = NULL;
    if (seed) {   /* a seed that broadcasts to the output takes its shape */
        nx_shape sh = { .rank = out->rank };
        memcpy(sh.dims, out->dims, (size_t)out->rank * sizeof *out->dims);
        if (!(s = nx_broadcast(seed, sh)))
            return -1;
    }
    return nxgrad_reverse_multi(1, (nx_tensor *const *)&out, s ? &s : NULL, n, vars, grads, NULL);
}

bool nxgrad_reaches(int nroots, nxdefn_node *const *roots, nxdefn_node *var)
{
    pass p = { 0 };
    bool r = false;
    if (collect(&p, nroots, roots, 1, &var) == 0)
        for (int k = 0; k < nroots && !r; k++)
            r = p.dep[map_get(&p.map, roots[k])];
    pass_free(&p);
    return r;
}

/* ---------------------------------------------------------------- the public API */

/* The vectorized axes of t that v lacks (spec §9): how many, with t's order. */
static int missing_axes(const nx_tensor *t, const nx_tensor *v)
{
    int m = 0;
    for (int i = 0; i < t->vrank; i++) {
        bool has = false;
        for (int j = 0; j < v->vrank && !has; j++)
            has = v->names[j] == t->names[i];
        m += !has;
    }
    return m;
}

/* v broadcast to the vectorized axes of t too (t's axes first, then v's own). */
static nx_tensor *broadcast_to_vectors(const nx_tensor *v, const nx_tensor *t)
{
    nx_shape s = { .rank = t->vrank };
    memcpy(s.dims, t->dims, (size_t)t->vrank * sizeof *t->dims);
    nx_tensor *tmpl = nx_broadcast(nx_scalar(NX_INT(0), NX_U8), s), *out[2];
    for (int i = 0; tmpl && i < t->vrank; i++)
        tmpl = nx_vectorize(tmpl, t->names[i]);
    const nx_tensor *in[2] = { tmpl, v };
    if (!tmpl || nx_broadcast_vectors(in, 2, out) < 0)
        return NULL;
    return out[1];
}

/* Marks the variables, traces fn over them and differentiates (inside a trace). The
 * variables are first broadcast against each other's vectorized axes; the output's
 * vectorized axes are batch axes (spec §9): when the output has some that a variable
 * lacks, fn is traced again over the variable broadcast to them, so that each entry gets
 * its own gradient. */
static int traced(nx_defn_fn *fn, void *ctx, int n, nx_tensor *const *args, nx_tensor **value, nx_tensor **grads)
{
    nx_tensor **marked = n > 0 ? nxalloc_zeroed((size_t)n, sizeof *marked) : NULL;
    nx_tensor **vargs = n > 0 ? nxalloc_zeroed((size_t)n, sizeof *vargs) : NULL;
    nxdefn_node **vars = n > 0 ? nxalloc_zeroed((size_t)n, sizeof *vars) : NULL;
    int rc = -1;
    if (n > 0 && (!marked || !vars || !vargs)) {
        nxerr_oom((size_t)n * sizeof *marked);
        goto out;
    }
    bool vec = false;
    for (int i = 0; i < n; i++) {
        vargs[i] = args[i];
        vec |= args[i]->vrank > 0;
    }
    if (vec && n > 1 && nx_broadcast_vectors((const nx_tensor *const *)args, n, vargs) < 0)
        goto out;
    nx_tensor *r = NULL;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < n; i++) {
            if (!(marked[i] = nx_metadata(vargs[i], NULL)))
                goto out;
            vars[i] = marked[i]->node;
        }
        r = fn(marked, ctx);
        if (!r) {
            if (!nxerr_pending())
                nxerr_set(NX_RUNTIME_ERROR, "the differentiated function returned NULL without an error");
            goto out;
        }
        bool again = false;
        for (int i = 0; pass == 0 && r->type != NX_TYPE_NONE && i < n; i++)
            if (missing_axes(r, vargs[i]) > 0) {
                if (!(vargs[i] = broadcast_to_vectors(vargs[i], r)))
                    goto out;
                again = true;
            }
        if (!again)
            break;
    }
    if (r->type == NX_TYPE_NONE) {
        nxerr_set(NX_ARGUMENT_ERROR, "unable to build tensor expression, expected a tensor or a number, got: a tuple");
        goto out;
    }
    /* spec §1.2: a concrete tensor output is refused, a number is a constant. In C a scalar
     * that no op recorded (a number, or a value folded from numbers inside the trace) counts
     * as a number (§2.2: scalar tensors enter a graph as constants). */
    if (!r->node && r->rank > 0) {
        char *text = nx_inspect(r);
        nxerr_set(NX_ARGUMENT_ERROR, "can only compute gradients of tensor expressions, got: %s", text ? text : "?");
        nx_free(text);
        goto out;
    }
    if (!r->node) {   /* a number is a constant: zero gradients */
        nxdefn_hdr h;
        nxdefn_hdr_of(&h, r);
        if (!(r = nxdefn_tensor(&h, nxdefn_node_of(r))))
            goto out;
    }
    if (nxgrad_reverse(r, n, vars, grads) < 0)
        goto out;
    *value = r;
    rc = 0;
out:
    nx_free(marked);
    nx_free(vargs);
    nx_free(vars);
    return rc;
}

typedef struct {
    nx_defn_fn *fn;
    void *ctx;
    int n;
} grad_call;

/* outs[0] the value, outs[1..n] the gradients. */
static int build_value_and_grad(nx_tensor *const *params, void *ctx, nx_tensor **outs)
{
    const grad_call *c = ctx;
    return traced(c->fn, c->ctx, c->n, params, &outs[0], outs + 1);
}

int nx_value_and_grad_n(nx_defn_fn *fn, void *ctx, int n, const nx_tensor *const *args, nx_tensor **value,
                        nx_tensor **grads)
{
    if (value)
        *value = NULL;
    if (!fn)
        return nxerr_set(NX_ARGUMENT_ERROR, "expected a function to differentiate, got: NULL");
    if (n < 0 || (n > 0 && (!args || !grads)))
        return nxerr_set(NX_ARGUMENT_ERROR, "expected %d arguments and room for their gradients", n);
    for (int i = 0; i < n; i++)
        grads[i] = NULL;
    if (nxtensor_check_inputs(args, n) < 0)
        return -1;
    nx_tensor **results = nxalloc_zeroed((size_t)n + 1, sizeof *results);
    if (!results) {
        nxerr_oom((size_t)(n + 1) * sizeof *results);
        return -1;
    }
    grad_call c = { fn, ctx, n };
    int rc = nxdefn_transform(n, args, build_value_and_grad, &c, n + 1, results);
    if (rc == 0) {
        for (int i = 0; i < n; i++)
            grads[i] = results[i + 1];
        if (value)
            *value = results[0];
        else
            nx_release(results[0]);
    }
    nx_free(results);
    return rc;
}

int nx_grad_n(nx_defn_fn *fn, void *ctx, int n, const nx_tensor *const *args, nx_tensor **grads)
{
    return nx_value_and_grad_n(fn, ctx, n, args, NULL, grads);
}
