/* src/cli/nxlib.h: the one table of functions the interpreter can call: every Nx,
 * Nx.Type, Nx.Constants, Nx.Floating ... function that nxc implements, mapped onto the
 * C API, plus the Elixir builtins (Kernel, Enum, IO, ...). */
#ifndef NXI_NXLIB_H
#define NXI_NXLIB_H

#include "cli/value.h"

typedef struct nxi_func {
    const char *module;        /* "Nx", "Nx.LinAlg", "Kernel", "Enum", ... */
    const char *name;
    int min_arity, max_arity;  /* default arguments give a range of arities */
    nxi_builtin_fn *fn;        /* receives argc in [min_arity, max_arity] */
} nxi_func;

/* The function `module.name/arity`, or NULL. */
const nxi_func *nxi_lookup(const char *module, const char *name, int arity);
/* Whether any arity of module.name exists (for UndefinedFunctionError wording). */
int nxi_module_exists(const char *module);
/* For tab completion: calls `each` for every "Module.name". */
void nxi_each_function(void (*each)(const char *module, const char *name, void *ctx), void *ctx);

/* Argument conversions shared by the bindings (nxlib_args.c). Each returns NULL / -1
 * after raising the error Nx raises. */
nx_tensor *nxi_to_tensor(nxv *v);                 /* numbers, complex, :nan..., tensors */
nx_type nxi_to_type(nxv *v);                      /* :f32 or {:f, 32}; NONE after raising */
int nxi_to_shape(nxv *v, nx_shape *out);          /* a tuple of dims, or a tensor's shape */
/* Strict keyword options: checks `opts` (a keyword list, or NULL for none) against the
 * allowed keys (Nx's message for unknown ones) and fills vals[i] (NULL when absent). */
int nxi_opts(nxv *opts, const char *const *allowed, int nallowed, nxv **vals);

#endif
