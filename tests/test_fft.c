/* tests/test_fft.c: the FFT family (spec/functions.md §18) against numpy.fft through the
 * oracle of tests/oracle/gen_fft.py (f32/c64 results within 1e-5 of the output's norm,
 * f64/c128 within 1e-12), then Nx's examples, names, vectorized inputs and the errors by
 * hand. */
#include "support/nxtest.h"
#include "support/nxtest_cases.h"

#include <complex.h>
#include <criterion/logging.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static nx_tensor *run(const char *op, const nx_tensor *x, const int8_t *axes, const int64_t *lengths)
{
    nx_fft_opts o = { .length = lengths[0], .axis = NX_AXIS(axes[0]) };
    if (strcmp(op, "fft") == 0)
        return nx_fft_(x, o);
    if (strcmp(op, "ifft") == 0)
        return nx_ifft_(x, o);
    if (strcmp(op, "rfft") == 0)
        return nx_rfft_(x, o);
    if (strcmp(op, "irfft") == 0)
        return nx_irfft_(x, o);
    nx_fft2_opts o2 = { .lengths = { lengths[0], lengths[1] }, .axes = NX_AXES(axes[0], axes[1]) };
    return strcmp(op, "fft2") == 0 ? nx_fft2_(x, o2) : nx_ifft2_(x, o2);
}

Test(fft, matches_numpy)
{
    unsigned char *buf;
    nxtest_reader r;
    uint32_t ncases = nxtest_open_cases("fft_cases.bin", "NXFFT01\n", &buf, &r);
    const unsigned char *p = r.p;
    long bad = 0;
    for (uint32_t c = 0; c < ncases; c++) {
        char op[9] = { 0 }, tname[13] = { 0 };
        memcpy(op, p, 8);
        memcpy(tname, p + 8, 12);
        p += 20;
        nx_shape s, so;
        p = nxtest_read_shape(p, &s);
        int8_t axes[2] = { (int8_t)p[0], (int8_t)p[1] };
        int64_t lengths[2];
        memcpy(lengths, p + 2, 16);
        p = nxtest_read_shape(p + 18, &so);
        double tol;
        memcpy(&tol, p, 8);
        p += 8;
        int64_t n = 1, no = 1;
        for (int i = 0; i < s.rank; i++)
            n *= s.dims[i];
        for (int i = 0; i < so.rank; i++)
            no *= so.dims[i];

        nx_scope_begin();
        nx_tensor *x = nx_as_type(nx_from_data(p, NX_C128, s), nxtest_type_named(tname));
        p += 16 * (size_t)n;
        nx_tensor *r = run(op, x, axes, lengths);
        cr_assert_not_null(r, "case %u %s %s: %s", c, op, tname, nx_error_message());
        nx_shape got_shape = nx_shape_of(r);
        cr_assert_eq(got_shape.rank, so.rank, "case %u %s: rank", c, op);
        for (int i = 0; i < so.rank; i++)
            cr_assert_eq(got_shape.dims[i], so.dims[i], "case %u %s: axis %d", c, op, i);
        double *got = malloc(16 * (size_t)no);
        cr_assert_eq(nx_to_binary(nx_as_type(r, NX_C128), got, 16 * no), 128 * no);
        double worst = 0;
        for (int64_t i = 0; i < no; i++) {
            double w[2];
            memcpy(w, p + 16 * i, 16);
            double e = cabs(CMPLX(got[2 * i] - w[0], got[2 * i + 1] - w[1]));
            worst = e > worst || isnan(e) ? e : worst;
        }
        p += 16 * (size_t)no;
        if (!(worst <= tol) && bad++ < 20)
            cr_log_error("case %u %s %s: error %g above %g", c, op, tname, worst, tol);
        free(got);
        nx_scope_end();
    }
    free(buf);
    cr_assert(ncases >= 400);
    cr_assert_eq(bad, 0, "%ld of %u FFT cases are off", bad, ncases);
}

Test(fft, examples)
{
    nx_scope_begin();
    static const int32_t ones[] = { 1, 1, 0, 0 }, pair[] = { 1, 1, 0, 0, 1, 0, 0, 0 };
    static const double spectrum[] = { 2, 0 };
    nx_tensor *t = nx_from_data(ones, NX_S32, NX_SHAPE(4));
    NXTEST_PRINTS(nx_fft(t), "#Nx.Tensor<\n  c64[4]\n  [2.0+0.0i, 1.0-1.0i, 0.0+0.0i, 1.0+1.0i]\n>");
    NXTEST_PRINTS(nx_ifft(nx_fft(t)), "#Nx.Tensor<\n  c64[4]\n  [1.0+0.0i, 1.0+0.0i, 0.0+0.0i, 0.0+0.0i]\n>");
    nx_tensor *named = nx_rename(nx_as_type(t, NX_F64), NX_NAMES("time"));
    NXTEST_PRINTS(nx_rfft(named, .length = 8),
                  "#Nx.Tensor<\n  c128[time: 5]\n  [2.0+0.0i, 1.7071067811865475-0.7071067811865476i, 1.0-1.0i, "
                  "0.2928932188134524-0.7071067811865476i, 0.0+0.0i]\n>"   /* numpy.fft.rfft */);
    NXTEST_PRINTS(nx_irfft(nx_rfft(named)), "#Nx.Tensor<\n  f64[time: 4]\n  [1.0, 1.0, 0.0, 0.0]\n>");
    /* a 2-point spectrum: nothing to mirror (Nx itself fails here) */
    nx_tensor *two = nx_from_data(spectrum, NX_F64, NX_SHAPE(2));
    NXTEST_PRINTS(nx_irfft(two), "#Nx.Tensor<\n  f64[2]\n  [1.0, 1.0]\n>");
    nx_tensor *v = nx_vectorize(nx_from_data(pair, NX_S32, NX_SHAPE(2, 4)), "x");
    NXTEST_PRINTS(nx_fft(v, .length = NX_POWER_OF_TWO),
                  "#Nx.Tensor<\n  vectorized[x: 2]\n  c64[4]\n  [\n    [2.0+0.0i, 1.0-1.0i, 0.0+0.0i, 1.0+1.0i],\n"
                  "    [1.0+0.0i, 1.0+0.0i, 1.0+0.0i, 1.0+0.0i]\n  ]\n>");
    NXTEST_OK();
    nx_scope_end();
}

Test(fft, errors)
{
    nx_scope_begin();
    nx_tensor *s = nx_scalar(NX_INT(1), NX_S32), *v = nx_iota(NX_SHAPE(4));
    cr_assert_null(nx_fft(s));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected a tensor with rank > 0, got tensor with rank 0");
    cr_assert_null(nx_fft2(v));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected a tensor with rank > 1, got tensor with rank 1");
    cr_assert_null(nx_fft(v, .length = -5));
    NXTEST_ERROR(NX_RUNTIME_ERROR, "expected an integer or :power_of_two as length, got: -5");
    cr_assert_null(nx_rfft(v, .length = -5));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected an integer or :power_of_two as length, got: -5");
    cr_assert_null(nx_rfft(nx_as_type(v, NX_C64)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "Nx.rfft/2 expects a real tensor, got type: {:c, 64}");
    cr_assert_null(nx_irfft(nx_iota(NX_SHAPE(1))));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "expected a positive integer as length, got: 0");
    cr_assert_null(nx_fft(v, .axis = NX_AXIS(1)));
    NXTEST_ERROR(NX_ARGUMENT_ERROR, "given axis (1) invalid for shape with rank 1");
    cr_assert_null(nx_fft(NULL));
    nx_error_clear();
    nx_scope_end();
}
