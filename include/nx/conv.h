/* include/nx/conv.h: Nx.conv (spec/functions.md §17): n-D convolution as used in neural
 * networks (cross-correlation: no kernel reversal, no conjugation). Returns a new tensor,
 * or NULL with an ArgumentError; inputs are borrowed. */
#ifndef NX_CONV_H
#define NX_CONV_H

#include "tensor.h"
#include "window.h"

/* Default layouts: input {batch, in_channels, s1, ..., sn}, kernel {out_channels,
 * in_channels / feature_groups, k1, ..., kn}, output {batch / batch_groups, out_channels,
 * o1, ..., on}. Permutations (axes or names; unset: identity) say where those logical axes
 * are in the input and kernel, and where each logical output axis goes; the output one is
 * normalised against the input's names. strides, input_dilation and kernel_dilation have
 * one entry >= 1 per spatial axis (empty: all 1). padding as for windows (:same on the
 * dilated kernel; explicit pairs may be negative), zeros. Group sizes: 0 means 1; one of
 * them must be 1. Output type: to_floating(merge(input, kernel)); names: the input's,
 * permuted. Vectorized operands are broadcast together and convolved entry by entry. */
typedef struct {
    nx_axes input_permutation, kernel_permutation, output_permutation;
    nx_window_padding padding;
    nx_pad_pairs pads;
    nx_ints strides, input_dilation, kernel_dilation;
    int64_t feature_group_size, batch_group_size;
} nx_conv_opts;
NX_API nx_tensor *nx_conv_(const nx_tensor *input, const nx_tensor *kernel, nx_conv_opts o);
#define nx_conv(input, kernel, ...) nx_conv_((input), (kernel), (nx_conv_opts){ __VA_ARGS__ })

#endif
