/* src/core/elem.h: reading and writing single elements of every type, with the
 * conversion rules of spec/types-and-inspect.md §4 as amended by spec/decisions.md.
 * Integers read as NX_NUM_INT (NX_NUM_UINT for u64), floats as NX_NUM_FLOAT (exact
 * value), complex as NX_NUM_COMPLEX. */
#ifndef NXCORE_ELEM_H
#define NXCORE_ELEM_H

#include <stdint.h>
#include "nx/types.h"

nx_number nxelem_read(nx_type t, const void *data, int64_t i);
/* Writes v converted to t: integers wrap, floats truncate toward zero and saturate
 * (NaN -> 0), float targets round to nearest-even, complex -> real keeps the real part. */
void nxelem_write(nx_type t, void *data, int64_t i, nx_number v);
/* Bytes that n elements of t occupy (sub-byte types packed); -1 on overflow. */
int64_t nxelem_bytes(nx_type t, int64_t n);
/* The raw bits of element i (sub-byte and narrow types in the low bits). */
uint64_t nxelem_bits(nx_type t, const void *data, int64_t i);

#endif
