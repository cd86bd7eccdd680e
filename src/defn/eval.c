/* src/defn/eval.c: the reference compiler (spec/defn.md §8): walks a graph on the cpu
 * backend in depth-first argument order, dropping each value after its last use in its
 * scope. cond evaluates only the taken branch (reading values the enclosing scope holds);
 * while re-enters its condition and body as a fresh scope per iteration. */
#include "defn/node.h"
#include "defn/control.h"

#include <string.h>
#include "core/alloc.h"
#include "core/elem.h"
#include "core/error.h"
#include "ops/front.h"

typedef struct value {
    nx_tensor *t;
    nx_tensor **tuple;    /* tuple-typed nodes: ntuple leaves */
    int ntuple;
} value;

typedef struct scope {
    const struct scope *parent;          /* cond branches: the enclosing scope */
    const nx_tensor *const *args;        /* the scope's parameters */
    int nargs;
    nxdefn_node **keys;                  /* open-addressed map node -> slot */
    int *slot, cap;
    nxdefn_node **order;                 /* post-order */
    int n, room;
    int *uses;
    value *vals;
} scope;

static void value_free(value *v)
{
    nx_release(v->t);
    for (int i = 0; i < v->ntuple; i++)
        nx_release(v->tuple[i]);
    nx_free(v->tuple);
    memset(v, 0, sizeof *v);
}

static size_t hash(const nxdefn_node *n, int cap)
{
    uintptr_t x = (uintptr_t)n;
    x ^= x >> 17;
    x *= 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 7) & (size_t)(cap - 1);
}

static int find(const scope *s, const nxdefn_node *n)
{
    if (!s->cap)
        return -1;
    for (size_t h = hash(n, s->cap);; h = (h + 1) & (size_t)(s->cap - 1)) {
        if (!s->keys[h])
            return -1;
        if (s->keys[h] == n)
            return s->slot[h];
    }
}

static int grow(scope *s)
{
    int cap = s->cap ? 2 * s->cap : 64;
    nxdefn_node **keys = nxalloc_zeroed((size_t)cap, sizeof *keys);
    int *slot = nxalloc_zeroed((size_t)cap, sizeof *slot);
    nxdefn_node **order = nxalloc_realloc(s->order, (size_t)cap / 2 * sizeof *order);
    int *uses = nxalloc_realloc(s->uses, (size_t)cap / 2 * sizeof *uses);
    value *vals = nxalloc_realloc(s->vals, (size_t)cap / 2 * sizeof *vals);
    if (order) s->order = order;
    if (uses) s->uses = uses;
    if (vals) s->vals = vals;
    if (!keys || !slot || !order || !uses || !vals) {
        nx_free(keys);
        nx_free(slot);
        return nxerr_oom((size_t)cap * sizeof *keys), -1;
    }
    for (int i = 0; i < s->n; i++) {
        size_t h = hash(s->order[i], cap);
        while (keys[h])
            h = (h + 1) & (size_t)(cap - 1);
        keys[h] = s->order[i];
        slot[h] = i;
    }
    nx_free(s->keys);
    nx_free(s->slot);
    s->keys = keys;
    s->slot = slot;
    s->cap = cap;
    s->room = cap / 2;
    return 0;
}

static int add(scope *s, nxdefn_node *n)
{
    if (s->n == s->room && grow(s) < 0)
        return -1;
    size_t h = hash(n, s->cap);
    while (s->keys[h])
        h = (h + 1) & (size_t)(s->cap - 1);
    s->keys[h] = n;
    s->slot[h] = s->n;
    s->order[s->n] = n;
    s->uses[s->n] = 0;
    memset(&s->vals[s->n], 0, sizeof s->vals[s->n]);
    return s->n++;
}

/* A live value of an enclosing scope for n, or NULL. */
static const value *inherited(const scope *s, const nxdefn_node *n)
{
    for (const scope *p = s->parent; p; p = p->parent) {
        int i = find(p, n);
        if (i >= 0 && (p->vals[i].t || p->vals[i].tuple))
            return &p->vals[i];
    }
    return NULL;
}

static int copy_value(value *dst, const value *src)
{
    dst->t = nx_retain(src->t);
    if (src->ntuple) {
        dst->tuple = nxalloc_zeroed((size_t)src->ntuple, sizeof *dst->tuple);
        if (!dst->tuple)
            return nxerr_oom(sizeof *dst->tuple), -1;
        dst->ntuple = src->ntuple;
        for (int i = 0; i < src->ntuple; i++)
            dst->tuple[i] = nx_retain(src->tuple[i]);
    }
    return 0;
}

/* Collects the nodes reachable from roots (post-order, operands first), counting uses.
 * Nodes an enclosing scope holds are taken from it and not descended into. */
static int collect(scope *s, nxdefn_node *const *roots, int nroots)
{
    typedef struct { nxdefn_node *n; int next; } frame;
    int cap = 64, top = 0, rc = -1;
    frame *st = nx_alloc((size_t)cap * sizeof *st);
    if (!st)
        return nxerr_oom((size_t)cap * sizeof *st), -1;
    for (int r = 0; r < nroots; r++) {
        if (find(s, roots[r]) >= 0)
            continue;
        st[top++] = (frame){ roots[r], 0 };
        while (top > 0) {
            frame *f = &st[top - 1];
            const value *from = f->next == 0 ? inherited(s, f->n) : NULL;
            if (from) {
                int i = add(s, f->n);
                if (i < 0 || copy_value(&s->vals[i], from) < 0)
                    goto out;
                top--;
                continue;
            }
            if (f->next < f->n->nin) {
                nxdefn_node *c = f->n->in[f->next++];
                if (find(s, c) >= 0)
                    continue;
                if (top == cap) {
                    frame *g = nxalloc_realloc(st, (size_t)cap * 2 * sizeof *st);
                    if (!g) {
                        nxerr_oom((size_t)cap * 2 * sizeof *st);
                        goto out;
                    }
                    st = g;
                    cap *= 2;
                }
                st[top++] = (frame){ c, 0 };
                continue;
            }
            if (find(s, f->n) < 0 && add(s, f->n) < 0)
                goto out;
            top--;
        }
    }
    for (int i = 0; i < s->n; i++)
        if (!s->vals[i].t && !s->vals[i].tuple)
            for (int k = 0; k < s->order[i]->nin; k++)
                s->uses[find(s, s->order[i]->in[k])]++;
    for (int r = 0; r < nroots; r++)
        s->uses[find(s, roots[r])]++;
    rc = 0;
out:
    nx_free(st);
    return rc;
}

static void scope_free(scope *s)
{
    for (int i = 0; i < s->n; i++)
        value_free(&s->vals[i]);
    nx_free(s->keys);
    nx_free(s->slot);
    nx_free(s->order);
    nx_free(s->uses);
    nx_free(s->vals);
}

/* A concrete tensor filled with a constant node's value. */
static nx_tensor *materialize(const nxdefn_node *n)
{
    if (n->weak && n->h.rank == 0)
        return nx_number_tensor(n->value);
    nx_tensor *t = nxtensor_new(n->h.type, n->h.rank, n->h.dims, n->h.names);
    if (!t)
        return NULL;
    t->vrank = n->h.vrank;
    t->backend = &nxcpu_backend;
    if (nxtensor_alloc_data(t) < 0) {
        nx_release(t);
        return NULL;
    }
    char *data = nxtensor_data(t);
    int bits = nx_type_bits(t->type);
    if (bits % 8 != 0 || t->size == 0) {   /* sub-byte types: element by element */
        for (int64_t i = 0; i < t->size; i++)
            nxelem_write(t->type, data, i, n->value);
        return t;
    }
    /* One element, then copies of what is filled so far, doubling. */
    size_t filled = (size_t)bits / 8, total = filled * (size_t)t->size;
    nxelem_write(t->type, data, 0, n->value);
    for (; filled < total; filled *= 2)
        memcpy(data + filled, data, filled < total - filled ? filled : total - filled);
    return t;
}

static nx_tensor *as_header(nx_tensor *v, const nxdefn_hdr *h)
{
    if (!v)
        return NULL;
    nx_tensor *r = nxfront_view(v, h->type, h->rank, h->dims, h->names, h->vrank);
    nx_release(v);
    return r;
}

nx_tensor *nxdefn_apply(const nxdefn_node *n, const nx_tensor *const *in)
{
    if (n->kind == NXN_CALL && n->calln) {   /* a one-result block */
        nx_tensor *r = NULL;
        return n->calln(in, n->opts, &r) < 0 ? NULL : r;
    }
    if (n->kind == NXN_CALL)
        return n->call(in, n->opts);
    const nxdefn_hdr *k = n->kh ? n->kh : &n->h;
    nx_tensor *out = nxtensor_new(k->type, k->rank, k->dims, k->names);
    if (out)
        out->vrank = k->vrank;
    return nxop_run(n->op, out, in, n->params);
}

static int eval_scope(const scope *parent, const nx_tensor *const *args, int nargs, nxdefn_node *const *roots,
                      int nroots, nx_tensor **results);

static int eval_cond(const scope *s, const nxdefn_node *n, const value *pred0, value *out)
{
    const nxdefn_cond *c = n->cond;
    int taken = c->nclauses;
    for (int i = 0; i < c->nclauses; i++) {
        nx_tensor *p = NULL;
        if (i > 0 && eval_scope(s, s->args, s->nargs, &c->pred[i], 1, &p) < 0)
            return -1;
        int t = nxdefn_truth(i == 0 ? pred0->t : p);
        nx_release(p);
        if (t < 0)
            return -1;
        if (t) {
            taken = i;
            break;
        }
    }
    out->tuple = nxalloc_zeroed((size_t)c->leaves, sizeof *out->tuple);
    if (!out->tuple)
        return nxerr_oom(sizeof *out->tuple), -1;
    out->ntuple = c->leaves;
    return eval_scope(s, s->args, s->nargs, c->body[taken], c->leaves, out->tuple);
}

static int eval_while(const nxdefn_node *n, value *const *in, value *out)
{
    const nxdefn_while *w = n->loop;
    nx_tensor **state = nxalloc_zeroed((size_t)w->leaves, sizeof *state);
    if (!state)
        return nxerr_oom(sizeof *state), -1;
    for (int i = 0; i < w->leaves; i++)
        state[i] = nx_retain(in[i]->t);
    for (int64_t done = 0;; done++) {
        nx_tensor *c = NULL;
        if (eval_scope(NULL, (const nx_tensor *const *)state, w->leaves, &w->cond, 1, &c) < 0)
            goto fail;
        int t = nxdefn_truth(c);
        nx_release(c);
        if (t < 0 || (t && nxdefn_while_step(done) < 0))
            goto fail;
        if (!t)
            break;
        nx_tensor *next[NX_MAX_RANK * 4];
        nx_tensor **nx = w->leaves <= (int)(sizeof next / sizeof *next) ? next : nxalloc_zeroed((size_t)w->leaves, sizeof *nx);
        if (!nx || eval_scope(NULL, (const nx_tensor *const *)state, w->leaves, w->body, w->leaves, nx) < 0) {
            if (nx && nx != next)
                nx_free(nx);
            goto fail;
        }
        for (int i = 0; i < w->leaves; i++) {
            nx_release(state[i]);
            state[i] = nx[i];
        }
        if (nx != next)
            nx_free(nx);
    }
    out->tuple = state;
    out->ntuple = w->leaves;
    return 0;
fail:
    for (int i = 0; i < w->leaves; i++)
        nx_release(state[i]);
    nx_free(state);
    return -1;
}

static int eval_node(const scope *s, const nxdefn_node *n, value *out)
{
    value *in[64];
    const nx_tensor *tin[64];
    if (n->nin > 64)
        return nxerr_set(NX_RUNTIME_ERROR, "a node with %d operands", n->nin);
    for (int i = 0; i < n->nin; i++) {
        in[i] = &s->vals[find(s, n->in[i])];
        tin[i] = in[i]->t;
    }
    switch (n->kind) {
    case NXN_PARAMETER:
        if (n->pos >= s->nargs || !s->args[n->pos])
            return nxerr_set(NX_ARGUMENT_ERROR, "no argument given for parameter %d", n->pos);
        if (s->args[n->pos]->node)
            return nxerr_set(NX_ARGUMENT_ERROR, "cannot pass a tensor expression as argument to defn");
        out->t = nx_retain((nx_tensor *)s->args[n->pos]);
        return 0;
    case NXN_CONSTANT:
        out->t = materialize(n);
        break;
    case NXN_TENSOR:
        out->t = nx_retain(n->tensor);
        return 0;
    case NXN_CALL:
        if (n->h.type == NX_TYPE_NONE) {   /* a tuple block: one value per leaf */
            if (!(out->tuple = nxalloc_zeroed((size_t)n->h.tuple, sizeof *out->tuple)))
                return nxerr_oom(sizeof *out->tuple), -1;
            out->ntuple = n->h.tuple;
            return n->calln(tin, n->opts, out->tuple);
        }
        /* fall through */
    case NXN_KERNEL:
        out->t = nxdefn_apply(n, tin);
        if (out->t && n->kh)
            out->t = as_header(out->t, &n->h);
        break;
    case NXN_VIEW:
        out->t = nxfront_view(tin[0], n->h.type, n->h.rank, n->h.dims, n->h.names, n->h.vrank);
        break;
    case NXN_METADATA:
        return copy_value(out, in[0]);
    case NXN_ELEM:
        if (n->pos >= in[0]->ntuple)
            return nxerr_set(NX_RUNTIME_ERROR, "elem %d of a tuple of %d", n->pos, in[0]->ntuple);
        out->t = nx_retain(in[0]->tuple[n->pos]);
        if (out->t && out->t->vrank != n->h.vrank)   /* a leaf of a vectorized cond: its header */
            out->t = as_header(out->t, &n->h);
        return out->t ? 0 : -1;
    case NXN_IO_CALL:
    case NXN_RUNTIME_CALL: {   /* hooks.c; a tuple node holds one value per leaf */
        int k = n->h.type == NX_TYPE_NONE ? n->h.tuple : 1;
        if (n->h.type == NX_TYPE_NONE) {
            if (!(out->tuple = nxalloc_zeroed((size_t)k, sizeof *out->tuple)))
                return nxerr_oom(sizeof *out->tuple), -1;
            out->ntuple = k;
        }
        return nxdefn_io_eval(n, tin, out->tuple ? out->tuple : &out->t);
    }
    case NXN_COND:
    case NXN_WHILE:
        if ((n->kind == NXN_COND ? eval_cond(s, n, in[0], out) : eval_while(n, in, out)) < 0)
            return -1;
        if (n->h.type != NX_TYPE_NONE && out->ntuple == 1) {   /* one leaf: a plain value */
            out->t = out->tuple[0];
            if (out->t && out->t->vrank != n->h.vrank) {   /* a vectorized cond: its header back */
                if (!(out->t = as_header(out->t, &n->h))) {
                    nx_free(out->tuple);
                    out->tuple = NULL;
                    out->ntuple = 0;
                    return -1;
                }
            }
            nx_free(out->tuple);
            out->tuple = NULL;
            out->ntuple = 0;
        }
        return 0;
    }
    return out->t ? 0 : -1;
}

/* Evaluates roots in a new scope; results[i] are new references (owned by no scope). */
static int eval_scope(const scope *parent, const nx_tensor *const *args, int nargs, nxdefn_node *const *roots,
                      int nroots, nx_tensor **results)
{
    scope s = { .parent = parent, .args = args, .nargs = nargs };
    int rc = -1;
    if (collect(&s, roots, nroots) < 0)
        goto out;
    for (int i = 0; i < s.n; i++) {
        nxdefn_node *n = s.order[i];
        if (s.vals[i].t || s.vals[i].tuple)
            continue;   /* inherited */
        if (eval_node(&s, n, &s.vals[i]) < 0)
            goto out;
        for (int k = 0; k < n->nin; k++) {
            int j = find(&s, n->in[k]);
            if (--s.uses[j] == 0)
                value_free(&s.vals[j]);
        }
    }
    for (int r = 0; r < nroots; r++) {
        const value *v = &s.vals[find(&s, roots[r])];
        if (!v->t) {
            nxerr_set(NX_RUNTIME_ERROR, "a tuple cannot be an output");
            goto out;
        }
        results[r] = nx_retain(v->t);
    }
    rc = 0;
out:
    scope_free(&s);
    if (rc < 0)
        for (int r = 0; r < nroots; r++)
            if (results[r]) {
                nx_release(results[r]);
                results[r] = NULL;
            }
    return rc;
}

int nxdefn_eval(nxdefn_node *const *outputs, int n, const nx_tensor *const *args, int nargs, nx_tensor **results)
{
    for (int i = 0; i < n; i++)
        results[i] = NULL;
    int saved = nxdefn_tracing;
    nxdefn_tracing = 0;
    nx_scope_begin();
    int rc = eval_scope(NULL, args, nargs, outputs, n, results);
    /* The results outlive the evaluation's scope: each is re-headered into the caller's. */
    nx_tensor *kept[64];
    for (int i = 0; i < n && rc == 0; i++) {
        nx_tensor *v = results[i];
        results[i] = nxfront_view(v, v->type, v->rank, v->dims, v->names, v->vrank);
        nx_release(v);
        if (!results[i])
            rc = -1;
    }
    for (int i = 0; i < n && i < 64; i++)
        kept[i] = nx_retain(results[i]);
    nx_scope_end();
    for (int i = 0; i < n && i < 64; i++)
        if (kept[i])
            nxscope_adopt(kept[i]);
    nxdefn_tracing = saved;
    if (rc < 0) {
        for (int i = 0; i < n && i < 64; i++)
            nx_release(kept[i]);
        for (int i = 0; i < n; i++)
            results[i] = NULL;
    }
    return rc;
}
