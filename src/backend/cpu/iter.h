/* src/backend/cpu/iter.h: walking element-wise ops over their outputs. Inputs of a binary
 * op have the output's rank and either its dimension or 1 on each axis; the walker
 * collapses contiguous axes and hands the loops runs along the innermost one, with input
 * strides of 0 (broadcast) or 1 element. */
#ifndef NXCPU_ITER_H
#define NXCPU_ITER_H

#include "core/tensor.h"

typedef void nxcpu_unary_loop(const void *x, void *y, int64_t n, int bits);
typedef void nxcpu_binary_loop(const void *a, int64_t sa, const void *b, int64_t sb, void *o, int64_t n);

/* Runs a unary loop over every element (input and output have the same shape). */
void nxcpu_each_unary(const nx_tensor *x, nx_tensor *y, nxcpu_unary_loop *loop, int bits);
/* Runs a binary loop over every output element, broadcasting a and b. */
void nxcpu_each_binary(const nx_tensor *a, const nx_tensor *b, nx_tensor *out, nxcpu_binary_loop *loop);

#endif
