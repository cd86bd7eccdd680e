/* tests/test_window.c: the window operations (spec/functions.md §14, shapes-and-names.md
 * §6 and §6.1) against the oracle of tests/oracle/gen_window.py (every accepted type,
 * strides, dilations, valid/same/explicit and negative padding, vectorized axes), then
 * Nx's examples, window_reduce with a function of ours, and every error by hand. */
#include "support/nxtest.h"
#include "support/nxtest_cases.h"

#include <criterion/logging.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static nx_tensor *add_fn(const nx_tensor *x, const nx_tensor *acc, void *ctx)
{
    (void)ctx;
    return nx_add(x, acc);
}

static const char *const op_names[] = { "window_sum", "window_product", "window_max", "window_min",
                                        "window_mean", "window_reduce", "window_scatter_max",
                                        "window_scatter_min" };

Test(window, matches_numpy)
{
    unsigned char *buf;
    nxtest_reader r;
    uint32_t ncases = nxtest_open_cases("window_cases.bin", "NXWIN01\n", &buf, &r);
    const unsigned char *p = r.p;
    long bad = 0, checked = 0;
    for (uint32_t c = 0; c < ncases; c++) {
        int op = *p++;
        char tname[13] = { 0 }, oname[13] = { 0 };
        memcpy(tname, p, 12);
        memcpy(oname, p + 12, 12);
        p += 24;
        nx_type type = nxtest_type_named(tname), otype = nxtest_type_named(oname);
        int nv = *p++;
        nx_shape dims, window, sdims = { 0 }, odims;
        nx_ints strides, dil;
        p = nxtest_read_shape(p, &dims);
        p = nxtest_read_shape(p, &window);
        p = nxtest_read_ints(p, &strides);
        p = nxtest_read_ints(p, &dil);
        int mode = *p++, np = *p++;
        nx_pad_pairs pads = { .n = np };
        memcpy(pads.v, p, 16 * (size_t)np);
        p += 16 * np;
        int64_t acc;
        memcpy(&acc, p, 8);
        p += 8;
        if (op >= 6)
            p = nxtest_read_shape(p, &sdims);
        p = nxtest_read_shape(p, &odims);
        nx_window_opts o = { .strides = strides, .window_dilations = dil, .padding = (nx_window_padding)mode,
                             .pads = pads };
        nx_scope_begin();
        nx_tensor *t = nxtest_rd_operand(&p, type, dims, nv, true), *r;
        char what[64];
        snprintf(what, sizeof what, "%s %s", op_names[op], tname);
        switch (op) {
        case 0: r = nx_window_sum_(t, window, o); break;
        case 1: r = nx_window_product_(t, window, o); break;
        case 2: r = nx_window_max_(t, window, o); break;
        case 3: r = nx_window_min_(t, window, o); break;
        case 4: r = nx_window_mean_(t, window, o); break;
        case 5: r = nx_window_reduce_(t, nx_number_tensor(NX_INT(acc)), window, add_fn, NULL, o); break;
        default: {
            nx_tensor *src = nxtest_rd_operand(&p, type, sdims, nv, true);
            nx_window_scatter_opts so = { .strides = strides, .padding = o.padding, .pads = pads };
            nx_tensor *init = nx_number_tensor(NX_INT(acc));
            r = op == 6 ? nx_window_scatter_max_(t, src, init, window, so)
                        : nx_window_scatter_min_(t, src, init, window, so);
        }
        }
        nx_type wtype = op == 4 && !nx_type_is_float(type) && !nx_type_is_complex(type) ? NX_F64 : otype;
        bad += nxtest_check_case(r, otype, wtype, nv, odims, &p, c, what);
        checked += nxtest_count(odims);
        nx_scope_end();
    }
    free(buf);
    cr_log_info("%ld window outputs checked over %u cases", checked, ncases);
    cr_assert(ncases > 1000);
    cr_assert_eq(bad, 0, "%ld of %ld window outputs are off", bad, checked);
}

/* ------------------------------------------------------------------ by hand */

static nx_tensor *ints(nx_shape s, const int32_t *v)
{
    return nx_from_data(v, NX_S32, s);
}

static const int32_t t223[] = { 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6 };

Test(window, nx_examples)
{
    nx_scope_begin();
    nx_tensor *t = ints(NX_SHAPE(2, 2, 3), t223);
    NXTEST_PRINTS(nx_window_sum(t, NX_SHAPE(1, 2, 1)), "#Nx.Tensor<\n  s32[2][1][3]\n  [\n    [\n      [5, 7, 9]\n    ],\n    [\n      [5, 7, 9]\n    ]\n  ]\n>");
    nx_window_opts o = { .strides = NX_INTS(1, 2, 3), .pads = NX_PAIRS({ 0, 1 }, { 2, 0 }, { 1, 1 }) };
    NXTEST_PRINTS(nx_window_product_(t, NX_SHAPE(2, 2, 1), o),
                  "#Nx.Tensor<\n  s32[2][2][2]\n  [\n    [\n      [1, 1],\n      [1, 324]\n    ],\n    [\n      [1, 1],\n      [1, 18]\n    ]\n  ]\n>");
    NXTEST_PRINTS(nx_window_max_(t, NX_SHAPE(2, 2, 1), o),
                  "#Nx.Tensor<\n  s32[2][2][2]\n  [\n    [\n      [-2147483648, -2147483648],\n      [-2147483648, 6]\n    ],\n    [\n      [-2147483648, -2147483648],\n      [-2147483648, 6]\n    ]\n  ]\n>");
    NXTEST_PRINTS(nx_window_mean_(t, NX_SHAPE(2, 2, 1), o),
                  "#Nx.Tensor<\n  f32[2][2][2]\n  [\n    [\n      [0.0, 0.0],\n      [0.0, 4.5]\n    ],\n    [\n      [0.0, 0.0],\n      [0.0, 2.25]\n    ]\n  ]\n>");
    /* vectorized: window 1 on the vectorized axes; names kept */
    nx_tensor *v = nx_vectorize(nx_vectorize(nx_iota(NX_SHAPE(2, 1, 2, 5)), "x"), "y");
    NXTEST_PRINTS(nx_window_min(v, NX_SHAPE(2, 2), .strides = NX_INTS(1, 2), .window_dilations = NX_INTS(1, 2)),
                  "#Nx.Tensor<\n  vectorized[x: 2][y: 1]\n  s32[1][2]\n  [\n    [\n      [\n        [0, 2]\n      ]\n    ],\n    [\n      [\n        [10, 12]\n      ]\n    ]\n  ]\n>");
    nx_tensor *named = nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES("a", "b"));
    NXTEST_PRINTS(nx_window_sum(named, NX_SHAPE(2, 2), .padding = NX_PADDING_SAME),
                  "#Nx.Tensor<\n  s32[a: 2][b: 3]\n  [\n    [8, 12, 7],\n    [7, 9, 5]\n  ]\n>");
    NXTEST_OK();
    nx_scope_end();
}

Test(window, reduce_and_scatter)
{
    nx_scope_begin();
    static const int32_t m[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    nx_tensor *t = ints(NX_SHAPE(3, 3), m);
    nx_tensor *r = nx_window_reduce(t, nx_constant(NX_CONST_MIN_FINITE, NX_S32), NX_SHAPE(2, 2), NULL, NULL,
                                    .padding = NX_PADDING_SAME);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "nx_window_reduce: the function is NULL");
    cr_assert_null(r);
    r = nx_window_reduce(t, NX_I(0), NX_SHAPE(2, 2), add_fn, NULL, .padding = NX_PADDING_SAME);
    NXTEST_PRINTS(r, "#Nx.Tensor<\n  s32[3][3]\n  [\n    [12, 16, 9],\n    [24, 28, 15],\n    [15, 17, 9]\n  ]\n>");
    /* ties go to the first position (XLA); the padding can win and drops its source */
    static const int32_t s[] = { 7, 2, 5, 3, 8, 3, 8, 9, 3, 4, 1, 5, 7, 5, 6, 0, 6, 2, 10, 2 };
    static const int32_t src[] = { 2, 6, 3, 1 };
    nx_tensor *x = ints(NX_SHAPE(4, 5), s);
    NXTEST_PRINTS(nx_window_scatter_min(x, ints(NX_SHAPE(2, 2), src), NX_I(0), NX_SHAPE(2, 3),
                                        .strides = NX_INTS(2, 2)),
                  "#Nx.Tensor<\n  s32[4][5]\n  [\n    [0, 2, 0, 6, 0],\n    [0, 0, 0, 0, 0],\n    [0, 0, 0, 0, 0],\n    [3, 0, 1, 0, 0]\n  ]\n>");
    static const float neg[] = { -1, -2, -3, -4 };   /* only the first window lies inside */
    static const float ten[] = { 10, 20, 30, 40 };
    NXTEST_PRINTS(nx_window_scatter_max(nx_from_data(neg, NX_F32, NX_SHAPE(2, 2)),
                                        nx_from_data(ten, NX_F32, NX_SHAPE(2, 2)), NX_I(0), NX_SHAPE(2, 2),
                                        .padding = NX_PADDING_SAME),
                  "#Nx.Tensor<\n  f32[2][2]\n  [\n    [10.0, 0.0],\n    [0.0, 0.0]\n  ]\n>");
    NXTEST_OK();
    nx_scope_end();
}

Test(window, errors)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2, 3));
    cr_assert_null(nx_window_sum(t, NX_SHAPE(2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid window dimensions, rank of shape (2) does not match rank of window (1)");
    cr_assert_null(nx_window_sum(t, NX_SHAPE(2, 2), .strides = NX_INTS(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid stride dimensions, rank of shape (2) does not match rank of stride (1)");
    cr_assert_null(nx_window_sum(t, NX_SHAPE(2, 2), .strides = NX_INTS(1, 0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "stride at axis 1 must be greater than or equal to 1, got: 0");
    cr_assert_null(nx_window_sum(t, NX_SHAPE(3, 2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "window dimensions would result in empty tensor which is not currently supported in Nx, please open an issue if you'd like this behavior to change");
    cr_assert_null(nx_window_sum(t, NX_SHAPE(1, 2), .window_dilations = NX_INTS(1, 0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "dilation rates must be greater than or equal to 1 got [1, 0]");
    cr_assert_null(nx_window_sum(t, NX_SHAPE(1, 2), .window_dilations = NX_INTS(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid padding configuration, rank of padding configuration and shape must match");
    cr_assert_null(nx_window_sum(t, NX_SHAPE(1, 2), .pads = NX_PAIRS({ 0, 0 })));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid padding configuration, rank of padding configuration and shape must match");
    cr_assert_null(nx_window_sum(t, NX_SHAPE(1, 0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "invalid dimension in axis 1 found in window_dimensions. Each dimension must be a positive integer, got 0 in shape {1, 0}");
    cr_assert_null(nx_window_max(nx_as_type(t, NX_C64), NX_SHAPE(1, 1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.window_max/3 does not support complex inputs");
    cr_assert_null(nx_window_min(nx_as_type(t, NX_C64), NX_SHAPE(1, 1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.window_min/3 does not support complex inputs");
    cr_assert_null(nx_window_reduce(t, nx_vectorize(nx_iota(NX_SHAPE(2)), "x"), NX_SHAPE(1, 1), add_fn, NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "accumulator for window_reduce/4 cannot be vectorized");
    cr_assert_null(nx_window_scatter_max(t, nx_iota(NX_SHAPE(2, 3)), NX_I(0), NX_SHAPE(2, 2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "source shape must match valid windows in input tensor");
    cr_assert_null(nx_window_scatter_max(t, nx_iota(NX_SHAPE(1, 2)), nx_vectorize(nx_iota(NX_SHAPE(2)), "x"),
                                         NX_SHAPE(2, 2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "the init_value tensor cannot be vectorized");
    cr_assert_null(nx_window_scatter_min(nx_as_type(t, NX_C64), nx_iota(NX_SHAPE(1, 2)), NX_I(0), NX_SHAPE(2, 2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.window_scatter_min/5 does not support complex inputs");
    /* a NULL input keeps the first error */
    cr_assert_null(nx_window_sum(nx_window_sum(t, NX_SHAPE(9, 9)), NX_SHAPE(1, 1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "window dimensions would result in empty tensor which is not currently supported in Nx, please open an issue if you'd like this behavior to change");
    cr_assert_null(nx_window_mean(NULL, NX_SHAPE(1)));
    nx_error_clear();
    nx_scope_end();
}
