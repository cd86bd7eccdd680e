/* src/core/op.c: the op table's metadata and the one place ops reach a backend. */
#include "core/op.h"

#include "core/error.h"
#include "core/tensor.h"
#include "defn/node.h"
#include "nx/scope.h"

const nxop_info nxop_table[NX_OP_COUNT] = {
#define NX_OP(name, arity, kind, flags) [NX_OP_##name] = { #name, arity, NX_OPK_##kind, flags },
#include "ops.def"
#undef NX_OP
};

nx_tensor *nxop_run(nx_op op, nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    if (!out)
        return NULL;
    if (nxdefn_tracing)   /* every op of a trace records a node (spec/defn.md §2.1) */
        return nxdefn_record(op, out, in, p);
    const nxbackend *b = nxop_table[op].arity > 0 ? in[0]->backend : &nxcpu_backend;
    out->backend = b;
    if (nxtensor_alloc_data(out) < 0 || b->kernels[op](out, in, p) < 0) {
        nx_release(out);
        return NULL;
    }
    return out;
}
