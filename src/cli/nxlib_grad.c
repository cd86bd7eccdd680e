/* src/cli/nxlib_grad.c: Nx.Defn.grad and value_and_grad in the interpreter (spec/grad.md):
 * grad(fun) / value_and_grad(fun) return a function of one argument; grad(x, fun) /
 * value_and_grad(x, fun) compute at x. The argument may be a container: its tensor leaves
 * are the variables and the gradient has its structure. The fn runs traced through the C
 * library's nx_value_and_grad_n, which differentiates the graph it records.
 * value_and_grad/3 differentiates transform(fun(x)) and returns fun(x) itself, which may
 * be any container: outside a trace the whole computation is jitted, so that container
 * comes from the same single forward pass as the gradient. */
#include <string.h>
#include "cli/eval.h"
#include "cli/module.h"
#include "cli/nxlib_args.h"
#include "core/tensor.h"
#include "defn/node.h"
#include "nx/defn.h"

#define MAX_VARS 64

typedef struct {
    nxv *fun, *arg;               /* the Elixir fn and its argument (a tensor or container) */
    nxv *transform, *value;       /* value_and_grad/3: the transform (or NULL); fun's result */
    nx_tensor *leaves[MAX_VARS];  /* the argument's tensor leaves */
    nx_tensor *const *traced;     /* while fn runs: the traced stand-ins of the leaves */
    nx_tensor **results;          /* when rebuilding the structure: the gradients */
    int n, next, raised;          /* leaves; position while mapping; fn raised */
} grad_call;

static nxv *collect(nxv *leaf, void *ctx)
{
    grad_call *g = ctx;
    nx_tensor *t = nxi_leaf_tensor(leaf);
    if (!t)
        return NULL;
    if (g->n == MAX_VARS)
        return nxi_raise("ArgumentError", "grad: at most %d tensors can be differentiated at once", MAX_VARS);
    g->leaves[g->n++] = t;
    return leaf;
}

static nxv *next_traced(nxv *leaf, void *ctx)
{
    (void)leaf;
    grad_call *g = ctx;
    return nxv_tensor(g->traced[g->next++]);
}

static nxv *next_result(nxv *leaf, void *ctx)
{
    (void)leaf;
    grad_call *g = ctx;
    return nxv_tensor(g->results[g->next++]);
}

/* fun's result outlives nx_value_and_grad_n's scope: its tensors are held, then handed to
 * the caller's scope. */
static nxv *hold_leaf(nxv *leaf, void *ctx)
{
    (void)ctx;
    if (leaf->kind == NXV_TENSOR)
        nx_retain(leaf->tensor);
    return leaf;
}

static nxv *hand_over_leaf(nxv *leaf, void *ctx)
{
    (void)ctx;
    if (leaf->kind == NXV_TENSOR)
        nxscope_adopt(leaf->tensor);   /* a repeated leaf: the extra hold is dropped */
    return leaf;
}

/* The traced function: fn applied to the argument rebuilt from the traced leaves. */
static nx_tensor *traced_fn(nx_tensor *const *args, void *ctx)
{
    grad_call *g = ctx;
    g->traced = args;
    g->next = 0;
    nxv *arg = nxi_map_leaves(g->arg, next_traced, g);
    nxv *r = arg ? nxi_call_fun(g->fun, 1, &arg) : NULL;
    if (r && g->transform) {
        if (g->value)   /* traced again (vectorized batch axes, spec/grad.md §9): drop the first value */
            nxi_map_leaves(g->value, hand_over_leaf, NULL);
        g->value = nxi_map_leaves(r, hold_leaf, NULL);
        r = nxi_call_fun(g->transform, 1, &r);
    }
    if (r && (r->kind == NXV_TUPLE || r->kind == NXV_MAP || r->kind == NXV_LIST))
        r = nxi_raise("ArgumentError", "unable to build tensor expression, expected a tensor or a number, got: %s",
                      nxi_inspect_plain(r));
    nx_tensor *t = r ? nxi_to_tensor(r) : NULL;
    if (!t)
        g->raised = 1;
    return t;
}

static nxv *differentiate(nxv *x, nxv *fun, int with_value, nxv *transform);

/* The function value_and_grad/3 jits: bound = {fun, transform}. */
static nxv *transformed(int argc, nxv **argv)
{
    (void)argc;
    nxv *b = argv[0];
    return differentiate(argv[1], b->tuple.items[0], 1, b->tuple.items[1]);
}

static nxv *builtin_fun(nxv *(*body)(int, nxv **), nxv *bound)
{
    nxv *v = nxi_alloc(sizeof *v);
    memset(v, 0, sizeof *v);
    v->kind = NXV_FUN;
    v->fun.builtin = body;
    v->fun.arity = 1;
    v->fun.bound = bound;
    return v;
}

static bool is_fun1(const nxv *f)
{
    return f->kind == NXV_FUN && f->fun.arity == 1;
}

/* {value, grad} (with_value) or grad of fun at x; with a transform, {fun(x), grad of
 * transform(fun(x))}. */
static nxv *differentiate(nxv *x, nxv *fun, int with_value, nxv *transform)
{
    if (!is_fun1(fun))
        return nxi_raise("ArgumentError", "expected a function of arity 1, got: %s", nxi_inspect_plain(fun));
    if (transform && !is_fun1(transform))
        return nxi_raise("ArgumentError", "expected a function of arity 1, got: %s", nxi_inspect_plain(transform));
    if (transform && nxdefn_tracing == 0) {
        nxv **items = nxv_items(2);
        items[0] = fun;
        items[1] = transform;
        return nxi_defn_jit_call(NULL, builtin_fun(transformed, nxv_tuple(2, items)), 1, &x);
    }
    grad_call g = { .fun = fun, .arg = x, .transform = transform };
    if (!nxi_map_leaves(x, collect, &g))
        return NULL;
    nx_tensor *value = NULL, *grads[MAX_VARS];
    int rc = nx_value_and_grad_n(traced_fn, &g, g.n, (const nx_tensor *const *)g.leaves, &value, grads);
    if (g.value)
        nxi_map_leaves(g.value, hand_over_leaf, NULL);
    if (rc < 0)
        return g.raised ? NULL : nxi_raise_from_nx();
    g.results = grads;
    g.next = 0;
    nxv *grad = nxi_map_leaves(x, next_result, &g);
    if (!grad || !with_value)
        return grad;
    nxv **pair = nxv_items(2);
    pair[0] = transform ? g.value : nxv_tensor(value);
    pair[1] = grad;
    return nxv_tuple(2, pair);
}

/* The closures grad/1 and value_and_grad/1 return: bound = {fun, with_value}. */
static nxv *bound_grad(int argc, nxv **argv)
{
    (void)argc;
    nxv *b = argv[0];
    nxv *transform = b->tuple.items[2];
    return differentiate(argv[1], b->tuple.items[0], b->tuple.items[1]->i != 0,
                         transform->kind == NXV_FUN ? transform : NULL);
}

/* grad/1..2, value_and_grad/1..3: (x, fun[, transform]) computes; (fun[, transform])
 * returns the one-argument function. */
static nxv *make_grad(int argc, nxv **argv, int with_value)
{
    bool with_x = argc == 3 || (argc == 2 && argv[0]->kind != NXV_FUN);
    if (with_x)
        return differentiate(argv[0], argv[1], with_value, argc == 3 ? argv[2] : NULL);
    nxv *fun = argv[0];
    if (!is_fun1(fun))
        return nxi_raise("ArgumentError", "expected a function of arity 1, got: %s", nxi_inspect_plain(fun));
    nxv **items = nxv_items(3);
    items[0] = fun;
    items[1] = nxv_int(with_value);
    items[2] = argc == 2 ? argv[1] : nxv_nil();
    return builtin_fun(bound_grad, nxv_tuple(3, items));
}

static nxv *grad(int argc, nxv **argv)
{
    return make_grad(argc, argv, 0);
}

static nxv *value_and_grad(int argc, nxv **argv)
{
    return make_grad(argc, argv, 1);
}

const nxi_func nxi_grad_funcs[] = {
    { "Nx.Defn", "grad", 1, 2, grad },
    { "Nx.Defn", "value_and_grad", 1, 3, value_and_grad },
    { 0 },
};
