/* src/ops/constants.c: Nx.Constants as fixed bit patterns (spec/formats.md §4), with the
 * correctly rounded f8_e4m3fn values of spec/decisions.md item 4. */
#include <string.h>
#include "core/elem.h"
#include "ops/front.h"

static const char *const names[NX_CONST_COUNT] = {
    [NX_CONST_NAN] = "nan", [NX_CONST_INFINITY] = "infinity", [NX_CONST_NEG_INFINITY] = "neg_infinity",
    [NX_CONST_MAX_FINITE] = "max_finite", [NX_CONST_MIN_FINITE] = "min_finite", [NX_CONST_MAX] = "max",
    [NX_CONST_MIN] = "min", [NX_CONST_SMALLEST_POSITIVE_NORMAL] = "smallest_positive_normal",
    [NX_CONST_EPSILON] = "epsilon", [NX_CONST_PI] = "pi", [NX_CONST_E] = "e",
    [NX_CONST_EULER_GAMMA] = "euler_gamma", [NX_CONST_I] = "i",
};

const char *nx_constant_name(nx_constant_kind which)
{
    return which >= 0 && which < NX_CONST_COUNT ? names[which] : NULL;
}

/* Bits per float type, in the order f8, f8_e4m3fn, bf16, f16, f32, f64. */
enum { F8, E4M3, BF16, F16, F32, F64, NFLOAT };
static const uint64_t float_bits[NX_CONST_I][NFLOAT] = {
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

static int float_index(nx_type t)
{
    switch (t) {
    case NX_F8: return F8;
    case NX_F8_E4M3FN: return E4M3;
    case NX_BF16: return BF16;
    case NX_F16: return F16;
    case NX_F32: return F32;
    case NX_F64: return F64;
    default: return -1;
    }
}

static nx_tensor *scalar_of(nx_type type, nx_number v, const uint64_t *bits)
{
    nx_tensor *t = nxtensor_new(type, 0, NULL, NULL);
    if (!t)
        return NULL;
    t->backend = &nxcpu_backend;
    if (nxtensor_alloc_data(t) < 0) {
        nx_release(t);
        return NULL;
    }
    if (bits)
        memcpy(t->buf->data, bits, (size_t)nx_type_bits(type) / 8);
    else
        nxelem_write(type, t->buf->data, 0, v);
    return t;
}

/* Integer extremes: max/min (and their _finite forms) of every integer type. */
static nx_number int_extreme(nx_type t, int want_max)
{
    int w = nx_type_bits(t);
    if (nx_type_is_unsigned(t))
        return want_max ? NX_UINT(w == 64 ? UINT64_MAX : (1ull << w) - 1) : NX_INT(0);
    int64_t max = w == 64 ? INT64_MAX : (int64_t)((1ull << (w - 1)) - 1);
    return want_max ? NX_INT(max) : NX_INT(-max - 1);
}

nx_tensor *nx_constant(nx_constant_kind which, nx_type type)
{
    if (which < 0 || which >= NX_CONST_COUNT)
        return nxerr_null(NX_ARGUMENT_ERROR, "unknown constant %d", (int)which);
    if (which == NX_CONST_I) {
        type = type ? type : NX_C64;
        if (nxfront_check_type(type) < 0)
            return NULL;
        if (!nx_type_is_complex(type))
            return nxerr_null(NX_ARGUMENT_ERROR, "invalid type for complex number. Expected {:c, 64} or {:c, 128}, got: %s",
                              nx_type_tuple(type));
        return scalar_of(type, NX_COMPLEX(0.0, 1.0), NULL);
    }
    type = type ? type : NX_F32;
    if (nxfront_check_type(type) < 0)
        return NULL;
    int is_extreme = which == NX_CONST_MAX_FINITE || which == NX_CONST_MIN_FINITE ||
                     which == NX_CONST_MAX || which == NX_CONST_MIN;
    if (nx_type_is_integer(type) && is_extreme)
        return scalar_of(type, int_extreme(type, which == NX_CONST_MAX_FINITE || which == NX_CONST_MAX), NULL);
    int f = float_index(type);
    if (f < 0)
        return nxerr_null(NX_ARGUMENT_ERROR, "only %s types are supported, got: %s",
                          is_extreme ? "real" : "floating", nx_type_tuple(type));
    return scalar_of(type, NX_INT(0), &float_bits[which][f]);
}
