/* src/defn/transform.c: the driver of the transformations of numerical definitions
 * (grad, jvp, jacobian, hessian): trace a builder over parameters standing for the
 * arguments, then evaluate its outputs, or inside an enclosing trace hand them over as
 * expressions of it. */
#include "core/alloc.h"
#include "core/error.h"
#include "core/tensor.h"
#include "defn/grad.h"
#include "nx.h"

int nxdefn_transform(int nparams, const nx_tensor *const *args, nxdefn_build_fn *build, void *ctx, int nout,
                     nx_tensor **results)
{
    for (int i = 0; i < nout; i++)
        results[i] = NULL;
    nx_scope_begin();
    nx_tensor **params = nxalloc_zeroed((size_t)nparams + 1, sizeof *params);
    nx_tensor **outs = nxalloc_zeroed((size_t)nout + 1, sizeof *outs);
    nx_tensor **res = nxalloc_zeroed((size_t)nout + 1, sizeof *res);
    nxdefn_node **nodes = nxalloc_zeroed((size_t)nout + 1, sizeof *nodes);
    int rc = -1, inside = nxdefn_tracing > 0;
    if (!params || !outs || !res || !nodes) {
        nxerr_oom((size_t)nout * sizeof *outs);
        goto out;
    }
    for (int i = 0; i < nparams; i++) {
        if (inside) {
            params[i] = (nx_tensor *)args[i];
            continue;
        }
        nxdefn_hdr h;
        nxdefn_hdr_of(&h, args[i]);
        if (!(params[i] = nxdefn_tensor(&h, nxdefn_parameter(&h, i, 1))))
            goto out;
    }
    nxdefn_tracing++;
    rc = build(params, ctx, outs);
    for (int i = 0; rc == 0 && i < nout; i++) {
        if (!outs[i]) {
            rc = -1;
        } else if (!outs[i]->node) {   /* a constant: an expression too */
            nxdefn_hdr h;
            nxdefn_hdr_of(&h, outs[i]);
            if (!(outs[i] = nxdefn_tensor(&h, nxdefn_node_of(outs[i]))))
                rc = -1;
        }
    }
    nxdefn_tracing--;
    if (rc < 0)
        goto out;
    rc = -1;
    if (inside) {   /* the expressions join the enclosing trace, under headers of our own */
        for (int i = 0; i < nout; i++)
            if (!(res[i] = nx_as_type(outs[i], outs[i]->type)))
                goto out;
    } else {
        for (int i = 0; i < nout; i++)
            nodes[i] = outs[i]->node;
        if (nxdefn_eval(nodes, nout, args, nparams, res) < 0)
            goto out;
    }
    for (int i = 0; i < nout; i++)
        nx_retain(res[i]);
    rc = 0;
out:
    nx_scope_end();
    if (rc == 0)
        for (int i = 0; i < nout; i++) {
            nxscope_adopt(res[i]);
            results[i] = res[i];
        }
    nx_free(params);
    nx_free(outs);
    nx_free(res);
    nx_free(nodes);
    return rc;
}
