/* include/nx/create.h: making tensors (Nx.tensor, iota, eye, fill, linspace, template,
 * from_binary, the constants of Nx.Constants) and reshaping them without changing data (reshape,
 * broadcast, vectorize). Every function returns NULL with an error on bad input. */
#ifndef NX_CREATE_H
#define NX_CREATE_H

#include "tensor.h"

/* From C data laid out as Nx lays it out (row-major, native-endian; 2- and 4-bit types
 * packed most significant bits first): copies ceil(size * bits / 8) bytes of `data`. */
typedef struct { nx_names names; } nx_from_data_opts;
NX_API nx_tensor *nx_from_data_(const void *data, nx_type type, nx_shape shape, nx_from_data_opts o);
#define nx_from_data(data, type, shape, ...) \
    nx_from_data_((data), (type), (shape), (nx_from_data_opts){ __VA_ARGS__ })

/* A (nested) list as Nx.tensor/2 takes it: a number, a boolean, a list of items, a
 * tensor (only as the whole argument), or something else (kept as text for the error
 * message). The interpreter builds these; C users mostly want nx_from_data. */
typedef enum { NX_ITEM_NUMBER, NX_ITEM_BOOL, NX_ITEM_LIST, NX_ITEM_TENSOR, NX_ITEM_OTHER } nx_item_kind;
typedef struct nx_item {
    nx_item_kind kind;
    nx_number num;                 /* NUMBER; BOOL: .kind = NX_NUM_INT, 0 or 1 */
    int64_t len;                   /* LIST */
    const struct nx_item *items;   /* LIST */
    const nx_tensor *tensor;       /* TENSOR */
    const char *text;              /* OTHER: the value as Elixir's inspect writes it */
} nx_item;

typedef struct { nx_type type; nx_names names; } nx_tensor_opts;
NX_API nx_tensor *nx_tensor_(const nx_item *arg, nx_tensor_opts o);
#define nx_tensor(arg, ...) nx_tensor_((arg), (nx_tensor_opts){ __VA_ARGS__ })
/* A scalar from a number (Nx.tensor(number, type: ...)); type NONE infers it. */
NX_API nx_tensor *nx_scalar(nx_number n, nx_type type);

/* Nx.iota: .type defaults to s32; .axis counts along one axis. */
typedef struct { nx_type type; nx_axis axis; nx_names names; } nx_iota_opts;
NX_API nx_tensor *nx_iota_(nx_shape shape, nx_iota_opts o);
#define nx_iota(shape, ...) nx_iota_((shape), (nx_iota_opts){ __VA_ARGS__ })

/* Nx.eye: identity matrices in the last two axes (rank >= 2). nx_eye_n(n) is {n, n}. */
typedef struct { nx_type type; nx_names names; } nx_eye_opts;
NX_API nx_tensor *nx_eye_(nx_shape shape, nx_eye_opts o);
#define nx_eye(shape, ...) nx_eye_((shape), (nx_eye_opts){ __VA_ARGS__ })
#define nx_eye_n(n, ...) nx_eye_(NX_SHAPE((n), (n)), (nx_eye_opts){ __VA_ARGS__ })

/* Nx.fill: a tensor of t's shape, names and vectorized axes with every element `value`
 * (a scalar tensor; nx_number_tensor for a number) in .type, or else the binary type of t
 * and value (a number typed as a number operand: u8 tensor with 300 gives u16). */
typedef struct { nx_type type; } nx_fill_opts;
NX_API nx_tensor *nx_fill_(const nx_tensor *t, const nx_tensor *value, nx_fill_opts o);
#define nx_fill(t, value, ...) nx_fill_((t), (value), (nx_fill_opts){ __VA_ARGS__ })

/* Nx.linspace: .n (>= 1) evenly spaced values from start to stop (included unless
 * .exclude_endpoint) along a new last axis named .name, for start and stop of one shape
 * (vectorized axes broadcast). Both are converted to .type (default f32) first; values
 * are iota * step + start with step = (stop - start) / (n - 1, or n), converted to .type
 * at the end (integer types truncate). */
typedef struct { int64_t n; const char *name; nx_type type; bool exclude_endpoint; } nx_linspace_opts;
NX_API nx_tensor *nx_linspace_(const nx_tensor *start, const nx_tensor *stop, nx_linspace_opts o);
#define nx_linspace(start, stop, ...) nx_linspace_((start), (stop), (nx_linspace_opts){ __VA_ARGS__ })

/* Nx.template: shape and type without data (printing shows Nx.TemplateBackend). */
typedef struct { nx_names names; } nx_template_opts;
NX_API nx_tensor *nx_template_(nx_shape shape, nx_type type, nx_template_opts o);
#define nx_template(shape, type, ...) nx_template_((shape), (type), (nx_template_opts){ __VA_ARGS__ })

/* Nx.from_binary: `bits` bits of native data (a whole number of elements). */
NX_API nx_tensor *nx_from_binary(const void *data, int64_t bits, nx_type type);

/* Nx.reshape: one dimension may be NX_AUTO. */
typedef struct { nx_names names; } nx_reshape_opts;
NX_API nx_tensor *nx_reshape_(const nx_tensor *t, nx_shape shape, nx_reshape_opts o);
#define nx_reshape(t, shape, ...) nx_reshape_((t), (shape), (nx_reshape_opts){ __VA_ARGS__ })

/* Nx.broadcast: .axes maps each axis of t to an axis of `shape`. */
typedef struct { nx_axes axes; nx_names names; } nx_broadcast_opts;
NX_API nx_tensor *nx_broadcast_(const nx_tensor *t, nx_shape shape, nx_broadcast_opts o);
#define nx_broadcast(t, shape, ...) nx_broadcast_((t), (shape), (nx_broadcast_opts){ __VA_ARGS__ })

/* Nx.rename: new names for the inner axes (n == 0 clears them). */
NX_API nx_tensor *nx_rename(const nx_tensor *t, nx_names names);
/* Nx.vectorize(t, name): the first inner axis becomes a vectorized axis called `name`.
 * Nx.devectorize(t, keep_names: true): vectorized axes become ordinary leading axes. */
NX_API nx_tensor *nx_vectorize(const nx_tensor *t, const char *name);
NX_API nx_tensor *nx_devectorize(const nx_tensor *t, bool keep_names);

/* Nx.Constants. Type NONE means f32 (c64 for nx_constant_i). */
typedef enum nx_constant_kind {
    NX_CONST_NAN, NX_CONST_INFINITY, NX_CONST_NEG_INFINITY, NX_CONST_MAX_FINITE,
    NX_CONST_MIN_FINITE, NX_CONST_MAX, NX_CONST_MIN, NX_CONST_SMALLEST_POSITIVE_NORMAL,
    NX_CONST_EPSILON, NX_CONST_PI, NX_CONST_E, NX_CONST_EULER_GAMMA, NX_CONST_I,
    NX_CONST_COUNT
} nx_constant_kind;
NX_API nx_tensor *nx_constant(nx_constant_kind which, nx_type type);
/* Nx's name of a constant ("smallest_positive_normal"). */
NX_API const char *nx_constant_name(nx_constant_kind which);

#endif
