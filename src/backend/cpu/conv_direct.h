/* src/backend/cpu/conv_direct.h: the direct convolution kernel (conv_direct.c) that
 * nxcpu_conv tries before im2col + GEMM. */
#ifndef NXCPU_CONV_DIRECT_H
#define NXCPU_CONV_DIRECT_H

#include "core/op.h"

/* Fills out as nxcpu_conv does, on canonical layouts. Returns 1 when done, 0 when the
 * shape is not one the direct kernel handles (nothing done), -1 with an error. */
int nxcpu_conv_direct(nx_tensor *out, const nx_tensor *x, const nx_tensor *w, const nxop_params *p);

#endif
