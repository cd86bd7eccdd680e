/* src/core/floatbits.h: the narrow float formats (f8 E5M2, f8 E4M3FN, bf16, f16) as bit
 * patterns: exact decoding and round-to-nearest-even encoding (spec/decisions.md 1, 3). */
#ifndef NXCORE_FLOATBITS_H
#define NXCORE_FLOATBITS_H

#include <stdint.h>
#include "nx/types.h"

/* True for the four types stored as narrow float bit patterns. */
int nxfloat_is_narrow(nx_type t);
/* The exact value of a bit pattern (NaN, ±Inf included). */
double nxfloat_decode(nx_type t, uint32_t bits);
/* Rounds v to nearest, ties to even. Overflow gives ±Inf (E4M3FN: saturates to ±448); NaN
 * gives the type's canonical NaN. */
uint32_t nxfloat_encode(nx_type t, double v);
/* A double that rounds to the same narrow float as the integer would: exact below 2^53,
 * else rounded to odd, which keeps a later single rounding correct. */
double nxfloat_from_u64(uint64_t u);
double nxfloat_from_i64(int64_t i);

#endif
