/* src/defn/control.h: internals of cond and while (src/defn/control.c, diff.c). */
#ifndef NXDEFN_CONTROL_H
#define NXDEFN_CONTROL_H

#include "defn/node.h"

/* The template diff of spec/defn.md §11 between leaves l[0..nl) (title lt) and r[0..nr)
 * (title rt); leaf pairs for which compatible() holds print as plain templates. A new
 * string (nx_free), NULL when out of memory. */
char *nxdefn_diff(const char *lt, const char *rt, const nxdefn_hdr *l, int nl, const nxdefn_hdr *r, int nr,
                  bool (*compatible)(const nxdefn_hdr *, const nxdefn_hdr *));

#endif
