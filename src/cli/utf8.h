/* src/cli/utf8.h: UTF-8 as Erlang's <<c::utf8>> reads and writes it, for the lexer, the
 * printer and bitstrings: no overlong forms, no surrogates, nothing past U+10FFFF. */
#ifndef NXI_UTF8_H
#define NXI_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The length of the character at s[0..n) (n >= 1), its code point in *cp; 0 if invalid. */
int nxi_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* The bytes of code point cp (at most 0x10FFFF) in out; their count. */
int nxi_utf8_encode(uint32_t cp, unsigned char out[4]);

#endif
