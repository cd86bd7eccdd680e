/* tests/test_layout.c: the layout family (transpose, squeeze, new_axis, flatten, tile, pad,
 * pad_outer, reverse, concatenate, stack, split, slice, slice_along_axis, put_slice):
 * random shapes of every type against the NumPy oracle of tests/oracle/gen_layout.py (bit
 * for bit), Nx's documented examples, every error message, types, names and vectorized
 * axes, the big-copy paths (tiled transpose, thread pool), failed allocations, and the
 * interpreter bindings' option checks. */
#include "support/nxtest.h"

#include <criterion/logging.h>
#include <stdlib.h>
#include <string.h>
#include "cli/ast.h"
#include "cli/eval.h"

/* ------------------------------------------------------------------ the oracle file */

enum { OP_TRANSPOSE, OP_REVERSE, OP_PAD, OP_SLICE, OP_CONCATENATE, OP_STACK, OP_PUT_SLICE, OP_TILE };

typedef struct {
    int rank;
    int64_t dims[NX_MAX_RANK];
    uint64_t nbytes;
    const unsigned char *data;
} rec_tensor;

typedef struct {
    int op, id, nin, np;
    nx_type type;
    rec_tensor in[8], want;
    int64_t p[64];
} rec_case;

typedef struct {
    const unsigned char *p, *end;
} cursor;

static uint64_t take(cursor *c, int bytes)
{
    cr_assert(c->p + bytes <= c->end, "layout.bin is truncated: regenerate the oracle");
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)c->p[i] << (8 * i);
    c->p += bytes;
    return v;
}

static void take_tensor(cursor *c, rec_tensor *t)
{
    t->rank = (int)take(c, 4);
    cr_assert(t->rank <= NX_MAX_RANK);
    for (int i = 0; i < t->rank; i++)
        t->dims[i] = (int64_t)take(c, 8);
    t->nbytes = take(c, 8);
    cr_assert(c->p + t->nbytes <= c->end);
    t->data = c->p;
    c->p += t->nbytes;
}

static void take_case(cursor *c, rec_case *k)
{
    k->op = (int)take(c, 4);
    k->type = (nx_type)take(c, 4);
    k->id = (int)take(c, 4);
    k->nin = (int)take(c, 4);
    cr_assert(k->nin <= 8);
    for (int i = 0; i < k->nin; i++)
        take_tensor(c, &k->in[i]);
    take_tensor(c, &k->want);
    k->np = (int)take(c, 4);
    cr_assert(k->np <= 64);
    for (int i = 0; i < k->np; i++)
        k->p[i] = (int64_t)take(c, 8);
}

static nx_shape shape_of(const rec_tensor *t)
{
    nx_shape s = { .rank = t->rank };
    memcpy(s.dims, t->dims, (size_t)t->rank * sizeof *s.dims);
    return s;
}

static nx_tensor *make(const rec_case *k, int i)
{
    nx_tensor *t = nx_from_data(k->in[i].data, k->type, shape_of(&k->in[i]));
    cr_assert_not_null(t, "case %d: %s", k->id, nx_error_message());
    return t;
}

/* Starts of a slice/put_slice case: integers, or (dynamic) s64 scalar tensors. */
static nx_starts starts_of(const rec_case *k, int rank, const int64_t *v, int dynamic)
{
    nx_starts s = { .n = rank };
    for (int i = 0; i < rank; i++) {
        s.v[i] = v[i];
        if (dynamic)
            s.t[i] = nx_scalar(NX_INT(v[i]), NX_S64);
    }
    (void)k;
    return s;
}

static nx_ints ints(int n, const int64_t *v)
{
    nx_ints r = { .n = n };
    memcpy(r.v, v, (size_t)n * sizeof *v);
    return r;
}

static nx_tensor *run_case(const rec_case *k)
{
    int r = k->nin ? k->in[0].rank : 0;
    switch (k->op) {
    case OP_TRANSPOSE: {
        nx_axes axes = { .n = r };
        for (int i = 0; i < r; i++)
            axes.index[i] = (int)k->p[i];
        return nx_transpose(make(k, 0), .axes = axes);
    }
    case OP_REVERSE: {
        nx_axes axes = k->np ? (nx_axes){ .n = k->np } : NX_AXES_EMPTY;
        for (int i = 0; i < k->np; i++)
            axes.index[i] = (int)k->p[i];
        return nx_reverse(make(k, 0), .axes = axes);
    }
    case OP_PAD: {
        nx_padding cfg = { .n = r };
        for (int i = 0; i < r; i++)
            cfg.v[i] = (nx_pad_axis){ k->p[3 * i], k->p[3 * i + 1], k->p[3 * i + 2] };
        return nx_pad(make(k, 0), make(k, 1), cfg);
    }
    case OP_SLICE: {
        nx_starts s = starts_of(k, r, k->p + 1, (int)k->p[0]);
        return nx_slice(make(k, 0), s, ints(r, k->p + 1 + r), .strides = ints(r, k->p + 1 + 2 * r));
    }
    case OP_CONCATENATE:
    case OP_STACK: {
        const nx_tensor *ts[8];
        for (int i = 0; i < k->nin; i++)
            ts[i] = make(k, i);
        nx_tensor_list list = { k->nin, ts };
        if (k->op == OP_STACK)
            return nx_stack(list, .axis = (int)k->p[0]);
        return nx_concatenate(list, .axis = NX_AXIS((int)k->p[0]));
    }
    case OP_PUT_SLICE:
        return nx_put_slice(make(k, 0), starts_of(k, r, k->p + 1, (int)k->p[0]), make(k, 1));
    case OP_TILE:
        return nx_tile(make(k, 0), ints(k->np, k->p));
    }
    cr_assert_fail("unknown op %d", k->op);
    return NULL;
}

/* Runs every oracle case of one op (a scaled share of them) and compares bit for bit. */
static void check_oracle(int op)
{
    size_t len;
    unsigned char *buf = nxtest_read_oracle("layout.bin", &len);
    cr_assert(len >= 12 && memcmp(buf, "NXLAYT1\n", 8) == 0, "layout.bin: not an oracle file");
    cursor c = { buf + 8, buf + len };
    uint32_t n = (uint32_t)take(&c, 4);
    long want_cases = nxtest_scaled(1000), ran = 0;
    for (uint32_t i = 0; i < n; i++) {
        rec_case k;
        take_case(&c, &k);
        if (k.op != op || ran >= want_cases)
            continue;
        ran++;
        nx_scope_begin();
        nx_tensor *got = run_case(&k);
        cr_assert_not_null(got, "case %d (%s): %s", k.id, nx_type_name(k.type), nx_error_message());
        cr_assert_eq(nx_type_of(got), k.type, "case %d: type %s", k.id, nx_type_name(nx_type_of(got)));
        nx_shape s = nx_shape_of(got);
        cr_assert_eq(s.rank, k.want.rank, "case %d: rank %d, expected %d", k.id, s.rank, k.want.rank);
        for (int a = 0; a < s.rank; a++)
            cr_assert_eq(s.dims[a], k.want.dims[a], "case %d: axis %d has %lld, expected %lld", k.id, a,
                         (long long)s.dims[a], (long long)k.want.dims[a]);
        unsigned char *bytes = malloc(k.want.nbytes + 1);
        int64_t bits = nx_to_binary(got, bytes, (int64_t)k.want.nbytes + 1);
        cr_assert_eq((bits + 7) / 8, (int64_t)k.want.nbytes, "case %d: %lld bits", k.id, (long long)bits);
        for (uint64_t b = 0; b < k.want.nbytes; b++)
            cr_assert_eq(bytes[b], k.want.data[b], "case %d (%s): byte %llu is %02x, expected %02x", k.id,
                         nx_type_name(k.type), (unsigned long long)b, bytes[b], k.want.data[b]);
        free(bytes);
        nx_scope_end();
    }
    cr_assert(ran > 0, "no oracle cases for op %d", op);
    free(buf);
}

Test(layout, oracle_transpose) { check_oracle(OP_TRANSPOSE); }
Test(layout, oracle_reverse) { check_oracle(OP_REVERSE); }
Test(layout, oracle_pad) { check_oracle(OP_PAD); }
Test(layout, oracle_slice) { check_oracle(OP_SLICE); }
Test(layout, oracle_concatenate) { check_oracle(OP_CONCATENATE); }
Test(layout, oracle_stack) { check_oracle(OP_STACK); }
Test(layout, oracle_put_slice) { check_oracle(OP_PUT_SLICE); }
Test(layout, oracle_tile) { check_oracle(OP_TILE); }

/* ------------------------------------------------------------------ helpers */

static nx_tensor *s32s(nx_shape shape, const int32_t *v)
{
    return nx_from_data(v, NX_S32, shape);
}

static nx_tensor *iota_named(nx_shape shape, nx_names names)
{
    return nx_iota(shape, .names = names);
}

/* Whether two tensors hold the same bits (and shapes). */
static bool same_bits(const nx_tensor *a, const nx_tensor *b)
{
    nx_shape sa = nx_shape_of(a), sb = nx_shape_of(b);
    if (sa.rank != sb.rank || memcmp(sa.dims, sb.dims, (size_t)sa.rank * sizeof *sa.dims) != 0 ||
        nx_type_of(a) != nx_type_of(b))
        return false;
    int64_t n = nx_byte_size(a);
    unsigned char *x = malloc((size_t)n + 1), *y = malloc((size_t)n + 1);
    nx_to_binary(a, x, n + 1);
    nx_to_binary(b, y, n + 1);
    bool eq = memcmp(x, y, (size_t)n) == 0;
    free(x);
    free(y);
    return eq;
}

/* ------------------------------------------------------------------ documented examples */

Test(layout, transpose_examples)
{
    nx_scope_begin();
    NXTEST_PRINTS(nx_transpose(nx_iota(NX_SHAPE(2, 3, 4), .names = NX_NAMES("x", "y", "z"))),
                  "#Nx.Tensor<\n  s32[z: 4][y: 3][x: 2]\n  [\n    [\n      [0, 12],\n      [4, 16],\n      [8, 20]\n"
                  "    ],\n    [\n      [1, 13],\n      [5, 17],\n      [9, 21]\n    ],\n    [\n      [2, 14],\n"
                  "      [6, 18],\n      [10, 22]\n    ],\n    [\n      [3, 15],\n      [7, 19],\n      [11, 23]\n"
                  "    ]\n  ]\n>");
    nx_axes axes = { .n = 3, .index = { 2, 1 }, .name = { NULL, NULL, "batch" } };
    nx_tensor *t = nx_transpose(iota_named(NX_SHAPE(2, 3, 4), NX_NAMES("batch", "x", "y")), .axes = axes);
    cr_assert_eq(nx_shape_of(t).dims[0], 4);
    cr_assert_str_eq(nx_names_of(t).v[0], "y");
    cr_assert_str_eq(nx_names_of(t).v[2], "batch");
    /* Scalars: the default and axes: [] are both the identity. */
    NXTEST_PRINTS(nx_transpose(nx_scalar(NX_INT(1), NX_S32), .axes = NX_AXES_EMPTY), "#Nx.Tensor<\n  s32\n  1\n>");
    nx_scope_end();
}

Test(layout, transpose_vectorized_axes_stay_in_front)
{
    nx_scope_begin();
    nx_tensor *v = nx_vectorize(nx_iota(NX_SHAPE(1, 2, 3)), "x");
    NXTEST_PRINTS(nx_transpose(v),
                  "#Nx.Tensor<\n  vectorized[x: 1]\n  s32[3][2]\n  [\n    [\n      [0, 3],\n      [1, 4],\n"
                  "      [2, 5]\n    ]\n  ]\n>");
    NXTEST_PRINTS(nx_transpose(v, .axes = NX_AXES(1, 0)),
                  "#Nx.Tensor<\n  vectorized[x: 1]\n  s32[3][2]\n  [\n    [\n      [0, 3],\n      [1, 4],\n"
                  "      [2, 5]\n    ]\n  ]\n>");
    nx_scope_end();
}

Test(layout, squeeze_new_axis_flatten)
{
    nx_scope_begin();
    nx_tensor *t = nx_reshape(nx_iota(NX_SHAPE(2)), NX_SHAPE(2, 1, 1, 1), .names = NX_NAMES("x", "y", "z", "i"));
    NXTEST_PRINTS(nx_squeeze(t), "#Nx.Tensor<\n  s32[x: 2]\n  [0, 1]\n>");
    NXTEST_PRINTS(nx_squeeze(t, .axes = NX_AXES_NAMED("z")),
                  "#Nx.Tensor<\n  s32[x: 2][y: 1][i: 1]\n  [\n    [\n      [0]\n    ],\n    [\n      [1]\n    ]\n  ]\n>");
    cr_assert_eq(nx_rank(nx_squeeze(t, .axes = NX_AXES_EMPTY)), 4);
    nx_tensor *m = nx_iota(NX_SHAPE(2, 3));
    NXTEST_PRINTS(nx_new_axis(m, 1, "new"),
                  "#Nx.Tensor<\n  s32[2][new: 1][3]\n  [\n    [\n      [0, 1, 2]\n    ],\n    [\n      [3, 4, 5]\n    ]\n  ]\n>");
    cr_assert_eq(nx_shape_of(nx_new_axis(m, -1, NULL)).dims[2], 1);
    cr_assert_eq(nx_shape_of(nx_new_axis(m, -3, NULL)).dims[0], 1);
    nx_tensor *c = nx_iota(NX_SHAPE(1, 2, 3), .names = NX_NAMES("a", "b", "c"));
    NXTEST_PRINTS(nx_flatten(c, .axes = NX_AXES(1, 2)), "#Nx.Tensor<\n  s32[a: 1][6]\n  [\n    [0, 1, 2, 3, 4, 5]\n  ]\n>");
    NXTEST_PRINTS(nx_flatten(c), "#Nx.Tensor<\n  s32[6]\n  [0, 1, 2, 3, 4, 5]\n>");
    cr_assert_eq(nx_rank(nx_flatten(c, .axes = NX_AXES_EMPTY)), 3);
    cr_assert_eq(nx_shape_of(nx_flatten(nx_scalar(NX_INT(7), NX_S32))).dims[0], 1);
    nx_scope_end();
}

Test(layout, tile_examples)
{
    nx_scope_begin();
    nx_tensor *a = s32s(NX_SHAPE(3), (int32_t[]){ 0, 1, 2 });
    NXTEST_PRINTS(nx_tile(a, NX_INTS(2)), "#Nx.Tensor<\n  s32[6]\n  [0, 1, 2, 0, 1, 2]\n>");
    NXTEST_PRINTS(nx_tile(a, NX_INTS(2, 1)), "#Nx.Tensor<\n  s32[2][3]\n  [\n    [0, 1, 2],\n    [0, 1, 2]\n  ]\n>");
    nx_tensor *b = s32s(NX_SHAPE(2, 2), (int32_t[]){ 1, 2, 3, 4 });
    NXTEST_PRINTS(nx_tile(b, NX_INTS(2)), "#Nx.Tensor<\n  s32[2][4]\n  [\n    [1, 2, 1, 2],\n    [3, 4, 3, 4]\n  ]\n>");
    nx_tensor *named = nx_tile(nx_iota(NX_SHAPE(2), .names = NX_NAMES("x")), NX_INTS(1));
    cr_assert_null(nx_names_of(named).v[0], "tile drops names");
    /* Nine repeated axes do not fit interleaved in 16 axes: tiled axis by axis, each block
     * is the input. */
    nx_tensor *t9 = nx_iota(NX_SHAPE(2, 2, 2, 2, 2, 2, 2, 2, 2), .type = NX_U8);
    nx_tensor *big = nx_tile(t9, NX_INTS(2, 2, 3, 2, 2, 2, 2, 2, 2));
    cr_assert_not_null(big, "%s", nx_error_message());
    cr_assert_eq(nx_shape_of(big).dims[2], 6);
    cr_assert(same_bits(nx_slice(big, NX_STARTS(2, 0, 4, 2, 0, 2, 0, 2, 2), NX_INTS(2, 2, 2, 2, 2, 2, 2, 2, 2)), t9));
    nx_scope_end();
}

Test(layout, pad_examples_and_types)
{
    nx_scope_begin();
    nx_tensor *m = s32s(NX_SHAPE(2, 3), (int32_t[]){ 1, 2, 3, 4, 5, 6 });
    NXTEST_PRINTS(nx_pad(m, NX_I(0), NX_PADDING({ 0, 0, 1 }, { 0, 0, 1 })),
                  "#Nx.Tensor<\n  s32[3][5]\n  [\n    [1, 0, 2, 0, 3],\n    [0, 0, 0, 0, 0],\n    [4, 0, 5, 0, 6]\n  ]\n>");
    NXTEST_PRINTS(nx_pad(nx_as_type(m, NX_F32), NX_I(0), NX_PADDING({ -1, 2, 0 }, { 1, -1, 0 })),
                  "#Nx.Tensor<\n  f32[3][3]\n  [\n    [0.0, 4.0, 5.0],\n    [0.0, 0.0, 0.0],\n    [0.0, 0.0, 0.0]\n  ]\n>");
    NXTEST_PRINTS(nx_pad(nx_scalar(NX_INT(1), NX_S32), NX_I(0), NX_PADDING()), "#Nx.Tensor<\n  s32\n  1\n>");
    /* The number operand rule: u8 with 300 is u16, s32 with 0.5 is f32, f16 keeps f16. */
    nx_tensor *u = nx_as_type(m, NX_U8);
    NXTEST_PRINTS(nx_pad(u, NX_I(300), NX_PADDING({ 0, 0, 0 }, { 1, 0, 0 })),
                  "#Nx.Tensor<\n  u16[2][4]\n  [\n    [300, 1, 2, 3],\n    [300, 4, 5, 6]\n  ]\n>");
    cr_assert_eq(nx_type_of(nx_pad(m, NX_F(0.5), NX_PADDING({ 0, 0, 0 }, { 0, 0, 0 }))), NX_F32);
    nx_tensor *h = nx_pad(nx_as_type(m, NX_F16), NX_F(0.1), NX_PADDING({ 0, 0, 0 }, { 0, 1, 0 }));
    cr_assert_eq(nx_type_of(h), NX_F16);
    /* 0.1 rounded once to f16 (0x2E66), as Nx writes the number into the output type. */
    NXTEST_PRINTS(nx_bitcast(nx_slice(h, NX_STARTS(0, 3), NX_INTS(1, 1)), NX_U16), "#Nx.Tensor<\n  u16[1][1]\n  [\n    [11878]\n  ]\n>");
    /* A tensor pad value merges types. */
    cr_assert_eq(nx_type_of(nx_pad(u, nx_scalar(NX_INT(1), NX_S8), NX_PADDING({ 0, 0, 0 }, { 0, 0, 0 }))), NX_S16);
    nx_tensor *names = nx_pad(nx_iota(NX_SHAPE(3), .names = NX_NAMES("data")), NX_I(0), NX_PADDING({ 1, 1, 0 }));
    NXTEST_PRINTS(names, "#Nx.Tensor<\n  s32[data: 5]\n  [0, 0, 1, 2, 0]\n>");
    nx_scope_end();
}

Test(layout, pad_vectorized_pads_only_inner_axes)
{
    nx_scope_begin();
    nx_tensor *v = nx_vectorize(nx_iota(NX_SHAPE(2, 2)), "x");
    NXTEST_PRINTS(nx_pad(v, NX_I(9), NX_PADDING({ 1, 0, 0 })),
                  "#Nx.Tensor<\n  vectorized[x: 2]\n  s32[3]\n  [\n    [9, 0, 1],\n    [9, 2, 3]\n  ]\n>");
    nx_scope_end();
}

Test(layout, pad_outer_modes)
{
    nx_scope_begin();
    nx_tensor *a = s32s(NX_SHAPE(3), (int32_t[]){ 0, 1, 2 });
    NXTEST_PRINTS(nx_pad_outer_mode(a, NX_PAD_CYCLIC, NX_PAIRS({ 3, 1 })), "#Nx.Tensor<\n  s32[7]\n  [0, 1, 2, 0, 1, 2, 0]\n>");
    NXTEST_PRINTS(nx_pad_outer_mode(a, NX_PAD_MIRROR, NX_PAIRS({ 3, 3 })),
                  "#Nx.Tensor<\n  s32[9]\n  [2, 1, 0, 0, 1, 2, 2, 1, 0]\n>");
    NXTEST_PRINTS(nx_pad_outer_mode(a, NX_PAD_REFLECT, NX_PAIRS({ 3, 1 })), "#Nx.Tensor<\n  s32[7]\n  [1, 2, 1, 0, 1, 2, 1]\n>");
    NXTEST_PRINTS(nx_pad_outer_mode(a, NX_PAD_REPLICATE, NX_PAIRS({ 3, 1 })),
                  "#Nx.Tensor<\n  s32[7]\n  [0, 0, 0, 0, 1, 2, 2]\n>");
    /* Long pads wrap several times; a size-1 axis repeats its element in every mode. */
    NXTEST_PRINTS(nx_pad_outer_mode(a, NX_PAD_REFLECT, NX_PAIRS({ 5, 6 })),
                  "#Nx.Tensor<\n  s32[14]\n  [1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0]\n>");
    NXTEST_PRINTS(nx_pad_outer_mode(nx_iota(NX_SHAPE(1), .names = NX_NAMES("k")), NX_PAD_MIRROR, NX_PAIRS({ 2, 1 })),
                  "#Nx.Tensor<\n  s32[k: 4]\n  [0, 0, 0, 0]\n>");
    NXTEST_PRINTS(nx_pad_outer(nx_iota(NX_SHAPE(3, 3)), NX_I(0), NX_PAIRS({ 1, -1 }, { 1, -1 })),
                  "#Nx.Tensor<\n  s32[3][3]\n  [\n    [0, 0, 0],\n    [0, 0, 1],\n    [0, 3, 4]\n  ]\n>");
    nx_scope_end();
}

Test(layout, reverse_examples)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2, 2, 2), .type = NX_F32, .names = NX_NAMES("x", "y", "z"));
    NXTEST_PRINTS(nx_reverse(t, .axes = NX_AXES_NAMED("x", "z")),
                  "#Nx.Tensor<\n  f32[x: 2][y: 2][z: 2]\n  [\n    [\n      [5.0, 4.0],\n      [7.0, 6.0]\n    ],\n"
                  "    [\n      [1.0, 0.0],\n      [3.0, 2.0]\n    ]\n  ]\n>");
    NXTEST_PRINTS(nx_reverse(nx_iota(NX_SHAPE(3))), "#Nx.Tensor<\n  s32[3]\n  [2, 1, 0]\n>");
    NXTEST_PRINTS(nx_reverse(nx_iota(NX_SHAPE(3)), .axes = NX_AXES_EMPTY), "#Nx.Tensor<\n  s32[3]\n  [0, 1, 2]\n>");
    nx_scope_end();
}

Test(layout, concatenate_types_names_and_containers)
{
    nx_scope_begin();
    nx_tensor *t1 = nx_iota(NX_SHAPE(2, 2, 2), .names = NX_NAMES("x", "y", "z"), .type = NX_F32);
    nx_tensor *t2 = nx_iota(NX_SHAPE(1, 2, 2), .names = NX_NAMES("x", "y", "z"), .type = NX_U8);
    nx_tensor *t3 = nx_iota(NX_SHAPE(1, 2, 2), .names = NX_NAMES("x", "y", "z"), .type = NX_S64);
    nx_tensor *c = nx_concatenate(NX_TENSORS(t1, t2, t3), .axis = NX_AXIS_NAMED("x"));
    cr_assert_eq(nx_type_of(c), NX_F32);
    NXTEST_PRINTS(nx_slice(c, NX_STARTS(2, 0, 0), NX_INTS(2, 1, 2)),
                  "#Nx.Tensor<\n  f32[x: 2][y: 1][z: 2]\n  [\n    [\n      [0.0, 1.0]\n    ],\n    [\n      [0.0, 1.0]\n"
                  "    ]\n  ]\n>");
    /* Names merge: nil takes the other's name. */
    nx_tensor *a = nx_iota(NX_SHAPE(2), .names = NX_NAMES("n"));
    cr_assert_str_eq(nx_names_of(nx_concatenate(NX_TENSORS(nx_iota(NX_SHAPE(1)), a))).v[0], "n");
    /* One tensor is returned as it is. */
    NXTEST_PRINTS(nx_concatenate(NX_TENSORS(a)), "#Nx.Tensor<\n  s32[n: 2]\n  [0, 1]\n>");
    nx_scope_end();
}

Test(layout, concatenate_broadcasts_vectorized_axes)
{
    nx_scope_begin();
    /* a is vectorized [x: 2][y: 1], b is [y: 3]: the result is [x: 2][y: 3]. */
    nx_tensor *a = nx_vectorize(nx_vectorize(nx_iota(NX_SHAPE(2, 1, 1)), "x"), "y");
    nx_tensor *b = nx_vectorize(nx_add(nx_iota(NX_SHAPE(3, 2)), NX_I(10)), "y");
    NXTEST_PRINTS(nx_concatenate(NX_TENSORS(a, b)),
                  "#Nx.Tensor<\n  vectorized[x: 2][y: 3]\n  s32[3]\n  [\n    [\n      [0, 10, 11],\n      [0, 12, 13],\n"
                  "      [0, 14, 15]\n    ],\n    [\n      [1, 10, 11],\n      [1, 12, 13],\n      [1, 14, 15]\n    ]\n  ]\n>");
    /* Vectorized axes met in another order are transposed into the first order seen. */
    nx_tensor *xy = nx_vectorize(nx_vectorize(nx_iota(NX_SHAPE(2, 3, 1)), "x"), "y");
    nx_tensor *yx = nx_vectorize(nx_vectorize(nx_transpose(nx_iota(NX_SHAPE(2, 3, 1)), .axes = NX_AXES(1, 0, 2)), "y"), "x");
    nx_tensor *both = nx_concatenate(NX_TENSORS(xy, yx));
    NXTEST_PRINTS(both,
                  "#Nx.Tensor<\n  vectorized[x: 2][y: 3]\n  s32[2]\n  [\n    [\n      [0, 0],\n      [1, 1],\n"
                  "      [2, 2]\n    ],\n    [\n      [3, 3],\n      [4, 4],\n      [5, 5]\n    ]\n  ]\n>");
    nx_scope_end();
}

Test(layout, stack_examples)
{
    nx_scope_begin();
    nx_tensor *one = nx_scalar(NX_INT(1), NX_S32), *two = nx_scalar(NX_INT(2), NX_S32);
    NXTEST_PRINTS(nx_stack(NX_TENSORS(one, two), .name = "x"), "#Nx.Tensor<\n  s32[x: 2]\n  [1, 2]\n>");
    nx_tensor *a = s32s(NX_SHAPE(3), (int32_t[]){ 1, 2, 3 }), *b = s32s(NX_SHAPE(3), (int32_t[]){ 4, 5, 6 });
    NXTEST_PRINTS(nx_stack(NX_TENSORS(a, b), .axis = -1),
                  "#Nx.Tensor<\n  s32[3][2]\n  [\n    [1, 4],\n    [2, 5],\n    [3, 6]\n  ]\n>");
    NXTEST_PRINTS(nx_stack(NX_TENSORS(a), .axis = 1, .name = "k"),
                  "#Nx.Tensor<\n  s32[3][k: 1]\n  [\n    [1],\n    [2],\n    [3]\n  ]\n>");
    cr_assert_eq(nx_type_of(nx_stack(NX_TENSORS(a, nx_as_type(b, NX_F64)))), NX_F64);
    nx_scope_end();
}

Test(layout, split_examples)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(3, 4)), *l, *r;
    cr_assert_eq(nx_split(t, NX_INT(2), &l, &r), 0);
    cr_assert_eq(nx_shape_of(l).dims[0], 2);
    cr_assert_eq(nx_shape_of(r).dims[0], 1);
    cr_assert_eq(nx_split(t, NX_FLOAT(0.75), &l, &r, .axis = NX_AXIS(1)), 0);
    cr_assert_eq(nx_shape_of(l).dims[1], 3);
    NXTEST_PRINTS(r, "#Nx.Tensor<\n  s32[3][1]\n  [\n    [3],\n    [7],\n    [11]\n  ]\n>");
    cr_assert_eq(nx_split(nx_iota(NX_SHAPE(4)), NX_INT(-1), &l, &r), 0);
    NXTEST_PRINTS(l, "#Nx.Tensor<\n  s32[3]\n  [0, 1, 2]\n>");
    nx_scope_end();
}

Test(layout, slice_examples)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2, 15, 30));
    NXTEST_PRINTS(nx_slice(t, NX_STARTS(0, 4, 11), NX_INTS(2, 3, 9), .strides = NX_INTS(2, 1, 3)),
                  "#Nx.Tensor<\n  s32[1][3][3]\n  [\n    [\n      [131, 134, 137],\n      [161, 164, 167],\n"
                  "      [191, 194, 197]\n    ]\n  ]\n>");
    /* Starts clamp so that the slice fits; dynamic starts too, from below and above. */
    nx_tensor *m = nx_iota(NX_SHAPE(3, 3));
    NXTEST_PRINTS(nx_slice(m, NX_STARTS(2, 2), NX_INTS(2, 2)), "#Nx.Tensor<\n  s32[2][2]\n  [\n    [4, 5],\n    [7, 8]\n  ]\n>");
    nx_starts dyn = { .n = 2, .t = { nx_scalar(NX_INT(-5), NX_S8), nx_scalar(NX_UINT(UINT64_MAX), NX_U64) } };
    NXTEST_PRINTS(nx_slice(m, dyn, NX_INTS(2, 2)), "#Nx.Tensor<\n  s32[2][2]\n  [\n    [1, 2],\n    [4, 5]\n  ]\n>");
    NXTEST_PRINTS(nx_slice_along_axis(nx_iota(NX_SHAPE(2, 5), .names = NX_NAMES("x", "y")), 0, 1, .axis = NX_AXIS_NAMED("x")),
                  "#Nx.Tensor<\n  s32[x: 1][y: 5]\n  [\n    [0, 1, 2, 3, 4]\n  ]\n>");
    NXTEST_PRINTS(nx_slice_along_axis(nx_iota(NX_SHAPE(2, 5)), 0, 3, .axis = NX_AXIS(-1), .stride = 2),
                  "#Nx.Tensor<\n  s32[2][2]\n  [\n    [0, 2],\n    [5, 7]\n  ]\n>");
    nx_tensor *four = nx_scalar(NX_INT(4), NX_S32);
    NXTEST_PRINTS(nx_slice_along_axis(nx_iota(NX_SHAPE(6)), 0, 2, .start_tensor = four), "#Nx.Tensor<\n  s32[2]\n  [4, 5]\n>");
    NXTEST_PRINTS(nx_slice(nx_scalar(NX_INT(42), NX_S32), NX_STARTS(), NX_INTS()), "#Nx.Tensor<\n  s32\n  42\n>");
    nx_scope_end();
}

Test(layout, slice_with_vectorized_starts)
{
    nx_scope_begin();
    nx_tensor *idx = nx_vectorize(s32s(NX_SHAPE(3), (int32_t[]){ 0, 1, 10 }), "i");
    nx_starts s = { .n = 2, .t = { NULL, idx } };
    NXTEST_PRINTS(nx_slice(nx_iota(NX_SHAPE(3, 3)), s, NX_INTS(2, 2)),
                  "#Nx.Tensor<\n  vectorized[i: 3]\n  s32[2][2]\n  [\n    [\n      [0, 1],\n      [3, 4]\n    ],\n"
                  "    [\n      [1, 2],\n      [4, 5]\n    ],\n    [\n      [1, 2],\n      [4, 5]\n    ]\n  ]\n>");
    nx_scope_end();
}

Test(layout, put_slice_examples)
{
    nx_scope_begin();
    nx_tensor *t = s32s(NX_SHAPE(5), (int32_t[]){ 0, 1, 2, 3, 4 });
    NXTEST_PRINTS(nx_put_slice(t, NX_STARTS(2), s32s(NX_SHAPE(2), (int32_t[]){ 5, 6 })),
                  "#Nx.Tensor<\n  s32[5]\n  [0, 1, 5, 6, 4]\n>");
    /* Clamped start, merged type. */
    nx_tensor *m = s32s(NX_SHAPE(2, 3), (int32_t[]){ 1, 2, 3, 4, 5, 6 });
    nx_tensor *f = nx_as_type(s32s(NX_SHAPE(1, 2), (int32_t[]){ 10, 11 }), NX_F32);
    nx_starts dyn = { .n = 2, .t = { nx_scalar(NX_INT(0), NX_S32), nx_scalar(NX_INT(9), NX_S32) } };
    NXTEST_PRINTS(nx_put_slice(m, dyn, f), "#Nx.Tensor<\n  f32[2][3]\n  [\n    [1.0, 10.0, 11.0],\n    [4.0, 5.0, 6.0]\n  ]\n>");
    /* Names merge. */
    nx_tensor *named = nx_put_slice(nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES(NULL, "c")), NX_STARTS(0, 0),
                                    nx_iota(NX_SHAPE(1, 1), .names = NX_NAMES("r", NULL)));
    cr_assert_str_eq(nx_names_of(named).v[0], "r");
    cr_assert_str_eq(nx_names_of(named).v[1], "c");
    /* Vectorized tensor and slice broadcast together. */
    nx_tensor *tv = nx_vectorize(s32s(NX_SHAPE(2, 4), (int32_t[]){ 1, 2, 3, 4, 5, 6, 7, 8 }), "x");
    nx_tensor *sv = nx_vectorize(s32s(NX_SHAPE(2, 2), (int32_t[]){ 10, 20, 30, 40 }), "y");
    NXTEST_PRINTS(nx_put_slice(tv, NX_STARTS(2), sv),
                  "#Nx.Tensor<\n  vectorized[x: 2][y: 2]\n  s32[4]\n  [\n    [\n      [1, 2, 10, 20],\n"
                  "      [1, 2, 30, 40]\n    ],\n    [\n      [5, 6, 10, 20],\n      [5, 6, 30, 40]\n    ]\n  ]\n>");
    nx_scope_end();
}

/* ------------------------------------------------------------------ errors */

Test(layout, transpose_and_reverse_errors)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2, 2), .names = NX_NAMES("batch", "x"));
    cr_assert_null(nx_transpose(t, .axes = NX_AXES_NAMED("batch")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected length of permutation (1) to match rank of shape (2)");
    cr_assert_null(nx_transpose(t, .axes = NX_AXES(1, 2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (2) invalid for shape with rank 2");
    cr_assert_null(nx_transpose(t, .axes = NX_AXES(0, 0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "axes [0, 0] must be unique integers between 0 and 1");
    cr_assert_null(nx_transpose(t, .axes = NX_AXES_EMPTY));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected length of permutation (0) to match rank of shape (2)");
    cr_assert_null(nx_reverse(t, .axes = NX_AXES_NAMED("y")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "name :y not found in tensor with names [:batch, :x]");
    /* On a vectorized tensor axes count inner axes only. */
    cr_assert_null(nx_reverse(nx_vectorize(t, "v"), .axes = NX_AXES(-2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (-2) invalid for shape with rank 1");
    nx_scope_end();
}

Test(layout, view_errors)
{
    nx_scope_begin();
    nx_tensor *m = nx_iota(NX_SHAPE(2, 3));
    cr_assert_null(nx_squeeze(m, .axes = NX_AXES(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot squeeze dimensions whose sizes are not 1, got 3 for dimension 1");
    cr_assert_null(nx_squeeze(nx_iota(NX_SHAPE(1, 1, 1, 1, 1)), .axes = NX_AXES(0, 0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "axes [0, 0] must be unique integers between 0 and 4");
    cr_assert_null(nx_new_axis(m, 3, NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "new axis position for shape {2, 3} must be a number between -3 and 2, got: 3");
    cr_assert_null(nx_new_axis(m, -4, NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "new axis position for shape {2, 3} must be a number between -3 and 2, got: -4");
    cr_assert_null(nx_flatten(nx_iota(NX_SHAPE(1, 2, 3)), .axes = NX_AXES(0, 2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "flatten axes must be consecutive");
    cr_assert_null(nx_flatten(nx_iota(NX_SHAPE(1, 2, 3)), .axes = NX_AXES(2, 1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "flatten axes must be consecutive");
    cr_assert_null(nx_tile(m, NX_INTS(2, 0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "repetitions must be a list of integers, got: [2, 0]");
    nx_scope_end();
}

Test(layout, pad_errors)
{
    nx_scope_begin();
    nx_tensor *m = nx_iota(NX_SHAPE(2, 3));
    cr_assert_null(nx_pad(m, nx_iota(NX_SHAPE(1)), NX_PADDING({ 0, 0, 0 }, { 0, 0, 0 })));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "padding value must be a scalar and non-vectorized");
    cr_assert_null(nx_pad(m, nx_vectorize(nx_iota(NX_SHAPE(2)), "v"), NX_PADDING({ 0, 0, 0 }, { 0, 0, 0 })));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "padding value must be a scalar and non-vectorized");
    cr_assert_null(nx_pad(m, NX_I(0), NX_PADDING({ 0, 0, 0 })));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid padding configuration, rank of padding configuration and shape must match");
    cr_assert_null(nx_pad(m, NX_I(0), NX_PADDING({ 0, 0, 0 }, { 0, 0, -1 })));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid padding configuration, interior padding must be non-negative");
    cr_assert_null(nx_pad(m, NX_I(0), NX_PADDING({ 0, 0, 0 }, { -2, -1, 0 })));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid padding configuration, output dimension 1 would be 0");
    cr_assert_null(nx_pad_outer_mode(nx_scalar(NX_INT(1), NX_S32), NX_PAD_CYCLIC, NX_PAIRS()));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected tensor to have rank greater than 0");
    cr_assert_null(nx_pad_outer_mode(m, NX_PAD_CYCLIC, NX_PAIRS({ 1, 1 })));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected to have one padding_config entry each tensor axis");
    cr_assert_null(nx_pad_outer_mode(m, NX_PAD_MIRROR, NX_PAIRS({ 1, 1 }, { -1, 0 })));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "expected padding config for axis 1 to be of the format {left, right}, with left and right as non-negative integers, got: {-1, 0}");
    nx_scope_end();
}

Test(layout, concatenate_and_stack_errors)
{
    nx_scope_begin();
    cr_assert_null(nx_concatenate((nx_tensor_list){ 0 }));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "no tensors were given to concatenate");
    cr_assert_null(nx_stack((nx_tensor_list){ 0 }));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "no tensors were given to stack");
    nx_tensor *t1 = nx_iota(NX_SHAPE(1, 2, 3)), *t2 = nx_iota(NX_SHAPE(1, 1, 3));
    cr_assert_null(nx_concatenate(NX_TENSORS(t1, t2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected all shapes to match {*, 2, 3}, got unmatching shape: {1, 1, 3}");
    cr_assert_null(nx_concatenate(NX_TENSORS(t1, nx_iota(NX_SHAPE(1, 1)))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected all shapes to match {*, 2, 3}, got unmatching shape: {1, 1}");
    cr_assert_null(nx_concatenate(NX_TENSORS(t1, t1), .axis = NX_AXIS(3)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (3) invalid for shape with rank 3");
    /* Name conflicts report the concatenation axis on both sides, later input first. */
    nx_tensor *a = nx_iota(NX_SHAPE(2, 2), .names = NX_NAMES("a", "b"));
    nx_tensor *b = nx_iota(NX_SHAPE(2, 2), .names = NX_NAMES("a", "c"));
    cr_assert_null(nx_concatenate(NX_TENSORS(a, b)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot merge name :c on axis 0 with name :b on axis 0");
    cr_assert_null(nx_stack(NX_TENSORS(a, b), .axis = -1));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot merge name :c on axis -1 with name :b on axis -1");
    /* Names are merged before shapes are compared (up to the smallest rank). */
    cr_assert_null(nx_concatenate(NX_TENSORS(a, nx_iota(NX_SHAPE(2), .names = NX_NAMES("z")))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot merge name :z on axis 0 with name :a on axis 0");
    cr_assert_null(nx_stack(NX_TENSORS(t1, t2, t1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "can only stack tensors of the same shape, got distinct shapes: [{1, 2, 3}, {1, 1, 3}]");
    cr_assert_null(nx_stack(NX_TENSORS(t1, t1), .axis = 4));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "new axis position for shape {1, 2, 3} must be a number between -4 and 3, got: 4");
    nx_tensor *vx = nx_vectorize(nx_iota(NX_SHAPE(2, 1)), "x"), *vx3 = nx_vectorize(nx_iota(NX_SHAPE(3, 1)), "x");
    cr_assert_null(nx_concatenate(NX_TENSORS(vx, vx3)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "expected vectorized axis :x to have the same size in both tensors or to one of them to have size 1, got 3 and 2");
    nx_scope_end();
}

Test(layout, split_errors)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(4)), *l, *r;
    cr_assert_eq(nx_split(t, NX_INT(4), &l, &r), -1);
    cr_assert_null(l);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "split must be an integer greater than zero and less than the length of the given axis");
    cr_assert_eq(nx_split(t, NX_INT(-4), &l, &r), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "split must be an integer greater than zero and less than the length of the given axis");
    cr_assert_eq(nx_split(t, NX_FLOAT(1.0), &l, &r), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "split must be a float such that 0 < split and ceil(split * axis_size) < 1");
    cr_assert_eq(nx_split(t, NX_FLOAT(-0.5), &l, &r), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "split must be a float such that 0 < split and ceil(split * axis_size) < 1");
    cr_assert_eq(nx_split(nx_scalar(NX_INT(1), NX_S32), NX_INT(1), &l, &r), -1);
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (0) invalid for shape with rank 0");
    nx_scope_end();
}

Test(layout, slice_errors)
{
    nx_scope_begin();
    nx_tensor *m = nx_iota(NX_SHAPE(2, 3));
    cr_assert_null(nx_slice(m, NX_STARTS(0, 0), NX_INTS(1, 1), .strides = NX_INTS(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid strides rank for shape of rank 2");
    cr_assert_null(nx_slice(m, NX_STARTS(0), NX_INTS(1, 1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid start indices rank for shape of rank 2");
    cr_assert_null(nx_slice(m, NX_STARTS(0, 0), NX_INTS(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid limit indices rank for shape of rank 2");
    cr_assert_null(nx_slice(m, NX_STARTS(0, 0), NX_INTS(1, 0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "length at axis 1 must be greater than or equal to 1, got: 0");
    cr_assert_null(nx_slice(m, NX_STARTS(0, 0), NX_INTS(1, 1), .strides = NX_INTS(1, 0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "stride at axis 1 must be greater than or equal to 1, got: 0");
    cr_assert_null(nx_slice(m, NX_STARTS(0, 0), NX_INTS(3, 1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "length at axis 0 must be less than axis size of 2, got: 3");
    nx_starts bad = { .n = 2, .t = { nx_iota(NX_SHAPE(2)) } };
    cr_assert_null(nx_slice(m, bad, NX_INTS(1, 1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "index must be scalar, got shape {2} for axis 0");
    nx_starts fl = { .n = 2, .t = { nx_scalar(NX_FLOAT(1), NX_F32) } };
    cr_assert_null(nx_slice(m, fl, NX_INTS(1, 1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "index must be integer type, got {:f, 32} for axis 0");
    nx_starts vec = { .n = 2, .t = { NULL, nx_vectorize(nx_iota(NX_SHAPE(2)), "i") } };
    cr_assert_null(nx_put_slice(m, vec, nx_iota(NX_SHAPE(1, 1))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "index for axis 1 must be non-vectorized");
    cr_assert_null(nx_put_slice(m, NX_STARTS(0), nx_iota(NX_SHAPE(1, 1))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid start indices rank for shape of rank 2");
    cr_assert_null(nx_put_slice(m, NX_STARTS(0, 0), nx_iota(NX_SHAPE(1))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "invalid slice for put_slice, rank of slice must match 2, got: 1");
    cr_assert_null(nx_put_slice(m, NX_STARTS(0, 0), nx_iota(NX_SHAPE(1, 4))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "slice shape {1, 4} must be less than or equal to tensor shape {2, 3}");
    cr_assert_null(nx_put_slice(nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES(NULL, "x")), NX_STARTS(0, 0),
                                nx_iota(NX_SHAPE(1, 1), .names = NX_NAMES(NULL, "y"))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot merge name :x on axis 1 with name :y on axis 1");
    nx_scope_end();
}

Test(layout, null_inputs_keep_the_first_error)
{
    nx_scope_begin();
    cr_assert_null(nx_transpose(nx_reverse(nx_pad(nx_squeeze(nx_iota(NX_SHAPE(2)), .axes = NX_AXES(0)), NX_I(0),
                                                  NX_PADDING({ 1, 1, 0 })))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot squeeze dimensions whose sizes are not 1, got 2 for dimension 0");
    cr_assert_null(nx_concatenate(NX_TENSORS(nx_iota(NX_SHAPE(2)), nx_tile(nx_iota(NX_SHAPE(2)), NX_INTS(0)))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "repetitions must be a list of integers, got: [0]");
    nx_scope_end();
}

/* ------------------------------------------------------------------ big copies */

/* A transpose big enough for the tiled path and the thread pool, checked per element. */
Test(layout, big_transpose_is_exact)
{
    nx_scope_begin();
    int64_t rows = 1000, cols = 1531;
    nx_tensor *t = nx_iota(NX_SHAPE(rows, cols), .type = NX_F32);
    nx_tensor *tt = nx_transpose(t);
    cr_assert_not_null(tt);
    float *v = malloc((size_t)(rows * cols) * sizeof *v);
    cr_assert_eq(nx_to_binary(tt, v, rows * cols * 4), rows * cols * 32);
    for (int64_t i = 0; i < cols; i++)
        for (int64_t j = 0; j < rows; j++)
            if (v[i * rows + j] != (float)(j * cols + i))
                cr_assert_fail("transpose[%lld][%lld] = %g", (long long)i, (long long)j, v[i * rows + j]);
    free(v);
    /* Transposing back is the identity, for every element width and a 3-D permutation. */
    nx_type types[] = { NX_U8, NX_S16, NX_F32, NX_F64, NX_C128, NX_U4, NX_S2 };
    for (size_t k = 0; k < sizeof types / sizeof *types; k++) {
        nx_tensor *x = nx_iota(NX_SHAPE(70, 3, 129), .type = types[k]);
        nx_tensor *y = nx_transpose(nx_transpose(x, .axes = NX_AXES(2, 0, 1)), .axes = NX_AXES(1, 2, 0));
        cr_assert(same_bits(x, y), "%s", nx_type_name(types[k]));
    }
    nx_scope_end();
}

/* Big pads, slices, reverses and concatenations agree with the same op built from small
 * pieces (each piece too small for the thread pool). */
Test(layout, big_copies_agree_with_small_ones)
{
    nx_scope_begin();
    nx_tensor *x = nx_iota(NX_SHAPE(300, 500), .type = NX_S32);
    nx_tensor *top = nx_slice(x, NX_STARTS(0, 0), NX_INTS(150, 500)), *bottom = nx_slice(x, NX_STARTS(150, 0), NX_INTS(150, 500));
    cr_assert(same_bits(nx_concatenate(NX_TENSORS(top, bottom)), x));
    nx_tensor *rev = nx_reverse(x);
    cr_assert(same_bits(nx_reverse(rev), x));
    nx_tensor *padded = nx_pad(x, NX_I(-1), NX_PADDING({ 2, -3, 1 }, { -7, 5, 0 }));
    cr_assert_eq(nx_shape_of(padded).dims[0], 300 + 2 - 3 + 299);
    /* Every other row of the padded tensor is a row of x cut and padded. */
    nx_tensor *row = nx_slice(padded, NX_STARTS(2 + 2 * 17, 0), NX_INTS(1, 498));
    nx_tensor *want = nx_pad(nx_slice(x, NX_STARTS(17, 7), NX_INTS(1, 493)), NX_I(-1), NX_PADDING({ 0, 0, 0 }, { 0, 5, 0 }));
    cr_assert(same_bits(row, want));
    nx_tensor *stacked = nx_stack(NX_TENSORS(x, rev, x), .axis = 1);
    cr_assert(same_bits(nx_slice(stacked, NX_STARTS(0, 1, 0), NX_INTS(300, 1, 500)), nx_new_axis(rev, 1, NULL)));
    nx_tensor *put = nx_put_slice(x, NX_STARTS(100, 100), nx_slice(rev, NX_STARTS(0, 0), NX_INTS(200, 400)));
    cr_assert(same_bits(nx_slice(put, NX_STARTS(100, 100), NX_INTS(200, 400)), nx_slice(rev, NX_STARTS(0, 0), NX_INTS(200, 400))));
    cr_assert(same_bits(nx_slice(put, NX_STARTS(0, 0), NX_INTS(100, 500)), nx_slice(x, NX_STARTS(0, 0), NX_INTS(100, 500))));
    nx_scope_end();
}

/* ------------------------------------------------------------------ failed allocations */

static nx_tensor *alloc_pad(void)
{
    return nx_pad(nx_iota(NX_SHAPE(3, 4), .type = NX_U4), NX_F(1.5), NX_PADDING({ 1, -1, 1 }, { 0, 2, 0 }));
}

static nx_tensor *alloc_concat(void)
{
    nx_tensor *a = nx_vectorize(nx_iota(NX_SHAPE(2, 3)), "x"), *b = nx_vectorize(nx_iota(NX_SHAPE(3, 3)), "y");
    return nx_concatenate(NX_TENSORS(a, nx_as_type(b, NX_F16)));
}

static nx_tensor *alloc_slice(void)
{
    nx_starts s = { .n = 2, .t = { NULL, nx_vectorize(nx_iota(NX_SHAPE(3)), "i") } };
    return nx_slice(nx_iota(NX_SHAPE(3, 3)), s, NX_INTS(2, 2));
}

static nx_tensor *alloc_pad_outer(void)
{
    return nx_pad_outer_mode(nx_iota(NX_SHAPE(2, 3)), NX_PAD_REFLECT, NX_PAIRS({ 3, 2 }, { 1, 4 }));
}

static nx_tensor *alloc_tile_put(void)
{
    nx_tensor *t = nx_tile(nx_iota(NX_SHAPE(2, 2), .type = NX_S2), NX_INTS(2, 1, 3));
    return nx_put_slice(t, NX_STARTS(1, 0, 1), nx_transpose(nx_iota(NX_SHAPE(1, 2, 2))));
}

Test(layout, failed_allocations)
{
    nxtest_survives_failed_allocations(alloc_pad);
    nxtest_survives_failed_allocations(alloc_concat);
    nxtest_survives_failed_allocations(alloc_slice);
    nxtest_survives_failed_allocations(alloc_pad_outer);
    nxtest_survives_failed_allocations(alloc_tile_put);
}

/* ------------------------------------------------------------------ the bindings */

#define EVAL_IS(code, expected) nxtest_expect_code((code), (expected))

Test(layout, bindings_check_options)
{
    EVAL_IS("Nx.transpose(Nx.iota({2}), foo: 1)",
            "** (ArgumentError) unknown key :foo in [foo: 1], expected one of [:axes]");
    EVAL_IS("Nx.flatten(Nx.iota({2}), foo: 1, bar: 2)",
            "** (ArgumentError) unknown keys [:foo, :bar] in [foo: 1, bar: 2], the allowed keys are: [:axes]");
    EVAL_IS("Nx.flatten(Nx.iota({2}), axes: [0], axes: [0])",
            "** (ArgumentError) duplicate keys [:axes] in [axes: [0], axes: [0]]");
    EVAL_IS("Nx.slice_along_axis(Nx.iota({2}), 0, 1, foo: 1)",
            "** (ArgumentError) unknown key :foo in [foo: 1], expected one of [:strides, :axis]");
    EVAL_IS("Nx.stack([1, 2], bar: 1)", "** (ArgumentError) unknown key :bar in [bar: 1], expected one of [:axis, :name]");
    EVAL_IS("Nx.tile(Nx.tensor([1,2]), [1, 0])", "** (ArgumentError) repetitions must be a list of integers, got: [1, 0]");
    EVAL_IS("Nx.tile(Nx.tensor([1,2]), 1.0)", "** (ArgumentError) repetitions must be a list of integers, got: 1.0");
    EVAL_IS("Nx.reflect(Nx.tensor([1, 2]))", "** (ArgumentError) missing mandatory option :padding_config");
    EVAL_IS("Nx.pad_outer(Nx.tensor([1, 2]), :foo, [{1, 1}])",
            "** (ArgumentError) expected padding type to be either of [:cyclic, :mirror, :replicate, :reflect], got :foo");
    EVAL_IS("Nx.pad_outer(Nx.tensor([1, 2]), 0, [{1, 1.0}])",
            "** (ArgumentError) expected padding config for axis 0 to be of the format {left, right}, with left and right as integers, got: {1, 1.0}");
    EVAL_IS("Nx.pad_outer(Nx.tensor([1, 2]), :cyclic, [{-1, 1}])",
            "** (ArgumentError) expected padding config for axis 0 to be of the format {left, right}, with left and right as non-negative integers, got: {-1, 1}");
    EVAL_IS("Nx.slice(Nx.iota({3}), [0], [1.5])",
            "** (ArgumentError) length at axis 0 must be greater than or equal to 1, got: 1.5");
    EVAL_IS("Nx.slice(Nx.iota({3}), [0], [1], strides: [0])",
            "** (ArgumentError) stride at axis 0 must be greater than or equal to 1, got: 0");
    EVAL_IS("Nx.split(Nx.iota({4}), 5)",
            "** (ArgumentError) split must be an integer greater than zero and less than the length of the given axis");
    EVAL_IS("Nx.concatenate([])", "** (ArgumentError) no tensors were given to concatenate");
}

Test(layout, bindings_examples)
{
    EVAL_IS("{a, b} = Nx.split(Nx.iota({2, 4}), 0.5, axis: 1)\nNx.to_flat_list(b)", "[2, 3, 6, 7]");
    EVAL_IS("Nx.concatenate({Nx.tensor([1, 2]), {Nx.tensor([3]), Nx.tensor([4.0])}}) |> Nx.to_flat_list()",
            "[1.0, 2.0, 3.0, 4.0]");
    EVAL_IS("Nx.concatenate([Nx.tensor([1, 2]), 4.0])",
            "** (ArgumentError) expected all shapes to match {*}, got unmatching shape: {}");
    EVAL_IS("Nx.slice(Nx.add(Nx.iota({2, 6}), 1000), [1, Nx.tensor(1)], [1, 5], strides: 2) |> Nx.to_flat_list()",
            "[1007, 1009, 1011]");
    EVAL_IS("Nx.squeeze(Nx.iota({1, 2, 1}), axes: []) |> Nx.shape()", "{1, 2, 1}");
    EVAL_IS("Nx.reflect(Nx.tensor([0, 1, 2]), padding_config: [{3, 1}]) |> Nx.to_flat_list()", "[1, 2, 1, 0, 1, 2, 1]");
    EVAL_IS("Nx.put_slice(Nx.iota({3}), [5], Nx.tensor([9])) |> Nx.to_flat_list()", "[0, 1, 9]");
    EVAL_IS("Nx.new_axis(Nx.iota({2}), -1, :k) |> Nx.names()", "[nil, :k]");
}

/* Slices that are one contiguous run of elements are views at an offset into the
 * buffer: their values, and everything built on them (slices of slices, reshape,
 * conversion, concatenation), read from the right place. */
Test(layout, contiguous_slices_are_views)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(4, 3));
    nx_tensor *rows = nx_slice(t, NX_STARTS(1, 0), NX_INTS(2, 3));
    NXTEST_PRINTS(rows, "#Nx.Tensor<\n  s32[2][3]\n  [\n    [3, 4, 5],\n    [6, 7, 8]\n  ]\n>");
    nx_tensor *row = nx_slice_along_axis(rows, 1, 1);
    NXTEST_PRINTS(nx_reshape(row, NX_SHAPE(3)), "#Nx.Tensor<\n  s32[3]\n  [6, 7, 8]\n>");
    nx_tensor *part = nx_slice(row, NX_STARTS(0, 1), NX_INTS(1, 2));
    NXTEST_PRINTS(nx_as_type(part, NX_F32), "#Nx.Tensor<\n  f32[1][2]\n  [\n    [7.0, 8.0]\n  ]\n>");
    NXTEST_PRINTS(nx_concatenate(NX_TENSORS(nx_slice_along_axis(t, 3, 1), nx_slice_along_axis(t, 0, 1))),
                  "#Nx.Tensor<\n  s32[2][3]\n  [\n    [9, 10, 11],\n    [0, 1, 2]\n  ]\n>");
    int32_t got[3];
    cr_assert_eq(nx_to_binary(nx_reshape(row, NX_SHAPE(3)), got, sizeof got), 96);
    cr_assert(got[0] == 6 && got[1] == 7 && got[2] == 8);
    /* a column is not contiguous: copied, same values */
    NXTEST_PRINTS(nx_slice(t, NX_STARTS(2, 1), NX_INTS(2, 1)), "#Nx.Tensor<\n  s32[2][1]\n  [\n    [7],\n    [10]\n  ]\n>");
    NXTEST_OK();
    nx_scope_end();
}
