/* tests/test_utf8.c: the interpreter's one UTF-8 decoder and encoder (src/cli/utf8.c):
 * every scalar value round-trips, the encoding of each is the one of the Unicode standard
 * (checked against a direct bit layout per length class), and the sequences Erlang's
 * <<c::utf8>> rejects (overlong, surrogates, past U+10FFFF, truncated, stray
 * continuation bytes) decode to 0. */
#include <criterion/criterion.h>
#include "cli/utf8.h"

Test(utf8, every_scalar_value_round_trips)
{
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        unsigned char u[4];
        uint32_t back = 0;
        int n = nxi_utf8_encode(cp, u);
        int want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        cr_assert_eq(n, want, "length of U+%X", cp);
        /* the leading byte carries the length and the top bits, then 6 bits a byte */
        unsigned lead = n == 1 ? 0 : (0xFF00u >> n) & 0xFF;
        cr_assert_eq(u[0], (unsigned char)(lead | (cp >> (6 * (n - 1)))), "lead byte of U+%X", cp);
        for (int i = 1; i < n; i++)
            cr_assert_eq(u[i], (unsigned char)(0x80 | ((cp >> (6 * (n - 1 - i))) & 0x3F)), "byte %d of U+%X", i, cp);
        cr_assert_eq(nxi_utf8_decode(u, (size_t)n, &back), n, "decode U+%X", cp);
        cr_assert_eq(back, cp);
    }
}

Test(utf8, invalid_sequences_decode_to_zero)
{
    static const struct {
        const char *bytes;
        size_t n;
    } bad[] = {
        { "\xC0\x80", 2 },           /* overlong NUL */
        { "\xE0\x80\xAF", 3 },       /* overlong '/' */
        { "\xF0\x82\x82\xAC", 4 },   /* overlong euro sign */
        { "\xED\xA0\x80", 3 },       /* U+D800, a surrogate */
        { "\xF4\x90\x80\x80", 4 },   /* U+110000 */
        { "\xE2\x82", 2 },           /* truncated */
        { "\x80", 1 },               /* a continuation byte alone */
        { "\xE2\x28\xA1", 3 },       /* a bad continuation byte */
        { "\xFF", 1 },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        uint32_t cp = 0;
        cr_assert_eq(nxi_utf8_decode((const unsigned char *)bad[i].bytes, bad[i].n, &cp), 0, "case %zu", i);
    }
}
