/* src/ops/complex.c: the complex-number composites of spec/functions.md §11 (phase and
 * complex/2), built from primitives as Nx builds them. real, imag and conjugate are
 * primitives (ops.def; typed in src/ops/elementwise.c). */
#include "nx.h"

#include "core/error.h"
#include "core/tensor.h"

/* Nx.phase: atan2(imag, real) for complex; for real tensors 0 where t >= 0 (or NaN) and
 * π where t < 0, in to_real(to_floating(T)). */
nx_tensor *nx_phase(const nx_tensor *t)
{
    if (nxtensor_check_inputs(&t, 1) < 0)
        return NULL;
    nx_scope_begin();
    nx_tensor *r;
    if (nx_type_is_complex(t->type)) {
        r = nx_atan2(nx_imag(t), nx_real(t));
    } else {
        nx_type type = nx_type_to_real(nx_type_to_floating(t->type));
        r = nx_select(nx_less(t, nx_number_tensor(NX_INT(0))), nx_constant(NX_CONST_PI, type),
                      nx_scalar(NX_INT(0), type));
    }
    return nx_scope_end_keep(r);
}

/* Nx.complex: re + i·im in to_complex(merge(re, im)), as Nx composes it:
 * add(multiply(im, i), re) with i of the target type. */
nx_tensor *nx_complex(const nx_tensor *re, const nx_tensor *im)
{
    const nx_tensor *args[2] = { re, im };
    if (nxtensor_check_inputs(args, 2) < 0)
        return NULL;
    if (nx_type_is_complex(re->type) || nx_type_is_complex(im->type))
        return nxerr_null(NX_ARGUMENT_ERROR, "Nx.complex/2 does not support complex inputs");
    nx_type type = nx_type_to_complex(nx_type_merge(re->type, im->type));
    nx_scope_begin();
    nx_tensor *r = nx_add(nx_multiply(nx_as_type(im, type), nx_constant(NX_CONST_I, type)), nx_as_type(re, type));
    return nx_scope_end_keep(r);
}
