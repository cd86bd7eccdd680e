/* include/nx/scope.h: who frees tensors. Every result belongs to the calling thread's
 * innermost scope and is freed when that scope ends, so nested calls cannot leak:
 *
 *     nx_scope_begin();
 *     nx_tensor *y = nx_divide(nx_exp(x), nx_sum(nx_exp(x)));
 *     nx_scope_end_keep(y);          // y moves to the enclosing scope; the rest is freed
 *
 * Outside every scope the caller owns each result and gives it back with nx_release().
 * Long-lived tensors (model parameters) are kept past their scope with nx_retain(). */
#ifndef NX_SCOPE_H
#define NX_SCOPE_H

#include "tensor.h"

NX_API void nx_scope_begin(void);
/* Frees every tensor the scope owns (a retained tensor lives on until released). */
NX_API void nx_scope_end(void);
/* Ends the scope but hands `keep` to the enclosing scope (or, at the outermost level, to
 * the caller). Returns `keep`. */
NX_API nx_tensor *nx_scope_end_keep(nx_tensor *keep);
/* Adds an owner: the tensor survives until one nx_release per nx_retain. Returns t. */
NX_API nx_tensor *nx_retain(nx_tensor *t);
NX_API void nx_release(nx_tensor *t);

/* The one allocation funnel of the library (strings it returns are freed with nx_free). */
NX_API void *nx_alloc(size_t bytes);
NX_API void nx_free(void *p);
/* Refuses (with a MemoryError) any single allocation larger than `bytes`; 0 removes the
 * limit. For embedded use, and for fuzzing, where a huge shape must fail rather than
 * exhaust the machine. */
NX_API void nx_set_alloc_limit(size_t bytes);

#endif
