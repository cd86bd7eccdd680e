/* src/defn/trace.c: entering a trace (spec/defn.md §2.1): parameters from argument
 * templates, the expression backend switched on for the call, results normalised to
 * expressions; evaluation of an expression; metadata nodes. */
#include "defn/node.h"

#include <string.h>
#include "core/error.h"
#include "nx.h"

_Thread_local int nxdefn_tracing;
static atomic_int contexts = 1;   /* 1 is the root context */

int nxdefn_new_ctx(void)
{
    return atomic_fetch_add(&contexts, 1) + 1;
}

bool nx_is_expr(const nx_tensor *t)
{
    return t && t->node;
}

/* A traced tensor for any result: numbers and concrete tensors become nodes (§2.1 step 5). */
static nx_tensor *as_expr(nx_tensor *r)
{
    if (!r || r->node)
        return r;
    nxdefn_hdr h;
    nxdefn_hdr_of(&h, r);
    return nxdefn_tensor(&h, nxdefn_node_of(r));
}

nx_tensor *nx_jit_trace(nx_defn_fn *fn, void *ctx, int n, const nx_tensor *const *args)
{
    if (!fn)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected a function to trace, got: NULL");
    if (n < 0 || (n > 0 && !args))
        return nxerr_null(NX_ARGUMENT_ERROR, "expected %d arguments, got: NULL", n);
    nx_scope_begin();
    nx_tensor **params = n > 0 ? nx_alloc((size_t)n * sizeof *params) : NULL;
    nx_tensor *r = NULL;
    if (n > 0 && !params) {
        nxerr_oom((size_t)n * sizeof *params);
        goto out;
    }
    for (int i = 0; i < n; i++) {
        if (!args[i]) {
            if (!nxerr_pending())
                nxerr_set(NX_ARGUMENT_ERROR, "expected a tensor as argument %d, got: NULL", i);
            goto out;
        }
        nxdefn_hdr h;
        nxdefn_hdr_of(&h, args[i]);
        if (!(params[i] = nxdefn_tensor(&h, nxdefn_parameter(&h, i, 1))))
            goto out;
    }
    nxdefn_tracing++;
    r = fn(params, ctx);
    nxdefn_tracing--;
    if (!r && !nxerr_pending())
        nxerr_set(NX_RUNTIME_ERROR, "the traced function returned NULL without an error");
    nxdefn_tracing++;
    r = as_expr(r);
    nxdefn_tracing--;
out:
    nx_free(params);
    return nx_scope_end_keep(r);
}

nx_tensor *nx_expr_eval(const nx_tensor *expr, int n, const nx_tensor *const *args)
{
    if (!expr)
        return nxerr_pending() ? NULL : nxerr_null(NX_ARGUMENT_ERROR, "expected a tensor, got: NULL");
    if (!expr->node)
        return nx_as_type(expr, expr->type);   /* a constant result: a view of it */
    if (n < 0 || (n > 0 && !args))
        return nxerr_null(NX_ARGUMENT_ERROR, "expected %d arguments, got: NULL", n);
    for (int i = 0; i < n; i++)
        if (nxtensor_check_inputs(&args[i], 1) < 0)
            return NULL;
    nx_tensor *r = NULL;
    if (nxdefn_eval(&expr->node, 1, args, n, &r) < 0)
        return NULL;
    return r;
}

/* Identity nodes (§3.3 metadata). */
static nx_tensor *metadata(const nx_tensor *t, const char *name, bool stop_grad)
{
    if (nxtensor_check_inputs(&t, 1) < 0)
        return NULL;
    if (!nxdefn_tracing && !t->node)   /* eager: identity */
        return nx_as_type(t, t->type);
    nxdefn_node *in = nxdefn_node_of(t);
    if (!in)
        return NULL;
    nxdefn_hdr h;
    nxdefn_hdr_of(&h, t);
    nxdefn_node *n = nxdefn_node_new(NXN_METADATA, &h, 1, &in);
    if (n) {
        n->ctx = in->ctx;
        n->name = name;
        n->stop_grad = stop_grad;
    }
    nxdefn_release(in);
    return nxdefn_tensor(&h, n);
}

nx_tensor *nx_stop_grad(const nx_tensor *t)
{
    return metadata(t, "stop_grad", true);
}

nx_tensor *nx_metadata(const nx_tensor *t, const char *inspect_name)
{
    return metadata(t, inspect_name ? nx_atom(inspect_name) : NULL, false);
}
