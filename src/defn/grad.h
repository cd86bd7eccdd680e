/* src/defn/grad.h: reverse-mode differentiation of traced graphs (spec/grad.md, DESIGN §6).
 * grad.c walks the graph backwards and sums cotangents; grad_rules.c holds one rule per
 * differentiable operation, looked up by the node's operation name (the op table's name
 * for kernels, the front end's name for Nx-level calls). Rules build the gradient graph
 * through the public front ends while a trace runs, so it is an ordinary expression. */
#ifndef NXDEFN_GRAD_H
#define NXDEFN_GRAD_H

#include "defn/node.h"

#define NXGRAD_MAX_IN (NX_MAX_RANK + 4)
#define NXGRAD_MAX_OUT 4

/* What a rule sees. Tensors are expression tensors over the forward graph's nodes with
 * names cleared and vectorized axes devectorized; g and ans have the header the operation
 * produced (for a kernel folded with a view: the kernel's). */
typedef struct nxgrad_args {
    const nxdefn_node *n;
    const char *name;
    nx_tensor *g, *ans;
    int nin;
    nx_tensor *x[NXGRAD_MAX_IN];
    bool want[NXGRAD_MAX_IN];      /* the operand leads to a variable */
    nx_tensor *out[NXGRAD_MAX_IN]; /* the rule's contributions (NULL: none) */
    /* blocks (nxdefn_block): the results' cotangents (zeros where none arrived) and
     * values, devectorized; for a one-result block gs[0] is g and anss[0] is ans */
    int nout;
    nx_tensor *gs[NXGRAD_MAX_OUT], *anss[NXGRAD_MAX_OUT];
} nxgrad_args;

/* 0, or -1 with an error. Contributions may have any shape that reduces or broadcasts to
 * the operand's (the engine sums broadcast axes away, as for binary operands). */
typedef int nxgrad_rule(nxgrad_args *a);

typedef enum {
    NXGRAD_RULE,      /* differentiable: a rule */
    NXGRAD_ZERO,      /* zero-gradient set (spec §5.1): never entered */
    NXGRAD_ERROR,     /* Nx raises (spec §5.2) */
    NXGRAD_MISSING,   /* differentiable in Nx, no rule in nxc yet */
} nxgrad_status;

/* The status of an operation by name, and its rule (NULL unless NXGRAD_RULE). Names not
 * in the table are NXGRAD_MISSING. */
nxgrad_status nxgrad_status_of(const char *name, nxgrad_rule **rule);
/* Sets the error an operation without a usable rule raises on a differentiated path. */
void nxgrad_no_rule(const char *name, nxgrad_status s);

/* Helpers for rules (grad.c). */
/* c summed over the axes that were broadcast when an operand of header xh met c's shape
 * (right-aligned), then given xh's dims (broadcast up when c is smaller). */
nx_tensor *nxgrad_unbroadcast(const nx_tensor *c, const nxdefn_hdr *xh);
/* f32 zeros of header h's shape. */
nx_tensor *nxgrad_zeros(const nxdefn_hdr *h);
/* The gradient expressions of out with respect to the nodes vars[0..n): grads[i] new
 * tensors (f32 zeros when unconnected). Runs while tracing; 0 or -1 with an error. */
int nxgrad_reverse(const nx_tensor *out, int n, nxdefn_node *const *vars, nx_tensor **grads);
/* The same seeded with the cotangent seed (out's devectorized shape, or one that broadcasts
 * to it; NULL: f32 ones): the vector-Jacobian product seed^T J. */
int nxgrad_reverse_seeded(const nx_tensor *out, const nx_tensor *seed, int n, nxdefn_node *const *vars,
                          nx_tensor **grads);
/* The same for several outputs outs[0..nout) seeded with seeds[k] (NULL, or a NULL entry:
 * f32 ones of that output's shape); reached[i] (when given) tells whether any output
 * depends on vars[i]. */
int nxgrad_reverse_multi(int nout, nx_tensor *const *outs, nx_tensor *const *seeds, int n, nxdefn_node *const *vars,
                         nx_tensor **grads, bool *reached);
/* Whether any of roots[0..n) depends on var (through cond branches too). */
bool nxgrad_reaches(int nroots, nxdefn_node *const *roots, nxdefn_node *var);
/* n as a tensor for rules: names cleared, vectorized axes devectorized. */
nx_tensor *nxgrad_tensor(nxdefn_node *n);

/* Control flow (grad_control.c, spec §6), given the cotangents g[l] of every leaf.
 * cond: out[v] is the contribution to vars[v] (NULL: none), from a new cond over the
 * same predicates whose branches hold the branch gradients. while: out[l] is the
 * contribution to initial leaf l, from a counting loop and a rematerialising reverse loop. */
int nxgrad_cond(nxdefn_node *n, nx_tensor *const *g, int nvars, nxdefn_node *const *vars, nx_tensor **out);
int nxgrad_while(nxdefn_node *n, nx_tensor *const *g, nx_tensor **out);

/* Builds nout expressions from traced params; 0 or -1 with an error. */
typedef int nxdefn_build_fn(nx_tensor *const *params, void *ctx, nx_tensor **outs);
/* transform.c: traces build over nparams parameters standing for args (inside a trace,
 * over args themselves) and evaluates its outputs (inside: returns them as expressions),
 * handing results[0..nout) to the caller's scope. 0, or -1 with an error. */
int nxdefn_transform(int nparams, const nx_tensor *const *args, nxdefn_build_fn *build, void *ctx, int nout,
                     nx_tensor **results);

/* The rules of grad_rules_array.c (the table is in grad_rules.c). */
nxgrad_rule nxgrad_gather, nxgrad_take, nxgrad_indexed_add, nxgrad_indexed_put, nxgrad_sort, nxgrad_fft,
    nxgrad_take_along_axis, nxgrad_cumulative_extremum, nxgrad_cumulative_product, nxgrad_window_sum,
    nxgrad_window_extremum, nxgrad_triangular_solve, nxgrad_conv, nxgrad_window_scatter, nxgrad_top_k;
/* The Nx.LinAlg blocks of grad_rules_linalg.c (spec §8). */
nxgrad_rule nxgrad_invert, nxgrad_cholesky, nxgrad_qr, nxgrad_lu, nxgrad_eigh, nxgrad_svd, nxgrad_solve,
    nxgrad_determinant;

#ifdef NXGRAD_RULES
#include "nx.h"
/* Shorthands inside rules (a is the nxgrad_args). */
#define G (a->g)
#define X (a->x[0])
#define Y (a->x[1])
#define ANS (a->ans)
#define OUT(i, v) ((a->out[i] = (v)) ? 0 : -1)

static inline nx_shape shape_of(const nx_tensor *t)
{
    return nx_shape_of(t);
}

static inline bool is_complex(const nx_tensor *t)
{
    return nx_type_is_complex(t->type);
}

static inline nx_axes axes_of(const int *v, int n)
{
    nx_axes ax = { .n = n };
    for (int i = 0; i < n; i++)
        ax.index[i] = v[i];
    return ax;
}
#endif

#endif
