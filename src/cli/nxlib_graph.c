/* src/cli/nxlib_graph.c: Nx.Defn.Graph in the interpreter (spec/defn.md §14) over the C
 * splitter (src/defn/graph_split.c): split/2, split/3 and run/2,3, with stages as
 * %Nx.Defn.Graph.Stage{id, expr, arguments} maps; and the `data` field of a tensor:
 * %Nx.Defn.Expr{id, op, args, context} for an expression, %Nx.BinaryBackend{state} for a
 * concrete tensor (spec/defn.md §1, §3), which struct patterns and t.data read. */
#include <string.h>
#include "cli/eval.h"
#include "cli/nxlib_args.h"
#include "core/error.h"
#include "core/tensor.h"
#include "defn/node.h"

static nxv *struct_value(const char *module, int n, const char *const *keys, nxv **vals)
{
    nxv **k = nxv_items(n + 1), **v = nxv_items(n + 1);
    k[0] = nxv_atom("__struct__");
    v[0] = nxv_atom(module);
    for (int i = 0; i < n; i++) {
        k[i + 1] = nxv_atom(keys[i]);
        v[i + 1] = vals[i];
    }
    return nxv_map(n + 1, k, v);
}

/* ---- %Nx.Defn.Expr{} ---- */

/* An expression tensor (of the current scope) standing for node n. */
static nxv *node_value(nxdefn_node *n)
{
    if (n->h.type == NX_TYPE_NONE) {   /* a tuple node: the tuple of its leaves' elems */
        nxv **items = nxv_items(n->h.tuple);
        for (int i = 0; i < n->h.tuple; i++) {
            nxdefn_hdr h = nxdefn_leaf_hdr(n, i);
            nxdefn_node *e = nxdefn_node_new(NXN_ELEM, &h, 1, &n);
            if (!e)
                return nxi_raise_from_nx();
            e->pos = i;
            e->ctx = n->ctx;
            items[i] = nxi_tensor_value(nxdefn_tensor(&h, e));
            if (!items[i])
                return NULL;
        }
        return nxv_tuple(n->h.tuple, items);
    }
    return nxi_tensor_value(nxdefn_tensor(&n->h, nxdefn_retain(n)));
}

static nxv *nodes_value(nxdefn_node *const *v, int n, int tuple)
{
    if (n == 1 && tuple)
        return node_value(v[0]);
    nxv **items = nxv_items(n);
    for (int i = 0; i < n; i++)
        if (!(items[i] = node_value(v[i])))
            return NULL;
    return tuple ? nxv_tuple(n, items) : nxv_list(n, items);
}

/* The args of n as Nx lists them where nxc keeps them (§3): operands, then what is known. */
static nxv *args_value(nxdefn_node *n)
{
    nxv **items;
    switch (n->kind) {
    case NXN_PARAMETER:
        items = nxv_items(1);
        items[0] = nxv_int(n->pos);
        return nxv_list(1, items);
    case NXN_CONSTANT:
        items = nxv_items(1);
        items[0] = nxi_number_value(n->value);
        return nxv_list(1, items);
    case NXN_TENSOR:
        items = nxv_items(1);
    {   /* a header of the current scope on the node's elements */
        nx_tensor *alias = nxtensor_like(n->tensor, n->tensor->type);
        if (alias)
            nxtensor_share_data(alias, n->tensor);
        if (!(items[0] = nxi_tensor_value(alias)))
            return NULL;
        return nxv_list(1, items);
    }
    case NXN_ELEM:
    case NXN_METADATA: {
        items = nxv_items(2);
        if (!(items[0] = node_value(n->in[0])))
            return NULL;
        if (n->kind == NXN_ELEM) {
            items[1] = nxv_int(n->pos);
        } else {
            const char *key = n->stop_grad ? "stop_grad" : "inspect";
            nxv *val = n->stop_grad ? nxv_bool(1) : n->name ? nxv_atom(n->name) : NULL;
            nxv **k = nxv_items(1), **v = nxv_items(1);
            k[0] = nxv_atom(key);
            v[0] = val;
            items[1] = val ? nxv_map(1, k, v) : nxv_map(0, NULL, NULL);
        }
        return nxv_list(2, items);
    }
    case NXN_COND: {
        const nxdefn_cond *cd = n->cond;
        nxv **clauses = nxv_items(cd->nclauses);
        for (int c = 0; c < cd->nclauses; c++) {
            nxv **pair = nxv_items(2);
            if (!(pair[0] = node_value(cd->pred[c])) || !(pair[1] = nodes_value(cd->body[c], cd->leaves, 1)))
                return NULL;
            clauses[c] = nxv_tuple(2, pair);
        }
        items = nxv_items(2);
        items[0] = nxv_list(cd->nclauses, clauses);
        if (!(items[1] = nodes_value(cd->body[cd->nclauses], cd->leaves, 1)))
            return NULL;
        return nxv_list(2, items);
    }
    case NXN_WHILE:
        items = nxv_items(3);
        if (!(items[0] = nodes_value(n->in, n->nin, 1)) || !(items[1] = node_value(n->loop->cond)) ||
            !(items[2] = nodes_value(n->loop->body, n->loop->leaves, 1)))
            return NULL;
        return nxv_list(3, items);
    default:
        if (n->kind == NXN_KERNEL && n->op == NX_OP_iota) {
            items = nxv_items(1);
            items[0] = n->params->axis < 0 ? nxv_nil() : nxv_int(n->params->axis);
            return nxv_list(1, items);
        }
        return nodes_value(n->in, n->nin, 0);
    }
}

static nxv *context_value(int ctx)
{
    if (ctx == 0)
        return nxv_nil();
    if (ctx == 1)
        return nxv_atom("root");
    nxv **items = nxv_items(2);
    items[0] = nxv_atom("while");
    items[1] = nxv_int(ctx);
    return nxv_tuple(2, items);
}

/* t.data: the expression struct of an expression tensor, the backend struct otherwise. */
nxv *nxi_tensor_data(nx_tensor *t)
{
    if (!t->node) {
        int64_t bits = nx_to_binary(t, NULL, 0);
        unsigned char *bin = bits >= 0 ? nxi_alloc((size_t)(bits + 7) / 8 + 1) : NULL;
        if (!bin || nx_to_binary(t, bin, (bits + 7) / 8) < 0)
            return nxi_raise_from_nx();
        nxv *state = nxv_binary(bin, bits);
        static const char *const keys[] = { "state" };
        return struct_value("Elixir.Nx.BinaryBackend", 1, keys, &state);
    }
    static const char *const keys[] = { "id", "op", "args", "context" };
    nxv *vals[4];
    vals[0] = nxv_int((nxi_int)t->node->id);
    vals[1] = nxv_atom(nx_expr_op(t));
    if (!(vals[2] = args_value(t->node)))
        return NULL;
    vals[3] = context_value(t->node->ctx);
    return struct_value("Elixir.Nx.Defn.Expr", 4, keys, vals);
}

/* ---- split ---- */

typedef struct {
    nxv *fun, *acc;
    int with_acc;
} decider;

static int decision_of(nxv *d)
{
    static const char *const names[] = { "none", "before", "after", "both" };
    for (int i = 0; i < 4; i++)
        if (nxv_is_atom(d, names[i]))
            return i;
    nxi_raise("ArgumentError", "Invalid split decision: %s. Expected :before, :after, :both, or :none",
              nxi_inspect_plain(d));
    return -1;
}

static int decide(const nx_tensor *node, void *ctx)
{
    decider *d = ctx;
    nxdefn_hdr h = node->node->h;
    if (h.type == NX_TYPE_NONE)   /* a tuple-typed node, shown as graph_split.c shows it */
        h.type = NX_U8;
    nx_tensor *own = nxdefn_tensor(&h, nxdefn_retain(node->node));
    if (own)
        own->type = node->type;
    nxv *t = nxi_tensor_value(own);
    if (!t)
        return -1;
    if (!d->with_acc) {
        nxv *r = nxi_call_fun(d->fun, 1, &t);
        return r ? decision_of(r) : -1;
    }
    nxv *args[2] = { t, d->acc };
    nxv *r = nxi_call_fun(d->fun, 2, args);
    if (!r)
        return -1;
    if (r->kind != NXV_TUPLE || r->tuple.n != 2) {
        nxi_raise("MatchError", "no match of right hand side value: %s", nxi_inspect_plain(r));
        return -1;
    }
    d->acc = r->tuple.items[1];
    return decision_of(r->tuple.items[0]);
}

typedef struct {
    nx_tensor **v;
    int n, cap;
} leaves;

static nxv *collect(nxv *leaf, void *ctx)
{
    leaves *l = ctx;
    if (leaf->kind != NXV_TENSOR || !leaf->tensor->node)
        return nxi_raise("ArgumentError", "expected an expression (Nx.Defn.Expr) to split, got: %s",
                         nxi_inspect_plain(leaf));
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 16;
        nx_tensor **v = nxi_alloc((size_t)cap * sizeof *v);
        if (l->n)
            memcpy(v, l->v, (size_t)l->n * sizeof *v);
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = leaf->tensor;
    return leaf;
}

typedef struct {
    nx_tensor *const *v;
    int i;
} refill;

static nxv *put_back(nxv *leaf, void *ctx)
{
    (void)leaf;
    refill *r = ctx;
    nx_tensor *t = r->v[r->i++];
    return nxv_tensor(t);
}

static int64_t next_stage_id;

/* A copy (of the current scope) of a chain-owned expression tensor. */
static nx_tensor *scope_copy(const nx_tensor *t)
{
    nxdefn_hdr h;
    nxdefn_hdr_of(&h, t);
    return nxdefn_tensor(&h, nxdefn_retain(t->node));
}

static nxv *stage_value(const nx_stage *st, const int64_t *ids, nxv *container)
{
    nx_tensor **outs = nxi_alloc(((size_t)st->nout + 1) * sizeof *outs);
    for (int i = 0; i < st->nout; i++)
        if (!(outs[i] = scope_copy(st->outputs[i])))
            return nxi_raise_from_nx();
    nxv *expr;
    if (container) {
        refill r = { outs, 0 };
        expr = nxi_map_leaves(container, put_back, &r);
    } else {
        nxv **items = nxv_items(st->nout);
        for (int i = 0; i < st->nout; i++)
            items[i] = nxv_tensor(outs[i]);
        expr = nxv_tuple(st->nout, items);
    }
    if (!expr)
        return NULL;
    nxv **args = nxv_items(st->nargs);
    for (int i = 0; i < st->nargs; i++) {
        nxv **src = nxv_items(2);
        src[0] = st->args[i].stage < 0 ? nxv_nil() : nxv_int(ids[st->args[i].stage]);
        src[1] = nxv_int(st->args[i].index);
        nxv **k = nxv_items(1), **v = nxv_items(1);
        k[0] = nxv_atom("source");
        v[0] = nxv_tuple(2, src);
        args[i] = nxv_map(1, k, v);
    }
    static const char *const keys[] = { "id", "expr", "arguments" };
    nxv *vals[3] = { nxv_int(ids[st->id]), expr, nxv_list(st->nargs, args) };
    return struct_value("Elixir.Nx.Defn.Graph.Stage", 3, keys, vals);
}

static nxv *do_split(nxv *expr, decider *d)
{
    leaves l = { 0 };
    if (!nxi_map_leaves(expr, collect, &l))
        return NULL;
    if (l.n == 0)
        return nxi_raise("ArgumentError", "expected an expression (Nx.Defn.Expr) to split, got: %s",
                         nxi_inspect_plain(expr));
    nx_graph_chain *c = nx_graph_split(l.n, (const nx_tensor *const *)l.v, decide, d);
    if (!c)
        return nxi_raised() ? NULL : nxi_raise_from_nx();
    int64_t *ids = nxi_alloc((size_t)c->n * sizeof *ids);
    for (int k = 0; k < c->n; k++)
        ids[k] = ++next_stage_id;
    nxv **items = nxv_items(c->n);
    nxv *out = NULL;
    for (int k = 0; k < c->n; k++)
        if (!(items[k] = stage_value(&c->stages[k], ids, k == c->n - 1 ? expr : NULL)))
            goto done;
    out = nxv_list(c->n, items);
done:
    nx_graph_chain_free(c);
    return out;
}

static nxv *split2(int argc, nxv **argv)
{
    (void)argc;
    if (argv[1]->kind != NXV_FUN || argv[1]->fun.arity != 1)
        return nxi_raise("FunctionClauseError", "no function clause matching in Nx.Defn.Graph.split/2");
    decider d = { argv[1], NULL, 0 };
    return do_split(argv[0], &d);
}

static nxv *split3(int argc, nxv **argv)
{
    (void)argc;
    if (argv[2]->kind != NXV_FUN || argv[2]->fun.arity != 2)
        return nxi_raise("FunctionClauseError", "no function clause matching in Nx.Defn.Graph.split/3");
    decider d = { argv[2], argv[1], 1 };
    return do_split(argv[0], &d);
}

/* ---- run ---- */

static nxv *field(nxv *m, const char *key)
{
    if (m->kind != NXV_MAP)
        return NULL;
    for (int64_t i = 0; i < m->map.n; i++)
        if (nxv_is_atom(m->map.keys[i], key))
            return m->map.vals[i];
    return NULL;
}

static nxv *bad_stage(nxv *v)
{
    return nxi_raise("ArgumentError", "expected a %%Nx.Defn.Graph.Stage{} with :id, :expr and :arguments, got: %s",
                     nxi_inspect_plain(v));
}

/* One stage of the chain from its value; stage ids seen so far in ids[0..k). */
static int stage_of(nxv *v, nxv *const *ids, int k, nx_stage *st)
{
    nxv *expr = field(v, "expr"), *args = field(v, "arguments");
    if (!field(v, "id") || !expr || !args || args->kind != NXV_LIST)
        return bad_stage(v), -1;
    leaves l = { 0 };
    if (!nxi_map_leaves(expr, collect, &l))
        return -1;
    st->id = k;
    st->nout = l.n;
    st->outputs = l.v;
    st->nargs = (int)args->list.n;
    st->args = nxi_alloc(((size_t)st->nargs + 1) * sizeof *st->args);
    for (int i = 0; i < st->nargs; i++) {
        nxv *src = field(args->list.items[i], "source");
        if (!src || src->kind != NXV_TUPLE || src->tuple.n != 2 || src->tuple.items[1]->kind != NXV_INT)
            return bad_stage(v), -1;
        int from = -1;
        if (!nxv_is_nil(src->tuple.items[0])) {
            for (int j = 0; j < k && from < 0; j++)
                if (nxv_equal(ids[j], src->tuple.items[0], 1))
                    from = j;
            if (from < 0) {
                nxi_raise("KeyError", "key %s not found in the results of the earlier stages",
                          nxi_inspect_plain(src));
                return -1;
            }
        }
        st->args[i] = (nx_stage_arg){ from, (int)src->tuple.items[1]->i };
    }
    return 0;
}

static nxv *run(int argc, nxv **argv)
{
    nxv *chain = argv[0], *args = argv[1];
    if (argc > 2 && argv[2]->kind != NXV_LIST)
        return nxi_raise("FunctionClauseError", "no function clause matching in Nx.Defn.Graph.run/3");
    if (chain->kind != NXV_LIST || chain->list.n == 0)
        return nxi_raise("ArgumentError", "expected a non-empty list of stages, got: %s", nxi_inspect_plain(chain));
    if (args->kind != NXV_LIST)
        return nxi_raise("Protocol.UndefinedError", "protocol Enumerable not implemented for %s",
                         nxi_inspect_plain(args));
    int n = (int)chain->list.n;
    nx_graph_chain c = { n, nxi_alloc((size_t)n * sizeof(nx_stage)) };
    nxv **ids = nxv_items(n);
    for (int k = 0; k < n; k++) {
        if (stage_of(chain->list.items[k], ids, k, &c.stages[k]) < 0)
            return NULL;
        ids[k] = field(chain->list.items[k], "id");
    }
    int nargs = (int)args->list.n;
    const nx_tensor **in = nxi_alloc(((size_t)nargs + 1) * sizeof *in);
    for (int i = 0; i < nargs; i++)
        if (!(in[i] = nxi_leaf_tensor(args->list.items[i])))
            return NULL;
    const nx_stage *last = &c.stages[n - 1];
    nx_tensor **res = nxi_alloc(((size_t)last->nout + 1) * sizeof *res);
    if (nx_graph_run(&c, nargs, in, res) < 0)
        return nxi_raise_from_nx();
    refill r = { res, 0 };
    return nxi_map_leaves(field(chain->list.items[n - 1], "expr"), put_back, &r);
}

const nxi_func nxi_graph_funcs[] = {
    { "Nx.Defn.Graph", "split", 2, 2, split2 },
    { "Nx.Defn.Graph", "split", 3, 3, split3 },
    { "Nx.Defn.Graph", "run", 2, 3, run },
    { NULL, NULL, 0, 0, NULL },
};
