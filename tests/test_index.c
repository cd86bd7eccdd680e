/* tests/test_index.c: selection and indexing (select, clip, gather, take, take_along_axis,
 * indexed_add, indexed_put) and the Access syntax tensor[...]: random shapes of every type,
 * random (clamped, duplicated, out-of-range) indices and vectorized operands against the
 * NumPy oracle of tests/oracle/gen_index.py (bit for bit); Nx's documented examples; every
 * error message; types, names and vectorized axes; properties; failed allocations; and the
 * interpreter bindings (Nx.__access__/2 through the evaluator). */
#include "support/nxtest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/ast.h"
#include "cli/eval.h"

/* ------------------------------------------------------------------ the oracle file */

enum { OP_GATHER, OP_TAKE, OP_ALONG, OP_ADD, OP_PUT, OP_SELECT, OP_CLIP, OP_COUNT };
static const char *const op_names[] = { "gather", "take", "take_along_axis", "indexed_add",
                                        "indexed_put", "select", "clip" };

typedef struct {
    const unsigned char *p, *end;
} reader;

static uint64_t rd_le(reader *r, int bytes)
{
    cr_assert((size_t)(r->end - r->p) >= (size_t)bytes, "index.bin is truncated: regenerate it");
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = (v << 8) | r->p[i];
    r->p += bytes;
    return v;
}

typedef struct {
    nx_type type;
    int vrank, vname[NX_MAX_RANK];
    nx_shape shape;          /* all axes, vectorized first */
    uint64_t nbytes;
    const unsigned char *data;
} rec_tensor;

static rec_tensor rd_tensor(reader *r)
{
    rec_tensor t = { .type = (nx_type)rd_le(r, 1), .vrank = (int)rd_le(r, 1) };
    cr_assert(t.vrank <= NX_MAX_RANK);
    for (int i = 0; i < t.vrank; i++)
        t.vname[i] = (int)rd_le(r, 1);
    t.shape.rank = (int)rd_le(r, 1);
    cr_assert(t.shape.rank <= NX_MAX_RANK);
    for (int i = 0; i < t.shape.rank; i++)
        t.shape.dims[i] = (int64_t)rd_le(r, 8);
    t.nbytes = rd_le(r, 8);
    cr_assert((uint64_t)(r->end - r->p) >= t.nbytes, "index.bin is truncated");
    t.data = r->p;
    r->p += t.nbytes;
    return t;
}

static const char *const vnames[] = { "v0", "v1", "v2", "v3" };

/* The record as a tensor: the data with its full shape, then its vectorized axes. */
static nx_tensor *make(const rec_tensor *t)
{
    nx_tensor *x = nx_from_data(t->data, t->type, t->shape);
    for (int i = 0; i < t->vrank && x; i++)
        x = nx_vectorize(x, vnames[t->vname[i]]);
    cr_assert_not_null(x, "oracle operand: %s", nx_error_message());
    return x;
}

/* Compares type, vectorized axes, shape and bytes. */
static void expect_tensor(const nx_tensor *got, const rec_tensor *want, const char *what, unsigned c)
{
    cr_assert_not_null(got, "%s case %u: %s", what, c, nx_error_message());
    cr_assert_eq(nx_type_of(got), want->type, "%s case %u: type %s, expected %s", what, c,
                 nx_type_name(nx_type_of(got)), nx_type_name(want->type));
    cr_assert_eq(nx_vectorized_rank(got), want->vrank, "%s case %u: vectorized rank", what, c);
    nx_tensor *d = nx_devectorize(got, true);
    nx_shape s = nx_shape_of(d);
    nx_names n = nx_names_of(d);
    cr_assert_eq(s.rank, want->shape.rank, "%s case %u: rank %d, expected %d", what, c, s.rank, want->shape.rank);
    for (int i = 0; i < s.rank; i++)
        cr_assert_eq(s.dims[i], want->shape.dims[i], "%s case %u: axis %d", what, c, i);
    for (int i = 0; i < want->vrank; i++)
        cr_assert_str_eq(n.v[i], vnames[want->vname[i]], "%s case %u: vectorized axis %d", what, c, i);
    int64_t bits = nx_to_binary(d, NULL, 0);
    cr_assert_eq((uint64_t)(bits + 7) / 8, want->nbytes, "%s case %u: %lld bits", what, c, (long long)bits);
    unsigned char *buf = malloc(want->nbytes + 1);
    cr_assert_not_null(buf);
    nx_to_binary(d, buf, (int64_t)want->nbytes);
    for (uint64_t i = 0; i < want->nbytes; i++)
        cr_assert_eq(buf[i], want->data[i], "%s case %u: byte %llu is %02x, expected %02x", what, c,
                     (unsigned long long)i, buf[i], want->data[i]);
    free(buf);
}

/* Runs a scaled share of the oracle cases of one op. */
static void run_oracle(int want_op)
{
    size_t len;
    unsigned char *file = nxtest_read_oracle("index.bin", &len);
    reader r = { file, file + len };
    cr_assert(len >= 16 && memcmp(file, "NXINDX1\n", 8) == 0, "index.bin: bad magic");
    r.p += 8;
    unsigned seed = (unsigned)rd_le(&r, 4), ncases = (unsigned)rd_le(&r, 4);
    long limit = nxtest_scaled((long)ncases / OP_COUNT), done = 0;
    for (unsigned c = 0; c < ncases && done < limit; c++) {
        int op = (int)rd_le(&r, 1), nin = (int)rd_le(&r, 1);
        int axis_given = (int)rd_le(&r, 1), axis = (int)(int32_t)rd_le(&r, 4);
        nx_axes axes = { .n = (int)rd_le(&r, 1) };
        cr_assert(axes.n <= NX_MAX_RANK && nin <= 3);
        for (int i = 0; i < axes.n; i++)
            axes.index[i] = (int)(int32_t)rd_le(&r, 4);
        rec_tensor in[3], want;
        for (int i = 0; i < nin; i++)
            in[i] = rd_tensor(&r);
        want = rd_tensor(&r);
        if (op != want_op)
            continue;
        done++;
        nx_scope_begin();
        nx_tensor *a = make(&in[0]), *b = make(&in[1]), *u = nin > 2 ? make(&in[2]) : NULL, *got = NULL;
        nx_axis ax = axis_given ? NX_AXIS(axis) : (nx_axis){ 0 };
        switch (op) {
        case OP_GATHER: got = nx_gather(a, b, .axes = axes); break;
        case OP_TAKE: got = nx_take(a, b, .axis = ax); break;
        case OP_ALONG: got = nx_take_along_axis(a, b, .axis = ax); break;
        case OP_ADD: got = nx_indexed_add(a, b, u, .axes = axes); break;
        case OP_PUT: got = nx_indexed_put(a, b, u, .axes = axes); break;
        case OP_SELECT: got = nx_select(a, b, u); break;
        case OP_CLIP: got = nx_clip(a, b, u); break;
        }
        char what[64];
        snprintf(what, sizeof what, "%s (seed %u)", op_names[op], seed);
        expect_tensor(got, &want, what, c);
        nx_scope_end();
    }
    cr_assert_gt(done, 0, "no %s cases in index.bin", op_names[want_op]);
    free(file);
}

Test(index, gather_matches_numpy) { run_oracle(OP_GATHER); }
Test(index, take_matches_numpy) { run_oracle(OP_TAKE); }
Test(index, take_along_axis_matches_numpy) { run_oracle(OP_ALONG); }
Test(index, indexed_add_matches_numpy) { run_oracle(OP_ADD); }
Test(index, indexed_put_matches_numpy) { run_oracle(OP_PUT); }
Test(index, select_matches_numpy) { run_oracle(OP_SELECT); }
Test(index, clip_matches_numpy) { run_oracle(OP_CLIP); }

/* ------------------------------------------------------------------ small helpers */

static nx_tensor *ints(const int32_t *v, nx_shape s)
{
    return nx_from_data(v, NX_S32, s);
}
#define I32(shape, ...) ints((const int32_t[]){ __VA_ARGS__ }, shape)

static nx_tensor *floats(const float *v, nx_shape s)
{
    return nx_from_data(v, NX_F32, s);
}
#define F32(shape, ...) floats((const float[]){ __VA_ARGS__ }, shape)

static nx_tensor *named(nx_tensor *t, nx_names n)
{
    return nx_rename(t, n);
}

/* ------------------------------------------------------------------ documented examples */

Test(index, select_examples)
{
    nx_scope_begin();
    NXTEST_PRINTS(nx_select(I32(NX_SHAPE(2, 2), 1, 0, 1, 1), I32(NX_SHAPE(2, 2), 1, 2, 3, 4),
                            I32(NX_SHAPE(2, 2), 5, 6, 7, 8)),
                  "#Nx.Tensor<\n  s32[2][2]\n  [\n    [1, 6],\n    [3, 4]\n  ]\n>");
    /* A scalar pred picks a whole operand; the shape is the operands' broadcast. */
    NXTEST_PRINTS(nx_select(NX_I(0), named(I32(NX_SHAPE(1, 2), 1, 2), NX_NAMES("x", "y")),
                            named(I32(NX_SHAPE(2, 1), 3, 4), NX_NAMES("x", "y"))),
                  "#Nx.Tensor<\n  s32[x: 2][y: 2]\n  [\n    [3, 3],\n    [4, 4]\n  ]\n>");
    /* Otherwise pred's shape and names win. */
    NXTEST_PRINTS(nx_select(named(I32(NX_SHAPE(3), 0, 1, 0), NX_NAMES("x")), named(I32(NX_SHAPE(3), 1, 2, 3), NX_NAMES("y")),
                            named(I32(NX_SHAPE(3), 4, 5, 6), NX_NAMES("z"))),
                  "#Nx.Tensor<\n  s32[x: 3]\n  [4, 2, 6]\n>");
    /* merge(on_true, on_false), numbers as s32/f32 tensors (so u8 with 0 is s32). */
    NXTEST_PRINTS(nx_select(I32(NX_SHAPE(3), 0, 1, 0), I32(NX_SHAPE(3), 1, 1, 1), F32(NX_SHAPE(3), 2, 2, 2)),
                  "#Nx.Tensor<\n  f32[3]\n  [2.0, 1.0, 2.0]\n>");
    NXTEST_PRINTS(nx_select(NX_I(1), nx_as_type(I32(NX_SHAPE(2), 7, 8), NX_U8), NX_I(0)),
                  "#Nx.Tensor<\n  s32[2]\n  [7, 8]\n>");
    /* Any non-zero pred is true, NaN included; -0.0 is false. */
    NXTEST_PRINTS(nx_select(F32(NX_SHAPE(4), 0.0f, -0.0f, NAN, 0.25f), NX_I(1), NX_I(2)),
                  "#Nx.Tensor<\n  s32[4]\n  [2, 2, 1, 1]\n>");
    NXTEST_OK();
    nx_scope_end();
}

Test(index, select_vectorized)
{
    nx_scope_begin();
    nx_tensor *pred = nx_vectorize(I32(NX_SHAPE(2, 3), 0, 1, 0, 1, 1, 0), "x");
    nx_tensor *f = nx_vectorize(I32(NX_SHAPE(2), 2, 3), "y");
    NXTEST_PRINTS(nx_select(pred, NX_I(1), f),
                  "#Nx.Tensor<\n  vectorized[x: 2][y: 2]\n  s32[3]\n  [\n    [\n      [2, 1, 2],\n      [3, 1, 3]\n"
                  "    ],\n    [\n      [1, 1, 2],\n      [1, 1, 3]\n    ]\n  ]\n>");
    nx_tensor *p2 = nx_vectorize(I32(NX_SHAPE(3), 1, 0, 0), "x");
    nx_tensor *t2 = nx_vectorize(nx_vectorize(I32(NX_SHAPE(1, 1), 2), "x"), "y");
    nx_tensor *f2 = nx_vectorize(I32(NX_SHAPE(2), 3, 4), "y");
    NXTEST_PRINTS(nx_select(p2, t2, f2),
                  "#Nx.Tensor<\n  vectorized[x: 3][y: 2]\n  s32\n  [\n    [2, 2],\n    [3, 4],\n    [3, 4]\n  ]\n>");
    nx_scope_end();
}

Test(index, clip_examples)
{
    nx_scope_begin();
    nx_tensor *t = named(I32(NX_SHAPE(2, 3), 1, 2, 3, 4, 5, 6), NX_NAMES("x", "y"));
    NXTEST_PRINTS(nx_clip(t, NX_I(2), NX_I(4)), "#Nx.Tensor<\n  s32[x: 2][y: 3]\n  [\n    [2, 2, 3],\n    [4, 4, 4]\n  ]\n>");
    NXTEST_PRINTS(nx_clip(t, NX_F(2.0), NX_I(3)),
                  "#Nx.Tensor<\n  f32[x: 2][y: 3]\n  [\n    [2.0, 2.0, 3.0],\n    [3.0, 3.0, 3.0]\n  ]\n>");
    /* NaN stays NaN; min > max gives max. */
    NXTEST_PRINTS(nx_clip(F32(NX_SHAPE(4), NAN, 1, 5, -3), NX_I(0), NX_I(2)), "#Nx.Tensor<\n  f32[4]\n  [NaN, 1.0, 2.0, 0.0]\n>");
    NXTEST_PRINTS(nx_clip(I32(NX_SHAPE(2), 1, 5), NX_I(3), NX_I(2)), "#Nx.Tensor<\n  s32[2]\n  [2, 2]\n>");
    /* Narrow floats compute in f32 and round once; u8 with u8 bounds stays u8. */
    NXTEST_PRINTS(nx_clip(nx_as_type(F32(NX_SHAPE(2), 1, 5), NX_F16), nx_scalar(NX_FLOAT(2.5), NX_F16),
                          nx_scalar(NX_INT(3), NX_F16)),
                  "#Nx.Tensor<\n  f16[2]\n  [2.5, 3.0]\n>");
    NXTEST_PRINTS(nx_clip(nx_as_type(I32(NX_SHAPE(3), 0, 100, 255), NX_U8), nx_scalar(NX_INT(10), NX_U8),
                          nx_scalar(NX_INT(200), NX_U8)),
                  "#Nx.Tensor<\n  u8[3]\n  [10, 100, 200]\n>");
    nx_tensor *v = nx_vectorize(named(F32(NX_SHAPE(2, 3), 1, 2, 3, 4, 5, 6), NX_NAMES(NULL, "y")), "x");
    NXTEST_PRINTS(nx_clip(v, NX_I(1), NX_I(4)),
                  "#Nx.Tensor<\n  vectorized[x: 2]\n  f32[y: 3]\n  [\n    [1.0, 2.0, 3.0],\n    [4.0, 4.0, 4.0]\n  ]\n>");
    nx_scope_end();
}

Test(index, gather_examples)
{
    nx_scope_begin();
    nx_tensor *t = I32(NX_SHAPE(2, 2), 1, 2, 3, 4);
    NXTEST_PRINTS(nx_gather(t, I32(NX_SHAPE(3, 2), 1, 1, 0, 1, 1, 0)), "#Nx.Tensor<\n  s32[3]\n  [4, 2, 3]\n>");
    NXTEST_PRINTS(nx_gather(t, I32(NX_SHAPE(2, 2, 2), 1, 1, 0, 0, 1, 0, 0, 1)),
                  "#Nx.Tensor<\n  s32[2][2]\n  [\n    [4, 1],\n    [3, 2]\n  ]\n>");
    NXTEST_PRINTS(nx_gather(I32(NX_SHAPE(2, 3), 1, 2, 3, 3, 4, 5), I32(NX_SHAPE(2, 1), 1, 0)),
                  "#Nx.Tensor<\n  s32[2][3]\n  [\n    [3, 4, 5],\n    [1, 2, 3]\n  ]\n>");
    NXTEST_PRINTS(nx_gather(I32(NX_SHAPE(2, 3), 1, 2, 3, 4, 5, 6), I32(NX_SHAPE(4, 1), 1, 0, 2, 1), .axes = NX_AXES(1)),
                  "#Nx.Tensor<\n  s32[4][2]\n  [\n    [2, 5],\n    [1, 4],\n    [3, 6],\n    [2, 5]\n  ]\n>");
    NXTEST_PRINTS(nx_gather(nx_iota(NX_SHAPE(2, 1, 3)), I32(NX_SHAPE(1, 3, 1), 1, 0, 2), .axes = NX_AXES(2)),
                  "#Nx.Tensor<\n  s32[1][3][2][1]\n  [\n    [\n      [\n        [1],\n        [4]\n      ],\n      [\n"
                  "        [0],\n        [3]\n      ],\n      [\n        [2],\n        [5]\n      ]\n    ]\n  ]\n>");
    /* Out-of-range coordinates are clamped (decisions.md 9); names go. */
    NXTEST_PRINTS(nx_gather(named(nx_iota(NX_SHAPE(2, 3)), NX_NAMES("x", "y")), I32(NX_SHAPE(2, 2), 1, 5, -1, 1)),
                  "#Nx.Tensor<\n  s32[2]\n  [5, 1]\n>");
    nx_tensor *vt = nx_vectorize(I32(NX_SHAPE(2, 2, 2), 1, 2, 11, 12, 101, 102, 111, 112), "x");
    nx_tensor *vi = I32(NX_SHAPE(2, 2, 2), 0, 0, 0, 1, 1, 0, 1, 1);
    NXTEST_PRINTS(nx_gather(vt, nx_vectorize(vi, "x")),
                  "#Nx.Tensor<\n  vectorized[x: 2]\n  s32[2]\n  [\n    [1, 2],\n    [111, 112]\n  ]\n>");
    NXTEST_PRINTS(nx_gather(vt, nx_vectorize(vi, "y")),
                  "#Nx.Tensor<\n  vectorized[x: 2][y: 2]\n  s32[2]\n  [\n    [\n      [1, 2],\n      [11, 12]\n    ],\n"
                  "    [\n      [101, 102],\n      [111, 112]\n    ]\n  ]\n>");
    nx_scope_end();
}

Test(index, take_examples)
{
    nx_scope_begin();
    nx_tensor *t = I32(NX_SHAPE(2, 2), 1, 2, 3, 4);
    nx_tensor *i = I32(NX_SHAPE(3), 1, 0, 1);
    NXTEST_PRINTS(nx_take(t, i), "#Nx.Tensor<\n  s32[3][2]\n  [\n    [3, 4],\n    [1, 2],\n    [3, 4]\n  ]\n>");
    NXTEST_PRINTS(nx_take(t, i, .axis = NX_AXIS(1)), "#Nx.Tensor<\n  s32[2][3]\n  [\n    [2, 1, 2],\n    [4, 3, 4]\n  ]\n>");
    NXTEST_PRINTS(nx_take(named(t, NX_NAMES("x", "y")), i, .axis = NX_AXIS_NAMED("y")),
                  "#Nx.Tensor<\n  s32[x: 2][y: 3]\n  [\n    [2, 1, 2],\n    [4, 3, 4]\n  ]\n>");
    NXTEST_PRINTS(nx_take(I32(NX_SHAPE(2, 2), 1, 2, 11, 12), I32(NX_SHAPE(3, 2), 0, 0, 1, 1, 0, 0), .axis = NX_AXIS(1)),
                  "#Nx.Tensor<\n  s32[2][3][2]\n  [\n    [\n      [1, 1],\n      [2, 2],\n      [1, 1]\n    ],\n    [\n"
                  "      [11, 11],\n      [12, 12],\n      [11, 11]\n    ]\n  ]\n>");
    /* A scalar index removes the axis; out-of-range indices clamp; index names come along. */
    NXTEST_PRINTS(nx_take(t, NX_I(7)), "#Nx.Tensor<\n  s32[2]\n  [3, 4]\n>");
    NXTEST_PRINTS(nx_take(t, named(I32(NX_SHAPE(1, 2), -4, 9), NX_NAMES("a", "b")), .axis = NX_AXIS(-1)),
                  "#Nx.Tensor<\n  s32[2][a: 1][b: 2]\n  [\n    [\n      [1, 2]\n    ],\n    [\n      [3, 4]\n    ]\n  ]\n>");
    NXTEST_PRINTS(nx_take(named(t, NX_NAMES("x", "y")), named(I32(NX_SHAPE(2), 1, 0), NX_NAMES("y")), .axis = NX_AXIS(1)),
                  "#Nx.Tensor<\n  s32[x: 2][y: 2]\n  [\n    [2, 1],\n    [4, 3]\n  ]\n>");
    NXTEST_PRINTS(nx_take(named(t, NX_NAMES(NULL, "y")), named(I32(NX_SHAPE(2), 1, 0), NX_NAMES("i"))),
                  "#Nx.Tensor<\n  s32[i: 2][y: 2]\n  [\n    [3, 4],\n    [1, 2]\n  ]\n>");
    /* u64 indices beyond INT64_MAX clamp to the end too. */
    NXTEST_PRINTS(nx_take(I32(NX_SHAPE(3), 1, 2, 3), nx_scalar(NX_UINT(UINT64_MAX), NX_U64)), "#Nx.Tensor<\n  s32\n  3\n>");
    NXTEST_PRINTS(nx_gather(I32(NX_SHAPE(3), 1, 2, 3), nx_reshape(nx_scalar(NX_UINT(1ull << 63), NX_U64), NX_SHAPE(1, 1))),
                  "#Nx.Tensor<\n  s32[1]\n  [3]\n>");
    nx_tensor *vt = nx_vectorize(I32(NX_SHAPE(2, 2), 1, 2, 11, 12), "x");
    NXTEST_PRINTS(nx_take(vt, nx_vectorize(I32(NX_SHAPE(3), 0, 1, 0), "y")),
                  "#Nx.Tensor<\n  vectorized[x: 2][y: 3]\n  s32\n  [\n    [1, 2, 1],\n    [11, 12, 11]\n  ]\n>");
    NXTEST_PRINTS(nx_take(vt, nx_vectorize(I32(NX_SHAPE(2, 3), 0, 1, 0, 0, 1, 1), "x")),
                  "#Nx.Tensor<\n  vectorized[x: 2]\n  s32[3]\n  [\n    [1, 2, 1],\n    [11, 12, 12]\n  ]\n>");
    nx_scope_end();
}

Test(index, take_along_axis_examples)
{
    nx_scope_begin();
    nx_tensor *t = I32(NX_SHAPE(2, 3), 1, 2, 3, 4, 5, 6);
    NXTEST_PRINTS(nx_take_along_axis(t, I32(NX_SHAPE(2, 6), 0, 0, 2, 2, 1, 1, 2, 2, 1, 1, 0, 0), .axis = NX_AXIS(1)),
                  "#Nx.Tensor<\n  s32[2][6]\n  [\n    [1, 1, 3, 3, 2, 2],\n    [6, 6, 5, 5, 4, 4]\n  ]\n>");
    NXTEST_PRINTS(nx_take_along_axis(t, I32(NX_SHAPE(3, 3), 0, 1, 1, 1, 0, 0, 0, 1, 0)),
                  "#Nx.Tensor<\n  s32[3][3]\n  [\n    [1, 5, 6],\n    [4, 2, 3],\n    [1, 5, 3]\n  ]\n>");
    /* The tensor's names; clamped indices. */
    NXTEST_PRINTS(nx_take_along_axis(named(t, NX_NAMES("a", "b")), I32(NX_SHAPE(2, 2), 9, -1, 1, 1), .axis = NX_AXIS_NAMED("b")),
                  "#Nx.Tensor<\n  s32[a: 2][b: 2]\n  [\n    [3, 1],\n    [5, 5]\n  ]\n>");
    nx_tensor *vt = nx_vectorize(I32(NX_SHAPE(2, 3), 1, 2, 3, 4, 5, 6), "x");
    nx_tensor *vi = nx_vectorize(I32(NX_SHAPE(2, 4), 0, 0, 2, 1, 2, 1, 0, 0), "y");
    NXTEST_PRINTS(nx_take_along_axis(vt, vi),
                  "#Nx.Tensor<\n  vectorized[x: 2][y: 2]\n  s32[4]\n  [\n    [\n      [1, 1, 3, 2],\n      [3, 2, 1, 1]\n"
                  "    ],\n    [\n      [4, 4, 6, 5],\n      [6, 5, 4, 4]\n    ]\n  ]\n>");
    nx_scope_end();
}

Test(index, indexed_examples)
{
    nx_scope_begin();
    NXTEST_PRINTS(nx_indexed_add(I32(NX_SHAPE(2, 1), 1, 2), I32(NX_SHAPE(2), 1, 0), NX_I(8)),
                  "#Nx.Tensor<\n  s32[2][1]\n  [\n    [1],\n    [10]\n  ]\n>");
    nx_tensor *t = nx_iota(NX_SHAPE(1, 2, 3));
    NXTEST_PRINTS(nx_indexed_add(t, I32(NX_SHAPE(5, 3), 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 2, 0, 1, 2), I32(NX_SHAPE(5), 1, 3, 1, -2, 5)),
                  "#Nx.Tensor<\n  s32[1][2][3]\n  [\n    [\n      [2, 1, 0],\n      [3, 7, 10]\n    ]\n  ]\n>");
    NXTEST_PRINTS(nx_indexed_add(I32(NX_SHAPE(1), 1), I32(NX_SHAPE(2, 1), 0, 0), F32(NX_SHAPE(2), 1, 1)),
                  "#Nx.Tensor<\n  f32[1]\n  [3.0]\n>");
    NXTEST_PRINTS(nx_indexed_add(I32(NX_SHAPE(1), 1), I32(NX_SHAPE(2, 1), 0, 0), nx_as_type(I32(NX_SHAPE(2), 1, 1), NX_S64)),
                  "#Nx.Tensor<\n  s64[1]\n  [3]\n>");
    NXTEST_PRINTS(nx_indexed_put(I32(NX_SHAPE(3), 0, 0, 0), I32(NX_SHAPE(2, 1), 1, 2), I32(NX_SHAPE(2), 3, 4)),
                  "#Nx.Tensor<\n  s32[3]\n  [0, 3, 4]\n>");
    NXTEST_PRINTS(nx_indexed_put(nx_iota(NX_SHAPE(1, 3, 2)), I32(NX_SHAPE(2, 2), 0, 0, 0, 2), I32(NX_SHAPE(2, 2), 0, 10, 40, 50)),
                  "#Nx.Tensor<\n  s32[1][3][2]\n  [\n    [\n      [0, 10],\n      [2, 3],\n      [40, 50]\n    ]\n  ]\n>");
    NXTEST_PRINTS(nx_indexed_put(t, I32(NX_SHAPE(2, 2), 0, 0, 0, 2), I32(NX_SHAPE(2, 2), 0, 30, 20, 50), .axes = NX_AXES(0, 2)),
                  "#Nx.Tensor<\n  s32[1][2][3]\n  [\n    [\n      [0, 1, 20],\n      [30, 4, 50]\n    ]\n  ]\n>");
    NXTEST_PRINTS(nx_indexed_put(F32(NX_SHAPE(1), 1), I32(NX_SHAPE(1, 1), 0), I32(NX_SHAPE(1), 3)), "#Nx.Tensor<\n  f32[1]\n  [3.0]\n>");
    /* Duplicates: add sums in order, put keeps the last; out-of-range updates are skipped. */
    nx_tensor *idx = I32(NX_SHAPE(4, 1), 0, 5, -1, 0), *upd = I32(NX_SHAPE(4), 10, 20, 30, 40);
    NXTEST_PRINTS(nx_indexed_add(I32(NX_SHAPE(3), 1, 2, 3), idx, upd), "#Nx.Tensor<\n  s32[3]\n  [51, 2, 3]\n>");
    NXTEST_PRINTS(nx_indexed_put(I32(NX_SHAPE(3), 1, 2, 3), idx, upd), "#Nx.Tensor<\n  s32[3]\n  [40, 2, 3]\n>");
    /* Extreme indices are skipped without overflow. */
    static const int64_t extremes[] = { INT64_MAX, INT64_MIN };
    nx_tensor *far = nx_from_data(extremes, NX_S64, NX_SHAPE(1, 2));
    NXTEST_PRINTS(nx_indexed_add(nx_iota(NX_SHAPE(2, 2)), far, I32(NX_SHAPE(1), 1)),
                  "#Nx.Tensor<\n  s32[2][2]\n  [\n    [0, 1],\n    [2, 3]\n  ]\n>");
    NXTEST_PRINTS(nx_gather(nx_iota(NX_SHAPE(2, 2)), far), "#Nx.Tensor<\n  s32[1]\n  [2]\n>");
    /* The target's names; a box update over the non-indexed axes. */
    NXTEST_PRINTS(nx_indexed_add(named(I32(NX_SHAPE(2, 2), 1, 2, 3, 4), NX_NAMES("r", "c")), I32(NX_SHAPE(1, 1), 1),
                                 F32(NX_SHAPE(1, 2), 1.5f, 2)),
                  "#Nx.Tensor<\n  f32[r: 2][c: 2]\n  [\n    [1.0, 2.0],\n    [4.5, 6.0]\n  ]\n>");
    /* Complex and sub-byte targets. */
    nx_tensor *c = nx_scalar(NX_COMPLEX(1, 2), NX_C64);
    NXTEST_PRINTS(nx_indexed_add(nx_reshape(c, NX_SHAPE(1)), I32(NX_SHAPE(2, 1), 0, 0), I32(NX_SHAPE(2), 1, 2)),
                  "#Nx.Tensor<\n  c64[1]\n  [4.0+2.0i]\n>");
    nx_tensor *u2 = nx_as_type(I32(NX_SHAPE(2), 1, 2), NX_U2);
    NXTEST_PRINTS(nx_indexed_add(u2, I32(NX_SHAPE(2, 1), 1, 1), nx_as_type(I32(NX_SHAPE(2), 3, 3), NX_U2)),
                  "#Nx.Tensor<\n  u2[2]\n  [1, 0]\n>");
    /* Vectorized: every input broadcast along the vectorized axes. */
    nx_tensor *x = nx_vectorize(I32(NX_SHAPE(2, 2), 0, 10, 10, 20), "x");
    nx_tensor *vi = nx_vectorize(I32(NX_SHAPE(3, 2, 1), 0, 0, 0, 1, 1, 1), "y");
    NXTEST_PRINTS(nx_indexed_add(x, vi, I32(NX_SHAPE(2), 1, 1)),
                  "#Nx.Tensor<\n  vectorized[x: 2][y: 3]\n  s32[2]\n  [\n    [\n      [2, 10],\n      [1, 11],\n      [0, 12]\n"
                  "    ],\n    [\n      [12, 20],\n      [11, 21],\n      [10, 22]\n    ]\n  ]\n>");
    NXTEST_PRINTS(nx_indexed_put(x, vi, I32(NX_SHAPE(2), 1, 1)),
                  "#Nx.Tensor<\n  vectorized[x: 2][y: 3]\n  s32[2]\n  [\n    [\n      [1, 10],\n      [1, 1],\n      [0, 1]\n"
                  "    ],\n    [\n      [1, 20],\n      [1, 1],\n      [10, 1]\n    ]\n  ]\n>");
    nx_scope_end();
}

/* ------------------------------------------------------------------ errors */

Test(index, select_errors)
{
    nx_scope_begin();
    cr_assert_null(nx_select(I32(NX_SHAPE(2), 1, 0), I32(NX_SHAPE(2, 2), 1, 2, 3, 4), NX_I(0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions {2, 2} to {2}");
    cr_assert_null(nx_select(nx_iota(NX_SHAPE(2, 3)), NX_I(1), I32(NX_SHAPE(2), 1, 2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions {2} to {2, 3} with axes [1]");
    cr_assert_null(nx_select(NX_I(1), I32(NX_SHAPE(2), 1, 2), I32(NX_SHAPE(3), 1, 2, 3)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot broadcast tensor of dimensions {2} to {3}");
    cr_assert_null(nx_select(NX_I(1), named(I32(NX_SHAPE(2), 1, 2), NX_NAMES("a")), named(I32(NX_SHAPE(2), 1, 2), NX_NAMES("b"))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot merge name :a on axis 0 with name :b on axis 0");
    cr_assert_null(nx_select(nx_vectorize(nx_iota(NX_SHAPE(2)), "x"), nx_vectorize(nx_iota(NX_SHAPE(3)), "x"), NX_I(0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "expected vectorized axis :x to have the same size in both tensors or to one of them to have size 1, got 3 and 2");
    nx_scope_end();
}

Test(index, clip_errors)
{
    nx_scope_begin();
    nx_tensor *t = I32(NX_SHAPE(2), 1, 2);
    cr_assert_null(nx_clip(t, I32(NX_SHAPE(1), 1), NX_I(2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "min value must be a non-vectorized scalar shape, got shape {1} and vectorized axes []");
    cr_assert_null(nx_clip(t, NX_I(1), nx_vectorize(I32(NX_SHAPE(2), 1, 2), "x")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "max value must be a non-vectorized scalar shape, got shape {} and vectorized axes [x: 2]");
    cr_assert_null(nx_clip(t, nx_number_tensor(NX_COMPLEX(1, 1)), NX_I(2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.clip/2 does not support complex inputs");
    cr_assert_null(nx_clip(nx_scalar(NX_COMPLEX(1, 1), NX_C128), NX_I(0), NX_I(2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.clip/2 does not support complex inputs");
    nx_scope_end();
}

Test(index, gather_errors)
{
    nx_scope_begin();
    nx_tensor *t = I32(NX_SHAPE(2, 2), 1, 2, 3, 4);
    cr_assert_null(nx_gather(t, F32(NX_SHAPE(1, 2), 0, 0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "indices must be an integer tensor, got {:f, 32}");
    cr_assert_null(nx_gather(nx_iota(NX_SHAPE(3)), NX_I(0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected indices rank to be at least 1, got: 0");
    cr_assert_null(nx_gather(t, I32(NX_SHAPE(1, 3), 0, 0, 0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected the last indices dimension size (3) to be less than or equal to the tensor rank (2)");
    cr_assert_null(nx_gather(t, I32(NX_SHAPE(1, 2), 0, 0), .axes = NX_AXES(1, 0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, ":axes must be an ordered list");
    cr_assert_null(nx_gather(t, I32(NX_SHAPE(1, 2), 0, 0), .axes = NX_AXES(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, ":axes must have the same number of elements as the last dimension of indices");
    cr_assert_null(nx_gather(t, I32(NX_SHAPE(1, 1), 0), .axes = NX_AXES(2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (2) invalid for shape with rank 2");
    cr_assert_null(nx_gather(t, I32(NX_SHAPE(1, 2), 0, 0), .axes = NX_AXES(1, 1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "axes [1, 1] must be unique integers between 0 and 1");
    cr_assert_null(nx_gather(t, I32(NX_SHAPE(1, 1), 0), .axes = NX_AXES_NAMED("z")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "name :z not found in tensor with names [nil, nil]");
    /* The axes check comes before the type check, as in Nx. */
    cr_assert_null(nx_gather(t, F32(NX_SHAPE(1, 2), 0, 0), .axes = NX_AXES(1, 0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, ":axes must be an ordered list");
    nx_scope_end();
}

Test(index, take_errors)
{
    nx_scope_begin();
    nx_tensor *t = I32(NX_SHAPE(2, 2), 1, 2, 3, 4);
    cr_assert_null(nx_take(t, F32(NX_SHAPE(3), 1, 0, 1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "indices must be an integer tensor, got {:f, 32}");
    cr_assert_null(nx_take(t, I32(NX_SHAPE(1), 0), .axis = NX_AXIS(2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (2) invalid for shape with rank 2");
    cr_assert_null(nx_take(NX_I(1), I32(NX_SHAPE(1), 0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (0) invalid for shape with rank 0");
    cr_assert_null(nx_take(named(t, NX_NAMES(NULL, "data")), named(I32(NX_SHAPE(1), 0), NX_NAMES("reordered")),
                           .axis = NX_AXIS(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot merge name :data on axis 1 with name :reordered on axis 0");
    cr_assert_null(nx_take_along_axis(t, F32(NX_SHAPE(2, 2), 0, 0, 0, 0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "indices must be an integer tensor, got {:f, 32}");
    cr_assert_null(nx_take_along_axis(nx_iota(NX_SHAPE(2, 3)), I32(NX_SHAPE(1, 2), 0, 0), .axis = NX_AXIS(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "non-indexing dimensions must match. Expected {2, *}, got: {1, 2}");
    cr_assert_null(nx_take_along_axis(nx_iota(NX_SHAPE(2, 3)), nx_iota(NX_SHAPE(1, 2, 3))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "shapes must have the same number of dimensions. Expected {*, 3}, got: {1, 2, 3}");
    cr_assert_null(nx_take_along_axis(nx_iota(NX_SHAPE(2, 3, 4)), nx_iota(NX_SHAPE(3, 10, 4)), .axis = NX_AXIS(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "non-indexing dimensions must match. Expected {2, *, 4}, got: {3, 10, 4}");
    cr_assert_null(nx_take_along_axis(nx_iota(NX_SHAPE(2)), nx_iota(NX_SHAPE(2)), .axis = NX_AXIS_NAMED("q")));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "name :q not found in tensor with names [nil]");
    nx_scope_end();
}

Test(index, indexed_errors)
{
    nx_scope_begin();
    nx_tensor *t = I32(NX_SHAPE(2, 1), 1, 2);
    cr_assert_null(nx_indexed_add(t, I32(NX_SHAPE(1, 1, 3), 1, 2, 3), I32(NX_SHAPE(1), 0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "indices must be a rank 1 or 2 tensor, got: 3");
    cr_assert_null(nx_indexed_put(t, I32(NX_SHAPE(1, 2), 1, 2), I32(NX_SHAPE(2), 0, 1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected the leading axis of indices ({1, 2}) and leading axis of updates ({2}) to match");
    cr_assert_null(nx_indexed_add(I32(NX_SHAPE(1, 3), 1, 2, 3), I32(NX_SHAPE(1, 1), 0), I32(NX_SHAPE(1, 5), 1, 2, 3, 4, 5)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "axis (1) of updates ({1, 5}) must be less than or equal to the axis (1) of {1, 3})");
    cr_assert_null(nx_indexed_put(nx_iota(NX_SHAPE(1, 2, 3)), I32(NX_SHAPE(1, 3), 0, 1, 2), NX_I(10), .axes = NX_AXES(1, 0, 2)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, ":axes must be an ordered list");
    cr_assert_null(nx_indexed_add(t, I32(NX_SHAPE(1, 2), 0, 0), I32(NX_SHAPE(1), 0), .axes = NX_AXES(0)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, ":axes must have the same number of elements as the last dimension of indices");
    cr_assert_null(nx_indexed_add(nx_iota(NX_SHAPE(2, 2)), I32(NX_SHAPE(1, 1), 1), F32(NX_SHAPE(1), 1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "expected the rank of the input (2) to be equal to the rank of the updates (1) plus the trailing axis of indices ({1, 1}) minus one");
    cr_assert_null(nx_indexed_add(t, F32(NX_SHAPE(1, 2), 1, 0), F32(NX_SHAPE(1), 1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "indices must be an integer tensor, got type: {:f, 32}");
    /* The shorthand. */
    cr_assert_null(nx_indexed_add(t, I32(NX_SHAPE(3), 1, 0, 0), NX_I(8)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected indices to have shape {2}, got: {3}");
    cr_assert_null(nx_indexed_add(t, I32(NX_SHAPE(2), 1, 0), I32(NX_SHAPE(1), 8)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "updates must be a scalar tensor when indices has rank 1, got: {1}");
    /* Where Nx fails inside the VM, nxc names the problem (decisions.md 11). */
    cr_assert_null(nx_indexed_add(t, NX_I(0), NX_I(8)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "indices must be a rank 1 or 2 tensor, got: 0");
    cr_assert_null(nx_indexed_add(t, I32(NX_SHAPE(1, 2), 1, 0), NX_I(8)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected the leading axis of indices ({1, 2}) and leading axis of updates ({}) to match");
    nx_scope_end();
}

Test(index, null_and_template_inputs)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2));
    /* A NULL input keeps the first error. */
    cr_assert_null(nx_take(nx_reshape(t, NX_SHAPE(3)), t));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot reshape, current shape {2} is not compatible with new shape {3}");
    cr_assert_null(nx_select(NULL, t, t));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected a tensor, got: NULL");
    cr_assert_null(nx_clip(t, NULL, NULL));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected a tensor, got: NULL");
    cr_assert_null(nx_indexed_put(t, NULL, t));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected a tensor, got: NULL");
    cr_assert_null(nx_gather(nx_template(NX_SHAPE(2), NX_F32), I32(NX_SHAPE(1, 1), 0)));
    NXTEST_ERROR(NX_RUNTIME_ERROR, "cannot perform operations on a Nx.TemplateBackend tensor");
    nx_scope_end();
}

/* ------------------------------------------------------------------ properties */

static int same_bytes(const nx_tensor *a, const nx_tensor *b)
{
    int64_t na = nx_to_binary(a, NULL, 0), nb = nx_to_binary(b, NULL, 0);
    if (na != nb || nx_type_of(a) != nx_type_of(b))
        return 0;
    size_t bytes = (size_t)(na + 7) / 8;
    unsigned char *x = malloc(bytes + 1), *y = malloc(bytes + 1);
    nx_to_binary(a, x, (int64_t)bytes);
    nx_to_binary(b, y, (int64_t)bytes);
    int eq = memcmp(x, y, bytes) == 0;
    free(x);
    free(y);
    return eq;
}

Test(index, properties)
{
    nx_scope_begin();
    nx_tensor *t = nx_as_type(nx_iota(NX_SHAPE(4, 5, 6)), NX_F64);
    nx_tensor *i = I32(NX_SHAPE(7), 3, 0, 5, 5, 1, 2, 4);
    /* take on axis 1 is gather with axes [1] moved into place. */
    nx_tensor *taken = nx_take(t, i, .axis = NX_AXIS(1));
    nx_tensor *gathered = nx_gather(t, nx_reshape(i, NX_SHAPE(7, 1)), .axes = NX_AXES(1));
    cr_assert(nx_shape_of(gathered).dims[0] == 7 && nx_shape_of(gathered).dims[1] == 4);
    nx_tensor *back = nx_take_along_axis(t, nx_broadcast(nx_reshape(i, NX_SHAPE(1, 7, 1)), NX_SHAPE(4, 7, 6)),
                                         .axis = NX_AXIS(1));
    cr_assert(same_bytes(taken, back), "take and take_along_axis disagree");
    /* select(p, a, a) is a; select(1, a, b) is a; select(0, a, b) is b. */
    cr_assert(same_bytes(nx_select(nx_iota(NX_SHAPE(4, 5, 6)), t, t), t));
    cr_assert(same_bytes(nx_select(NX_I(1), t, nx_negate(t)), t));
    cr_assert(same_bytes(nx_select(NX_I(0), nx_negate(t), t), t));
    /* Putting gathered elements back where they came from gives the tensor back. */
    nx_tensor *idx = I32(NX_SHAPE(3, 3), 0, 0, 0, 3, 4, 5, 1, 2, 3);
    cr_assert(same_bytes(nx_indexed_put(t, idx, nx_gather(t, idx)), t));
    /* Adding zeros anywhere changes nothing; clip to the full range changes nothing. */
    cr_assert(same_bytes(nx_indexed_add(t, idx, nx_as_type(I32(NX_SHAPE(3), 0, 0, 0), NX_F64)), t));
    cr_assert(same_bytes(nx_clip(t, nx_scalar(NX_INT(0), NX_F64), nx_scalar(NX_INT(119), NX_F64)), t));
    NXTEST_OK();
    nx_scope_end();
}

/* Big inputs go through the thread pool: the result must not depend on the split. */
Test(index, large_inputs)
{
    nx_scope_begin();
    int64_t n = 1 << 20;
    nx_tensor *t = nx_iota(NX_SHAPE(n));
    nx_tensor *rev = nx_subtract(NX_I(n - 1), t);
    nx_tensor *g = nx_take(t, rev);
    cr_assert(same_bytes(g, rev));
    nx_tensor *g2 = nx_gather(t, nx_reshape(rev, NX_SHAPE(n, 1)));
    cr_assert(same_bytes(g2, rev));
    nx_tensor *s = nx_select(nx_remainder(t, NX_I(2)), t, NX_I(-1));
    nx_number v;
    cr_assert_eq(nx_to_number(nx_take(s, NX_I(7)), &v), 0);
    cr_assert_eq(v.i, 7);
    cr_assert_eq(nx_to_number(nx_take(s, NX_I(8)), &v), 0);
    cr_assert_eq(v.i, -1);
    nx_tensor *c = nx_clip(t, NX_I(10), NX_I(20));
    cr_assert_eq(nx_to_number(nx_take(c, NX_I(n - 1)), &v), 0);
    cr_assert_eq(v.i, 20);
    NXTEST_OK();
    nx_scope_end();
}

/* ------------------------------------------------------------------ failed allocations */

static nx_tensor *alloc_gather(void)
{
    return nx_gather(nx_vectorize(nx_iota(NX_SHAPE(2, 3, 4), .type = NX_U4), "x"), I32(NX_SHAPE(2, 1), 1, 2));
}

static nx_tensor *alloc_take(void)
{
    return nx_take(nx_iota(NX_SHAPE(3, 4), .type = NX_F16), nx_vectorize(I32(NX_SHAPE(2, 2), 1, 2, 0, 1), "y"), .axis = NX_AXIS(1));
}

static nx_tensor *alloc_select(void)
{
    return nx_select(nx_iota(NX_SHAPE(2, 3), .type = NX_BF16), nx_iota(NX_SHAPE(3), .type = NX_S2), NX_I(1));
}

static nx_tensor *alloc_indexed(void)
{
    return nx_indexed_add(nx_iota(NX_SHAPE(3, 2), .type = NX_F16), I32(NX_SHAPE(2, 1), 1, 1), nx_iota(NX_SHAPE(2, 2)));
}

static nx_tensor *alloc_clip(void)
{
    return nx_clip(nx_iota(NX_SHAPE(3, 2), .type = NX_F8), NX_I(1), NX_F(2.5));
}

Test(index, failed_allocations)
{
    nxtest_survives_failed_allocations(alloc_gather);
    nxtest_survives_failed_allocations(alloc_take);
    nxtest_survives_failed_allocations(alloc_select);
    nxtest_survives_failed_allocations(alloc_indexed);
    nxtest_survives_failed_allocations(alloc_clip);
}

/* ------------------------------------------------------------------ the bindings */

#define EVAL_IS(code, expected) nxtest_expect_code((code), (expected))

Test(index, bindings)
{
    EVAL_IS("Nx.take(Nx.iota({3, 2}), Nx.tensor([2, 0]))", "#Nx.Tensor<\n  s32[2][2]\n  [\n    [4, 5],\n    [0, 1]\n  ]\n>");
    EVAL_IS("Nx.take(Nx.iota({3, 2}), Nx.tensor([1]), axis: :nope)",
            "** (ArgumentError) name :nope not found in tensor with names [nil, nil]");
    EVAL_IS("Nx.take(Nx.iota({3, 2}), Nx.tensor([1]), foo: 1)",
            "** (ArgumentError) unknown key :foo in [foo: 1], expected one of [:axis]");
    /* Nx checks the indices' type before the options. */
    EVAL_IS("Nx.take(Nx.iota({3, 2}), Nx.tensor([1.0]), foo: 1)",
            "** (ArgumentError) indices must be an integer tensor, got {:f, 32}");
    EVAL_IS("Nx.take_along_axis(Nx.iota({3, 2}), Nx.tensor([[1], [0], [1]]), axis: 1)",
            "#Nx.Tensor<\n  s32[3][1]\n  [\n    [1],\n    [2],\n    [5]\n  ]\n>");
    EVAL_IS("Nx.gather(Nx.iota({3, 2}), Nx.tensor([[1]]), axes: [1], foo: 2)",
            "** (ArgumentError) unknown key :foo in [axes: [1], foo: 2], expected one of [:axes]");
    EVAL_IS("Nx.gather(Nx.iota({3, 2}), Nx.tensor([[1]]), axes: 1)",
            "** (ArgumentError) expected :axes to be a list of axes, got: 1");
    EVAL_IS("Nx.indexed_put(Nx.iota({3}), Nx.tensor([[1]]), Nx.tensor([9]), bar: 1)",
            "** (ArgumentError) unknown key :bar in [bar: 1], expected one of [:axes]");
    EVAL_IS("Nx.indexed_put(Nx.tensor([[1], [2]]), Nx.tensor([1, 0]), 10)",
            "#Nx.Tensor<\n  s32[2][1]\n  [\n    [1],\n    [10]\n  ]\n>");
    EVAL_IS("Nx.select(Nx.tensor([1, 0]), 1.5, 2)", "#Nx.Tensor<\n  f32[2]\n  [1.5, 2.0]\n>");
    EVAL_IS("Nx.clip(Nx.tensor([1, 9]), 2, 4)", "#Nx.Tensor<\n  s32[2]\n  [2, 4]\n>");
}

Test(index, access)
{
    const char *t = "t = Nx.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]], names: [:x, :y]); ";
    char code[512];
#define ACCESS_IS(expr, expected) \
    do { \
        snprintf(code, sizeof code, "%s%s", t, (expr)); \
        EVAL_IS(code, (expected)); \
    } while (0)
    ACCESS_IS("t[0]", "#Nx.Tensor<\n  s32[y: 3]\n  [1, 2, 3]\n>");
    ACCESS_IS("t[-1][-1]", "#Nx.Tensor<\n  s32\n  12\n>");
    ACCESS_IS("t[1..2]", "#Nx.Tensor<\n  s32[x: 2][y: 3]\n  [\n    [4, 5, 6],\n    [7, 8, 9]\n  ]\n>");
    ACCESS_IS("t[1..-1//2]", "#Nx.Tensor<\n  s32[x: 2][y: 3]\n  [\n    [4, 5, 6],\n    [10, 11, 12]\n  ]\n>");
    ACCESS_IS("t[[1..2, 2]]", "#Nx.Tensor<\n  s32[x: 2]\n  [6, 9]\n>");
    ACCESS_IS("t[[.., 1..-1//1]][0]", "#Nx.Tensor<\n  s32[y: 2]\n  [2, 3]\n>");
    ACCESS_IS("t[x: 1, y: 0..1]", "#Nx.Tensor<\n  s32[y: 2]\n  [4, 5]\n>");
    ACCESS_IS("t[y: -1]", "#Nx.Tensor<\n  s32[x: 4]\n  [3, 6, 9, 12]\n>");
    ACCESS_IS("t[Nx.tensor(9)]", "#Nx.Tensor<\n  s32[y: 3]\n  [10, 11, 12]\n>");
    ACCESS_IS("t[[Nx.tensor(-1), Nx.tensor(1, type: :u8)]]", "#Nx.Tensor<\n  s32\n  2\n>");
    ACCESS_IS("t[Nx.tensor([[3, 0]])][0][1]", "#Nx.Tensor<\n  s32[y: 3]\n  [1, 2, 3]\n>");
    ACCESS_IS("t[0..3//1000000000000000000000000]", "#Nx.Tensor<\n  s32[x: 1][y: 3]\n  [\n    [1, 2, 3]\n  ]\n>");
    ACCESS_IS("t[[]]", "#Nx.Tensor<\n  s32[x: 4][y: 3]\n  [\n    [1, 2, 3],\n    [4, 5, 6],\n    [7, 8, 9],\n    [10, 11, 12]\n  ]\n>");
    /* Errors, with Nx's messages. */
    ACCESS_IS("t[4]", "** (ArgumentError) index 4 is out of bounds for axis 0 in shape {4, 3}");
    ACCESS_IS("t[[0, -4]]", "** (ArgumentError) index -4 is out of bounds for axis 1 in shape {4, 3}");
    ACCESS_IS("t[2..1//1]", "** (ArgumentError) slicing a tensor requires a non-empty range, got: 2..1//1");
    ACCESS_IS("t[3..1//-1]",
              "** (ArgumentError) range step must be positive, got range: 3..1//-1. Did you mean to pass the range 3..1//1 instead?");
    ACCESS_IS("t[3..1//-2]", "** (ArgumentError) range step must be positive, got range: 3..1//-2");
    ACCESS_IS("t[[0, 1, 2]]", "** (ArgumentError) unknown or duplicate axis 2 found when slicing shape {4, 3}");
    ACCESS_IS("t[x: 0, x: 1]", "** (ArgumentError) unknown or duplicate axis 0 found when slicing shape {4, 3}");
    ACCESS_IS("t[z: 0]", "** (ArgumentError) tensor does not have name :z. The tensor names are: [:x, :y]");
    ACCESS_IS("t[[0, :a]]", "** (ArgumentError) slicing a tensor on an axis requires an integer, a scalar tensor or a range, got: :a");
    ACCESS_IS("t[[Nx.tensor([0])]]",
              "** (ArgumentError) tensor must be a scalar when accessing a list/keyword of dimensions, got: #Nx.Tensor<\n"
              "  s32[1]\n  [0]\n>");
    ACCESS_IS("t[Nx.tensor(1.0)]", "** (ArgumentError) index must be integer type, got {:f, 32} for axis 0");
    ACCESS_IS("t[Nx.tensor([1.0])]", "** (ArgumentError) indices must be an integer tensor, got {:f, 32}");
    ACCESS_IS("t[1.5]",
              "** (RuntimeError) tensor[slice] expects slice to be one of:\n\n"
              "  * an integer or a scalar tensor representing a zero-based index\n"
              "  * a first..last//step range representing inclusive start-stop indexes with an optional positive step\n"
              "  * a list of integers, scalar tensors, and ranges\n"
              "  * a keyword list of integers, scalar tensors, and ranges\n\nGot 1.5\n");
    EVAL_IS("Nx.tensor(1)[0]", "** (ArgumentError) cannot use the tensor[index] syntax on scalar tensor #Nx.Tensor<\n  s32\n  1\n>");
    /* Vectorized tensors: the spec refers to the inner shape. */
    EVAL_IS("(Nx.iota({2, 3}) |> Nx.vectorize(:v))[2]", "#Nx.Tensor<\n  vectorized[v: 2]\n  s32\n  [2, 5]\n>");
    EVAL_IS("(Nx.iota({2, 3}) |> Nx.vectorize(:v))[[.., 2]]",
            "** (ArgumentError) unknown or duplicate axis 1 found when slicing shape {3}");
#undef ACCESS_IS
}
