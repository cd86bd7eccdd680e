/* src/io/etf.h: the subset of Erlang's External Term Format that Nx.serialize uses
 * (etf.c; spec/formats.md §2.4): a decoder into a small term tree and an encoder. */
#ifndef NXIO_ETF_H
#define NXIO_ETF_H

#include "io/io.h"

typedef enum {
    NXETF_INT,      /* fits int64 */
    NXETF_BIG,      /* an integer beyond int64: kept only to be printed */
    NXETF_FLOAT,
    NXETF_ATOM,     /* UTF-8 text, NUL-terminated */
    NXETF_BINARY,   /* bytes (bits: a bitstring's length) */
    NXETF_TUPLE,
    NXETF_LIST,     /* proper lists; [] is a list of 0 items */
    NXETF_MAP,      /* items: key, value, key, value ... */
} nxetf_kind;

typedef struct nxetf {
    nxetf_kind kind;
    int64_t i;
    double f;
    const char *s;              /* ATOM, BINARY */
    int64_t len;                /* ATOM, BINARY: bytes */
    int64_t bits;               /* BINARY: bits in all */
    int64_t n;                  /* TUPLE, LIST: items; MAP: pairs */
    struct nxetf *items;
} nxetf;

/* Every node of one decoded term lives in one arena, freed at once. */
typedef struct nxetf_arena {
    struct nxetf_block *head;
} nxetf_arena;
void nxetf_arena_free(nxetf_arena *a);

/* Decodes a whole term (version byte 131, compressed form included) from data[0..len);
 * trailing bytes are an error. NULL with ArgumentError `err`. */
nxetf *nxetf_decode(const unsigned char *data, int64_t len, nxetf_arena *a, const char *err);
/* The term as Elixir's inspect writes it (truncated past `cap` bytes) into buf. */
const char *nxetf_text(const nxetf *t, char *buf, size_t cap);
/* Atom test. */
int nxetf_is_atom(const nxetf *t, const char *name);

/* Encoding into a memory writer; each returns -1 with an error. */
int nxetf_put_int(nxio_writer *w, int64_t v);
int nxetf_put_atom(nxio_writer *w, const char *name, size_t len);
int nxetf_put_tuple(nxio_writer *w, int64_t arity);       /* then the elements */
int nxetf_put_list(nxio_writer *w, int64_t n);            /* n > 0: then the elements, then nil */
int nxetf_put_nil(nxio_writer *w);
int nxetf_put_binary(nxio_writer *w, const void *bytes, int64_t len);

#endif
