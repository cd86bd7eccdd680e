/* tests/test_grad.c: reverse-mode autodiff (spec/grad.md). Every primitive of the op table
 * (src/ops.def) is either checked against central finite differences in f64 on random
 * inputs over three shapes (broadcasting included), or is in grad_rules.c's table as
 * zero-gradient, refused by Nx, or not covered yet. Also value_and_grad against the eager
 * value, grad inside a trace, stop_grad, unconnected variables, types and errors. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/op.h"
#include "defn/grad.h"
#include "nx.h"
#include "support/nxtest.h"
#include "support/nxtest_grad.h"

/* ---------------------------------------------------------------- finite differences */

typedef nxtest_grad_case gcase;

static unsigned rng = 12345;

static double scalar_of(nx_tensor *t)
{
    nx_number v = { 0 };
    cr_assert_not_null(t, "%s", nx_error_message());
    nx_tensor *s = nx_sum(nx_real(t));
    cr_assert_eq(nx_to_number(s, &v), 0, "%s", nx_error_message());
    return v.kind == NX_NUM_FLOAT ? v.f : v.kind == NX_NUM_INT ? (double)v.i : (double)v.u;
}

static double eager(const nxtest_grad_case *c, nx_tensor **args)
{
    nx_scope_begin();
    double r = scalar_of(c->fn(args, NULL));
    nx_scope_end();
    return r;
}

static void check_case(const gcase *c)
{
    nxtest_check_grad(c, eager, &rng);
}

/* ---------------------------------------------------------------- the functions */

#define UNARY(name, call) \
    static nx_tensor *f_##name(nx_tensor *const *a, void *c) { (void)c; return call; }
UNARY(exp, nx_exp(a[0]))
UNARY(expm1, nx_expm1(a[0]))
UNARY(log, nx_log(a[0]))
UNARY(log1p, nx_log1p(a[0]))
UNARY(sigmoid, nx_sigmoid(a[0]))
UNARY(cos, nx_cos(a[0]))
UNARY(sin, nx_sin(a[0]))
UNARY(tan, nx_tan(a[0]))
UNARY(cosh, nx_cosh(a[0]))
UNARY(sinh, nx_sinh(a[0]))
UNARY(tanh, nx_tanh(a[0]))
UNARY(acos, nx_acos(a[0]))
UNARY(asin, nx_asin(a[0]))
UNARY(atan, nx_atan(a[0]))
UNARY(acosh, nx_acosh(a[0]))
UNARY(asinh, nx_asinh(a[0]))
UNARY(atanh, nx_atanh(a[0]))
UNARY(sqrt, nx_sqrt(a[0]))
UNARY(rsqrt, nx_rsqrt(a[0]))
UNARY(cbrt, nx_cbrt(a[0]))
UNARY(erf, nx_erf(a[0]))
UNARY(erfc, nx_erfc(a[0]))
UNARY(erf_inv, nx_erf_inv(a[0]))
UNARY(negate, nx_negate(a[0]))
UNARY(abs, nx_abs(a[0]))
UNARY(real, nx_real(a[0]))
UNARY(imag, nx_add(nx_imag(a[0]), nx_sin(a[0])))
UNARY(conjugate, nx_real(nx_multiply(nx_conjugate(a[0]), nx_sin(a[0]))))
UNARY(as_type, nx_real(nx_multiply(nx_as_type(a[0], NX_C128), nx_sin(a[0]))))
UNARY(add, nx_add(a[0], a[1]))
UNARY(subtract, nx_subtract(a[0], a[1]))
UNARY(multiply, nx_multiply(a[0], a[1]))
UNARY(divide, nx_divide(a[0], a[1]))
UNARY(pow, nx_pow(a[0], a[1]))
UNARY(remainder, nx_remainder(a[0], a[1]))
UNARY(atan2, nx_atan2(a[0], a[1]))
UNARY(min, nx_min(a[0], a[1]))
UNARY(max, nx_max(a[0], a[1]))
UNARY(sum, nx_sin(nx_sum(a[0], .axes = NX_AXES(-1))))
UNARY(product, nx_sin(nx_product(a[0], .axes = NX_AXES(0), .keep_axes = true)))
UNARY(reduce_max, nx_sin(nx_reduce_max(a[0], .axes = NX_AXES(-1))))
UNARY(reduce_min, nx_sin(nx_reduce_min(a[0])))
UNARY(broadcast, nx_sin(nx_multiply(nx_broadcast(a[0], NX_SHAPE(2, 2, 3)), a[1])))
UNARY(transpose, nx_sin(nx_multiply(nx_transpose(a[0]), a[1])))
UNARY(reverse, nx_sin(nx_multiply(nx_reverse(a[0]), a[1])))
UNARY(pad, nx_sin(nx_pad(a[0], a[1], NX_PADDING({ 1, -1, 1 }, { 2, 0, 0 }))))
UNARY(concatenate, nx_sin(nx_concatenate(NX_TENSORS(a[0], a[1], a[0]), .axis = NX_AXIS(-1))))
UNARY(stack, nx_sin(nx_stack(NX_TENSORS(a[0], nx_exp(a[1])), .axis = 1)))
UNARY(slice, nx_sin(nx_slice(nx_sin(a[0]), NX_STARTS(1, 0), NX_INTS(2, 2), .strides = NX_INTS(2, 1))))
UNARY(put_slice, nx_sin(nx_put_slice(a[0], NX_STARTS(1, 1), nx_exp(a[1]))))
UNARY(select, nx_sin(nx_select(nx_greater(nx_sin(nx_multiply(a[0], NX_F(7))), NX_F(0)), nx_exp(a[0]), nx_cos(a[1]))))
UNARY(clip, nx_sin(nx_clip(a[0], nx_subtract(nx_multiply(a[1], NX_F(0.3)), NX_F(1.5)), nx_add(nx_multiply(a[2], NX_F(0.3)), NX_F(1.5)))))
UNARY(dot, nx_sin(nx_dot(a[0], a[1])))
UNARY(cumulative_sum, nx_sin(nx_cumulative_sum(a[0], .axis = NX_AXIS(-1))))

static nx_tensor *idx_of(const int64_t *v, int64_t n, int64_t k)
{
    return nx_from_data(v, NX_S64, NX_SHAPE(n, k));
}
UNARY(gather, nx_sin(nx_gather(a[0], idx_of((const int64_t[]){ 2, 0, 2 }, 3, 1), .axes = NX_AXES(0))))
UNARY(take, nx_sin(nx_take(a[0], idx_of((const int64_t[]){ 2, 0, 2, 1 }, 2, 2))))
UNARY(indexed_add, nx_sin(nx_indexed_add(a[0], idx_of((const int64_t[]){ 0, 2, 0 }, 3, 1), nx_exp(a[1]))))
UNARY(indexed_put, nx_sin(nx_indexed_put(a[0], idx_of((const int64_t[]){ 0, 2 }, 2, 1), nx_exp(a[1]))))
UNARY(sort, nx_sin(nx_multiply(nx_sort(a[0], .axis = NX_AXIS(-1)), a[1])))
UNARY(sort_desc, nx_sin(nx_multiply(nx_sort(a[0], .axis = NX_AXIS(0), .direction = NX_DESC), a[1])))
UNARY(fft, nx_sin(nx_real(nx_multiply(nx_fft(a[0]), nx_number_tensor(NX_COMPLEX(1, 2))))))
UNARY(ifft, nx_sin(nx_real(nx_multiply(nx_ifft(nx_multiply(a[0], NX_F(3))), nx_number_tensor(NX_COMPLEX(1, 2))))))
/* a :length other than the axis size: one node over the input as given (padded or cut) */
UNARY(fft_length, nx_sin(nx_real(nx_multiply(nx_fft(a[0], .length = 4), nx_number_tensor(NX_COMPLEX(1, 2))))))
UNARY(ifft_length, nx_sin(nx_real(nx_multiply(nx_ifft(nx_multiply(a[0], NX_F(3)), .length = 6), nx_number_tensor(NX_COMPLEX(1, 2))))))

UNARY(take_along_axis, nx_sin(nx_take_along_axis(a[0], nx_from_data(((int64_t[]){ 1, 0, 1, 1, 0, 0 }), NX_S64, NX_SHAPE(3, 2)), .axis = NX_AXIS(1))))
UNARY(take_along_axis0, nx_sin(nx_take_along_axis(a[0], nx_from_data(((int64_t[]){ 2, 0, 2, 1 }), NX_S64, NX_SHAPE(2, 2)), .axis = NX_AXIS(0))))
UNARY(cumulative_max, nx_sin(nx_cumulative_max(a[0], .axis = NX_AXIS(-1))))
UNARY(cumulative_min, nx_sin(nx_cumulative_min(a[0], .axis = NX_AXIS(0), .reverse = true)))
UNARY(cumulative_product, nx_sin(nx_cumulative_product(a[0], .axis = NX_AXIS(-1))))
UNARY(cumulative_product_rev, nx_sin(nx_cumulative_product(a[0], .axis = NX_AXIS(0), .reverse = true)))
UNARY(window_sum, nx_sin(nx_window_sum(a[0], NX_SHAPE(2, 2), .strides = NX_INTS(1, 2), .padding = NX_PADDING_EXPLICIT,
                                       .pads = NX_PAIRS({ 1, 0 }, { 0, 1 }))))
UNARY(window_sum_dil, nx_sin(nx_window_sum(a[0], NX_SHAPE(2, 2), .strides = NX_INTS(2, 1), .window_dilations = NX_INTS(1, 2))))

UNARY(window_max, nx_sin(nx_window_max(a[0], NX_SHAPE(2, 2), .strides = NX_INTS(1, 2))))
UNARY(window_min, nx_sin(nx_window_min(a[0], NX_SHAPE(2, 3), .padding = NX_PADDING_SAME)))
UNARY(window_max_same, nx_sin(nx_window_max(a[0], NX_SHAPE(3, 2), .strides = NX_INTS(2, 1), .padding = NX_PADDING_SAME)))
UNARY(window_max_dil, nx_sin(nx_window_max(a[0], NX_SHAPE(2, 2), .window_dilations = NX_INTS(2, 1))))
UNARY(window_max_dil_opts, nx_sin(nx_window_max(a[0], NX_SHAPE(2, 3), .strides = NX_INTS(2, 1), .window_dilations = NX_INTS(1, 2),
                                                 .padding = NX_PADDING_SAME)))
UNARY(window_min_dil, nx_sin(nx_window_min(a[0], NX_SHAPE(3, 2), .strides = NX_INTS(1, 2), .window_dilations = NX_INTS(2, 2),
                                            .padding = NX_PADDING_EXPLICIT, .pads = NX_PAIRS({ 1, 2 }, { 0, 1 }))))
static nx_tensor *tri_matrix(const nx_tensor *m, bool upper)
{
    /* a well-conditioned triangular operand: off-diagonal entries in [-1, 1] / n, diagonal 2 + x */
    nx_tensor *d = nx_multiply(nx_eye_n(m->dims[m->rank - 1], .type = NX_F64), NX_F(2));
    nx_tensor *t = nx_add(nx_multiply(m, NX_F(0.2)), d);
    return upper ? nx_triu(t) : nx_tril(t);
}
UNARY(tsolve, nx_sin(nx_triangular_solve(tri_matrix(a[0], false), a[1])))
UNARY(tsolve_upper_right, nx_sin(nx_triangular_solve(tri_matrix(a[0], true), a[1], .upper = true, .right_side = true)))
UNARY(tsolve_transpose, nx_sin(nx_triangular_solve(tri_matrix(a[0], false), a[1], .transform_a = NX_TRANSFORM_TRANSPOSE)))
UNARY(tsolve_raw, nx_sin(nx_triangular_solve(nx_add(a[0], nx_multiply(nx_eye_n(3, .type = NX_F64), NX_F(3))), a[1],
                                              .upper = true, .transform_a = NX_TRANSFORM_CONJUGATE)))

UNARY(conv, nx_sin(nx_conv(a[0], a[1])))
UNARY(conv_opts, nx_sin(nx_conv(a[0], a[1], .strides = NX_INTS(2, 1), .padding = NX_PADDING_EXPLICIT,
                                .pads = NX_PAIRS({ 1, 0 }, { 2, -1 }), .input_dilation = NX_INTS(1, 2),
                                .kernel_dilation = NX_INTS(2, 1))))
UNARY(conv_perm, nx_sin(nx_conv(a[0], a[1], .input_permutation = NX_AXES(0, 2, 1), .kernel_permutation = NX_AXES(2, 1, 0),
                                .output_permutation = NX_AXES(0, 2, 1), .padding = NX_PADDING_SAME)))

static nx_tensor *f_top_k(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *idx = NULL, *v = nx_top_k(a[0], &idx, .k = 2);
    /* the indices take no gradient; they only weight the values here */
    return nx_sin(nx_multiply(v, nx_add(nx_as_type(idx, NX_F64), NX_F(1))));
}
UNARY(conv_fgroups, nx_sin(nx_conv(a[0], a[1], .feature_group_size = 2)))
UNARY(conv_fgroups_opts, nx_sin(nx_conv(a[0], a[1], .feature_group_size = 3, .strides = NX_INTS(2), .padding = NX_PADDING_SAME,
                                        .kernel_dilation = NX_INTS(2), .input_dilation = NX_INTS(1))))
UNARY(conv_bgroups, nx_sin(nx_conv(a[0], a[1], .batch_group_size = 2)))
UNARY(conv_bgroups_opts, nx_sin(nx_conv(a[0], a[1], .batch_group_size = 2, .strides = NX_INTS(1, 2), .padding = NX_PADDING_EXPLICIT,
                                        .pads = NX_PAIRS({ 1, 0 }, { 0, 1 }), .input_dilation = NX_INTS(2, 1),
                                        .kernel_dilation = NX_INTS(1, 2))))
/* vectorized operands: each entry its own conv (the rule folds the entries into batch groups) */
UNARY(conv_vec, nx_devectorize(nx_sin(nx_conv(nx_vectorize(a[0], "v"), a[1])), false))
UNARY(conv_vec_kernel, nx_devectorize(nx_sin(nx_conv(a[0], nx_vectorize(a[1], "v"), .padding = NX_PADDING_SAME)), false))
UNARY(conv_vec_both, nx_devectorize(nx_sin(nx_conv(nx_vectorize(a[0], "v"), nx_vectorize(a[1], "v"), .strides = NX_INTS(2),
                                                   .kernel_dilation = NX_INTS(2))), false))
UNARY(conv_vec_bgroups, nx_devectorize(nx_sin(nx_conv(nx_vectorize(a[0], "v"), a[1], .batch_group_size = 2)), false))
UNARY(wscatter_max, nx_sin(nx_window_scatter_max(a[0], a[1], a[2], NX_SHAPE(2, 2), .strides = NX_INTS(2, 2))))
UNARY(wscatter_min, nx_sin(nx_window_scatter_min(a[0], a[1], a[2], NX_SHAPE(2, 3), .padding = NX_PADDING_SAME)))

static nx_tensor *f_dot_general(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_sin(nx_dot_general(a[0], a[1], .contract_a = NX_AXES(1, 2), .batch_a = NX_AXES(0),
                                 .contract_b = NX_AXES(3, 1), .batch_b = NX_AXES(0)));
}

#define U3(name, lo, hi) { #name, f_##name, 1, lo, hi, { "2x3", "4", "2x1x2" } }
#define B3(name, lo, hi) { #name, f_##name, 2, lo, hi, { "2x3,2x3", "2x3,3", "2x1,1x3" } }

static const gcase cases[] = {
    U3(exp, -2, 2), U3(expm1, -2, 2), U3(log, 0.2, 3), U3(log1p, -0.5, 3), U3(sigmoid, -3, 3),
    U3(cos, -3, 3), U3(sin, -3, 3), U3(tan, -1.2, 1.2), U3(cosh, -2, 2), U3(sinh, -2, 2), U3(tanh, -2, 2),
    U3(acos, -0.8, 0.8), U3(asin, -0.8, 0.8), U3(atan, -3, 3), U3(acosh, 1.2, 4), U3(asinh, -3, 3),
    U3(atanh, -0.8, 0.8), U3(sqrt, 0.2, 4), U3(rsqrt, 0.2, 4), U3(cbrt, 0.2, 4), U3(erf, -2, 2),
    U3(erfc, -2, 2), U3(erf_inv, -0.8, 0.8), U3(negate, -3, 3), U3(abs, 0.1, 3), U3(real, -3, 3),
    U3(imag, -3, 3), U3(conjugate, -3, 3), U3(as_type, -3, 3),
    B3(add, -3, 3), B3(subtract, -3, 3), B3(multiply, -3, 3), B3(divide, 0.5, 3), B3(pow, 0.5, 2),
    B3(remainder, 0.6, 3.3), B3(atan2, 0.2, 3), B3(min, -3, 3), B3(max, -3, 3),
    { "sum", f_sum, 1, -3, 3, { "2x3", "4", "2x1x2" } },
    { "product", f_product, 1, -2, 2, { "2x3", "4", "3x1x2" } },
    { "reduce_max", f_reduce_max, 1, -3, 3, { "2x3", "4", "2x1x2" } },
    { "reduce_min", f_reduce_min, 1, -3, 3, { "2x3", "4", "2x1x2" } },
    { "broadcast", f_broadcast, 2, -3, 3, { "3,2x2x3", "2x1x3,2x2x3", "s,2x2x3" } },
    { "transpose", f_transpose, 2, -3, 3, { "2x3,3x2", "4,4", "2x1x3,3x1x2" } },
    { "reverse", f_reverse, 2, -3, 3, { "2x3,2x3", "4,4", "2x1x3,2x1x3" } },
    { "pad", f_pad, 2, -3, 3, { "2x3,s", "3x1,s", "4x2,s" } },
    { "concatenate", f_concatenate, 2, -3, 3, { "2x3,2x1", "4,2", "2x1x2,2x1x3" } },
    { "stack", f_stack, 2, -3, 3, { "2x3,2x3", "4,4", "2x1x2,2x1x2" } },
    { "slice", f_slice, 1, -3, 3, { "3x2", "4x3", "5x2" } },
    { "put_slice", f_put_slice, 2, -3, 3, { "3x3,1x2", "4x3,2x2", "3x4,2x1" } },
    { "select", f_select, 2, -3, 3, { "2x3,2x3", "2x3,3", "4,s" } },
    { "clip", f_clip, 3, -3, 3, { "2x3,s,s", "4,s,s", "2x1x2,s,s" } },
    { "dot", f_dot, 2, -3, 3, { "2x3,3x4", "3,3", "2x3,3" } },
    { "dot", f_dot_general, 2, -3, 3, { "2x3x2,2x2x4x3", "1x2x1,1x1x3x2", "3x1x2,3x2x2x1" } },
    { "gather", f_gather, 1, -3, 3, { "3x2", "4", "3x1x2" } },
    { "take", f_take, 1, -3, 3, { "3x2", "4", "3x2x2" } },
    { "indexed_add", f_indexed_add, 2, -3, 3, { "3x2,3x2", "4,3", "3x1x2,3x1x2" } },
    { "indexed_put", f_indexed_put, 2, -3, 3, { "3x2,2x2", "4,2", "3x1x2,2x1x2" } },
    { "sort", f_sort, 2, -3, 3, { "2x3,2x3", "4,4", "2x1x3,2x1x3" } },
    { "sort", f_sort_desc, 2, -3, 3, { "3x2,3x2", "4,4", "3x1x2,3x1x2" } },
    U3(fft, -2, 2), U3(ifft, -2, 2),
    { "fft", f_fft_length, 1, -2, 2, { "2x3", "4", "2x1x5" } },
    { "ifft", f_ifft_length, 1, -2, 2, { "2x3", "4", "2x1x7" } },
    { "take_along_axis", f_take_along_axis, 1, -3, 3, { "3x2", "3x4", "3x3" } },
    { "take_along_axis", f_take_along_axis0, 1, -3, 3, { "3x2", "4x2", "5x2" } },
    { "cumulative_max", f_cumulative_max, 1, -3, 3, { "2x3", "5", "2x1x4" } },
    { "cumulative_min", f_cumulative_min, 1, -3, 3, { "3x2", "5", "4x1x2" } },
    { "cumulative_product", f_cumulative_product, 1, 0.5, 1.5, { "2x3", "5", "2x1x4" } },
    { "cumulative_product", f_cumulative_product_rev, 1, -1.5, -0.5, { "3x2", "5", "4x1x2" } },
    { "window_sum", f_window_sum, 1, -3, 3, { "3x4", "4x5", "5x3" } },
    { "window_sum", f_window_sum_dil, 1, -3, 3, { "3x4", "4x5", "5x3" } },
    { "window_max", f_window_max, 1, -3, 3, { "3x4", "4x5", "5x3" } },
    { "window_max", f_window_max_same, 1, 0.5, 3, { "3x4", "4x5", "5x3" } },
    { "window_min", f_window_min, 1, -3, -0.5, { "3x4", "4x5", "5x3" } },
    { "window_max", f_window_max_dil, 1, -3, 3, { "3x4", "4x5", "5x3" } },
    { "window_max", f_window_max_dil_opts, 1, 0.5, 3, { "3x5", "4x6", "5x4" } },
    { "window_min", f_window_min_dil, 1, -3, -0.5, { "5x4", "6x5", "5x3" } },
    { "triangular_solve", f_tsolve, 2, -1, 1, { "3x3,3x2", "3x3,3", "2x3x3,2x3x2" } },
    { "triangular_solve", f_tsolve_upper_right, 2, -1, 1, { "3x3,2x3", "3x3,3", "2x3x3,2x4x3" } },
    { "triangular_solve", f_tsolve_transpose, 2, -1, 1, { "3x3,3x2", "3x3,3", "2x3x3,2x3x1" } },
    { "triangular_solve", f_tsolve_raw, 2, -1, 1, { "3x3,3x2", "3x3,3", "2x3x3,2x3x2" } },
    { "conv", f_conv, 2, -1, 1, { "1x1x5,1x1x2", "2x3x4x4,2x3x2x3", "2x2x3,3x2x2" } },
    { "conv", f_conv_opts, 2, -1, 1, { "1x2x5x4,3x2x2x2", "2x1x4x3,1x1x3x2", "1x1x6x6,2x1x2x3" } },
    { "conv", f_conv_fgroups, 2, -1, 1, { "1x4x5,6x2x2", "2x2x4x3,4x1x2x2", "2x6x5,4x3x3" } },
    { "conv", f_conv_fgroups_opts, 2, -1, 1, { "1x3x7,3x1x2", "2x6x6,6x2x3", "1x3x5,6x1x1" } },
    { "conv", f_conv_bgroups, 2, -1, 1, { "4x2x5,4x2x2", "2x1x4x3,2x1x2x2", "6x3x5,4x3x3" } },
    { "conv", f_conv_bgroups_opts, 2, -1, 1, { "4x2x5x4,4x2x2x2", "2x1x4x5,2x1x3x2", "6x3x3x4,6x3x2x1" } },
    { "conv", f_conv_perm, 2, -1, 1, { "1x5x2,3x2x2", "2x4x3,2x3x1", "1x6x1,3x1x2" } },
    { "conv", f_conv_vec, 2, -1, 1, { "3x1x2x5,4x2x2", "2x2x1x4x3,2x1x2x2", "4x2x3x3,1x3x2" } },
    { "conv", f_conv_vec_kernel, 2, -1, 1, { "1x2x5,3x4x2x2", "2x1x4x3,2x2x1x2x2", "2x3x3,4x1x3x2" } },
    { "conv", f_conv_vec_both, 2, -1, 1, { "3x1x2x7,3x4x2x2", "2x2x2x6,2x2x2x3", "2x1x3x9,2x2x3x2" } },
    { "conv", f_conv_vec_bgroups, 2, -1, 1, { "3x4x2x7,4x2x2", "2x2x1x6,2x1x3", "2x6x3x5,4x3x2" } },
    { "window_scatter_max", f_wscatter_max, 3, -3, 3, { "4x4,2x2,s", "4x6,2x3,s", "2x2,1x1,s" } },
    { "window_scatter_min", f_wscatter_min, 3, -3, 3, { "3x3,3x3,s", "2x4,2x4,s", "4x2,4x2,s" } },
    { "cumulative_sum", f_cumulative_sum, 1, -3, 3, { "2x3", "4", "2x1x2" } },
    { "top_k", f_top_k, 1, -3, 3, { "2x3", "4", "2x1x5" } },
};

static const gcase *find_case(const char *op)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        if (!strcmp(cases[i].name, op))
            return &cases[i];
    return NULL;
}

/* Every primitive: checked by finite differences, or listed in grad_rules.c's table as
 * zero-gradient, refused, or not covered yet (never silently absent). */
Test(grad, every_primitive_checked_or_listed, .timeout = 60)
{
    int checked = 0, listed = 0;
    for (int op = 0; op < NX_OP_COUNT; op++) {
        const char *name = nxop_table[op].name;
        nxgrad_rule *rule = NULL;
        nxgrad_status s = nxgrad_status_of(name, &rule);
        if (s == NXGRAD_RULE) {
            cr_assert_not_null(rule, "%s has no rule", name);
            cr_assert_not_null(find_case(name), "%s has a rule but no finite-difference case", name);
            for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
                if (!strcmp(cases[i].name, name))
                    check_case(&cases[i]);
            checked++;
        } else {
            cr_assert_null(find_case(name), "%s has a case but no rule", name);
            listed++;
        }
    }
    cr_assert_gt(checked, 50);
    cr_assert_eq(checked + listed, NX_OP_COUNT);
}

/* ---------------------------------------------------------------- semantics (spec §1) */

static double num(const nx_tensor *t)
{
    nx_number v = { 0 };
    cr_assert_not_null(t, "%s", nx_error_message());
    cr_assert_eq(nx_to_number(t, &v), 0, "%s", nx_error_message());
    return v.kind == NX_NUM_FLOAT ? v.f : v.kind == NX_NUM_INT ? (double)v.i : (double)v.u;
}

static void values(const nx_tensor *t, double *out, int64_t n)
{
    cr_assert_not_null(t, "%s", nx_error_message());
    cr_assert_eq(t->size, n);
    nx_to_binary(nx_as_type(t, NX_F64), out, n * 8);
}

static nx_tensor *tanh_pow(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_add(nx_tanh(a[0]), nx_pow(a[1], NX_I(2)));
}

Test(grad, value_and_grad_spec_example)
{
    nx_scope_begin();
    nx_tensor *v = NULL, *g[2];
    cr_assert_eq(nx_value_and_grad(tanh_pow, NULL, &v, g, nx_scalar(NX_INT(1), NX_S32), nx_scalar(NX_INT(2), NX_S32)), 0,
                 "%s", nx_error_message());
    cr_assert_eq(v->type, NX_F32);
    cr_assert_float_eq(num(v), (float)(tanh(1.0) + 4), 1e-6);
    cr_assert_eq(g[0]->type, NX_F32);
    cr_assert_eq(g[1]->type, NX_F32);
    cr_assert_float_eq(num(g[0]), (float)(1 - tanh(1.0) * tanh(1.0)), 1e-6);
    cr_assert_float_eq(num(g[1]), 4.0, 0);
    /* the value equals the eager value */
    nx_tensor *x = nx_from_data(((double[]){ 0.3, -1.2, 2.0 }), NX_F64, NX_SHAPE(3));
    nx_tensor *y = nx_from_data(((double[]){ 1.5 }), NX_F64, NX_SHAPE(1));
    cr_assert_eq(nx_value_and_grad(tanh_pow, NULL, &v, g, x, y), 0, "%s", nx_error_message());
    nx_tensor *e = tanh_pow((nx_tensor *const[]){ x, y }, NULL);
    double a[3], b[3], gy;
    values(v, a, 3);
    values(e, b, 3);
    cr_assert_eq(memcmp(a, b, sizeof a), 0);
    values(g[1], &gy, 1);
    cr_assert_float_eq(gy, 3 * 2 * 1.5, 1e-12);   /* non-scalar output: gradient of the sum */
    nx_scope_end();
}

static nx_tensor *square(nx_tensor *const *a, void *c) { (void)c; return nx_multiply(a[0], a[0]); }
static nx_tensor *sin1(nx_tensor *const *a, void *c) { (void)c; return nx_sin(a[0]); }
static nx_tensor *ten(nx_tensor *const *a, void *c) { (void)a; (void)c; return nx_broadcast(NX_F(10), NX_SHAPE()); }

Test(grad, types_and_unconnected)
{
    nx_scope_begin();
    nx_tensor *g[1];
    cr_assert_eq(nx_grad(square, NULL, g, nx_scalar(NX_INT(3), NX_S32)), 0, "%s", nx_error_message());
    cr_assert_eq(g[0]->type, NX_F32);   /* integer variables get f32 gradients */
    cr_assert_float_eq(num(g[0]), 6.0, 0);
    cr_assert_eq(nx_grad(square, NULL, g, nx_scalar(NX_FLOAT(1.5), NX_F16)), 0, "%s", nx_error_message());
    cr_assert_eq(g[0]->type, NX_F32);   /* f16 and bf16 variables too (promotion with the seed) */
    cr_assert_float_eq(num(g[0]), 3.0, 0);
    cr_assert_eq(nx_grad(square, NULL, g, nx_scalar(NX_FLOAT(1.5), NX_BF16)), 0, "%s", nx_error_message());
    cr_assert_eq(g[0]->type, NX_F32);
    cr_assert_eq(nx_grad(square, NULL, g, nx_scalar(NX_FLOAT(1.5), NX_F64)), 0, "%s", nx_error_message());
    cr_assert_eq(g[0]->type, NX_F64);
    cr_assert_eq(nx_grad(sin1, NULL, g, nx_scalar(NX_FLOAT(0), NX_F32)), 0);
    cr_assert_eq(g[0]->type, NX_F32);
    cr_assert_float_eq(num(g[0]), 1.0, 0);
    nx_tensor *t = nx_from_data(((float[]){ 1, 2, 3 }), NX_F32, NX_SHAPE(3));
    cr_assert_eq(nx_grad(ten, NULL, g, t), 0, "%s", nx_error_message());
    double z[3];
    values(g[0], z, 3);
    cr_assert_eq(g[0]->type, NX_F32);
    cr_assert(z[0] == 0 && z[1] == 0 && z[2] == 0);
    nx_scope_end();
}

static nx_tensor *stopped(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_add(nx_multiply(nx_stop_grad(nx_multiply(a[0], a[0])), a[0]), nx_stop_grad(nx_exp(a[0])));
}

Test(grad, stop_grad)
{
    nx_scope_begin();
    nx_tensor *g[1];
    cr_assert_eq(nx_grad(stopped, NULL, g, nx_scalar(NX_FLOAT(3), NX_F64)), 0, "%s", nx_error_message());
    cr_assert_float_eq(num(g[0]), 9.0, 0);   /* d/dx (stop(x^2) x + stop(e^x)) = x^2 */
    nx_scope_end();
}

/* Higher order: the inner gradient is an expression of the enclosing trace. */
static nx_tensor *tanh1(nx_tensor *const *a, void *c) { (void)c; return nx_tanh(a[0]); }
static nx_tensor *dtanh(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *g[1];
    return nx_grad(tanh1, NULL, g, a[0]) < 0 ? NULL : g[0];
}

Test(grad, higher_order)
{
    nx_scope_begin();
    nx_tensor *g[1];
    cr_assert_eq(nx_grad(dtanh, NULL, g, nx_scalar(NX_FLOAT(1), NX_F64)), 0, "%s", nx_error_message());
    double t = tanh(1.0);
    cr_assert_float_eq(num(g[0]), -2 * t * (1 - t * t), 1e-12);
    cr_assert_float_eq(num(g[0]), -0.6397000084492246, 1e-12);
    /* jit of a function taking a gradient prints and evaluates like any expression */
    nx_tensor *e = nx_jit(dtanh, NULL, nx_template(NX_SHAPE(2), NX_F32));
    cr_assert(nx_is_expr(e));
    double v[2];
    values(nx_expr_eval(e, 1, (const nx_tensor *const[]){ nx_from_data(((float[]){ 0, 1 }), NX_F32, NX_SHAPE(2)) }), v, 2);
    cr_assert_float_eq(v[0], 1.0, 1e-6);
    cr_assert_float_eq(v[1], 1 - t * t, 1e-6);
    nx_scope_end();
}

/* ---------------------------------------------------------------- Nx's choices (§11) */

static nx_tensor *abs1(nx_tensor *const *a, void *c) { (void)c; return nx_abs(a[0]); }
static nx_tensor *max2(nx_tensor *const *a, void *c) { (void)c; return nx_max(a[0], a[1]); }
static nx_tensor *rmin(nx_tensor *const *a, void *c) { (void)c; return nx_reduce_min(a[0]); }
static nx_tensor *prod(nx_tensor *const *a, void *c) { (void)c; return nx_product(a[0]); }
static nx_tensor *pow0(nx_tensor *const *a, void *c) { (void)c; return nx_pow(a[0], a[1]); }
static nx_tensor *clip01(nx_tensor *const *a, void *c) { (void)c; return nx_clip(a[0], a[1], a[2]); }
static nx_tensor *rounded(nx_tensor *const *a, void *c)
{
    (void)c;
    return nx_add(nx_multiply(nx_floor(a[0]), nx_sign(a[0])), nx_select(nx_greater(a[0], NX_F(0)), NX_F(1), NX_F(2)));
}

Test(grad, kinks_and_ties)
{
    nx_scope_begin();
    nx_tensor *g[3];
    double v[8];
    cr_assert_eq(nx_grad(abs1, NULL, g, nx_from_data(((double[]){ -2, 0, 3 }), NX_F64, NX_SHAPE(3))), 0);
    values(g[0], v, 3);
    cr_assert(v[0] == -1 && v[1] == 1 && v[2] == 1);   /* abs at 0: +1 */
    cr_assert_eq(nx_grad(max2, NULL, g, nx_from_data(((double[]){ 1, 2 }), NX_F64, NX_SHAPE(2)),
                         nx_from_data(((double[]){ 1, 3 }), NX_F64, NX_SHAPE(2))), 0);
    values(g[0], v, 2);
    values(g[1], v + 2, 2);
    cr_assert(v[0] == 0.5 && v[1] == 0 && v[2] == 0.5 && v[3] == 1);   /* ties split */
    cr_assert_eq(nx_grad(rmin, NULL, g, nx_from_data(((double[]){ 2, 1, 3, 1 }), NX_F64, NX_SHAPE(4))), 0);
    values(g[0], v, 4);
    cr_assert(v[0] == 0 && v[1] == 0.5 && v[2] == 0 && v[3] == 0.5);
    cr_assert_eq(nx_grad(prod, NULL, g, nx_from_data(((double[]){ 1, 2, 3, 4, 2, 1, 3, -1 }), NX_F64, NX_SHAPE(1, 1, 2, 4))), 0);
    values(g[0], v, 8);
    const double want[8] = { -144, -72, -48, -36, -72, -144, -48, 144 };
    for (int i = 0; i < 8; i++)
        cr_assert_float_eq(v[i], want[i], 1e-9);
    cr_assert_eq(nx_grad(prod, NULL, g, nx_from_data(((double[]){ 2, 0, 3 }), NX_F64, NX_SHAPE(3))), 0);
    values(g[0], v, 3);
    cr_assert(v[0] == 0 && v[1] == 6 && v[2] == 0);   /* one zero: the product of the others */
    cr_assert_eq(nx_grad(pow0, NULL, g, nx_scalar(NX_FLOAT(0), NX_F64), nx_scalar(NX_FLOAT(0), NX_F64)), 0);
    cr_assert(num(g[0]) == 0 && num(g[1]) == 0);   /* pow(x, 0) at 0: no NaN */
    cr_assert_eq(nx_grad(clip01, NULL, g, nx_from_data(((double[]){ 0, 0.5, 1, 2 }), NX_F64, NX_SHAPE(4)),
                         nx_scalar(NX_FLOAT(0), NX_F64), nx_scalar(NX_FLOAT(1), NX_F64)), 0);
    values(g[0], v, 4);
    cr_assert(v[0] == 1 && v[1] == 1 && v[2] == 1 && v[3] == 0);   /* at a bound: the operand */
    cr_assert(num(g[1]) == 0 && num(g[2]) == 1);
    cr_assert_eq(nx_grad(rounded, NULL, g, nx_from_data(((double[]){ -1.5, 2.5 }), NX_F64, NX_SHAPE(2))), 0,
                 "%s", nx_error_message());
    values(g[0], v, 2);
    cr_assert(v[0] == 0 && v[1] == 0);   /* zero-gradient set: no error, zeros */
    nx_scope_end();
}

/* ---------------------------------------------------------------- errors */

static nx_tensor *quot(nx_tensor *const *a, void *c) { (void)c; return nx_quotient(a[0], NX_I(2)); }
static nx_tensor *sorted(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *idx = NULL;
    return nx_top_k(a[0], &idx, .k = 2);
}
static nx_tensor *captured(nx_tensor *const *a, void *c) { (void)a; return nx_as_type(c, NX_F32); }
static nx_tensor *captured_sum(nx_tensor *const *a, void *c) { return nx_add(nx_multiply(a[0], NX_F(0)), nx_sum(c)); }
static nx_tensor *quot_unused(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *q = nx_quotient(nx_as_type(a[0], NX_S32), NX_I(2));   /* behind as_type: not on a path */
    return nx_add(nx_multiply(nx_stop_grad(nx_as_type(q, NX_F64)), NX_F(0)), a[0]);
}

Test(grad, errors)
{
    nx_scope_begin();
    nx_tensor *g[1];
    cr_assert_eq(nx_grad(quot, NULL, g, nx_scalar(NX_INT(3), NX_S32)), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot compute gradient for Nx.quotient/2.\n\n"
                 "If a floating point computation is acceptable, consider implementing floor division. "
                 "See the documentation of `Nx.quotient` for more details.");
    cr_assert_eq(nx_grad(sorted, NULL, g, nx_from_data(((double[]){ 2, 1, 3, 4 }), NX_F64, NX_SHAPE(1, 1, 4))), 0,
                 "%s", nx_error_message());
    double tk[4];
    values(g[0], tk, 4);   /* top_k is differentiable: the two largest get 1 */
    cr_assert(tk[0] == 0 && tk[1] == 0 && tk[2] == 1 && tk[3] == 1);
    nx_tensor *t = nx_from_data(((float[]){ 1, 2 }), NX_F32, NX_SHAPE(2));
    cr_assert_eq(nx_grad(quot_unused, NULL, g, nx_scalar(NX_FLOAT(3), NX_F64)), 0, "%s", nx_error_message());
    cr_assert_float_eq(num(g[0]), 1.0, 0);
    cr_assert_eq(nx_grad(captured, t, g, nx_scalar(NX_FLOAT(3), NX_F64)), -1);   /* a concrete output */
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "can only compute gradients of tensor expressions, got: #Nx.Tensor<\n  f32[2]\n  [1.0, 2.0]\n>");
    cr_assert_eq(nx_grad(captured_sum, t, g, nx_scalar(NX_FLOAT(3), NX_F64)), 0, "%s", nx_error_message());
    cr_assert_float_eq(num(g[0]), 0.0, 0);   /* a captured tensor is a constant */
    cr_assert_eq(nx_grad(NULL, NULL, g, t), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected a function to differentiate, got: NULL");
    nx_scope_end();
}

/* ---------------------------------------------------------------- composites (spec §7) */

UNARY(mean, nx_sin(nx_mean(a[0], .axes = NX_AXES(-1))))
UNARY(logsumexp, nx_logsumexp(a[0]))
UNARY(variance, nx_variance(a[0]))
UNARY(std, nx_standard_deviation(a[0]))
UNARY(softmax, nx_sin(nx_divide(nx_exp(a[0]), nx_sum(nx_exp(a[0])))))
UNARY(outer, nx_sin(nx_outer(a[0], a[1])))
UNARY(mlp, nx_sum(nx_pow(nx_subtract(nx_tanh(nx_add(nx_dot(a[0], a[1]), a[2])), NX_F(0.5)), NX_I(2))))

static const gcase composites[] = {
    { "mean", f_mean, 1, -3, 3, { "2x3", "4", "2x1x2" } },
    { "logsumexp", f_logsumexp, 1, -3, 3, { "2x3", "4", "2x1x2" } },
    { "variance", f_variance, 1, -3, 3, { "2x3", "4", "2x1x2" } },
    { "standard_deviation", f_std, 1, -3, 3, { "2x3", "4", "2x1x2" } },
    { "softmax", f_softmax, 1, -3, 3, { "2x3", "4", "2x1x2" } },
    { "outer", f_outer, 2, -3, 3, { "2x3,3", "4,2", "2,1x2" } },
    { "mlp", f_mlp, 3, -1, 1, { "4x3,3x2,2", "1x3,3x5,1x5", "2x2,2x1,s" } },
};

Test(grad, composites_against_finite_differences)
{
    for (size_t i = 0; i < sizeof composites / sizeof *composites; i++)
        check_case(&composites[i]);
}

/* grad inside a trace of a function that returns a tensor of the enclosing trace. */
static nx_tensor *outer_value(nx_tensor *const *a, void *c) { (void)a; return c; }
static nx_tensor *nested(nx_tensor *const *a, void *c)
{
    (void)c;
    nx_tensor *v, *g[1];
    nx_tensor *y = nx_exp(a[0]);
    if (nx_value_and_grad(outer_value, y, &v, g, a[0]) < 0)
        return NULL;
    return nx_add(nx_add(v, g[0]), y);   /* the captured y is a constant: g = 0 */
}

Test(grad, nested_value_of_enclosing_trace)
{
    nx_scope_begin();
    nx_tensor *x = nx_from_data(((double[]){ 0.5, 1 }), NX_F64, NX_SHAPE(2));
    double v[2];
    values(nx_jit_apply(nested, NULL, x), v, 2);
    cr_assert_float_eq(v[0], 2 * exp(0.5), 1e-12);
    cr_assert_float_eq(v[1], 2 * exp(1.0), 1e-12);
    nx_scope_end();
}

/* Complex variables (spec §10): abs sends real(g) conj(z) / |z| (0 at 0). */
static nx_tensor *abs_sum(nx_tensor *const *a, void *c) { (void)c; return nx_sum(nx_abs(a[0])); }
static nx_tensor *abs_sq(nx_tensor *const *a, void *c) { (void)c; return nx_sum(nx_pow(nx_abs(a[0]), NX_I(2))); }

Test(grad, complex_abs)
{
    nx_scope_begin();
    nx_tensor *g[1];
    double z[8] = { 0, 0, 0, 1, 2, 0, 0, -3 }, v[8];
    nx_tensor *t = nx_from_data(z, NX_C128, NX_SHAPE(4));
    cr_assert_eq(nx_grad(abs_sum, NULL, g, t), 0, "%s", nx_error_message());
    cr_assert_eq(g[0]->type, NX_C128);
    nx_to_binary(g[0], v, sizeof v);
    const double want[8] = { 0, 0, 0, -1, 1, 0, 0, 1 };   /* [0, -i, 1, i] */
    for (int i = 0; i < 8; i++)
        cr_assert_float_eq(v[i], want[i], 1e-12, "element %d", i);
    cr_assert_eq(nx_grad(abs_sq, NULL, g, t), 0, "%s", nx_error_message());
    nx_to_binary(g[0], v, sizeof v);
    for (int i = 0; i < 8; i++)   /* 2 conj(z) */
        cr_assert_float_eq(v[i], i % 2 ? -2 * z[i] : 2 * z[i], 1e-12, "element %d", i);
    nx_scope_end();
}

/* custom_grad (spec §1.3): the identity on values; the function's tensors are the inputs'
 * gradients, and the expression's own subtree is not differentiated. */
static int times_cos(const nx_tensor *g, int n, nx_tensor *const *in, nx_tensor **grads, void *ctx)
{
    (void)ctx;
    cr_assert_eq(n, 1);
    grads[0] = nx_multiply(g, nx_cos(in[0]));
    return 0;
}
static int refuses(const nx_tensor *g, int n, nx_tensor *const *in, nx_tensor **grads, void *ctx)
{
    (void)g, (void)n, (void)in, (void)grads, (void)ctx;
    return -1;
}
static nx_tensor *custom_sin(nx_tensor *const *a, void *c)
{
    /* the value is exp(x) but the gradient is declared as d sin(x) / dx */
    return nx_multiply(nx_custom_grad(nx_exp(a[0]), 1, (const nx_tensor *const *)a, c ? refuses : times_cos, NULL), NX_F(2));
}

Test(grad, custom_grad)
{
    nx_scope_begin();
    nx_tensor *x = nx_from_data(((double[]){ 0.5, -1 }), NX_F64, NX_SHAPE(2));
    nx_tensor *v, *g[1];
    double d[2];
    cr_assert_eq(nx_value_and_grad(custom_sin, NULL, &v, g, x), 0, "%s", nx_error_message());
    NXTEST_OK();
    values(v, d, 2);
    cr_assert_float_eq(d[0], 2 * exp(0.5), 1e-12);
    values(g[0], d, 2);
    cr_assert_float_eq(d[0], 2 * cos(0.5), 1e-12);
    cr_assert_float_eq(d[1], 2 * cos(-1.0), 1e-12);
    values(custom_sin((nx_tensor *const[]){ x }, NULL), d, 2);   /* eager: the identity */
    cr_assert_float_eq(d[1], 2 * exp(-1.0), 1e-12);
    NXTEST_OK();
    NXTEST_PRINTS(nx_jit(custom_sin, NULL, nx_template(NX_SHAPE(2), NX_F64)),
                  "#Nx.Tensor<\n  f64[2]\n  \n  Nx.Defn.Expr\n"
                  "  parameter a:0                  f64[2]\n"
                  "  b = exp a                      f64[2]\n"
                  "  c = metadata b, :custom_grad   f64[2]\n"
                  "  d = multiply 2.0, c            f64[2]\n>");
    nx_error_clear();   /* nx_inspect of an expression leaves a stale error (src/defn/print.c) */
    cr_assert_eq(nx_grad(custom_sin, (void *)1, g, x), -1);
    NXTEST_ERROR(NX_RUNTIME_ERROR, "custom_grad/3 must return a list of tensors that map directly to the inputs");
    nx_scope_end();
}

/* A vectorized variable gets its own vectorized gradient (entries are independent). */
Test(grad, vectorized_variable)
{
    nx_scope_begin();
    nx_tensor *x = nx_vectorize(nx_from_data(((double[]){ 0, 1, 2, 3, 4, 5 }), NX_F64, NX_SHAPE(2, 3)), "x");
    nx_tensor *g[1];
    cr_assert_eq(nx_grad(sin1, NULL, g, x), 0, "%s", nx_error_message());
    cr_assert_eq(g[0]->vrank, 1);
    cr_assert_str_eq(g[0]->names[0], "x");
    double v[6];
    nx_to_binary(nx_devectorize(g[0], false), v, sizeof v);
    for (int i = 0; i < 6; i++)
        cr_assert_float_eq(v[i], cos((double)i), 1e-12);
    nx_tensor *y = nx_scalar(NX_FLOAT(1), NX_F64);
    nx_tensor *g2[2];
    /* spec/grad.md §9: y is broadcast to x's vectorized axes, one gradient per entry. */
    cr_assert_eq(nx_grad(tanh_pow, NULL, g2, x, y), 0, "%s", nx_error_message());
    cr_assert_eq(g2[1]->vrank, 1);
    cr_assert_str_eq(g2[1]->names[0], "x");
    double w[2];
    nx_to_binary(nx_devectorize(g2[1], false), w, sizeof w);
    for (int i = 0; i < 2; i++)
        cr_assert_float_eq(w[i], 6.0, 1e-12);   /* d/dy sum(tanh(x) + y^2) over 3 elements */
    nx_scope_end();
}
