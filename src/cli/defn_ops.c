/* src/cli/defn_ops.c: what defn code means beyond plain Elixir (spec/defn.md §6, §9):
 * Nx.Defn.Kernel's operators (on host numbers they stay host arithmetic, comparisons and
 * logical operators give u8 tensors; anything touching a tensor becomes the Nx function),
 * max/min/div/rem, and control flow: if/unless/cond over nx_cond, while (conditions and
 * generators, unroll) over nx_while. Host predicates (booleans, numbers, concrete
 * scalars) are resolved while tracing, as Nx's static elimination does. */
#include <string.h>
#include "cli/module.h"
#include "cli/nxlib_args.h"
#include "defn/control.h"

nxv nxi_defn_pass;

#define MAX_LEAVES 64

static nxv *nx_fn(const char *name, int argc, nxv **argv)
{
    const nxi_func *f = nxi_lookup("Nx", name, argc);
    if (!f)
        return nxi_raise("RuntimeError", "Nx.%s/%d is not available in nxc", name, argc);
    nxv *r = f->fn(argc, argv);
    if (!r && !nxi_raised())
        nxi_raise_from_nx();
    return r;
}

static nxv *nx2(const char *name, nxv *a, nxv *b)
{
    nxv *args[2] = { a, b };
    return nx_fn(name, 2, args);
}

static int is_bool(const nxv *v)
{
    return nxv_is_atom(v, "true") || nxv_is_atom(v, "false");
}

/* Booleans count as 1 and 0 for comparisons and logical operators. */
static nxv *unbool(nxv *v)
{
    return is_bool(v) ? nxv_int(nxv_is_atom(v, "true")) : v;
}

static int is_num(const nxv *v)
{
    return v->kind == NXV_INT || v->kind == NXV_FLOAT;
}

static int is_tensorish(const nxv *v)
{
    return v->kind == NXV_TENSOR || v->kind == NXV_COMPLEX;
}

static double num(const nxv *v)
{
    return v->kind == NXV_INT ? (double)v->i : v->f;
}

static nxv *u8(int b)
{
    return nxi_tensor_value(nx_scalar(NX_INT(b ? 1 : 0), NX_U8));
}

static int streq_any(const char *op, const char *const *list, int n)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(op, list[i]))
            return i;
    return -1;
}

nxv *nxi_defn_binary(const char *op, nxv *l, nxv *r)
{
    static const char *const arith[] = { "+", "-", "*", "/", "**" };
    static const char *const arith_nx[] = { "add", "subtract", "multiply", "divide", "pow" };
    static const char *const cmp[] = { "==", "!=", "<", ">", "<=", ">=" };
    static const char *const cmp_nx[] = { "equal", "not_equal", "less", "greater", "less_equal", "greater_equal" };
    static const char *const bits[] = { "&&&", "|||", "<<<", ">>>" };
    static const char *const bits_nx[] = { "bitwise_and", "bitwise_or", "left_shift", "right_shift" };
    int k;
    if ((k = streq_any(op, arith, 5)) >= 0) {
        if (is_tensorish(l) || is_tensorish(r))
            return nx2(arith_nx[k], l, r);
        return &nxi_defn_pass;
    }
    if ((k = streq_any(op, cmp, 6)) >= 0) {
        nxv *a = unbool(l), *b = unbool(r);
        if (is_tensorish(a) || is_tensorish(b))
            return (is_tensorish(a) || is_num(a)) && (is_tensorish(b) || is_num(b)) ? nx2(cmp_nx[k], a, b)
                                                                                     : &nxi_defn_pass;
        if (!is_num(a) || !is_num(b))
            return &nxi_defn_pass;   /* atoms and other terms: Elixir's comparison */
        double x = num(a), y = num(b);
        int res = k == 0 ? x == y : k == 1 ? x != y : k == 2 ? x < y : k == 3 ? x > y : k == 4 ? x <= y : x >= y;
        return u8(res);
    }
    if (!strcmp(op, "and") || !strcmp(op, "or")) {
        nxv *a = unbool(l), *b = unbool(r);
        int is_and = op[0] == 'a';
        if ((is_tensorish(a) || is_num(a)) && (is_tensorish(b) || is_num(b))) {
            if (is_tensorish(a) || is_tensorish(b))
                return nx2(is_and ? "logical_and" : "logical_or", a, b);
            int x = num(a) != 0, y = num(b) != 0;
            return u8(is_and ? x && y : x || y);
        }
        return &nxi_defn_pass;
    }
    if ((k = streq_any(op, bits, 4)) >= 0) {
        if (is_tensorish(l) || is_tensorish(r) || (l->kind == NXV_INT && r->kind == NXV_INT))
            return nx2(bits_nx[k], l, r);
        return &nxi_defn_pass;
    }
    return &nxi_defn_pass;
}

nxv *nxi_defn_unary(const char *op, nxv *v)
{
    nxv *args[1] = { v };
    if (!strcmp(op, "-") && is_tensorish(v))
        return nx_fn("negate", 1, args);
    if (!strcmp(op, "+") && is_tensorish(v))
        return v;
    if (!strcmp(op, "~~~") && (is_tensorish(v) || v->kind == NXV_INT))
        return nx_fn("bitwise_not", 1, args);
    if (!strcmp(op, "not")) {
        nxv *a = unbool(v);
        if (is_tensorish(a)) {
            args[0] = a;
            return nx_fn("logical_not", 1, args);
        }
        if (is_num(a))
            return u8(num(a) == 0);
    }
    return &nxi_defn_pass;
}

nxv *nxi_defn_kernel(const char *name, int argc, nxv **argv)
{
    (void)argc;
    nxv *a = argv[0], *b = argv[1];
    int is_max = !strcmp(name, "max"), is_min = !strcmp(name, "min");
    if (is_tensorish(a) || is_tensorish(b))
        return nx2(is_max ? "max" : is_min ? "min" : name[0] == 'd' ? "quotient" : "remainder", a, b);
    if ((is_max || is_min) && is_num(a) && is_num(b))
        return (num(a) < num(b)) == is_max ? b : a;
    if (!is_max && !is_min && a->kind == NXV_INT && b->kind == NXV_INT) {
        if (b->i == 0)
            return nxi_raise("ArithmeticError", "bad argument in arithmetic expression");
        return nxv_int(name[0] == 'd' ? a->i / b->i : a->i % b->i);
    }
    return &nxi_defn_pass;
}

/* ---------------------------------------------------------------- leaves */

/* Predicate truth resolved on the host (0/1), 2 when *t is a tensor to trace, -1 raised. */
static int predicate(nxv *v, const char *word, nx_tensor **t)
{
    if (is_bool(v))
        return nxv_is_atom(v, "true");
    if (is_num(v))
        return num(v) != 0;
    if (v->kind == NXV_TENSOR) {
        nx_tensor *x = v->tensor;
        nx_number n;
        if (!nx_is_expr(x) && x->rank == 0 && x->vrank == 0 && nx_to_number(x, &n) == 0)
            return n.kind == NX_NUM_INT ? n.i != 0 : n.kind == NX_NUM_UINT ? n.u != 0
                 : n.kind == NX_NUM_FLOAT ? n.f != 0 : (n.c.re != 0 || n.c.im != 0);
        *t = x;
        return 2;
    }
    nxi_raise("CompileError", "%s in defn expects the predicate to be true, false, or a scalar tensor where 0 is "
              "false and everything else is true. Unsupported value: %s", word, nxi_inspect_plain(v));
    return -1;
}

/* ---------------------------------------------------------------- cond / if */

typedef struct {
    const nxi_ast *body;     /* NULL: the number 0 (if without else) */
    nxi_env *env;
    nxv *result;
} branch;

static nxv *eval_branch(branch *b)
{
    nxi_env *env = b->env;
    return b->body ? nxi_eval_expr(b->body, &env) : nxv_int(0);
}

static int branch_cb(nx_tensor **out, int cap, void *ctx)
{
    branch *b = ctx;
    nxv *v = eval_branch(b);
    if (!v)
        return -1;
    nxi_leaves l = { out, 0, cap, 0 };
    if (!nxi_map_leaves(v, nxi_collect_leaf, &l))
        return -1;
    b->result = v;
    return l.n;
}

/* preds[i] NULL for a host-true clause (the last one); bodies in branches[]. */
static nxv *trace_cond(int n, nx_tensor **preds, branch *br)
{
    nx_clause c[MAX_LEAVES] = { 0 };
    for (int i = 0; i < n; i++) {
        c[i].pred = preds[i];
        c[i].body = branch_cb;
        c[i].ctx = &br[i];
    }
    nx_tensor *out[MAX_LEAVES];
    int k = nx_cond(n, c, out, MAX_LEAVES);
    if (k < 0)
        return nxi_raise_nx_or_pending();
    for (int i = 0; i < n; i++)
        if (br[i].result) {
            nxi_refill r = { out, 0 };
            return nxi_map_leaves(br[i].result, nxi_refill_leaf, &r);
        }
    return nxi_raise("RuntimeError", "cond traced no branch");
}

nxv *nxi_defn_cond(const nxi_ast *a, nxi_env **env)
{
    if (a->n > MAX_LEAVES)
        return nxi_raise("CompileError", "cond with more than %d clauses is not supported by nxc", MAX_LEAVES);
    nx_tensor *preds[MAX_LEAVES];
    branch br[MAX_LEAVES];
    int k = 0, last = 0;
    for (int c = 0; c < a->n && !last; c++) {
        nxi_env *e = *env;   /* a predicate's bindings are seen by its body only */
        nxv *v = nxi_eval_expr(a->clauses[c].params[0], &e);
        if (!v)
            return NULL;
        nx_tensor *t = NULL;
        int st = predicate(v, "cond", &t);
        if (st < 0)
            return NULL;
        if (st == 0)
            continue;   /* statically false: dropped before its body is traced */
        br[k] = (branch){ a->clauses[c].body, e, NULL };
        if (st == 1) {
            if (k == 0)
                return eval_branch(&br[0]);
            last = 1;
        }
        preds[k++] = st == 2 ? t : NULL;
    }
    if (!last)
        return nxi_raise("CompileError", "cond/if expects at least one branch to always evaluate to true");
    return trace_cond(k, preds, br);
}

nxv *nxi_defn_if(const nxi_ast *a, nxi_env **env)
{
    nxv *v = nxi_eval_expr(a->lhs, env);
    if (!v)
        return NULL;
    int unless = a->text && !strcmp(a->text, "unless");
    nx_tensor *t = NULL;
    int st = predicate(v, "cond", &t);
    if (st < 0)
        return NULL;
    branch yes = { a->rhs, *env, NULL }, no = { a->step, *env, NULL };
    if (st < 2)
        return eval_branch((st == 1) != unless ? &yes : &no);
    branch br[2] = { unless ? no : yes, unless ? yes : no };
    nx_tensor *preds[2] = { t, NULL };
    return trace_cond(2, preds, br);
}
