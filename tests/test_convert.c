/* tests/test_convert.c: Nx.as_type between every ordered pair of the 20 types against the
 * oracle of tests/oracle/gen_convert.py (numpy and ml_dtypes, exact single rounding where
 * they round twice), the worked examples of spec/types-and-inspect.md §4.3-4.5 that hold
 * under spec/decisions.md 1-3, bitcast, from_binary / to_binary and the sub-byte layout
 * (formats.md §1.1-1.3), and the promotion rules (types-and-inspect.md §2-3). */
#include "support/nxtest.h"

#include <criterion/logging.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const nxtest_type_info *const types = nxtest_types;
#define type_named nxtest_type_listed

static bool is_complex(nx_type t) { return strcmp(types[t].kind, "c") == 0; }
static bool is_int(nx_type t) { return types[t].kind[0] == 'u' || types[t].kind[0] == 's'; }

/* ------------------------------------------------------------------ oracle files */

/* One block of an oracle file (format: top of tests/oracle/gen_convert.py). */
typedef struct {
    nx_type type;
    int64_t nbits;
    const unsigned char *data;
} block;

typedef struct {
    unsigned char *buf;
    int64_t n;
    block blocks[NX_TYPE_COUNT];   /* [0] the source, [t] the expected as_type(source, t) */
} convert_file;

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void load_convert_file(nx_type from, convert_file *f)
{
    char name[64];
    size_t len;
    snprintf(name, sizeof name, "convert_%s.bin", types[from].name);
    f->buf = nxtest_read_oracle(name, &len);
    cr_assert(len >= 16 && memcmp(f->buf, "NXCONV1\n", 8) == 0, "%s: not an oracle file", name);
    f->n = le32(f->buf + 8);
    uint32_t nblocks = le32(f->buf + 12);
    cr_assert_eq(nblocks, NX_TYPE_COUNT, "%s: %u blocks", name, nblocks);
    size_t off = 16;
    for (uint32_t b = 0; b < nblocks; b++) {
        cr_assert(off + 24 <= len, "%s: truncated", name);
        char tname[13] = { 0 };
        memcpy(tname, f->buf + off, 12);
        nx_type t = type_named(tname);
        cr_assert(t != NX_TYPE_NONE && le32(f->buf + off + 12) == (uint32_t)t,
                  "%s: block %u has type %s (%u); regenerate the oracle", name, b, tname,
                  le32(f->buf + off + 12));
        int64_t nbits = (int64_t)le32(f->buf + off + 16) | (int64_t)le32(f->buf + off + 20) << 32;
        cr_assert_eq(nbits, f->n * types[t].bits, "%s: block %s bit count", name, tname);
        off += 24;
        size_t nbytes = (size_t)(nbits + 7) / 8;
        cr_assert(off + nbytes <= len, "%s: truncated", name);
        block *bl = &f->blocks[b == 0 ? 0 : t];
        cr_assert(b == 0 ? t == from : (int)b == (int)t, "%s: blocks out of order", name);
        *bl = (block){ t, nbits, f->buf + off };
        off += nbytes;
    }
    cr_assert_eq(off, len, "%s: trailing bytes", name);
}

/* ------------------------------------------------------------------ element bits */

/* Raw bits of component c (0 real, 1 imaginary) of element i of data of type t. */
static uint64_t comp_bits(nx_type t, const unsigned char *d, int64_t i, int c)
{
    int w = types[t].bits;
    if (w < 8) {
        int64_t pos = i * w;
        return (uint64_t)(d[pos / 8] >> (8 - w - pos % 8)) & ((1u << w) - 1);
    }
    int cw = is_complex(t) ? w / 2 : w;
    const unsigned char *p = d + i * (w / 8) + c * (cw / 8);
    uint64_t v = 0;
    for (int b = cw / 8 - 1; b >= 0; b--)
        v = v << 8 | p[b];
    return v;
}

/* True for the NaN patterns of the float type of one component (written here from the
 * formats, independently of the library). */
static bool is_nan_bits(nx_type t, int c_bits, uint64_t x)
{
    switch (t) {
    case NX_F8: return (x & 0x7F) > 0x7C;
    case NX_F8_E4M3FN: return (x & 0x7F) == 0x7F;
    case NX_BF16: return (x & 0x7FFF) > 0x7F80;
    case NX_F16: return (x & 0x7FFF) > 0x7C00;
    default: break;
    }
    if (c_bits == 32)
        return (x & 0x7FFFFFFFu) > 0x7F800000u;
    return (x & 0x7FFFFFFFFFFFFFFFull) > 0x7FF0000000000000ull;
}

static void hex_element(char *out, size_t cap, nx_type t, const unsigned char *d, int64_t i)
{
    if (is_complex(t)) {
        int cw = types[t].bits / 2;
        snprintf(out, cap, "0x%0*llx,0x%0*llx", cw / 4, (unsigned long long)comp_bits(t, d, i, 0),
                 cw / 4, (unsigned long long)comp_bits(t, d, i, 1));
    } else {
        int w = types[t].bits;
        snprintf(out, cap, "0x%0*llx", w < 4 ? 1 : w / 4, (unsigned long long)comp_bits(t, d, i, 0));
    }
}

/* Mismatching elements of got against want (NaN-aware unless from == to). */
static int64_t compare(nx_type from, nx_type to, const block *src, const unsigned char *want,
                       const unsigned char *got, int64_t n)
{
    int ncomp = is_complex(to) ? 2 : 1;
    int cbits = types[to].bits / ncomp;
    bool nan_aware = from != to && !is_int(to);
    int64_t bad = 0;
    for (int64_t i = 0; i < n; i++) {
        bool ok = true;
        for (int c = 0; c < ncomp; c++) {
            uint64_t w = comp_bits(to, want, i, c), g = comp_bits(to, got, i, c);
            if (nan_aware && is_nan_bits(to, cbits, w))
                ok = ok && is_nan_bits(to, cbits, g);
            else
                ok = ok && w == g;
        }
        if (ok)
            continue;
        if (bad++ < 8) {
            char s[64], e[64], g[64];
            hex_element(s, sizeof s, from, src->data, i);
            hex_element(e, sizeof e, to, want, i);
            hex_element(g, sizeof g, to, got, i);
            cr_log_error("as_type %s -> %s: element %lld: source %s, expected %s, got %s",
                         types[from].name, types[to].name, (long long)i, s, e, g);
        }
    }
    return bad;
}

/* Converts the first n source elements to `to`; returns the number of failures. */
static int64_t check_pair(nx_type from, nx_type to, const convert_file *f, int64_t n)
{
    int64_t bad = 0;
    int64_t want_bits = n * types[to].bits;
    int64_t nbytes = (want_bits + 7) / 8;
    unsigned char *got = calloc((size_t)nbytes + 1, 1);
    cr_assert_not_null(got);
    nx_scope_begin();
    nx_tensor *x = nx_from_binary(f->blocks[0].data, n * types[from].bits, from);
    nx_tensor *y = nx_as_type(x, to);
    int64_t bits = y ? nx_to_binary(y, got, nbytes) : -1;
    if (!y || bits != want_bits) {
        cr_log_error("as_type %s -> %s: %s (bits %lld, expected %lld)", types[from].name,
                     types[to].name, nx_error() ? nx_error_message() : "no error recorded",
                     (long long)bits, (long long)want_bits);
        nx_error_clear();
        bad = n;
        goto out;
    }
    if (nx_type_of(y) != to || nx_rank(y) != 1 || nx_size(y) != n) {
        cr_log_error("as_type %s -> %s: result type %s, rank %d, size %lld", types[from].name,
                     types[to].name, nx_type_name(nx_type_of(y)), nx_rank(y), (long long)nx_size(y));
        bad++;
    }
    bad += compare(from, to, &f->blocks[0], f->blocks[to].data, got, n);
    if (want_bits % 8 && (got[nbytes - 1] & (0xFF >> (want_bits % 8)))) {
        cr_log_error("as_type %s -> %s: unused low bits of the last byte are not zero (0x%02x)",
                     types[from].name, types[to].name, got[nbytes - 1]);
        bad++;
    }
out:
    nx_scope_end();
    free(got);
    return bad;
}

/* from_binary then to_binary gives back the very bits (NaN payloads included). */
static int64_t check_round_trip(nx_type from, const convert_file *f, int64_t n)
{
    int64_t nbits = n * types[from].bits, nbytes = (nbits + 7) / 8;
    unsigned char *got = calloc((size_t)nbytes + 1, 1);
    cr_assert_not_null(got);
    nx_scope_begin();
    nx_tensor *x = nx_from_binary(f->blocks[0].data, nbits, from);
    int64_t bits = x ? nx_to_binary(x, got, nbytes) : -1;
    int64_t bad = 0;
    if (bits != nbits) {
        cr_log_error("from_binary/to_binary %s: %s (bits %lld, expected %lld)", types[from].name,
                     nx_error() ? nx_error_message() : "no error recorded", (long long)bits,
                     (long long)nbits);
        nx_error_clear();
        bad = 1;
    } else {
        for (int64_t i = 0; i < n; i++)
            for (int c = 0; c < (is_complex(from) ? 2 : 1); c++)
                if (comp_bits(from, f->blocks[0].data, i, c) != comp_bits(from, got, i, c) &&
                    bad++ < 8)
                    cr_log_error("from_binary/to_binary %s: element %lld changed",
                                 types[from].name, (long long)i);
    }
    nx_scope_end();
    free(got);
    return bad;
}

static void check_source(nx_type from)
{
    convert_file f = { 0 };
    load_convert_file(from, &f);
    int64_t n = nxtest_scaled(f.n);
    if (n > f.n)
        n = f.n;
    int64_t total = check_round_trip(from, &f, n);
    int failed_pairs = 0;
    char failed[512] = "";
    for (int to = 1; to < NX_TYPE_COUNT; to++) {
        int64_t bad = check_pair(from, (nx_type)to, &f, n);
        if (bad) {
            cr_log_error("as_type %s -> %s: %lld of %lld elements differ", types[from].name,
                         types[to].name, (long long)bad, (long long)n);
            size_t used = strlen(failed);
            snprintf(failed + used, sizeof failed - used, " %s", types[to].name);
            failed_pairs++;
        }
        total += bad;
    }
    free(f.buf);
    NXTEST_OK();
    cr_assert_eq(total, 0, "as_type from %s: %d target types fail:%s (details above)",
                 types[from].name, failed_pairs, failed);
}

/* One test per source type: as_type to each of the 20 targets, oracle element by element. */
#define CONVERT_TEST(E, name, kind, bits) \
    Test(convert, from_##name) { check_source(NX_##E); }
NX_TYPE_LIST(CONVERT_TEST)
#undef CONVERT_TEST

/* ------------------------------------------------------------------ worked examples */

/* A rank-1 tensor of n elements from C data laid out as nxc stores it. */
static nx_tensor *vec(const void *data, int64_t n, nx_type t)
{
    nx_tensor *x = nx_from_binary(data, n * types[t].bits, t);
    cr_assert_not_null(x, "from_binary %s: %s", types[t].name, nx_error_message());
    return x;
}

/* Asserts that t has type `type` and exactly the data want (nbits bits). */
static void expect_data(const nx_tensor *t, nx_type type, const void *want, int64_t nbits)
{
    cr_assert_not_null(t, "NULL result: %s", nx_error_message());
    cr_assert_eq(nx_type_of(t), type, "type %s, expected %s", nx_type_name(nx_type_of(t)),
                 types[type].name);
    unsigned char got[64] = { 0 };
    int64_t bits = nx_to_binary(t, got, sizeof got);
    cr_assert_eq(bits, nbits, "to_binary gave %lld bits, expected %lld", (long long)bits,
                 (long long)nbits);
    const unsigned char *w = want;
    for (int64_t b = 0; b < (nbits + 7) / 8; b++)
        cr_assert_eq(got[b], w[b], "%s: byte %lld is 0x%02x, expected 0x%02x", types[type].name,
                     (long long)b, got[b], w[b]);
}

/* as_type(x, type) holds exactly the bytes of the array literal that follows (types of
 * at least 8 bits). */
#define EXPECT_AS(x, type, ...) \
    expect_data(nx_as_type((x), (type)), (type), (__VA_ARGS__), \
                (int64_t)sizeof(__VA_ARGS__) * 8)

Test(convert, non_finite_to_int)
{
    nx_scope_begin();
    const float v[] = { INFINITY, NAN, -INFINITY };
    nx_tensor *x = vec(v, 3, NX_F32);
    EXPECT_AS(x, NX_S32, (int32_t[]){ INT32_MAX, 0, INT32_MIN });
    EXPECT_AS(x, NX_U8, (uint8_t[]){ 255, 0, 0 });
    /* s4 [7, 0, -8]: nibbles 0111 0000 1000, 12 bits. */
    expect_data(nx_as_type(x, NX_S4), NX_S4, (uint8_t[]){ 0x70, 0x80 }, 12);
    const double d[] = { INFINITY, NAN, -INFINITY };
    nx_tensor *y = vec(d, 3, NX_F64);
    EXPECT_AS(y, NX_U64, (uint64_t[]){ UINT64_MAX, 0, 0 });
    EXPECT_AS(y, NX_S64, (int64_t[]){ INT64_MAX, 0, INT64_MIN });
    NXTEST_OK();
    nx_scope_end();
}

Test(convert, complex_to_int_takes_real_part)
{
    nx_scope_begin();
    const float v[] = { 1.7f, 2.0f, -2.5f, 1.0f };
    EXPECT_AS(vec(v, 2, NX_C64), NX_S32, (int32_t[]){ 1, -2 });
    /* A non-finite real part follows the float rules (nxc; Nx raises). */
    const double w[] = { NAN, 1.0, INFINITY, 0.0, -INFINITY, NAN };
    EXPECT_AS(vec(w, 3, NX_C128), NX_S16, (int16_t[]){ 0, INT16_MAX, INT16_MIN });
    NXTEST_OK();
    nx_scope_end();
}

Test(convert, real_to_complex)
{
    nx_scope_begin();
    const int32_t v[] = { 1, 2 };
    EXPECT_AS(vec(v, 2, NX_S32), NX_C64, (float[]){ 1.0f, 0.0f, 2.0f, 0.0f });
    /* The imaginary part is +0.0 even beside -0.0. */
    const double d[] = { -0.0, -1.5 };
    EXPECT_AS(vec(d, 2, NX_F64), NX_C128, (double[]){ -0.0, 0.0, -1.5, 0.0 });
    NXTEST_OK();
    nx_scope_end();
}

/* decisions.md 1: Nx's reference truncates (0x4380 0x477F 0x4B80); nxc rounds to nearest even. */
Test(convert, int_to_bf16_rounds_to_nearest_even)
{
    nx_scope_begin();
    const int32_t v[] = { 257, 65535, 16777217 };
    EXPECT_AS(vec(v, 3, NX_S32), NX_BF16, (uint16_t[]){ 0x4380, 0x4780, 0x4B80 });
    /* One rounding from the exact integer: 2^24 + 2^16 + 1 is just above a tie (a detour
     * through f32 would land on the tie and round down to 2^24). */
    const int64_t w[] = { (1LL << 24) + (1LL << 16) + 1, (1LL << 62) + (1LL << 54) + 1 };
    EXPECT_AS(vec(w, 2, NX_S64), NX_BF16, (uint16_t[]){ 0x4B81, 0x5E81 });
    NXTEST_OK();
    nx_scope_end();
}

/* decisions.md 2: truncate toward zero, then saturate (Nx's reference wraps). */
Test(convert, float_to_int_saturates)
{
    nx_scope_begin();
    const double v[] = { 3.9, -3.9, 300.7, -0.9, 255.9, 256.0 };
    EXPECT_AS(vec(v, 6, NX_F64), NX_U8, (uint8_t[]){ 3, 0, 255, 0, 255, 255 });
    const double w[] = { 1.0e10, 2.5e9, -1.0e10, -2147483648.9, 2147483647.9 };
    EXPECT_AS(vec(w, 5, NX_F64), NX_S32,
              (int32_t[]){ INT32_MAX, INT32_MAX, INT32_MIN, INT32_MIN, INT32_MAX });
    const double z[] = { 1.0e30, -1.0e30, 9223372036854775808.0, -9223372036854775808.0 };
    EXPECT_AS(vec(z, 4, NX_F64), NX_S64, (int64_t[]){ INT64_MAX, INT64_MIN, INT64_MAX, INT64_MIN });
    const double u[] = { 1.0e30, 18446744073709551616.0, 18446744073709549568.0, -1.0 };
    EXPECT_AS(vec(u, 4, NX_F64), NX_U64,
              (uint64_t[]){ UINT64_MAX, UINT64_MAX, 18446744073709549568ull, 0 });
    const float f[] = { 7.9f, 8.0f, -8.9f, -9.0f };
    /* s4 [7, 7, -8, -8]: 0111 0111 1000 1000. */
    expect_data(nx_as_type(vec(f, 4, NX_F32), NX_S4), NX_S4, (uint8_t[]){ 0x77, 0x88 }, 16);
    NXTEST_OK();
    nx_scope_end();
}

Test(convert, int_to_int_wraps)
{
    nx_scope_begin();
    const int32_t v[] = { 300, -1, 128, -129 };
    nx_tensor *x = vec(v, 4, NX_S32);
    EXPECT_AS(x, NX_U8, (uint8_t[]){ 44, 255, 128, 127 });
    EXPECT_AS(x, NX_S8, (int8_t[]){ 44, -1, -128, 127 });
    /* u2 [0, 3, 0, 3]: 00 11 00 11. */
    expect_data(nx_as_type(x, NX_U2), NX_U2, (uint8_t[]){ 0x33 }, 8);
    const uint64_t u[] = { UINT64_MAX, 1ull << 63 };
    EXPECT_AS(vec(u, 2, NX_U64), NX_S64, (int64_t[]){ -1, INT64_MIN });
    NXTEST_OK();
    nx_scope_end();
}

Test(convert, to_f16)
{
    nx_scope_begin();
    const double v[] = { 2049.0, 1.0 + 0x1p-11 + 0x1p-40, 65519.0, 65520.0, -65520.0, 0x1p-25,
                         0x1.8p-24 };
    EXPECT_AS(vec(v, 7, NX_F64), NX_F16,
              (uint16_t[]){ 0x6800, 0x3C01, 0x7BFF, 0x7C00, 0xFC00, 0x0000, 0x0002 });
    NXTEST_OK();
    nx_scope_end();
}

/* decisions.md 1: one rounding to nearest-even from the exact value (Nx's reference gives
 * 0x3EAA, 0x38D1 for 1/3 and 1e-4, and f8 0x34 0x01 0x00 for 0.3, 3e-5, 1e-5). */
Test(convert, to_bf16_and_f8_round_once)
{
    nx_scope_begin();
    const double v[] = { 1.0 / 3, 1.0e-4, 1.0 + 0x1p-8 + 0x1p-30, -(1.0 + 0x1p-8), 0x1.ffp127 };
    EXPECT_AS(vec(v, 5, NX_F64), NX_BF16, (uint16_t[]){ 0x3EAB, 0x38D2, 0x3F81, 0xBF80, 0x7F80 });
    const double m[] = { 0x1.fep127, 0x1.fefffffffffffp127 };
    EXPECT_AS(vec(m, 2, NX_F64), NX_BF16, (uint16_t[]){ 0x7F7F, 0x7F7F });
    const double w[] = { 0.3, 3.0e-5, 1.0e-5, 61440.0, 61439.0, 1.0 + 0x1p-3 + 0x1p-40, 0x1p-17 };
    EXPECT_AS(vec(w, 7, NX_F64), NX_F8, (uint8_t[]){ 0x35, 0x02, 0x01, 0x7C, 0x7B, 0x3D, 0x00 });
    NXTEST_OK();
    nx_scope_end();
}

/* decisions.md 1: E4M3FN rounds to nearest-even and saturates at ±448, Inf included. */
Test(convert, to_f8_e4m3fn)
{
    nx_scope_begin();
    const double v[] = { 1.0625, 1.96875, 500.0, 0.001, 0.0075, INFINITY, -INFINITY, 464.0,
                         -449.0, 0x1p-10, 0x1.8p-9 };
    EXPECT_AS(vec(v, 11, NX_F64), NX_F8_E4M3FN,
              (uint8_t[]){ 0x38, 0x40, 0x7E, 0x01, 0x04, 0x7E, 0xFE, 0x7E, 0xFE, 0x00, 0x02 });
    const float n[] = { NAN, -NAN };
    unsigned char got[2];
    nx_tensor *y = nx_as_type(vec(n, 2, NX_F32), NX_F8_E4M3FN);
    cr_assert_eq(nx_to_binary(y, got, 2), 16);
    cr_assert((got[0] & 0x7F) == 0x7F && (got[1] & 0x7F) == 0x7F, "NaN gave 0x%02x 0x%02x",
              got[0], got[1]);
    NXTEST_OK();
    nx_scope_end();
}

/* decisions.md 3: E5M2 subnormals decode exactly (0x01 is 2^-16, not 3.8e-5). */
Test(convert, f8_subnormals_decode_exactly)
{
    nx_scope_begin();
    const uint8_t v[] = { 0x01, 0x02, 0x03, 0x81, 0x04 };
    nx_tensor *x = vec(v, 5, NX_F8);
    EXPECT_AS(x, NX_F32, (uint32_t[]){ 0x37800000, 0x38000000, 0x38400000, 0xB7800000, 0x38800000 });
    EXPECT_AS(x, NX_F16, (uint16_t[]){ 0x0100, 0x0200, 0x0300, 0x8100, 0x0400 });
    NXTEST_OK();
    nx_scope_end();
}

Test(convert, same_type_keeps_bits)
{
    nx_scope_begin();
    const uint32_t v[] = { 0x7FC00001, 0xFF800001, 0x80000000 };
    EXPECT_AS(vec(v, 3, NX_F32), NX_F32, (uint32_t[]){ 0x7FC00001, 0xFF800001, 0x80000000 });
    const uint16_t b[] = { 0x7FC1, 0xFF81 };
    EXPECT_AS(vec(b, 2, NX_BF16), NX_BF16, (uint16_t[]){ 0x7FC1, 0xFF81 });
    const uint8_t s[] = { 0x9C };
    expect_data(nx_as_type(vec(s, 2, NX_S4), NX_S4), NX_S4, s, 8);
    NXTEST_OK();
    nx_scope_end();
}

Test(convert, bitcast)
{
    nx_scope_begin();
    const float one = 1.0f;
    nx_tensor *f = vec(&one, 1, NX_F32);
    expect_data(nx_bitcast(f, NX_S32), NX_S32, (int32_t[]){ 1065353216 }, 32);
    expect_data(nx_bitcast(f, NX_U32), NX_U32, (uint32_t[]){ 0x3F800000 }, 32);
    /* A NaN payload survives a bitcast. */
    const uint32_t nan = 0x7F800001;
    expect_data(nx_bitcast(vec(&nan, 1, NX_S32), NX_F32), NX_F32, &nan, 32);
    const uint8_t nib[] = { 0xF1 };
    expect_data(nx_bitcast(vec(nib, 2, NX_U4), NX_S4), NX_S4, nib, 8);
    NXTEST_OK();

    const int16_t h[] = { 1, 2 };
    cr_assert_null(nx_bitcast(vec(h, 2, NX_S16), NX_F32));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "input type width must match new type width, got input "
                                    "type {:s, 16} and output type {:f, 32}");
    const float c[] = { 1.0f, 2.0f };
    cr_assert_null(nx_bitcast(vec(c, 1, NX_C64), NX_S64));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.bitcast/2 does not support complex inputs");
    const int64_t s = 5;
    cr_assert_null(nx_bitcast(vec(&s, 1, NX_S64), NX_C64));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.bitcast/2 does not support complex inputs");
    nx_scope_end();
}

Test(convert, from_binary_errors)
{
    nx_scope_begin();
    const uint8_t d[] = { 1, 2, 3 };
    cr_assert_null(nx_from_binary(d, 0, NX_U8));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "cannot build an empty tensor");
    cr_assert_null(nx_from_binary(d, 12, NX_U8));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "binary does not match the given size");
    cr_assert_null(nx_from_binary(d, 24, NX_S16));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "binary does not match the given size");
    /* 12 bits are three u4 elements. */
    nx_tensor *x = nx_from_binary(d, 12, NX_U4);
    cr_assert_not_null(x, "%s", nx_error_message());
    cr_assert_eq(nx_rank(x), 1);
    cr_assert_eq(nx_size(x), 3);
    cr_assert_eq(nx_type_of(x), NX_U4);
    NXTEST_OK();
    nx_scope_end();
}

/* formats.md §1.1: 2- and 4-bit types are packed most significant bits first. */
Test(convert, sub_byte_layout)
{
    nx_scope_begin();
    const uint8_t d[] = { 255, 1 };
    EXPECT_AS(vec(d, 4, NX_S4), NX_S8, (int8_t[]){ -1, -1, 0, 1 });
    EXPECT_AS(vec(d, 4, NX_U4), NX_U8, (uint8_t[]){ 15, 15, 0, 1 });
    EXPECT_AS(vec(d, 8, NX_S2), NX_S8, (int8_t[]){ -1, -1, -1, -1, 0, 0, 0, 1 });

    const int32_t v[] = { 1, 2, 3, 4 };
    nx_tensor *x = nx_as_type(vec(v, 3, NX_S32), NX_U4);
    expect_data(x, NX_U4, (uint8_t[]){ 0x12, 0x30 }, 12);
    /* formats.md §1.2: the first k elements. */
    unsigned char got[4] = { 0 };
    cr_assert_eq(nx_to_binary(x, got, sizeof got, .limit = 1), 4);
    cr_assert_eq(got[0], 0x10, "limit 1 gave 0x%02x", got[0]);
    expect_data(nx_as_type(vec(v, 4, NX_S32), NX_U4), NX_U4, (uint8_t[]){ 0x12, 0x34 }, 16);
    const int32_t s[] = { 1, -1 };
    expect_data(nx_as_type(vec(s, 2, NX_S32), NX_S2), NX_S2, (uint8_t[]){ 0x70 }, 4);
    NXTEST_OK();
    nx_scope_end();
}

/* ------------------------------------------------------------------ promotion */

/* §3.1: every cell of the 20x20 table (the oracle script parses it from the spec). */
Test(convert, type_merge_table)
{
    size_t len;
    unsigned char *buf = nxtest_read_oracle("type_merge.txt", &len);
    char *text = malloc(len + 1);
    cr_assert_not_null(text);
    memcpy(text, buf, len);
    text[len] = 0;
    free(buf);
    int cells = 0, bad = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#')
            continue;
        char l[16], r[16], m[16];
        cr_assert_eq(sscanf(line, "%15s %15s %15s", l, r, m), 3, "bad line: %s", line);
        nx_type lt = type_named(l), rt = type_named(r), mt = type_named(m);
        cr_assert(lt && rt && mt, "bad line: %s", line);
        nx_type got = nx_type_merge(lt, rt);
        if (got != mt && bad++ < 10)
            cr_log_error("merge(%s, %s) = %s, expected %s", l, r,
                         got ? types[got].name : "NONE", m);
        cells++;
    }
    free(text);
    cr_assert_eq(cells, 400, "%d cells in type_merge.txt", cells);
    cr_assert_eq(bad, 0, "%d of 400 merges differ (details above)", bad);
}

/* §3.2 */
Test(convert, type_merge_number)
{
    static const struct { nx_type t; nx_number n; nx_type want; } cases[] = {
        { NX_U8, NX_INT(255), NX_U8 },
        { NX_U8, NX_INT(256), NX_U16 },
        { NX_U2, NX_INT(1), NX_U2 },
        { NX_U2, NX_INT(2), NX_U8 },
        { NX_U2, NX_INT(0), NX_U2 },
        { NX_U8, NX_INT(-1), NX_S16 },
        { NX_U8, NX_INT(-32769), NX_S32 },
        { NX_U64, NX_INT(-1), NX_S64 },
        { NX_U16, NX_INT(4294967295LL), NX_U32 },
        { NX_U16, NX_INT(4294967296LL), NX_U64 },
        { NX_U8, NX_UINT(UINT64_MAX), NX_U64 },
        { NX_S8, NX_INT(127), NX_S8 },
        { NX_S8, NX_INT(128), NX_S16 },
        { NX_S8, NX_INT(-128), NX_S8 },
        { NX_S8, NX_INT(-129), NX_S16 },
        { NX_S2, NX_INT(-2), NX_S2 },
        { NX_S2, NX_INT(1), NX_S2 },
        { NX_S4, NX_INT(5), NX_S8 },
        { NX_S32, NX_INT(10000000000LL), NX_S64 },
        { NX_F16, NX_INT(100000), NX_F16 },
        { NX_BF16, NX_FLOAT(1.5), NX_BF16 },
        { NX_F8, NX_INT(1000), NX_F8 },
        { NX_F64, NX_FLOAT(1.0), NX_F64 },
        { NX_C64, NX_INT(1), NX_C64 },
        { NX_C128, NX_FLOAT(2.5), NX_C128 },
        { NX_S8, NX_FLOAT(1.0), NX_F32 },
        { NX_U64, NX_FLOAT(1.0), NX_F32 },
        { NX_F8_E4M3FN, NX_INT(1), NX_F32 },
        { NX_F8_E4M3FN, NX_FLOAT(1.0), NX_F32 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nx_type got = nx_type_merge_number(cases[i].t, cases[i].n);
        cr_expect_eq(got, cases[i].want, "merge_number(%s, case %zu) = %s, expected %s",
                     types[cases[i].t].name, i, got ? types[got].name : "NONE",
                     types[cases[i].want].name);
    }
}

/* §3.4 */
Test(convert, derived_types)
{
    for (int t = 1; t < NX_TYPE_COUNT; t++) {
        nx_type floating, real, complex, aggregate;
        const char *k = types[t].kind;
        if (is_int((nx_type)t)) {
            floating = real = NX_F32;
            complex = NX_C64;
            if (types[t].bits == 64)
                aggregate = NX_S64;
            else
                aggregate = k[0] == 'u' ? NX_U32 : NX_S32;
        } else if (t == NX_F64) {
            floating = real = aggregate = NX_F64;
            complex = NX_C128;
        } else if (t == NX_C64) {
            floating = complex = aggregate = NX_C64;
            real = NX_F32;
        } else if (t == NX_C128) {
            floating = complex = aggregate = NX_C128;
            real = NX_F64;
        } else {
            floating = real = aggregate = (nx_type)t;
            complex = NX_C64;
        }
        cr_expect_eq(nx_type_to_floating((nx_type)t), floating, "to_floating(%s)", types[t].name);
        cr_expect_eq(nx_type_to_real((nx_type)t), real, "to_real(%s)", types[t].name);
        cr_expect_eq(nx_type_to_complex((nx_type)t), complex, "to_complex(%s)", types[t].name);
        cr_expect_eq(nx_type_to_aggregate((nx_type)t), aggregate, "to_aggregate(%s)",
                     types[t].name);
    }
}

/* §2 */
Test(convert, literal_types)
{
    cr_expect_eq(nx_type_infer(NX_INT(1)), NX_S32);
    cr_expect_eq(nx_type_infer(NX_INT(10000000000LL)), NX_S32);
    cr_expect_eq(nx_type_infer(NX_UINT(UINT64_MAX)), NX_S32);
    cr_expect_eq(nx_type_infer(NX_FLOAT(1.5)), NX_F32);
    cr_expect_eq(nx_type_infer(NX_FLOAT(NAN)), NX_F32);
    cr_expect_eq(nx_type_infer(NX_FLOAT(-INFINITY)), NX_F32);
    cr_expect_eq(nx_type_infer(NX_COMPLEX(0, 1)), NX_C64);
}
