/* tests/test_batch.c: Nx.Batch in the interpreter (src/cli/nxlib_batch.c). Random entries
 * are stacked, concatenated, merged, split and padded; what jit sees must be the entries'
 * rows in order followed by zero rows, written out here from the inputs themselves. Then
 * containers, inspect, and every error Nx.Batch raises. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "support/nxtest.h"

#define MAX_ROWS 64
#define COLS 2

typedef struct {
    char code[8192];
    long rows[MAX_ROWS][COLS];
    int nrows;
} script;

static void emit(script *s, const char *fmt, const char *a)
{
    size_t n = strlen(s->code);
    snprintf(s->code + n, sizeof s->code - n, fmt, a);
}

/* One entry of `rows` random rows: as a [rows][COLS] tensor (concatenate) or, with rows
 * 1 and `stacked`, a [COLS] tensor; its rows are appended to the expected ones. */
static void entry(script *s, unsigned *seed, int rows, int stacked, const char *type)
{
    char text[512] = "Nx.tensor(";
    if (!stacked)
        strcat(text, "[");
    for (int r = 0; r < rows; r++) {
        strcat(text, r ? ", [" : "[");
        for (int c = 0; c < COLS; c++) {
            long v = (long)nxtest_uniform(seed, 0, 99);
            s->rows[s->nrows][c] = v;
            char num[32];
            snprintf(num, sizeof num, c ? ", %ld" : "%ld", v);
            strcat(text, num);
        }
        strcat(text, "]");
        s->nrows++;
    }
    if (!stacked)
        strcat(text, "]");
    char tail[64];
    snprintf(tail, sizeof tail, ", type: %s)", type);
    strcat(text, tail);
    emit(s, "%s", text);
}

/* The {shape, type, values} text that jit must give for rows [from, to) plus pad rows. */
static void expected(const script *s, int from, int to, int pad, const char *type_tuple, char *out, size_t cap)
{
    int n = snprintf(out, cap, "{{%d, %d}, %s, [", to - from + pad, COLS, type_tuple);
    for (int r = from; r < to + pad; r++)
        for (int c = 0; c < COLS; c++)
            n += snprintf(out + n, cap - (size_t)n, r == from && c == 0 ? "%ld" : ", %ld", r < to ? s->rows[r][c] : 0L);
    snprintf(out + n, cap - (size_t)n, "]}");
}

static const char *const inspect_fn =
    "see = fn t -> {Nx.shape(t), Nx.type(t), Nx.to_flat_list(t)} end\n"
    "run = fn b -> Nx.Defn.jit_apply(&Function.identity/1, [b]) end\n";

Test(batch, random_entries_concatenate_stack_and_pad)
{
    const char *types[][2] = { { ":s32", "{:s, 32}" }, { ":u8", "{:u, 8}" }, { ":f32", "{:f, 32}" },
                               { ":s64", "{:s, 64}" }, { ":f64", "{:f, 64}" } };
    unsigned seed = 11;
    for (long round = 0; round < nxtest_scaled(20); round++) {
        const char *const *ty = types[round % 5];
        script s = { .nrows = 0 };
        emit(&s, "%s", inspect_fn);
        int stacked = (int)(round & 1), pad = (int)nxtest_uniform(&seed, 0, 3), n = 1 + (int)(round % 4);
        emit(&s, stacked ? "b = Nx.Batch.stack([" : "b = Nx.Batch.concatenate([", "");
        for (int e = 0; e < n; e++) {
            emit(&s, e ? ", " : "", "");
            entry(&s, &seed, stacked ? 1 : 1 + (int)nxtest_uniform(&seed, 0, 3), stacked, ty[0]);
        }
        emit(&s, "%s", "])\n");
        /* a second call adds to the existing batch */
        emit(&s, stacked ? "b = Nx.Batch.stack(b, [" : "b = Nx.Batch.concatenate(b, [", "");
        entry(&s, &seed, stacked ? 1 : 2, stacked, ty[0]);
        char tail[64];
        snprintf(tail, sizeof tail, "])\nsee.(run.(Nx.Batch.pad(b, %d))) == ", pad);
        emit(&s, "%s", tail);
        char want[4096];
        expected(&s, 0, s.nrows, pad, ty[1], want, sizeof want);
        emit(&s, "%s", want);
        nxtest_expect_code(s.code, "true");
    }
}

Test(batch, merge_and_split_keep_row_order)
{
    unsigned seed = 5;
    for (long round = 0; round < nxtest_scaled(12); round++) {
        script s = { .nrows = 0 };
        emit(&s, "%s", inspect_fn);
        emit(&s, "%s", "b1 = Nx.Batch.concatenate([");
        entry(&s, &seed, 3, 0, ":s32");
        emit(&s, "%s", ", ");
        entry(&s, &seed, 2, 0, ":s32");
        emit(&s, "%s", "])\nb2 = Nx.Batch.stack([");
        entry(&s, &seed, 1, 1, ":s32");
        emit(&s, "%s", "])\nb = Nx.Batch.merge([b1, b2])\n");
        int cut = 1 + (int)(round % 5);   /* 1..5: inside, at and across entry borders */
        char tail[160];
        snprintf(tail, sizeof tail,
                 "{l, r} = Nx.Batch.split(b, %d)\n{see.(run.(l)), see.(run.(r)), l.size, r.size} == ", cut);
        emit(&s, "%s", tail);
        char left[2048], right[2048], want[4200];
        expected(&s, 0, cut, 0, "{:s, 32}", left, sizeof left);
        expected(&s, cut, s.nrows, 0, "{:s, 32}", right, sizeof right);
        snprintf(want, sizeof want, "{%s, %s, %d, %d}", left, right, cut, s.nrows - cut);
        emit(&s, "%s", want);
        nxtest_expect_code(s.code, "true");
    }
}

Test(batch, split_past_the_end_moves_padding)
{
    /* size 3, pad 4, split at 5: the left keeps 2 pad rows, the right has only padding. */
    nxtest_expect_code("b = Nx.Batch.pad(Nx.Batch.stack([1, 2, 3]), 4)\n{l, r} = Nx.Batch.split(b, 5)\n"
                       "{l, r, Nx.Defn.jit_apply(&Function.identity/1, [l])}",
                       "{#Nx.Batch<size: 3, pad: 2, ...>, #Nx.Batch<size: 0, pad: 2, ...>,\n #Nx.Tensor<\n"
                       "   s32[5]\n   [1, 2, 3, 0, 0]\n >}");
    nxtest_expect_code("b = Nx.Batch.pad(Nx.Batch.stack([1, 2, 3]), 4)\n{_, r} = Nx.Batch.split(b, 5)\n"
                       "Nx.Defn.jit_apply(&Function.identity/1, [r])",
                       "** (ArgumentError) cannot traverse/jit/compile Nx.Batch without entries");
}

Test(batch, containers_and_keys)
{
    nxtest_expect_code("b = Nx.Batch.stack([%{a: 1, b: Nx.tensor([1.5, 2])}, %{a: 2, b: Nx.tensor([3, 4.5])}])\n"
                       "Nx.Defn.jit_apply(fn %{a: a, b: b} -> {a, b} end, [b])",
                       "{#Nx.Tensor<\n   s32[2]\n   [1, 2]\n >,\n #Nx.Tensor<\n   f32[2][2]\n"
                       "   [\n     [1.5, 2.0],\n     [3.0, 4.5]\n   ]\n >}");
    nxtest_expect_code("b = Nx.Batch.key(Nx.Batch.new(), :images)\n{b.key, Nx.Batch.merge([]).key, b}",
                       "{:images, :default, #Nx.Batch<size: 0, pad: 0, ...>}");
    nxtest_expect_code("Nx.Batch.merge(Nx.Batch.new(), Nx.Batch.stack([Nx.tensor(7)])).size", "1");
}

Test(batch, errors)
{
    nxtest_expect_code("Nx.Batch.concatenate([Nx.tensor(1)])",
                       "** (ArgumentError) cannot concatenate scalar tensor in #Nx.Tensor<\n  s32\n  1\n>");
    nxtest_expect_code("Nx.Batch.concatenate([{Nx.tensor([1]), Nx.tensor([1, 2])}])",
                       "** (ArgumentError) concatenate expects all tensors in the same container to have the same "
                       "value for first axis, got 2 and 1 in {#Nx.Tensor<\n   s32[1]\n   [1]\n >, #Nx.Tensor<\n"
                       "   s32[2]\n   [1, 2]\n >}");
    nxtest_expect_code("Nx.Batch.concatenate([{}])", "** (ArgumentError) cannot have an empty container in concatenate: {}");
    nxtest_expect_code("Nx.Batch.stack([Nx.tensor(1), Nx.tensor(1.0)])",
                       "** (ArgumentError) cannot add to batch due to incompatible tensors/containers.\n\n"
                       "The head of the list has shape:\n\n#Nx.Tensor<\n  s32\n  Nx.TemplateBackend\n>\n\n"
                       "But another list element has template:\n\n#Nx.Tensor<\n  f32\n  Nx.TemplateBackend\n>\n\n"
                       "From entry:\n\n#Nx.Tensor<\n  f32\n  1.0\n>\n");
    nxtest_expect_code("Nx.Batch.merge(Nx.Batch.stack([1]), Nx.Batch.stack([Nx.tensor([1])])).size",
                       "** (ArgumentError) cannot merge batches due to incompatible templates:\n\n"
                       "    #Nx.Tensor<\n  s32[1]\n  Nx.TemplateBackend\n>\n\nand:\n\n"
                       "    #Nx.Tensor<\n  s32\n  Nx.TemplateBackend\n>\n");
    nxtest_expect_code("Nx.Batch.split(Nx.Batch.stack([1]), 0)",
                       "** (FunctionClauseError) no function clause matching in Nx.Batch.split/2");
    nxtest_expect_code("Nx.Batch.pad(Nx.Batch.stack([1]), -1)",
                       "** (FunctionClauseError) no function clause matching in Nx.Batch.pad/2");
    nxtest_expect_code("Nx.Batch.pad(%{size: 1}, 1)",
                       "** (FunctionClauseError) no function clause matching in Nx.Batch.pad/2");
    nxtest_expect_code("Nx.Batch.stack(:nope)",
                       "** (FunctionClauseError) no function clause matching in Nx.Batch.add/3");
    nxtest_expect_code("Nx.Defn.jit_apply(&Function.identity/1, [Nx.Batch.new()])",
                       "** (ArgumentError) cannot traverse/jit/compile Nx.Batch without entries");
}
