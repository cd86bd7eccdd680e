/* tests/test_create.c: making tensors (Nx.tensor, iota, eye, template, from_binary, the
 * constants), getting values out (to_binary, to_flat_list, to_number) and the metadata
 * ops (reshape, broadcast, rename, vectorize). Random cases come from the NumPy oracle
 * tests/oracle/gen_create.py (build/oracle/create.bin); exact values come from the spec
 * (functions.md §1-5, formats.md §1 and §4 with decisions.md item 4,
 * types-and-inspect.md §2). */
#include "support/nxtest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ small helpers */

#define ITEM_I(v) ((nx_item){ .kind = NX_ITEM_NUMBER, .num = NX_INT(v) })
#define ITEM_U(v) ((nx_item){ .kind = NX_ITEM_NUMBER, .num = NX_UINT(v) })
#define ITEM_F(v) ((nx_item){ .kind = NX_ITEM_NUMBER, .num = NX_FLOAT(v) })
#define ITEM_C(re, im) ((nx_item){ .kind = NX_ITEM_NUMBER, .num = NX_COMPLEX((re), (im)) })
#define ITEM_B(v) ((nx_item){ .kind = NX_ITEM_BOOL, .num = NX_INT(v) })
#define ITEM_T(t) ((nx_item){ .kind = NX_ITEM_TENSOR, .tensor = (t) })
#define ITEM_LIST(...) \
    ((nx_item){ .kind = NX_ITEM_LIST, \
                .len = (int64_t)(sizeof((nx_item[]){ __VA_ARGS__ }) / sizeof(nx_item)), \
                .items = (nx_item[]){ __VA_ARGS__ } })

/* Asserts that t's nx_to_binary is exactly `bits` bits equal to want. */
static void expect_binary(const nx_tensor *t, const void *want, int64_t bits)
{
    cr_assert_not_null(t, "no tensor: %s", nx_error_message());
    int64_t got_bits = nx_to_binary(t, NULL, 0);
    cr_assert_eq(got_bits, bits, "to_binary gives %lld bits, expected %lld", (long long)got_bits,
                 (long long)bits);
    int64_t bytes = (bits + 7) / 8;
    unsigned char buf[256];
    cr_assert(bytes <= (int64_t)sizeof buf);
    memset(buf, 0xA5, sizeof buf);
    cr_assert_eq(nx_to_binary(t, buf, bytes), bits, "%s", nx_error_message());
    for (int64_t i = 0; i < bytes; i++)
        cr_assert_eq(buf[i], ((const unsigned char *)want)[i], "byte %lld: got 0x%02x, expected 0x%02x",
                     (long long)i, buf[i], ((const unsigned char *)want)[i]);
    NXTEST_OK();
}

static bool same_number(nx_number a, nx_number b)
{
    if (a.kind != b.kind)
        return false;
    switch (a.kind) {
    case NX_NUM_INT: return a.i == b.i;
    case NX_NUM_UINT: return a.u == b.u;
    case NX_NUM_FLOAT:
        return (isnan(a.f) && isnan(b.f)) || (a.f == b.f && signbit(a.f) == signbit(b.f));
    case NX_NUM_COMPLEX:
        return ((isnan(a.c.re) && isnan(b.c.re)) || a.c.re == b.c.re) &&
               ((isnan(a.c.im) && isnan(b.c.im)) || a.c.im == b.c.im);
    }
    return false;
}

static const char *number_str(char *buf, size_t cap, nx_number n)
{
    switch (n.kind) {
    case NX_NUM_INT: snprintf(buf, cap, "int %lld", (long long)n.i); break;
    case NX_NUM_UINT: snprintf(buf, cap, "uint %llu", (unsigned long long)n.u); break;
    case NX_NUM_FLOAT: snprintf(buf, cap, "float %.17g", n.f); break;
    case NX_NUM_COMPLEX: snprintf(buf, cap, "complex %.17g%+.17gi", n.c.re, n.c.im); break;
    }
    return buf;
}

/* Asserts that to_flat_list gives exactly want[0..n). */
static void expect_flat(const nx_tensor *t, const nx_number *want, int64_t n)
{
    cr_assert_not_null(t, "no tensor: %s", nx_error_message());
    nx_number got[65];
    cr_assert(n <= 64);
    cr_assert_eq(nx_to_flat_list(t, got, 65), n, "element count (%s)", nx_error_message());
    for (int64_t i = 0; i < n; i++) {
        char a[96], b[96];
        cr_assert(same_number(got[i], want[i]), "element %lld: got %s, expected %s", (long long)i,
                  number_str(a, sizeof a, got[i]), number_str(b, sizeof b, want[i]));
    }
}

static void expect_shape(const nx_tensor *t, nx_shape want)
{
    nx_shape s = nx_shape_of(t);
    cr_assert_eq(s.rank, want.rank, "rank %d, expected %d", s.rank, want.rank);
    for (int i = 0; i < s.rank; i++)
        cr_assert_eq(s.dims[i], want.dims[i], "axis %d: %lld, expected %lld", i, (long long)s.dims[i],
                     (long long)want.dims[i]);
}

/* Names as a comparable string, "[:x, nil]". */
static const char *names_str(char *buf, size_t cap, nx_names n)
{
    size_t len = (size_t)snprintf(buf, cap, "[");
    for (int i = 0; i < n.n && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s%s", i ? ", " : "", n.v[i] ? ":" : "",
                                n.v[i] ? n.v[i] : "nil");
    if (len < cap)
        snprintf(buf + len, cap - len, "]");
    return buf;
}

static void expect_names(const nx_tensor *t, const char *want)
{
    char buf[512];
    cr_assert_str_eq(names_str(buf, sizeof buf, nx_names_of(t)), want);
}

/* ------------------------------------------------------------------ the NumPy oracle */

/* A string into buf (NUL-terminated); returns its length. */
static int rd_str(nxtest_reader *r, char buf[256])
{
    int n = (int)nxtest_rd_le(r, 1);
    memcpy(buf, nxtest_rd_bytes(r, (uint64_t)n), (size_t)n);
    buf[n] = '\0';
    return n;
}

/* Names into storage; a zero-length name is nil. */
static nx_names rd_names(nxtest_reader *r, char storage[NX_MAX_RANK][256])
{
    nx_names n = { .n = (int)nxtest_rd_le(r, 1) };
    cr_assert(n.n <= NX_MAX_RANK);
    for (int i = 0; i < n.n; i++)
        n.v[i] = rd_str(r, storage[i]) ? storage[i] : NULL;
    return n;
}

enum { OP_IOTA, OP_EYE, OP_BROADCAST, OP_RESHAPE, OP_TENSOR };
static const char *const op_names[] = { "iota", "eye", "broadcast", "reshape", "tensor" };

/* A nested list of `shape` over the 17-byte leaf records of the oracle. */
static void build_items(nx_item *it, const nx_shape *s, int level, const unsigned char **leaf)
{
    if (level == s->rank) {
        const unsigned char *p = *leaf;
        *leaf += 17;
        uint64_t a = 0, b = 0;
        for (int i = 7; i >= 0; i--) {
            a = (a << 8) | p[1 + i];
            b = (b << 8) | p[9 + i];
        }
        double fa, fb;
        memcpy(&fa, &a, 8);
        memcpy(&fb, &b, 8);
        switch (p[0]) {
        case 0: *it = ITEM_I((int64_t)a); break;
        case 1: *it = ITEM_U(a); break;
        case 2: *it = ITEM_F(fa); break;
        case 3: *it = ITEM_C(fa, fb); break;
        default: *it = ITEM_B((int64_t)a); break;
        }
        return;
    }
    int64_t n = s->dims[level];
    nx_item *items = calloc((size_t)n, sizeof *items);
    cr_assert_not_null(items);
    for (int64_t i = 0; i < n; i++)
        build_items(&items[i], s, level + 1, leaf);
    *it = (nx_item){ .kind = NX_ITEM_LIST, .len = n, .items = items };
}

static void free_items(nx_item *it)
{
    if (it->kind != NX_ITEM_LIST)
        return;
    for (int64_t i = 0; i < it->len; i++)
        free_items((nx_item *)&it->items[i]);
    free((void *)it->items);
}

/* Runs every oracle case of one op (a scaled share of them) and compares type, shape,
 * names and to_binary bytes. */
static void run_oracle(int want_op)
{
    size_t len;
    unsigned char *file = nxtest_read_oracle("create.bin", &len);
    nxtest_reader r = { file, file + len };
    cr_assert(len >= 16 && memcmp(nxtest_rd_bytes(&r, 8), "NXCREA1\n", 8) == 0, "create.bin: bad magic");
    unsigned seed = (unsigned)nxtest_rd_le(&r, 4), ncases = (unsigned)nxtest_rd_le(&r, 4);
    long limit = nxtest_scaled((long)ncases / 5), done = 0;
    for (unsigned c = 0; c < ncases && done < limit; c++) {
        int op = (int)nxtest_rd_le(&r, 1);
        nx_type type = (nx_type)nxtest_rd_le(&r, 1), want_type = (nx_type)nxtest_rd_le(&r, 1);
        int axis_mode = (int)nxtest_rd_le(&r, 1), axis = (int)(int32_t)nxtest_rd_le(&r, 4);
        char axis_name[256], name_store[NX_MAX_RANK][256], want_store[NX_MAX_RANK][256];
        rd_str(&r, axis_name);
        nx_shape in_shape = nxtest_rd_shape(&r), arg = nxtest_rd_shape(&r);
        nx_axes axes = { .n = (int)nxtest_rd_le(&r, 1) };
        cr_assert(axes.n <= NX_MAX_RANK);
        for (int i = 0; i < axes.n; i++)
            axes.index[i] = (int)(int32_t)nxtest_rd_le(&r, 4);
        nx_names names = rd_names(&r, name_store);
        nx_shape want_shape = nxtest_rd_shape(&r);
        nx_names want_names = rd_names(&r, want_store);
        uint64_t in_len = nxtest_rd_le(&r, 8);
        const unsigned char *in = nxtest_rd_bytes(&r, in_len);
        uint64_t want_len = nxtest_rd_le(&r, 8);
        const unsigned char *want = nxtest_rd_bytes(&r, want_len);
        if (op != want_op)
            continue;
        done++;

        nx_scope_begin();
        nx_tensor *t = NULL;
        nx_item root = { 0 };
        switch (op) {
        case OP_IOTA: {
            nx_axis ax = axis_mode == 1   ? NX_AXIS(axis)
                         : axis_mode == 2 ? NX_AXIS_NAMED(axis_name)
                                          : (nx_axis){ 0 };
            t = nx_iota(arg, .type = type, .axis = ax, .names = names);
            break;
        }
        case OP_EYE:
            t = nx_eye(arg, .type = type, .names = names);
            break;
        case OP_BROADCAST:
        case OP_RESHAPE: {
            nx_tensor *src = nx_from_data(in, type, in_shape);
            cr_assert_not_null(src, "case %u: from_data: %s", c, nx_error_message());
            t = op == OP_BROADCAST ? nx_broadcast(src, arg, .axes = axes, .names = names)
                                   : nx_reshape(src, arg, .names = names);
            break;
        }
        case OP_TENSOR: {
            const unsigned char *leaf = in;
            cr_assert_eq(in_len % 17, 0);
            build_items(&root, &in_shape, 0, &leaf);
            t = nx_tensor(&root, .type = type, .names = names);
            free_items(&root);
            break;
        }
        default:
            cr_assert_fail("case %u: unknown op %d", c, op);
        }
        const char *tn = nx_type_name(want_type);
        cr_assert_not_null(t, "case %u (%s, %s, seed %u): %s: %s", c, op_names[op], tn, seed,
                           nx_error_kind_name(nx_error()), nx_error_message());
        cr_assert_eq(nx_type_of(t), want_type, "case %u (%s): type %s, expected %s", c, op_names[op],
                     nx_type_name(nx_type_of(t)), tn);
        nx_shape s = nx_shape_of(t);
        cr_assert_eq(s.rank, want_shape.rank, "case %u (%s): rank %d, expected %d", c, op_names[op], s.rank,
                     want_shape.rank);
        for (int i = 0; i < s.rank; i++)
            cr_assert_eq(s.dims[i], want_shape.dims[i], "case %u (%s): axis %d is %lld, expected %lld", c,
                         op_names[op], i, (long long)s.dims[i], (long long)want_shape.dims[i]);
        char a[512], b[512];
        nx_names got_names = nx_names_of(t);
        cr_assert_str_eq(names_str(a, sizeof a, got_names), names_str(b, sizeof b, want_names),
                         "case %u (%s): names", c, op_names[op]);
        int64_t bits = nx_to_binary(t, NULL, 0);
        cr_assert_eq((bits + 7) / 8, (int64_t)want_len, "case %u (%s, %s): %lld bits, expected %llu bytes", c,
                     op_names[op], tn, (long long)bits, (unsigned long long)want_len);
        unsigned char *got = malloc(want_len ? want_len : 1);
        cr_assert_not_null(got);
        cr_assert_eq(nx_to_binary(t, got, (int64_t)want_len), bits, "%s", nx_error_message());
        for (uint64_t i = 0; i < want_len; i++)
            cr_assert_eq(got[i], want[i],
                         "case %u (%s, %s, seed %u): byte %llu is 0x%02x, expected 0x%02x", c,
                         op_names[op], tn, seed, (unsigned long long)i, got[i], want[i]);
        free(got);
        NXTEST_OK();
        nx_scope_end();
    }
    cr_assert_eq(done, limit < 1 ? 1 : limit, "create.bin holds only %ld %s cases", done, op_names[want_op]);
    free(file);
}

Test(create, iota_matches_numpy) { run_oracle(OP_IOTA); }
Test(create, eye_matches_numpy) { run_oracle(OP_EYE); }
Test(create, broadcast_matches_numpy) { run_oracle(OP_BROADCAST); }
Test(create, reshape_matches_numpy) { run_oracle(OP_RESHAPE); }
Test(create, tensor_from_lists_matches_numpy) { run_oracle(OP_TENSOR); }

/* ------------------------------------------------------------------ Nx.tensor */

Test(create, tensor_infers_types)
{
    nx_scope_begin();
    /* [1, 2.0, true] -> f32 */
    nx_item a = ITEM_LIST(ITEM_I(1), ITEM_F(2.0), ITEM_B(1));
    nx_tensor *t = nx_tensor(&a);
    cr_assert_eq(nx_type_of(t), NX_F32);
    expect_flat(t, (nx_number[]){ NX_FLOAT(1.0), NX_FLOAT(2.0), NX_FLOAT(1.0) }, 3);
    /* [true, false, 3] -> s32 */
    nx_item b = ITEM_LIST(ITEM_B(1), ITEM_B(0), ITEM_I(3));
    t = nx_tensor(&b);
    cr_assert_eq(nx_type_of(t), NX_S32);
    expect_flat(t, (nx_number[]){ NX_INT(1), NX_INT(0), NX_INT(3) }, 3);
    /* [1, Complex.new(0, 1)] -> c64 */
    nx_item c = ITEM_LIST(ITEM_I(1), ITEM_C(0, 1));
    t = nx_tensor(&c);
    cr_assert_eq(nx_type_of(t), NX_C64);
    expect_flat(t, (nx_number[]){ NX_COMPLEX(1, 0), NX_COMPLEX(0, 1) }, 2);
    /* booleans -> u8 */
    nx_item d = ITEM_LIST(ITEM_B(1), ITEM_B(0));
    t = nx_tensor(&d);
    cr_assert_eq(nx_type_of(t), NX_U8);
    expect_binary(t, (unsigned char[]){ 1, 0 }, 16);
    /* [:nan, 1] -> f32 */
    nx_item e = ITEM_LIST(ITEM_F(NAN), ITEM_I(1));
    t = nx_tensor(&e);
    cr_assert_eq(nx_type_of(t), NX_F32);
    expect_binary(t, (unsigned char[]){ 0x00, 0x00, 0xC0, 0x7F, 0x00, 0x00, 0x80, 0x3F }, 64);
    /* [1, 2, 3.0] -> f32; [true, 2] -> s32 (functions.md) */
    nx_item f = ITEM_LIST(ITEM_I(1), ITEM_I(2), ITEM_F(3.0));
    cr_assert_eq(nx_type_of(nx_tensor(&f)), NX_F32);
    nx_item g = ITEM_LIST(ITEM_B(1), ITEM_I(2));
    cr_assert_eq(nx_type_of(nx_tensor(&g)), NX_S32);
    /* a scalar: any integer is s32, and big ones wrap (10_000_000_000 -> 1410065408) */
    nx_item h = ITEM_I(10000000000LL);
    t = nx_tensor(&h);
    cr_assert_eq(nx_type_of(t), NX_S32);
    expect_shape(t, NX_SHAPE());
    expect_flat(t, (nx_number[]){ NX_INT(1410065408) }, 1);
    /* floats that overflow f32 become infinities */
    nx_item k = ITEM_LIST(ITEM_F(1.0e40), ITEM_F(-1.0e40));
    t = nx_tensor(&k);
    expect_flat(t, (nx_number[]){ NX_FLOAT(INFINITY), NX_FLOAT(-INFINITY) }, 2);
    /* a scalar boolean is u8, a scalar complex c64 */
    nx_item m = ITEM_B(1), n = ITEM_C(1.5, -2);
    cr_assert_eq(nx_type_of(nx_tensor(&m)), NX_U8);
    cr_assert_eq(nx_type_of(nx_tensor(&n)), NX_C64);
    NXTEST_OK();
    nx_scope_end();
}

Test(create, tensor_wraps_integers)
{
    nx_scope_begin();
    nx_item a = ITEM_LIST(ITEM_I(300), ITEM_I(301), ITEM_I(302));
    nx_tensor *t = nx_tensor(&a, .type = NX_S8);
    expect_flat(t, (nx_number[]){ NX_INT(44), NX_INT(45), NX_INT(46) }, 3);
    nx_item b = ITEM_LIST(ITEM_I(-1), ITEM_I(300));
    t = nx_tensor(&b, .type = NX_U8);
    expect_binary(t, (unsigned char[]){ 255, 44 }, 16);
    /* u64 beyond 2^63 in and out */
    nx_item c = ITEM_LIST(ITEM_U(UINT64_MAX), ITEM_I(-1), ITEM_U(1ull << 63));
    t = nx_tensor(&c, .type = NX_U64);
    expect_flat(t, (nx_number[]){ NX_UINT(UINT64_MAX), NX_UINT(UINT64_MAX), NX_UINT(1ull << 63) }, 3);
    /* s4: 7 + 1 wraps to -8; u2: 4 wraps to 0 */
    nx_item d = ITEM_LIST(ITEM_I(8), ITEM_I(-9), ITEM_I(7));
    t = nx_tensor(&d, .type = NX_S4);
    expect_flat(t, (nx_number[]){ NX_INT(-8), NX_INT(7), NX_INT(7) }, 3);
    nx_item e = ITEM_LIST(ITEM_I(4), ITEM_I(5), ITEM_I(-1));
    t = nx_tensor(&e, .type = NX_U2);
    expect_flat(t, (nx_number[]){ NX_INT(0), NX_INT(1), NX_INT(3) }, 3);
    /* booleans into floats and complex */
    nx_item f = ITEM_LIST(ITEM_B(1), ITEM_B(0));
    expect_flat(nx_tensor(&f, .type = NX_F64), (nx_number[]){ NX_FLOAT(1), NX_FLOAT(0) }, 2);
    expect_flat(nx_tensor(&f, .type = NX_C128), (nx_number[]){ NX_COMPLEX(1, 0), NX_COMPLEX(0, 0) }, 2);
    /* f8_e4m3fn saturates: Inf and 1000.0 -> 448, NaN stays NaN */
    nx_item g = ITEM_LIST(ITEM_F(INFINITY), ITEM_F(-1000.0), ITEM_F(NAN));
    t = nx_tensor(&g, .type = NX_F8_E4M3FN);
    expect_binary(t, (unsigned char[]){ 0x7E, 0xFE, 0x7F }, 24);
    /* non-finite markers into f16 */
    nx_item h = ITEM_LIST(ITEM_F(INFINITY), ITEM_F(-INFINITY), ITEM_F(NAN));
    expect_binary(nx_tensor(&h, .type = NX_F16), (unsigned char[]){ 0x00, 0x7C, 0x00, 0xFC, 0x00, 0x7E }, 48);
    NXTEST_OK();
    nx_scope_end();
}

Test(create, tensor_shapes_and_names)
{
    nx_scope_begin();
    nx_item a = ITEM_LIST(ITEM_LIST(ITEM_I(1), ITEM_I(2), ITEM_I(3)),
                          ITEM_LIST(ITEM_I(4), ITEM_I(5), ITEM_I(6)));
    nx_tensor *t = nx_tensor(&a, .names = NX_NAMES("x", NULL));
    expect_shape(t, NX_SHAPE(2, 3));
    expect_names(t, "[:x, nil]");
    cr_assert_eq(nx_names_of(t).v[0], nx_atom("x"), "names are interned");
    cr_assert_eq(nx_byte_size(nx_iota(NX_SHAPE(3), .type = NX_U4)), 1, "byte_size rounds down");
    cr_assert_eq(nx_bit_size(nx_iota(NX_SHAPE(3), .type = NX_U4)), 12);
    cr_assert_eq(nx_rank(t), 2);
    cr_assert_eq(nx_size(t), 6);
    cr_assert_eq(nx_flat_size(t), 6);
    cr_assert_eq(nx_bit_size(t), 192);
    cr_assert_eq(nx_byte_size(t), 24);
    expect_flat(t, (nx_number[]){ NX_INT(1), NX_INT(2), NX_INT(3), NX_INT(4), NX_INT(5), NX_INT(6) }, 6);
    /* [[[1]]] is {1, 1, 1}; a bare number is {} with names [] */
    nx_item b = ITEM_LIST(ITEM_LIST(ITEM_LIST(ITEM_F(1.5))));
    expect_shape(nx_tensor(&b), NX_SHAPE(1, 1, 1));
    nx_item c = ITEM_F(2.5);
    t = nx_tensor(&c);
    expect_shape(t, NX_SHAPE());
    cr_assert_eq(nx_names_of(t).n, 0);
    /* nx_scalar */
    t = nx_scalar(NX_FLOAT(0.5), NX_F16);
    cr_assert_eq(nx_type_of(t), NX_F16);
    expect_binary(t, (unsigned char[]){ 0x00, 0x38 }, 16);
    t = nx_scalar(NX_INT(7), NX_TYPE_NONE);
    cr_assert_eq(nx_type_of(t), NX_S32);
    NXTEST_OK();
    nx_scope_end();
}

Test(create, tensor_of_a_tensor)
{
    nx_scope_begin();
    nx_tensor *src = nx_iota(NX_SHAPE(2, 2), .names = NX_NAMES("x", "y"));
    nx_item it = ITEM_T(src);
    /* names are discarded unless given */
    nx_tensor *t = nx_tensor(&it);
    cr_assert_not_null(t, "%s", nx_error_message());
    expect_names(t, "[nil, nil]");
    expect_names(src, "[:x, :y]");
    expect_flat(t, (nx_number[]){ NX_INT(0), NX_INT(1), NX_INT(2), NX_INT(3) }, 4);
    /* given names must merge with the old ones; the new ones are used */
    t = nx_tensor(&it, .names = NX_NAMES(NULL, "y"));
    expect_names(t, "[nil, :y]");
    t = nx_tensor(&it, .type = NX_S32, .names = NX_NAMES("x", "y"));
    expect_names(t, "[:x, :y]");
    NXTEST_OK();
    nx_scope_end();
}

/* ------------------------------------------------------------------ iota, eye */

Test(create, iota_and_eye_exact)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE());
    cr_assert_eq(nx_type_of(t), NX_S32);
    expect_shape(t, NX_SHAPE());
    expect_flat(t, (nx_number[]){ NX_INT(0) }, 1);
    t = nx_iota(NX_SHAPE(2, 3), .axis = NX_AXIS_NAMED("y"), .names = NX_NAMES("x", "y"));
    expect_flat(t, (nx_number[]){ NX_INT(0), NX_INT(1), NX_INT(2), NX_INT(0), NX_INT(1), NX_INT(2) }, 6);
    expect_names(t, "[:x, :y]");
    t = nx_iota(NX_SHAPE(2, 3), .axis = NX_AXIS(-2));
    expect_flat(t, (nx_number[]){ NX_INT(0), NX_INT(0), NX_INT(0), NX_INT(1), NX_INT(1), NX_INT(1) }, 6);
    /* sub-byte types wrap: u2 0 1 2 3 0 1 */
    t = nx_iota(NX_SHAPE(6), .type = NX_U2);
    expect_binary(t, (unsigned char[]){ 0x1B, 0x10 }, 12);
    t = nx_iota(NX_SHAPE(3), .type = NX_BF16);
    expect_binary(t, (unsigned char[]){ 0x00, 0x00, 0x80, 0x3F, 0x00, 0x40 }, 48);
    /* narrow floats round to nearest even (decisions.md 1); e4m3fn saturates at 448 */
    t = nx_iota(NX_SHAPE(500), .type = NX_F8_E4M3FN);
    nx_number v[500];
    cr_assert_eq(nx_to_flat_list(t, v, 500), 500);
    cr_assert_eq(v[499].f, 448.0, "499 as f8_e4m3fn: %g", v[499].f);
    cr_assert_eq(v[17].f, 16.0, "17 as f8_e4m3fn (a tie, to even): %g", v[17].f);
    cr_assert_eq(v[19].f, 20.0, "19 as f8_e4m3fn (a tie, to even): %g", v[19].f);
    t = nx_iota(NX_SHAPE(500), .type = NX_F8);
    cr_assert_eq(nx_to_flat_list(t, v, 500), 500);
    cr_assert_eq(v[499].f, 512.0, "499 as f8: %g", v[499].f);
    cr_assert_eq(v[9].f, 8.0, "9 as f8 (a tie, to even): %g", v[9].f);
    t = nx_iota(NX_SHAPE(300), .type = NX_BF16);
    cr_assert_eq(nx_to_flat_list(t, v, 300), 300);
    cr_assert_eq(v[257].f, 256.0, "257 as bf16 (a tie, to even): %g", v[257].f);
    cr_assert_eq(v[259].f, 260.0, "259 as bf16 (a tie, to even): %g", v[259].f);
    /* eye: two 4x3 identities; rectangular; every matrix in the last two axes */
    t = nx_eye(NX_SHAPE(2, 4, 3));
    cr_assert_eq(nx_type_of(t), NX_S32);
    int64_t want[24] = { 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 };
    nx_number w[24];
    for (int i = 0; i < 24; i++)
        w[i] = NX_INT(want[i]);
    expect_flat(t, w, 24);
    t = nx_eye_n(2, .type = NX_F8_E4M3FN);
    expect_binary(t, (unsigned char[]){ 0x38, 0x00, 0x00, 0x38 }, 32);
    expect_shape(t, NX_SHAPE(2, 2));
    t = nx_eye_n(3, .type = NX_U4, .names = NX_NAMES("r", "c"));
    expect_binary(t, (unsigned char[]){ 0x10, 0x00, 0x10, 0x00, 0x10 }, 36);
    expect_names(t, "[:r, :c]");
    NXTEST_OK();
    nx_scope_end();
}

/* ------------------------------------------------------------------ Nx.Constants */

/* formats.md §4.1, with decisions.md item 4 (f8_e4m3fn epsilon, pi, e, euler_gamma
 * correctly rounded: 0x20, 0x45, 0x43, 0x31). Columns: f8 e4m3fn bf16 f16 f32 f64. */
static const uint64_t const_bits[NX_CONST_I][6] = {
    [NX_CONST_NAN] = { 0x7E, 0x7F, 0x7FC0, 0x7E00, 0x7FC00000, 0x7FF8000000000000 },
    [NX_CONST_INFINITY] = { 0x7C, 0x7E, 0x7F80, 0x7C00, 0x7F800000, 0x7FF0000000000000 },
    [NX_CONST_NEG_INFINITY] = { 0xFC, 0xFE, 0xFF80, 0xFC00, 0xFF800000, 0xFFF0000000000000 },
    [NX_CONST_MAX_FINITE] = { 0x7B, 0x7E, 0x7F7F, 0x7BFF, 0x7F7FFFFF, 0x7FEFFFFFFFFFFFFF },
    [NX_CONST_MIN_FINITE] = { 0xFB, 0xFE, 0xFF7F, 0xFBFF, 0xFF7FFFFF, 0xFFEFFFFFFFFFFFFF },
    [NX_CONST_MAX] = { 0x7C, 0x7E, 0x7F80, 0x7C00, 0x7F800000, 0x7FF0000000000000 },
    [NX_CONST_MIN] = { 0xFC, 0xFE, 0xFF80, 0xFC00, 0xFF800000, 0xFFF0000000000000 },
    [NX_CONST_SMALLEST_POSITIVE_NORMAL] = { 0x04, 0x08, 0x0080, 0x0400, 0x00800000, 0x0010000000000000 },
    [NX_CONST_EPSILON] = { 0x34, 0x20, 0x3C00, 0x1400, 0x34000000, 0x3CB0000000000000 },
    [NX_CONST_PI] = { 0x42, 0x45, 0x4049, 0x4248, 0x40490FDB, 0x400921FB54442D18 },
    [NX_CONST_E] = { 0x41, 0x43, 0x402D, 0x4170, 0x402DF854, 0x4005BF0A8B145769 },
    [NX_CONST_EULER_GAMMA] = { 0x38, 0x31, 0x3F13, 0x389E, 0x3F13C468, 0x3FE2788CFC6FB619 },
};
static const nx_type float_types[6] = { NX_F8, NX_F8_E4M3FN, NX_BF16, NX_F16, NX_F32, NX_F64 };

Test(create, float_constants_match_formats_table)
{
    nx_scope_begin();
    for (int k = 0; k < NX_CONST_I; k++)
        for (int f = 0; f < 6; f++) {
            nx_type type = float_types[f];
            nx_tensor *t = nx_constant((nx_constant_kind)k, type);
            cr_assert_not_null(t, "%s %s: %s", nx_constant_name(k), nx_type_name(type), nx_error_message());
            cr_assert_eq(nx_type_of(t), type);
            cr_assert_eq(nx_rank(t), 0);
            int bytes = nx_type_bits(type) / 8;
            unsigned char got[8] = { 0 }, want[8];
            for (int i = 0; i < 8; i++)
                want[i] = (unsigned char)(const_bits[k][f] >> (8 * i));
            cr_assert_eq(nx_to_binary(t, got, bytes), bytes * 8);
            cr_assert(memcmp(got, want, (size_t)bytes) == 0,
                      "%s(%s): got bits %02x%02x%02x%02x%02x%02x%02x%02x, expected 0x%llX",
                      nx_constant_name(k), nx_type_name(type), got[7], got[6], got[5], got[4],
                      got[3], got[2], got[1], got[0], (unsigned long long)const_bits[k][f]);
        }
    /* type NONE is f32 */
    nx_tensor *pi = nx_constant(NX_CONST_PI, NX_TYPE_NONE);
    cr_assert_eq(nx_type_of(pi), NX_F32);
    expect_binary(pi, (unsigned char[]){ 0xDB, 0x0F, 0x49, 0x40 }, 32);
    /* decoded values */
    expect_flat(nx_constant(NX_CONST_PI, NX_F8_E4M3FN), (nx_number[]){ NX_FLOAT(3.25) }, 1);
    expect_flat(nx_constant(NX_CONST_E, NX_F8_E4M3FN), (nx_number[]){ NX_FLOAT(2.75) }, 1);
    expect_flat(nx_constant(NX_CONST_EULER_GAMMA, NX_F8_E4M3FN), (nx_number[]){ NX_FLOAT(0.5625) }, 1);
    expect_flat(nx_constant(NX_CONST_EPSILON, NX_F8_E4M3FN), (nx_number[]){ NX_FLOAT(0.125) }, 1);
    expect_flat(nx_constant(NX_CONST_INFINITY, NX_F8_E4M3FN), (nx_number[]){ NX_FLOAT(448) }, 1);
    expect_flat(nx_constant(NX_CONST_MAX_FINITE, NX_F8), (nx_number[]){ NX_FLOAT(57344) }, 1);
    expect_flat(nx_constant(NX_CONST_E, NX_BF16), (nx_number[]){ NX_FLOAT(2.703125) }, 1);
    expect_flat(nx_constant(NX_CONST_MAX_FINITE, NX_BF16),
                (nx_number[]){ NX_FLOAT(3.3895313892515355e38) }, 1);
    cr_assert_str_eq(nx_constant_name(NX_CONST_SMALLEST_POSITIVE_NORMAL), "smallest_positive_normal");
    cr_assert_str_eq(nx_constant_name(NX_CONST_NEG_INFINITY), "neg_infinity");
    cr_assert_str_eq(nx_constant_name(NX_CONST_I), "i");
    cr_assert_null(nx_constant_name(NX_CONST_COUNT));
    NXTEST_OK();
    nx_scope_end();
}

Test(create, integer_constants)
{
    static const struct {
        nx_type type;
        nx_number max, min;
    } table[] = {
        { NX_U2, NX_INT(3), NX_INT(0) },
        { NX_U4, NX_INT(15), NX_INT(0) },
        { NX_U8, NX_INT(255), NX_INT(0) },
        { NX_U16, NX_INT(65535), NX_INT(0) },
        { NX_U32, NX_INT(4294967295), NX_INT(0) },
        { NX_U64, NX_UINT(18446744073709551615ull), NX_UINT(0) },
        { NX_S2, NX_INT(1), NX_INT(-2) },
        { NX_S4, NX_INT(7), NX_INT(-8) },
        { NX_S8, NX_INT(127), NX_INT(-128) },
        { NX_S16, NX_INT(32767), NX_INT(-32768) },
        { NX_S32, NX_INT(2147483647), NX_INT(-2147483648LL) },
        { NX_S64, NX_INT(INT64_MAX), NX_INT(INT64_MIN) },
    };
    nx_scope_begin();
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        nx_constant_kind maxes[] = { NX_CONST_MAX, NX_CONST_MAX_FINITE };
        nx_constant_kind mins[] = { NX_CONST_MIN, NX_CONST_MIN_FINITE };
        for (int j = 0; j < 2; j++) {
            nx_number got;
            nx_tensor *mx = nx_constant(maxes[j], table[i].type), *mn = nx_constant(mins[j], table[i].type);
            cr_assert_not_null(mx, "%s: %s", nx_type_name(table[i].type), nx_error_message());
            cr_assert_not_null(mn, "%s: %s", nx_type_name(table[i].type), nx_error_message());
            cr_assert_eq(nx_type_of(mx), table[i].type);
            char a[96], b[96];
            cr_assert_eq(nx_to_number(mx, &got), 0);
            cr_assert(same_number(got, table[i].max), "%s max: got %s, expected %s",
                      nx_type_name(table[i].type), number_str(a, sizeof a, got),
                      number_str(b, sizeof b, table[i].max));
            cr_assert_eq(nx_to_number(mn, &got), 0);
            cr_assert(same_number(got, table[i].min), "%s min: got %s, expected %s",
                      nx_type_name(table[i].type), number_str(a, sizeof a, got),
                      number_str(b, sizeof b, table[i].min));
        }
    }
    /* 2- and 4-bit constants are stored as 2/4-bit data: s4 min is the 4 bits 1000 */
    expect_binary(nx_constant(NX_CONST_MIN_FINITE, NX_S4), (unsigned char[]){ 0x80 }, 4);
    expect_binary(nx_constant(NX_CONST_MAX, NX_S4), (unsigned char[]){ 0x70 }, 4);
    expect_binary(nx_constant(NX_CONST_MAX, NX_U2), (unsigned char[]){ 0xC0 }, 2);
    expect_binary(nx_constant(NX_CONST_MIN, NX_S2), (unsigned char[]){ 0x80 }, 2);
    expect_binary(nx_constant(NX_CONST_MAX, NX_U64),
                  (unsigned char[]){ 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, 64);
    /* i */
    nx_tensor *i = nx_constant(NX_CONST_I, NX_TYPE_NONE);
    cr_assert_eq(nx_type_of(i), NX_C64);
    expect_binary(i, (unsigned char[]){ 0, 0, 0, 0, 0x00, 0x00, 0x80, 0x3F }, 64);
    i = nx_constant(NX_CONST_I, NX_C128);
    cr_assert_eq(nx_type_of(i), NX_C128);
    expect_flat(i, (nx_number[]){ NX_COMPLEX(0, 1) }, 1);
    NXTEST_OK();
    nx_scope_end();
}

/* ------------------------------------------------------------------ binary data */

Test(create, sub_byte_storage)
{
    nx_scope_begin();
    /* formats.md §1.1: u4 [1, 2, 3] is <<0x12, 3::4>> */
    nx_item a = ITEM_LIST(ITEM_I(1), ITEM_I(2), ITEM_I(3));
    expect_binary(nx_tensor(&a, .type = NX_U4), (unsigned char[]){ 0x12, 0x30 }, 12);
    /* s2 [1, -1] is the 4 bits 0111 */
    nx_item b = ITEM_LIST(ITEM_I(1), ITEM_I(-1));
    expect_binary(nx_tensor(&b, .type = NX_S2), (unsigned char[]){ 0x70 }, 4);
    /* from_binary(<<255, 1>>, :s4) is [-1, -1, 0, 1] */
    nx_tensor *t = nx_from_binary((unsigned char[]){ 255, 1 }, 16, NX_S4);
    expect_shape(t, NX_SHAPE(4));
    expect_flat(t, (nx_number[]){ NX_INT(-1), NX_INT(-1), NX_INT(0), NX_INT(1) }, 4);
    /* u4 [1, 2, 3, 4] is bytes 12 34 */
    nx_item c = ITEM_LIST(ITEM_I(1), ITEM_I(2), ITEM_I(3), ITEM_I(4));
    expect_binary(nx_tensor(&c, .type = NX_U4), (unsigned char[]){ 0x12, 0x34 }, 16);
    /* 12 bits are fine for u4 (3 elements); the unused low bits come back as zeros */
    t = nx_from_binary((unsigned char[]){ 0x12, 0x3F }, 12, NX_U4);
    expect_shape(t, NX_SHAPE(3));
    expect_binary(t, (unsigned char[]){ 0x12, 0x30 }, 12);
    expect_flat(t, (nx_number[]){ NX_INT(1), NX_INT(2), NX_INT(3) }, 3);
    /* the same through nx_from_data */
    t = nx_from_data(((unsigned char[]){ 0xE4, 0xFF }), NX_U2, NX_SHAPE(5));
    expect_flat(t, (nx_number[]){ NX_INT(3), NX_INT(2), NX_INT(1), NX_INT(0), NX_INT(3) }, 5);
    expect_binary(t, (unsigned char[]){ 0xE4, 0xC0 }, 10);
    /* to_binary with a limit that cuts a byte */
    t = nx_iota(NX_SHAPE(4), .type = NX_U4);
    expect_binary(t, (unsigned char[]){ 0x01, 0x23 }, 16);
    unsigned char buf[2] = { 0xFF, 0xFF };
    cr_assert_eq(nx_to_binary(t, buf, 2, .limit = 3), 12);
    cr_assert_eq(buf[0], 0x01);
    cr_assert_eq(buf[1], 0x20);
    cr_assert_eq(nx_to_binary(t, NULL, 0, .limit = 3), 12);
    cr_assert_eq(nx_to_binary(t, NULL, 0, .limit = 100), 16);
    /* a broadcast of sub-byte data */
    nx_tensor *row = nx_from_data((unsigned char[]){ 0x9C }, NX_S4, NX_SHAPE(1, 2));
    expect_binary(nx_broadcast(row, NX_SHAPE(3, 2)), (unsigned char[]){ 0x9C, 0x9C, 0x9C }, 24);
    NXTEST_OK();
    nx_scope_end();
}

Test(create, from_binary_round_trips_every_type)
{
    nx_scope_begin();
    srand(12345);
    for (nx_type type = NX_U2; type < NX_TYPE_COUNT; type++) {
        enum { N = 7 };
        int w = nx_type_bits(type);
        int64_t bits = (int64_t)N * w, bytes = (bits + 7) / 8;
        unsigned char data[N * 16], want[N * 16];
        for (int64_t i = 0; i < bytes; i++)
            data[i] = want[i] = (unsigned char)(rand() >> 7);
        if (bits % 8)
            want[bytes - 1] &= (unsigned char)(0xFF << (8 - bits % 8));
        nx_tensor *t = nx_from_binary(data, bits, type);
        cr_assert_not_null(t, "%s: %s", nx_type_name(type), nx_error_message());
        cr_assert_eq(nx_type_of(t), type);
        expect_shape(t, NX_SHAPE(N));
        expect_names(t, "[nil]");
        expect_binary(t, want, bits);
        /* and back through nx_from_data with a shape */
        nx_tensor *u = nx_from_data(data, type, NX_SHAPE(7, 1), .names = NX_NAMES("a", NULL));
        expect_shape(u, NX_SHAPE(7, 1));
        expect_names(u, "[:a, nil]");
        expect_binary(u, want, bits);
        /* from_binary copies: changing the source afterwards changes nothing */
        memset(data, 0, sizeof data);
        expect_binary(t, want, bits);
        /* to_binary refuses a destination that is too small */
        unsigned char small[1];
        if (bytes > 1) {
            cr_assert_eq(nx_to_binary(t, small, 1), -1);
            cr_assert_eq(nx_error(), NX_ARGUMENT_ERROR);
            nx_error_clear();
        }
    }
    NXTEST_OK();
    nx_scope_end();
}

/* ------------------------------------------------------------------ values out */

Test(create, to_flat_list_and_to_number)
{
    nx_scope_begin();
    nx_tensor *t = nx_from_binary((unsigned char[]){ 0xFF, 0x7F, 0x80, 0x00 }, 32, NX_S8);
    expect_flat(t, (nx_number[]){ NX_INT(-1), NX_INT(127), NX_INT(-128), NX_INT(0) }, 4);
    /* .limit and a short output */
    nx_number out[4];
    cr_assert_eq(nx_to_flat_list(t, out, 4, .limit = 2), 2);
    cr_assert_eq(out[1].i, 127);
    cr_assert_eq(nx_to_flat_list(t, out, 3), 3);
    cr_assert_eq(out[2].i, -128);
    cr_assert_eq(nx_to_flat_list(t, out, 4, .limit = 9), 4);
    /* u64 above 2^63 comes out as NX_NUM_UINT */
    uint64_t big[2] = { 18446744073709551615ull, (1ull << 63) + 5 };
    t = nx_from_binary(big, 128, NX_U64);
    cr_assert_eq(nx_to_flat_list(t, out, 4), 2);
    cr_assert_eq(out[0].kind, NX_NUM_UINT);
    cr_assert_eq(out[0].u, 18446744073709551615ull);
    cr_assert_eq(out[1].kind, NX_NUM_UINT);
    cr_assert_eq(out[1].u, (1ull << 63) + 5);
    nx_number n;
    cr_assert_eq(nx_to_number(nx_constant(NX_CONST_MAX, NX_U64), &n), 0);
    cr_assert_eq(n.kind, NX_NUM_UINT);
    cr_assert_eq(n.u, UINT64_MAX);
    /* small u64 values: the value is right whichever integer kind carries it */
    t = nx_scalar(NX_INT(5), NX_U64);
    cr_assert_eq(nx_to_number(t, &n), 0);
    cr_assert((n.kind == NX_NUM_UINT && n.u == 5) || (n.kind == NX_NUM_INT && n.i == 5));
    /* narrow floats decode exactly (decisions.md 3: e5m2 0x01 is 2^-16) */
    t = nx_from_binary((unsigned char[]){ 0x01, 0x7C, 0xFC, 0x7E, 0x3C }, 40, NX_F8);
    expect_flat(t, (nx_number[]){ NX_FLOAT(ldexp(1, -16)), NX_FLOAT(INFINITY), NX_FLOAT(-INFINITY),
                                  NX_FLOAT(NAN), NX_FLOAT(1.0) }, 5);
    t = nx_from_binary((unsigned char[]){ 0x7E, 0x7F, 0x01, 0xB8 }, 32, NX_F8_E4M3FN);
    expect_flat(t, (nx_number[]){ NX_FLOAT(448), NX_FLOAT(NAN), NX_FLOAT(ldexp(1, -9)), NX_FLOAT(-1.0) }, 4);
    t = nx_from_binary((unsigned char[]){ 0x80, 0x3F, 0x80, 0xFF, 0x01, 0x00 }, 48, NX_BF16);
    expect_flat(t, (nx_number[]){ NX_FLOAT(1.0), NX_FLOAT(-INFINITY), NX_FLOAT(ldexp(1, -133)) }, 3);
    t = nx_from_binary((unsigned char[]){ 0x01, 0x00, 0x00, 0x80 }, 32, NX_F16);
    expect_flat(t, (nx_number[]){ NX_FLOAT(ldexp(1, -24)), NX_FLOAT(-0.0) }, 2);
    float c[4] = { 1.5f, -2.0f, 0.0f, 1.0f };
    t = nx_from_binary(c, 128, NX_C64);
    expect_flat(t, (nx_number[]){ NX_COMPLEX(1.5, -2.0), NX_COMPLEX(0, 1) }, 2);
    /* to_number on a scalar of each kind */
    cr_assert_eq(nx_to_number(nx_scalar(NX_FLOAT(-0.25), NX_F64), &n), 0);
    cr_assert(same_number(n, NX_FLOAT(-0.25)));
    cr_assert_eq(nx_to_number(nx_scalar(NX_INT(-3), NX_S2), &n), 0);
    cr_assert(same_number(n, NX_INT(1)), "-3 wraps to 1 in s2");
    cr_assert_eq(nx_to_number(nx_scalar(NX_COMPLEX(1, 2), NX_C128), &n), 0);
    cr_assert(same_number(n, NX_COMPLEX(1, 2)));
    cr_assert_eq(nx_to_number(nx_scalar(NX_FLOAT(NAN), NX_BF16), &n), 0);
    cr_assert(n.kind == NX_NUM_FLOAT && isnan(n.f));
    NXTEST_OK();
    nx_scope_end();
}

/* ------------------------------------------------------------------ axes, template */

Test(create, axis_size_and_index)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2, 3, 4), .names = NX_NAMES("x", NULL, "z"));
    cr_assert_eq(nx_axis_size(t, NX_AXIS(0)), 2);
    cr_assert_eq(nx_axis_size(t, NX_AXIS(1)), 3);
    cr_assert_eq(nx_axis_size(t, NX_AXIS(-1)), 4);
    cr_assert_eq(nx_axis_size(t, NX_AXIS(-3)), 2);
    cr_assert_eq(nx_axis_size(t, NX_AXIS_NAMED("z")), 4);
    cr_assert_eq(nx_axis_size(t, NX_AXIS_NAMED("x")), 2);
    cr_assert_eq(nx_axis_index(t, NX_AXIS(-1)), 2);
    cr_assert_eq(nx_axis_index(t, NX_AXIS(-2)), 1);
    cr_assert_eq(nx_axis_index(t, NX_AXIS(1)), 1);
    cr_assert_eq(nx_axis_index(t, NX_AXIS_NAMED("z")), 2);
    /* a name that appears twice: the first one */
    nx_tensor *d = nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES("x", "x"));
    cr_assert_eq(nx_axis_index(d, NX_AXIS_NAMED("x")), 0);
    NXTEST_OK();
    nx_scope_end();
}

Test(create, template_has_no_data)
{
    nx_scope_begin();
    nx_tensor *t = nx_template(NX_SHAPE(2, 3), NX_F32, .names = NX_NAMES("a", "b"));
    cr_assert_not_null(t, "%s", nx_error_message());
    cr_assert(nx_is_template(t));
    cr_assert_eq(nx_type_of(t), NX_F32);
    expect_shape(t, NX_SHAPE(2, 3));
    expect_names(t, "[:a, :b]");
    cr_assert_eq(nx_size(t), 6);
    cr_assert_eq(nx_bit_size(t), 192);
    cr_assert_eq(nx_axis_size(t, NX_AXIS_NAMED("b")), 3);
    cr_assert(!nx_is_template(nx_iota(NX_SHAPE(2))));
    cr_assert(!nx_is_template(NULL));
    nx_error_clear();
    const char *msg = "cannot perform operations on a Nx.TemplateBackend tensor";
    unsigned char buf[64];
    nx_number n[8];
    cr_assert_eq(nx_to_binary(t, buf, sizeof buf), -1);
    NXTEST_ERROR(NX_RUNTIME_ERROR, msg);
    cr_assert_eq(nx_to_binary(t, NULL, 0), -1);
    NXTEST_ERROR(NX_RUNTIME_ERROR, msg);
    cr_assert_eq(nx_to_flat_list(t, n, 8), -1);
    NXTEST_ERROR(NX_RUNTIME_ERROR, msg);
    cr_assert_eq(nx_to_number(nx_template(NX_SHAPE(), NX_S32), n), -1);
    NXTEST_ERROR(NX_RUNTIME_ERROR, msg);
    cr_assert_null(nx_as_type(t, NX_F64));
    NXTEST_ERROR(NX_RUNTIME_ERROR, msg);
    cr_assert_null(nx_as_type(t, NX_F32));
    NXTEST_ERROR(NX_RUNTIME_ERROR, msg);
    cr_assert_null(nx_bitcast(t, NX_S32));
    NXTEST_ERROR(NX_RUNTIME_ERROR, msg);
    cr_assert_null(nx_broadcast(t, NX_SHAPE(4, 2, 3)));
    NXTEST_ERROR(NX_RUNTIME_ERROR, msg);
    nx_item it = ITEM_T(t);
    cr_assert_null(nx_tensor(&it));
    NXTEST_ERROR(NX_RUNTIME_ERROR, msg);
    /* shapes are validated as for any shape */
    cr_assert_null(nx_template(NX_SHAPE(2, 0), NX_F32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR,
                 "invalid dimension in axis 1 found in shape. Each dimension must be a positive integer, got 0 in shape {2, 0}");
    nx_scope_end();
}

/* ------------------------------------------------------------------ metadata ops */

Test(create, rename_keeps_data)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2, 3), .type = NX_U8);
    nx_tensor *r = nx_rename(t, NX_NAMES("x", "y"));
    cr_assert_not_null(r, "%s", nx_error_message());
    expect_names(r, "[:x, :y]");
    expect_names(t, "[nil, nil]");   /* tensors are immutable */
    expect_binary(r, (unsigned char[]){ 0, 1, 2, 3, 4, 5 }, 48);
    nx_tensor *c = nx_rename(r, (nx_names){ 0 });
    expect_names(c, "[nil, nil]");
    expect_names(nx_rename(r, NX_NAMES(NULL, "z")), "[nil, :z]");
    expect_names(r, "[:x, :y]");
    NXTEST_OK();
    nx_scope_end();
}

Test(create, reshape_and_broadcast_exact)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES("x", "y"));
    nx_tensor *r = nx_reshape(t, NX_SHAPE(3, NX_AUTO));
    expect_shape(r, NX_SHAPE(3, 2));
    expect_names(r, "[nil, nil]");
    expect_names(t, "[:x, :y]");
    expect_shape(nx_reshape(t, NX_SHAPE(NX_AUTO)), NX_SHAPE(6));
    expect_shape(nx_reshape(nx_iota(NX_SHAPE(1)), NX_SHAPE()), NX_SHAPE());
    expect_shape(nx_reshape(nx_iota(NX_SHAPE()), NX_SHAPE(1, NX_AUTO, 1)), NX_SHAPE(1, 1, 1));
    r = nx_reshape(t, NX_SHAPE(2, 3), .names = NX_NAMES("a", NULL));   /* same shape: names only */
    expect_names(r, "[:a, nil]");
    expect_flat(r, (nx_number[]){ NX_INT(0), NX_INT(1), NX_INT(2), NX_INT(3), NX_INT(4), NX_INT(5) }, 6);
    /* broadcast: {3} to {2, 3}; {2} to {2, 3} along axis 0; names dropped unless given */
    nx_tensor *v = nx_iota(NX_SHAPE(3), .names = NX_NAMES("k"));
    nx_tensor *b = nx_broadcast(v, NX_SHAPE(2, 3));
    expect_names(b, "[nil, nil]");
    expect_flat(b, (nx_number[]){ NX_INT(0), NX_INT(1), NX_INT(2), NX_INT(0), NX_INT(1), NX_INT(2) }, 6);
    b = nx_broadcast(nx_iota(NX_SHAPE(2)), NX_SHAPE(2, 3), .axes = NX_AXES(0), .names = NX_NAMES("r", "c"));
    expect_names(b, "[:r, :c]");
    expect_flat(b, (nx_number[]){ NX_INT(0), NX_INT(0), NX_INT(0), NX_INT(1), NX_INT(1), NX_INT(1) }, 6);
    b = nx_broadcast(v, NX_SHAPE(3));   /* same shape: names dropped even so */
    expect_names(b, "[nil]");
    b = nx_broadcast(nx_scalar(NX_FLOAT(2.5), NX_F64), NX_SHAPE(2));
    expect_flat(b, (nx_number[]){ NX_FLOAT(2.5), NX_FLOAT(2.5) }, 2);
    /* negative axes are normalised against the target shape */
    b = nx_broadcast(nx_iota(NX_SHAPE(2)), NX_SHAPE(2, 3), .axes = NX_AXES(-2));
    expect_flat(b, (nx_number[]){ NX_INT(0), NX_INT(0), NX_INT(0), NX_INT(1), NX_INT(1), NX_INT(1) }, 6);
    NXTEST_OK();
    nx_scope_end();
}

/* :axes names refer to the tensor's own names: Nx.broadcast calls
 * Nx.Shape.normalize_axes(shape, axes, tensor.names) (shapes-and-names.md §4.2). */
Test(create, broadcast_axes_by_the_tensors_names)
{
    nx_scope_begin();
    nx_tensor *b = nx_broadcast(nx_iota(NX_SHAPE(2), .names = NX_NAMES("x")), NX_SHAPE(2, 2),
                                .axes = NX_AXES_NAMED("x"));
    cr_assert_not_null(b, "broadcast with :axes [:x] on a tensor named [:x]: %s", nx_error_message());
    expect_flat(b, (nx_number[]){ NX_INT(0), NX_INT(0), NX_INT(1), NX_INT(1) }, 4);
    expect_names(b, "[nil, nil]");
    NXTEST_OK();
    nx_scope_end();
}

Test(create, vectorize_metadata)
{
    nx_scope_begin();
    nx_tensor *t = nx_iota(NX_SHAPE(2, 3), .names = NX_NAMES("a", "b"));
    nx_tensor *v = nx_vectorize(t, "v");
    cr_assert_not_null(v, "%s", nx_error_message());
    cr_assert_eq(nx_vectorized_rank(v), 1);
    cr_assert_eq(nx_vectorized_rank(t), 0);
    expect_shape(v, NX_SHAPE(3));
    expect_names(v, "[:b]");
    cr_assert_eq(nx_rank(v), 1);
    cr_assert_eq(nx_size(v), 3);
    cr_assert_eq(nx_flat_size(v), 6);
    cr_assert_eq(nx_bit_size(v), 192);
    cr_assert_eq(nx_axis_size(v, NX_AXIS(0)), 3);
    cr_assert_eq(nx_axis_size(v, NX_AXIS(-1)), 3);
    /* to_binary gives the devectorized data */
    expect_flat(v, (nx_number[]){ NX_INT(0), NX_INT(1), NX_INT(2), NX_INT(3), NX_INT(4), NX_INT(5) }, 6);
    nx_tensor *w = nx_vectorize(v, "w");
    cr_assert_eq(nx_vectorized_rank(w), 2);
    expect_shape(w, NX_SHAPE());
    nx_tensor *d = nx_devectorize(w, true);
    cr_assert_eq(nx_vectorized_rank(d), 0);
    expect_shape(d, NX_SHAPE(2, 3));
    expect_names(d, "[:v, :w]");
    d = nx_devectorize(v, false);
    expect_names(d, "[nil, :b]");
    expect_shape(nx_devectorize(t, true), NX_SHAPE(2, 3));
    /* rename and reshape act on the inner shape */
    expect_names(nx_rename(v, NX_NAMES("c")), "[:c]");
    nx_tensor *r = nx_reshape(v, NX_SHAPE(3, 1));
    cr_assert_eq(nx_vectorized_rank(r), 1);
    expect_shape(r, NX_SHAPE(3, 1));
    nx_tensor *b = nx_broadcast(v, NX_SHAPE(4, 3));
    cr_assert_eq(nx_vectorized_rank(b), 1);
    expect_shape(b, NX_SHAPE(4, 3));
    cr_assert_eq(nx_flat_size(b), 24);
    expect_names(nx_devectorize(b, true), "[:v, nil, nil]");
    /* each vector entry broadcast on its own */
    nx_number want[24];
    for (int i = 0; i < 24; i++)
        want[i] = NX_INT((i / 12) * 3 + i % 3);
    expect_flat(b, want, 24);
    nx_tensor *bc = nx_broadcast(nx_vectorize(nx_iota(NX_SHAPE(2, 3, 1)), "v"), NX_SHAPE(3, 2),
                                 .axes = NX_AXES(0, 1));
    cr_assert_not_null(bc, "%s", nx_error_message());
    cr_assert_eq(nx_vectorized_rank(bc), 1);
    expect_flat(bc, (nx_number[]){ NX_INT(0), NX_INT(0), NX_INT(1), NX_INT(1), NX_INT(2), NX_INT(2),
                                   NX_INT(3), NX_INT(3), NX_INT(4), NX_INT(4), NX_INT(5), NX_INT(5) }, 12);
    NXTEST_OK();
    nx_scope_end();
}

Test(create, as_type_returns_a_new_tensor)
{
    /* Outside any scope: the caller owns both and releases them in any order. */
    nx_tensor *t = nx_iota(NX_SHAPE(3), .type = NX_S16, .names = NX_NAMES("x"));
    nx_tensor *same = nx_as_type(t, NX_S16);
    cr_assert_not_null(same, "%s", nx_error_message());
    cr_assert_neq(same, t, "as_type to the same type returns a new tensor");
    expect_names(same, "[:x]");
    nx_release(t);
    expect_binary(same, (unsigned char[]){ 0, 0, 1, 0, 2, 0 }, 48);
    nx_tensor *f = nx_as_type(same, NX_F32);
    cr_assert_eq(nx_type_of(f), NX_F32);
    expect_names(f, "[:x]");
    expect_flat(f, (nx_number[]){ NX_FLOAT(0), NX_FLOAT(1), NX_FLOAT(2) }, 3);
    nx_release(same);
    nx_release(f);
    /* bitcast: same bits, another type of the same width */
    nx_scope_begin();
    nx_tensor *one = nx_scalar(NX_FLOAT(1.0), NX_F32);
    expect_flat(nx_bitcast(one, NX_U32), (nx_number[]){ NX_INT(0x3F800000) }, 1);
    expect_flat(nx_bitcast(nx_scalar(NX_INT(-1), NX_S8), NX_U8), (nx_number[]){ NX_INT(255) }, 1);
    expect_flat(nx_bitcast(nx_scalar(NX_INT(0x3C00), NX_U16), NX_F16), (nx_number[]){ NX_FLOAT(1.0) }, 1);
    expect_flat(nx_bitcast(nx_scalar(NX_INT(-1), NX_S4), NX_U4), (nx_number[]){ NX_INT(15) }, 1);
    NXTEST_OK();
    nx_scope_end();
}
