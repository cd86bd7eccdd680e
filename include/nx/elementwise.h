/* include/nx/elementwise.h: element-wise math, comparisons and bitwise ops (Nx.exp,
 * Nx.add, ...), with Nx's types, broadcasting and names (spec/functions.md §6-§9). Each
 * returns a new tensor, or NULL with an error; inputs are borrowed. */
#ifndef NX_ELEMENTWISE_H
#define NX_ELEMENTWISE_H

#include "tensor.h"

/* A scalar from a plain number that binary ops type as Nx types a number operand
 * (merge_number: u8 tensor + 1 stays u8, f16 tensor + 1.5 stays f16). */
NX_API nx_tensor *nx_number_tensor(nx_number n);
#define NX_I(v) nx_number_tensor(NX_INT(v))
#define NX_F(v) nx_number_tensor(NX_FLOAT(v))

/* Math: the output is to_floating(input type): integers give f32. */
NX_API nx_tensor *nx_exp(const nx_tensor *t);
NX_API nx_tensor *nx_expm1(const nx_tensor *t);
NX_API nx_tensor *nx_log(const nx_tensor *t);
NX_API nx_tensor *nx_log1p(const nx_tensor *t);
NX_API nx_tensor *nx_sigmoid(const nx_tensor *t);
NX_API nx_tensor *nx_cos(const nx_tensor *t);
NX_API nx_tensor *nx_sin(const nx_tensor *t);
NX_API nx_tensor *nx_tan(const nx_tensor *t);
NX_API nx_tensor *nx_cosh(const nx_tensor *t);
NX_API nx_tensor *nx_sinh(const nx_tensor *t);
NX_API nx_tensor *nx_tanh(const nx_tensor *t);
NX_API nx_tensor *nx_acos(const nx_tensor *t);
NX_API nx_tensor *nx_asin(const nx_tensor *t);
NX_API nx_tensor *nx_atan(const nx_tensor *t);
NX_API nx_tensor *nx_acosh(const nx_tensor *t);
NX_API nx_tensor *nx_asinh(const nx_tensor *t);
NX_API nx_tensor *nx_atanh(const nx_tensor *t);
NX_API nx_tensor *nx_sqrt(const nx_tensor *t);
NX_API nx_tensor *nx_rsqrt(const nx_tensor *t);
NX_API nx_tensor *nx_cbrt(const nx_tensor *t);
NX_API nx_tensor *nx_erf(const nx_tensor *t);
NX_API nx_tensor *nx_erfc(const nx_tensor *t);
NX_API nx_tensor *nx_erf_inv(const nx_tensor *t);

/* Same type as the input (abs of unsigned and floor/ceil/round of integers return the
 * input unchanged); is_nan and is_infinity give u8. */
NX_API nx_tensor *nx_negate(const nx_tensor *t);
NX_API nx_tensor *nx_abs(const nx_tensor *t);
NX_API nx_tensor *nx_sign(const nx_tensor *t);
NX_API nx_tensor *nx_floor(const nx_tensor *t);
NX_API nx_tensor *nx_ceil(const nx_tensor *t);
NX_API nx_tensor *nx_round(const nx_tensor *t);
NX_API nx_tensor *nx_bitwise_not(const nx_tensor *t);
NX_API nx_tensor *nx_population_count(const nx_tensor *t);
NX_API nx_tensor *nx_count_leading_zeros(const nx_tensor *t);
NX_API nx_tensor *nx_is_nan(const nx_tensor *t);
NX_API nx_tensor *nx_is_infinity(const nx_tensor *t);

/* Arithmetic on the binary type (divide and atan2: its floating type; quotient: integers
 * only). Integers wrap; division and shifts by zero or out of range follow compiled Nx. */
NX_API nx_tensor *nx_add(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_subtract(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_multiply(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_divide(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_pow(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_remainder(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_quotient(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_atan2(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_min(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_max(const nx_tensor *a, const nx_tensor *b);

/* Bitwise: integer types only. */
NX_API nx_tensor *nx_bitwise_and(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_bitwise_or(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_bitwise_xor(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_left_shift(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_right_shift(const nx_tensor *a, const nx_tensor *b);

/* Comparison and logic: u8 results (0 or 1). */
NX_API nx_tensor *nx_equal(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_not_equal(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_greater(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_less(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_greater_equal(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_less_equal(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_logical_and(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_logical_or(const nx_tensor *a, const nx_tensor *b);
NX_API nx_tensor *nx_logical_xor(const nx_tensor *a, const nx_tensor *b);

#endif
