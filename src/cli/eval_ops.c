/* src/cli/eval_ops.c: Elixir's operators on evaluated values: arithmetic on integers and
 * floats (overflow-checked), comparisons, list and binary operators, membership, ranges,
 * the short-circuit booleans, unary operators and @attributes; inside defn, Nx.Defn.Kernel
 * gets the operands first (defn_ops.c). */
#include "cli/eval_internal.h"

#include <math.h>
#include <string.h>
#include "cli/module.h"

/* ---------------------------------------------------------------- numbers */

static int is_number(const nxv *v)
{
    return v->kind == NXV_INT || v->kind == NXV_FLOAT;
}

static double to_double(const nxv *v)
{
    return v->kind == NXV_INT ? (double)v->i : v->f;
}

static nxv *bad_arith(const char *op, nxv *l, nxv *r)
{
    char *a = nxi_inspect_plain(l), *b = r ? nxi_inspect_plain(r) : NULL;
    if (r)
        return nxi_raise("ArithmeticError", "bad argument in arithmetic expression: %s %s %s", a, op, b);
    return nxi_raise("ArithmeticError", "bad argument in arithmetic expression: %s(%s)", op, a);
}

static nxv *arith(const char *op, nxv *l, nxv *r)
{
    if (!is_number(l) || !is_number(r))
        return bad_arith(op, l, r);
    if (strcmp(op, "/") == 0) {
        double d = to_double(r);
        if (d == 0)
            return bad_arith(op, l, r);
        return nxv_float(to_double(l) / d);
    }
    if (l->kind == NXV_INT && r->kind == NXV_INT) {
        nxi_int x = l->i, y = r->i, z;
        int overflow = 0;
        switch (op[0]) {
        case '+': overflow = __builtin_add_overflow(x, y, &z); break;
        case '-': overflow = __builtin_sub_overflow(x, y, &z); break;
        case '*':
            if (op[1] == '*') {
                if (y < 0)
                    return nxv_float(pow((double)x, (double)y));
                /* |x| >= 2 overflows within 127 steps; 0, 1 and -1 are answered directly. */
                if (x == 0 || x == 1)
                    z = y == 0 ? 1 : x;
                else if (x == -1)
                    z = y % 2 ? -1 : 1;
                else
                    for (z = 1; y > 0 && !overflow; y--)
                        overflow = __builtin_mul_overflow(z, x, &z);
                break;
            }
            overflow = __builtin_mul_overflow(x, y, &z);
            break;
        default: return bad_arith(op, l, r);
        }
        if (overflow)
            return nxi_raise("SystemLimitError", "integer overflow: nxc integers are limited to 128 bits");
        return nxv_int(z);
    }
    double x = to_double(l), y = to_double(r), z;
    switch (op[0]) {
    case '+': z = x + y; break;
    case '-': z = x - y; break;
    case '*': z = op[1] == '*' ? pow(x, y) : x * y; break;
    default: return bad_arith(op, l, r);
    }
    if (!isfinite(z))
        return bad_arith(op, l, r);
    return nxv_float(z);
}

/* ---------------------------------------------------------------- operators */

nxv *nxeval_concat_lists(nxv *l, nxv *r)
{
    if (l->kind != NXV_LIST || l->list.tail) {
        char *a = nxi_inspect_plain(l);
        return nxi_raise("ArgumentError", "argument error: %s is not a list", a);
    }
    if (r->kind != NXV_LIST) {   /* [1] ++ 2 builds an improper list */
        nxv *out = nxv_list(l->list.n, l->list.items);
        out->list.tail = r;
        return out;
    }
    int64_t n = l->list.n + r->list.n;
    nxv **items = nxv_items(n);
    memcpy(items, l->list.items, (size_t)l->list.n * sizeof *items);
    memcpy(items + l->list.n, r->list.items, (size_t)r->list.n * sizeof *items);
    nxv *out = nxv_list(n, items);
    out->list.tail = r->list.tail;
    return out;
}

static nxv *subtract_lists(nxv *l, nxv *r)
{
    if (l->kind != NXV_LIST || r->kind != NXV_LIST)
        return nxi_raise("ArgumentError", "argument error");
    nxv **items = nxv_items(l->list.n);
    char *used = nxi_alloc((size_t)r->list.n + 1);
    memset(used, 0, (size_t)r->list.n + 1);
    int64_t n = 0;
    for (int64_t i = 0; i < l->list.n; i++) {
        int drop = 0;
        for (int64_t j = 0; j < r->list.n && !drop; j++)
            if (!used[j] && nxv_equal(l->list.items[i], r->list.items[j], 1))
                used[j] = drop = 1;
        if (!drop)
            items[n++] = l->list.items[i];
    }
    return nxv_list(n, items);
}

static nxv *concat_binaries(nxv *l, nxv *r)
{
    if (l->kind != NXV_BINARY || r->kind != NXV_BINARY || l->bin.bits % 8 || r->bin.bits % 8) {
        char *a = nxi_inspect_plain(l->kind != NXV_BINARY || l->bin.bits % 8 ? l : r);
        return nxi_raise("ArgumentError", "expected binary argument in <> operator but got: %s", a);
    }
    int64_t n = (l->bin.bits + r->bin.bits) / 8;
    unsigned char *b = nxi_alloc((size_t)n + 1);
    memcpy(b, l->bin.bytes, (size_t)l->bin.bits / 8);
    memcpy(b + l->bin.bits / 8, r->bin.bytes, (size_t)r->bin.bits / 8);
    return nxv_binary(b, n * 8);
}

static nxv *member(nxv *x, nxv *coll)
{
    if (coll->kind == NXV_LIST) {
        for (int64_t i = 0; i < coll->list.n; i++)
            if (nxv_equal(x, coll->list.items[i], 1))
                return nxv_bool(1);
        return nxv_bool(0);
    }
    if (coll->kind == NXV_RANGE) {
        if (x->kind != NXV_INT)
            return nxv_bool(0);
        nxi_int f = coll->range.first, l = coll->range.last, s = coll->range.step;
        int in = s > 0 ? (x->i >= f && x->i <= l) : (x->i <= f && x->i >= l);
        return nxv_bool(in && (x->i - f) % s == 0);
    }
    if (coll->kind == NXV_MAP) {
        for (int64_t i = 0; i < coll->map.n; i++)
            if (x->kind == NXV_TUPLE && x->tuple.n == 2 && nxv_equal(x->tuple.items[0], coll->map.keys[i], 1) &&
                nxv_equal(x->tuple.items[1], coll->map.vals[i], 1))
                return nxv_bool(1);
        return nxv_bool(0);
    }
    char *a = nxi_inspect_plain(coll);
    return nxi_raise("Protocol.UndefinedError", "protocol Enumerable not implemented for type %s", a);
}

static nxv *bad_boolean(const char *op, nxv *v)
{
    char *a = nxi_inspect_plain(v);
    return nxi_raise("BadBooleanError", "expected a boolean on left-side of \"%s\", got: %s", op, a);
}

static nxv *make_range(nxv *first, nxv *last, nxv *step)
{
    if (first->kind != NXV_INT || last->kind != NXV_INT || (step && step->kind != NXV_INT)) {
        char *a = nxi_inspect_plain(first), *b = nxi_inspect_plain(last);
        return nxi_raise("ArgumentError", "ranges (first..last) expect both sides to be integers, got: %s..%s", a, b);
    }
    nxi_int s = step ? step->i : (first->i <= last->i ? 1 : -1);
    if (s == 0)
        return nxi_raise("ArgumentError", "the step in a range (first..last//step) must be a non-zero integer");
    return nxv_range(first->i, last->i, s);
}

/* The operators that evaluate both sides, on their values. */
static nxv *apply_binary(const char *op, nxv *l, nxv *r)
{
    if (!strcmp(op, "+") || !strcmp(op, "-") || !strcmp(op, "*") || !strcmp(op, "/") || !strcmp(op, "**"))
        return arith(op, l, r);
    if (!strcmp(op, "=="))
        return nxv_bool(nxv_equal(l, r, 0));
    if (!strcmp(op, "!="))
        return nxv_bool(!nxv_equal(l, r, 0));
    if (!strcmp(op, "==="))
        return nxv_bool(nxv_equal(l, r, 1));
    if (!strcmp(op, "!=="))
        return nxv_bool(!nxv_equal(l, r, 1));
    if (!strcmp(op, "<"))
        return nxv_bool(nxv_compare(l, r) < 0);
    if (!strcmp(op, ">"))
        return nxv_bool(nxv_compare(l, r) > 0);
    if (!strcmp(op, "<="))
        return nxv_bool(nxv_compare(l, r) <= 0);
    if (!strcmp(op, ">="))
        return nxv_bool(nxv_compare(l, r) >= 0);
    if (!strcmp(op, "++"))
        return nxeval_concat_lists(l, r);
    if (!strcmp(op, "--"))
        return subtract_lists(l, r);
    if (!strcmp(op, "<>"))
        return concat_binaries(l, r);
    if (!strcmp(op, "in"))
        return member(l, r);
    if (!strcmp(op, "not in")) {
        nxv *m = member(l, r);
        return m ? nxv_bool(!nxv_truthy(m)) : NULL;
    }
    return nxi_raise("CompileError", "operator %s is not supported by nxc", op);
}

nxv *nxeval_binary_op(const nxi_ast *a, nxi_env **env)
{
    const char *op = a->text;
    if (nxi_defn_mode && strcmp(op, "..") && strcmp(op, "&&") && strcmp(op, "||")) {
        /* Nx.Defn.Kernel's operators: both sides always evaluated (§9.1). */
        nxv *l = nxi_eval_expr(a->lhs, env);
        nxv *r = l ? nxi_eval_expr(a->rhs, env) : NULL;
        if (!r)
            return NULL;
        nxv *v = nxi_defn_binary(op, l, r);
        if (v != &nxi_defn_pass)
            return v;
        if (!strcmp(op, "and") || !strcmp(op, "or")) {
            if (!nxv_is_atom(l, "true") && !nxv_is_atom(l, "false"))
                return bad_boolean(op, l);
            return (op[0] == 'a') == nxv_truthy(l) ? r : l;
        }
        return apply_binary(op, l, r);
    }
    /* Short-circuit operators evaluate the right side only when needed. */
    if (!strcmp(op, "&&") || !strcmp(op, "||") || !strcmp(op, "and") || !strcmp(op, "or")) {
        nxv *l = nxi_eval_expr(a->lhs, env);
        if (!l)
            return NULL;
        int strict = op[0] == 'a' || op[0] == 'o';
        if (strict && !nxv_is_atom(l, "true") && !nxv_is_atom(l, "false"))
            return bad_boolean(op, l);
        int is_and = op[0] == '&' || op[0] == 'a';
        if (is_and ? !nxv_truthy(l) : nxv_truthy(l))
            return l;
        return nxi_eval_expr(a->rhs, env);
    }
    nxv *l = nxi_eval_expr(a->lhs, env);
    if (!l)
        return NULL;
    if (!strcmp(op, "..")) {
        nxv *r = nxi_eval_expr(a->rhs, env);
        nxv *s = r && a->step ? nxi_eval_expr(a->step, env) : NULL;
        if (!r || (a->step && !s))
            return NULL;
        return make_range(l, r, s);
    }
    nxv *r = nxi_eval_expr(a->rhs, env);
    if (!r)
        return NULL;
    return apply_binary(op, l, r);
}

/* @name reads a module attribute (bound as "@name" when the function was defined). */
static nxv *attribute(const nxi_ast *a, nxi_env **env)
{
    if (a->lhs->kind != AST_VAR)
        return nxi_raise("ArgumentError", "cannot invoke @/1 outside module");
    size_t n = strlen(a->lhs->text) + 2;
    char *name = nxi_alloc(n);
    snprintf(name, n, "@%s", a->lhs->text);
    nxv *v = nxi_var(*env, name);
    return v ? v : nxv_nil();
}

nxv *nxeval_unary_op(const nxi_ast *a, nxi_env **env)
{
    const char *op = a->text;
    if (!strcmp(op, "^"))
        return nxi_raise("CompileError", "misplaced operator ^%s: the pin operator is only allowed in patterns",
                         a->lhs->kind == AST_VAR ? a->lhs->text : "");
    if (!strcmp(op, "@"))
        return attribute(a, env);
    nxv *v = nxi_eval_expr(a->lhs, env);
    if (!v)
        return NULL;
    if (nxi_defn_mode) {
        nxv *r = nxi_defn_unary(op, v);
        if (r != &nxi_defn_pass)
            return r;
    }
    if (!strcmp(op, "-")) {
        if (v->kind == NXV_INT)
            return nxv_int(-v->i);
        if (v->kind == NXV_FLOAT)
            return nxv_float(-v->f);
        return bad_arith("-", v, NULL);
    }
    if (!strcmp(op, "+")) {
        if (!is_number(v))
            return bad_arith("+", v, NULL);
        return v;
    }
    if (!strcmp(op, "!"))
        return nxv_bool(!nxv_truthy(v));
    if (!strcmp(op, "not")) {
        if (!nxv_is_atom(v, "true") && !nxv_is_atom(v, "false")) {
            char *s = nxi_inspect_plain(v);
            return nxi_raise("ArgumentError", "argument error: %s", s);
        }
        return nxv_bool(!nxv_truthy(v));
    }
    return nxi_raise("CompileError", "operator %s is not supported by nxc", op);
}
