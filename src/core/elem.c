/* src/core/elem.c: one element of any type, read into a wide nx_number or written from
 * one. This is the reference path that creation, as_type and printing share; fast
 * kernels must agree with it bit for bit. */
#include "core/elem.h"

#include <math.h>
#include <string.h>
#include "core/floatbits.h"

static int bits_of(nx_type t)
{
    return nx_type_bits(t);
}

/* 2- and 4-bit elements: packed most significant bits first (spec/formats.md §1.1). */
static uint64_t get_packed(const unsigned char *p, int w, int64_t i)
{
    int64_t bit = i * w;
    int shift = 8 - w - (int)(bit % 8);
    return (p[bit / 8] >> shift) & ((1u << w) - 1);
}

static void put_packed(unsigned char *p, int w, int64_t i, uint64_t v)
{
    int64_t bit = i * w;
    int shift = 8 - w - (int)(bit % 8);
    unsigned mask = ((1u << w) - 1) << shift;
    p[bit / 8] = (unsigned char)((p[bit / 8] & ~mask) | ((v << shift) & mask));
}

uint64_t nxelem_bits(nx_type t, const void *data, int64_t i)
{
    const unsigned char *p = data;
    int w = bits_of(t);
    if (w < 8)
        return get_packed(p, w, i);
    uint64_t v = 0;
    memcpy(&v, p + i * (w / 8), (size_t)(w > 64 ? 8 : w / 8));
    return v;
}

static int64_t sign_extend(uint64_t v, int w)
{
    if (w == 64)
        return (int64_t)v;
    uint64_t m = 1ull << (w - 1);
    return (int64_t)((v ^ m) - m);
}

nx_number nxelem_read(nx_type t, const void *data, int64_t i)
{
    const unsigned char *p = data;
    switch (t) {
    case NX_U2: case NX_U4: case NX_U8: case NX_U16: case NX_U32:
        return NX_INT((int64_t)nxelem_bits(t, data, i));
    case NX_U64:
        return NX_UINT(nxelem_bits(t, data, i));
    case NX_S2: case NX_S4: case NX_S8: case NX_S16: case NX_S32: case NX_S64:
        return NX_INT(sign_extend(nxelem_bits(t, data, i), bits_of(t)));
    case NX_F8: case NX_F8_E4M3FN: case NX_BF16: case NX_F16:
        return NX_FLOAT(nxfloat_decode(t, (uint32_t)nxelem_bits(t, data, i)));
    case NX_F32: {
        float f;
        memcpy(&f, p + i * 4, 4);
        return NX_FLOAT(f);
    }
    case NX_F64: {
        double d;
        memcpy(&d, p + i * 8, 8);
        return NX_FLOAT(d);
    }
    case NX_C64: {
        float c[2];
        memcpy(c, p + i * 8, 8);
        return NX_COMPLEX(c[0], c[1]);
    }
    case NX_C128: {
        double c[2];
        memcpy(c, p + i * 16, 16);
        return NX_COMPLEX(c[0], c[1]);
    }
    default:
        return NX_INT(0);
    }
}

/* A float written into an integer type: NaN -> 0, truncate toward zero, saturate
 * (spec/decisions.md item 2). */
static uint64_t float_to_int_bits(double x, int w, int is_signed)
{
    if (isnan(x))
        return 0;
    x = trunc(x);
    if (is_signed) {
        double lim = ldexp(1.0, w - 1);
        if (x >= lim)
            return (1ull << (w - 1)) - 1;
        if (x < -lim)
            return 1ull << (w - 1);     /* the bits of the minimum, -2^(w-1) */
        return (uint64_t)(int64_t)x;
    }
    if (x <= 0)
        return 0;
    if (x >= ldexp(1.0, w))
        return w == 64 ? UINT64_MAX : (1ull << w) - 1;
    return (uint64_t)x;
}

static uint64_t to_int_bits(nx_type t, nx_number v)
{
    int w = bits_of(t);
    uint64_t bits;
    switch (v.kind) {
    case NX_NUM_INT: bits = (uint64_t)v.i; break;
    case NX_NUM_UINT: bits = v.u; break;
    case NX_NUM_FLOAT: bits = float_to_int_bits(v.f, w, !nx_type_is_unsigned(t)); break;
    default: bits = float_to_int_bits(v.c.re, w, !nx_type_is_unsigned(t)); break;
    }
    return w == 64 ? bits : bits & ((1ull << w) - 1);   /* integers wrap */
}

static float to_f32(nx_number v)
{
    switch (v.kind) {
    case NX_NUM_INT: return (float)v.i;
    case NX_NUM_UINT: return (float)v.u;
    case NX_NUM_FLOAT: return isnan(v.f) ? NAN : (float)v.f;
    default: return isnan(v.c.re) ? NAN : (float)v.c.re;
    }
}

static double to_f64(nx_number v)
{
    switch (v.kind) {
    case NX_NUM_INT: return (double)v.i;
    case NX_NUM_UINT: return (double)v.u;
    case NX_NUM_FLOAT: return isnan(v.f) ? NAN : v.f;
    default: return isnan(v.c.re) ? NAN : v.c.re;
    }
}

/* The double a narrow float is rounded from: integers are rounded to odd first so that
 * the single rounding in nxfloat_encode stays correct. */
static double to_narrow_source(nx_number v)
{
    switch (v.kind) {
    case NX_NUM_INT: return nxfloat_from_i64(v.i);
    case NX_NUM_UINT: return nxfloat_from_u64(v.u);
    case NX_NUM_FLOAT: return v.f;
    default: return v.c.re;
    }
}

static double imag_of(nx_number v)
{
    return v.kind == NX_NUM_COMPLEX ? v.c.im : 0.0;
}

void nxelem_write(nx_type t, void *data, int64_t i, nx_number v)
{
    unsigned char *p = data;
    int w = bits_of(t);
    if (nx_type_is_integer(t)) {
        uint64_t bits = to_int_bits(t, v);
        if (w < 8)
            put_packed(p, w, i, bits);
        else
            memcpy(p + i * (w / 8), &bits, (size_t)(w / 8));
        return;
    }
    switch (t) {
    case NX_F8: case NX_BF16: case NX_F16: case NX_F8_E4M3FN: {
        uint32_t bits = nxfloat_encode(t, to_narrow_source(v));
        memcpy(p + i * (w / 8), &bits, (size_t)(w / 8));
        return;
    }
    case NX_F32: {
        float f = to_f32(v);
        memcpy(p + i * 4, &f, 4);
        return;
    }
    case NX_F64: {
        double d = to_f64(v);
        memcpy(p + i * 8, &d, 8);
        return;
    }
    case NX_C64: {
        double im = imag_of(v);
        float c[2] = { to_f32(v), isnan(im) ? NAN : (float)im };
        memcpy(p + i * 8, c, 8);
        return;
    }
    case NX_C128: {
        double im = imag_of(v);
        double c[2] = { to_f64(v), isnan(im) ? NAN : im };
        memcpy(p + i * 16, c, 16);
        return;
    }
    default:
        return;
    }
}

int64_t nxelem_bytes(nx_type t, int64_t n)
{
    int w = bits_of(t);
    if (n < 0 || n > (INT64_MAX - 7) / w)
        return -1;
    return (n * w + 7) / 8;
}
