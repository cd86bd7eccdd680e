/* tests/support/nxtest_grad.h: the central finite-difference check every gradient test
 * shares (spec/grad.md): random f64 inputs over three shape sets, each partial derivative
 * against (f(x + h) - f(x - h)) / 2h. */
#ifndef NXTEST_GRAD_H
#define NXTEST_GRAD_H

#include "nx.h"

typedef struct nxtest_grad_case {
    const char *name;        /* what the case checks (an ops.def primitive, a construct) */
    nx_defn_fn *fn;
    int nargs;
    double lo, hi;           /* inputs drawn uniformly from [lo, hi] */
    const char *shapes[3];   /* per shape set: "2x3,3" (args by ',', dims by 'x', "s" scalar) */
} nxtest_grad_case;

/* The scalar a case differentiates, from the function's result on args (the caller
 * chooses eager or jitted evaluation). */
typedef double nxtest_loss_fn(const nxtest_grad_case *c, nx_tensor **args);

/* Asserts nx_grad_n of c->fn equals finite differences of `loss` within 1e-6 relative
 * (absolute below 1), drawing inputs from the generator state *rng. */
void nxtest_check_grad(const nxtest_grad_case *c, nxtest_loss_fn *loss, unsigned *rng);

/* The number t holds (a scalar; integers as doubles). */
double nxtest_number(const nx_tensor *t);
/* t's n values as f64 into out (t must be there and hold n). */
void nxtest_f64_values(const nx_tensor *t, double *out, int64_t n);

#endif
