/* tests/test_defn_print2.c: the traced forms that nxc used to record differently from Nx
 * (issue #7's list in docs/c-api.md) print as Nx's nodes: squeeze (§3.2 `[x, axes]`, the
 * squeeze merge of §4), Access `t[i]` as one slice + one squeeze (§4's slice merge and
 * functions.md's Access), new_axis as a reshape (functions.md: P:reshape), select / clip
 * over their operands as given (§3.2; a constant keeps its own type, §2.2), gather / take
 * over the indices as given and fft over the input as given (primitives.md: the backend
 * receives them). Every expected line is written from those rules, not from nxc's output;
 * values and gradients of the new forms are checked against closed forms. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "nx.h"
#include "support/nxtest.h"


/* ---- squeeze and new_axis ---- */

Test(defn_print2, squeeze_and_new_axis)
{
    /* squeeze: [x, axes], axes a list (§3.2; §6.2's `squeeze b, [0]`) */
    NXTEST_ONE("Nx.squeeze(a)", "Nx.iota({1, 3, 1}, type: :f32)", "f32[3]", "parameter a:0\tf32[1][3][1]",
        "b = squeeze a, [0, 2]\tf32[3]");
    /* §4: a squeeze of a squeeze is one squeeze with the merged axes (axis 1 of {3, 1} is
     * axis 2 of a) */
    NXTEST_ONE("Nx.squeeze(Nx.squeeze(a, axes: [0]), axes: [1])", "Nx.iota({1, 3, 1}, type: :f32)", "f32[3]",
        "parameter a:0\tf32[1][3][1]", "b = squeeze a, [0, 2]\tf32[3]");
    /* nothing to squeeze: the tensor itself (Nx returns it when the shape is unchanged) */
    NXTEST_ONE("Nx.add(Nx.squeeze(a), 1)", "Nx.iota({2, 3}, type: :f32)", "f32[2][3]", "parameter a:0\tf32[2][3]",
        "b = add 1, a\tf32[2][3]");
    /* new_axis is a reshape in Nx (functions.md: new_axis/3 is P:reshape) */
    NXTEST_ONE("Nx.new_axis(a, 0)", "Nx.iota({3}, type: :f32)", "f32[1][3]", "parameter a:0\tf32[3]",
        "b = reshape a\tf32[1][3]");
    /* a vectorized squeeze records the devectorized node: axes counted after the
     * vectorized ones (§12) */
    NXTEST_ONE("Nx.squeeze(a, axes: [0])", "Nx.vectorize(Nx.iota({2, 1, 3}), :x)", "vectorized[x: 2]\n  s32[3]",
        "parameter a:0\ts32[2][1][3]", "b = squeeze a, [1]\ts32[2][3]");
}

/* ---- Access: slice + squeeze ---- */

Test(defn_print2, access)
{
    /* t[1]: slice on axis 0 (start 1, length 1), the other axes whole, then squeeze [0] */
    NXTEST_ONE("a[1]", "Nx.iota({3, 2}, type: :f32)", "f32[2]", "parameter a:0\tf32[3][2]",
        "b = slice a, [1, 0], [1, 2], [1, 1]\tf32[1][2]", "c = squeeze b, [0]\tf32[2]");
    /* t[1][0]: §4's slice merge gives one slice (starts summed) and one squeeze */
    NXTEST_ONE("a[1][0]", "Nx.iota({3, 2}, type: :f32)", "f32", "parameter a:0\tf32[3][2]",
        "b = slice a, [1, 0], [1, 1], [1, 1]\tf32[1][1]", "c = squeeze b, [0, 1]\tf32");
    /* t[1][2][3] (§4's own example): one slice, one squeeze */
    NXTEST_ONE("a[1][2][3]", "Nx.iota({2, 3, 4}, type: :f32)", "f32", "parameter a:0\tf32[2][3][4]",
        "b = slice a, [1, 2, 3], [1, 1, 1], [1, 1, 1]\tf32[1][1][1]", "c = squeeze b, [0, 1, 2]\tf32");
    /* a list: a range keeps its axis (length last - first + 1, its step as stride), an
     * integer is squeezed; negative indices count from the end */
    NXTEST_ONE("a[[0..2//2, -1]]", "Nx.iota({3, 2}, type: :f32)", "f32[2]", "parameter a:0\tf32[3][2]",
        "b = slice a, [0, 1], [3, 1], [2, 1]\tf32[2][1]", "c = squeeze b, [1]\tf32[2]");
    /* a range alone: a slice, no squeeze */
    NXTEST_ONE("a[1..2]", "Nx.iota({3, 2}, type: :f32)", "f32[2][2]", "parameter a:0\tf32[3][2]",
        "b = slice a, [1, 0], [2, 2], [1, 1]\tf32[2][2]");
    /* a scalar tensor index: a dynamic start (§3.2: start indices may be scalar tensors) */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a, i -> a[i] end, [Nx.iota({3, 2}, type: :f32), Nx.tensor(1)])",
                "f32[2]", "parameter a:0\tf32[3][2]", "parameter b:1\ts32",
                "c = slice a, [b, 0], [1, 2], [1, 1]\tf32[1][2]", "d = squeeze c, [0]\tf32[2]");
}

Test(defn_print2, access_values_and_grad)
{
    /* values: the traced Access agrees with the eager one (closed form of iota) */
    nxtest_expect_code("Nx.Defn.jit(fn a -> a[1][0] end).(Nx.iota({3, 2}))", "#Nx.Tensor<\n  s32\n  2\n>");
    nxtest_expect_code("Nx.Defn.jit(fn a -> a[[0..2//2, -1]] end).(Nx.iota({3, 2}))",
                       "#Nx.Tensor<\n  s32[2]\n  [1, 5]\n>");
    nxtest_expect_code("Nx.Defn.jit(fn a, i -> a[i] end).(Nx.iota({3, 2}), 5)", "#Nx.Tensor<\n  s32[2]\n  [4, 5]\n>");
    nxtest_expect_code("Nx.Defn.jit(fn a -> Nx.squeeze(Nx.squeeze(a, axes: [0]), axes: [1]) end)"
                       ".(Nx.iota({1, 3, 1}))",
                       "#Nx.Tensor<\n  s32[3]\n  [0, 1, 2]\n>");
    /* grad of sum(t[1]) is one on row 1; of sum(squeeze(t) * t') its reshape back */
    nxtest_expect_code("Nx.Defn.grad(Nx.iota({3, 2}, type: :f32), fn a -> Nx.sum(a[1]) end)",
                       "#Nx.Tensor<\n  f32[3][2]\n  [\n    [0.0, 0.0],\n    [1.0, 1.0],\n    [0.0, 0.0]\n  ]\n>");
    nxtest_expect_code("Nx.Defn.grad(Nx.iota({3, 2}, type: :f32), fn a -> a[2][1] end)",
                       "#Nx.Tensor<\n  f32[3][2]\n  [\n    [0.0, 0.0],\n    [0.0, 0.0],\n    [0.0, 1.0]\n  ]\n>");
    nxtest_expect_code("Nx.Defn.grad(Nx.tensor([[1.0], [2.0]]), fn a -> Nx.sum(Nx.multiply(Nx.squeeze(a), "
                       "Nx.tensor([3.0, 4.0]))) end)",
                       "#Nx.Tensor<\n  f32[2][1]\n  [\n    [3.0],\n    [4.0]\n  ]\n>");
}

/* ---- operands as given ---- */

Test(defn_print2, select_clip_constants)
{
    /* select: [pred, on_true, on_false]; numbers are constants of their own type (s32 1,
     * f32 2.0) while the result is f32 */
    NXTEST_ONE("Nx.select(a, 1, 2.0)", "Nx.tensor([1, 0], type: :u8)", "f32[2]", "parameter a:0\tu8[2]",
        "b = select a, 1, 2.0\tf32[2]");
    /* mixed operand types: no conversion node (Nx's select takes them as they are) */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn p, a, b -> Nx.select(p, a, b) end,"
                " [Nx.tensor([1, 0], type: :u8), Nx.tensor([1, 2]), Nx.tensor([3.0, 4.0])])",
                "f32[2]", "parameter a:0\tu8[2]", "parameter b:1\ts32[2]", "parameter c:2\tf32[2]",
                "d = select a, b, c\tf32[2]");
    /* clip: [x, min, max]; x s32 with an f32 bound gives f32, x is not converted */
    NXTEST_ONE("Nx.clip(a, 0, 1.5)", "Nx.tensor([1, 2])", "f32[2]", "parameter a:0\ts32[2]", "b = clip a, 0, 1.5\tf32[2]");
    /* values and grads still right: select picks, clip's grad passes inside the bounds */
    nxtest_expect_code("Nx.Defn.jit(fn a -> Nx.select(a, 1, 2.0) end).(Nx.tensor([1, 0], type: :u8))",
                       "#Nx.Tensor<\n  f32[2]\n  [1.0, 2.0]\n>");
    nxtest_expect_code("Nx.Defn.grad(Nx.tensor([-1.0, 0.5, 3.0]), fn a -> Nx.sum(Nx.clip(a, 0, 1.5)) end)",
                       "#Nx.Tensor<\n  f32[3]\n  [0.0, 1.0, 0.0]\n>");
}

Test(defn_print2, gather_take_fft_operands)
{
    /* gather and take over s32 indices: no as_type to s64 (the backend receives them) */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a, i -> Nx.gather(a, i) end,"
                " [Nx.iota({2, 3}, type: :f32), Nx.tensor([[0, 1], [1, 2]])])",
                "f32[2]", "parameter a:0\tf32[2][3]", "parameter b:1\ts32[2][2]", "c = gather a, b, axes: [0, 1]\tf32[2]");
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a, i -> Nx.take(a, i) end,"
                " [Nx.iota({2, 3}, type: :f32), Nx.tensor([1, 0])])",
                "f32[2][3]", "parameter a:0\tf32[2][3]", "parameter b:1\ts32[2]",
                "c = block %Nx.Block.Take{axis: 0}, a, b\tf32[2][3]");
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a, i -> Nx.take_along_axis(a, i, axis: 1) end,"
                " [Nx.iota({2, 3}, type: :f32), Nx.tensor([[2], [0]])])",
                "f32[2][1]", "parameter a:0\tf32[2][3]", "parameter b:1\ts32[2][1]",
                "c = block %Nx.Block.TakeAlongAxis{axis: 1}, a, b\tf32[2][1]");
    /* fft of a real tensor: fft over the input itself, output to_complex (c64) */
    NXTEST_ONE("Nx.fft(a)", "Nx.iota({4}, type: :f32)", "c64[4]", "parameter a:0\tf32[4]",
        "b = fft a, length: 4, axis: 0, eps: 1.0e-10\tc64[4]");
    /* values and grads through the new nodes */
    nxtest_expect_code("Nx.Defn.jit(fn a, i -> Nx.gather(a, i) end).(Nx.iota({2, 3}), Nx.tensor([[0, 1], [1, 2]]))",
                       "#Nx.Tensor<\n  s32[2]\n  [1, 5]\n>");
    nxtest_expect_code("Nx.Defn.grad(Nx.tensor([1.0, 2.0, 3.0]), fn a -> Nx.sum(Nx.take(a, Nx.tensor([2, 2, 0]))) end)",
                       "#Nx.Tensor<\n  f32[3]\n  [1.0, 0.0, 2.0]\n>");
    nxtest_expect_code("Nx.Defn.jit(fn a -> Nx.real(Nx.fft(a)) end).(Nx.tensor([1.0, 2.0, 3.0, 4.0]))",
                       "#Nx.Tensor<\n  f32[4]\n  [10.0, -2.0, -2.0, -2.0]\n>");
}

/* ---- top_k: the TopK block ---- */

Test(defn_print2, top_k_block)
{
    /* §3.4: a block with a tuple result is one tuple node (`tuple2`) read by elem nodes;
     * Nx's top_k returns {values, indices}, both elems of the same TopK{k: 2} block */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a -> elem(Nx.top_k(a, k: 2), 1) end, [Nx.iota({2, 3}, type: :f32)])",
                "s32[2][2]", "parameter a:0\tf32[2][3]", "b = block %Nx.Block.TopK{k: 2}, a\ttuple2",
                "c = elem b, 1\ts32[2][2]");
    /* both results used: one block, two elems (the block is named once) */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a -> {v, i} = Nx.top_k(a); Nx.add(v, i) end,"
                " [Nx.iota({3}, type: :f32)])",
                "f32[1]", "parameter a:0\tf32[3]", "b = block %Nx.Block.TopK{k: 1}, a\ttuple2",
                "c = elem b, 0\tf32[1]", "d = elem b, 1\ts32[1]", "e = add c, d\tf32[1]");
    /* values: the largest first, ties by the lower index (a stable descending sort) */
    nxtest_expect_code("Nx.Defn.jit(fn a -> Nx.top_k(a, k: 2) end).(Nx.tensor([[1.0, 5.0, 3.0], [4.0, 6.0, 6.0]]))",
                       "{#Nx.Tensor<\n   f32[2][2]\n   [\n     [5.0, 3.0],\n     [6.0, 6.0]\n   ]\n >,\n"
                       " #Nx.Tensor<\n   s32[2][2]\n   [\n     [1, 2],\n     [1, 2]\n   ]\n >}");
    /* grad: the values' cotangent goes to the selected positions; the indices carry none
     * (d/da sum(v * w) with w = [10, 1] puts 10 at the largest and 1 at the second) */
    nxtest_expect_code("Nx.Defn.grad(Nx.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]]), fn a ->"
                       " {v, i} = Nx.top_k(a, k: 2); Nx.sum(Nx.multiply(Nx.add(v, i), Nx.tensor([10.0, 1.0]))) end)",
                       "#Nx.Tensor<\n  f32[2][3]\n  [\n    [0.0, 10.0, 1.0],\n    [1.0, 0.0, 10.0]\n  ]\n>");
}

/* ---- fft with a :length other than the axis size ---- */

Test(defn_print2, fft_length)
{
    /* §3.2 `[x, opts]`: one fft node over the input as given with `length: n`; the backend
     * pads (n > size) or cuts (n < size) the axis, so no pad or slice node is recorded */
    NXTEST_ONE("Nx.fft(a, length: 4)", "Nx.iota({3}, type: :f32)", "c64[4]", "parameter a:0\tf32[3]",
        "b = fft a, length: 4, axis: 0, eps: 1.0e-10\tc64[4]");
    NXTEST_ONE("Nx.ifft(a, length: 2)", "Nx.iota({2, 3}, type: :c64)", "c64[2][2]", "parameter a:0\tc64[2][3]",
        "b = ifft a, length: 2, axis: 1, eps: 1.0e-10\tc64[2][2]");
    /* values: the DFT of [1, 2, 3, 0] and of [1, 2] (closed forms) */
    nxtest_expect_code("Nx.Defn.jit(fn a -> Nx.fft(a, length: 4) end).(Nx.tensor([1.0, 2.0, 3.0]))",
                       "#Nx.Tensor<\n  c64[4]\n  [6.0+0.0i, -2.0-2.0i, 2.0+0.0i, -2.0+2.0i]\n>");
    nxtest_expect_code("Nx.Defn.jit(fn a -> Nx.fft(a, length: 2) end).(Nx.tensor([1.0, 2.0, 3.0]))",
                       "#Nx.Tensor<\n  c64[2]\n  [3.0+0.0i, -1.0+0.0i]\n>");
    /* grad (grad.md §4.9): fft(g) at the output's length, cut back to the input's: for
     * sum(real(fft(a, length: 4) * [1, 2, 3, 4])) entry j is sum_k c_k (-i)^(jk) */
    nxtest_expect_code("Nx.Defn.grad(Nx.tensor([1.0, 2.0, 3.0]), fn a ->"
                       " Nx.sum(Nx.real(Nx.multiply(Nx.fft(a, length: 4), Nx.tensor([1.0, 2.0, 3.0, 4.0])))) end)",
                       "#Nx.Tensor<\n  c64[3]\n  [10.0+0.0i, -2.0+2.0i, -2.0+0.0i]\n>");
}

/* ---- triangular_solve over its operands as given ---- */

Test(defn_print2, triangular_solve_operands)
{
    /* §3.2 `[a, b, opts]`: no as_type to the compute type around it; with no options
     * keyword!'s order `transform_a: :none, left_side: true, lower: true` (§9.2) */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a, b -> Nx.LinAlg.triangular_solve(a, b) end,"
                " [Nx.tensor([[1.0, 0.0], [2.0, 3.0]]), Nx.tensor([1.0, 2.0])])",
                "f32[2]", "parameter a:0\tf32[2][2]", "parameter b:1\tf32[2]",
                "c = triangular_solve a, b, transform_a: :none, left_side: true, lower: true\tf32[2]");
    /* an s32 matrix with an f32 right side: the node is over both as given, output f32 */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a, b -> Nx.LinAlg.triangular_solve(a, b, lower: false, left_side: false)"
                " end, [Nx.tensor([[1, 2], [0, 3]]), Nx.tensor([[1.0, 2.0]])])",
                "f32[1][2]", "parameter a:0\ts32[2][2]", "parameter b:1\tf32[1][2]",
                "c = triangular_solve a, b, transform_a: :none, left_side: false, lower: false\tf32[1][2]");
    /* values: [[1, 0], [2, 4]] x = [1, 2] gives x = [1, 0]; x [[1, 2], [0, 4]] = [1, 2] too */
    nxtest_expect_code("Nx.Defn.jit(fn a, b -> Nx.LinAlg.triangular_solve(a, b) end)"
                       ".(Nx.tensor([[1.0, 0.0], [2.0, 4.0]]), Nx.tensor([1.0, 2.0]))",
                       "#Nx.Tensor<\n  f32[2]\n  [1.0, 0.0]\n>");
    nxtest_expect_code("Nx.Defn.jit(fn a, b -> Nx.LinAlg.triangular_solve(a, b, lower: false, left_side: false) end)"
                       ".(Nx.tensor([[1, 2], [0, 4]]), Nx.tensor([[1.0, 2.0]]))",
                       "#Nx.Tensor<\n  f32[1][2]\n  [\n    [1.0, 0.0]\n  ]\n>");
    /* grads (grad.md §4.10): b̄ = A⁻ᵀ·1 = [0.5, 0.25]; Ā = tril(-A⁻ᵀ·1·xᵀ) */
    nxtest_expect_code("Nx.Defn.grad(Nx.tensor([1.0, 2.0]), fn b ->"
                       " Nx.sum(Nx.LinAlg.triangular_solve(Nx.tensor([[1.0, 0.0], [2.0, 4.0]]), b)) end)",
                       "#Nx.Tensor<\n  f32[2]\n  [0.5, 0.25]\n>");
    nxtest_expect_code("Nx.Defn.grad(Nx.tensor([[1.0, 0.0], [2.0, 4.0]]), fn a ->"
                       " Nx.sum(Nx.LinAlg.triangular_solve(a, Nx.tensor([1.0, 2.0]))) end)",
                       "#Nx.Tensor<\n  f32[2][2]\n  [\n    [-0.5, 0.0],\n    [-0.25, -0.0]\n  ]\n>");
}

/* ---- conv over its operands as given ---- */

Test(defn_print2, conv_operands)
{
    /* §3.2 `[input, kernel, opts]` with the options normalised in Nx's order: one node over
     * the operands as given, no reshape to a batch of vectors and no as_type */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a, k -> Nx.conv(a, k) end,"
                " [Nx.iota({1, 2, 5}, type: :f32), Nx.iota({3, 2, 2}, type: :f32)])",
                "f32[1][3][4]", "parameter a:0\tf32[1][2][5]", "parameter b:1\tf32[3][2][2]",
                "c = conv a, b, strides: [1], padding: [{0, 0}], input_dilation: [1], kernel_dilation: [1],"
                " feature_group_size: 1, batch_group_size: 1, input_permutation: [0, 1, 2],"
                " kernel_permutation: [0, 1, 2], output_permutation: [0, 1, 2]\tf32[1][3][4]");
    /* an s32 input with an f32 kernel (output f32), :same padding on 5 with stride 2 and a
     * 2-wide kernel ({0, 1}), permutations as given: the input's channels last, the
     * kernel's {k, I, O}, the output's channels last ({1, 3, 3}) */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a, k -> Nx.conv(a, k, strides: [2], padding: :same,"
                " input_permutation: [0, 2, 1], kernel_permutation: [2, 1, 0], output_permutation: [0, 2, 1]) end,"
                " [Nx.iota({1, 5, 2}), Nx.iota({2, 2, 3}, type: :f32)])",
                "f32[1][3][3]", "parameter a:0\ts32[1][5][2]", "parameter b:1\tf32[2][2][3]",
                "c = conv a, b, strides: [2], padding: [{0, 1}], input_dilation: [1], kernel_dilation: [1],"
                " feature_group_size: 1, batch_group_size: 1, input_permutation: [0, 2, 1],"
                " kernel_permutation: [2, 1, 0], output_permutation: [0, 2, 1]\tf32[1][3][3]");
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a, k -> Nx.conv(a, k, feature_group_size: 2, kernel_dilation: [2]) end,"
                " [Nx.iota({1, 4, 5}, type: :f32), Nx.iota({4, 2, 2}, type: :f32)])",
                "f32[1][4][3]", "parameter a:0\tf32[1][4][5]", "parameter b:1\tf32[4][2][2]",
                "c = conv a, b, strides: [1], padding: [{0, 0}], input_dilation: [1], kernel_dilation: [2],"
                " feature_group_size: 2, batch_group_size: 1, input_permutation: [0, 1, 2],"
                " kernel_permutation: [0, 1, 2], output_permutation: [0, 1, 2]\tf32[1][4][3]");
    /* values: a correlation, [1, 2, 3] with [1, -1] gives [-1, -1] */
    nxtest_expect_code("Nx.Defn.jit(fn a, k -> Nx.conv(a, k) end).(Nx.tensor([[[1, 2, 3]]]), Nx.tensor([[[1.0, -1.0]]]))",
                       "#Nx.Tensor<\n  f32[1][1][2]\n  [\n    [\n      [-1.0, -1.0]\n    ]\n  ]\n>");
    /* grads through the permutations (grad.md §4.7): d sum / d x_j sums the kernel taps
     * that reach j ([1, 0, -1]); d sum / d w_k sums the inputs under tap k ([3, 5]) */
    nxtest_expect_code("Nx.Defn.grad(Nx.tensor([[[1.0], [2.0], [3.0]]]), fn a ->"
                       " Nx.sum(Nx.conv(a, Nx.tensor([[[1.0, -1.0]]]), input_permutation: [0, 2, 1])) end)",
                       "#Nx.Tensor<\n  f32[1][3][1]\n  [\n    [\n      [1.0],\n      [0.0],\n      [-1.0]\n    ]\n  ]\n>");
    nxtest_expect_code("Nx.Defn.grad(Nx.tensor([[[1.0], [-1.0]]]), fn k ->"
                       " Nx.sum(Nx.conv(Nx.tensor([[[1.0, 2.0, 3.0]]]), k, kernel_permutation: [0, 2, 1])) end)",
                       "#Nx.Tensor<\n  f32[1][2][1]\n  [\n    [\n      [3.0],\n      [5.0]\n    ]\n  ]\n>");
}
