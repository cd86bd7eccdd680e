/* src/defn/node.c: life cycle of graph nodes (src/defn/node.h): creation, reference
 * counts, the leaves (parameters, constants, embedded tensors) and the contexts rule of
 * spec/defn.md §1. */
#include "defn/node.h"

#include <stdio.h>
#include <string.h>
#include "core/alloc.h"
#include "core/elem.h"
#include "core/error.h"
#include "nx.h"
#include "nx/scope.h"

static atomic_uint_fast64_t serial;

nxdefn_node *nxdefn_node_new(nxdefn_kind kind, const nxdefn_hdr *h, int nin, nxdefn_node *const *in)
{
    nxdefn_node *n = nxalloc_zeroed(1, sizeof *n);
    if (!n)
        return nxerr_oom(sizeof *n);
    if (nin > 0) {
        n->in = nxalloc_zeroed((size_t)nin, sizeof *n->in);
        if (!n->in) {
            nx_free(n);
            return nxerr_oom((size_t)nin * sizeof *n->in);
        }
        for (int i = 0; i < nin; i++)
            n->in[i] = nxdefn_retain(in[i]);
    }
    atomic_init(&n->refs, 1);
    n->kind = kind;
    n->nin = nin;
    n->h = *h;
    n->id = atomic_fetch_add(&serial, 1) + 1;
    return n;
}

nxdefn_node *nxdefn_retain(nxdefn_node *n)
{
    if (n)
        atomic_fetch_add(&n->refs, 1);
    return n;
}

/* A growable stack of nodes whose last reference went: releasing never recurses, so a
 * graph of any depth frees in constant stack. It starts in `first`, so ordinary releases
 * allocate nothing (and cannot leak when memory runs out). */
typedef struct {
    nxdefn_node **v;
    size_t n, cap;
    nxdefn_node *first[64];
} stack;

static void push(stack *s, nxdefn_node *n)
{
    if (!n || atomic_fetch_sub(&n->refs, 1) != 1)
        return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        nxdefn_node **v = s->cap ? nx_alloc(cap * sizeof *v) : s->first;
        if (!v)
            return;   /* out of memory while freeing: leak rather than crash */
        if (s->n)
            memcpy(v, s->v, s->n * sizeof *v);
        if (s->v != s->first)
            nx_free(s->v);
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = n;
}

static void free_one(stack *s, nxdefn_node *n)
{
    for (int i = 0; i < n->nin; i++)
        push(s, n->in[i]);
    nx_free(n->in);
    if (n->cond) {
        for (int c = 0; c < n->cond->nclauses; c++)
            push(s, n->cond->pred[c]);
        for (int c = 0; c <= n->cond->nclauses; c++) {
            for (int i = 0; i < n->cond->leaves; i++)
                push(s, n->cond->body[c][i]);
            nx_free(n->cond->body[c]);
        }
        nx_free(n->cond->pred);
        nx_free(n->cond->body);
        nx_free(n->cond);
    }
    if (n->loop) {
        push(s, n->loop->cond);
        for (int i = 0; i < n->loop->leaves; i++)
            push(s, n->loop->body[i]);
        nx_free(n->loop->body);
        nx_free(n->loop);
    }
    nxdefn_io_free(n->io);
    nx_release(n->tensor);
    nx_free(n->params);
    nx_free(n->kh);
    nx_free(n->lh);
    nx_free(n->opts);
    nx_free(n->text);
    nx_free(n);
}

void nxdefn_release(nxdefn_node *n)
{
    stack s = { 0 };
    push(&s, n);
    while (s.n > 0)
        free_one(&s, s.v[--s.n]);
    if (s.v != s.first)
        nx_free(s.v);
}

void nxdefn_hdr_of(nxdefn_hdr *h, const nx_tensor *t)
{
    memset(h, 0, sizeof *h);
    h->type = t->type;
    h->rank = t->rank;
    h->vrank = t->vrank;
    memcpy(h->dims, t->dims, (size_t)t->rank * sizeof *h->dims);
    memcpy(h->names, t->names, (size_t)t->rank * sizeof *h->names);
}

bool nxdefn_hdr_equal(const nxdefn_hdr *a, const nxdefn_hdr *b)
{
    if (a->type != b->type || a->rank != b->rank || a->vrank != b->vrank || a->tuple != b->tuple)
        return false;
    for (int i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i] || a->names[i] != b->names[i])
            return false;
    return true;
}

/* Constant normalisation (§3.1): floats hold floats, complex types complex numbers. */
static nx_number normalised(nx_type type, nx_number v)
{
    if (nx_type_is_complex(type) && v.kind != NX_NUM_COMPLEX) {
        double re = v.kind == NX_NUM_FLOAT ? v.f : v.kind == NX_NUM_INT ? (double)v.i : (double)v.u;
        return NX_COMPLEX(re, 0.0);
    }
    if (nx_type_is_float(type) && (v.kind == NX_NUM_INT || v.kind == NX_NUM_UINT))
        return NX_FLOAT(v.kind == NX_NUM_INT ? (double)v.i : (double)v.u);
    return v;
}

nxdefn_node *nxdefn_constant(const nxdefn_hdr *h, nx_number v)
{
    nxdefn_node *n = nxdefn_node_new(NXN_CONSTANT, h, 0, NULL);
    if (n)
        n->value = normalised(h->type, v);
    return n;
}

nxdefn_node *nxdefn_parameter(const nxdefn_hdr *h, int pos, int ctx)
{
    nxdefn_node *n = nxdefn_node_new(NXN_PARAMETER, h, 0, NULL);
    if (n) {
        n->pos = pos;
        n->ctx = ctx;
    }
    return n;
}

nxdefn_node *nxdefn_node_of(const nx_tensor *t)
{
    if (!t)
        return nxerr_pending() ? NULL : nxerr_null(NX_ARGUMENT_ERROR, "expected a tensor, got: NULL");
    if (t->node)
        return nxdefn_retain(t->node);
    if (!t->buf)
        return nxerr_null(NX_RUNTIME_ERROR, "cannot perform operations on a Nx.TemplateBackend tensor");
    nxdefn_hdr h;
    nxdefn_hdr_of(&h, t);
    if (t->rank == 0) {
        nxdefn_node *c = nxdefn_constant(&h, t->weak ? t->weak_value : nxelem_read(t->type, nxtensor_data(t), 0));
        if (c && t->weak) {
            c->weak = true;
            c->value = t->weak_value;   /* the number as written (§5.2) */
        }
        return c;
    }
    /* The node holds a private header on t's buffer rather than a reference to t: t may
     * be a temporary of the scope that a front end releases after recording, and that
     * release must not be mistaken for the scope's own. */
    nx_tensor *alias = nxtensor_like(t, t->type);
    if (!alias)
        return NULL;
    nxtensor_share_data(alias, t);
    nxscope_disown(alias);
    nxdefn_node *n = nxdefn_node_new(NXN_TENSOR, &h, 0, NULL);
    if (!n) {
        nx_release(alias);
        return NULL;
    }
    n->tensor = alias;
    return n;
}

nx_tensor *nxdefn_tensor(const nxdefn_hdr *h, nxdefn_node *n)
{
    if (!n)
        return NULL;
    nx_tensor *t = nxtensor_new(h->type, h->rank, h->dims, h->names);
    if (!t) {
        nxdefn_release(n);
        return NULL;
    }
    t->vrank = h->vrank;
    t->backend = &nxdefn_backend;
    t->node = n;
    return t;
}

static const char *ctx_text(char *buf, size_t cap, int ctx)
{
    if (ctx == 1)
        snprintf(buf, cap, ":root");
    else
        snprintf(buf, cap, "{:while, #Reference<0.0.0.%d>}", ctx);
    return buf;
}

int nxdefn_merge_ctx(nxdefn_node *const *in, int n)
{
    int ctx = 0;
    for (int i = 0; i < n; i++) {
        int c = in[i] ? in[i]->ctx : 0;
        if (c == 0 || c == ctx)
            continue;
        if (ctx == 0) {
            ctx = c;
            continue;
        }
        char a[64], b[64];
        return nxerr_set(NX_RUNTIME_ERROR,
                         "cannot build defn because expressions come from different contexts: %s and %s.\n\n"
                         "This typically happens on \"while\" and inside anonymous functions when you try to "
                         "access an external variable. All variables you intend to use inside \"while\" or "
                         "anonymous functions in defn must be passed as arguments.\n\n"
                         "For example, imagine the following code:\n\n"
                         "    while x = 0, x < 10 do\n      x + y\n    end\n\n"
                         "where y is an external variable defined outside of while. This code must be "
                         "rewritten as:\n\n"
                         "    while {x = 0, y}, x < 10 do\n      {x + y, y}\n    end\n",
                         ctx_text(a, sizeof a, c), ctx_text(b, sizeof b, ctx));
    }
    return ctx;
}

bool nxdefn_is_const(const nxdefn_node *n, double x)
{
    if (!n || n->kind != NXN_CONSTANT)
        return false;
    switch (n->value.kind) {
    case NX_NUM_INT: return (double)n->value.i == x;
    case NX_NUM_UINT: return (double)n->value.u == x;
    case NX_NUM_FLOAT: return n->value.f == x;
    case NX_NUM_COMPLEX: return n->value.c.re == x && n->value.c.im == 0.0;
    }
    return false;
}

nxdefn_hdr nxdefn_leaf_hdr(const nxdefn_node *n, int i)
{
    if (n->h.type != NX_TYPE_NONE)
        return n->h;
    switch (n->kind) {
    case NXN_COND: return n->cond->body[n->cond->nclauses][i]->h;
    case NXN_RUNTIME_CALL: return n->io->outs[i];
    case NXN_CALL: return n->lh[i];
    default: return n->in[i]->h;   /* while, io_call, metadata: the leaves they pass on */
    }
}

int nxdefn_copy_calln(nxdefn_node *dst, const nxdefn_node *src)
{
    dst->calln = src->calln;
    if (!src->lh)
        return 0;
    int k = src->h.tuple > 0 ? src->h.tuple : 1;
    if (!(dst->lh = nx_alloc((size_t)k * sizeof *dst->lh)))
        return nxerr_oom((size_t)k * sizeof *dst->lh), -1;
    memcpy(dst->lh, src->lh, (size_t)k * sizeof *dst->lh);
    return 0;
}

nxdefn_node *nxdefn_node_copy(const nxdefn_node *n, nxdefn_node *const *ins)
{
    nxdefn_node *c = nxdefn_node_new(n->kind, &n->h, n->nin, ins);
    if (!c)
        return NULL;
    c->ctx = n->ctx; c->pos = n->pos; c->value = n->value; c->op = n->op; c->call = n->call;
    if (nxdefn_copy_calln(c, n) < 0) {
        nxdefn_release(c);
        return NULL;
    }
    c->name = n->name; c->stop_grad = n->stop_grad; c->weak = n->weak;
    c->tensor = nx_retain(n->tensor);
    c->opts_size = n->opts_size;
    if (n->params && (c->params = nx_alloc(sizeof *c->params)))
        *c->params = *n->params;
    if (n->kh && (c->kh = nx_alloc(sizeof *c->kh)))
        *c->kh = *n->kh;
    if (n->opts && (c->opts = nx_alloc(n->opts_size ? n->opts_size : 1)))
        memcpy(c->opts, n->opts, n->opts_size);
    if (n->text && (c->text = nx_alloc(strlen(n->text) + 1)))
        strcpy(c->text, n->text);
    if (n->loop && (c->loop = nxalloc_zeroed(1, sizeof *c->loop))) {
        *c->loop = *n->loop;
        c->loop->body = nx_alloc((size_t)n->loop->leaves * sizeof *c->loop->body);
        if (c->loop->body) {
            nxdefn_retain(c->loop->cond);
            for (int i = 0; i < n->loop->leaves; i++)
                c->loop->body[i] = nxdefn_retain(n->loop->body[i]);
        } else {
            c->loop->cond = NULL;
            c->loop->leaves = 0;
        }
    }
    if (n->io)
        c->io = nxdefn_io_copy(n->io);   /* io_call, runtime_call (hooks.c) */
    if ((n->params && !c->params) || (n->kh && !c->kh) || (n->opts && !c->opts) || (n->text && !c->text) ||
        (n->loop && (!c->loop || !c->loop->body)) || (n->io && !c->io)) {
        nxdefn_release(c);
        return nxerr_oom(sizeof *c);
    }
    return c;
}

bool nxdefn_number_true(nx_number v)
{
    switch (v.kind) {
    case NX_NUM_INT: return v.i != 0;
    case NX_NUM_UINT: return v.u != 0;
    case NX_NUM_FLOAT: return v.f != 0;
    case NX_NUM_COMPLEX: return v.c.re != 0 || v.c.im != 0;
    }
    return false;
}

int nxdefn_truth(const nx_tensor *t)
{
    nx_number v;
    if (!t || nx_to_number(t, &v) < 0)
        return -1;
    return nxdefn_number_true(v);
}
