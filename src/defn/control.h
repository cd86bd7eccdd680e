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

/* The inner loop of a vectorized while (spec/defn.md §6.2): runs on one entry of the
 * state, state[0..n) (gen: that entry of a tensor generator, else NULL), and writes the
 * entry's final state to out[0..n). 0, or -1 with an error. */
typedef int nxdefn_entry_fn(int n, nx_tensor *const *state, const nx_tensor *gen, nx_tensor **out, void *ctx);
/* The lowering of a while whose condition (or tensor generator, `generator` true) is
 * target, vectorized: the state initial[0..n) broadcast against target's vectorized axes,
 * an outer while over their flattened entries that runs fn on each, and the results with
 * target's axes (then each leaf's own) in out[0..n), in the caller's scope (control_vwhile.c).
 * Eager or traced. 0, or -1 with an error. */
int nxdefn_while_entries(const nx_tensor *target, bool generator, int n, const nx_tensor *const *initial,
                         nxdefn_entry_fn *fn, void *ctx, nx_tensor **out);
/* nx_while whose condition must not be vectorized (the inner loop of the lowering):
 * ArgumentError "condition for while cannot be vectorized, got: <tensor>" otherwise. */
int nxdefn_while_plain(int n, const nx_tensor *const *initial, nx_while_cond_fn *cond, nx_while_body_fn *body,
                       void *ctx, nx_tensor **out);

#endif
