/* src/cli/nxlib_jvp.c: nxc's own forward-mode and higher-order derivatives in the
 * interpreter (Nx has only grad): Nx.Defn.jvp(args, tangents, fun) -> {value, tangent},
 * Nx.Defn.jacobian(args, fun) and Nx.Defn.hessian(args, fun). args is a tensor or a
 * container of tensors as for Nx.Defn.grad (tangents has its structure); the jacobian has
 * args' structure, the hessian that structure nested in itself ({{haa, hab}, {hba, hbb}}
 * for {a, b}). fun runs traced through nx_jvp_n, nx_jacobian_n and nx_hessian_n. */
#include <string.h>
#include "cli/eval.h"
#include "cli/nxlib_args.h"
#include "nx/defn.h"

#define MAX_VARS 64

typedef struct {
    nxv *fun, *arg;               /* the Elixir fn and its argument (a tensor or container) */
    nx_tensor *leaves[MAX_VARS];  /* the leaves being collected */
    nx_tensor *const *traced;     /* while fn runs: the traced stand-ins of the leaves */
    nx_tensor **results;          /* when rebuilding a structure */
    int n, next, raised, outer;   /* leaves; position while mapping; fn raised; hessian row */
} jvp_call;

static nxv *collect(nxv *leaf, void *ctx)
{
    jvp_call *c = ctx;
    nx_tensor *t = nxi_leaf_tensor(leaf);
    if (!t)
        return NULL;
    if (c->n == MAX_VARS)
        return nxi_raise("ArgumentError", "at most %d tensors can be differentiated at once", MAX_VARS);
    c->leaves[c->n++] = t;
    return leaf;
}

static nxv *next_traced(nxv *leaf, void *ctx)
{
    (void)leaf;
    jvp_call *c = ctx;
    return nxv_tensor(c->traced[c->next++]);
}

static nxv *next_result(nxv *leaf, void *ctx)
{
    (void)leaf;
    jvp_call *c = ctx;
    return nxv_tensor(c->results[c->next++]);
}

/* The traced function: fun applied to the argument rebuilt from the traced leaves. */
static nx_tensor *traced_fn(nx_tensor *const *args, void *ctx)
{
    jvp_call *c = ctx;
    c->traced = args;
    c->next = 0;
    nxv *arg = nxi_map_leaves(c->arg, next_traced, c);
    nxv *r = arg ? nxi_call_fun(c->fun, 1, &arg) : NULL;
    if (r && (r->kind == NXV_TUPLE || r->kind == NXV_MAP || r->kind == NXV_LIST))
        r = nxi_raise("ArgumentError", "unable to build tensor expression, expected a tensor or a number, got: %s",
                      nxi_inspect_plain(r));
    nx_tensor *t = r ? nxi_to_tensor(r) : NULL;
    if (!t)
        c->raised = 1;
    return t;
}

/* Checks fun and collects the leaves of x; 0 or -1 with the exception raised. */
static int start(jvp_call *c, nxv *x, nxv *fun)
{
    if (fun->kind != NXV_FUN || fun->fun.arity != 1)
        return nxi_raise("ArgumentError", "expected a function of arity 1, got: %s", nxi_inspect_plain(fun)), -1;
    memset(c, 0, sizeof *c);
    c->fun = fun;
    c->arg = x;
    return nxi_map_leaves(x, collect, c) ? 0 : -1;
}

static nxv *jvp(int argc, nxv **argv)
{
    (void)argc;
    jvp_call c, t;
    if (start(&c, argv[0], argv[2]) < 0 || start(&t, argv[1], argv[2]) < 0)
        return NULL;
    if (t.n != c.n)
        return nxi_raise("ArgumentError", "expected tangents with the structure of the arguments (%d tensors), got %d "
                         "tensors", c.n, t.n);
    nx_tensor *value = NULL, *tangent = NULL;
    if (nx_jvp_n(traced_fn, &c, c.n, (const nx_tensor *const *)c.leaves, (const nx_tensor *const *)t.leaves, &value,
                 &tangent) < 0)
        return c.raised ? NULL : nxi_raise_from_nx();
    nxv **pair = nxv_items(2);
    pair[0] = nxv_tensor(value);
    pair[1] = nxv_tensor(tangent);
    return nxv_tuple(2, pair);
}

static nxv *jacobian(int argc, nxv **argv)
{
    (void)argc;
    jvp_call c;
    if (start(&c, argv[0], argv[1]) < 0)
        return NULL;
    nx_tensor *jac[MAX_VARS];
    if (nx_jacobian_n(traced_fn, &c, c.n, (const nx_tensor *const *)c.leaves, jac) < 0)
        return c.raised ? NULL : nxi_raise_from_nx();
    c.results = jac;
    c.next = 0;
    return nxi_map_leaves(c.arg, next_result, &c);
}

/* Hessian row i (the outer structure's leaf i): args' structure over blocks (i, j). */
static nxv *hessian_row(nxv *leaf, void *ctx)
{
    (void)leaf;
    jvp_call *c = ctx;
    jvp_call row = *c;
    row.results = c->results + (size_t)c->outer * (size_t)c->n;
    row.next = 0;
    c->outer++;
    return nxi_map_leaves(c->arg, next_result, &row);
}

static nxv *hessian(int argc, nxv **argv)
{
    (void)argc;
    jvp_call c;
    if (start(&c, argv[0], argv[1]) < 0)
        return NULL;
    if (c.n > 16)
        return nxi_raise("ArgumentError", "hessian: at most 16 tensors can be differentiated at once");
    nx_tensor *hess[16 * 16];
    if (nx_hessian_n(traced_fn, &c, c.n, (const nx_tensor *const *)c.leaves, hess) < 0)
        return c.raised ? NULL : nxi_raise_from_nx();
    c.results = hess;
    c.outer = 0;
    return nxi_map_leaves(c.arg, hessian_row, &c);
}

const nxi_func nxi_jvp_funcs[] = {
    { "Nx.Defn", "jvp", 3, 3, jvp },
    { "Nx.Defn", "jacobian", 2, 2, jacobian },
    { "Nx.Defn", "hessian", 2, 2, hessian },
    { 0 },
};
