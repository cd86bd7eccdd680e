/* include/nx/elementwise_composite.h: element-wise functions Nx composes from others
 * (Nx.logical_not, Nx.log/2, Nx.log2, Nx.log10; spec/functions.md §6.2, §8). Each returns a new tensor, or
 * NULL with an error; inputs are borrowed. */
#ifndef NX_ELEMENTWISE_COMPOSITE_H
#define NX_ELEMENTWISE_COMPOSITE_H

#include "tensor.h"

/* Nx.logical_not: u8, 1 where the element is 0 (equal(t, 0); NaN is not 0). */
NX_API nx_tensor *nx_logical_not(const nx_tensor *t);

/* Nx.log/2: log(t) / log(base). A number base (nx_number_tensor) must be > 0 and != 1;
 * tensor bases are not checked. The type is merge(to_floating(t), to_floating(base)),
 * with a number base counting as an s32/f32 tensor (f16 input, number base: f32). */
NX_API nx_tensor *nx_log_base(const nx_tensor *t, const nx_tensor *base);

/* Nx.log2, Nx.log10: log(t) / log(2 or 10), with log(2) an f32 tensor: the type is
 * merge(to_floating(t), f32), so f16, bf16 and f8 inputs give f32 (unlike nx_log). */
NX_API nx_tensor *nx_log2(const nx_tensor *t);
NX_API nx_tensor *nx_log10(const nx_tensor *t);

#endif
