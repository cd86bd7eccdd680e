/* tests/test_fmtfloat.c: the text of float elements (src/core/fmtfloat.c) against
 * tests/oracle/gen_print.py (every 8- and 16-bit pattern, 1M f32 and f64 patterns), the
 * tables of spec/types-and-inspect.md §5.4-5.8, and Nx's own f16 fixture. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "support/nxtest.h"
#include "core/fmtfloat.h"

static uint64_t f64_bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

static uint32_t f32_bits(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}

#define CHECK_TEXT(type, bits, want) \
    do { \
        char got_[NXFMT_FLOAT_MAX]; \
        int n_ = nxfmt_float(got_, sizeof got_, (type), (bits)); \
        cr_expect_str_eq(got_, (want), "bits 0x%llx: want %s, got %s", \
                         (unsigned long long)(bits), (want), got_); \
        cr_expect_eq(n_, (int)strlen(want)); \
    } while (0)

/* Checks the first `max` lines ("<hex> <text>") of an oracle file; reports the first few
 * mismatches and fails if there are any. */
static void check_oracle(const char *file, nx_type type, long max)
{
    size_t len;
    unsigned char *data = nxtest_read_oracle(file, &len);
    const char *p = (const char *)data, *end = p + len;
    long lines = 0, bad = 0;
    while (p < end && lines < max) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *sp = memchr(p, ' ', (size_t)(eol - p));
        cr_assert_not_null(sp, "%s line %ld is malformed", file, lines + 1);
        char hex[24], want[64], got[NXFMT_FLOAT_MAX];
        cr_assert_lt((size_t)(sp - p), sizeof hex);
        cr_assert_lt((size_t)(eol - sp - 1), sizeof want);
        memcpy(hex, p, (size_t)(sp - p));
        hex[sp - p] = '\0';
        memcpy(want, sp + 1, (size_t)(eol - sp - 1));
        want[eol - sp - 1] = '\0';
        uint64_t bits = strtoull(hex, NULL, 16);
        nxfmt_float(got, sizeof got, type, bits);
        if (strcmp(got, want) != 0 && bad++ < 8)
            cr_log_error("%s: bits 0x%s: expected %s, got %s", file, hex, want, got);
        lines++;
        p = eol + 1;
    }
    free(data);
    cr_assert_gt(lines, 0, "%s is empty", file);
    cr_assert_eq(bad, 0, "%s: %ld of %ld patterns print differently (first ones logged)", file,
                 bad, lines);
}

Test(fmtfloat, oracle_f8) { check_oracle("print_f8.txt", NX_F8, 256); }
Test(fmtfloat, oracle_f8_e4m3fn) { check_oracle("print_f8_e4m3fn.txt", NX_F8_E4M3FN, 256); }
Test(fmtfloat, oracle_bf16) { check_oracle("print_bf16.txt", NX_BF16, 65536); }
Test(fmtfloat, oracle_f16) { check_oracle("print_f16.txt", NX_F16, 65536); }
Test(fmtfloat, oracle_f32, .timeout = 120)
{
    check_oracle("print_f32.txt", NX_F32, nxtest_scaled(1000000));
}
Test(fmtfloat, oracle_f64, .timeout = 120)
{
    check_oracle("print_f64.txt", NX_F64, nxtest_scaled(1000000));
}

/* Nx's test fixture: every f16 pattern as the C Ryu library prints it, in Nx's layout
 * with "E" for "e", "Infinity" and "-NaN" for "NaN". */
Test(fmtfloat, nx_f16_fixture)
{
    const char *path = NXC_SOURCE_DIR "/../shared/conformance/fixtures/f16_table.txt";
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", path);
    char line[64];
    int count = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned bits;
        char text[48], want[48], got[NXFMT_FLOAT_MAX];
        cr_assert_eq(sscanf(line, "%x:%47s", &bits, text), 2, "bad line %s", line);
        if (strcmp(text, "Infinity") == 0 || strcmp(text, "-Infinity") == 0)
            snprintf(want, sizeof want, "%s", text[0] == '-' ? "-Inf" : "Inf");
        else if (strcmp(text, "-NaN") == 0)
            snprintf(want, sizeof want, "NaN");
        else
            snprintf(want, sizeof want, "%s", text);
        for (char *c = want; *c; c++)
            if (*c == 'E')
                *c = 'e';
        nxfmt_float(got, sizeof got, NX_F16, bits);
        if (strcmp(got, want) != 0 && bad++ < 8)
            cr_log_error("f16 0x%04x: fixture %s, got %s", bits, text, got);
        count++;
    }
    fclose(f);
    cr_assert_eq(count, 65536);
    cr_assert_eq(bad, 0, "%d f16 patterns differ from Nx's fixture", bad);
}

/* §5.7's examples. The two "Nx quirk" rows print the shortest digits in nxc
 * (spec/decisions.md 5). */
Test(fmtfloat, spec_examples_b)
{
    CHECK_TEXT(NX_F32, f32_bits(0.1f), "0.1");
    CHECK_TEXT(NX_F32, 0x40490FDBu, "3.1415927");
    CHECK_TEXT(NX_F32, 0x7F7FFFFFu, "3.4028235e38");
    CHECK_TEXT(NX_F32, 0x00800000u, "1.1754944e-38");
    CHECK_TEXT(NX_F32, 0x34000000u, "1.1920929e-7");
    CHECK_TEXT(NX_F32, f32_bits(1234567890.0f), "1.234568e9");
    CHECK_TEXT(NX_F32, 0x4C000000u, "33554432.0");
    CHECK_TEXT(NX_F32, f32_bits(1e8f), "1e8");
    CHECK_TEXT(NX_F32, 0x515078A8u, "5.5961092e10");    /* Nx: 5.596109e10 */
    CHECK_TEXT(NX_F32, 0x513D7539u, "5.085722e10");     /* Nx: 5.0857218e10 */
    CHECK_TEXT(NX_F16, 0x7BFFu, "6.55e4");
    CHECK_TEXT(NX_F16, 0x0400u, "6.104e-5");
    CHECK_TEXT(NX_F16, 0x0001u, "6e-8");
    CHECK_TEXT(NX_F16, 0x1400u, "9.77e-4");
    CHECK_TEXT(NX_F16, 0x3555u, "0.3333");
    CHECK_TEXT(NX_F16, 0x57B7u, "123.44");
    CHECK_TEXT(NX_BF16, 0x3C00u, "0.0078");
    CHECK_TEXT(NX_BF16, 0x7F7Fu, "3.39e38");
    CHECK_TEXT(NX_BF16, 0x3DCCu, "0.0996");
    CHECK_TEXT(NX_BF16, 0x0001u, "1e-40");
    CHECK_TEXT(NX_F8, 0x7Bu, "6e4");
    CHECK_TEXT(NX_F8, 0x04u, "6e-5");
    CHECK_TEXT(NX_F8_E4M3FN, 0x7Eu, "450.0");
    CHECK_TEXT(NX_F8_E4M3FN, 0x78u, "260.0");
    CHECK_TEXT(NX_F8_E4M3FN, 0x01u, "0.002");
}

/* §5.4's comparison of the two layouts, and §5.6's examples. */
Test(fmtfloat, layouts_a_and_b)
{
    static const struct { double v; const char *a, *b; } rows[] = {
        { 1.0e-5, "1.0e-5", "1e-5" },
        { 0.0001, "0.0001", "1e-4" },
        { 1000.0, "1.0e3", "1e3" },
        { 1200.0, "1.2e3", "1.2e3" },
        { 123456.0, "123456.0", "123456.0" },
        { 123456789.0, "123456789.0", "123456790.0" },
        { 1.0e20, "1.0e20", "1e20" },
        { 9007199254740993.0, "9.007199254740992e15", "9.007199e15" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        CHECK_TEXT(NX_F64, f64_bits(rows[i].v), rows[i].a);
        CHECK_TEXT(NX_F32, f32_bits((float)rows[i].v), rows[i].b);
    }
    static const struct { double v; const char *text; } a[] = {
        { 0.1, "0.1" }, { 12.3, "12.3" }, { 100.0, "100.0" }, { 1000.0, "1.0e3" },
        { 123456.7, "123456.7" }, { 0.001234, "0.001234" }, { 1.0e-128, "1.0e-128" },
        { 2.2250738585072014e-308, "2.2250738585072014e-308" },
        { 1.7976931348623157e308, "1.7976931348623157e308" }, { 5.0e-324, "5.0e-324" },
        { 33554432.0, "33554432.0" }, { 4503599627370497.0, "4503599627370497.0" },
        { 1.0e22, "1.0e22" }, { 12345678900.0, "12345678900.0" }, { 1.234e10, "1.234e10" },
        { 3.141592653589793, "3.141592653589793" },
        { 2.220446049250313e-16, "2.220446049250313e-16" },
        { 17.29, "17.29" }, { 12340.0, "12340.0" }, { -0.0, "-0.0" }, { 0.0, "0.0" },
        { -1.5, "-1.5" },
    };
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++)
        CHECK_TEXT(NX_F64, f64_bits(a[i].v), a[i].text);
}

Test(fmtfloat, non_finite)
{
    CHECK_TEXT(NX_F64, 0x7FF0000000000000ull, "Inf");
    CHECK_TEXT(NX_F64, 0xFFF0000000000000ull, "-Inf");
    CHECK_TEXT(NX_F64, 0x7FF8000000000000ull, "NaN");
    CHECK_TEXT(NX_F64, 0xFFF8000000000001ull, "NaN");
    CHECK_TEXT(NX_F32, 0x7F800000u, "Inf");
    CHECK_TEXT(NX_F32, 0xFF800000u, "-Inf");
    CHECK_TEXT(NX_F32, 0xFFC00000u, "NaN");
    CHECK_TEXT(NX_F32, 0x80000000u, "-0.0");
    CHECK_TEXT(NX_BF16, 0xFF80u, "-Inf");
    CHECK_TEXT(NX_BF16, 0x7FC1u, "NaN");
    CHECK_TEXT(NX_F16, 0x7C00u, "Inf");
    CHECK_TEXT(NX_F16, 0xFE00u, "NaN");
    CHECK_TEXT(NX_F8, 0xFCu, "-Inf");
    CHECK_TEXT(NX_F8, 0xFDu, "NaN");
    CHECK_TEXT(NX_F8_E4M3FN, 0x7Fu, "NaN");
    CHECK_TEXT(NX_F8_E4M3FN, 0xFFu, "NaN");
    CHECK_TEXT(NX_F8_E4M3FN, 0xFEu, "-450.0");
    CHECK_TEXT(NX_F8_E4M3FN, 0x80u, "-0.0");
}

/* §5.8: every 8-bit float; bytes 0x80-0xFF print as the positive entry with '-' except
 * the NaN patterns. */
static const char *const f8_table[128] = {
    "0.0", "2e-5", "3e-5", "5e-5", "6e-5", "8e-5", "9e-5", "1e-4", "1.2e-4", "1.5e-4",
    "1.8e-4", "2e-4", "2.4e-4", "3e-4", "3.7e-4", "4e-4",
    "5e-4", "6e-4", "7e-4", "9e-4", "0.001", "0.0012", "0.0015", "0.0017", "0.002", "0.0024",
    "0.003", "0.0034", "0.004", "0.005", "0.006", "0.007",
    "0.008", "0.01", "0.012", "0.014", "0.016", "0.02", "0.023", "0.027", "0.03", "0.04",
    "0.05", "0.055", "0.06", "0.08", "0.1", "0.11",
    "0.12", "0.16", "0.2", "0.22", "0.25", "0.3", "0.4", "0.44", "0.5", "0.6", "0.8", "0.9",
    "1.0", "1.2", "1.5", "1.8",
    "2.0", "2.5", "3.0", "3.5", "4.0", "5.0", "6.0", "7.0", "8.0", "10.0", "12.0", "14.0",
    "16.0", "20.0", "24.0", "28.0",
    "30.0", "40.0", "50.0", "56.0", "60.0", "80.0", "100.0", "110.0", "130.0", "160.0",
    "200.0", "220.0", "260.0", "300.0", "400.0", "450.0",
    "500.0", "600.0", "800.0", "900.0", "1e3", "1.3e3", "1.5e3", "1.8e3", "2e3", "2.6e3",
    "3e3", "3.6e3", "4e3", "5e3", "6e3", "7e3",
    "8e3", "1e4", "1.2e4", "1.4e4", "1.6e4", "2e4", "2.5e4", "3e4", "3.3e4", "4e4", "5e4",
    "6e4", "Inf", "NaN", "NaN", "NaN",
};

static const char *const e4m3fn_table[128] = {
    "0.0", "0.002", "0.004", "0.006", "0.008", "0.01", "0.012", "0.014", "0.016", "0.018",
    "0.02", "0.021", "0.023", "0.025", "0.027", "0.03",
    "0.031", "0.035", "0.04", "0.043", "0.047", "0.05", "0.055", "0.06", "0.062", "0.07",
    "0.08", "0.086", "0.09", "0.1", "0.11", "0.12",
    "0.13", "0.14", "0.16", "0.17", "0.19", "0.2", "0.22", "0.23", "0.25", "0.28", "0.3",
    "0.34", "0.38", "0.4", "0.44", "0.47",
    "0.5", "0.56", "0.6", "0.7", "0.75", "0.8", "0.9", "0.94", "1.0", "1.1", "1.2", "1.4",
    "1.5", "1.6", "1.8", "1.9",
    "2.0", "2.2", "2.5", "2.8", "3.0", "3.2", "3.5", "3.8", "4.0", "4.5", "5.0", "5.5",
    "6.0", "6.5", "7.0", "7.5",
    "8.0", "9.0", "10.0", "11.0", "12.0", "13.0", "14.0", "15.0", "16.0", "18.0", "20.0",
    "22.0", "24.0", "26.0", "28.0", "30.0",
    "32.0", "36.0", "40.0", "44.0", "50.0", "52.0", "56.0", "60.0", "64.0", "70.0", "80.0",
    "90.0", "100.0", "104.0", "110.0", "120.0",
    "130.0", "140.0", "160.0", "180.0", "200.0", "210.0", "220.0", "240.0", "260.0",
    "300.0", "320.0", "350.0", "400.0", "420.0", "450.0", "NaN",
};

static void check_8bit(nx_type type, const char *const table[128])
{
    for (unsigned b = 0; b < 256; b++) {
        const char *pos = table[b & 0x7F];
        char want[16];
        if (b < 0x80 || strcmp(pos, "NaN") == 0)
            snprintf(want, sizeof want, "%s", pos);
        else
            snprintf(want, sizeof want, "-%s", pos);
        CHECK_TEXT(type, (uint64_t)b, want);
    }
}

Test(fmtfloat, every_f8) { check_8bit(NX_F8, f8_table); }
Test(fmtfloat, every_f8_e4m3fn) { check_8bit(NX_F8_E4M3FN, e4m3fn_table); }

/* §5.4: complex element text. */
Test(fmtfloat, complex)
{
    static const struct { float re, im; const char *text; } c64[] = {
        { 1.0f, 2.0f, "1.0+2.0i" }, { 1.0f, -1.0f, "1.0-1.0i" }, { -1.5f, -0.0f, "-1.5-0.0i" },
        { 0.1f, -0.2f, "0.1-0.2i" }, { -0.0f, 0.0f, "-0.0+0.0i" },
        { 0.18404806f, 0.65464616f, "0.18404806+0.65464616i" },
    };
    char got[NXFMT_COMPLEX_MAX];
    for (size_t i = 0; i < sizeof c64 / sizeof c64[0]; i++) {
        int n = nxfmt_complex(got, sizeof got, NX_C64, f32_bits(c64[i].re), f32_bits(c64[i].im));
        cr_expect_str_eq(got, c64[i].text);
        cr_expect_eq(n, (int)strlen(c64[i].text));
    }
    nxfmt_complex(got, sizeof got, NX_C64, 0x7FC00000u, 0x7F800000u);
    cr_expect_str_eq(got, "NaN+Infi");
    nxfmt_complex(got, sizeof got, NX_C64, 0, 0xFF800000u);
    cr_expect_str_eq(got, "0.0-Infi");
    nxfmt_complex(got, sizeof got, NX_C128, f64_bits(1.0e-7), f64_bits(3.0e20));
    cr_expect_str_eq(got, "1.0e-7+3.0e20i");
    nxfmt_complex(got, sizeof got, NX_C128, f64_bits(-2.2250738585072014e-308),
                  f64_bits(-1.7976931348623157e308));
    cr_expect_str_eq(got, "-2.2250738585072014e-308-1.7976931348623157e308i");
}

/* snprintf's contract: the whole length is returned, the text is cut to fit. */
Test(fmtfloat, small_buffers_and_bad_types)
{
    char buf[4] = "xyz";
    cr_expect_eq(nxfmt_float(buf, sizeof buf, NX_F64, f64_bits(3.5)), 3);
    cr_expect_str_eq(buf, "3.5");
    cr_expect_eq(nxfmt_float(buf, sizeof buf, NX_F64, f64_bits(12.25)), 5);
    cr_expect_str_eq(buf, "12.");
    cr_expect_eq(nxfmt_float(buf, 0, NX_F64, f64_bits(12.25)), 5);
    cr_expect_eq(nxfmt_float(NULL, 0, NX_F32, f32_bits(0.1f)), 3);
    cr_expect_eq(nxfmt_complex(buf, sizeof buf, NX_C64, f32_bits(1.0f), f32_bits(2.0f)), 8);
    cr_expect_str_eq(buf, "1.0");
    cr_expect_eq(nxfmt_float(buf, sizeof buf, NX_S32, 1), -1);
    cr_expect_eq(nxfmt_float(buf, sizeof buf, NX_C64, 1), -1);
    cr_expect_eq(nxfmt_complex(buf, sizeof buf, NX_F32, 1, 1), -1);
}
