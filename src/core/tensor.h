/* src/core/tensor.h: the tensor header (DESIGN §3) and its life cycle. Inner axes are
 * dims[vrank..rank); the first vrank axes are vectorized (and always named). */
#ifndef NXCORE_TENSOR_H
#define NXCORE_TENSOR_H

#include <stdatomic.h>
#include "nx/tensor.h"

struct nxbackend;
struct nxdefn_node;

/* Element storage shared between tensors that differ only in header (reshape, bitcast). */
typedef struct nxbuf {
    atomic_int refs;
    int64_t bytes;
    unsigned char data[];
} nxbuf;

struct nx_tensor {
    nx_type type;
    int rank;
    int vrank;
    bool donatable;                  /* Nx.donatable: never set on results */
    bool weak;                       /* made from a plain number: typed by merge_number */
    nx_number weak_value;            /* that number, exactly as given */
    int64_t dims[NX_MAX_RANK];
    const char *names[NX_MAX_RANK];
    int64_t size;                    /* elements over all axes */
    const struct nxbackend *backend; /* NULL: a template, no data */
    nxbuf *buf;
    struct nxdefn_node *node;        /* traced (src/defn): the graph node, buf is NULL */
    int64_t offset;                  /* bytes into buf->data where the elements start (slice views) */
    atomic_int refs;
    int scope_depth;                 /* the owning scope (1 = outermost), 0: none */
    nx_tensor *scope_prev, *scope_next;  /* that scope's list: adopting never allocates */
};

/* A new header with no data, owned by the innermost scope (or the caller). names may be
 * NULL (all nil). Checks rank and size; NULL with an error. */
nx_tensor *nxtensor_new(nx_type type, int rank, const int64_t *dims, const char *const *names);
/* The checks of nxtensor_new alone: the element count, or -1 with its error. */
int64_t nxtensor_check_shape(nx_type type, int rank, const int64_t *dims);
/* Same shape, names and vectorized axes as t, another type. */
nx_tensor *nxtensor_like(const nx_tensor *t, nx_type type);
/* Gives t a fresh buffer for its elements, not zero-filled (kernels write every element);
 * -1 with an error. */
int nxtensor_alloc_data(nx_tensor *t);
/* t shares src's buffer (the sizes in bytes must agree). */
void nxtensor_share_data(nx_tensor *t, const nx_tensor *src);
static inline void *nxtensor_data(const nx_tensor *t) { return t->buf ? t->buf->data + t->offset : NULL; }
/* Error unless every input is non-NULL and holds data (templates do not). */
int nxtensor_check_inputs(const nx_tensor *const *in, int n);

/* Scope bookkeeping (scope.c): registers a new tensor with the innermost scope. */
void nxscope_adopt(nx_tensor *t);
/* Takes t out of its scope: the caller now holds its one reference. */
void nxscope_disown(nx_tensor *t);
/* For callers that manage scopes as a whole (the interpreter's calls): the innermost
 * scope's depth (0 when none, or when nesting overflowed and scopes are not real), whether
 * scope d owns t, moving t from its scope to the (outer) scope d, whether the innermost
 * scope owns nothing, and ending the innermost scope by handing everything it owns to the
 * enclosing one. */
int nxscope_depth(void);
bool nxscope_owns(const nx_tensor *t, int d);
void nxscope_move(nx_tensor *t, int d);
bool nxscope_empty(void);
int64_t nxscope_count(int d);
void nxscope_end_merge(void);
void nxtensor_destroy(nx_tensor *t);

#endif
