/* src/defn/node.h: the graph IR of numerical definitions (spec/defn.md §1, §3, DESIGN §5).
 * A traced tensor is an ordinary header whose `node` points at a node record; nodes are
 * immutable once built, reference counted, and hold their operands. */
#ifndef NXDEFN_NODE_H
#define NXDEFN_NODE_H

#include <stdatomic.h>
#include <stddef.h>
#include "core/op.h"
#include "core/tensor.h"
#include "nx/defn.h"

typedef enum {
    NXN_PARAMETER,   /* pos: input number of its context */
    NXN_CONSTANT,    /* value broadcast to the header */
    NXN_TENSOR,      /* tensor: a concrete tensor embedded in the graph */
    NXN_KERNEL,      /* a primitive of ops.def recorded by nxop_run: op, params, kernel header */
    NXN_CALL,        /* an Nx-level operation recorded by a front end: call(in, opts) */
    NXN_VIEW,        /* the operand's elements under another header (reshape, bitcast, rename) */
    NXN_ELEM,        /* leaf pos of a tuple node */
    NXN_METADATA,    /* identity; name: the inspect value (NULL: invisible), stop_grad */
    NXN_COND,        /* clauses and last body, see nxdefn_cond */
    NXN_WHILE,       /* initial state in `in`, condition and body over while parameters */
    NXN_IO_CALL,     /* identity on the data leaves `in`, calling io->fn (hooks.c) */
    NXN_RUNTIME_CALL,/* io->rt over the data leaves `in`, header from the template */
} nxdefn_kind;

/* The header a node's value has (type NX_TYPE_NONE: a tuple of `tuple` leaves). */
typedef struct nxdefn_hdr {
    nx_type type;
    int rank, vrank, tuple;
    int64_t dims[NX_MAX_RANK];
    const char *names[NX_MAX_RANK];
} nxdefn_hdr;

typedef struct nxdefn_node nxdefn_node;

/* Evaluates a CALL node on concrete operands (the front end run again). */
typedef nx_tensor *nxdefn_call_fn(const nx_tensor *const *in, const void *opts);
/* Evaluates a tuple-valued CALL node (a block with several results, e.g. qr): fills
 * out[0..h.tuple) with new tensors; 0, or -1 with an error and nothing left in out. */
typedef int nxdefn_calln_fn(const nx_tensor *const *in, const void *opts, nx_tensor **out);

/* cond: clause i is (pred[i], body[i][0..leaves)); clause `nclauses` is the last body
 * (predicate true). pred[0] is also in->[0] (evaluated in the enclosing scope). */
typedef struct nxdefn_cond {
    int nclauses, leaves;
    nxdefn_node **pred;      /* nclauses */
    nxdefn_node ***body;     /* nclauses + 1 arrays of `leaves` */
} nxdefn_cond;

/* while: the state has `leaves` leaves; params are the while context's parameters. */
typedef struct nxdefn_while {
    int leaves, ctx;
    nxdefn_node *cond;
    nxdefn_node **body;      /* leaves */
} nxdefn_while;

struct nxdefn_node {
    atomic_int refs;
    nxdefn_kind kind;
    int ctx;                   /* 0: context-free; 1: root; others: while scopes */
    nxdefn_hdr h;
    int nin;
    nxdefn_node **in;
    int pos;                   /* parameter position, elem index */
    nx_number value;           /* constant */
    nx_tensor *tensor;         /* tensor node (owned reference) */
    nx_op op;                  /* kernel */
    nxop_params *params;       /* kernel */
    nxdefn_hdr *kh;            /* kernel: the header the kernel writes (then viewed as h) */
    nxdefn_call_fn *call;      /* call */
    nxdefn_calln_fn *calln;    /* call with a tuple header (h.type NX_TYPE_NONE) */
    nxdefn_hdr *lh;            /* tuple call: the h.tuple leaves' headers */
    void *opts;                /* call: a copy of the front end's options */
    size_t opts_size;
    const char *name;          /* printed op name (call, metadata's inspect value) */
    char *text;                /* printed arguments: "%0" .. "%9" stand for operands */
    bool stop_grad;            /* metadata */
    bool weak;                 /* constant from a plain number: typed like one when evaluated */
    nxdefn_cond *cond;
    nxdefn_while *loop;
    struct nxdefn_io *io;      /* io_call, runtime_call */
    uint64_t id;               /* creation serial: identity for printing and ordering */
};

/* ---- node life cycle (node.c) ---- */
nxdefn_node *nxdefn_node_new(nxdefn_kind kind, const nxdefn_hdr *h, int nin, nxdefn_node *const *in);
nxdefn_node *nxdefn_retain(nxdefn_node *n);
void nxdefn_release(nxdefn_node *n);
void nxdefn_hdr_of(nxdefn_hdr *h, const nx_tensor *t);
bool nxdefn_hdr_equal(const nxdefn_hdr *a, const nxdefn_hdr *b);
nxdefn_node *nxdefn_constant(const nxdefn_hdr *h, nx_number v);
nxdefn_node *nxdefn_parameter(const nxdefn_hdr *h, int pos, int ctx);
/* The node of t: its own, or a constant / tensor node for a concrete tensor (§2.2). A
 * new reference; NULL with an error. */
nxdefn_node *nxdefn_node_of(const nx_tensor *t);
/* A new traced tensor with header h (names, vrank) and node n (the reference is taken). */
nx_tensor *nxdefn_tensor(const nxdefn_hdr *h, nxdefn_node *n);
/* The contexts of n operands merged; -1 with the different-contexts error. */
int nxdefn_merge_ctx(nxdefn_node *const *in, int n);
/* The truth of a concrete scalar (a predicate's value): 1, 0, or -1 with an error (also
 * for NULL, an earlier error). */
int nxdefn_truth(const nx_tensor *t);
/* Whether a number is true (non-zero) as a predicate. */
bool nxdefn_number_true(nx_number v);
/* Constant value helpers: is the node a constant equal to x (ints and floats)? */
bool nxdefn_is_const(const nxdefn_node *n, double x);
/* The header of leaf i of a tuple node (cond, while, io_call, runtime_call, tuple call). */
nxdefn_hdr nxdefn_leaf_hdr(const nxdefn_node *n, int i);
/* Copies the call payload (calln, lh) of src into dst; -1 with an error. */
int nxdefn_copy_calln(nxdefn_node *dst, const nxdefn_node *src);
/* A copy of n over the operands ins, with n's header and payload (options, text, loop,
 * io); a cond's clauses are the caller's to set. A new reference; NULL with an error. */
nxdefn_node *nxdefn_node_copy(const nxdefn_node *n, nxdefn_node *const *ins);

/* ---- tracing state (trace.c) ---- */
/* > 0 while a trace runs on this thread. */
extern _Thread_local int nxdefn_tracing;
extern const nxbackend nxdefn_backend;
/* A fresh context id for a while scope. */
int nxdefn_new_ctx(void);

/* ---- recording (record.c) ---- */
/* nxop_run on traced or tracing inputs: records a kernel node into `out`. */
nx_tensor *nxdefn_record(nx_op op, nx_tensor *out, const nx_tensor *const *in, const nxop_params *p);
/* t shares src's node under its own header (nxtensor_share_data on a traced src). */
void nxdefn_view(nx_tensor *t, const nx_tensor *src);
/* Replaces the front end's result r (computed from traced operands) by one Nx-level node
 * `name` over the operands in[0..n), printed with `text` and evaluated by call(in, opts).
 * Consumes r; returns the new tensor (NULL with an error). */
nx_tensor *nxdefn_wrap(nx_tensor *r, const char *name, const char *text, nxdefn_call_fn *call,
                       const void *opts, size_t opts_size, const nx_tensor *const *in, int n);
/* The same for a front end that recorded kernel `op` over operands it converted, reshaped
 * or resized (as_type to the kernel's type, s64 indices, padding to the fft length): the
 * node is a call over the caller's operands in[0..n) that keeps the kernel's op and
 * parameters, so it prints as Nx's node (print_ops.c's form of op) and the kernel's grad
 * rule applies to it. r is returned unchanged when its node is not that kernel. */
nx_tensor *nxdefn_wrap_kernel(nx_tensor *r, nx_op op, nxdefn_call_fn *call, const void *opts, size_t opts_size,
                              const nx_tensor *const *in, int n);
/* The same for a front end whose result r is the kernel's converted or re-laid out (a
 * conversion back from the compute type, a transpose): one call node over in[0..n) with
 * r's header that keeps op and *params, so it prints as Nx's node and op's grad rule
 * applies; the rule then sees the operands as given and r's header. */
nx_tensor *nxdefn_wrap_op(nx_tensor *r, nx_op op, const nxop_params *params, nxdefn_call_fn *call, const void *opts,
                          size_t opts_size, const nx_tensor *const *in, int n);
/* A block with nout results (spec/defn.md §3.4): one CALL node `name` over in[0..n),
 * printed `block <text>` (text's %0.. stand for operands), evaluated by calln. nout > 1:
 * a tuple node whose leaves hdrs[i] are read by elem nodes; nout == 1: a plain node
 * evaluated by calln too. outs[i] get new traced tensors; 0, or -1 with an error. */
int nxdefn_block(const char *name, const char *text, nxdefn_calln_fn *calln, const void *opts, size_t opts_size,
                 const nx_tensor *const *in, int n, const nxdefn_hdr *hdrs, int nout, nx_tensor **outs);
/* The same for a binary element-wise op, with the construction-time rewrites of §4. */
nx_tensor *nxdefn_wrap_binary(nx_tensor *r, nx_op op, const nx_tensor *a, const nx_tensor *b, nxdefn_call_fn *call);
static inline bool nxdefn_traced(const nx_tensor *t) { return t && t->node; }

/* ---- evaluation (eval.c) ---- */
/* Values of outputs[0..n) given the root parameters args[0..nargs); results in the caller's
 * scope; -1 with an error. */
int nxdefn_eval(nxdefn_node *const *outputs, int n, const nx_tensor *const *args, int nargs, nx_tensor **results);
/* Runs a kernel or call node on concrete operands (constant folding, evaluation). */
nx_tensor *nxdefn_apply(const nxdefn_node *n, const nx_tensor *const *in);

/* ---- side effects (hooks.c) ---- */
typedef struct nxdefn_io {
    const char *name;          /* io_call: the hook name (interned), NULL: function only */
    nx_io_fn *fn;
    nx_runtime_fn *rt;
    void *ctx;
    char *fn_text, *tmpl_text, *opts_text;
    bool container;            /* the data (io_call) or template (runtime_call) is a container */
    bool data_container;       /* runtime_call: the data is a container (not printed) */
    bool owned;                /* ctx is print_value's state, freed with the node */
    int nout;                  /* runtime_call: the template leaves */
    nxdefn_hdr *outs;
} nxdefn_io;
void nxdefn_io_free(nxdefn_io *io);
/* A deep copy (for passes that rebuild nodes); NULL with an error. */
nxdefn_io *nxdefn_io_copy(const nxdefn_io *io);
/* io_call / runtime_call with the container flags the interpreter knows (a one-leaf
 * tuple is still a container). */
int nxdefn_io_call(int n, const nx_tensor *const *data, const nx_io_callback *cb, bool container, nx_tensor **out);
int nxdefn_runtime_call(int nout, const nx_tensor *const *templates, bool tmpl_container, int n,
                        const nx_tensor *const *data, bool data_container, const nx_runtime_callback *cb, nx_tensor **out);
/* Runs node n (io_call or runtime_call) on the values of its operands: the result leaves
 * (new references) in out[0..nout) where nout is 1 for a plain node, else h.tuple. */
int nxdefn_io_eval(const nxdefn_node *n, const nx_tensor *const *in, nx_tensor **out);
/* The named hooks of the evaluation running on this thread (NULL: none). */
extern _Thread_local const nx_hooks *nxdefn_hooks;
/* nxdefn_eval with the named hooks in force for its duration. */
int nxdefn_eval_hooks(nxdefn_node *const *outputs, int n, const nx_tensor *const *args, int nargs,
                      const nx_hooks *hooks, nx_tensor **results);

#endif
