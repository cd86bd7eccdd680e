/* src/cli/value.h: the interpreter's values (the Elixir terms Nx code handles) and the
 * arena they live in. Values are immutable and never freed one by one: an arena holds
 * everything one session (or one fuzz input) makes, and is dropped at its end; inside
 * it, each interpreted call is a region that is rewound when the call returns, its
 * result copied out (region.c). Tensors are owned by the nx scope the session opens. */
#ifndef NXI_VALUE_H
#define NXI_VALUE_H

#include <stddef.h>
#include <stdint.h>
#include "nx.h"

typedef __int128 nxi_int;   /* Elixir integers: nxc accepts any value that fits 128 bits */

typedef enum {
    NXV_INT,
    NXV_FLOAT,
    NXV_ATOM,       /* nil, true and false are atoms too, as in Elixir */
    NXV_BINARY,     /* strings and bitstrings: bytes plus a bit length */
    NXV_LIST,       /* proper lists; an improper tail is kept in `tail` */
    NXV_TUPLE,
    NXV_MAP,        /* keys in insertion order; lookups compare by value */
    NXV_FUN,        /* closures and captures of builtin functions */
    NXV_TENSOR,
    NXV_RANGE,
    NXV_COMPLEX,
} nxv_kind;

struct nxi_ast;
struct nxi_env;
typedef struct nxv nxv;

/* A builtin function: receives its evaluated arguments; returns NULL after raising. */
typedef nxv *nxi_builtin_fn(int argc, nxv **argv);

struct nxv {
    nxv_kind kind;
    union {
        nxi_int i;
        double f;
        const char *atom;                       /* interned (nx_atom): compare pointers */
        struct { const unsigned char *bytes; int64_t bits; } bin;
        struct { int64_t n; nxv **items; nxv *tail; } list;
        struct { int64_t n; nxv **items; } tuple;
        struct { int64_t n; nxv **keys, **vals; } map;
        struct {
            const struct nxi_ast *fn;           /* an `fn ... end` node, or NULL for builtins */
            struct nxi_env *env;                /* the closure's environment */
            nxi_builtin_fn *builtin;
            const char *module, *name;          /* for printing captures: &Nx.sum/1 */
            int arity;
            nxv *bound;                         /* builtins: passed first (closures made by Nx.Defn.jit) */
            const void *home;                   /* closures: the module they were written in */
            int defn;                           /* closures: written inside defn code */
        } fun;
        nx_tensor *tensor;
        struct { nxi_int first, last, step; } range;
        struct { double re, im; } c;
    };
};

/* ---- the arena: every allocation of the interpreter; never fails to the caller
 * (running out of memory raises a clean error and ends the session) ---- */
void *nxi_alloc(size_t bytes);
char *nxi_strdup(const char *s);
char *nxi_strndup(const char *s, size_t n);
/* Drops everything allocated since the arena began (end of session / fuzz input). */
void nxi_arena_reset(void);
/* Marks (region.c uses them): a point in the arena's history. */
typedef struct {
    uint64_t seq;        /* chunks numbered above this were made after the mark */
    uint64_t head;       /* the chunk being filled then (0: none) */
    size_t used;         /* and its bytes used */
    uint64_t total;
} nxi_mark;
typedef struct { uintptr_t lo, hi; } nxi_range;
nxi_mark nxi_arena_mark(void);
/* Bytes allocated since the mark. */
size_t nxi_arena_since(const nxi_mark *m);
/* The address ranges allocated since the mark (a malloc'd array in *out; free it). */
int nxi_arena_ranges(const nxi_mark *m, nxi_range **out);
/* Drops everything allocated since the mark. */
void nxi_arena_rewind(const nxi_mark *m);
/* Forgets the regions of region.c (the arena is being dropped). */
void nxi_regions_forget(void);
/* Forgets what src/cli/nxlib_defn.c keeps across calls in arena memory. */
void nxi_defn_forget(void);

/* ---- constructors ---- */
nxv *nxv_int(nxi_int i);
nxv *nxv_float(double f);
nxv *nxv_atom(const char *name);          /* interns */
nxv *nxv_bool(int b);
nxv *nxv_nil(void);
nxv *nxv_binary(const void *bytes, int64_t bits);   /* copies */
nxv *nxv_string(const char *s);                     /* copies a NUL-terminated string */
nxv *nxv_list(int64_t n, nxv **items);              /* takes `items` (arena memory) */
nxv *nxv_tuple(int64_t n, nxv **items);
nxv *nxv_map(int64_t n, nxv **keys, nxv **vals);
nxv *nxv_tensor(nx_tensor *t);
nxv *nxv_complex(double re, double im);
nxv *nxv_range(nxi_int first, nxi_int last, nxi_int step);
nxv **nxv_items(int64_t n);                          /* an array for list/tuple items */

/* ---- predicates and helpers ---- */
int nxv_is_atom(const nxv *v, const char *name);    /* v is the atom `name` */
int nxv_is_nil(const nxv *v);
int nxv_truthy(const nxv *v);                       /* everything but nil and false */
int nxv_is_keyword(const nxv *v);                   /* a list of {atom, value} tuples */
/* Keyword lookup: the value of the first `key`, or NULL. */
nxv *nxv_keyword_get(const nxv *kw, const char *key);
/* Structural equality (==: 1 == 1.0 is true when `strict` is 0; === when 1). */
int nxv_equal(const nxv *a, const nxv *b, int strict);
/* Erlang term order: -1, 0, 1 (number < atom < reference < fun < port < pid < tuple < map
 * < list < bitstring). Tensors compare as maps (structs), by identity beyond that. */
int nxv_compare(const nxv *a, const nxv *b);

/* ---- errors: an evaluation that fails raises and returns NULL ---- */
/* Records `** (kind) message` unless an exception is already pending; returns NULL. */
nxv *nxi_raise(const char *kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Turns the library's pending error (nx_error()) into an exception; returns NULL. */
nxv *nxi_raise_from_nx(void);
int nxi_raised(void);
const char *nxi_raised_kind(void);
const char *nxi_raised_message(void);
void nxi_clear_raised(void);

/* ---- printing as IEx prints (print.c) ---- */
/* The inspected text of v, as IEx shows a result (pretty, 80 columns, limit 50). */
char *nxi_inspect(const nxv *v);
/* The text of inspect/1 (no pretty printing): "{1, 2}", tensors as in error messages. */
char *nxi_inspect_plain(const nxv *v);

#endif
