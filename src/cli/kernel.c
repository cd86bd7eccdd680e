/* src/cli/kernel.c: the plain-Elixir builtins Nx code leans on (Kernel, Enum, IO, Map,
 * Keyword, List, Tuple, Complex, Function, System, :math), as entries of the one
 * function table (nxlib.c looks them up with the Nx bindings). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli/eval.h"
#include "cli/nxlib.h"
#include "cli/reclaim.h"

static nxv *arg_error(const char *fn, nxv *v)
{
    char *s = nxi_inspect_plain(v);
    (void)fn;
    return nxi_raise("ArgumentError", "errors were found at the given arguments:\n\n  * 1st argument: not a valid argument\n\n%s", s);
}

static nxv *not_list(nxv *v)
{
    char *s = nxi_inspect_plain(v);
    return nxi_raise("ArgumentError", "errors were found at the given arguments:\n\n  * 1st argument: not a list\n\nGot: %s", s);
}

/* ---------------------------------------------------------------- Kernel */

static nxv *k_elem(int argc, nxv **argv)
{
    (void)argc;
    nxv *t = argv[0], *i = argv[1];
    if (t->kind != NXV_TUPLE || i->kind != NXV_INT || i->i < 0 || i->i >= t->tuple.n)
        return arg_error("elem", t);
    return t->tuple.items[i->i];
}

static nxv *k_hd(int argc, nxv **argv)
{
    (void)argc;
    if (argv[0]->kind != NXV_LIST || argv[0]->list.n == 0)
        return arg_error("hd", argv[0]);
    return argv[0]->list.items[0];
}

static nxv *k_tl(int argc, nxv **argv)
{
    (void)argc;
    nxv *l = argv[0];
    if (l->kind != NXV_LIST || l->list.n == 0)
        return arg_error("tl", l);
    if (l->list.n == 1 && l->list.tail)
        return l->list.tail;
    nxv *r = nxv_list(l->list.n - 1, l->list.items + 1);
    r->list.tail = l->list.tail;
    return r;
}

static nxv *k_length(int argc, nxv **argv)
{
    (void)argc;
    if (argv[0]->kind != NXV_LIST || argv[0]->list.tail)
        return not_list(argv[0]);
    return nxv_int(argv[0]->list.n);
}

static nxv *k_tuple_size(int argc, nxv **argv)
{
    (void)argc;
    return argv[0]->kind == NXV_TUPLE ? nxv_int(argv[0]->tuple.n) : arg_error("tuple_size", argv[0]);
}

static nxv *k_map_size(int argc, nxv **argv)
{
    (void)argc;
    return argv[0]->kind == NXV_MAP ? nxv_int(argv[0]->map.n) : arg_error("map_size", argv[0]);
}

#define KIND_TEST(name, cond) \
    static nxv *k_##name(int argc, nxv **argv) \
    { \
        (void)argc; \
        nxv *v = argv[0]; \
        return nxv_bool(cond); \
    }
KIND_TEST(is_integer, v->kind == NXV_INT)
KIND_TEST(is_float, v->kind == NXV_FLOAT)
KIND_TEST(is_number, v->kind == NXV_INT || v->kind == NXV_FLOAT)
KIND_TEST(is_atom, v->kind == NXV_ATOM)
KIND_TEST(is_boolean, nxv_is_atom(v, "true") || nxv_is_atom(v, "false"))
KIND_TEST(is_nil, nxv_is_nil(v))
KIND_TEST(is_list, v->kind == NXV_LIST)
KIND_TEST(is_tuple, v->kind == NXV_TUPLE)
KIND_TEST(is_map, v->kind == NXV_MAP || v->kind == NXV_TENSOR)
KIND_TEST(is_binary, v->kind == NXV_BINARY && v->bin.bits % 8 == 0)
KIND_TEST(is_bitstring, v->kind == NXV_BINARY)
KIND_TEST(is_function, v->kind == NXV_FUN)
#undef KIND_TEST

static nxv *k_div_rem(nxv **argv, int want_rem)
{
    nxv *a = argv[0], *b = argv[1];
    if (a->kind != NXV_INT || b->kind != NXV_INT || b->i == 0) {
        char *x = nxi_inspect_plain(a), *y = nxi_inspect_plain(b);
        return nxi_raise("ArithmeticError", "bad argument in arithmetic expression: %s(%s, %s)",
                         want_rem ? "rem" : "div", x, y);
    }
    return nxv_int(want_rem ? a->i % b->i : a->i / b->i);
}

static nxv *k_div(int argc, nxv **argv)
{
    (void)argc;
    return k_div_rem(argv, 0);
}

static nxv *k_rem(int argc, nxv **argv)
{
    (void)argc;
    return k_div_rem(argv, 1);
}

static nxv *k_abs(int argc, nxv **argv)
{
    (void)argc;
    nxv *v = argv[0];
    if (v->kind == NXV_INT)
        return nxv_int(v->i < 0 ? -v->i : v->i);
    if (v->kind == NXV_FLOAT)
        return nxv_float(fabs(v->f));
    return arg_error("abs", v);
}

static nxv *k_max(int argc, nxv **argv)
{
    (void)argc;
    return nxv_compare(argv[0], argv[1]) >= 0 ? argv[0] : argv[1];
}

static nxv *k_min(int argc, nxv **argv)
{
    (void)argc;
    return nxv_compare(argv[0], argv[1]) <= 0 ? argv[0] : argv[1];
}

static nxv *k_round_trunc(nxv *v, int round_it)
{
    if (v->kind == NXV_INT)
        return v;
    if (v->kind != NXV_FLOAT || !isfinite(v->f) || fabs(v->f) > 1e37)
        return arg_error("round", v);
    return nxv_int((nxi_int)(round_it ? round(v->f) : trunc(v->f)));
}

static nxv *k_round(int argc, nxv **argv)
{
    (void)argc;
    return k_round_trunc(argv[0], 1);
}

static nxv *k_trunc(int argc, nxv **argv)
{
    (void)argc;
    return k_round_trunc(argv[0], 0);
}

static nxv *k_inspect(int argc, nxv **argv)
{
    (void)argc;
    return nxv_string(nxi_inspect_plain(argv[0]));
}

static nxv *k_to_string(int argc, nxv **argv)
{
    (void)argc;
    nxv *v = argv[0];
    if (v->kind == NXV_BINARY)
        return v;
    if (v->kind == NXV_ATOM)
        return nxv_string(nxv_is_nil(v) ? "" : strncmp(v->atom, "Elixir.", 7) ? v->atom : v->atom + 7);
    if (v->kind == NXV_INT || v->kind == NXV_FLOAT)
        return nxv_string(nxi_inspect_plain(v));
    if (v->kind == NXV_LIST) {   /* a charlist */
        char *s = nxi_alloc((size_t)v->list.n + 1);
        for (int64_t i = 0; i < v->list.n; i++) {
            nxv *c = v->list.items[i];
            if (c->kind != NXV_INT || c->i < 0 || c->i > 255)
                return arg_error("to_string", v);
            s[i] = (char)c->i;
        }
        return nxv_binary(s, v->list.n * 8);
    }
    return nxi_raise("Protocol.UndefinedError", "protocol String.Chars not implemented for %s", nxi_inspect_plain(v));
}

static nxv *k_raise(int argc, nxv **argv)
{
    nxv *what = argv[0];
    if (what->kind == NXV_BINARY && argc == 1)
        return nxi_raise("RuntimeError", "%.*s", (int)(what->bin.bits / 8), (const char *)what->bin.bytes);
    if (what->kind == NXV_ATOM && !strncmp(what->atom, "Elixir.", 7)) {
        nxv *msg = argc > 1 ? (argv[1]->kind == NXV_LIST ? nxv_keyword_get(argv[1], "message") : argv[1]) : NULL;
        if (msg && msg->kind == NXV_BINARY)
            return nxi_raise(what->atom + 7, "%.*s", (int)(msg->bin.bits / 8), (const char *)msg->bin.bytes);
        return nxi_raise(what->atom + 7, "%s", what->atom + 7);
    }
    return nxi_raise("ArgumentError", "raise/1 and raise/2 expect a module name, string or exception");
}

static nxv *k_self(int argc, nxv **argv)
{
    (void)argc;
    (void)argv;
    return nxv_atom("#PID<0.100.0>");
}

static nxv *k_then(int argc, nxv **argv)
{
    (void)argc;
    return nxi_call_fun(argv[1], 1, argv);
}

/* ---------------------------------------------------------------- Enum */

/* The elements of an enumerable as an array (lists, ranges, maps as pairs). */
/* The number of elements of a range; -1 after raising. */
static int64_t range_count(const nxv *v)
{
    nxi_int f = v->range.first, l = v->range.last, s = v->range.step;
    nxi_int count = (s > 0 ? (l >= f ? (l - f) / s + 1 : 0) : (f >= l ? (f - l) / -s + 1 : 0));
    if (count > 10000000) {
        nxi_raise("SystemLimitError", "range too large to enumerate in nxc");
        return -1;
    }
    return (int64_t)count;
}

static nxv **enum_items(nxv *v, int64_t *n)
{
    if (v->kind == NXV_LIST && !v->list.tail) {
        *n = v->list.n;
        return v->list.items;
    }
    if (v->kind == NXV_RANGE) {
        nxi_int f = v->range.first, s = v->range.step;
        int64_t count = range_count(v);
        if (count < 0)
            return NULL;
        nxv **items = nxv_items((int64_t)count);
        for (int64_t i = 0; i < (int64_t)count; i++)
            items[i] = nxv_int(f + s * i);
        *n = (int64_t)count;
        return items;
    }
    if (v->kind == NXV_MAP) {
        nxv **items = nxv_items(v->map.n);
        for (int64_t i = 0; i < v->map.n; i++) {
            nxv **kv = nxv_items(2);
            kv[0] = v->map.keys[i];
            kv[1] = v->map.vals[i];
            items[i] = nxv_tuple(2, kv);
        }
        *n = v->map.n;
        return items;
    }
    char *s = nxi_inspect_plain(v);
    nxi_raise("Protocol.UndefinedError", "protocol Enumerable not implemented for type %s", s);
    return NULL;
}

static nxv *e_to_list(int argc, nxv **argv)
{
    (void)argc;
    int64_t n;
    nxv **items = enum_items(argv[0], &n);
    return items ? nxv_list(n, items) : NULL;
}

/* The elements a loop of Enum walks: a range is walked without building its list (each
 * element is made in the loop's region and dropped with it). */
typedef struct {
    nxv **items;       /* NULL for a range */
    nxi_int first, step;
    int64_t n;
} walk;

static int walk_of(nxv *v, walk *w)
{
    *w = (walk){ 0 };
    if (v->kind == NXV_RANGE) {
        w->first = v->range.first;
        w->step = v->range.step;
        w->n = range_count(v);
        return w->n < 0 ? -1 : 0;
    }
    w->items = enum_items(v, &w->n);
    return w->items ? 0 : -1;
}

static nxv *walk_at(const walk *w, int64_t i)
{
    return w->items ? w->items[i] : nxv_int(w->first + w->step * i);
}

static nxv *e_map(int argc, nxv **argv)
{
    (void)argc;
    walk w;
    if (walk_of(argv[0], &w) < 0)
        return NULL;
    nxv **out = nxv_items(w.n);
    int64_t kept = 0;   /* out[0..kept) are final: moved out of the loop's memory */
    nxi_loop_begin();
    for (int64_t i = 0; i < w.n; i++) {
        nxv *item = walk_at(&w, i);
        if (!(out[i] = nxi_call_fun(argv[1], 1, &item))) {
            nxi_loop_end(NULL, 0);
            return NULL;
        }
        if (nxi_loop_step(out + kept, i + 1 - kept, 1))
            kept = i + 1;
    }
    nxi_loop_end(out + kept, w.n - kept);
    return nxv_list(w.n, out);
}

static nxv *e_reduce(int argc, nxv **argv)
{
    walk w;
    if (walk_of(argv[0], &w) < 0)
        return NULL;
    int64_t start = 0;
    nxv *acc;
    nxv *fun = argv[argc - 1];
    if (argc == 3) {
        acc = argv[1];
    } else {
        if (w.n == 0)
            return nxi_raise("Enum.EmptyError", "empty error");
        acc = walk_at(&w, 0);
        start = 1;
    }
    nxi_loop_begin();
    for (int64_t i = start; i < w.n; i++) {
        nxv *args[2] = { walk_at(&w, i), acc };
        if (!(acc = nxi_call_fun(fun, 2, args))) {
            nxi_loop_end(NULL, 0);
            return NULL;
        }
        nxi_loop_step(&acc, 1, 0);
    }
    nxi_loop_end(&acc, 1);
    return acc;
}

static nxv *e_sum(int argc, nxv **argv)
{
    (void)argc;
    int64_t n;
    nxv **items = enum_items(argv[0], &n);
    if (!items)
        return NULL;
    nxi_int si = 0;
    double sf = 0;
    int is_float = 0;
    for (int64_t i = 0; i < n; i++) {
        nxv *v = items[i];
        if (v->kind == NXV_INT && !is_float)
            si += v->i;
        else if (v->kind == NXV_INT || v->kind == NXV_FLOAT) {
            if (!is_float) {
                sf = (double)si;
                is_float = 1;
            }
            sf += v->kind == NXV_INT ? (double)v->i : v->f;
        } else {
            char *s = nxi_inspect_plain(v);
            return nxi_raise("ArithmeticError", "bad argument in arithmetic expression: %s", s);
        }
    }
    return is_float ? nxv_float(sf) : nxv_int(si);
}

static nxv *e_count(int argc, nxv **argv)
{
    (void)argc;
    int64_t n;
    return enum_items(argv[0], &n) ? nxv_int(n) : NULL;
}

static nxv *e_at(int argc, nxv **argv)
{
    int64_t n;
    nxv **items = enum_items(argv[0], &n);
    if (!items)
        return NULL;
    if (argv[1]->kind != NXV_INT)
        return arg_error("at", argv[1]);
    nxi_int i = argv[1]->i < 0 ? argv[1]->i + n : argv[1]->i;
    return i >= 0 && i < n ? items[i] : argc > 2 ? argv[2] : nxv_nil();
}

static nxv *sort_fun;
static int sort_failed;

static int sort_cmp(const void *a, const void *b)
{
    nxv *x = *(nxv *const *)a, *y = *(nxv *const *)b;
    if (!sort_fun)
        return nxv_compare(x, y);
    if (sort_failed)
        return 0;
    nxv *args[2] = { x, y };
    nxv *r = nxi_call_fun(sort_fun, 2, args);
    if (!r) {
        sort_failed = 1;
        return 0;
    }
    return nxv_truthy(r) ? -1 : 1;
}

static nxv *e_sort(int argc, nxv **argv)
{
    int64_t n;
    nxv **items = enum_items(argv[0], &n);
    if (!items)
        return NULL;
    nxv **out = nxv_items(n);
    memcpy(out, items, (size_t)n * sizeof *out);
    sort_fun = NULL;
    if (argc == 2 && argv[1]->kind == NXV_FUN)
        sort_fun = argv[1];
    sort_failed = 0;
    /* A stable merge would match Elixir for equal keys; qsort is fine for distinct ones. */
    qsort(out, (size_t)n, sizeof *out, sort_cmp);
    sort_fun = NULL;   /* only the sort in progress uses it */
    if (sort_failed)
        return NULL;
    if (argc == 2 && nxv_is_atom(argv[1], "desc"))
        for (int64_t i = 0; i < n / 2; i++) {
            nxv *t = out[i];
            out[i] = out[n - 1 - i];
            out[n - 1 - i] = t;
        }
    return nxv_list(n, out);
}

static nxv *e_with_index(int argc, nxv **argv)
{
    (void)argc;
    int64_t n;
    nxv **items = enum_items(argv[0], &n);
    if (!items)
        return NULL;
    nxv **out = nxv_items(n);
    for (int64_t i = 0; i < n; i++) {
        nxv **kv = nxv_items(2);
        kv[0] = items[i];
        kv[1] = nxv_int(i);
        out[i] = nxv_tuple(2, kv);
    }
    return nxv_list(n, out);
}

static nxv *e_zip(int argc, nxv **argv)
{
    (void)argc;
    int64_t n, m;
    nxv **a = enum_items(argv[0], &n), **b = a ? enum_items(argv[1], &m) : NULL;
    if (!b)
        return NULL;
    int64_t k = n < m ? n : m;
    nxv **out = nxv_items(k);
    for (int64_t i = 0; i < k; i++) {
        nxv **kv = nxv_items(2);
        kv[0] = a[i];
        kv[1] = b[i];
        out[i] = nxv_tuple(2, kv);
    }
    return nxv_list(k, out);
}

/* ---------------------------------------------------------------- IO */

static nxv *io_puts(int argc, nxv **argv)
{
    nxv *v = argv[argc - 1];
    nxv *s = v->kind == NXV_BINARY ? v : k_to_string(1, &v);
    if (!s)
        return NULL;
    fwrite(s->bin.bytes, 1, (size_t)(s->bin.bits / 8), nxi_side_out);
    fputc('\n', nxi_side_out);
    return nxv_atom("ok");
}

static nxv *io_inspect(int argc, nxv **argv)
{
    (void)argc;
    char *s = nxi_inspect(argv[0]);
    fprintf(nxi_side_out, "%s\n", s);
    return argv[0];
}

/* ---------------------------------------------------------------- Map, Keyword, List, Tuple */

static nxv *m_get(int argc, nxv **argv)
{
    nxv *m = argv[0];
    if (m->kind != NXV_MAP) {
        char *s = nxi_inspect_plain(m);
        return nxi_raise("BadMapError", "expected a map, got: %s", s);
    }
    for (int64_t i = 0; i < m->map.n; i++)
        if (nxv_equal(m->map.keys[i], argv[1], 1))
            return m->map.vals[i];
    return argc > 2 ? argv[2] : nxv_nil();
}

static nxv *m_put(int argc, nxv **argv)
{
    (void)argc;
    nxv *m = argv[0];
    if (m->kind != NXV_MAP) {
        char *s = nxi_inspect_plain(m);
        return nxi_raise("BadMapError", "expected a map, got: %s", s);
    }
    nxv **keys = nxv_items(m->map.n + 1), **vals = nxv_items(m->map.n + 1);
    memcpy(keys, m->map.keys, (size_t)m->map.n * sizeof *keys);
    memcpy(vals, m->map.vals, (size_t)m->map.n * sizeof *vals);
    int64_t j = 0;
    while (j < m->map.n && !nxv_equal(keys[j], argv[1], 1))
        j++;
    keys[j] = argv[1];
    vals[j] = argv[2];
    return nxv_map(j == m->map.n ? m->map.n + 1 : m->map.n, keys, vals);
}

static nxv *m_keys_values(nxv *m, int values)
{
    if (m->kind != NXV_MAP) {
        char *s = nxi_inspect_plain(m);
        return nxi_raise("BadMapError", "expected a map, got: %s", s);
    }
    nxv **out = nxv_items(m->map.n);
    memcpy(out, values ? m->map.vals : m->map.keys, (size_t)m->map.n * sizeof *out);
    return nxv_list(m->map.n, out);
}

static nxv *m_keys(int argc, nxv **argv)
{
    (void)argc;
    return m_keys_values(argv[0], 0);
}

static nxv *m_values(int argc, nxv **argv)
{
    (void)argc;
    return m_keys_values(argv[0], 1);
}

static nxv *kw_get(int argc, nxv **argv)
{
    if (!nxv_is_keyword(argv[0]) || argv[1]->kind != NXV_ATOM)
        return arg_error("Keyword.get", argv[0]);
    nxv *r = nxv_keyword_get(argv[0], argv[1]->atom);
    return r ? r : argc > 2 ? argv[2] : nxv_nil();
}

static nxv *l_first_last(nxv *l, int last)
{
    if (l->kind != NXV_LIST)
        return not_list(l);
    return l->list.n == 0 ? nxv_nil() : l->list.items[last ? l->list.n - 1 : 0];
}

static nxv *l_first(int argc, nxv **argv)
{
    (void)argc;
    return l_first_last(argv[0], 0);
}

static nxv *l_last(int argc, nxv **argv)
{
    (void)argc;
    return l_first_last(argv[0], 1);
}

static void flatten_into(nxv *l, nxv ***out, int64_t *n, int64_t *cap)
{
    for (int64_t i = 0; i < l->list.n; i++) {
        nxv *v = l->list.items[i];
        if (v->kind == NXV_LIST) {
            flatten_into(v, out, n, cap);
            continue;
        }
        if (*n == *cap) {
            int64_t c = *cap ? *cap * 2 : 16;
            nxv **bigger = nxv_items(c);
            if (*n)
                memcpy(bigger, *out, (size_t)*n * sizeof *bigger);
            *out = bigger;
            *cap = c;
        }
        (*out)[(*n)++] = v;
    }
}

static nxv *l_flatten(int argc, nxv **argv)
{
    (void)argc;
    if (argv[0]->kind != NXV_LIST)
        return not_list(argv[0]);
    nxv **out = NULL;
    int64_t n = 0, cap = 0;
    flatten_into(argv[0], &out, &n, &cap);
    return nxv_list(n, out ? out : nxv_items(0));
}

static nxv *t_to_list(int argc, nxv **argv)
{
    (void)argc;
    if (argv[0]->kind != NXV_TUPLE)
        return arg_error("Tuple.to_list", argv[0]);
    return nxv_list(argv[0]->tuple.n, argv[0]->tuple.items);
}

static nxv *l_to_tuple(int argc, nxv **argv)
{
    (void)argc;
    if (argv[0]->kind != NXV_LIST)
        return not_list(argv[0]);
    return nxv_tuple(argv[0]->list.n, argv[0]->list.items);
}

/* ---------------------------------------------------------------- Complex, Function, System, :math */

static int real_of(nxv *v, double *out)
{
    if (v->kind == NXV_INT)
        *out = (double)v->i;
    else if (v->kind == NXV_FLOAT)
        *out = v->f;
    else if (nxv_is_atom(v, "nan"))
        *out = NAN;
    else if (nxv_is_atom(v, "infinity"))
        *out = INFINITY;
    else if (nxv_is_atom(v, "neg_infinity"))
        *out = -INFINITY;
    else
        return -1;
    return 0;
}

static nxv *c_new(int argc, nxv **argv)
{
    double re, im = 0;
    if (real_of(argv[0], &re) < 0 || (argc > 1 && real_of(argv[1], &im) < 0))
        return nxi_raise("FunctionClauseError", "no function clause matching in Complex.new/%d", argc);
    return nxv_complex(re, im);
}

static nxv *f_identity(int argc, nxv **argv)
{
    (void)argc;
    return argv[0];
}

static nxv *s_os_time(int argc, nxv **argv)
{
    (void)argc;
    (void)argv;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return nxv_int((nxi_int)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

static nxv *math_pi(int argc, nxv **argv)
{
    (void)argc;
    (void)argv;
    return nxv_float(M_PI);
}

#define MATH1(name, expr) \
    static nxv *math_##name(int argc, nxv **argv) \
    { \
        (void)argc; \
        double x; \
        if (real_of(argv[0], &x) < 0) \
            return arg_error(#name, argv[0]); \
        double r = expr; \
        if (!isfinite(r)) \
            return nxi_raise("ArithmeticError", "bad argument in arithmetic expression"); \
        return nxv_float(r); \
    }
MATH1(sqrt, sqrt(x))
MATH1(exp, exp(x))
MATH1(log, log(x))
MATH1(sin, sin(x))
MATH1(cos, cos(x))
#undef MATH1

static nxv *math_pow(int argc, nxv **argv)
{
    (void)argc;
    double x, y;
    if (real_of(argv[0], &x) < 0 || real_of(argv[1], &y) < 0)
        return arg_error("pow", argv[0]);
    return nxv_float(pow(x, y));
}

const nxi_func nxi_kernel_funcs[] = {
    { "Kernel", "elem", 2, 2, k_elem },
    { "Kernel", "hd", 1, 1, k_hd },
    { "Kernel", "tl", 1, 1, k_tl },
    { "Kernel", "length", 1, 1, k_length },
    { "Kernel", "tuple_size", 1, 1, k_tuple_size },
    { "Kernel", "map_size", 1, 1, k_map_size },
    { "Kernel", "is_integer", 1, 1, k_is_integer },
    { "Kernel", "is_float", 1, 1, k_is_float },
    { "Kernel", "is_number", 1, 1, k_is_number },
    { "Kernel", "is_atom", 1, 1, k_is_atom },
    { "Kernel", "is_boolean", 1, 1, k_is_boolean },
    { "Kernel", "is_nil", 1, 1, k_is_nil },
    { "Kernel", "is_list", 1, 1, k_is_list },
    { "Kernel", "is_tuple", 1, 1, k_is_tuple },
    { "Kernel", "is_map", 1, 1, k_is_map },
    { "Kernel", "is_binary", 1, 1, k_is_binary },
    { "Kernel", "is_bitstring", 1, 1, k_is_bitstring },
    { "Kernel", "is_function", 1, 1, k_is_function },
    { "Kernel", "div", 2, 2, k_div },
    { "Kernel", "rem", 2, 2, k_rem },
    { "Kernel", "abs", 1, 1, k_abs },
    { "Kernel", "max", 2, 2, k_max },
    { "Kernel", "min", 2, 2, k_min },
    { "Kernel", "round", 1, 1, k_round },
    { "Kernel", "trunc", 1, 1, k_trunc },
    { "Kernel", "inspect", 1, 2, k_inspect },
    { "Kernel", "to_string", 1, 1, k_to_string },
    { "Kernel", "raise", 1, 2, k_raise },
    { "Kernel", "self", 0, 0, k_self },
    { "Kernel", "then", 2, 2, k_then },
    { "Enum", "to_list", 1, 1, e_to_list },
    { "Enum", "map", 2, 2, e_map },
    { "Enum", "reduce", 2, 3, e_reduce },
    { "Enum", "sum", 1, 1, e_sum },
    { "Enum", "count", 1, 1, e_count },
    { "Enum", "at", 2, 3, e_at },
    { "Enum", "sort", 1, 2, e_sort },
    { "Enum", "with_index", 1, 1, e_with_index },
    { "Enum", "zip", 2, 2, e_zip },
    { "IO", "puts", 1, 2, io_puts },
    { "IO", "inspect", 1, 2, io_inspect },
    { "Map", "get", 2, 3, m_get },
    { "Map", "put", 3, 3, m_put },
    { "Map", "keys", 1, 1, m_keys },
    { "Map", "values", 1, 1, m_values },
    { "Keyword", "get", 2, 3, kw_get },
    { "List", "first", 1, 1, l_first },
    { "List", "last", 1, 1, l_last },
    { "List", "flatten", 1, 1, l_flatten },
    { "List", "to_tuple", 1, 1, l_to_tuple },
    { "Tuple", "to_list", 1, 1, t_to_list },
    { "Complex", "new", 1, 2, c_new },
    { "Function", "identity", 1, 1, f_identity },
    { "System", "os_time", 0, 0, s_os_time },
    { ":math", "pi", 0, 0, math_pi },
    { ":math", "sqrt", 1, 1, math_sqrt },
    { ":math", "exp", 1, 1, math_exp },
    { ":math", "log", 1, 1, math_log },
    { ":math", "sin", 1, 1, math_sin },
    { ":math", "cos", 1, 1, math_cos },
    { ":math", "pow", 2, 2, math_pow },
    { NULL, NULL, 0, 0, NULL },
};
