/* src/core/text.h: a growable string for printers and messages. An allocation failure
 * makes the text "failed": later appends do nothing and nxtext_take returns NULL. */
#ifndef NXCORE_TEXT_H
#define NXCORE_TEXT_H

#include <stddef.h>
#include <stdint.h>

typedef struct nxtext {
    char *s;
    size_t len, cap;
    int failed;
} nxtext;

void nxtext_putn(nxtext *t, const char *s, size_t n);
void nxtext_puts(nxtext *t, const char *s);
void nxtext_putc(nxtext *t, char c);
void nxtext_printf(nxtext *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends n copies of c. */
void nxtext_repeat(nxtext *t, char c, size_t n);
/* Hands out the NUL-terminated string (free with nx_free), or NULL after a failure. */
char *nxtext_take(nxtext *t);
void nxtext_free(nxtext *t);

/* Elixir's inspect of a shape: "{2, 3}", "{}". */
void nxtext_shape(nxtext *t, int rank, const int64_t *dims);
/* Elixir's inspect of a name list: "[:x, nil]". */
void nxtext_names(nxtext *t, int rank, const char *const *names);

#endif
