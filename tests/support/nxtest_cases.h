/* tests/support/nxtest_cases.h: the case files of the NumPy oracles that share one layout
 * (tests/oracle/gen_dot.py, gen_conv.py, gen_window.py): an 8-byte magic and a u32 case
 * count, then per case its operands stored wide and its wanted values with a tolerance
 * per element. */
#ifndef NXTEST_CASES_H
#define NXTEST_CASES_H

#include <stdbool.h>
#include <stdint.h>
#include "nx.h"
#include "support/nxtest.h"

/* How many elements shape s holds. */
int64_t nxtest_count(nx_shape s);
/* Reads oracle file `name` (free *buf with free()), asserts its 8-byte magic and returns
 * the case count; *r reads from the first case to the end of the file. */
uint32_t nxtest_open_cases(const char *name, const char *magic, unsigned char **buf, nxtest_reader *r);
/* An operand of `type` and shape s read at *p: values stored as f64 (complex as c128
 * pairs; integers as i64 when ints_as_i64, u64 bit for bit), then vectorized on its nv
 * leading axes as v0, v1. */
nx_tensor *nxtest_rd_operand(const unsigned char **p, nx_type type, nx_shape s, int nv, bool ints_as_i64);
/* Asserts r's type, vectorized rank and (devectorized) shape, then compares its values,
 * read as `as` (integers exactly; floats and complex within the per-element tolerance),
 * with the wanted values at *p; moves *p past them and returns how many are off (the
 * first few are logged as case c, `what`). */
long nxtest_check_case(const nx_tensor *r, nx_type type, nx_type as, int nv, nx_shape shape,
                       const unsigned char **p, unsigned c, const char *what);

#endif
