/* src/defn/graph_split.c: Nx.Defn.Graph (spec/defn.md §14): cuts an expression into a
 * chain of stages that run one after another, each one a graph of its own whose
 * parameters come from the original arguments or from earlier stages' outputs.
 *
 * Pass 1 walks the graph in post-order (the order Nx asks), asks `decide` about every
 * node of the root scope (never inside cond branches, never parameters or elem), and
 * records what each cut hoists: the nodes a stage outputs and the parameters that stand
 * for them from then on. Pass 2 builds each stage: its outputs rebuilt with every
 * replacement made before the stage was cut, then its parameters renumbered from 0 in
 * Nx's order (by the number they were made with, then by age), duplicates merged. */
#include "defn/node.h"

#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "core/error.h"
#include "nx.h"

/* ---- a pointer -> int map (open addressing) ---- */
typedef struct {
    const nxdefn_node **keys;
    int *vals;
    size_t cap, n;
} pmap;

static size_t pslot(const void *p, size_t cap)
{
    uintptr_t x = (uintptr_t)p;
    return (size_t)((x >> 4) * 0x9E3779B97F4A7C15ull >> 17) & (cap - 1);
}

static int pmap_get(const pmap *m, const nxdefn_node *k)
{
    if (!m->cap)
        return -1;
    for (size_t i = pslot(k, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (!m->keys[i])
            return -1;
        if (m->keys[i] == k)
            return m->vals[i];
    }
}

static int pmap_put(pmap *m, const nxdefn_node *k, int v)
{
    if (2 * (m->n + 1) > m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        const nxdefn_node **keys = nxalloc_zeroed(cap, sizeof *keys);
        int *vals = nxalloc_zeroed(cap, sizeof *vals);
        if (!keys || !vals) {
            nx_free(keys);
            nx_free(vals);
            return nxerr_oom(cap * sizeof *keys), -1;
        }
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i]) {
                size_t j = pslot(m->keys[i], cap);
                while (keys[j])
                    j = (j + 1) & (cap - 1);
                keys[j] = m->keys[i];
                vals[j] = m->vals[i];
            }
        nx_free(m->keys);
        nx_free(m->vals);
        m->keys = keys;
        m->vals = vals;
        m->cap = cap;
    }
    size_t i = pslot(k, m->cap);
    while (m->keys[i] && m->keys[i] != k)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i])
        m->n++;
    m->keys[i] = k;
    m->vals[i] = v;
    return 0;
}

static void pmap_free(pmap *m)
{
    nx_free(m->keys);
    nx_free(m->vals);
    memset(m, 0, sizeof *m);
}

/* A growable array of elements of `size` bytes. */
static void *grow(void *v, int *cap, int need, size_t size)
{
    if (need <= *cap)
        return v;
    int c = *cap ? *cap : 8;
    while (c < need)
        c *= 2;
    void *g = nxalloc_realloc(v, (size_t)c * size);
    if (!g)
        return nxerr_oom((size_t)c * size);
    *cap = c;
    return g;
}

/* ---- pass 1 ---- */

/* A parameter of some stage: an original one or one made by a cut. */
typedef struct {
    nxdefn_node *node;     /* owned when made by a cut */
    int order;             /* the number Nx gives it (map_size of its args when made) */
    nx_stage_arg source;
    bool made;
} param_info;

/* Node `orig` stands from replacement `serial` on for params[0..n) (n > 1: a tuple). */
typedef struct {
    const nxdefn_node *orig;
    int first, n;          /* indexes into the params array */
} repl_info;

typedef struct {
    const nxdefn_node **outs;
    int nout, cap, snap;   /* snap: replacements made before the cut */
} cut;

typedef struct {
    nx_split_fn *decide;
    void *ctx;
    int force_none;
    pmap seen, repl, pidx;           /* visited nodes; node -> repl index; param node -> params index */
    param_info *params;
    int nparams, pcap;
    repl_info *repls;
    int nrepl, rcap;
    cut *cuts;
    int ncuts, ccap;
    nxdefn_node **owned;             /* elem nodes made for tuple outputs */
    int nowned, ocap;
} splitter;

static int add_param(splitter *s, nxdefn_node *node, int order, nx_stage_arg src, bool made)
{
    param_info *g = grow(s->params, &s->pcap, s->nparams + 1, sizeof *g);
    if (!g)
        return -1;
    s->params = g;
    s->params[s->nparams] = (param_info){ node, order, src, made };
    if (pmap_put(&s->pidx, node, s->nparams) < 0)
        return -1;
    s->nparams++;
    return s->nparams - 1;
}

static int new_cut(splitter *s)
{
    cut *g = grow(s->cuts, &s->ccap, s->ncuts + 1, sizeof *g);
    if (!g)
        return -1;
    s->cuts = g;
    s->cuts[s->ncuts] = (cut){ NULL, 0, 0, s->nrepl };
    return s->ncuts++;
}

static int cut_output(splitter *s, int c, const nxdefn_node *n)
{
    cut *k = &s->cuts[c];
    const nxdefn_node **g = grow(k->outs, &k->cap, k->nout + 1, sizeof *g);
    if (!g)
        return -1;
    k->outs = g;
    k->outs[k->nout] = n;
    return k->nout++;
}

/* Registers a replacement of `orig` by n fresh parameters sourced from cut c outputs
 * first_out.. (headers: the leaves of orig, hs). */
static int replace(splitter *s, const nxdefn_node *orig, int c, int first_out, int n, const nxdefn_hdr *hs)
{
    repl_info *g = grow(s->repls, &s->rcap, s->nrepl + 1, sizeof *g);
    if (!g)
        return -1;
    s->repls = g;
    int first = s->nparams;
    for (int i = 0; i < n; i++) {
        nxdefn_node *p = nxdefn_parameter(&hs[i], 0, 1);
        if (!p || add_param(s, p, (int)s->pidx.n, (nx_stage_arg){ c, first_out + i }, true) < 0) {
            nxdefn_release(p);
            return -1;
        }
    }
    s->repls[s->nrepl] = (repl_info){ orig, first, n };
    if (pmap_put(&s->repl, orig, s->nrepl) < 0)
        return -1;
    s->nrepl++;
    return 0;
}

/* Whether n already reads as a parameter in the current state (not worth hoisting). */
static bool reads_as_param(const splitter *s, const nxdefn_node *n)
{
    if (n->kind == NXN_PARAMETER || pmap_get(&s->repl, n) >= 0)
        return true;
    return n->kind == NXN_ELEM && pmap_get(&s->repl, n->in[0]) >= 0;
}

/* :before: the operands of n that are computed become outputs of a new stage. Returns 1
 * when something was hoisted, 0 when there was nothing to hoist, -1 on error. */
static int split_before(splitter *s, const nxdefn_node *n)
{
    int c = -1;
    for (int i = 0; i < n->nin; i++) {
        const nxdefn_node *a = n->in[i];
        if (reads_as_param(s, a) || a->h.type == NX_TYPE_NONE)
            continue;
        bool dup = false;
        for (int j = 0; j < i && !dup; j++)
            dup = n->in[j] == a;
        if (dup)
            continue;
        if (c < 0 && (c = new_cut(s)) < 0)
            return -1;
        int out = cut_output(s, c, a);
        if (out < 0)
            return -1;
    }
    if (c < 0)
        return 0;
    /* The replacements come after the cut's snapshot (taken in new_cut). */
    for (int k = 0; k < s->cuts[c].nout; k++)
        if (replace(s, s->cuts[c].outs[k], c, k, 1, &s->cuts[c].outs[k]->h) < 0)
            return -1;
    return 1;
}

/* :after: n is computed by a stage of its own (a tuple node: one output per leaf). */
static int split_after(splitter *s, const nxdefn_node *n)
{
    int c = new_cut(s);
    if (c < 0)
        return -1;
    int leaves = n->h.type == NX_TYPE_NONE ? n->h.tuple : 1;
    nxdefn_hdr hs[64];
    nxdefn_hdr *h = leaves <= 64 ? hs : nx_alloc((size_t)leaves * sizeof *h);
    if (!h)
        return nxerr_oom((size_t)leaves * sizeof *h), -1;
    int rc = 0;
    if (leaves == 1) {
        h[0] = n->h;
        rc = cut_output(s, c, n) < 0 ? -1 : 0;
    } else {
        /* Each leaf is an elem of n, made here as the stage's output. */
        for (int i = 0; i < leaves && rc == 0; i++) {
            /* cond bodies were cast to the merged headers; while keeps its state's */
            h[i] = nxdefn_leaf_hdr(n, i);
            nxdefn_node *e = nxdefn_node_new(NXN_ELEM, &h[i], 1, (nxdefn_node *const[]){ (nxdefn_node *)n });
            if (!e) {
                rc = -1;
                break;
            }
            e->pos = i;
            e->ctx = n->ctx;
            nxdefn_node **g = grow(s->owned, &s->ocap, s->nowned + 1, sizeof *g);
            if (!g) {
                nxdefn_release(e);
                rc = -1;
                break;
            }
            s->owned = g;
            s->owned[s->nowned++] = e;   /* the splitter holds it while the stages are built */
            if (cut_output(s, c, e) < 0)
                rc = -1;
        }
    }
    if (rc == 0)
        rc = replace(s, n, c, 0, leaves, h);
    if (h != hs)
        nx_free(h);
    return rc;
}

static int visit(splitter *s, const nxdefn_node *n);

static int visit_all(splitter *s, nxdefn_node *const *v, int k)
{
    for (int i = 0; i < k; i++)
        if (visit(s, v[i]) < 0)
            return -1;
    return 0;
}

static int ask(splitter *s, const nxdefn_node *n)
{
    if (s->force_none)
        return NX_SPLIT_NONE;
    /* A tuple-typed node (cond, while) is shown as a scalar header of type none, as Nx
     * shows a {:tuple, n} expression: its op and args are what matter. */
    nxdefn_hdr h = n->h;
    if (h.type == NX_TYPE_NONE)
        h.type = NX_U8;
    nx_tensor *t = nxdefn_tensor(&h, nxdefn_retain((nxdefn_node *)n));
    if (!t)
        return -1;
    t->type = n->h.type;
    int d = s->decide(t, s->ctx);
    nx_release(t);
    if (d < 0)
        return -1;
    if (d > NX_SPLIT_BOTH)
        return nxerr_set(NX_ARGUMENT_ERROR, "Invalid split decision: %d. Expected :before, :after, :both, or :none", d);
    return d;
}

static int visit(splitter *s, const nxdefn_node *n)
{
    if (pmap_get(&s->repl, n) >= 0 || pmap_get(&s->seen, n) >= 0)
        return 0;
    if (pmap_put(&s->seen, n, 1) < 0)
        return -1;
    switch (n->kind) {
    case NXN_PARAMETER:
        if (n->ctx == 1 && pmap_get(&s->pidx, n) < 0 &&
            add_param(s, (nxdefn_node *)n, n->pos, (nx_stage_arg){ -1, n->pos }, false) < 0)
            return -1;
        return 0;
    case NXN_ELEM:
        return visit(s, n->in[0]);
    case NXN_COND: {
        int outer = s->force_none;
        s->force_none = 1;   /* what runs only in a branch is never hoisted */
        int rc = 0;
        for (int c = 0; c <= n->cond->nclauses && rc == 0; c++) {
            if (c < n->cond->nclauses)
                rc = visit(s, n->cond->pred[c]);
            if (rc == 0)
                rc = visit_all(s, n->cond->body[c], n->cond->leaves);
        }
        s->force_none = outer;
        if (rc < 0)
            return -1;
        int d = ask(s, n);
        return d < 0 ? -1 : d == NX_SPLIT_NONE ? 0 : split_after(s, n);
    }
    case NXN_WHILE: {
        if (visit_all(s, n->in, n->nin) < 0)
            return -1;
        int d = ask(s, n);
        if (d < 0)
            return -1;
        if ((d == NX_SPLIT_BEFORE || d == NX_SPLIT_BOTH) && split_before(s, n) < 0)
            return -1;
        return d == NX_SPLIT_AFTER || d == NX_SPLIT_BOTH ? split_after(s, n) : 0;
    }
    default: {
        if (visit_all(s, n->in, n->nin) < 0)
            return -1;
        int d = ask(s, n);
        if (d < 0)
            return -1;
        if (d == NX_SPLIT_BEFORE || d == NX_SPLIT_BOTH)
            if (split_before(s, n) < 0)
                return -1;
        return d == NX_SPLIT_AFTER || d == NX_SPLIT_BOTH ? split_after(s, n) : 0;
    }
    }
}

/* ---- pass 2: building one stage ---- */

typedef struct {
    splitter *s;
    int snap;                  /* replacements visible to this stage */
    pmap memo;                 /* orig node -> index into built (+1) */
    nxdefn_node **built;
    int nbuilt, bcap;
    int *used;                 /* params indexes in first-use order */
    int nused, ucap;
    pmap usedset;              /* params index (as a fake pointer key) -> 1 */
    nxdefn_node **renum;       /* params index -> renumbered parameter (build phase) */
    bool building;
} stage_builder;

/* The params index that stands for n in this stage, or -1. */
static int param_for(const stage_builder *b, const nxdefn_node *n)
{
    int r = pmap_get(&b->s->repl, n);
    if (r >= 0 && r < b->snap && b->s->repls[r].n == 1)
        return b->s->repls[r].first;
    if (n->kind == NXN_ELEM) {
        r = pmap_get(&b->s->repl, n->in[0]);
        if (r >= 0 && r < b->snap && b->s->repls[r].n > 1)
            return b->s->repls[r].first + n->pos;
    }
    if (n->kind == NXN_PARAMETER && n->ctx == 1)
        return pmap_get(&b->s->pidx, n);
    return -1;
}

static int use_param(stage_builder *b, int p)
{
    const nxdefn_node *key = (const nxdefn_node *)(uintptr_t)(16 * ((uintptr_t)p + 1));
    if (pmap_get(&b->usedset, key) >= 0)
        return 0;
    int *g = grow(b->used, &b->ucap, b->nused + 1, sizeof *g);
    if (!g)
        return -1;
    b->used = g;
    b->used[b->nused++] = p;
    return pmap_put(&b->usedset, key, 1);
}

static nxdefn_node *build(stage_builder *b, const nxdefn_node *n);

/* cond: predicates and bodies rebuilt (they read the enclosing scope). */
static nxdefn_node *build_cond(stage_builder *b, const nxdefn_node *n)
{
    const nxdefn_cond *cd = n->cond;
    int k = cd->nclauses;
    for (int c = 0; c <= k; c++) {
        if (c < k && !build(b, cd->pred[c]) && (b->building || nxerr_pending()))
            return NULL;
        for (int i = 0; i < cd->leaves; i++)
            if (!build(b, cd->body[c][i]) && (b->building || nxerr_pending()))
                return NULL;
    }
    if (!b->building)
        return NULL;
    nxdefn_cond *nc = nxalloc_zeroed(1, sizeof *nc);
    nxdefn_node *pred0 = build(b, cd->pred[0]);
    nxdefn_node *c = pred0 && nc ? nxdefn_node_new(NXN_COND, &n->h, 1, &pred0) : NULL;
    if (!c) {
        nx_free(nc);
        return nxerr_pending() ? NULL : nxerr_oom(sizeof *nc);
    }
    c->ctx = n->ctx;
    c->cond = nc;
    nc->nclauses = k;
    nc->leaves = cd->leaves;
    nc->pred = nxalloc_zeroed((size_t)(k > 0 ? k : 1), sizeof *nc->pred);
    nc->body = nxalloc_zeroed((size_t)k + 1, sizeof *nc->body);
    if (!nc->pred || !nc->body) {
        nx_free(nc->pred);
        nx_free(nc->body);
        nc->pred = NULL;
        nc->body = NULL;
        nc->nclauses = -1;
        nxdefn_release(c);
        return nxerr_oom(sizeof *nc);
    }
    for (int x = 0; x <= k; x++)
        if (!(nc->body[x] = nxalloc_zeroed((size_t)cd->leaves + 1, sizeof **nc->body))) {
            nc->leaves = 0;   /* nothing retained yet: only the arrays are freed */
            nxdefn_release(c);
            return nxerr_oom(sizeof *nc);
        }
    /* Everything was built above: these are lookups, which cannot fail. */
    for (int x = 0; x <= k; x++) {
        if (x < k)
            nc->pred[x] = nxdefn_retain(build(b, cd->pred[x]));
        for (int i = 0; i < cd->leaves; i++)
            nc->body[x][i] = nxdefn_retain(build(b, cd->body[x][i]));
    }
    return c;
}

/* Collect phase (building false): records the parameters the stage uses, returns NULL.
 * Build phase: the rebuilt node (a reference held by b->built). */
static nxdefn_node *build(stage_builder *b, const nxdefn_node *n)
{
    int m = pmap_get(&b->memo, n);
    if (m >= 0)
        return b->building ? b->built[m] : NULL;
    nxdefn_node *r = NULL;
    int p = param_for(b, n);
    if (p >= 0) {
        if (!b->building) {
            if (use_param(b, p) < 0)
                return NULL;
        } else {
            r = nxdefn_retain(b->renum[p]);
        }
    } else if (n->kind == NXN_COND) {
        r = build_cond(b, n);
    } else {
        nxdefn_node *ins[64];
        nxdefn_node **in = n->nin <= 64 ? ins : nx_alloc((size_t)n->nin * sizeof *in);
        if (!in)
            return nxerr_oom((size_t)n->nin * sizeof *in);
        bool changed = false, failed = false;
        for (int i = 0; i < n->nin && !failed; i++) {
            in[i] = build(b, n->in[i]);
            failed = (b->building && !in[i]) || nxerr_pending();
            changed |= in[i] != n->in[i];
        }
        if (!failed && b->building)
            r = changed ? nxdefn_node_copy(n, in) : nxdefn_retain((nxdefn_node *)n);
        if (in != ins)
            nx_free(in);
        if (failed)
            return NULL;
    }
    if (!b->building)
        return nxerr_pending() ? NULL : (pmap_put(&b->memo, n, 0), NULL);
    if (!r)
        return NULL;
    nxdefn_node **g = grow(b->built, &b->bcap, b->nbuilt + 1, sizeof *g);
    if (!g || pmap_put(&b->memo, n, b->nbuilt) < 0) {
        if (g)
            b->built = g;
        nxdefn_release(r);
        return NULL;
    }
    b->built = g;
    b->built[b->nbuilt++] = r;
    return r;
}

static int by_order(const void *x, const void *y, void *ctx)
{
    const splitter *s = ctx;
    const param_info *a = &s->params[*(const int *)x], *b = &s->params[*(const int *)y];
    if (a->order != b->order)
        return a->order < b->order ? -1 : 1;
    return a->node->id < b->node->id ? -1 : a->node->id > b->node->id;
}

/* Insertion sort (qsort has no context argument in C17; stages use few parameters). */
static void sort_used(int *v, int n, splitter *s)
{
    for (int i = 1; i < n; i++) {
        int x = v[i], j = i;
        while (j > 0 && by_order(&v[j - 1], &x, s) > 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

static void builder_free(stage_builder *b)
{
    for (int i = 0; i < b->nbuilt; i++)
        nxdefn_release(b->built[i]);
    nx_free(b->built);
    if (b->renum)
        for (int i = 0; i < b->s->nparams; i++)
            nxdefn_release(b->renum[i]);
    nx_free(b->renum);
    nx_free(b->used);
    pmap_free(&b->memo);
    pmap_free(&b->usedset);
}

/* Fills stage st from outputs outs[0..nout) (headers: hs, or the nodes' own). */
static int build_stage(splitter *s, int snap, const nxdefn_node *const *outs, int nout, const nxdefn_hdr *hs,
                       nx_stage *st)
{
    stage_builder b = { .s = s, .snap = snap };
    int rc = -1;
    for (int i = 0; i < nout; i++) {
        build(&b, outs[i]);
        if (nxerr_pending())
            goto out;
    }
    sort_used(b.used, b.nused, s);
    b.renum = nxalloc_zeroed((size_t)s->nparams + 1, sizeof *b.renum);
    st->args = nx_alloc(((size_t)b.nused + 1) * sizeof *st->args);
    if (!b.renum || !st->args) {
        nxerr_oom(sizeof *st->args);
        goto out;
    }
    st->nargs = 0;
    for (int i = 0; i < b.nused; i++) {
        const param_info *pi = &s->params[b.used[i]];
        int pos = 0;   /* duplicates (the same source) share one parameter */
        while (pos < st->nargs && (st->args[pos].stage != pi->source.stage || st->args[pos].index != pi->source.index))
            pos++;
        if (pos == st->nargs)
            st->args[st->nargs++] = pi->source;
        b.renum[b.used[i]] = pi->node->pos == pos && !pi->made ? nxdefn_retain(pi->node)
                                                              : nxdefn_parameter(&pi->node->h, pos, 1);
        if (!b.renum[b.used[i]])
            goto out;
    }
    pmap_free(&b.memo);
    b.building = true;
    st->nout = nout;
    st->outputs = nxalloc_zeroed((size_t)nout + 1, sizeof *st->outputs);
    if (!st->outputs) {
        nxerr_oom(sizeof *st->outputs);
        goto out;
    }
    for (int i = 0; i < nout; i++) {
        nxdefn_node *r = build(&b, outs[i]);
        if (!r)
            goto out;
        st->outputs[i] = nxdefn_tensor(hs ? &hs[i] : &outs[i]->h, nxdefn_retain(r));
        if (!st->outputs[i])
            goto out;
        nxscope_disown(st->outputs[i]);   /* the chain owns it */
    }
    rc = 0;
out:
    builder_free(&b);
    return rc;
}

/* ---- the public entry points ---- */

const char *nx_expr_op(const nx_tensor *t)
{
    if (!t || !t->node)
        return NULL;
    const nxdefn_node *n = t->node;
    switch (n->kind) {
    case NXN_PARAMETER: return "parameter";
    case NXN_CONSTANT: return "constant";
    case NXN_TENSOR: return "tensor";
    case NXN_KERNEL: return nxop_table[n->op].name;
    case NXN_CALL: return n->name;
    case NXN_VIEW: return n->h.type != n->in[0]->h.type ? "bitcast" : "reshape";
    case NXN_ELEM: return "elem";
    case NXN_METADATA: return "metadata";
    case NXN_COND: return "cond";
    case NXN_WHILE: return "while";
    case NXN_IO_CALL: return "io_call";
    case NXN_RUNTIME_CALL: return "runtime_call";
    }
    return "unknown";
}

static void splitter_free(splitter *s)
{
    for (int i = 0; i < s->nparams; i++)
        if (s->params[i].made)
            nxdefn_release(s->params[i].node);
    nx_free(s->params);
    for (int i = 0; i < s->nowned; i++)
        nxdefn_release(s->owned[i]);
    nx_free(s->owned);
    nx_free(s->repls);
    for (int i = 0; i < s->ncuts; i++)
        nx_free(s->cuts[i].outs);
    nx_free(s->cuts);
    pmap_free(&s->seen);
    pmap_free(&s->repl);
    pmap_free(&s->pidx);
}

void nx_graph_chain_free(nx_graph_chain *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n; i++) {
        for (int k = 0; k < c->stages[i].nout; k++)
            nx_release(c->stages[i].outputs[k]);
        nx_free(c->stages[i].outputs);
        nx_free(c->stages[i].args);
    }
    nx_free(c->stages);
    nx_free(c);
}

nx_graph_chain *nx_graph_split(int nout, const nx_tensor *const *outputs, nx_split_fn *decide, void *ctx)
{
    if (!decide)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected a split function, got: NULL");
    if (nout < 1 || !outputs)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected at least one expression to split, got: %d", nout);
    for (int i = 0; i < nout; i++) {
        if (!outputs[i])
            return nxerr_pending() ? NULL : nxerr_null(NX_ARGUMENT_ERROR, "expected a tensor, got: NULL");
        if (!outputs[i]->node)
            return nxerr_null(NX_ARGUMENT_ERROR, "expected an expression (Nx.Defn.Expr) to split, got a tensor "
                                                 "on the %s backend", "binary");
    }
    splitter s = { .decide = decide, .ctx = ctx };
    nx_graph_chain *c = NULL;
    const nxdefn_node **outs = nx_alloc((size_t)nout * sizeof *outs);
    nxdefn_hdr *hs = nx_alloc((size_t)nout * sizeof *hs);
    if (!outs || !hs) {
        nxerr_oom((size_t)nout * sizeof *hs);
        goto out;
    }
    for (int i = 0; i < nout; i++) {
        outs[i] = outputs[i]->node;
        nxdefn_hdr_of(&hs[i], outputs[i]);
        if (visit(&s, outs[i]) < 0)
            goto out;
    }
    c = nxalloc_zeroed(1, sizeof *c);
    if (!c || !(c->stages = nxalloc_zeroed((size_t)s.ncuts + 1, sizeof *c->stages))) {
        nx_free(c);
        c = nxerr_oom(sizeof *c);
        goto out;
    }
    for (int k = 0; k <= s.ncuts; k++) {
        nx_stage *st = &c->stages[k];
        st->id = k;
        c->n = k + 1;
        int rc = k < s.ncuts ? build_stage(&s, s.cuts[k].snap, s.cuts[k].outs, s.cuts[k].nout, NULL, st)
                             : build_stage(&s, s.nrepl, outs, nout, hs, st);
        if (rc < 0) {
            nx_graph_chain_free(c);
            c = NULL;
            goto out;
        }
    }
out:
    nx_free(outs);
    nx_free(hs);
    splitter_free(&s);
    return c;
}

int nx_graph_run(const nx_graph_chain *c, int nargs, const nx_tensor *const *args, nx_tensor **results)
{
    if (!c || c->n < 1)
        return nxerr_set(NX_ARGUMENT_ERROR, "expected a chain of stages, got: NULL");
    if (nargs < 0 || (nargs > 0 && !args))
        return nxerr_set(NX_ARGUMENT_ERROR, "expected %d arguments, got: NULL", nargs);
    for (int i = 0; i < nargs; i++)
        if (nxtensor_check_inputs(&args[i], 1) < 0)
            return -1;
    nx_tensor ***vals = nxalloc_zeroed((size_t)c->n, sizeof *vals);
    if (!vals)
        return nxerr_oom((size_t)c->n * sizeof *vals), -1;
    int rc = -1;
    nx_scope_begin();
    for (int k = 0; k < c->n; k++) {
        const nx_stage *st = &c->stages[k];
        const nx_tensor **in = nx_alloc(((size_t)st->nargs + 1) * sizeof *in);
        nxdefn_node **nodes = nx_alloc(((size_t)st->nout + 1) * sizeof *nodes);
        vals[k] = nxalloc_zeroed((size_t)st->nout + 1, sizeof **vals);
        bool ok = in && nodes && vals[k];
        for (int i = 0; ok && i < st->nargs; i++) {
            nx_stage_arg a = st->args[i];
            if (a.stage < 0 ? a.index >= nargs : a.stage >= k || a.index >= c->stages[a.stage].nout) {
                nxerr_set(NX_ARGUMENT_ERROR, "stage %d reads %s %d, which the chain does not provide", k,
                          a.stage < 0 ? "argument" : "an output of stage", a.stage < 0 ? a.index : a.stage);
                ok = false;
            } else {
                in[i] = a.stage < 0 ? args[a.index] : vals[a.stage][a.index];
            }
        }
        for (int i = 0; ok && i < st->nout; i++)
            nodes[i] = st->outputs[i]->node;
        if (!ok && !nxerr_pending())
            nxerr_oom(sizeof *in);
        ok = ok && nxdefn_eval(nodes, st->nout, in, st->nargs, vals[k]) == 0;
        nx_free(in);
        nx_free(nodes);
        if (!ok)
            goto out;
    }
    rc = 0;
    const nx_stage *last = &c->stages[c->n - 1];
    for (int i = 0; i < last->nout; i++) {
        /* The result keeps the header the expression had (names, vectorized axes). */
        results[i] = nx_retain(vals[c->n - 1][i]);
    }
out:
    nx_scope_end();
    if (rc == 0)
        for (int i = 0; i < c->stages[c->n - 1].nout; i++)
            nxscope_adopt(results[i]);
    for (int k = 0; k < c->n; k++)
        nx_free(vals[k]);
    nx_free(vals);
    return rc;
}
