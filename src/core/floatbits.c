/* src/core/floatbits.c: f8 E5M2, f8 E4M3FN, bf16 and f16 as bit patterns. One generic
 * codec parameterised by exponent and mantissa width; the encoder rounds once, to
 * nearest with ties to even, from the exact double (spec/decisions.md items 1 and 3). */
#include "core/floatbits.h"

#include <math.h>
#include <stddef.h>

typedef struct {
    int ebits, mbits;
    int has_inf;        /* E4M3FN: no infinities; exponent 15 holds values up to 448 */
    uint32_t nan;       /* canonical NaN pattern */
    uint32_t max;       /* largest finite pattern */
} format;

static const format *format_of(nx_type t)
{
    static const format f8 = { 5, 2, 1, 0x7E, 0x7B };
    static const format e4m3 = { 4, 3, 0, 0x7F, 0x7E };
    static const format bf16 = { 8, 7, 1, 0x7FC0, 0x7F7F };
    static const format f16 = { 5, 10, 1, 0x7E00, 0x7BFF };
    switch (t) {
    case NX_F8: return &f8;
    case NX_F8_E4M3FN: return &e4m3;
    case NX_BF16: return &bf16;
    case NX_F16: return &f16;
    default: return NULL;
    }
}

int nxfloat_is_narrow(nx_type t)
{
    return format_of(t) != NULL;
}

double nxfloat_decode(nx_type t, uint32_t bits)
{
    const format *f = format_of(t);
    int width = 1 + f->ebits + f->mbits;
    int bias = (1 << (f->ebits - 1)) - 1;
    uint32_t emax = (1u << f->ebits) - 1, mmask = (1u << f->mbits) - 1;
    int neg = (bits >> (width - 1)) & 1;
    uint32_t e = (bits >> f->mbits) & emax, m = bits & mmask;
    double v;
    if (e == emax && f->has_inf)
        v = m ? NAN : INFINITY;
    else if (e == emax && m == mmask)
        v = NAN;
    else if (e == 0)
        v = ldexp((double)m, 1 - bias - f->mbits);
    else
        v = ldexp((double)(m | (1u << f->mbits)), (int)e - bias - f->mbits);
    if (isnan(v))
        return NAN;
    return neg ? -v : v;
}

uint32_t nxfloat_encode(nx_type t, double v)
{
    const format *f = format_of(t);
    int width = 1 + f->ebits + f->mbits;
    int bias = (1 << (f->ebits - 1)) - 1;
    uint32_t sign = signbit(v) ? 1u << (width - 1) : 0;
    uint32_t inf = ((1u << f->ebits) - 1) << f->mbits;
    if (isnan(v))
        return f->nan;
    double a = fabs(v);
    if (isinf(a))
        return sign | (f->has_inf ? inf : f->max);
    if (a == 0)
        return sign;
    int e;
    frexp(a, &e);               /* a = m * 2^e, m in [0.5, 1): unbiased exponent e - 1 */
    int exponent = e - 1;
    if (exponent < 1 - bias)
        exponent = 1 - bias;    /* subnormal: fixed scale */
    /* The significand in units of the last mantissa bit; rint rounds ties to even. A
     * carry out of the mantissa bumps the exponent field, as it should. */
    double q = rint(ldexp(a, f->mbits - exponent));
    uint64_t bits;
    if (q >= ldexp(1.0, f->mbits)) /* normal: implicit bit becomes the exponent field */
        bits = ((uint64_t)(exponent + bias) << f->mbits) + ((uint64_t)q - (1u << f->mbits));
    else
        bits = (uint64_t)q;     /* subnormal (or rounded up to the smallest normal) */
    if (f->has_inf ? bits >= inf : bits > f->max)
        return sign | (f->has_inf ? inf : f->max);
    return sign | (uint32_t)bits;
}

double nxfloat_from_u64(uint64_t u)
{
    if (u < (1ull << 53))
        return (double)u;
    int shift = 64 - __builtin_clzll(u) - 53;
    uint64_t hi = u >> shift;
    if (u & ((1ull << shift) - 1))
        hi |= 1;                /* round to odd: remember that bits were dropped */
    return ldexp((double)hi, shift);
}

double nxfloat_from_i64(int64_t i)
{
    uint64_t mag = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;
    double d = nxfloat_from_u64(mag);
    return i < 0 ? -d : d;
}
