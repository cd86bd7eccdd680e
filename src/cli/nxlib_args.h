/* src/cli/nxlib_args.h: helpers the binding files share (nxlib_args.c): turning values
 * into the C API's numbers, types, shapes, names, axes and options with Nx's messages,
 * and turning results back into values. Every converter returns NULL / -1 after raising. */
#ifndef NXI_NXLIB_ARGS_H
#define NXI_NXLIB_ARGS_H

#include "cli/nxlib.h"

/* ---- numbers ---- */
/* Integer or float (Elixir's is_number). */
int nxi_is_number(const nxv *v);
/* Nx's is_tensor guard: a number, a complex number, :nan/:infinity/:neg_infinity or a
 * tensor. */
int nxi_is_tensor_like(const nxv *v);
/* A number, complex number or non-finite marker as an nx_number; 0, or -1 (nothing
 * raised) when v is none of those. Integers beyond 64 bits keep their low 64 bits. */
int nxi_number_of(const nxv *v, nx_number *out);
/* The value Nx returns for an element: an integer, a float, :nan/:infinity/:neg_infinity,
 * or a complex number. */
nxv *nxi_number_value(nx_number n);
/* An integer argument that fits int64 (else -1 after raising `what` ... got: <v>). */
int nxi_to_int64(nxv *v, int64_t *out, const char *what);

/* ---- results ---- */
/* v wrapping t, or the library's pending error raised when t is NULL. */
nxv *nxi_tensor_value(nx_tensor *t);
/* {d0, d1, ...} */
nxv *nxi_shape_value(nx_shape s);
/* {:s, 32} */
nxv *nxi_type_value(nx_type t);
/* [:x, nil] */
nxv *nxi_names_value(nx_names n);

/* ---- types, shapes, names, axes ---- */
/* nxi_to_shape (nxlib.h) takes what Nx.shape/1 takes: a tensor (its inner shape), a number
 * ({}) or a tuple, validated as Nx.Shape.validate!/2 does. */
/* A tuple only, validated as `kind` ("shape"): "invalid shape. shape is a n-element
 * tuple ..." otherwise. */
int nxi_to_shape_tuple(nxv *v, const char *kind, nx_shape *out);
/* A names list (atoms or nil) for a tensor of the given rank, or nil (n = 0). */
int nxi_to_names(nxv *v, int rank, nx_names *out);
/* An axis (integer or name) of a tensor whose inner rank is `rank`: normalises integers
 * against nothing (the library does) but raises Nx's message for other values. */
int nxi_to_axis(nxv *v, int rank, nx_axis *out);
/* An :axes option: absent or nil leaves out->n = 0 (not given); [] gives NX_AXES_EMPTY when
 * `keep_empty` (Nx's axes: [], which some functions treat apart), else n = 0; otherwise a
 * list of integers and names. -1 after raising. */
int nxi_to_axes(nxv *v, int rank, nx_axes *out, int keep_empty);

/* ---- options ---- */
/* The :backend option (NULL: not given): Nx.BinaryBackend or {Nx.BinaryBackend, opts}
 * are accepted; other values raise as Nx does. */
int nxi_check_backend(nxv *backend);
/* The allowed keys as Nx prints them: "[:type, :names, :backend]". */
char *nxi_keys_text(const char *const *allowed, int n);
/* Keyword.validate!(opts, allowed) into vals (NULL where absent): unknown keys, then
 * duplicates, with Elixir's messages; 0, or -1 with the exception raised. */
int nxi_validate_keywords(nxv *opts, const char *const *allowed, int nallowed, nxv **vals);

/* ---- containers ---- */
/* Tuples and maps, which Nx traverses as containers of tensors. */
int nxi_is_container(const nxv *v);
/* Applies fn to every leaf of a tuple/map (recursively), rebuilding the container;
 * other values are handed to fn directly. */
nxv *nxi_map_leaves(nxv *v, nxv *(*fn)(nxv *leaf, void *ctx), void *ctx);
/* An %Nx.Batch{} (nxlib_batch.c), and the container it stands for as a defn argument: its
 * entries concatenated and padded (Nx.LazyContainer); NULL with the exception raised. */
int nxi_is_batch(const nxv *v);
nxv *nxi_batch_materialize(nxv *v);
/* A leaf as the concrete tensor a defn argument becomes: a number is a plain s32 / f32 /
 * c64 scalar, not a weak one (spec/defn.md §2.1). NULL with the exception raised. */
nx_tensor *nxi_leaf_tensor(nxv *leaf);
/* Gathering a container's tensor leaves (nxi_map_leaves with nxi_collect_leaf): up to cap
 * into t, n counts them all; plain: numbers as defn arguments (nxi_leaf_tensor), else as
 * weak scalars (nxi_to_tensor). And putting tensors back into a container's skeleton
 * (nxi_refill_leaf), in the same order. */
typedef struct {
    nx_tensor **t;
    int n, cap;
    int plain;
} nxi_leaves;
nxv *nxi_collect_leaf(nxv *leaf, void *ctx);
typedef struct {
    nx_tensor *const *t;
    int next;
} nxi_refill;
nxv *nxi_refill_leaf(nxv *leaf, void *ctx);
/* All of a container's leaves as defn arguments (plain) in an arena array of the right
 * size: their count, or -1 with the exception raised. */
int nxi_gather_leaves(nxv *container, nx_tensor ***out);
/* After a library call failed: an exception the interpreter raised meanwhile wins over the
 * library's follow-up error; otherwise that error is raised. Returns NULL. */
nxv *nxi_raise_nx_or_pending(void);

/* Raises Protocol.UndefinedError for a value that is neither tensor nor container. */
nxv *nxi_raise_not_container(nxv *v);

#endif
