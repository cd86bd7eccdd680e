/* tests/test_print.c: the interpreter's values (src/cli/value.c: arena, equality, term
 * order, exceptions) and their printed form (src/cli/print.c), checked against the texts
 * Elixir 1.18's IEx prints: the non-tensor "expect" texts of shared/conformance/cases,
 * spec/types-and-inspect.md §5.10, and Inspect.Algebra's layout rules. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "support/nxtest.h"
#include "cli/print.h"

/* ---- building values ---- */

#define VS(...) ((nxv *[]){ __VA_ARGS__ })
#define NV(...) ((int64_t)(sizeof(VS(__VA_ARGS__)) / sizeof(nxv *)))

static nxv *copy_items(int64_t n, nxv **src, int tuple)
{
    nxv **items = nxv_items(n);
    memcpy(items, src, (size_t)n * sizeof *items);
    return tuple ? nxv_tuple(n, items) : nxv_list(n, items);
}

#define LIST(...) copy_items(NV(__VA_ARGS__), VS(__VA_ARGS__), 0)
#define TUP(...) copy_items(NV(__VA_ARGS__), VS(__VA_ARGS__), 1)
#define EMPTY_LIST nxv_list(0, nxv_items(0))
#define I(v) nxv_int(v)
#define F(v) nxv_float(v)
#define A(s) nxv_atom(s)
#define S(s) nxv_string(s)
#define KV(k, v) TUP(A(k), (v))

static nxv *improper(nxv *list, nxv *tail)
{
    list->list.tail = tail;
    return list;
}

/* %{k1 => v1, ...} from alternating keys and values. */
static nxv *map_of(int64_t n, nxv **kv)
{
    nxv **keys = nxv_items(n / 2), **vals = nxv_items(n / 2);
    for (int64_t i = 0; i < n / 2; i++) {
        keys[i] = kv[2 * i];
        vals[i] = kv[2 * i + 1];
    }
    return nxv_map(n / 2, keys, vals);
}
#define MAP(...) map_of(NV(__VA_ARGS__), VS(__VA_ARGS__))

static nxv *bits(const char *bytes, int64_t nbits)
{
    return nxv_binary(bytes, nbits);
}

static nxv *int_list(int64_t from, int64_t to)
{
    nxv **items = nxv_items(to - from + 1);
    for (int64_t i = from; i <= to; i++)
        items[i - from] = I(i);
    return nxv_list(to - from + 1, items);
}

static nxv *scalar(nx_number n, nx_type type)
{
    nx_tensor *t = nx_scalar(n, type);
    cr_assert_not_null(t, "nx_scalar: %s", nx_error_message());
    return nxv_tensor(t);
}

static nxv *builtin(const char *module, const char *name, int arity)
{
    nxv *f = nxi_alloc(sizeof *f);
    f->kind = NXV_FUN;
    f->fun.module = module;
    f->fun.name = name;
    f->fun.arity = arity;
    f->fun.builtin = (nxi_builtin_fn *)1;   /* only compared, never called here */
    return f;
}

/* ---- checks ---- */

#define PRETTY(v, want) cr_expect_str_eq(nxi_inspect(v), (want))
#define PLAIN(v, want) cr_expect_str_eq(nxi_inspect_plain(v), (want))
/* Same text both ways (it fits on a line). */
#define PRINTS(v, want) \
    do { \
        nxv *v_ = (v); \
        PRETTY(v_, want); \
        PLAIN(v_, want); \
    } while (0)

/* Values made from a C string by `make` that print as the wanted text both ways. */
typedef struct {
    const char *in, *want;
} text_case;

static void check_texts(nxv *(*make)(const char *), const text_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        PRINTS(make(cases[i].in), cases[i].want);
}
#define CHECK_TEXTS(make, cases) check_texts((make), (cases), sizeof(cases) / sizeof *(cases))

static void setup(void)
{
    nx_error_clear();
    nxi_clear_raised();
    nx_scope_begin();
}

static void teardown(void)
{
    nx_scope_end();
    nxi_arena_reset();
}

TestSuite(print, .init = setup, .fini = teardown);
TestSuite(value, .init = setup, .fini = teardown);

/* ---- numbers ---- */

Test(print, integers)
{
    PRINTS(I(0), "0");
    PRINTS(I(8), "8");
    PRINTS(I(-10), "-10");
    PRINTS(I(192), "192");
    nxi_int max = (nxi_int)(((unsigned __int128)1 << 127) - 1);
    PRINTS(I(max), "170141183460469231731687303715884105727");
    PRINTS(I(-max - 1), "-170141183460469231731687303715884105728");
    PRINTS(I((nxi_int)1 << 64), "18446744073709551616");
}

Test(print, floats)
{
    PRINTS(F(1.0), "1.0");
    PRINTS(F(-2.0), "-2.0");
    PRINTS(F(10.0), "10.0");
    PRINTS(F(-10.0), "-10.0");
    PRINTS(F(448.0), "448.0");
    PRINTS(F(0.1), "0.1");
    PRINTS(F(0.001), "0.001");
    PRINTS(F(1.0e-5), "1.0e-5");
    PRINTS(F(1.0e16), "1.0e16");
    PRINTS(F(-0.0), "-0.0");
    PRINTS(F(0.0), "0.0");
    PRINTS(F(3.14), "3.14");
    PRINTS(F(123.456), "123.456");
    PRINTS(F(2.5e-7), "2.5e-7");
    PRINTS(F(1.0e100), "1.0e100");
    /* Inspect.Float writes integral values below 1.0e16 in full (the shortest form of
     * 1000.0 would be 1.0e3). */
    PRINTS(F(1000.0), "1000.0");
    PRINTS(F(-1.0e15), "-1000000000000000.0");
    PRINTS(F(9007199254740993.0), "9007199254740992.0");
    PRINTS(F(1.5e15), "1500000000000000.0");
    PRINTS(F(12345678900.0), "12345678900.0");
    /* Nx hands these back as atoms; a float holding one prints the same way. */
    PRINTS(F(NAN), ":nan");
    PRINTS(F(INFINITY), ":infinity");
    PRINTS(F(-INFINITY), ":neg_infinity");
}

Test(print, number_helpers)
{
    char buf[NXI_INT_TEXT_MAX];
    cr_expect_eq(nxi_int_text(buf, -42), 3);
    cr_expect_str_eq(buf, "-42");
    char fb[NXI_FLOAT_TEXT_MAX];
    cr_expect_eq(nxi_float_text(fb, 2.5), 3);
    cr_expect_str_eq(fb, "2.5");
}

Test(print, complex)
{
    PRINTS(nxv_complex(10.0, 0.0), "10.0+0.0i");
    PRINTS(nxv_complex(1.0, -2.0), "1.0-2.0i");
    PRINTS(nxv_complex(0.0, 1.0), "0.0+1.0i");
}

/* ---- atoms ---- */

Test(print, atoms)
{
    PRINTS(nxv_nil(), "nil");
    PRINTS(nxv_bool(1), "true");
    PRINTS(nxv_bool(0), "false");
    static const text_case atoms[] = {
        { "ok", ":ok" },
        { "infinity", ":infinity" },
        { "neg_infinity", ":neg_infinity" },
        { "f32", ":f32" },
        { "server_info", ":server_info" },
        { "valid?", ":valid?" },
        { "run!", ":run!" },
        { "_private", ":_private" },
        { "foo bar", ":\"foo bar\"" },
        { "", ":\"\"" },
        { "1st", ":\"1st\"" },
        { "a-b", ":\"a-b\"" },
        { "say \"hi\"", ":\"say \\\"hi\\\"\"" },
        { "Foo", ":Foo" },
        { "Foo.Bar", ":\"Foo.Bar\"" },
        { "foo@bar", ":foo@bar" },
        { "+", ":+" },
        { "==", ":==" },
        { "::", ":\"::\"" },
        { "..//", ":..//" },
        { "%{}", ":%{}" },
        { "olá", ":olá" },
    };
    CHECK_TEXTS(nxv_atom, atoms);
}

Test(print, module_aliases)
{
    static const text_case aliases[] = {
        { "Elixir.Nx", "Nx" },
        { "Elixir.Nx.LinAlg", "Nx.LinAlg" },
        { "Elixir.EXLA", "EXLA" },
        { "Elixir", "Elixir" },
        { "Elixir.Elixir.Foo", "Elixir.Elixir.Foo" },
        { "Elixir.foo", ":\"Elixir.foo\"" },
    };
    CHECK_TEXTS(nxv_atom, aliases);
}

/* ---- binaries ---- */

Test(print, strings)
{
    static const text_case strings[] = {
        { "", "\"\"" },
        { "s8", "\"s8\"" },
        { "f8_e4m3fn", "\"f8_e4m3fn\"" },
        { "8", "\"8\"" },
        { "~", "\"~\"" },
        { "\x7f", "\"\\d\"" },
        { "a\nb\tc\r", "\"a\\nb\\tc\\r\"" },
        { "\a\b\v\f\x1b", "\"\\a\\b\\v\\f\\e\"" },
        { "say \"hi\"", "\"say \\\"hi\\\"\"" },
        { "back\\slash", "\"back\\\\slash\"" },
        { "#{x} # {", "\"\\#{x} # {\"" },
        { "olá ∑ 😀", "\"olá ∑ 😀\"" },
        /* Nx.io_call/2#1 */
        { "#Nx.Tensor<\n  s32[3]\n  [1, 2, 3]\n>", "\"#Nx.Tensor<\\n  s32[3]\\n  [1, 2, 3]\\n>\"" },
    };
    CHECK_TEXTS(nxv_string, strings);
}

Test(print, long_strings_stop_at_the_printable_limit)
{
    char *s = malloc(5001);
    memset(s, 'a', 5000);
    s[5000] = '\0';
    char *want = malloc(4096 + 16);
    want[0] = '"';
    memset(want + 1, 'a', 4096);
    strcpy(want + 4097, "\" <> ...");
    PLAIN(S(s), want);
    free(s);
    free(want);
}

Test(print, binaries)
{
    PRINTS(bits("\xfe", 8), "<<254>>");
    PRINTS(bits("\x00", 8), "<<0>>");
    /* Nx.to_binary/2#3, #5 (the forms IEx prints) */
    PRINTS(bits("\x00\x00\x80\x3f\x00\x00\x00\x40", 64), "<<0, 0, 128, 63, 0, 0, 0, 64>>");
    PRINTS(bits("\x01\x00\x00\x00\x02\x00\x00\x00", 64), "<<1, 0, 0, 0, 2, 0, 0, 0>>");
    PRINTS(bits("\x01\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00\x04\x00\x00\x00", 128),
           "<<1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0>>");
    /* Invalid UTF-8 is not a string. */
    PRINTS(bits("a\xc3", 16), "<<97, 195>>");
    PRINTS(bits("\xed\xa0\x80", 24), "<<237, 160, 128>>");   /* a surrogate */
}

Test(print, bitstrings)
{
    PRINTS(bits("\x01\x20", 12), "<<1, 2::size(4)>>");
    PRINTS(bits("\xa0", 3), "<<5::size(3)>>");
    PRINTS(bits("\xff\xff\x80", 17), "<<255, 255, 1::size(1)>>");
}

Test(print, long_binaries_break_and_elide)
{
    char zeros[60] = { 0 };
    PLAIN(bits(zeros, 60 * 8),
          "<<0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
          "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...>>");
    /* Flex breaks fill each line up to column 80, continuation lines nested by 2. */
    PRETTY(bits(zeros, 60 * 8),
           "<<0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,\n"
           "  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...>>");
}

/* ---- lists ---- */

Test(print, lists)
{
    PRINTS(EMPTY_LIST, "[]");
    PRINTS(LIST(I(1)), "[1]");
    PRINTS(LIST(I(1), I(2)), "[1, 2]");
    PRINTS(LIST(I(0), I(1)), "[0, 1]");
    PRINTS(LIST(I(1), I(2), I(3), I(4)), "[1, 2, 3, 4]");
    PRINTS(LIST(I(0), I(1), I(2)), "[0, 1, 2]");
    PRINTS(LIST(F(1.0), F(2.0), F(3.0)), "[1.0, 2.0, 3.0]");
    PRINTS(LIST(A("batch"), A("data")), "[:batch, :data]");
    PRINTS(LIST(nxv_nil()), "[nil]");
    PRINTS(LIST(A("neg_infinity"), A("nan"), A("infinity")), "[:neg_infinity, :nan, :infinity]");
    PRINTS(LIST(LIST(I(0), I(1), I(2)), LIST(I(3), I(4), I(5))), "[[0, 1, 2], [3, 4, 5]]");
    PRINTS(LIST(S("a"), TUP(I(1), I(2)), EMPTY_LIST), "[\"a\", {1, 2}, []]");
}

Test(print, charlists)
{
    PRINTS(LIST(I('a'), I('b'), I('c')), "~c\"abc\"");
    PRINTS(LIST(I(7), I(8), I(9)), "~c\"\\a\\b\\t\"");
    PRINTS(LIST(I('\n')), "~c\"\\n\"");
    PRINTS(LIST(I(' ')), "~c\" \"");
    PRINTS(LIST(I('"'), I('#'), I('{')), "~c\"\\\"\\#{\"");
    PRINTS(LIST(I(100)), "~c\"d\"");
    /* Only ASCII makes a charlist. */
    PRINTS(LIST(I(233)), "[233]");
    PRINTS(LIST(I('a'), I(-1)), "[97, -1]");
    PRINTS(improper(LIST(I('a')), I('b')), "[97 | 98]");
}

Test(print, keyword_lists)
{
    PRINTS(LIST(KV("one", I(1)), KV("two", I(3))), "[one: 1, two: 3]");
    PRINTS(LIST(KV("two", I(2))), "[two: 2]");
    PRINTS(LIST(KV("compiler", A("Elixir.EXLA")), KV("client", A("cuda"))),
           "[compiler: EXLA, client: :cuda]");
    PRINTS(LIST(KV("x", I(3)), KV("y", I(1))), "[x: 3, y: 1]");
    PRINTS(LIST(KV("y", I(1)), KV("x", I(3))), "[y: 1, x: 3]");
    PRINTS(LIST(KV("a", I(6))), "[a: 6]");
    PRINTS(LIST(KV("axes", LIST(I(0))), KV("keep_axes", nxv_bool(1))), "[axes: [0], keep_axes: true]");
    PRINTS(LIST(KV("foo bar", I(1)), KV("nil", I(2)), KV("ok?", I(3))),
           "[\"foo bar\": 1, nil: 2, ok?: 3]");
    PRINTS(LIST(KV("Foo", I(1)), KV("+", I(2))), "[Foo: 1, +: 2]");
    /* Alias keys do not make a keyword list. */
    PRINTS(LIST(KV("Elixir.Foo", I(1))), "[{Foo, 1}]");
    PRINTS(LIST(TUP(S("a"), I(1))), "[{\"a\", 1}]");
}

Test(print, improper_lists)
{
    PRINTS(improper(LIST(I(1)), I(2)), "[1 | 2]");
    PRINTS(improper(LIST(I(1), I(2)), I(3)), "[1, 2 | 3]");
    PRINTS(improper(LIST(A("a")), A("b")), "[:a | :b]");
}

Test(print, list_limit)
{
    nxv *l = int_list(1, 60);
    PLAIN(l, "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, "
             "24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, "
             "45, 46, 47, 48, 49, 50, ...]");
    /* Flex breaks: as many items per line as fit in 80 columns, then nest 1. */
    PRETTY(l, "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,\n"
              " 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42,\n"
              " 43, 44, 45, 46, 47, 48, 49, 50, ...]");
    /* Exactly 50 items: no ellipsis. */
    PLAIN(int_list(1, 50), nxi_inspect_with(int_list(1, 50), (nxi_inspect_opts){
                                                .width = NXI_WIDTH_INFINITY,
                                                .limit = NXI_LIMIT_INFINITY }));
    /* The limit left is handed down: the 50th item gets none. */
    nxv **items = nxv_items(50);
    for (int i = 0; i < 49; i++)
        items[i] = I(0);
    items[49] = LIST(I(1), I(2));
    char *text = nxi_inspect_plain(nxv_list(50, items));
    cr_expect_str_eq(text + strlen(text) - 9, "0, [...]]", "%s", text);
    /* A smaller limit. */
    cr_expect_str_eq(nxi_inspect_with(int_list(1, 5), (nxi_inspect_opts){ .limit = 3 }),
                     "[1, 2, 3, ...]");
    cr_expect_str_eq(nxi_inspect_with(LIST(int_list(1, 5)), (nxi_inspect_opts){ .limit = 3 }),
                     "[[1, 2, ...]]");
}

Test(print, lists_that_do_not_fit)
{
    /* Items that are not plain text: one per line, nested by 2. */
    nxv **items = nxv_items(8);
    for (int i = 0; i < 8; i++)
        items[i] = TUP(S("element"), I(i * 1000));
    PRETTY(nxv_list(8, items),
           "[\n  {\"element\", 0},\n  {\"element\", 1000},\n  {\"element\", 2000},\n"
           "  {\"element\", 3000},\n  {\"element\", 4000},\n  {\"element\", 5000},\n"
           "  {\"element\", 6000},\n  {\"element\", 7000}\n]");
    /* A list of 2-tuples with atom keys is a keyword list. */
    PRINTS(LIST(TUP(A("element"), I(0))), "[element: 0]");
    /* Keyword lists always use that layout. */
    nxv **kw = nxv_items(6);
    for (int i = 0; i < 6; i++)
        kw[i] = KV("option", S("a fairly long value"));
    PRETTY(nxv_list(6, kw),
           "[\n  option: \"a fairly long value\",\n  option: \"a fairly long value\",\n"
           "  option: \"a fairly long value\",\n  option: \"a fairly long value\",\n"
           "  option: \"a fairly long value\",\n  option: \"a fairly long value\"\n]");
}

/* ---- tuples and maps ---- */

Test(print, tuples)
{
    PRINTS(nxv_tuple(0, nxv_items(0)), "{}");
    PRINTS(TUP(I(2), I(2)), "{2, 2}");
    PRINTS(TUP(I(2), I(3)), "{2, 3}");
    PRINTS(TUP(I(1), I(2), I(3)), "{1, 2, 3}");
    PRINTS(TUP(I(1), I(3), I(3)), "{1, 3, 3}");
    PRINTS(TUP(A("s"), I(32)), "{:s, 32}");
    PRINTS(TUP(A("f"), I(32)), "{:f, 32}");
    PRINTS(TUP(A("bf"), I(16)), "{:bf, 16}");
    PRINTS(TUP(A("c"), I(128)), "{:c, 128}");
    PRINTS(TUP(A("u"), I(8)), "{:u, 8}");
    PRINTS(TUP(nxv_bool(1), nxv_bool(1)), "{true, true}");
    PRINTS(TUP(A("ok"), TUP(I(1), LIST(I(2)))), "{:ok, {1, [2]}}");
}

Test(print, long_tuples_fill_lines)
{
    nxv **items = nxv_items(30);
    for (int i = 0; i < 30; i++)
        items[i] = A("abcd");
    PRETTY(nxv_tuple(30, items),
           "{:abcd, :abcd, :abcd, :abcd, :abcd, :abcd, :abcd, :abcd, :abcd, :abcd, :abcd,\n"
           " :abcd, :abcd, :abcd, :abcd, :abcd, :abcd, :abcd, :abcd, :abcd, :abcd, :abcd,\n"
           " :abcd, :abcd, :abcd, :abcd, :abcd, :abcd, :abcd, :abcd}");
}

Test(print, maps)
{
    PRINTS(nxv_map(0, nxv_items(0), nxv_items(0)), "%{}");
    PRINTS(MAP(A("a"), I(1), A("b"), I(2)), "%{a: 1, b: 2}");
    /* Keys print in term order. */
    PRINTS(MAP(A("b"), I(2), A("a"), I(1)), "%{a: 1, b: 2}");
    PRINTS(MAP(S("k"), I(1), I(1), I(2)), "%{1 => 2, \"k\" => 1}");
    PRINTS(MAP(A("a"), I(1), S("b"), I(2)), "%{:a => 1, \"b\" => 2}");
    PRINTS(MAP(A("foo bar"), nxv_nil()), "%{\"foo bar\": nil}");
    PRINTS(MAP(A("Elixir.Nx"), I(1)), "%{Nx => 1}");
    PRINTS(MAP(TUP(I(1), I(2)), LIST(I(3))), "%{{1, 2} => [3]}");
}

static nxv *int_map(int64_t n, int reverse)
{
    nxv **keys = nxv_items(n), **vals = nxv_items(n);
    for (int64_t i = 0; i < n; i++) {
        int64_t k = reverse ? n - i : i + 1;
        keys[i] = I(k);
        vals[i] = I(k * 10);
    }
    return nxv_map(n, keys, vals);
}

Test(print, map_order_and_limit)
{
    PRINTS(MAP(F(1.0), A("f"), I(1), A("i"), I(0), A("z")), "%{0 => :z, 1 => :i, 1.0 => :f}");
    char *text = nxi_inspect_plain(int_map(60, 1));
    cr_expect(strncmp(text, "%{1 => 10, 2 => 20, 3 => 30, ", 29) == 0, "%s", text);
    cr_expect_str_eq(text + strlen(text) - 26, "49 => 490, 50 => 500, ...}", "%s", text);
    int64_t *ix = nxv_map_order(int_map(5, 1));
    for (int i = 0; i < 5; i++)
        cr_expect_eq(ix[i], 4 - i);
}

Test(print, maps_that_do_not_fit)
{
    PRETTY(MAP(A("alpha"), S("the first value in this map"), A("beta"),
               S("the second value in this map"), A("gamma"), I(3)),
           "%{\n  alpha: \"the first value in this map\",\n  beta: \"the second value in this map\",\n"
           "  gamma: 3\n}");
}

/* ---- ranges, functions ---- */

Test(print, ranges)
{
    PRINTS(nxv_range(1, 3, 1), "1..3");
    PRINTS(nxv_range(0, 0, 1), "0..0");
    PRINTS(nxv_range(-3, -1, 1), "-3..-1");
    PRINTS(nxv_range(3, 1, -1), "3..1//-1");
    PRINTS(nxv_range(1, 0, 1), "1..0//1");
    PRINTS(nxv_range(1, 10, 2), "1..10//2");
    PRINTS(LIST(nxv_range(1, 2, 1), nxv_range(5, 1, -2)), "[1..2, 5..1//-2]");
}

Test(print, functions)
{
    PRINTS(builtin("Nx", "sum", 2), "&Nx.sum/2");
    PRINTS(builtin("Nx.LinAlg", "qr", 2), "&Nx.LinAlg.qr/2");
    PRINTS(builtin("Elixir.Enum", "map", 2), "&Enum.map/2");
    PRINTS(builtin("math", "sqrt", 1), "&:math.sqrt/1");
    PRINTS(builtin(":math", "pi", 0), "&:math.pi/0");
    nxv *fn = builtin(NULL, NULL, 1);
    fn->fun.builtin = NULL;
    char *text = nxi_inspect(fn);
    cr_expect(strncmp(text, "#Function<", 10) == 0, "%s", text);
    cr_expect(strstr(text, "/1 in :erl_eval.expr/6>") != NULL, "%s", text);
}

/* ---- tensors inside other values (spec §5.10) ---- */

Test(print, tensor_alone)
{
    PRINTS(scalar(NX_INT(42), NX_S32), "#Nx.Tensor<\n  s32\n  42\n>");
}

Test(print, tensors_in_a_tuple)
{
    nxv *t1 = scalar(NX_INT(1), NX_S32);
    float data[2] = { 1.0f, 2.0f };
    nx_tensor *x = nx_from_data(data, NX_F32, NX_SHAPE(2), .names = NX_NAMES("x"));
    cr_assert_not_null(x);
    nxv *pair = TUP(t1, nxv_tensor(x));
    PLAIN(pair, "{#Nx.Tensor<\n   s32\n   1\n >, #Nx.Tensor<\n   f32[x: 2]\n   [1.0, 2.0]\n >}");
    PRETTY(pair, "{#Nx.Tensor<\n   s32\n   1\n >,\n #Nx.Tensor<\n   f32[x: 2]\n   [1.0, 2.0]\n >}");
}

Test(print, tensor_in_a_list)
{
    /* Nx.Defn.Composite.flatten_list/2#2: the forms IEx prints. */
    nxv *l = LIST(I(1), I(2), I(3), scalar(NX_INT(4), NX_S32));
    PRETTY(l, "[\n  1,\n  2,\n  3,\n  #Nx.Tensor<\n    s32\n    4\n  >\n]");
    PLAIN(l, "[1, 2, 3, #Nx.Tensor<\n    s32\n    4\n  >]");
}

Test(print, tensors_nested)
{
    nxv *t = scalar(NX_INT(2), NX_S64);
    nxv *v = TUP(TUP(t, A("server_info")), A("client_info"));
    PLAIN(v, "{{#Nx.Tensor<\n    s64\n    2\n  >, :server_info}, :client_info}");
    /* A flex break before a tensor breaks; after it, text that fits stays on the line. */
    PRETTY(v, "{{#Nx.Tensor<\n    s64\n    2\n  >, :server_info}, :client_info}");
    PRETTY(TUP(A("debug"), t), "{:debug,\n #Nx.Tensor<\n   s64\n   2\n >}");
    PRETTY(MAP(A("a"), t), "%{\n  a: #Nx.Tensor<\n    s64\n    2\n  >\n}");
    PRETTY(LIST(KV("t", t)), "[\n  t: #Nx.Tensor<\n    s64\n    2\n  >\n]");
}

Test(print, tensor_gets_the_limit_left)
{
    /* The first item of a container is inspected with limit 49, the second with 48. */
    nx_tensor *t = nx_iota(NX_SHAPE(60));
    cr_assert_not_null(t);
    char *want49 = nx_inspect(t, .limit = 49), *want48 = nx_inspect(t, .limit = 48);
    char *text = nxi_inspect_plain(TUP(nxv_tensor(t), nxv_tensor(t)));
    cr_expect(strstr(text, "46, 47, 48, ...]") != NULL, "%s", text);
    cr_expect(strstr(text, "45, 46, 47, ...]") != NULL, "%s", text);
    cr_expect(strstr(want49, "47, 48, ...]") != NULL, "%s", want49);
    nx_free(want49);
    nx_free(want48);
}

/* ---- values: arena ---- */

Test(value, arena_alignment_and_reset)
{
    for (int i = 1; i < 200; i++) {
        unsigned char *p = nxi_alloc((size_t)i * 7);
        cr_expect_eq((uintptr_t)p % 16, 0);
        for (int j = 0; j < i * 7; j++)
            cr_expect_eq(p[j], 0);
        memset(p, 0xAB, (size_t)i * 7);
    }
    char *big = nxi_alloc(1 << 20);
    cr_expect_eq((uintptr_t)big % 16, 0);
    memset(big, 1, 1 << 20);
    cr_expect_str_eq(nxi_strndup("hello", 3), "hel");
    cr_expect_str_eq(nxi_strdup("nxc"), "nxc");
    nxi_arena_reset();
    cr_expect_str_eq(nxi_strdup("again"), "again");
}

/* ---- values: predicates ---- */

Test(value, predicates)
{
    cr_expect(nxv_is_nil(nxv_nil()));
    cr_expect(!nxv_is_nil(nxv_bool(0)));
    cr_expect(!nxv_truthy(nxv_nil()));
    cr_expect(!nxv_truthy(nxv_bool(0)));
    cr_expect(nxv_truthy(I(0)));
    cr_expect(nxv_truthy(EMPTY_LIST));
    cr_expect(nxv_is_atom(A("ok"), "ok"));
    cr_expect_eq(A("ok")->atom, A("ok")->atom);
    nxv *kw = LIST(KV("axes", LIST(I(0))), KV("type", A("f32")), KV("axes", I(9)));
    cr_expect(nxv_is_keyword(kw));
    cr_expect(nxv_is_keyword(EMPTY_LIST));
    cr_expect(!nxv_is_keyword(LIST(I(1))));
    cr_expect(!nxv_is_keyword(improper(LIST(KV("a", I(1))), I(2))));
    cr_expect(nxv_equal(nxv_keyword_get(kw, "axes"), LIST(I(0)), 1));
    cr_expect(nxv_is_atom(nxv_keyword_get(kw, "type"), "f32"));
    cr_expect_null(nxv_keyword_get(kw, "names"));
    cr_expect_null(nxv_keyword_get(I(1), "names"));
}

/* ---- values: equality ---- */

Test(value, equality)
{
    cr_expect(nxv_equal(I(1), F(1.0), 0));
    cr_expect(!nxv_equal(I(1), F(1.0), 1));
    cr_expect(!nxv_equal(I(1), F(1.5), 0));
    cr_expect(nxv_equal(F(0.0), F(-0.0), 0));
    cr_expect(!nxv_equal(F(0.0), F(-0.0), 1));
    cr_expect(nxv_equal(I((nxi_int)1 << 100), F(0x1p100), 0));
    cr_expect(!nxv_equal(I(((nxi_int)1 << 100) + 1), F(0x1p100), 0));
    cr_expect(nxv_equal(LIST(I(1), F(2.0)), LIST(F(1.0), I(2)), 0));
    cr_expect(!nxv_equal(LIST(I(1), F(2.0)), LIST(F(1.0), I(2)), 1));
    cr_expect(!nxv_equal(LIST(I(1)), LIST(I(1), I(2)), 0));
    cr_expect(!nxv_equal(LIST(I(1)), improper(LIST(I(1)), I(2)), 0));
    cr_expect(nxv_equal(improper(LIST(I(1)), I(2)), improper(LIST(I(1)), I(2)), 1));
    cr_expect(nxv_equal(TUP(A("s"), I(32)), TUP(A("s"), I(32)), 1));
    cr_expect(!nxv_equal(TUP(A("s"), I(32)), TUP(A("s"), I(16)), 1));
    cr_expect(!nxv_equal(TUP(I(1)), LIST(I(1)), 0));
    cr_expect(nxv_equal(S("abc"), S("abc"), 1));
    cr_expect(!nxv_equal(S("abc"), S("abd"), 1));
    cr_expect(nxv_equal(bits("\xa7", 3), bits("\xa0", 3), 1));   /* unused low bits */
    cr_expect(!nxv_equal(bits("\xa0", 3), bits("\xa0", 4), 1));
    /* Maps: any order; keys exactly, values by the operator. */
    cr_expect(nxv_equal(MAP(A("a"), I(1), A("b"), I(2)), MAP(A("b"), I(2), A("a"), I(1)), 1));
    cr_expect(nxv_equal(MAP(A("a"), I(1)), MAP(A("a"), F(1.0)), 0));
    cr_expect(!nxv_equal(MAP(I(1), A("a")), MAP(F(1.0), A("a")), 0));
    cr_expect(!nxv_equal(MAP(A("a"), I(1)), MAP(A("a"), I(1), A("b"), I(2)), 0));
    nxv *big = int_map(100, 0), *big2 = int_map(100, 1), *big3 = int_map(100, 1);
    big3->map.vals[0] = I(-1);
    cr_expect(nxv_equal(big, big2, 1));
    cr_expect(!nxv_equal(big, big3, 1));
    cr_expect_eq(nxv_compare(big, big2), 0);
    nxv *big4 = int_map(100, 0);
    big4->map.keys[50] = I(1000);
    cr_expect(!nxv_equal(big, big4, 0));
    cr_expect_eq(nxv_compare(big, big4), -1);
    cr_expect(nxv_equal(nxv_range(1, 3, 1), nxv_range(1, 3, 1), 1));
    cr_expect(!nxv_equal(nxv_range(1, 3, 1), nxv_range(1, 3, 2), 1));
    cr_expect(nxv_equal(nxv_complex(1, 2), nxv_complex(1, 2), 1));
    cr_expect(nxv_equal(builtin("Nx", "sum", 2), builtin("Nx", "sum", 2), 1));
    cr_expect(!nxv_equal(builtin("Nx", "sum", 2), builtin("Nx", "sum", 1), 1));
}

Test(value, tensor_equality)
{
    int32_t a[3] = { 1, 2, 3 }, b[3] = { 1, 2, 4 };
    nx_tensor *x = nx_from_data(a, NX_S32, NX_SHAPE(3));
    nx_tensor *y = nx_from_data(a, NX_S32, NX_SHAPE(3));
    nx_tensor *z = nx_from_data(b, NX_S32, NX_SHAPE(3));
    nx_tensor *n = nx_from_data(a, NX_S32, NX_SHAPE(3), .names = NX_NAMES("x"));
    nx_tensor *r = nx_from_data(a, NX_S32, NX_SHAPE(1, 3));
    nx_tensor *f = nx_from_data(a, NX_F32, NX_SHAPE(3));
    cr_assert(x && y && z && n && r && f);
    cr_expect(nxv_equal(nxv_tensor(x), nxv_tensor(x), 1));
    cr_expect(nxv_equal(nxv_tensor(x), nxv_tensor(y), 1));
    cr_expect_eq(nxv_compare(nxv_tensor(x), nxv_tensor(y)), 0);
    cr_expect(!nxv_equal(nxv_tensor(x), nxv_tensor(z), 0));
    cr_expect(!nxv_equal(nxv_tensor(x), nxv_tensor(n), 0));
    cr_expect(!nxv_equal(nxv_tensor(x), nxv_tensor(r), 0));
    cr_expect(!nxv_equal(nxv_tensor(x), nxv_tensor(f), 0));
    cr_expect(nxv_compare(nxv_tensor(x), nxv_tensor(z)) != 0);
}

/* ---- values: term order ---- */

Test(value, term_order_between_types)
{
    /* number < atom < fun < tuple < map < list < bitstring */
    nxv *order[] = { I(5), A("a"), builtin("Nx", "sum", 1), TUP(I(1)), MAP(A("a"), I(1)),
                     EMPTY_LIST, S("") };
    size_t n = sizeof order / sizeof order[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            cr_expect_eq(nxv_compare(order[i], order[j]), i < j ? -1 : i > j ? 1 : 0,
                         "items %zu and %zu", i, j);
    /* Structs are maps. */
    cr_expect_eq(nxv_compare(nxv_range(1, 2, 1), LIST(I(1))), -1);
    cr_expect_eq(nxv_compare(nxv_complex(1, 2), TUP(I(1))), 1);
    cr_expect_eq(nxv_compare(nxv_tensor(nx_iota(NX_SHAPE(2))), S("x")), -1);
}

Test(value, term_order_within_types)
{
    cr_expect_eq(nxv_compare(I(1), I(2)), -1);
    cr_expect_eq(nxv_compare(I(2), F(1.5)), 1);
    cr_expect_eq(nxv_compare(F(1.5), I(2)), -1);
    cr_expect_eq(nxv_compare(I(1), F(1.0)), 0);
    cr_expect_eq(nxv_compare(I(((nxi_int)1 << 100) + 1), F(0x1p100)), 1);
    cr_expect_eq(nxv_compare(I(-((nxi_int)1 << 100)), F(-0x1p101)), 1);
    cr_expect_eq(nxv_compare(A("abc"), A("abd")), -1);
    cr_expect_eq(nxv_compare(A("b"), A("abc")), 1);
    cr_expect_eq(nxv_compare(TUP(I(9)), TUP(I(1), I(1))), -1);   /* size first */
    cr_expect_eq(nxv_compare(TUP(I(1), I(2)), TUP(I(1), I(3))), -1);
    cr_expect_eq(nxv_compare(EMPTY_LIST, LIST(I(0))), -1);
    cr_expect_eq(nxv_compare(LIST(I(1), I(2)), LIST(I(1))), 1);
    cr_expect_eq(nxv_compare(LIST(I(1), I(2)), LIST(I(2))), -1);
    cr_expect_eq(nxv_compare(improper(LIST(I(1)), I(2)), LIST(I(1), I(2))), -1);  /* 2 < [2] */
    cr_expect_eq(nxv_compare(S("a"), S("b")), -1);
    cr_expect_eq(nxv_compare(S("ab"), S("a")), 1);
    cr_expect_eq(nxv_compare(S("a"), bits("a\x80", 9)), -1);
    cr_expect_eq(nxv_compare(MAP(A("a"), I(1)), MAP(A("a"), I(1), A("b"), I(0))), -1);
    cr_expect_eq(nxv_compare(MAP(A("a"), I(2)), MAP(A("b"), I(1))), -1);   /* keys first */
    cr_expect_eq(nxv_compare(MAP(A("a"), I(2)), MAP(A("a"), I(1))), 1);
    cr_expect_eq(nxv_compare(MAP(A("b"), I(1), A("a"), I(1)), MAP(A("a"), I(1), A("b"), I(1))), 0);
    cr_expect_eq(nxv_compare(nxv_range(1, 5, 1), nxv_range(2, 3, 1)), -1);
}

/* ---- values: exceptions ---- */

Test(value, raise_keeps_the_first)
{
    cr_expect(!nxi_raised());
    cr_expect_str_eq(nxi_raised_kind(), "");
    cr_expect_null(nxi_raise("ArgumentError", "expected %d, got: %s", 2, "nil"));
    cr_expect_null(nxi_raise("RuntimeError", "second"));
    cr_expect(nxi_raised());
    cr_expect_str_eq(nxi_raised_kind(), "ArgumentError");
    cr_expect_str_eq(nxi_raised_message(), "expected 2, got: nil");
    nxi_clear_raised();
    cr_expect(!nxi_raised());
    cr_expect_str_eq(nxi_raised_message(), "");
}

Test(value, raise_from_nx)
{
    cr_expect_eq(nx_type_parse("f33"), NX_TYPE_NONE);
    cr_expect_neq(nx_error(), NX_OK);
    char *msg = strdup(nx_error_message());
    cr_expect_null(nxi_raise_from_nx());
    cr_expect_eq(nx_error(), NX_OK);
    cr_expect_str_eq(nxi_raised_kind(), "ArgumentError");
    cr_expect_str_eq(nxi_raised_message(), msg);
    free(msg);
    nxi_clear_raised();
    /* Without a library error it still raises something. */
    cr_expect_null(nxi_raise_from_nx());
    cr_expect(nxi_raised());
}

Test(value, raise_long_message)
{
    char *big = malloc(10001);
    memset(big, 'x', 10000);
    big[10000] = '\0';
    nxi_raise("RuntimeError", "%s", big);
    cr_expect_eq(strlen(nxi_raised_message()), 10000);
    free(big);
}
