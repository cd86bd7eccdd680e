/* tests/test_vectorize.c: reshape_vectors, broadcast_vectors and revectorize
 * (spec/functions.md §19): vectorized axes, sizes, names and every value checked against
 * the closed form of the iota inputs, then the errors. */
#include "support/nxtest.h"

#include <string.h>

/* x: vectorized [x: 3] over {2}, value 2x + i; y: vectorized [y: 2][x: 1], value y. */
static nx_tensor *x_tensor(void) { return nx_vectorize(nx_iota(NX_SHAPE(3, 2)), "x"); }
static nx_tensor *yx_tensor(void) { return nx_vectorize(nx_vectorize(nx_iota(NX_SHAPE(2, 1)), "y"), "x"); }

static void expect_vectorized(const nx_tensor *t, int n, const char *const *names, const int64_t *sizes)
{
    cr_assert_eq(nx_vectorized_rank(t), n);
    nx_tensor *d = nx_devectorize(t, true);
    nx_names got = nx_names_of(d);
    nx_shape s = nx_shape_of(d);
    for (int i = 0; i < n; i++) {
        cr_expect_eq(got.v[i], nx_atom(names[i]), "axis %d", i);
        cr_expect_eq(s.dims[i], sizes[i], "axis %d", i);
    }
}

Test(vectorize, reshape_and_broadcast_vectors)
{
    nx_scope_begin();
    const nx_tensor *in[2] = { x_tensor(), yx_tensor() };
    nx_tensor *out[2];
    cr_assert_eq(nx_reshape_vectors(in, 2, out), 0, "%s", nx_error_message());
    expect_vectorized(out[0], 2, (const char *[]){ "x", "y" }, (int64_t[]){ 3, 1 });
    /* y x laid out as x y: a transpose of the data, sizes 1 and 2 */
    expect_vectorized(out[1], 2, (const char *[]){ "x", "y" }, (int64_t[]){ 1, 2 });
    cr_assert_eq(nx_rank(out[1]), 0);
    cr_assert_eq(nx_reshape_vectors(in, 2, out, .align_ranks = true), 0);
    cr_assert_eq(nx_rank(out[1]), 1, "align_ranks pads y x to the inner rank 1");

    cr_assert_eq(nx_broadcast_vectors(in, 2, out), 0, "%s", nx_error_message());
    expect_vectorized(out[0], 2, (const char *[]){ "x", "y" }, (int64_t[]){ 3, 2 });
    expect_vectorized(out[1], 2, (const char *[]){ "x", "y" }, (int64_t[]){ 3, 2 });
    int32_t a[12], b[6];
    cr_assert_eq(nx_to_binary(nx_devectorize(out[0], true), a, sizeof a), 12 * 32);
    cr_assert_eq(nx_to_binary(nx_devectorize(out[1], true), b, sizeof b), 6 * 32);
    for (int x = 0; x < 3; x++)
        for (int y = 0; y < 2; y++) {
            for (int i = 0; i < 2; i++)
                cr_expect_eq(a[(x * 2 + y) * 2 + i], 2 * x + i);
            cr_expect_eq(b[x * 2 + y], y);
        }
    /* one tensor, or none vectorized: returned as they are */
    const nx_tensor *plain[2] = { nx_iota(NX_SHAPE(2)), nx_iota(NX_SHAPE(3, 1)) };
    cr_assert_eq(nx_broadcast_vectors(plain, 2, out, .align_ranks = true), 0);
    cr_assert_eq(nx_rank(out[0]), 1);
    NXTEST_OK();
    nx_scope_end();
}

Test(vectorize, revectorize)
{
    nx_scope_begin();
    static const char *const temp_x[] = { "temp", "x" }, *const a[] = { "a" }, *const v[] = { "v" };
    static const int64_t auto_2[] = { NX_AUTO, 2 }, one_auto[] = { NX_AUTO }, three[] = { 3 }, two[] = { 2 };
    nx_tensor *t = nx_vectorize(nx_vectorize(nx_iota(NX_SHAPE(2, 2, 2)), "x"), "y");
    /* [temp: auto, x: 2] over the inner {2}: temp is 2 */
    nx_tensor *r = nx_revectorize(t, 2, temp_x, auto_2);
    cr_assert_not_null(r, "%s", nx_error_message());
    expect_vectorized(r, 2, (const char *[]){ "temp", "x" }, (int64_t[]){ 2, 2 });
    /* with target_shape {} the inner axis moves into the vectorized ones */
    nx_tensor *flat = nx_revectorize(t, 2, temp_x, auto_2,
                                     .has_target_shape = true, .target_shape = NX_SHAPE());
    expect_vectorized(flat, 2, (const char *[]){ "temp", "x" }, (int64_t[]){ 4, 2 });
    cr_assert_eq(nx_rank(flat), 0);
    nx_tensor *back = nx_revectorize(flat, 1, v, two, .has_target_shape = true,
                                     .target_shape = NX_SHAPE(1, 4), .target_names = NX_NAMES("x", "last"));
    NXTEST_PRINTS(back, "#Nx.Tensor<\n  vectorized[v: 2]\n  s32[x: 1][last: 4]\n  [\n    [\n      [0, 1, 2, 3]\n    ],\n"
                        "    [\n      [4, 5, 6, 7]\n    ]\n  ]\n>");
    cr_assert_null(nx_revectorize(t, 1, a, one_auto, .has_target_shape = true,
                                  .target_shape = NX_SHAPE(NX_AUTO)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "cannot have more than one `:auto` occurrence between target_axes and the :target_shape option");
    cr_assert_null(nx_revectorize(t, 1, a, three));
    cr_assert_eq(nx_error(), NX_ARGUMENT_ERROR);
    nx_error_clear();
    nx_scope_end();
}

Test(vectorize, errors)
{
    nx_scope_begin();
    const nx_tensor *in[2] = { x_tensor(), nx_vectorize(nx_iota(NX_SHAPE(2)), "x") };
    nx_tensor *out[2] = { NULL, NULL };
    cr_assert_eq(nx_broadcast_vectors(in, 2, out), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "expected vectorized axis :x to have the same size in both tensors or to one of them to have size 1, "
                 "got 2 and 3");
    cr_assert_null(out[0]);
    const nx_tensor *bad[1] = { NULL };
    cr_assert_eq(nx_reshape_vectors(bad, 1, out), -1);
    nx_error_clear();
    nx_scope_end();
}

Test(vectorize, to_batched)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(5, 2), .names = NX_NAMES("x", "y")), *out[3];
    cr_assert_eq(nx_to_batched(t, 2, NULL, 0), 3);
    cr_assert_eq(nx_to_batched(t, 2, out, 3), 3, "%s", nx_error_message());
    /* the last batch is completed with the first rows */
    NXTEST_PRINTS(out[2], "#Nx.Tensor<\n  s32[x: 2][y: 2]\n  [\n    [8, 9],\n    [0, 1]\n  ]\n>");
    cr_assert_eq(nx_to_batched(t, 2, out, 3, .leftover = NX_LEFTOVER_DISCARD), 2);
    NXTEST_PRINTS(out[1], "#Nx.Tensor<\n  s32[x: 2][y: 2]\n  [\n    [4, 5],\n    [6, 7]\n  ]\n>");
    /* vectorized: the first vectorized axis is batched; a vectorized scalar can be */
    nx_tensor *v = nx_vectorize(nx_iota(NX_SHAPE(3)), "x");
    cr_assert_eq(nx_to_batched(v, 2, out, 3), 2);
    NXTEST_PRINTS(out[1], "#Nx.Tensor<\n  vectorized[x: 2]\n  s32\n  [2, 0]\n>");
    cr_assert_eq(nx_to_batched(t, 6, out, 3), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot batch beyond original tensor");
    cr_assert_eq(nx_to_batched(nx_scalar(NX_INT(1), NX_S32), 1, out, 3), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot batch non-vectorized scalar tensor #Nx.Tensor<\n  s32\n  1\n>");
    nx_scope_end();
}
