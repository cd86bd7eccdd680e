/* src/defn/control.h: internals of cond and while (src/defn/control.c, diff.c). */
#ifndef NXDEFN_CONTROL_H
#define NXDEFN_CONTROL_H

#include "defn/node.h"

/* The template diff of spec/defn.md §11 between leaves l[0..nl) (title lt) and r[0..nr)
 * (title rt); leaf pairs for which compatible() holds print as plain templates. A new
 * string (nx_free), NULL when out of memory. */
char *nxdefn_diff(const char *lt, const char *rt, const nxdefn_hdr *l, int nl, const nxdefn_hdr *r, int nr,
                  bool (*compatible)(const nxdefn_hdr *, const nxdefn_hdr *));

/* Nx's non-vectorized cond (Expr.cond without vectorized predicates): clause b < k - 1 is
 * (pt[b], bodies[b][0..leaves)), bodies[k - 1] the last body. The leaves are aligned
 * (vectorized axes), merged (types promoted, shapes broadcast) and one cond node recorded
 * (k == 1: the last body itself). Writes out[0..leaves) in the current scope; returns
 * leaves, or -1 with an error. Call while tracing. */
/* Counts one more iteration of a while loop that has run `done` so far: -1 with a
 * RuntimeError once nx_set_while_limit's bound is passed, else 0. */
int nxdefn_while_step(int64_t done);
int nxdefn_cond_build(int k, nx_tensor *const *pt, nx_tensor *const *const *bodies, int leaves, nx_tensor **out);
/* The same when some predicate is vectorized: the select lowering of spec/defn.md §6.1
 * (control_vec.c). */
int nxdefn_cond_vectorized(int k, nx_tensor *const *pt, nx_tensor *const *const *bodies, int leaves, nx_tensor **out);

#endif
