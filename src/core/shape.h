/* src/core/shape.h: validating user shapes and names, normalising axes
 * (spec/shapes-and-names.md §1-3). Every check returns -1 with an ArgumentError. */
#ifndef NXCORE_SHAPE_H
#define NXCORE_SHAPE_H

#include "nx/tensor.h"

/* Checks a user shape: rank within NX_MAX_RANK, every dimension positive, the element
 * count below 2^63. `kind` names the argument in messages ("shape"). Returns the size. */
int64_t nxshape_check(const nx_shape *s, const char *kind);
/* Checks `names` against a rank (n == 0: no names) and interns them into out[rank]. */
int nxshape_names(nx_names names, int rank, const char **out);
/* The product of dims, or -1 on overflow past INT64_MAX. */
int64_t nxshape_size(int rank, const int64_t *dims);
/* Writes Elixir's "{d0, d1, ...}" into buf (truncated to cap) and returns buf. */
const char *nxshape_text(char *buf, size_t cap, int rank, const int64_t *dims);
/* Normalises one axis against a rank; a name is looked up among names[0..nnames) (usually
 * nnames == rank). Returns the index or -1. */
int nxshape_axis(nx_axis axis, int rank, const char *const *names, int nnames);
/* Normalises a list of axes (each unique) into out[]; returns the count or -1. */
int nxshape_axes(const nx_axes *axes, int rank, const char *const *names, int nnames, int *out);

#endif
