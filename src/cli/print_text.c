/* src/cli/print_text.c: the text of single values as Elixir writes them: integers and
 * floats, UTF-8 and String.printable?, Code.Identifier.escape's escapes inside quotes, and
 * atoms as literals or keyword keys (Macro.inspect_atom/2). */
#include "cli/print_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "cli/utf8.h"
#include "core/fmtfloat.h"

/* ---- numbers ---- */

int nxi_int_text(char buf[NXI_INT_TEXT_MAX], nxi_int v)
{
    char tmp[NXI_INT_TEXT_MAX];
    int n = 0, len = 0;
    /* Work with the magnitude as unsigned so that the most negative value has one. */
    unsigned __int128 m = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
    do {
        tmp[n++] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m);
    if (v < 0)
        buf[len++] = '-';
    while (n)
        buf[len++] = tmp[--n];
    buf[len] = '\0';
    return len;
}

int nxi_float_text(char buf[NXI_FLOAT_TEXT_MAX], double f)
{
    if (isnan(f))
        return snprintf(buf, NXI_FLOAT_TEXT_MAX, ":nan");
    if (isinf(f))
        return snprintf(buf, NXI_FLOAT_TEXT_MAX, f > 0 ? ":infinity" : ":neg_infinity");
    /* Inspect.Float: integral values below 1.0e16 keep all their digits (1000.0, not
     * the shortest form 1.0e3); everything else is Float.to_charlist's shortest form. */
    if (fabs(f) >= 1.0 && fabs(f) < 1.0e16 && trunc(f) == f)
        return snprintf(buf, NXI_FLOAT_TEXT_MAX, "%.0f.0", f);
    uint64_t bits;
    memcpy(&bits, &f, sizeof bits);
    return nxfmt_float(buf, NXI_FLOAT_TEXT_MAX, NX_F64, bits);
}

/* ---- text: UTF-8, printability, escapes ---- */

void nxinspect_utf8_encode(nxdoc_buf *b, uint32_t cp)
{
    unsigned char t[4];
    nxdoc_put(b, (const char *)t, (size_t)nxi_utf8_encode(cp, t));
}

/* The control characters Elixir prints by name: \a \b \t \n \v \f \r \e \d. */
int nxinspect_named_control(uint32_t cp)
{
    return (cp >= 7 && cp <= 13) || cp == 27 || cp == 127;
}

/* String.printable?/2's characters. */
static int printable_char(uint32_t cp)
{
    return (cp >= 0x20 && cp <= 0x7E) || nxinspect_named_control(cp) ||
           (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
           (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* String.printable?(s, 4096): the first 4096 characters are printable UTF-8. */
int nxinspect_printable_string(const unsigned char *s, int64_t n)
{
    int64_t i = 0;
    for (int count = 0; i < n && count < PRINTABLE_LIMIT; count++) {
        uint32_t cp;
        int len = nxi_utf8_decode(s + i, (size_t)(n - i), &cp);
        if (!len || !printable_char(cp))
            return 0;
        i += len;
    }
    return 1;
}

static void put_hex(nxdoc_buf *b, uint32_t v, int digits)
{
    static const char hex[] = "0123456789ABCDEF";
    for (int i = digits - 1; i >= 0; i--)
        nxdoc_putc(b, hex[(v >> (4 * i)) & 0xF]);
}

/* Code.Identifier.escape(s, quote, limit): the text between the quotes. Returns 1 when
 * the limit cut it short (Elixir then appends " <> ..." / " ++ ..."). */
int nxinspect_escape(nxdoc_buf *b, const unsigned char *s, int64_t n, char quote, int64_t limit)
{
    int64_t i = 0, count = 0;
    while (i < n) {
        if (count == limit)
            return 1;
        count++;
        unsigned char ch = s[i];
        if (ch == (unsigned char)quote || ch == '\\') {
            nxdoc_putc(b, '\\');
            nxdoc_putc(b, (char)ch);
            i++;
            continue;
        }
        if (ch == '#' && i + 1 < n && s[i + 1] == '{') {
            nxdoc_puts(b, "\\#{");
            i += 2;
            continue;
        }
        uint32_t cp;
        int len = nxi_utf8_decode(s + i, (size_t)(n - i), &cp);
        if (!len) {
            nxdoc_puts(b, "\\x");
            put_hex(b, ch, 2);
            i++;
            continue;
        }
        i += len;
        static const char names[] = "abtnvfr";
        if (cp >= 7 && cp <= 13) {
            nxdoc_putc(b, '\\');
            nxdoc_putc(b, names[cp - 7]);
        } else if (cp == 27) {
            nxdoc_puts(b, "\\e");
        } else if (cp == 127) {
            nxdoc_puts(b, "\\d");
        } else if (cp == 0) {
            nxdoc_puts(b, "\\0");
        } else if (printable_char(cp)) {
            nxinspect_utf8_encode(b, cp);
        } else if (cp < 0x100) {
            nxdoc_puts(b, "\\x");
            put_hex(b, cp, 2);
        } else {
            nxdoc_puts(b, "\\x{");
            put_hex(b, cp, cp < 0x10000 ? 4 : 6);
            nxdoc_putc(b, '}');
        }
    }
    return 0;
}

/* ---- atoms (Macro.inspect_atom/2) ---- */

static const char *const operators[] = {
    "+", "-", "*", "/", "**", "++", "--", "+++", "---", "<>", "!", "^", "&", "@", "==", "!=",
    "===", "!==", "=~", "<", ">", "<=", ">=", "&&", "||", "&&&", "|||", "<<<", ">>>", "<<~",
    "~>>", "<~", "~>", "<~>", "|>", "=", "|", "\\\\", "<-", "//", "when", "in", "and", "or",
    "not",
};
/* Special forms and ambiguous names: callable only quoted, printed bare. */
static const char *const not_callable[] = { "%", "%{}", "{}", "<<>>", "...", "..", ".",
                                            "..//", "->" };
/* Operators written quoted as atoms. */
static const char *const quoted_operators[] = { "::", "^^^", "~~~", "<|>" };

static int in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

#define IN(s, list) in_list((s), (list), sizeof(list) / sizeof((list)[0]))

static int is_lower(int ch) { return ch >= 'a' && ch <= 'z'; }
static int is_upper(int ch) { return ch >= 'A' && ch <= 'Z'; }
static int is_digit(int ch) { return ch >= '0' && ch <= '9'; }

static int ident_char(int ch)
{
    return is_lower(ch) || is_upper(ch) || is_digit(ch) || ch == '_' || ch >= 0x80;
}

/* "Elixir" followed by pieces ".Upper[A-Za-z0-9_]*". */
static int valid_alias(const char *s)
{
    if (strncmp(s, "Elixir", 6) != 0)
        return 0;
    s += 6;
    while (*s) {
        if (s[0] != '.' || !is_upper((unsigned char)s[1]))
            return 0;
        s += 2;
        while (is_lower(*s) || is_upper(*s) || is_digit(*s) || *s == '_')
            s++;
    }
    return 1;
}

enum { A_ALIAS, A_IDENTIFIER, A_UNQUOTED, A_QUOTED };

/* Macro.classify_atom/1. Identifiers follow the tokenizer: a letter or '_', then letters,
 * digits and '_', then at most one '?' or '!'; non-ASCII letters are taken as letters.
 * One starting with an uppercase letter or holding '@' is an alias-like token
 * (not callable, printed bare). */
static int classify_atom(const char *s)
{
    if (IN(s, not_callable))
        return A_UNQUOTED;
    if (IN(s, quoted_operators))
        return A_QUOTED;
    if (IN(s, operators))
        return A_UNQUOTED;
    if (valid_alias(s))
        return A_ALIAS;
    const unsigned char *p = (const unsigned char *)s;
    if (!(is_lower(*p) || is_upper(*p) || *p == '_' || *p >= 0x80))
        return A_QUOTED;
    int upper = is_upper(*p), at = 0;
    while (ident_char(*p) || *p == '@') {
        at |= *p == '@';
        p++;
    }
    if (*p == '?' || *p == '!')
        p++;
    if (*p)
        return A_QUOTED;
    return upper || at ? A_UNQUOTED : A_IDENTIFIER;
}

/* `:foo`, `:"foo bar"`, `nil`, `Nx.LinAlg` (the atom "Elixir.Nx.LinAlg"). */
void nxinspect_atom_literal(nxdoc_buf *b, const char *a)
{
    if (!strcmp(a, "nil") || !strcmp(a, "true") || !strcmp(a, "false")) {
        nxdoc_puts(b, a);
        return;
    }
    switch (classify_atom(a)) {
    case A_ALIAS:
        if (!strcmp(a, "Elixir") || !strcmp(a, "Elixir.Elixir") || !strncmp(a, "Elixir.Elixir.", 14))
            nxdoc_puts(b, a);
        else
            nxdoc_puts(b, a + 7);
        break;
    case A_QUOTED:
        nxdoc_puts(b, ":\"");
        nxinspect_escape(b, (const unsigned char *)a, (int64_t)strlen(a), '"', INT64_MAX);
        nxdoc_putc(b, '"');
        break;
    default:
        nxdoc_putc(b, ':');
        nxdoc_puts(b, a);
        break;
    }
}

/* A keyword key with its colon: `foo:`, `"foo bar":`. */
void nxinspect_atom_key(nxdoc_buf *b, const char *a)
{
    switch (classify_atom(a)) {
    case A_ALIAS:
        nxdoc_putc(b, '"');
        nxdoc_puts(b, a);
        nxdoc_puts(b, "\":");
        break;
    case A_QUOTED:
        nxdoc_putc(b, '"');
        nxinspect_escape(b, (const unsigned char *)a, (int64_t)strlen(a), '"', INT64_MAX);
        nxdoc_puts(b, "\":");
        break;
    default:
        nxdoc_puts(b, a);
        nxdoc_putc(b, ':');
        break;
    }
}
