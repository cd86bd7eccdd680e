/* tests/support/nxtest.h: helpers shared by the test files: oracle data written by
 * tests/oracle/gen_*.py, reading files, and checks on the pending error. */
#ifndef NXTEST_H
#define NXTEST_H

#include <stddef.h>
#include <stdint.h>
#include <criterion/criterion.h>
#include "nx.h"

/* The folder the oracle scripts wrote to: $NXC_ORACLE_DIR, else build/oracle under the
 * source tree. */
const char *nxtest_oracle_dir(void);
/* Reads a whole oracle file (name relative to the oracle folder) into memory (free with
 * free()); fails the test with a hint to run the oracle scripts when it is missing. */
unsigned char *nxtest_read_oracle(const char *name, size_t *len);
/* The nx_type of a type name ("f32", "c64"...), or NX_TYPE_NONE. */
nx_type nxtest_type_named(const char *name);
/* Every type's name, kind ("u", "s", "f", "bf", "c") and bits as include/nx/types.h's
 * NX_TYPE_LIST writes them (not the library's own tables), and the type named so. */
typedef struct {
    const char *name;
    const char *kind;
    int bits;
} nxtest_type_info;
extern const nxtest_type_info nxtest_types[NX_TYPE_COUNT];
nx_type nxtest_type_listed(const char *name);
/* The element-wise ops of a test by name: unary (u) or binary (b); NXTEST_U(exp),
 * NXTEST_B(add) make the entries of nx_exp and nx_add. */
typedef nx_tensor *nxtest_unary_fn(const nx_tensor *);
typedef nx_tensor *nxtest_binary_fn(const nx_tensor *, const nx_tensor *);
typedef struct {
    const char *name;
    nxtest_unary_fn *u;
    nxtest_binary_fn *b;
} nxtest_op;
#define NXTEST_U(n) { #n, nx_##n, NULL },
#define NXTEST_B(n) { #n, NULL, nx_##n },
/* The index of op `name` among ops[0..n), or -1. */
int nxtest_op_index(const nxtest_op *ops, size_t n, const char *name);
/* Oracle records: a shape as u8 rank + i64 dims; an integer list as u8 count + i64
 * values. Return the position after it. */
const unsigned char *nxtest_read_shape(const unsigned char *p, nx_shape *s);
const unsigned char *nxtest_read_ints(const unsigned char *p, nx_ints *s);
/* A little-endian reader over an oracle file; reading past its end fails the test with
 * a hint to regenerate the file. */
typedef struct {
    const unsigned char *p, *end;
} nxtest_reader;
const unsigned char *nxtest_rd_bytes(nxtest_reader *r, uint64_t n);
uint64_t nxtest_rd_le(nxtest_reader *r, int bytes);
double nxtest_rd_f64(nxtest_reader *r);
nx_shape nxtest_rd_shape(nxtest_reader *r);   /* u8 rank, then i64 dims */
/* What Elixir code prints as when the interpreter evaluates it in a fresh session: IEx's
 * text, or for an exception (a parse error included) the `** (Kind) message` line; in
 * the interpreter's arena. */
char *nxtest_eval_text(const char *code);
/* Evaluates code and asserts that it prints as IEx would (nxtest_eval_text). */
void nxtest_expect_code(const char *code, const char *expected);
/* Asserts that code prints the Nx.Defn.Expr frame of `header` ("f32[2][2]", or
 * "vectorized[x: 2]\n  s32" with the vectorized line) whose lines are "text\ttype"
 * (parameter lines first), laid out per spec/defn.md §5.1: the type column at the widest
 * line + 3. NXTEST_EXPR(code, header, lines...) takes the lines as arguments. */
void nxtest_expect_expr(const char *code, const char *header, const char *const *lines, int n);
#define NXTEST_EXPR(code, header, ...)                                                     \
    do {                                                                                   \
        static const char *const lines_[] = { __VA_ARGS__ };                               \
        nxtest_expect_expr(code, header, lines_, (int)(sizeof lines_ / sizeof *lines_));   \
    } while (0)
/* NXTEST_EXPR of a one-argument fn (Elixir source `fun` over `a`) applied to `arg`. */
#define NXTEST_ONE(fun, arg, header, ...) \
    NXTEST_EXPR("Nx.Defn.debug_expr_apply(fn a -> " fun " end, [" arg "])", header, __VA_ARGS__)
/* Runs shell command `cmd` with its stdout sent to a temporary file; returns what it
 * wrote (free()) and sets *status to its exit status (128 when it did not exit). */
char *nxtest_capture(const char *cmd, int *status);
/* Asserts that `nxc -e code` prints a tensor, the same with NXC_NUM_THREADS 1, 2 and 5. */
void nxtest_same_for_thread_counts(const char *code);
/* §5.3's first example (spec/defn.md): the Nx.Defn.Expr of
 * sum(dot(a, a) + tanh(b) + 2) on two s32[2][2] parameters. */
extern const char nxtest_dot_tanh_expr[];
/* A tensor of `type` and shape s whose values are lo + (hi - lo) u, u uniform in [0, 1)
 * from a 64-bit LCG whose stream the seed picks. */
nx_tensor *nxtest_lcg_tensor(nx_type type, nx_shape s, unsigned seed, double lo, double hi);
/* Asserts a and b are there and hold the same type and bytes (`what` names the pair). */
void nxtest_assert_same_bits(const nx_tensor *a, const nx_tensor *b, const char *what);
/* Fails the n-th allocation of fn() for n = 1, 2, ... until it succeeds: each failure
 * must be NULL with an error, never a crash, and leave nothing behind (LeakSanitizer). */
void nxtest_survives_failed_allocations(nx_tensor *(*fn)(void));
/* How many random cases to check: $NXC_TEST_SCALE (a fraction, default 1) times n. */
long nxtest_scaled(long n);
/* The resident set size of process pid (0: this one) in kB, from /proc; -1 if unknown. */
long nxtest_rss_kb(int pid);
/* A uniform draw from [lo, hi] of a small seeded generator (its state in *state). */
double nxtest_uniform(unsigned *state, double lo, double hi);
/* Shapes written "2x3,3,s" (arguments by ',', dims by 'x', "s" a scalar) into out;
 * returns how many. */
int nxtest_parse_shapes(const char *s, nx_shape *out);

/* Asserts that the last call failed with `kind` and exactly `message`, then clears it. */
#define NXTEST_ERROR(kind, message) \
    do { \
        cr_assert_eq(nx_error(), (kind), "error kind %s, expected %s (message: %s)", \
                     nx_error_kind_name(nx_error()), nx_error_kind_name(kind), nx_error_message()); \
        cr_assert_str_eq(nx_error_message(), (message)); \
        nx_error_clear(); \
    } while (0)

/* Asserts that no error is pending. */
#define NXTEST_OK() \
    cr_assert_eq(nx_error(), NX_OK, "unexpected %s: %s", nx_error_kind_name(nx_error()), nx_error_message())

/* Asserts that t prints exactly as `expected` (Nx's inspect text). */
#define NXTEST_PRINTS(t, expected) \
    do { \
        char *text_ = nx_inspect(t); \
        cr_assert_not_null(text_, "inspect failed: %s", nx_error_message()); \
        cr_assert_str_eq(text_, (expected)); \
        nx_free(text_); \
    } while (0)

#endif
