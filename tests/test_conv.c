/* tests/test_conv.c: Nx.conv (spec/functions.md §17) against the direct-loop NumPy oracle of
 * tests/oracle/gen_conv.py (every accepted type and mixed pairs, 1-3 spatial axes,
 * strides, padding, dilations, groups, permutations, vectorized operands), then Nx's
 * examples, names and every error by hand. */
#include "support/nxtest.h"
#include "support/nxtest_cases.h"

#include <criterion/logging.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_oracle(void)
{
    unsigned char *buf;
    nxtest_reader r;
    uint32_t ncases = nxtest_open_cases("conv_cases.bin", "NXCONV1\n", &buf, &r);
    const unsigned char *p = r.p;
    long bad = 0, checked = 0;
    for (uint32_t c = 0; c < ncases; c++) {
        char names[3][13] = { { 0 } };
        for (int i = 0; i < 3; i++)
            memcpy(names[i], p + 12 * i, 12);
        p += 36;
        nx_type ti = nxtest_type_named(names[0]), tk = nxtest_type_named(names[1]), to = nxtest_type_named(names[2]);
        int nv = *p++;
        nx_shape si, sk, so;
        p = nxtest_read_shape(p, &si);
        p = nxtest_read_shape(p, &sk);
        int r = *p++;
        nx_conv_opts o = { .input_permutation.n = r, .kernel_permutation.n = r, .output_permutation.n = r };
        for (int i = 0; i < r; i++) {
            o.input_permutation.index[i] = p[i];
            o.kernel_permutation.index[i] = p[r + i];
            o.output_permutation.index[i] = p[2 * r + i];
        }
        p += 3 * r;
        p = nxtest_read_ints(p, &o.strides);
        p = nxtest_read_ints(p, &o.input_dilation);
        p = nxtest_read_ints(p, &o.kernel_dilation);
        o.padding = (nx_window_padding)*p++;
        o.pads.n = *p++;
        memcpy(o.pads.v, p, 16 * (size_t)o.pads.n);
        p += 16 * o.pads.n;
        memcpy(&o.feature_group_size, p, 8);
        memcpy(&o.batch_group_size, p + 8, 8);
        p += 16;
        p = nxtest_read_shape(p, &so);

        nx_scope_begin();
        nx_tensor *x = nxtest_rd_operand(&p, ti, si, nv, false), *k = nxtest_rd_operand(&p, tk, sk, nv, false);
        nx_tensor *res = nx_conv_(x, k, o);
        char what[32];
        snprintf(what, sizeof what, "%s, %s", names[0], names[1]);
        bad += nxtest_check_case(res, to, to, nv, so, &p, c, what);
        checked += nxtest_count(so);
        nx_scope_end();
    }
    free(buf);
    cr_log_info("%ld conv outputs checked over %u cases", checked, ncases);
    cr_assert(ncases >= 500);
    cr_assert_eq(bad, 0, "%ld of %ld conv outputs are off", bad, checked);
}

Test(conv, matches_numpy)
{
    check_oracle();
}

/* The same cases on the kernels' baseline builds (no AVX2 or FMA), which a machine with
 * those extensions never runs otherwise. Each test runs in its own process. */
Test(conv, matches_numpy_on_baseline_kernels)
{
    setenv("NXC_CPU_BASELINE", "1", 1);
    check_oracle();
}

/* ------------------------------------------------------------------ by hand */

Test(conv, nx_examples)
{
    nx_scope_begin();
    nx_tensor *left = nx_iota(NX_SHAPE(1, 1, 3, 3)), *right = nx_iota(NX_SHAPE(4, 1, 2, 1));
    NXTEST_PRINTS(nx_conv(left, right, .strides = NX_INTS(2, 2), .padding = NX_PADDING_SAME,
                          .kernel_dilation = NX_INTS(2, 1)),
                  "#Nx.Tensor<\n  f32[1][4][2][2]\n  [\n    [\n      [\n        [3.0, 5.0],\n        [0.0, 0.0]\n      ],\n"
                  "      [\n        [9.0, 15.0],\n        [6.0, 10.0]\n      ],\n      [\n        [15.0, 25.0],\n"
                  "        [12.0, 20.0]\n      ],\n      [\n        [21.0, 35.0],\n        [18.0, 30.0]\n      ]\n    ]\n  ]\n>");
    /* channels last with names; the output follows the input's names */
    nx_tensor *img = nx_iota(NX_SHAPE(1, 3, 3, 2), .names = NX_NAMES("b", "h", "w", "c"));
    nx_tensor *ker = nx_iota(NX_SHAPE(2, 2, 2, 4), .names = NX_NAMES("h", "w", "i", "o"));
    nx_tensor *r = nx_conv(img, ker, .input_permutation = NX_AXES_NAMED("b", "c", "h", "w"),
                           .kernel_permutation = NX_AXES_NAMED("o", "i", "h", "w"),
                           .output_permutation = NX_AXES_NAMED("b", "c", "h", "w"));
    cr_assert_not_null(r, "%s", nx_error_message());
    nx_names names = nx_names_of(r);
    cr_assert_str_eq(names.v[1], "h");
    cr_assert_str_eq(names.v[3], "c");
    nx_shape s = nx_shape_of(r);
    cr_assert(s.rank == 4 && s.dims[0] == 1 && s.dims[1] == 2 && s.dims[2] == 2 && s.dims[3] == 4);
    /* complex: no conjugation */
    static const double l[] = { 1, 1, 2, 0, 3, -3 }, k[] = { 1, 0, 0, 2, 0, 3 };
    NXTEST_PRINTS(nx_conv(nx_as_type(nx_from_data(l, NX_C128, NX_SHAPE(1, 1, 3)), NX_C64),
                          nx_as_type(nx_from_data(k, NX_C128, NX_SHAPE(1, 1, 3)), NX_C64), .pads = NX_PAIRS({ 2, 2 })),
                  "#Nx.Tensor<\n  c64[1][1][5]\n  [\n    [\n      [-3.0+3.0i, -2.0+8.0i, 10.0+14.0i, 8.0+6.0i, 3.0-3.0i]\n    ]\n  ]\n>");
    NXTEST_OK();
    nx_scope_end();
}

Test(conv, errors)
{
    nx_scope_begin();
    nx_tensor *x = nx_iota(NX_SHAPE(1, 2, 3, 3)), *k = nx_iota(NX_SHAPE(4, 1, 1, 1));
    cr_assert_null(nx_conv(nx_iota(NX_SHAPE(1, 1)), k));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "input shape in conv requires at least rank 3, shape {1, 1} has rank 2");
    cr_assert_null(nx_conv(x, nx_iota(NX_SHAPE(4, 1))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "kernel shape in conv requires at least rank 3, shape {4, 1} has rank 2");
    cr_assert_null(nx_conv(x, k));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "size of input channels divided by feature groups must match size of kernel channels, got 2 / 1 != 1 for shapes {1, 2, 3, 3} and {4, 1, 1, 1}");
    cr_assert_null(nx_conv(x, nx_iota(NX_SHAPE(3, 1, 1, 1)), .feature_group_size = 2));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "size of kernel output channels must be evenly divisible by feature groups got rem(3, 2) != 0 for kernel with shape {3, 1, 1, 1}");
    cr_assert_null(nx_conv(nx_iota(NX_SHAPE(3, 2, 3, 3)), nx_iota(NX_SHAPE(4, 2, 1, 1)), .batch_group_size = 2));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "batch groups must evenly divide input batch size got rem(2, 3) != 0");
    cr_assert_null(nx_conv(x, k, .batch_group_size = 2, .feature_group_size = 2));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "either batch groups or feature groups must be 1, got batch_groups = 2 and feature_groups = 2");
    cr_assert_null(nx_conv(nx_iota(NX_SHAPE(2, 2, 3, 3)), nx_iota(NX_SHAPE(3, 2, 1, 1)), .batch_group_size = 2));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "size of kernel output channels must be evenly divisible by batch groups got rem(3, 2) != 0 for kernel with shape {3, 2, 1, 1}");
    /* a kernel larger than the padded input */
    cr_assert_null(nx_conv(nx_iota(NX_SHAPE(1, 1, 3)), nx_iota(NX_SHAPE(1, 1, 5))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "conv would result in empty tensor which is not currently supported in Nx, please open an issue if you'd like this behavior to change");
    nx_tensor *x1 = nx_iota(NX_SHAPE(1, 1, 3)), *k1 = nx_iota(NX_SHAPE(1, 1, 1));
    cr_assert_null(nx_conv(x1, k1, .strides = NX_INTS(1, 1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "rank of strides much match rank of spatial dimensions got strides [1, 1] with rank 2 and got input shape {1, 1, 3} of rank 1");
    cr_assert_null(nx_conv(x1, k1, .strides = NX_INTS(0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "stride at axis 0 must be greater than or equal to 1, got: 0");
    cr_assert_null(nx_conv(x1, k1, .input_dilation = NX_INTS(1, 2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "must specify dilation for each spatial dimension of the input or specify an integer dilation factor");
    cr_assert_null(nx_conv(x1, k1, .input_dilation = NX_INTS(0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "input dilation of each dimension must be a positive integer, got [0]");
    cr_assert_null(nx_conv(x1, k1, .kernel_dilation = NX_INTS(2, 2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "must specify dilation for each spatial dimension of the kernel or specify an integer dilation factor");
    cr_assert_null(nx_conv(x1, k1, .kernel_dilation = NX_INTS(-1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "kernel dilation of each dimension must be a positive integer, got [-1]");
    cr_assert_null(nx_conv(x1, k1, .pads = NX_PAIRS({ 1, 1 }, { 1, 1 })));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid padding configuration, rank of padding configuration and shape must match");
    cr_assert_null(nx_conv(x1, k1, .input_permutation = NX_AXES(0, 1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected length of permutation (2) to match rank of shape (3)");
    cr_assert_null(nx_conv(x1, k1, .pads = NX_PAIRS({ -3, 0 }), .kernel_dilation = NX_INTS(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "conv would result in empty tensor which is not currently supported in Nx, please open an issue if you'd like this behavior to change");
    /* vectorized operands fold into the batch: Nx's messages show the folded shapes */
    nx_tensor *vx = nx_vectorize(nx_iota(NX_SHAPE(2, 1, 2, 3)), "v");
    cr_assert_null(nx_conv(vx, nx_iota(NX_SHAPE(1, 1, 1))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "size of input channels divided by feature groups must match size of kernel channels, got 2 / 1 != 1 for shapes {2, 2, 3} and {2, 1, 1}");
    /* and the vector entries multiply the batch groups, so feature groups are refused */
    cr_assert_null(nx_conv(vx, nx_iota(NX_SHAPE(2, 1, 1)), .feature_group_size = 2));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "either batch groups or feature groups must be 1, got batch_groups = 2 and feature_groups = 2");
    cr_assert_null(nx_conv(nx_conv(x1, nx_iota(NX_SHAPE(1, 1, 9))), k1));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "conv would result in empty tensor which is not currently supported in Nx, please open an issue if you'd like this behavior to change");
    nx_scope_end();
}
