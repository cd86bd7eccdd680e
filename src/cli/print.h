/* src/cli/print.h: printing values beyond value.h's two entry points: inspect with
 * options (IO.inspect, inspect/2) and the text of single numbers. */
#ifndef NXI_PRINT_H
#define NXI_PRINT_H

#include <stdint.h>
#include "cli/value.h"

#define NXI_WIDTH_INFINITY INT64_MAX   /* never break lines (inspect/1, pretty: false) */
#define NXI_LIMIT_INFINITY INT64_MAX   /* limit: :infinity */

/* Inspect.Opts: zero fields take Elixir's defaults (width 80, limit 50). */
typedef struct {
    int64_t width;
    int64_t limit;
} nxi_inspect_opts;

/* The inspected text of v laid out by Inspect.Algebra at o.width columns, in the
 * arena. IEx results are .width = 80 (nxi_inspect), inspect/1 is NXI_WIDTH_INFINITY
 * (nxi_inspect_plain), IO.inspect formats at its :width (80 by default). */
char *nxi_inspect_with(const nxv *v, nxi_inspect_opts o);

/* Decimal text of an integer ("-170141183460469231731687303715884105728" at most);
 * returns the length. */
#define NXI_INT_TEXT_MAX 48
int nxi_int_text(char buf[NXI_INT_TEXT_MAX], nxi_int v);

/* A float as Elixir prints it (shortest round-trip digits: "1.0", "0.1", "1.0e16",
 * "-0.0"); NaN and infinities, which Elixir floats cannot hold, print as the atoms Nx
 * returns for them (":nan", ":infinity", ":neg_infinity"). Returns the length. */
#define NXI_FLOAT_TEXT_MAX 32
int nxi_float_text(char buf[NXI_FLOAT_TEXT_MAX], double f);

/* The indices of map m's keys in Erlang's map key order (term order, integers before
 * equal floats): the order maps print and compare in. In the arena. */
int64_t *nxv_map_order(const nxv *m);

#endif
