/* src/defn/record.c: the expression backend (spec/defn.md §1-§4): while a trace runs,
 * every primitive that reaches nxop_run records a kernel node; views (reshape, bitcast,
 * rename) share or re-header nodes; front ends replace their result by one Nx-level node
 * (nxdefn_wrap) so that printouts and grad see Nx's operations. Constant operands fold. */
#include "defn/node.h"

#include <string.h>
#include "core/alloc.h"
#include "core/error.h"
#include "nx.h"

const nxbackend nxdefn_backend = { .name = "Nx.Defn.Expr" };

/* How many operands a kernel reads (ops.def's arity, plus the variadic ones). */
static int operand_count(nx_op op, const nxop_params *p)
{
    int n = nxop_table[op].arity;
    if (op == NX_OP_concatenate || op == NX_OP_stack)
        return p->count;
    if (op == NX_OP_slice || op == NX_OP_put_slice)
        for (int i = 0; i < NX_MAX_RANK; i++)
            if (p->slice.dynamic[i] + 1 > n)
                n = p->slice.dynamic[i] + 1;
    return n;
}

/* Element-wise ops and conversions of constants fold into constants (§4). */
static bool foldable(nx_op op, nxdefn_node *const *in, int n)
{
    nx_op_kind k = nxop_table[op].kind;
    if (k != NX_OPK_UNARY && k != NX_OPK_BINARY && k != NX_OPK_CONVERT && op != NX_OP_broadcast)
        return false;
    for (int i = 0; i < n; i++)
        if (in[i]->kind != NXN_CONSTANT)
            return false;
    return true;
}

/* The folded constant: the kernel run once on scalar operands. */
static nxdefn_node *fold(nx_op op, const nxdefn_hdr *h, nxdefn_node *const *in, int n, const nxop_params *p)
{
    if (op == NX_OP_broadcast && in[0]->h.type == h->type)
        return nxdefn_constant(h, in[0]->value);
    nx_scope_begin();
    int saved = nxdefn_tracing;
    nxdefn_tracing = 0;
    nx_tensor *args[4] = { 0 };
    for (int i = 0; i < n; i++)
        args[i] = nx_scalar(in[i]->value, in[i]->h.type);
    nx_tensor *out = nxtensor_new(h->type, 0, NULL, NULL);
    nx_number v = { 0 };
    nxop_params q = *p;
    if (op == NX_OP_broadcast)
        q.axes[0] = 0;
    out = out && (n < 1 || args[0]) && (n < 2 || args[1]) ? nxop_run(op, out, (const nx_tensor *const *)args, &q) : NULL;
    int ok = out && nx_to_number(out, &v) == 0;
    nxdefn_tracing = saved;
    nx_scope_end();
    return ok ? nxdefn_constant(h, v) : NULL;
}

nx_tensor *nxdefn_record(nx_op op, nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    if (!out)
        return NULL;
    if (op == NX_OP_top_k) {
        nx_release(out);
        return nxerr_null(NX_ARGUMENT_ERROR, "Nx.top_k is not supported inside defn yet");
    }
    int n = operand_count(op, p);
    nxdefn_node *ins[NX_MAX_RANK + 4] = { 0 };
    nxdefn_node *node = NULL;
    if (n > (int)(sizeof ins / sizeof *ins)) {
        nxerr_set(NX_ARGUMENT_ERROR, "too many operands (%d) for a traced %s", n, nxop_table[op].name);
        goto out_release;
    }
    for (int i = 0; i < n; i++)
        if (!(ins[i] = nxdefn_node_of(in[i])))
            goto out_release;
    int ctx = nxdefn_merge_ctx(ins, n);
    if (ctx < 0)
        goto out_release;
    nxdefn_hdr h;
    nxdefn_hdr_of(&h, out);
    if (foldable(op, ins, n) && (node = fold(op, &h, ins, n, p)) != NULL)
        goto done;
    node = nxdefn_node_new(NXN_KERNEL, &h, n, ins);
    if (node && !(node->params = nx_alloc(sizeof *node->params)))
        nxerr_oom(sizeof *node->params);
    if (!node || !node->params)
        goto out_release;
    *node->params = *p;
    node->op = op;
    node->ctx = ctx;
done:
    for (int i = 0; i < n; i++)
        nxdefn_release(ins[i]);
    out->backend = &nxdefn_backend;
    out->node = node;
    return out;
out_release:
    for (int i = 0; i < n; i++)
        nxdefn_release(ins[i]);
    nxdefn_release(node);
    nx_release(out);
    return NULL;
}

/* A copy of an operation node under another header (a view folded into its producer). */
static nxdefn_node *reheadered(const nxdefn_node *src, const nxdefn_hdr *h)
{
    nxdefn_node *n = nxdefn_node_new(src->kind, h, src->nin, src->in);
    if (!n)
        return NULL;
    n->ctx = src->ctx;
    n->op = src->op;
    n->call = src->call;
    n->name = src->name;
    n->kh = nx_alloc(sizeof *n->kh);
    if (n->kh)
        *n->kh = src->kh ? *src->kh : src->h;
    if (src->params && (n->params = nx_alloc(sizeof *n->params)))
        *n->params = *src->params;
    if (nxdefn_copy_calln(n, src) < 0) {
        nxdefn_release(n);
        return NULL;
    }
    if (src->text && (n->text = nx_alloc(strlen(src->text) + 1)))
        strcpy(n->text, src->text);
    if (src->opts && (n->opts = nx_alloc(src->opts_size ? src->opts_size : 1))) {
        memcpy(n->opts, src->opts, src->opts_size);
        n->opts_size = src->opts_size;
    }
    if (!n->kh || (src->params && !n->params) || (src->text && !n->text) || (src->opts && !n->opts)) {
        nxdefn_release(n);
        return nxerr_oom(sizeof *n);
    }
    return n;
}

void nxdefn_view(nx_tensor *t, const nx_tensor *src)
{
    nxdefn_node *s = src->node, *n;
    nxdefn_hdr h;
    nxdefn_hdr_of(&h, t);
    t->backend = &nxdefn_backend;
    if (nxdefn_hdr_equal(&h, &s->h))
        n = nxdefn_retain(s);
    else if (s->kind == NXN_CONSTANT && s->h.type == h.type)
        n = nxdefn_constant(&h, s->value);
    else if (s->kind == NXN_KERNEL || s->kind == NXN_CALL)
        n = reheadered(s, &h);
    else if ((n = nxdefn_node_new(NXN_VIEW, &h, 1, &s)) != NULL)
        n->ctx = s->ctx;
    t->node = n;   /* NULL after an error: the tensor then fails as an operand */
}

/* A call node named `name` over the operand nodes ins (references not taken), with the
 * printed text and a copy of the options; NULL with an error. */
static nxdefn_node *call_node(const nxdefn_hdr *h, nxdefn_node **ins, int n, const char *name, const char *text,
                              const void *opts, size_t opts_size)
{
    int ctx = nxdefn_merge_ctx(ins, n);
    nxdefn_node *node = ctx < 0 ? NULL : nxdefn_node_new(NXN_CALL, h, n, ins);
    if (!node)
        return NULL;
    node->ctx = ctx;
    node->name = name;
    node->opts_size = opts_size;
    node->text = nx_alloc(strlen(text) + 1);
    node->opts = nx_alloc(opts_size ? opts_size : 1);
    if (!node->text || !node->opts) {
        nxdefn_release(node);
        return nxerr_oom(strlen(text) + 1 + opts_size);
    }
    strcpy(node->text, text);
    memcpy(node->opts, opts, opts_size);
    return node;
}

/* nxdefn_wrap over operand nodes (references taken over). */
static nx_tensor *wrap_nodes(nx_tensor *r, const char *name, const char *text, nxdefn_call_fn *call,
                             const void *opts, size_t opts_size, nxdefn_node **ins, int n)
{
    nxdefn_node *node = call_node(&r->node->h, ins, n, name, text, opts, opts_size);
    for (int i = 0; i < n; i++)
        nxdefn_release(ins[i]);
    if (!node) {
        nx_release(r);
        return NULL;
    }
    node->call = call;
    nxdefn_release(r->node);
    r->node = node;
    return r;
}

nx_tensor *nxdefn_wrap(nx_tensor *r, const char *name, const char *text, nxdefn_call_fn *call,
                       const void *opts, size_t opts_size, const nx_tensor *const *in, int n)
{
    if (!r || !r->node || r->node->kind == NXN_CONSTANT)   /* constant: folded already */
        return r;
    nxdefn_node *ins[8] = { 0 };
    if (n > 8) {
        nx_release(r);
        return nxerr_null(NX_ARGUMENT_ERROR, "too many operands for %s", name);
    }
    for (int i = 0; i < n; i++)
        if (!(ins[i] = nxdefn_node_of(in[i]))) {
            for (int k = 0; k < i; k++)
                nxdefn_release(ins[k]);
            nx_release(r);
            return NULL;
        }
    return wrap_nodes(r, name, text, call, opts, opts_size, ins, n);
}

/* r now stands for the operand x itself (a rewrite to `ensure(x)` when x already has the
 * result's header). */
static nx_tensor *becomes(nx_tensor *r, nxdefn_node *x, nxdefn_node *other)
{
    nxdefn_release(other);
    nxdefn_release(r->node);
    r->node = x;
    return r;
}

nx_tensor *nxdefn_wrap_binary(nx_tensor *r, nx_op op, const nx_tensor *a, const nx_tensor *b, nxdefn_call_fn *call)
{
    if (!r || !r->node || r->node->kind == NXN_CONSTANT)
        return r;
    nxdefn_node *x = nxdefn_node_of(a), *y = x ? nxdefn_node_of(b) : NULL;
    if (!y) {
        nxdefn_release(x);
        nx_release(r);
        return NULL;
    }
    const nxdefn_hdr *h = &r->node->h;
    bool xs = nxdefn_hdr_equal(&x->h, h), ys = nxdefn_hdr_equal(&y->h, h);
    /* Identities (§4): 0 + x, x + 0, x - 0, 1 * x, x * 1, x / 1, x ** 1. */
    if (op == NX_OP_add && ys && nxdefn_is_const(x, 0))
        return becomes(r, y, x);
    if ((op == NX_OP_add || op == NX_OP_subtract) && xs && nxdefn_is_const(y, 0))
        return becomes(r, x, y);
    if (op == NX_OP_multiply && ys && nxdefn_is_const(x, 1))
        return becomes(r, y, x);
    if ((op == NX_OP_multiply || op == NX_OP_divide || op == NX_OP_pow) && xs && nxdefn_is_const(y, 1))
        return becomes(r, x, y);
    /* The constant of add and multiply moves to the left. */
    if ((op == NX_OP_add || op == NX_OP_multiply) && y->kind == NXN_CONSTANT && x->kind != NXN_CONSTANT) {
        nxdefn_node *t = x;
        x = y;
        y = t;
    }
    nxdefn_node *ins[2] = { x, y };
    return wrap_nodes(r, nxop_table[op].name, "%0, %1", call, &op, sizeof op, ins, 2);
}

nx_tensor *nxdefn_wrap_op(nx_tensor *r, nx_op op, const nxop_params *params, nxdefn_call_fn *call, const void *opts,
                          size_t opts_size, const nx_tensor *const *in, int n)
{
    if (!r || !r->node || r->node->kind == NXN_CONSTANT)
        return r;
    nxop_params *p = nx_alloc(sizeof *p);
    if (!p) {
        nx_release(r);
        return nxerr_oom(sizeof *p);
    }
    *p = *params;
    r = nxdefn_wrap(r, nxop_table[op].name, "", call, opts, opts_size, in, n);
    if (!r || r->node->kind != NXN_CALL) {
        nx_free(p);
        return r;
    }
    r->node->op = op;
    r->node->params = p;
    return r;
}

nx_tensor *nxdefn_wrap_kernel(nx_tensor *r, nx_op op, nxdefn_call_fn *call, const void *opts, size_t opts_size,
                              const nx_tensor *const *in, int n)
{
    if (!r || !r->node || r->node->kind != NXN_KERNEL || r->node->op != op || !r->node->params)
        return r;   /* folded, or the front end finished with another op: printed as recorded */
    const nxdefn_hdr *k = r->node->kh, *h = &r->node->h;
    if (k && (k->type != h->type || k->rank != h->rank || memcmp(k->dims, h->dims, (size_t)h->rank * sizeof *h->dims)))
        return r;   /* the kernel's result was reshaped: the grad rules expect its own header */
    return nxdefn_wrap_op(r, op, r->node->params, call, opts, opts_size, in, n);
}

int nxdefn_block(const char *name, const char *text, nxdefn_calln_fn *calln, const void *opts, size_t opts_size,
                 const nx_tensor *const *in, int n, const nxdefn_hdr *hdrs, int nout, nx_tensor **outs)
{
    for (int i = 0; i < nout; i++)
        outs[i] = NULL;
    nxdefn_node *ins[8] = { 0 }, *node = NULL;
    int rc = -1;
    if (n > 8 || nout < 1)
        return nxerr_set(NX_ARGUMENT_ERROR, "too many operands for %s", name);
    for (int i = 0; i < n; i++)
        if (!(ins[i] = nxdefn_node_of(in[i])))
            goto done;
    nxdefn_hdr h = hdrs[0];
    if (nout > 1) {
        memset(&h, 0, sizeof h);
        h.type = NX_TYPE_NONE;
        h.tuple = nout;
    }
    if (!(node = call_node(&h, ins, n, name, text, opts, opts_size)))
        goto done;
    node->calln = calln;
    if (!(node->lh = nx_alloc((size_t)nout * sizeof *node->lh))) {
        nxerr_oom((size_t)nout * sizeof *node->lh);
        goto done;
    }
    memcpy(node->lh, hdrs, (size_t)nout * sizeof *hdrs);
    if (nout == 1) {
        outs[0] = nxdefn_tensor(&hdrs[0], nxdefn_retain(node));
        rc = outs[0] ? 0 : -1;
        goto done;
    }
    for (int i = 0; i < nout; i++) {
        nxdefn_node *e = nxdefn_node_new(NXN_ELEM, &hdrs[i], 1, &node);
        if (!e)
            goto done;
        e->pos = i;
        e->ctx = node->ctx;
        if (!(outs[i] = nxdefn_tensor(&hdrs[i], e)))
            goto done;
    }
    rc = 0;
done:
    for (int i = 0; i < n; i++)
        nxdefn_release(ins[i]);
    nxdefn_release(node);
    if (rc < 0)
        for (int i = 0; i < nout; i++) {
            nx_release(outs[i]);
            outs[i] = NULL;
        }
    return rc;
}
