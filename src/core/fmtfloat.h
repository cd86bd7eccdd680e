/* src/core/fmtfloat.h: the text of one float element as Nx prints it inside a tensor
 * (spec/types-and-inspect.md §5.4-5.8, spec/decisions.md 5): the shortest decimal that
 * reads back to the same bits, laid out by algorithm A (f64) or layout_B (the others). */
#ifndef NXCORE_FMTFLOAT_H
#define NXCORE_FMTFLOAT_H

#include <stddef.h>
#include <stdint.h>
#include "nx/types.h"

/* Longest text either function writes, NUL included ("-2.2250738585072014e-308" twice
 * plus "+", "i" fits with room to spare). */
#define NXFMT_FLOAT_MAX 32
#define NXFMT_COMPLEX_MAX (2 * NXFMT_FLOAT_MAX)

/* Writes the text of the float of type t (F8, F8_E4M3FN, BF16, F16, F32, F64) whose bit
 * pattern is in the low bits of `bits`: "1.0e-5" (f64), "1e-5" (f32), "-0.0", "NaN",
 * "-Inf". Writes at most cap bytes including the NUL (like snprintf) and returns the
 * length of the whole text, or -1 for a type that is not a real float. */
int nxfmt_float(char *buf, size_t cap, nx_type t, uint64_t bits);

/* Complex (C64: two f32 patterns, C128: two f64 patterns): the real part's text, then the
 * imaginary part's with a '+' unless it starts with '-', then 'i' ("1.0-1.0i", "NaN+Infi").
 * Same buffer rules and return value as nxfmt_float. */
int nxfmt_complex(char *buf, size_t cap, nx_type t, uint64_t re_bits, uint64_t im_bits);

#endif
