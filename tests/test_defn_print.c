/* tests/test_defn_print.c: expressions print as Nx prints them (spec/defn.md §5, §3.2,
 * §3.4, §12): the exact examples of §5.3, then one traced call per op family whose expected
 * line is written from the rules (which rule is named beside each). The table layout (type
 * column at the widest line + 3, parameter lines first) is built by `nxtest_expect_expr` from the
 * lines, per §5.1, so each case states only the lines. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "nx.h"
#include "support/nxtest.h"


/* ---- §5.3's examples, exact ---- */

Test(defn_print, spec_examples)
{
    nxtest_expect_code("Nx.Defn.debug_expr(fn a, b -> Nx.sum(Nx.add(Nx.add(Nx.dot(a, a), Nx.tanh(b)), 2)) end)"
                       ".(Nx.iota({2, 2}), Nx.iota({2, 2}))",
                       nxtest_dot_tanh_expr);
    nxtest_expect_code("Nx.Defn.debug_expr(fn a -> Nx.add(Nx.Defn.Kernel.stop_grad(a), 1) end).(1)",
                       "#Nx.Tensor<\n  s32\n  \n  Nx.Defn.Expr\n"
                       "  parameter a:0                s32\n"
                       "  b = metadata a, :stop_grad   s32\n"
                       "  c = add 1, b                 s32\n>");
    /* §5.3 "Vectorized expression": the frame shows the vectorized axes, the body the
     * devectorized shapes with the vectorized axes in front */
    nxtest_expect_code("a = Nx.iota({1, 2, 2}) |> Nx.vectorize(x: 1, y: 2)\n"
                       "c = Nx.iota({2, 1, 2}) |> Nx.vectorize(x: 2, y: 1)\n"
                       "Nx.Defn.debug_expr_apply(fn a, c -> Nx.add(Nx.Defn.Kernel.stop_grad(a), c) end, [a, c])",
                       "#Nx.Tensor<\n  vectorized[x: 2][y: 2]\n  s32[2]\n  \n  Nx.Defn.Expr\n"
                       "  parameter a:0                s32[1][2][2]\n"
                       "  parameter c:1                s32[2][1][2]\n"
                       "  b = metadata a, :stop_grad   s32[1][2][2]\n"
                       "  d = add b, c                 s32[2][2][2]\n>");
}

/* ---- §12: vectorized operands ---- */

Test(defn_print, vectorized)
{
    /* §12: operands with different vectorized axes are aligned by reshapes (missing axes
     * size 1, inner ranks aligned), each named when its consumer visits it (§5.1) */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a, b -> Nx.add(a, b) end,"
                " [Nx.vectorize(Nx.iota({2, 2}), :x), Nx.vectorize(Nx.iota({3}), :y)])",
                "vectorized[x: 2][y: 3]\n  s32[2]",
                "parameter a:0\ts32[2][2]", "parameter c:1\ts32[3]", "b = reshape a\ts32[2][1][2]",
                "d = reshape c\ts32[1][3][1]", "e = add b, d\ts32[2][3][2]");
    /* §12 + §3.2: a vectorized reduction records the devectorized node, whose axes are
     * the inner ones counted after the vectorized axes */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a -> Nx.sum(a) end, [Nx.vectorize(Nx.iota({2, 2, 3}), :x)])",
                "vectorized[x: 2]\n  s32", "parameter a:0\ts32[2][2][3]",
                "b = sum a, axes: [1, 2], keep_axes: false\ts32[2]");
    /* primitives.md transpose: the permutation covers the devectorized axes */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a -> Nx.transpose(a) end, [Nx.vectorize(Nx.iota({2, 2, 3}), :x)])",
                "vectorized[x: 2]\n  s32[3][2]", "parameter a:0\ts32[2][2][3]",
                "b = transpose a, [0, 2, 1]\ts32[2][3][2]");
}

/* ---- one case per family (§3.2's argument order, §5.1's rendering) ---- */

Test(defn_print, shape_ops)
{
    /* transpose: [x, axes] */
    NXTEST_ONE("Nx.transpose(a)", "Nx.iota({2, 3}, type: :f32)", "f32[3][2]", "parameter a:0\tf32[2][3]",
        "b = transpose a, [1, 0]\tf32[3][2]");
    /* reshape: [x] (the new shape is the node's) */
    NXTEST_ONE("Nx.reshape(a, {3, 2})", "Nx.iota({2, 3}, type: :f32)", "f32[3][2]", "parameter a:0\tf32[2][3]",
        "b = reshape a\tf32[3][2]");
    /* broadcast: [x, shape_tuple, axes]; a tuple prints {..}, a list [..] */
    NXTEST_ONE("Nx.broadcast(a, {2, 2, 3})", "Nx.iota({2, 3}, type: :f32)", "f32[2][2][3]", "parameter a:0\tf32[2][3]",
        "b = broadcast a, {2, 2, 3}, [1, 2]\tf32[2][2][3]");
    /* slice: [x, start_indices, lengths, strides] */
    NXTEST_ONE("Nx.slice(a, [0, 0], [2, 3], strides: [1, 2])", "Nx.iota({2, 3}, type: :f32)", "f32[2][2]",
        "parameter a:0\tf32[2][3]", "b = slice a, [0, 0], [2, 3], [1, 2]\tf32[2][2]");
    /* pad: [x, pad_value, [{lo, hi, interior}, ...]]; the pad value a constant (§5.2) */
    NXTEST_ONE("Nx.pad(a, 0.0, [{1, 1, 0}, {0, 1, 1}])", "Nx.iota({2, 3}, type: :f32)", "f32[4][6]",
        "parameter a:0\tf32[2][3]", "b = pad a, 0.0, [{1, 1, 0}, {0, 1, 1}]\tf32[4][6]");
    /* reverse: [x, axes] */
    NXTEST_ONE("Nx.reverse(a, axes: [1])", "Nx.iota({2, 3}, type: :f32)", "f32[2][3]", "parameter a:0\tf32[2][3]",
        "b = reverse a, [1]\tf32[2][3]");
    /* concatenate / stack: [[t1, t2, ...], axis] */
    NXTEST_ONE("Nx.concatenate([a, a], axis: 1)", "Nx.iota({2, 3}, type: :f32)", "f32[2][6]", "parameter a:0\tf32[2][3]",
        "b = concatenate [a, a], 1\tf32[2][6]");
    NXTEST_ONE("Nx.stack([a, a])", "Nx.iota({2, 3}, type: :f32)", "f32[2][2][3]", "parameter a:0\tf32[2][3]",
        "b = stack [a, a], 0\tf32[2][2][3]");
    /* iota: [axis_or_nil]; eye: [] (the line ends with the space, §5.1) */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a -> Nx.add(a, Nx.iota({2, 3}, axis: 1)) end,"
                " [Nx.iota({2, 3}, type: :f32)])",
                "f32[2][3]", "parameter a:0\tf32[2][3]", "b = iota 1\ts32[2][3]", "c = add a, b\tf32[2][3]");
}

Test(defn_print, shape_ops_more)
{
    /* put_slice: [x, start_indices, slice]; the slice, a concrete tensor, is a `tensor`
     * parameter line (§5.1) */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a -> Nx.put_slice(a, [0, 1], Nx.tensor([[1.0, 2.0]])) end,"
                " [Nx.iota({2, 3}, type: :f32)])",
                "f32[2][3]", "parameter a:0\tf32[2][3]", "tensor b\tf32[1][2]", "c = put_slice a, [0, 1], b\tf32[2][3]");
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a -> Nx.add(a, Nx.eye(2)) end, [Nx.iota({2, 2})])", "s32[2][2]",
                "parameter a:0\ts32[2][2]", "b = eye \ts32[2][2]", "c = add a, b\ts32[2][2]");
    /* as_type and bitcast: [x] (the target type is the node's) */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a -> Nx.bitcast(a, :s32) end, [Nx.iota({2}, type: :f32)])", "s32[2]",
                "parameter a:0\tf32[2]", "b = bitcast a\ts32[2]");
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a -> Nx.as_type(a, :s32) end, [Nx.iota({2}, type: :f32)])", "s32[2]",
                "parameter a:0\tf32[2]", "b = as_type a\ts32[2]");
}

Test(defn_print, sort_and_blocks)
{
    /* sort / argsort: [x, opts], opts [axis, direction, stable] (primitives.md §6) */
    NXTEST_ONE("Nx.sort(a, axis: 1, direction: :desc)", "Nx.iota({2, 3}, type: :f32)", "f32[2][3]",
        "parameter a:0\tf32[2][3]", "b = sort a, axis: 1, direction: :desc, stable: false\tf32[2][3]");
    NXTEST_ONE("Nx.argsort(a, stable: true)", "Nx.iota({2, 3}, type: :f32)", "s32[2][3]", "parameter a:0\tf32[2][3]",
        "b = argsort a, axis: 0, direction: :asc, stable: true\ts32[2][3]");
    /* cumulative ops are blocks (§3.4): block <struct inspect>, <args> */
    NXTEST_ONE("Nx.cumulative_sum(a, axis: 1)", "Nx.iota({2, 3}, type: :f32)", "f32[2][3]", "parameter a:0\tf32[2][3]",
        "b = block %Nx.Block.CumulativeSum{axis: 1, reverse: false}, a\tf32[2][3]");
    NXTEST_ONE("Nx.cumulative_max(a, reverse: true)", "Nx.iota({2, 3}, type: :f32)", "f32[2][3]",
        "parameter a:0\tf32[2][3]", "b = block %Nx.Block.CumulativeMax{axis: 0, reverse: true}, a\tf32[2][3]");
    /* take is the Take block over [t, indices] (§3.4); the indices are a concrete tensor */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a, i -> Nx.take(a, i, axis: 1) end,"
                " [Nx.iota({2, 3}, type: :f32), Nx.tensor([0, 1], type: :s64)])",
                "f32[2][2]", "parameter a:0\tf32[2][3]", "parameter b:1\ts64[2]",
                "c = block %Nx.Block.Take{axis: 1}, a, b\tf32[2][2]");
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a, i -> Nx.take_along_axis(a, i, axis: 1) end,"
                " [Nx.iota({2, 3}, type: :f32), Nx.tensor([[0], [1]], type: :s64)])",
                "f32[2][1]", "parameter a:0\tf32[2][3]", "parameter b:1\ts64[2][1]",
                "c = block %Nx.Block.TakeAlongAxis{axis: 1}, a, b\tf32[2][1]");
    /* top_k: the TopK block (§3.4), a tuple {values, indices} read by elem */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a -> elem(Nx.top_k(a, k: 2), 0) end, [Nx.iota({2, 3}, type: :f32)])",
                "f32[2][2]", "parameter a:0\tf32[2][3]", "b = block %Nx.Block.TopK{k: 2}, a\ttuple2",
                "c = elem b, 0\tf32[2][2]");
}

Test(defn_print, indexing)
{
    /* gather: [x, indices, opts] with axes (§3.2) */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a, i -> Nx.gather(a, i) end,"
                " [Nx.iota({2, 3}, type: :f32), Nx.tensor([[0, 1], [1, 2]], type: :s64)])",
                "f32[2]", "parameter a:0\tf32[2][3]", "parameter b:1\ts64[2][2]", "c = gather a, b, axes: [0, 1]\tf32[2]");
    /* indexed_add / indexed_put: [target, indices, updates, opts] */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a, i, u -> Nx.indexed_add(a, i, u) end,"
                " [Nx.iota({2, 3}, type: :f32), Nx.tensor([[0, 1]], type: :s64), Nx.tensor([1.0])])",
                "f32[2][3]", "parameter a:0\tf32[2][3]", "parameter b:1\ts64[1][2]", "parameter c:2\tf32[1]",
                "d = indexed_add a, b, c, axes: [0, 1]\tf32[2][3]");
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a, i, u -> Nx.indexed_put(a, i, u, axes: [1]) end,"
                " [Nx.iota({2, 3}, type: :f32), Nx.tensor([[2]], type: :s64), Nx.tensor([[1.0, 2.0]])])",
                "f32[2][3]", "parameter a:0\tf32[2][3]", "parameter b:1\ts64[1][1]", "parameter c:2\tf32[1][2]",
                "d = indexed_put a, b, c, axes: [1]\tf32[2][3]");
    /* select: [pred, on_true, on_false] */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn p, a, b -> Nx.select(p, a, b) end,"
                " [Nx.tensor([1, 0], type: :u8), Nx.tensor([1.0, 2.0]), Nx.tensor([3.0, 4.0])])",
                "f32[2]", "parameter a:0\tu8[2]", "parameter b:1\tf32[2]", "parameter c:2\tf32[2]",
                "d = select a, b, c\tf32[2]");
}

Test(defn_print, windows_conv_fft_linalg)
{
    /* window ops: [x, window_dims_tuple, opts] with padding (list of {lo, hi}), strides,
     * window_dilations (§3.2) */
    NXTEST_ONE("Nx.window_sum(a, {1, 2})", "Nx.iota({2, 3}, type: :f32)", "f32[2][2]", "parameter a:0\tf32[2][3]",
        "b = window_sum a, {1, 2}, padding: [{0, 0}, {0, 0}], strides: [1, 1], window_dilations: [1, 1]\tf32[2][2]");
    /* padding: :same with strides 2 keeps Nx's high side (window 2 on 3: {0, 1}) */
    NXTEST_ONE("Nx.window_max(a, {1, 2}, padding: :same, strides: [1, 2])", "Nx.iota({2, 3}, type: :f32)", "f32[2][2]",
        "parameter a:0\tf32[2][3]",
        "b = window_max a, {1, 2}, padding: [{0, 0}, {0, 1}], strides: [1, 2], window_dilations: [1, 1]\tf32[2][2]");
    /* window_scatter_max: [x, source, init_value, window_dims, opts] (padding, strides) */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a, s -> Nx.window_scatter_max(a, s, 0.0, {2, 3}) end,"
                " [Nx.iota({2, 3}, type: :f32), Nx.tensor([[1.0]])])",
                "f32[2][3]", "parameter a:0\tf32[2][3]", "parameter b:1\tf32[1][1]",
                "c = window_scatter_max a, b, 0.0, {2, 3}, padding: [{0, 0}, {0, 0}], strides: [1, 1]\tf32[2][3]");
    /* fft: [x, opts] with length, axis, eps (primitives.md §8) */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a -> Nx.fft(a) end, [Nx.iota({2, 4}, type: :c64)])", "c64[2][4]",
                "parameter a:0\tc64[2][4]", "b = fft a, length: 4, axis: 1, eps: 1.0e-10\tc64[2][4]");
    /* triangular_solve: [a, b, opts] in keyword! order (§3.2) */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a, b -> Nx.LinAlg.triangular_solve(a, b, lower: false) end,"
                " [Nx.tensor([[1.0, 1.0], [0.0, 1.0]], type: :f64), Nx.tensor([1.0, 2.0], type: :f64)])",
                "f64[2]", "parameter a:0\tf64[2][2]", "parameter b:1\tf64[2]",
                "c = triangular_solve a, b, transform_a: :none, left_side: true, lower: false\tf64[2]");
}

Test(defn_print, reductions_and_dot)
{
    /* reductions: [x, [axes:, keep_axes:]] (a keyword list prints without brackets) */
    NXTEST_ONE("Nx.reduce_max(a, axes: [0])", "Nx.iota({2, 3}, type: :f32)", "f32[3]", "parameter a:0\tf32[2][3]",
        "b = reduce_max a, axes: [0], keep_axes: false\tf32[3]");
    /* argmax: [x, [tie_break:, axis:, keep_axis:]] */
    NXTEST_ONE("Nx.argmax(a, axis: 1, keep_axis: true)", "Nx.iota({2, 3}, type: :f32)", "s32[2][1]",
        "parameter a:0\tf32[2][3]", "b = argmax a, tie_break: :low, axis: 1, keep_axis: true\ts32[2][1]");
    /* dot: [left, contract_l, batch_l, right, contract_r, batch_r] */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a, b -> Nx.dot(a, [2], [0], b, [1], [0]) end,"
                " [Nx.iota({2, 2, 3}, type: :f32), Nx.iota({2, 3, 2}, type: :f32)])",
                "f32[2][2][2]", "parameter a:0\tf32[2][2][3]", "parameter b:1\tf32[2][3][2]",
                "c = dot a, [2], [0], b, [1], [0]\tf32[2][2][2]");
    /* unary: [x]; binary with the constant moved left (§4) */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a -> Nx.multiply(Nx.population_count(a), 3) end,"
                " [Nx.iota({2}, type: :u8)])",
                "u8[2]", "parameter a:0\tu8[2]", "b = population_count a\tu8[2]", "c = multiply 3, b\tu8[2]");
}

Test(defn_print, linalg_block_tuple)
{
    /* §5.3's tuple output: `{q, r} = Nx.LinAlg.qr(a)` with a an s32[2][2] parameter, q printed */
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a -> elem(Nx.LinAlg.qr(a), 0) end, [Nx.iota({2, 2})])", "f32[2][2]",
                "parameter a:0\ts32[2][2]", "b = block %Nx.Block.LinAlg.QR{eps: 1.0e-10, mode: :reduced}, a\ttuple2",
                "c = elem b, 0\tf32[2][2]");
}
