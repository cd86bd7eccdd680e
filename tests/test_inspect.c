/* tests/test_inspect.c: the printed form of tensors (src/core/inspect.c), checked
 * character for character against the examples of spec/types-and-inspect.md §5.3 and §6,
 * plus element text of every integer width, the element limit, errors and failed
 * allocations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "support/nxtest.h"
#include "core/alloc.h"

/* Nested lists for nx_tensor, as Nx.tensor/2 takes them. */
#define I(v) ((nx_item){ .kind = NX_ITEM_NUMBER, .num = NX_INT(v) })
#define F(v) ((nx_item){ .kind = NX_ITEM_NUMBER, .num = NX_FLOAT(v) })
#define C(re, im) ((nx_item){ .kind = NX_ITEM_NUMBER, .num = NX_COMPLEX((re), (im)) })
#define B(v) ((nx_item){ .kind = NX_ITEM_BOOL, .num = NX_INT(v) })
#define L(...) \
    ((nx_item){ .kind = NX_ITEM_LIST, \
                .len = (int64_t)(sizeof((nx_item[]){ __VA_ARGS__ }) / sizeof(nx_item)), \
                .items = (const nx_item[]){ __VA_ARGS__ } })

static nx_tensor *list(nx_item item, nx_tensor_opts o)
{
    nx_tensor *t = nx_tensor_(&item, o);
    cr_assert_not_null(t, "nx_tensor failed: %s", nx_error_message());
    return t;
}
#define T(item, ...) list((item), (nx_tensor_opts){ __VA_ARGS__ })

#define PRINTS_LIMIT(t, lim, expected) \
    do { \
        char *text_ = nx_inspect((t), .limit = (lim)); \
        cr_assert_not_null(text_, "inspect failed: %s", nx_error_message()); \
        cr_assert_str_eq(text_, (expected)); \
        nx_free(text_); \
    } while (0)

static void setup(void)
{
    nx_error_clear();
    nx_scope_begin();
}

static void teardown(void)
{
    nx_scope_end();
}

TestSuite(inspect, .init = setup, .fini = teardown);

/* ---- §6 worked examples ---- */

Test(inspect, integer_list)
{
    NXTEST_PRINTS(T(L(L(I(1), I(2), I(3)), L(I(4), I(5), I(6)))),
                  "#Nx.Tensor<\n  s32[2][3]\n  [\n    [1, 2, 3],\n    [4, 5, 6]\n  ]\n>");
}

Test(inspect, names)
{
    NXTEST_PRINTS(T(L(L(I(1), I(2), I(3)), L(I(4), I(5), I(6))), .names = NX_NAMES("x", "y")),
                  "#Nx.Tensor<\n  s32[x: 2][y: 3]\n  [\n    [1, 2, 3],\n    [4, 5, 6]\n  ]\n>");
    NXTEST_PRINTS(T(L(L(L(I(1), I(2), I(3)), L(I(4), I(5), I(6)), L(I(7), I(8), I(9)))),
                    .names = NX_NAMES("batch", NULL, NULL)),
                  "#Nx.Tensor<\n"
                  "  s32[batch: 1][3][3]\n"
                  "  [\n"
                  "    [\n"
                  "      [1, 2, 3],\n"
                  "      [4, 5, 6],\n"
                  "      [7, 8, 9]\n"
                  "    ]\n"
                  "  ]\n"
                  ">");
}

Test(inspect, three_levels)
{
    NXTEST_PRINTS(T(L(L(L(I(1), I(2)), L(I(3), I(4)), L(I(5), I(6))),
                      L(L(I(-1), I(-2)), L(I(-3), I(-4)), L(I(-5), I(-6))))),
                  "#Nx.Tensor<\n"
                  "  s32[2][3][2]\n"
                  "  [\n"
                  "    [\n"
                  "      [1, 2],\n"
                  "      [3, 4],\n"
                  "      [5, 6]\n"
                  "    ],\n"
                  "    [\n"
                  "      [-1, -2],\n"
                  "      [-3, -4],\n"
                  "      [-5, -6]\n"
                  "    ]\n"
                  "  ]\n"
                  ">");
}

Test(inspect, non_finite_and_complex_scalar)
{
    NXTEST_PRINTS(T(L(F(-INFINITY), F(NAN), F(INFINITY))),
                  "#Nx.Tensor<\n  f32[3]\n  [-Inf, NaN, Inf]\n>");
    NXTEST_PRINTS(nx_scalar(NX_COMPLEX(1, -1), NX_TYPE_NONE), "#Nx.Tensor<\n  c64\n  1.0-1.0i\n>");
}

Test(inspect, explicit_float_types)
{
    NXTEST_PRINTS(T(L(I(1), I(2), I(3)), .type = NX_F16),
                  "#Nx.Tensor<\n  f16[3]\n  [1.0, 2.0, 3.0]\n>");
    NXTEST_PRINTS(T(L(F(INFINITY)), .type = NX_F8_E4M3FN),
                  "#Nx.Tensor<\n  f8_e4m3fn[1]\n  [450.0]\n>");
}

Test(inspect, constants)
{
    NXTEST_PRINTS(nx_constant(NX_CONST_EPSILON, NX_BF16), "#Nx.Tensor<\n  bf16\n  0.0078\n>");
    NXTEST_PRINTS(nx_constant(NX_CONST_SMALLEST_POSITIVE_NORMAL, NX_F16),
                  "#Nx.Tensor<\n  f16\n  6.104e-5\n>");
    NXTEST_PRINTS(nx_constant(NX_CONST_SMALLEST_POSITIVE_NORMAL, NX_F8),
                  "#Nx.Tensor<\n  f8\n  6e-5\n>");
    NXTEST_PRINTS(nx_constant(NX_CONST_MAX_FINITE, NX_F32),
                  "#Nx.Tensor<\n  f32\n  3.4028235e38\n>");
    NXTEST_PRINTS(nx_constant(NX_CONST_EPSILON, NX_F64),
                  "#Nx.Tensor<\n  f64\n  2.220446049250313e-16\n>");
}

Test(inspect, f64_and_f32_scalars)
{
    NXTEST_PRINTS(nx_scalar(NX_FLOAT(1.0e-128), NX_F64), "#Nx.Tensor<\n  f64\n  1.0e-128\n>");
    NXTEST_PRINTS(nx_scalar(NX_FLOAT(1.0e-128), NX_F32), "#Nx.Tensor<\n  f32\n  0.0\n>");
    NXTEST_PRINTS(nx_scalar(NX_INT(123), NX_TYPE_NONE), "#Nx.Tensor<\n  s32\n  123\n>");
}

Test(inspect, non_finite_to_integers)
{
    nx_tensor *t = nx_as_type(T(L(F(INFINITY), F(NAN), F(-INFINITY))), NX_S32);
    NXTEST_PRINTS(t, "#Nx.Tensor<\n  s32[3]\n  [2147483647, 0, -2147483648]\n>");
}

Test(inspect, vectorized)
{
    nx_tensor *t = nx_vectorize(T(L(L(I(0), I(-1)), L(I(1), I(-2)), L(I(2), I(-3))), .type = NX_S8),
                                "x");
    NXTEST_PRINTS(t, "#Nx.Tensor<\n"
                     "  vectorized[x: 3]\n"
                     "  s8[2]\n"
                     "  [\n"
                     "    [0, -1],\n"
                     "    [1, -2],\n"
                     "    [2, -3]\n"
                     "  ]\n"
                     ">");
    NXTEST_PRINTS(nx_vectorize(T(L(F(0.25), F(4.0))), "x"),
                  "#Nx.Tensor<\n  vectorized[x: 2]\n  f32\n  [0.25, 4.0]\n>");
    nx_tensor *two = nx_vectorize(nx_vectorize(nx_iota(NX_SHAPE(2, 3, 2)), "a"), "b");
    NXTEST_PRINTS(two, "#Nx.Tensor<\n"
                       "  vectorized[a: 2][b: 3]\n"
                       "  s32[2]\n"
                       "  [\n"
                       "    [\n"
                       "      [0, 1],\n"
                       "      [2, 3],\n"
                       "      [4, 5]\n"
                       "    ],\n"
                       "    [\n"
                       "      [6, 7],\n"
                       "      [8, 9],\n"
                       "      [10, 11]\n"
                       "    ]\n"
                       "  ]\n"
                       ">");
}

Test(inspect, templates)
{
    NXTEST_PRINTS(nx_template(NX_SHAPE(2, 3), NX_F32, .names = NX_NAMES("rows", "columns")),
                  "#Nx.Tensor<\n  f32[rows: 2][columns: 3]\n  Nx.TemplateBackend\n>");
    NXTEST_PRINTS(nx_template(NX_SHAPE(), NX_S64), "#Nx.Tensor<\n  s64\n  Nx.TemplateBackend\n>");
}

/* §6.12: the PRNG's outputs, rebuilt from their printed values. */
Test(inspect, f16_and_c64_matrices)
{
    NXTEST_PRINTS(T(L(L(F(0.754), F(0.6484)), L(F(0.7295), F(0.2148)), L(F(0.09766), F(0.06934))),
                    .type = NX_F16),
                  "#Nx.Tensor<\n"
                  "  f16[3][2]\n"
                  "  [\n"
                  "    [0.754, 0.6484],\n"
                  "    [0.7295, 0.2148],\n"
                  "    [0.09766, 0.06934]\n"
                  "  ]\n"
                  ">");
    NXTEST_PRINTS(T(L(L(C(0.18404806, 0.65464616), C(0.55259156, 0.11568141)),
                      L(C(0.6074585, 0.81043756), C(0.2476865, 0.2197547))),
                    .type = NX_C64),
                  "#Nx.Tensor<\n"
                  "  c64[2][2]\n"
                  "  [\n"
                  "    [0.18404806+0.65464616i, 0.55259156+0.11568141i],\n"
                  "    [0.6074585+0.81043756i, 0.2476865+0.2197547i]\n"
                  "  ]\n"
                  ">");
}

Test(inspect, f64_from_binary)
{
    double d = 12.3;
    NXTEST_PRINTS(nx_from_binary(&d, 64, NX_F64), "#Nx.Tensor<\n  f64[1]\n  [12.3]\n>");
}

Test(inspect, f32_and_f64_layouts)
{
    nx_item values = L(F(1.0e-5), F(1.0e-10), F(123456789.0), F(0.1), F(-0.0), F(1.0e20));
    NXTEST_PRINTS(T(values),
                  "#Nx.Tensor<\n  f32[6]\n  [1e-5, 1e-10, 123456790.0, 0.1, -0.0, 1e20]\n>");
    NXTEST_PRINTS(T(values, .type = NX_F64),
                  "#Nx.Tensor<\n  f64[6]\n  [1.0e-5, 1.0e-10, 123456789.0, 0.1, -0.0, 1.0e20]\n>");
}

/* §6.16. Nx stores bf16 and f8 by truncation; nxc rounds to nearest (spec/decisions.md 1),
 * so the bits Nx stored are printed from binary, and nxc's own conversion separately. */
Test(inspect, narrow_floats)
{
    uint16_t bf[] = { 0x3DCC, 0x3E4C, 0x3E99, 0x0001 };
    NXTEST_PRINTS(nx_from_binary(bf, 64, NX_BF16),
                  "#Nx.Tensor<\n  bf16[4]\n  [0.0996, 0.199, 0.299, 1e-40]\n>");
    uint8_t f8[] = { 0x2E, 0x32, 0x34, 0x00, 0x01 };
    NXTEST_PRINTS(nx_from_binary(f8, 40, NX_F8),
                  "#Nx.Tensor<\n  f8[5]\n  [0.1, 0.2, 0.25, 0.0, 2e-5]\n>");
    NXTEST_PRINTS(T(L(F(0.1), F(0.2), F(0.3), F(1.0e-40)), .type = NX_BF16),
                  "#Nx.Tensor<\n  bf16[4]\n  [0.1, 0.2, 0.3, 1e-40]\n>");
    NXTEST_PRINTS(T(L(F(0.1), F(0.2), F(0.3), F(1.0e-5), F(3.0e-5)), .type = NX_F8),
                  "#Nx.Tensor<\n  f8[5]\n  [0.1, 0.2, 0.3, 2e-5, 3e-5]\n>");
    NXTEST_PRINTS(T(L(F(65504.0), F(0.1), F(1.0e-7), F(6.0e-8), F(2048.0), F(4096.0), F(0.3333)),
                    .type = NX_F16),
                  "#Nx.Tensor<\n  f16[7]\n  [6.55e4, 0.1, 1e-7, 6e-8, 2048.0, 4096.0, 0.3333]\n>");
}

Test(inspect, complex_layout)
{
    NXTEST_PRINTS(T(L(C(1, 2), C(-1.5, -0.0), C(NAN, INFINITY), C(0, -INFINITY))),
                  "#Nx.Tensor<\n  c64[4]\n  [1.0+2.0i, -1.5-0.0i, NaN+Infi, 0.0-Infi]\n>");
    NXTEST_PRINTS(nx_scalar(NX_COMPLEX(1.0e-7, 3.0e20), NX_C128),
                  "#Nx.Tensor<\n  c128\n  1.0e-7+3.0e20i\n>");
}

Test(inspect, sub_byte_and_booleans)
{
    NXTEST_PRINTS(T(L(I(1), I(-2), I(1), I(0)), .type = NX_S2),
                  "#Nx.Tensor<\n  s2[4]\n  [1, -2, 1, 0]\n>");
    NXTEST_PRINTS(T(L(B(1), B(0))), "#Nx.Tensor<\n  u8[2]\n  [1, 0]\n>");
}

/* Every integer width at its extremes, read from packed data. */
Test(inspect, integer_extremes)
{
    uint8_t s4[] = { 0x87, 0xF0 };    /* -8, 7, -1, 0 (high nibble first) */
    NXTEST_PRINTS(nx_from_data(s4, NX_S4, NX_SHAPE(4)),
                  "#Nx.Tensor<\n  s4[4]\n  [-8, 7, -1, 0]\n>");
    uint8_t u4[] = { 0xF0 };
    NXTEST_PRINTS(nx_from_data(u4, NX_U4, NX_SHAPE(2)), "#Nx.Tensor<\n  u4[2]\n  [15, 0]\n>");
    uint8_t u2[] = { 0xE4 };          /* 3, 2, 1, 0 */
    NXTEST_PRINTS(nx_from_data(u2, NX_U2, NX_SHAPE(4)), "#Nx.Tensor<\n  u2[4]\n  [3, 2, 1, 0]\n>");
    int8_t s8[] = { -128, 127 };
    NXTEST_PRINTS(nx_from_data(s8, NX_S8, NX_SHAPE(2)), "#Nx.Tensor<\n  s8[2]\n  [-128, 127]\n>");
    int16_t s16[] = { -32768, 32767 };
    NXTEST_PRINTS(nx_from_data(s16, NX_S16, NX_SHAPE(2)),
                  "#Nx.Tensor<\n  s16[2]\n  [-32768, 32767]\n>");
    uint16_t u16[] = { 65535 };
    NXTEST_PRINTS(nx_from_data(u16, NX_U16, NX_SHAPE(1)), "#Nx.Tensor<\n  u16[1]\n  [65535]\n>");
    uint32_t u32[] = { 4294967295u };
    NXTEST_PRINTS(nx_from_data(u32, NX_U32, NX_SHAPE(1)),
                  "#Nx.Tensor<\n  u32[1]\n  [4294967295]\n>");
    int64_t s64[] = { INT64_MIN, INT64_MAX };
    NXTEST_PRINTS(nx_from_data(s64, NX_S64, NX_SHAPE(2)),
                  "#Nx.Tensor<\n  s64[2]\n  [-9223372036854775808, 9223372036854775807]\n>");
    uint64_t u64[] = { UINT64_MAX, 0 };
    NXTEST_PRINTS(nx_from_data(u64, NX_U64, NX_SHAPE(2)),
                  "#Nx.Tensor<\n  u64[2]\n  [18446744073709551615, 0]\n>");
}

/* ---- §5.3 element limit ---- */

Test(inspect, default_limit_50)
{
    NXTEST_PRINTS(nx_iota(NX_SHAPE(60)),
                  "#Nx.Tensor<\n  s32[60]\n  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, "
                  "14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, "
                  "33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, ...]\n>");
    NXTEST_PRINTS(nx_iota(NX_SHAPE(5, 10)),
                  "#Nx.Tensor<\n  s32[5][10]\n  [\n"
                  "    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],\n"
                  "    [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],\n"
                  "    [20, 21, 22, 23, 24, 25, 26, 27, 28, 29],\n"
                  "    [30, 31, 32, 33, 34, 35, 36, 37, 38, 39],\n"
                  "    [40, 41, 42, 43, 44, 45, 46, 47, 48, 49]\n"
                  "  ]\n>");
    NXTEST_PRINTS(nx_iota(NX_SHAPE(5, 11)),
                  "#Nx.Tensor<\n  s32[5][11]\n  [\n"
                  "    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],\n"
                  "    [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21],\n"
                  "    [22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32],\n"
                  "    [33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43],\n"
                  "    [44, 45, 46, 47, 48, 49, ...]\n"
                  "  ]\n>");
    /* A row completed exactly at the limit gets no "..."; its parent does. */
    NXTEST_PRINTS(nx_iota(NX_SHAPE(6, 10)),
                  "#Nx.Tensor<\n  s32[6][10]\n  [\n"
                  "    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],\n"
                  "    [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],\n"
                  "    [20, 21, 22, 23, 24, 25, 26, 27, 28, 29],\n"
                  "    [30, 31, 32, 33, 34, 35, 36, 37, 38, 39],\n"
                  "    [40, 41, 42, 43, 44, 45, 46, 47, 48, 49],\n"
                  "    ...\n"
                  "  ]\n>");
}

Test(inspect, small_limits)
{
    nx_tensor *t = nx_iota(NX_SHAPE(3, 3));
    PRINTS_LIMIT(t, 4, "#Nx.Tensor<\n  s32[3][3]\n  [\n    [0, 1, 2],\n    [3, ...],\n"
                       "    ...\n  ]\n>");
    PRINTS_LIMIT(t, 3, "#Nx.Tensor<\n  s32[3][3]\n  [\n    [0, 1, 2],\n    ...\n  ]\n>");
    PRINTS_LIMIT(t, NX_LIMIT_ZERO, "#Nx.Tensor<\n  s32[3][3]\n  [\n    ...\n  ]\n>");
    PRINTS_LIMIT(t, 9, "#Nx.Tensor<\n  s32[3][3]\n  [\n    [0, 1, 2],\n    [3, 4, 5],\n"
                       "    [6, 7, 8]\n  ]\n>");
    PRINTS_LIMIT(nx_iota(NX_SHAPE(4)), NX_LIMIT_ZERO, "#Nx.Tensor<\n  s32[4]\n  [...]\n>");
    PRINTS_LIMIT(nx_scalar(NX_INT(7), NX_TYPE_NONE), NX_LIMIT_ZERO, "#Nx.Tensor<\n  s32\n  7\n>");
}

Test(inspect, no_limit)
{
    char *text = nx_inspect(nx_iota(NX_SHAPE(2, 40)), .limit = NX_LIMIT_NONE);
    cr_assert_not_null(text);
    cr_expect_null(strstr(text, "..."));
    cr_expect_not_null(strstr(text, ", 79]\n  ]\n>"));
    nx_free(text);
}

Test(inspect, three_level_limit)
{
    NXTEST_PRINTS(nx_iota(NX_SHAPE(2, 2, 30)),
                  "#Nx.Tensor<\n"
                  "  s32[2][2][30]\n"
                  "  [\n"
                  "    [\n"
                  "      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, "
                  "19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29],\n"
                  "      [30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, "
                  "47, 48, 49, ...]\n"
                  "    ],\n"
                  "    ...\n"
                  "  ]\n"
                  ">");
}

/* ---- single elements, printing to files, errors ---- */

Test(inspect, format_element)
{
    char buf[64];
    double d = 1.0e-5;
    cr_expect_eq(nx_format_element(buf, sizeof buf, NX_F64, &d), 6);
    cr_expect_str_eq(buf, "1.0e-5");
    float f = 1.0e-5f;
    nx_format_element(buf, sizeof buf, NX_F32, &f);
    cr_expect_str_eq(buf, "1e-5");
    uint8_t s2 = 0x2;    /* -2 in the low bits */
    nx_format_element(buf, sizeof buf, NX_S2, &s2);
    cr_expect_str_eq(buf, "-2");
    uint8_t s4 = 0xF9;   /* high bits are not part of the element */
    nx_format_element(buf, sizeof buf, NX_S4, &s4);
    cr_expect_str_eq(buf, "-7");
    uint16_t h = 0x7BFF;
    nx_format_element(buf, sizeof buf, NX_F16, &h);
    cr_expect_str_eq(buf, "6.55e4");
    uint64_t u = UINT64_MAX;
    nx_format_element(buf, sizeof buf, NX_U64, &u);
    cr_expect_str_eq(buf, "18446744073709551615");
    float c[2] = { NAN, INFINITY };
    nx_format_element(buf, sizeof buf, NX_C64, c);
    cr_expect_str_eq(buf, "NaN+Infi");
    double z[2] = { 0.1, -0.2 };
    nx_format_element(buf, sizeof buf, NX_C128, z);
    cr_expect_str_eq(buf, "0.1-0.2i");
    NXTEST_OK();
    cr_expect_eq(nx_format_element(buf, sizeof buf, NX_TYPE_NONE, &d), -1);
    cr_expect_eq(nx_error(), NX_ARGUMENT_ERROR);
}

Test(inspect, print_to_file)
{
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    cr_assert_eq(nx_fprint(f, nx_iota(NX_SHAPE(2))), 0);
    rewind(f);
    char buf[128] = { 0 };
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    cr_expect_eq(n, strlen("#Nx.Tensor<\n  s32[2]\n  [0, 1]\n>\n"));
    cr_expect_str_eq(buf, "#Nx.Tensor<\n  s32[2]\n  [0, 1]\n>\n");
}

/* A NULL tensor keeps the error of the call that produced it. */
Test(inspect, null_tensor_keeps_first_error)
{
    nx_tensor *bad = nx_reshape(nx_iota(NX_SHAPE(2)), NX_SHAPE(3));
    cr_assert_null(bad);
    nx_error_kind kind = nx_error();
    char message[512];
    snprintf(message, sizeof message, "%s", nx_error_message());
    cr_assert_neq(kind, NX_OK);
    cr_expect_null(nx_inspect(bad));
    cr_expect_eq(nx_print(bad), -1);
    cr_expect_eq(nx_error(), kind);
    cr_expect_str_eq(nx_error_message(), message);
    nx_error_clear();
    cr_expect_null(nx_inspect(NULL));
    cr_expect_eq(nx_error(), NX_ARGUMENT_ERROR);
}

/* Every allocation inspect makes may fail: NULL, a MemoryError, nothing leaked (the
 * sanitizer build checks the last part). */
Test(inspect, allocation_failures)
{
    nx_tensor *t = nx_iota(NX_SHAPE(4, 30), .type = NX_F64);
    cr_assert_not_null(t);
    for (long n = 1;; n++) {
        nxalloc_fail_at(n, 1);
        char *text = nx_inspect(t);
        nxalloc_fail_at(0, 0);
        if (text) {
            cr_expect_eq(nx_error(), NX_OK);
            nx_free(text);
            cr_expect_gt(n, 1, "inspect made no allocation");
            break;
        }
        cr_expect_eq(nx_error(), NX_MEMORY_ERROR, "failure %ld: %s", n, nx_error_message());
        nx_error_clear();
        cr_assert_lt(n, 100);
    }
}
