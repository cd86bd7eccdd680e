/* src/cli/nxlib.c: the one table of callable functions, assembled from the per-module
 * arrays (Nx, Nx.Type, Nx.Constants and Nx.Floating here; Kernel, Enum... in kernel.c):
 * lookup by module, name and arity, and enumeration for tab completion. */
#include <string.h>
#include "cli/nxlib.h"

/* Each array ends with an entry whose name is NULL. */
extern const nxi_func nxi_kernel_funcs[];
extern const nxi_func nxi_nx_funcs[];
extern const nxi_func nxi_type_funcs[];
extern const nxi_func nxi_const_funcs[];
/* One array per op family, each in its own src/cli/nxlib_<family>.c. */
extern const nxi_func nxi_math_funcs[];
extern const nxi_func nxi_reduce_funcs[];
extern const nxi_func nxi_layout_funcs[];
extern const nxi_func nxi_index_funcs[];
extern const nxi_func nxi_sort_funcs[];
extern const nxi_func nxi_dot_funcs[];
extern const nxi_func nxi_cumulative_funcs[];
extern const nxi_func nxi_fft_funcs[];
extern const nxi_func nxi_vectorize_funcs[];
extern const nxi_func nxi_window_funcs[];
extern const nxi_func nxi_composite_funcs[];
extern const nxi_func nxi_random_funcs[];
extern const nxi_func nxi_linalg_funcs[];
extern const nxi_func nxi_linalg2_funcs[];
extern const nxi_func nxi_io_funcs[];
extern const nxi_func nxi_defn_funcs[];
extern const nxi_func nxi_grad_funcs[];
extern const nxi_func nxi_effects_funcs[];
extern const nxi_func nxi_jvp_funcs[];
extern const nxi_func nxi_hooks_funcs[];
extern const nxi_func nxi_graph_funcs[];
extern const nxi_func nxi_batch_funcs[];

static const nxi_func *const tables[] = {
    nxi_nx_funcs,
    nxi_math_funcs,
    nxi_reduce_funcs,
    nxi_layout_funcs,
    nxi_index_funcs,
    nxi_sort_funcs,
    nxi_dot_funcs,
    nxi_cumulative_funcs,
    nxi_fft_funcs,
    nxi_vectorize_funcs,
    nxi_window_funcs,
    nxi_composite_funcs,
    nxi_random_funcs,
    nxi_linalg_funcs,
    nxi_linalg2_funcs,
    nxi_io_funcs,
    nxi_defn_funcs,
    nxi_grad_funcs,
    nxi_effects_funcs,
    nxi_jvp_funcs,
    nxi_hooks_funcs,
    nxi_graph_funcs,
    nxi_batch_funcs,
    nxi_type_funcs,
    nxi_const_funcs,
    nxi_kernel_funcs,
};
#define NTABLES ((int)(sizeof tables / sizeof *tables))

const nxi_func *nxi_lookup(const char *module, const char *name, int arity)
{
    if (!module || !name)
        return NULL;
    for (int t = 0; t < NTABLES; t++)
        for (const nxi_func *f = tables[t]; f->name; f++)
            if (arity >= f->min_arity && arity <= f->max_arity && !strcmp(f->name, name) &&
                !strcmp(f->module, module))
                return f;
    return NULL;
}

int nxi_module_exists(const char *module)
{
    if (!module)
        return 0;
    for (int t = 0; t < NTABLES; t++)
        for (const nxi_func *f = tables[t]; f->name; f++)
            if (!strcmp(f->module, module))
                return 1;
    return 0;
}

void nxi_each_function(void (*each)(const char *module, const char *name, void *ctx), void *ctx)
{
    for (int t = 0; t < NTABLES; t++)
        for (const nxi_func *f = tables[t]; f->name; f++) {
            /* Arities of one name are listed together: report the name once. */
            if (f != tables[t] && !strcmp(f[-1].name, f->name) && !strcmp(f[-1].module, f->module))
                continue;
            each(f->module, f->name, ctx);
        }
}
