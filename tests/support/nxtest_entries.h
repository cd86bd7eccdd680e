/* tests/support/nxtest_entries.h: helpers for tests whose oracle is vectorization itself:
 * every vectorized entry taken out and computed on its own must equal that entry of the
 * vectorized result (tests/test_vectorized_while*.c). */
#ifndef NXTEST_ENTRIES_H
#define NXTEST_ENTRIES_H

#include "nx.h"

/* A small linear congruential generator: a uniform draw in [0, 1) from state *s. */
double nxtest_rnd(unsigned *s);
/* n draws lo + width * nxtest_rnd(s) into v. */
void nxtest_rnd_fill(unsigned *s, double *v, int n, double lo, double width);
/* The value of the f64 scalar r, which must be there. */
double nxtest_f64_of(const nx_tensor *r);
/* Random integers in [lo, hi) as a tensor of `type`. */
nx_tensor *nxtest_random_ints(unsigned *s, nx_type type, nx_shape shape, double lo, double hi);
/* Entry i of t's first vectorized axis (t itself when not vectorized). */
nx_tensor *nxtest_entry(const nx_tensor *t, int i);
/* Values of t as doubles (t real, at most 256 elements); their count. */
int nxtest_values(const nx_tensor *t, double *v);
/* Asserts the same type, shape, vectorized axes and (within tol, relative) values. */
void nxtest_assert_same(const nx_tensor *a, const nx_tensor *b, double tol);

#endif
