/* src/defn/print.h: what the expression printer (print.c) shares with the table of Nx's
 * printed forms of kernel nodes (print_ops.c). */
#ifndef NXDEFN_PRINT_H
#define NXDEFN_PRINT_H

#include "core/text.h"
#include "defn/node.h"

typedef struct nxdefn_printer nxdefn_printer;

/* Renders an operand: its name (naming it and its operands first), or an inline constant. */
void nxdefn_print_operand(nxdefn_printer *p, nxtext *t, const nxdefn_node *n);

/* A host number as an inline constant prints (§5.2). */
void nxdefn_print_number(nxtext *t, nx_number v);

/* Writes "<op> <args>" for a kernel node the way Nx prints the node it records for the
 * same primitive (spec/defn.md §3.2, §5.1): Nx's op name (or `block` and the block's
 * struct), its arguments in Nx's order, its options as a keyword list. */
void nxdefn_print_kernel(nxdefn_printer *p, nxtext *t, const nxdefn_node *n);

/* The printed op name of a call node (the block form for the blocks nxc records as one
 * call: `top_k`), or NULL to print the node's own name. */
const char *nxdefn_print_call_name(const nxdefn_node *n);

#endif
