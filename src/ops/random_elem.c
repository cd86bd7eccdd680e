/* src/ops/random_elem.c: element arithmetic "in T" for Nx.Random (spec/random.md,
 * notation; types-and-inspect.md §4.1 and §4.3): Nx's reference backend reads values
 * into doubles and writes them back with its own rounding (bf16 and f8 truncate a wider
 * rounding; f8_e4m3fn has its own routine; f8 subnormals read with the normal formula).
 * Random results are defined by those rules, so they are kept here, apart from the
 * round-to-nearest conversions the rest of nxc uses (spec/decisions.md 1). */
#include <math.h>
#include <string.h>
#include "core/elem.h"
#include "core/floatbits.h"
#include "core/shape.h"
#include "ops/random.h"

static uint32_t f32_bits(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}

/* Nx's E4M3FN encoder (types-and-inspect.md §4.3): ties away from zero, a carry into
 * the next binade dropped, saturation at ±448. */
static uint32_t enc_e4m3fn(double v)
{
    if (isnan(v))
        return 0x7F;
    if (v == 0)
        return signbit(v) ? 0x80 : 0x00;
    double c = v < -448.0 ? -448.0 : v > 448.0 ? 448.0 : v;
    uint32_t sign = c < 0 ? 0x80 : 0;
    double a = fabs(c);
    int eu = (int)floor(log2(a));
    int e = eu + 7;
    if (e <= 0) {
        double m = round(a / ldexp(1, -6) * 8);
        return sign | (uint32_t)(m > 7 ? 7 : m);
    }
    if (e > 15)
        return sign | 0x7E;
    double m = round((a / ldexp(1, eu) - 1.0) * 8);
    m = m > 7 ? 7 : m < 0 ? 0 : m;
    if (e == 15 && m == 7)
        return sign | 0x7E;
    return sign | (uint32_t)e << 3 | (uint32_t)m;
}

uint64_t nxrandom_enc(nx_type t, double x)
{
    switch (t) {
    case NX_F64: {
        uint64_t b;
        if (isnan(x))
            return 0x7FF8000000000000u;
        memcpy(&b, &x, sizeof b);
        return b;
    }
    case NX_F32:
        return isnan(x) ? 0x7FC00000u : f32_bits((float)x);
    case NX_F16:
        return nxfloat_encode(NX_F16, x);
    case NX_BF16:
        return isnan(x) ? 0x7FC0u : f32_bits((float)x) >> 16;
    case NX_F8:
        return isnan(x) ? 0x7Eu : nxfloat_encode(NX_F16, x) >> 8;
    case NX_F8_E4M3FN:
        return enc_e4m3fn(x);
    default:
        return 0;
    }
}

/* E5M2 as Nx's arithmetic reads it: subnormal patterns with the normal formula. */
static double dec_e5m2(uint32_t b)
{
    uint32_t e = (b >> 2) & 31, m = b & 3;
    double v;
    if (e == 31)
        return m ? NAN : (b & 0x80 ? -INFINITY : INFINITY);
    if ((b & 0x7F) == 0)
        v = 0;
    else
        v = ldexp(1.0 + m / 4.0, (int)e - 15);
    return b & 0x80 ? -v : v;
}

double nxrandom_dec(nx_type t, uint64_t bits)
{
    switch (t) {
    case NX_F64: {
        double d;
        memcpy(&d, &bits, sizeof d);
        return d;
    }
    case NX_F32: {
        float f;
        uint32_t b = (uint32_t)bits;
        memcpy(&f, &b, sizeof f);
        return f;
    }
    case NX_F8:
        return dec_e5m2((uint32_t)bits);
    default:
        return nxfloat_decode(t, (uint32_t)bits);
    }
}

double nxrandom_rnd(nx_type t, double x)
{
    return nxrandom_dec(t, nxrandom_enc(t, x));
}

/* An integer written as f32: directly below 2^59, else through a double (§4.3). */
static float int_to_f32(nx_number n)
{
    if (n.kind == NX_NUM_UINT)
        return n.u < (1ull << 59) ? (float)n.u : (float)(double)n.u;
    return (n.i >= -(1ll << 59) && n.i < (1ll << 59)) ? (float)n.i : (float)(double)n.i;
}

uint64_t nxrandom_enc_number(nx_type t, nx_number n)
{
    switch (n.kind) {
    case NX_NUM_FLOAT:
        return nxrandom_enc(t, n.f);
    case NX_NUM_COMPLEX:
        return nxrandom_enc(t, n.c.re);
    default:
        break;
    }
    double d = n.kind == NX_NUM_UINT ? (double)n.u : (double)n.i;
    if (t == NX_F32 || t == NX_BF16)
        return nxrandom_enc(t, int_to_f32(n));
    return nxrandom_enc(t, d);
}

nx_number nxrandom_read(const nx_tensor *t, int64_t i)
{
    if (t->type == NX_F8)
        return NX_FLOAT(dec_e5m2((uint32_t)nxelem_bits(NX_F8, nxtensor_data(t), i)));
    return nxelem_read(t->type, nxtensor_data(t), i);
}

/* Horner's rule on the coefficients in order, in double without fused multiply-add. */
static double horner(double p, double w, const double *c, int n)
{
    for (int i = 0; i < n; i++) {
        volatile double m = p * w;   /* keeps the compiler from contracting into an fma */
        p = m + c[i];
    }
    return p;
}

double nxrandom_erf_inv(double z)
{
    static const double lo[] = { 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                                 -0.00125372503, -0.00417768164, 0.246640727, 1.50140941 };
    static const double hi[] = { 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                                 -0.0076224613, 0.00943887047, 1.00167406, 2.83297682 };
    if (isnan(z))
        return NAN;
    if (z == 1)
        return INFINITY;
    if (z == -1)
        return -INFINITY;
    if (z == 0)
        return 0.0;
    double w = -log((1 - z) * (1 + z)), p;
    if (w < 5)
        p = horner(2.81022636e-08, w - 2.5, lo, 8);
    else
        p = horner(-0.000200214257, sqrt(w) - 3, hi, 8);
    return p * z;
}

nx_tensor *nxrandom_new(nx_type type, const nx_shape *shape, nx_names names)
{
    const char *n[NX_MAX_RANK];
    if (nxshape_check(shape, "shape") < 0 || nxshape_names(names, shape->rank, n) < 0)
        return NULL;
    nx_tensor *t = nxtensor_new(type, shape->rank, shape->dims, names.n ? n : NULL);
    if (!t)
        return NULL;
    t->backend = &nxcpu_backend;
    if (nxtensor_alloc_data(t) < 0) {
        nx_release(t);
        return NULL;
    }
    memset(t->buf->data, 0, (size_t)t->buf->bytes);
    return t;
}

void nxrandom_store(nx_tensor *t, int64_t i, uint64_t bits)
{
    unsigned char *d = nxtensor_data(t);
    switch (nx_type_bits(t->type)) {
    case 8: d[i] = (unsigned char)bits; break;
    case 16: { uint16_t v = (uint16_t)bits; memcpy(d + 2 * i, &v, 2); break; }
    case 32: { uint32_t v = (uint32_t)bits; memcpy(d + 4 * i, &v, 4); break; }
    default: memcpy(d + 8 * i, &bits, 8); break;
    }
}

nx_tensor *nxrandom_arg(const nx_tensor *t)
{
    if (!t || !t->weak)
        return (nx_tensor *)t;
    nx_number n = t->weak_value;
    switch (n.kind) {
    case NX_NUM_INT:
        return nx_scalar(NX_INT((int32_t)(uint32_t)n.i), NX_S32);
    case NX_NUM_UINT:
        return nx_scalar(NX_INT((int32_t)(uint32_t)n.u), NX_S32);
    case NX_NUM_FLOAT:
        return nx_scalar(NX_FLOAT((double)(float)n.f), NX_F32);
    default:
        return nx_scalar(n, NX_C64);
    }
}

int nxrandom_check_plain(const nx_tensor *t, const char *what)
{
    if (nxfront_check_tensor(t) < 0)
        return -1;
    if (t->vrank > 0)
        return nxerr_set(NX_ARGUMENT_ERROR, "Nx.Random in nxc does not support vectorized tensors yet (%s)", what);
    return 0;
}
