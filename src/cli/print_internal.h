/* src/cli/print_internal.h: what the printer's files (print.c, print_layout.c,
 * print_text.c) share: Inspect.Algebra documents, the scratch memory they live in, the
 * text buffer printers write into, and the text of strings and atoms. Private to them. */
#ifndef NXI_PRINT_INTERNAL_H
#define NXI_PRINT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "cli/print.h"

#define PRINTABLE_LIMIT 4096   /* Inspect.Opts :printable_limit, in characters */

/* ---- documents (built in print.c, laid out in print_layout.c) ---- */

enum { D_NIL, D_STR, D_LINE, D_CONS, D_NEST, D_BREAK, D_GROUP, D_FORCE };

typedef struct nxdoc nxdoc;
struct nxdoc {
    int kind;
    int flex;              /* D_BREAK: flex break (re-decided at each occurrence) */
    int64_t len;           /* D_STR, D_BREAK: bytes of s; D_NEST: the indentation */
    const char *s;
    const nxdoc *a, *b;    /* D_CONS: a then b; D_NEST, D_GROUP, D_FORCE: a */
};

/* One layout entry: indentation, mode and document; d == NULL marks where a group's
 * content ends while fitting (Elixir's {:tail, b?, rest}). */
typedef struct {
    int64_t indent;
    int mode;
    const nxdoc *d;
    int tail_b;
} nxdoc_entry;

typedef struct {
    nxdoc_entry *v;
    int64_t n, cap;
} nxdoc_stack;

/* Growing text, always NUL-terminated once written; the writer frees p. */
typedef struct {
    char *p;
    size_t n, cap;
} nxdoc_buf;

/* One print: its scratch memory and the layout's reused stack; zero to start. */
typedef struct {
    struct nxdoc_chunk *chunks;
    nxdoc_stack fit;          /* fits()'s own stack, reused */
} nxdoc_ctx;

/* ---- print_layout.c ---- */
/* n bytes of c's scratch memory (16-aligned), freed all at once by nxdoc_ctx_free. */
void *nxdoc_alloc(nxdoc_ctx *c, size_t n);
void nxdoc_ctx_free(nxdoc_ctx *c);
void nxdoc_put(nxdoc_buf *b, const char *s, size_t n);
void nxdoc_puts(nxdoc_buf *b, const char *s);
void nxdoc_putc(nxdoc_buf *b, char ch);
/* Lays root out at width w (NXI_WIDTH_INFINITY: flat) into out. */
void nxdoc_format(nxdoc_ctx *c, const nxdoc *root, int64_t w, nxdoc_buf *out);

/* ---- print_text.c ---- */
void nxinspect_utf8_encode(nxdoc_buf *b, uint32_t cp);
/* The control characters Elixir prints by name: \a \b \t \n \v \f \r \e \d. */
int nxinspect_named_control(uint32_t cp);
/* String.printable?(s, 4096): the first 4096 characters are printable UTF-8. */
int nxinspect_printable_string(const unsigned char *s, int64_t n);
/* Code.Identifier.escape(s, quote, limit): the text between the quotes into b. Returns 1
 * when the limit cut it short (Elixir then appends " <> ..." / " ++ ..."). */
int nxinspect_escape(nxdoc_buf *b, const unsigned char *s, int64_t n, char quote, int64_t limit);
/* `:foo`, `:"foo bar"`, `nil`, `Nx.LinAlg` (the atom "Elixir.Nx.LinAlg"). */
void nxinspect_atom_literal(nxdoc_buf *b, const char *a);
/* A keyword key with its colon: `foo:`, `"foo bar":`. */
void nxinspect_atom_key(nxdoc_buf *b, const char *a);

#endif
