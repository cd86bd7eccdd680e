/* tests/test_complex.c: complex numbers (spec/functions.md §6-§8, §11, §12): c64 and c128
 * math, arithmetic, equality, real/imag/conjugate/phase/abs/sign and complex mean and
 * variance against the mpmath oracle of tests/oracle/gen_complex.py; then Nx's worked
 * examples, the typing of real inputs, special values and the errors, by hand. */
#include "support/nxtest.h"
#include "support/nxtest_cases.h"

#include <complex.h>
#include <criterion/logging.h>
#include <math.h>
#include <string.h>

static nx_tensor *mean_all(const nx_tensor *t) { return nx_mean(t); }
static nx_tensor *variance_all(const nx_tensor *t) { return nx_variance(t); }
static nx_tensor *std_all(const nx_tensor *t) { return nx_standard_deviation(t); }

static const nxtest_op ops[] = {
#define U NXTEST_U
#define B NXTEST_B
    U(exp) U(expm1) U(log) U(log1p) U(sigmoid) U(cos) U(sin) U(tan) U(cosh) U(sinh) U(tanh)
    U(acos) U(asin) U(atan) U(acosh) U(asinh) U(atanh) U(sqrt) U(rsqrt) U(cbrt)
    U(abs) U(phase) U(real) U(imag) U(negate) U(conjugate) U(sign)
    B(add) B(subtract) B(multiply) B(divide) B(pow) B(equal) B(not_equal)
#undef U
#undef B
    { "mean", mean_all, NULL }, { "variance", variance_all, NULL },
    { "standard_deviation", std_all, NULL },
};

static int op_index(const char *name)
{
    return nxtest_op_index(ops, sizeof ops / sizeof *ops, name);
}

static bool same_part(double got, double want)
{
    if (isnan(want))
        return isnan(got);
    return got == want && signbit(got) == signbit(want);
}

/* A c128 tensor of n values (re, im pairs) converted to `type` (exact by construction). */
static nx_tensor *complex_tensor(const double *pairs, uint32_t n, nx_type type)
{
    nx_tensor *t = nx_from_data(pairs, NX_C128, NX_SHAPE(n));
    return nx_as_type(t, type);
}

Test(complex_numbers, oracle)
{
    unsigned char *buf;
    nxtest_reader r;
    uint32_t ncases = nxtest_open_cases("complex_cases.bin", "NXCPLX1\n", &buf, &r);
    const unsigned char *p = r.p;
    long bad = 0, checked = 0;
    for (uint32_t c = 0; c < ncases; c++) {
        char op[25] = { 0 }, tname[9] = { 0 };
        uint32_t n, nout, nin;
        double tol;
        memcpy(op, p, 24);
        memcpy(tname, p + 24, 8);
        memcpy(&n, p + 32, 4);
        memcpy(&nout, p + 36, 4);
        memcpy(&nin, p + 40, 4);
        memcpy(&tol, p + 48, 8);
        p += 56;
        /* The values, copied out of the file buffer: it gives no alignment. */
        size_t values = 2 * ((size_t)n * nin + nout);
        double *data = malloc(values * sizeof *data);
        memcpy(data, p, values * sizeof *data);
        p += values * sizeof *data;
        const double *in0 = data, *in1 = nin > 1 ? in0 + 2 * (size_t)n : NULL;
        const double *want = in0 + 2 * (size_t)n * nin;
        int k = op_index(op);
        cr_assert(k >= 0, "unknown op %s", op);
        nx_type type = strcmp(tname, "c64") == 0 ? NX_C64 : NX_C128;
        double eps = type == NX_C64 ? 0x1p-23 : 0x1p-52;

        nx_scope_begin();
        nx_tensor *x = complex_tensor(in0, n, type);
        nx_tensor *r = ops[k].u ? ops[k].u(x) : ops[k].b(x, complex_tensor(in1, n, type));
        cr_assert_not_null(r, "%s %s: %s", op, tname, nx_error_message());
        double *got = malloc(16 * (size_t)nout);
        cr_assert_eq(nx_to_binary(nx_as_type(r, NX_C128), got, 16 * (int64_t)nout), 128 * (int64_t)nout);
        for (uint32_t i = 0; i < nout; i++) {
            double gr = got[2 * i], gi = got[2 * i + 1], wr = want[2 * i], wi = want[2 * i + 1];
            bool ok;
            if (tol == 0)
                ok = same_part(gr, wr) && same_part(gi, wi);
            else
                ok = cabs(CMPLX(gr - wr, gi - wi)) <= tol * eps * cabs(CMPLX(wr, wi));
            checked++;
            if (!ok && bad++ < 20)
                cr_log_error("%s %s #%u (%g%+gi): got %.17g%+.17gi, want %.17g%+.17gi", op, tname, i,
                             in0[2 * i], in0[2 * i + 1], gr, gi, wr, wi);
        }
        free(got);
        free(data);
        nx_scope_end();
    }
    free(buf);
    cr_log_info("%ld complex values checked", checked);
    cr_assert(checked > 10000);
    cr_assert_eq(bad, 0, "%ld of %ld complex values are off", bad, checked);
}

/* ------------------------------------------------------------------ by hand */

static nx_tensor *c64(double re, double im)
{
    return nx_scalar(NX_COMPLEX(re, im), NX_C64);
}

Test(complex_numbers, nx_examples)
{
    nx_scope_begin();
    NXTEST_PRINTS(nx_conjugate(c64(1, 2)), "#Nx.Tensor<\n  c64\n  1.0-2.0i\n>");
    NXTEST_PRINTS(nx_conjugate(nx_scalar(NX_INT(1), NX_S32)), "#Nx.Tensor<\n  c64\n  1.0-0.0i\n>");
    NXTEST_PRINTS(nx_phase(c64(1, 2)), "#Nx.Tensor<\n  f32\n  1.1071488\n>");
    NXTEST_PRINTS(nx_phase(nx_scalar(NX_INT(1), NX_S32)), "#Nx.Tensor<\n  f32\n  0.0\n>");
    NXTEST_PRINTS(nx_phase(nx_scalar(NX_INT(-3), NX_S32)), "#Nx.Tensor<\n  f32\n  3.1415927\n>");
    NXTEST_PRINTS(nx_real(c64(1, 2)), "#Nx.Tensor<\n  f32\n  1.0\n>");
    NXTEST_PRINTS(nx_real(nx_scalar(NX_INT(1), NX_BF16)), "#Nx.Tensor<\n  bf16\n  1.0\n>");
    NXTEST_PRINTS(nx_real(nx_scalar(NX_INT(3), NX_S8)), "#Nx.Tensor<\n  f32\n  3.0\n>");
    NXTEST_PRINTS(nx_imag(nx_scalar(NX_INT(1), NX_BF16)), "#Nx.Tensor<\n  bf16\n  0.0\n>");
    NXTEST_PRINTS(nx_imag(nx_scalar(NX_INT(1), NX_S32)), "#Nx.Tensor<\n  f32\n  0.0\n>");
    NXTEST_PRINTS(nx_complex(nx_scalar(NX_INT(1), NX_S32), nx_scalar(NX_INT(2), NX_S32)),
                  "#Nx.Tensor<\n  c64\n  1.0+2.0i\n>");
    NXTEST_PRINTS(nx_complex(nx_scalar(NX_INT(1), NX_F64), nx_scalar(NX_INT(2), NX_S32)),
                  "#Nx.Tensor<\n  c128\n  1.0+2.0i\n>");
    NXTEST_PRINTS(nx_abs(c64(3, -4)), "#Nx.Tensor<\n  f32\n  5.0\n>");
    NXTEST_PRINTS(nx_sign(c64(0, 0)), "#Nx.Tensor<\n  c64\n  0.0+0.0i\n>");
    NXTEST_PRINTS(nx_pow(c64(0, 0), c64(0, 0)), "#Nx.Tensor<\n  c64\n  1.0+0.0i\n>");
    NXTEST_PRINTS(nx_pow(c64(1, 2), NX_I(2)), "#Nx.Tensor<\n  c64\n  -3.0+4.0i\n>");
    NXTEST_PRINTS(nx_is_nan(c64(0, NAN)), "#Nx.Tensor<\n  u8\n  1\n>");
    NXTEST_PRINTS(nx_is_infinity(c64(INFINITY, 0)), "#Nx.Tensor<\n  u8\n  1\n>");
    NXTEST_PRINTS(nx_equal(c64(2, 0), NX_I(2)), "#Nx.Tensor<\n  u8\n  1\n>");
    NXTEST_PRINTS(nx_logical_and(c64(0, 1), NX_I(1)), "#Nx.Tensor<\n  u8\n  1\n>");
    NXTEST_PRINTS(nx_logical_or(c64(0, 0), NX_I(0)), "#Nx.Tensor<\n  u8\n  0\n>");
    /* Integer inputs to complex math go through to_floating: exp of s32 is f32. */
    NXTEST_PRINTS(nx_add(c64(1, 1), NX_F(0.5)), "#Nx.Tensor<\n  c64\n  1.5+1.0i\n>");
    NXTEST_OK();
    nx_scope_end();
}

Test(complex_numbers, errors)
{
    nx_scope_begin();
    nx_tensor *z = c64(1, 2);
    cr_assert_null(nx_erf(z));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.erf/1 does not support complex inputs");
    cr_assert_null(nx_floor(z));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.floor/1 does not support complex inputs");
    cr_assert_null(nx_max(z, NX_I(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.max/2 does not support complex inputs");
    cr_assert_null(nx_remainder(NX_I(1), z));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.remainder/2 does not support complex inputs");
    cr_assert_null(nx_less(z, z));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.less/2 does not support complex inputs");
    cr_assert_null(nx_atan2(z, NX_I(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.atan2/2 does not support complex inputs");
    cr_assert_null(nx_complex(z, NX_I(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.complex/2 does not support complex inputs");
    cr_assert_null(nx_real(NULL));
    nx_error_clear();
    nx_scope_end();
}
