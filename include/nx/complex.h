/* include/nx/complex.h: complex numbers (spec/functions.md §11). c64 and c128 elements are
 * laid out as C's float _Complex and double _Complex: real part first. The element-wise
 * math, arithmetic and equality of nx/elementwise.h accept complex tensors where Nx does. */
#ifndef NX_COMPLEX_H
#define NX_COMPLEX_H

#include "tensor.h"

/* The real part: complex gives its real type (c64 → f32); floats are returned as they
 * are, integers as f32. */
NX_API nx_tensor *nx_real(const nx_tensor *t);
/* The imaginary part: complex gives its real type; a real tensor gives zeros of its
 * floating type. */
NX_API nx_tensor *nx_imag(const nx_tensor *t);
/* a - bi, of type to_complex(T): conjugate of 1 is 1.0-0.0i. */
NX_API nx_tensor *nx_conjugate(const nx_tensor *t);
/* The angle atan2(imag, real), of type to_real(to_floating(T)): real inputs give 0 for
 * positives and π for negatives. */
NX_API nx_tensor *nx_phase(const nx_tensor *t);
/* re + i·im of type to_complex(merge(re, im)), shapes broadcast; neither may be complex. */
NX_API nx_tensor *nx_complex(const nx_tensor *re, const nx_tensor *im);

#endif
