/* src/cli/defn_cache.h: traced graphs of defn calls by function and argument templates
 * (defn_cache.c). */
#ifndef NXI_DEFN_CACHE_H
#define NXI_DEFN_CACHE_H

#include "cli/value.h"
#include "defn/node.h"

typedef struct {
    nxdefn_node **outputs;   /* the output leaves, in the order of exprs' leaves */
    int n;
    nxv *exprs;              /* the output structure */
} nxi_defn_graph;

/* The key text of argv's templates, or NULL when a call with them is not cached. */
char *nxi_defn_templates(int argc, nxv **argv);
/* The graph traced for fn with these templates, or NULL. */
const nxi_defn_graph *nxi_defn_cache_find(const void *fn, const char *templates);
/* Keeps outputs[0..n) (references taken) and exprs for fn and templates. */
void nxi_defn_cache_put(const void *fn, char *templates, nxdefn_node **outputs, int n, nxv *exprs);
/* Drops every graph (the arena that holds their structures is going). */
void nxi_defn_cache_forget(void);

#endif
