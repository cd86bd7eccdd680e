/* tests/test_dot.c: Nx.dot (spec/functions.md §17, shapes-and-names.md §6, §6.2) against
 * the NumPy oracle of tests/oracle/gen_dot.py: every type the kernel takes, contraction
 * axes in every position and order, batch axes, vectorized operands; then Nx's examples,
 * outer, the transposed layouts gemm reads in place, and every error by hand. */
#include "support/nxtest.h"
#include "support/nxtest_cases.h"

#include <criterion/logging.h>
#include <stdlib.h>
#include <string.h>

Test(dot, matches_numpy)
{
    unsigned char *buf;
    nxtest_reader r;
    uint32_t ncases = nxtest_open_cases("dot_cases.bin", "NXDOT01\n", &buf, &r);
    const unsigned char *p = r.p;
    long bad = 0, checked = 0, float_matrices = 0;
    for (uint32_t c = 0; c < ncases; c++) {
        char tname[13] = { 0 };
        memcpy(tname, p, 12);
        p += 12;
        nx_type type = nxtest_type_named(tname);
        cr_assert_neq(type, NX_TYPE_NONE, "type %s", tname);
        int nv = *p++;
        nx_shape sa, sb, so;
        p = nxtest_read_shape(p, &sa);
        p = nxtest_read_shape(p, &sb);
        int nc = *p++;
        nx_axes ca = { .n = nc ? nc : -1 }, cb = { .n = nc ? nc : -1 }, ba = { 0 }, bb = { 0 };
        for (int i = 0; i < nc; i++)
            ca.index[i] = p[i], cb.index[i] = p[nc + i];
        p += 2 * nc;
        int nb = *p++;
        ba.n = bb.n = nb;
        for (int i = 0; i < nb; i++)
            ba.index[i] = bb.index[i] = i;
        p = nxtest_read_shape(p, &so);

        nx_scope_begin();
        nx_tensor *a = nxtest_rd_operand(&p, type, sa, nv, true), *b = nxtest_rd_operand(&p, type, sb, nv, true);
        /* The matrix form goes through nx_dot, which has its own path for f32/f64. */
        bool matrix = nv == 0 && nb == 0 && nc == 1 && sa.rank == 2 && sb.rank == 2 && ca.index[0] == 1 && cb.index[0] == 0;
        float_matrices += matrix && (type == NX_F32 || type == NX_F64);
        nx_tensor *r = matrix ? nx_dot(a, b)
                              : nx_dot_general(a, b, .contract_a = ca, .batch_a = ba, .contract_b = cb, .batch_b = bb);
        bad += nxtest_check_case(r, type, type, nv, so, &p, c, tname);
        checked += nxtest_count(so);
        nx_scope_end();
    }
    free(buf);
    cr_log_info("%ld dot outputs checked over %u cases", checked, ncases);
    cr_assert(ncases > 500);
    cr_assert_eq(bad, 0, "%ld of %ld dot outputs are off", bad, checked);
    cr_assert_gt(float_matrices, 0, "no f32/f64 matrix-form case reached nx_dot's own path");
}

/* ------------------------------------------------------------------ by hand */

static nx_tensor *ints(nx_shape s, const int32_t *v)
{
    return nx_from_data(v, NX_S32, s);
}

Test(dot, nx_examples)
{
    nx_scope_begin();
    nx_tensor *left = nx_rename(ints(NX_SHAPE(2, 3), (int32_t[]){ 1, 2, 3, 4, 5, 6 }), NX_NAMES("i", "j"));
    nx_tensor *right = nx_rename(ints(NX_SHAPE(3, 2), (int32_t[]){ 7, 8, 9, 10, 11, 12 }), NX_NAMES("x", "y"));
    NXTEST_PRINTS(nx_dot(left, right), "#Nx.Tensor<\n  s32[i: 2][y: 2]\n  [\n    [58, 64],\n    [139, 154]\n  ]\n>");
    /* a matrix times a vector, a vector times a matrix */
    nx_tensor *v = ints(NX_SHAPE(3), (int32_t[]){ 1, 0, -1 });
    NXTEST_PRINTS(nx_dot(left, v), "#Nx.Tensor<\n  s32[i: 2]\n  [-2, -2]\n>");
    NXTEST_PRINTS(nx_dot(nx_slice(v, NX_STARTS(0), NX_INTS(2)), left), "#Nx.Tensor<\n  s32[j: 3]\n  [1, 2, 3]\n>");
    /* scalars multiply, typed as tensors: u8 · 2 is s32 */
    nx_tensor *u = nx_as_type(ints(NX_SHAPE(2), (int32_t[]){ 200, 3 }), NX_U8);
    NXTEST_PRINTS(nx_dot(u, NX_I(2)), "#Nx.Tensor<\n  s32[2]\n  [400, 6]\n>");
    /* a transposed operand (contraction over a's first axis) reads in place */
    nx_tensor *plain = ints(NX_SHAPE(2, 3), (int32_t[]){ 1, 2, 3, 4, 5, 6 });
    NXTEST_PRINTS(nx_dot_general(left, plain, .contract_a = NX_AXES(0), .contract_b = NX_AXES(0)),
                  "#Nx.Tensor<\n  s32[j: 3][3]\n  [\n    [17, 22, 27],\n    [22, 29, 36],\n    [27, 36, 45]\n  ]\n>");
    /* empty contraction: the outer product */
    NXTEST_PRINTS(nx_dot_general(v, v), "#Nx.Tensor<\n  s32[3][3]\n  [\n    [1, 0, -1],\n    [0, 0, 0],\n    [-1, 0, 1]\n  ]\n>");
    /* batch axes */
    nx_tensor *bt = ints(NX_SHAPE(2, 1, 2), (int32_t[]){ 1, 2, 3, 4 });
    NXTEST_PRINTS(nx_dot_general(bt, bt, .contract_a = NX_AXES(2), .batch_a = NX_AXES(0), .contract_b = NX_AXES(2),
                                 .batch_b = NX_AXES(0)),
                  "#Nx.Tensor<\n  s32[2][1][1]\n  [\n    [\n      [5]\n    ],\n    [\n      [25]\n    ]\n  ]\n>");
    /* integer dot wraps in the output type */
    nx_tensor *big = nx_as_type(ints(NX_SHAPE(2), (int32_t[]){ 100, 100 }), NX_S8);
    NXTEST_PRINTS(nx_dot(big, big), "#Nx.Tensor<\n  s8\n  32\n>");   /* 20000 mod 256 */
    NXTEST_OK();
    nx_scope_end();
}

Test(dot, outer)
{
    nx_scope_begin();
    nx_tensor *a = nx_rename(ints(NX_SHAPE(3), (int32_t[]){ 1, 2, 3 }), NX_NAMES("x"));
    NXTEST_PRINTS(nx_outer(a, NX_I(100)), "#Nx.Tensor<\n  s32[x: 3][1]\n  [\n    [100],\n    [200],\n    [300]\n  ]\n>");
    nx_tensor *z = nx_scalar(NX_COMPLEX(0, 1), NX_C64);
    NXTEST_PRINTS(nx_outer(nx_scalar(NX_INT(2), NX_S32), z), "#Nx.Tensor<\n  c64[1][1]\n  [\n    [0.0-2.0i]\n  ]\n>");
    NXTEST_OK();
    nx_scope_end();
}

Test(dot, errors)
{
    nx_scope_begin();
    nx_tensor *a = nx_iota(NX_SHAPE(2, 3)), *b = nx_iota(NX_SHAPE(2, 3));
    cr_assert_null(nx_dot(a, b));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "dot/zip expects shapes to be compatible, dimension 1 of left-side (3) does not equal dimension 0 of right-side (2)");
    cr_assert_null(nx_dot_general(a, b, .contract_a = NX_AXES(1), .batch_a = NX_AXES(0), .contract_b = NX_AXES(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "right tensor must be batched if left tensor is batched");
    cr_assert_null(nx_dot_general(a, b, .contract_a = NX_AXES(1), .contract_b = NX_AXES(1), .batch_b = NX_AXES(0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "left tensor must be batched if right tensor is batched");
    cr_assert_null(nx_dot_general(a, b, .contract_a = NX_AXES(0), .batch_a = NX_AXES(1), .contract_b = NX_AXES(0),
                                  .batch_b = NX_AXES(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "invalid dot batch axis for the left tensor, batch axes must be successive dimensions starting from 0, got [1]");
    cr_assert_null(nx_dot_general(a, b, .contract_a = NX_AXES(0), .batch_a = NX_AXES(0), .contract_b = NX_AXES(0),
                                  .batch_b = NX_AXES(0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "dot batch axes for left tensor ([0]) cannot be in contract axes ([0])");
    nx_tensor *c = nx_iota(NX_SHAPE(3, 3));
    cr_assert_null(nx_dot_general(a, c, .contract_a = NX_AXES(1), .batch_a = NX_AXES(0), .contract_b = NX_AXES(1),
                                  .batch_b = NX_AXES(0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "dot batch dimension sizes must match, but the left batch dimension of axes [0] has dimension sizes {2}and "
                 "the right batch dimension of axes [0] has sizes {3}");
    nx_tensor *x = nx_iota(NX_SHAPE(2, 2), .names = NX_NAMES("x", "y")), *y = nx_iota(NX_SHAPE(2, 2), .names = NX_NAMES("y", "x"));
    cr_assert_null(nx_dot(x, y));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "operation would result in duplicate names [:x, :x], please rename your tensors to avoid duplicates");
    cr_assert_null(nx_dot_general(a, b, .contract_a = NX_AXES(3), .contract_b = NX_AXES(0)));
    cr_assert_eq(nx_error(), NX_ARGUMENT_ERROR);
    nx_error_clear();
    nx_tensor *v1 = nx_vectorize(nx_iota(NX_SHAPE(2, 3)), "v"), *v2 = nx_vectorize(nx_iota(NX_SHAPE(3, 3)), "v");
    cr_assert_null(nx_dot(v1, v2));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected vectorized axis :v to have the same size in both tensors or to one of them "
                                    "to have size 1, got 3 and 2");
    cr_assert_null(nx_dot(NULL, a));
    nx_error_clear();
    nx_scope_end();
}
