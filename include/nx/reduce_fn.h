/* include/nx/reduce_fn.h: Nx.reduce/4, a reduction with a function of the caller's
 * (spec/functions.md §12, spec/primitives.md `reduce`). */
#ifndef NX_REDUCE_FN_H
#define NX_REDUCE_FN_H

#include "tensor.h"

/* The folding function: receives one element and the accumulator as scalar tensors
 * (borrowed) and returns a scalar tensor (NULL with an error to stop the reduction).
 * Tensors it makes belong to a scope that nx_reduce closes after each call. */
typedef nx_tensor *nx_reduce_fn(const nx_tensor *elem, const nx_tensor *acc, void *ctx);

/* Nx.reduce: for every output position, acc = fn(element, acc) over the reduced elements
 * in row-major order, starting from `acc` (a non-vectorized scalar). Elements are passed
 * in t's type, the accumulator in the output type: .type, else the binary type of t and
 * acc (a number tensor from nx_number_tensor types as a number operand). Each result of fn
 * is converted to the output type. .axes / .keep_axes as in nx_sum; NX_AXES_EMPTY returns
 * a non-vectorized t unchanged. */
typedef struct { nx_axes axes; nx_type type; bool keep_axes; } nx_reduce_fn_opts;
NX_API nx_tensor *nx_reduce_(const nx_tensor *t, const nx_tensor *acc, nx_reduce_fn *fn, void *ctx,
                             nx_reduce_fn_opts o);
#define nx_reduce(t, acc, fn, ctx, ...) \
    nx_reduce_((t), (acc), (fn), (ctx), (nx_reduce_fn_opts){ __VA_ARGS__ })

#endif
