/* src/cli/nxlib_linalg2.c: the interpreter's bindings of the derived Nx.LinAlg functions
 * (spec/linalg.md §2.1, §2.11-2.15): adjoint, matrix_power, norm, pinv, matrix_rank and
 * least_squares. Options are checked as Nx's keyword!/2 checks them, :ord is read as
 * norm's case reads it, then the C API of include/nx/linalg.h. */
#include <float.h>
#include "cli/nxlib_args.h"
#include "nx.h"

static nxv *adjoint_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    return t ? nxi_tensor_value(nx_adjoint(t)) : NULL;
}

static nxv *matrix_power_b(int argc, nxv **argv)
{
    (void)argc;
    if (argv[1]->kind != NXV_INT)   /* def matrix_power(tensor, power) when is_integer(power) */
        return nxi_raise("FunctionClauseError", "no function clause matching in Nx.LinAlg.matrix_power/2");
    int64_t power;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t || nxi_to_int64(argv[1], &power, "expected the power to fit 64 bits") < 0)
        return NULL;
    return nxi_tensor_value(nx_matrix_power(t, power));
}

/* The :ord option into o; 1 when it is none that norm knows (Nx raises "unknown ord"
 * only after its rank check), 0 when read, -1 after raising. */
static int ord_of(nxv *v, nx_norm_opts *o)
{
    static const struct { const char *atom; nx_norm_ord ord; } atoms[] = {
        { "frobenius", NX_NORM_FROBENIUS }, { "nuclear", NX_NORM_NUCLEAR },
        { "inf", NX_NORM_INF },             { "neg_inf", NX_NORM_NEG_INF },
    };
    if (!v || nxv_is_nil(v))
        return 0;
    for (size_t i = 0; i < sizeof atoms / sizeof *atoms; i++)
        if (nxv_is_atom(v, atoms[i].atom)) {
            o->ord = atoms[i].ord;
            return 0;
        }
    if (v->kind != NXV_INT)
        return 1;
    o->ord = NX_NORM_P;
    return nxi_to_int64(v, &o->p, "expected :ord to fit 64 bits") < 0 ? -1 : 0;
}

static nxv *norm_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "ord", "axes", "keep_axes" };
    nxv *vals[3];
    nx_norm_opts o = { 0 };
    if (nxi_opts(argc > 1 ? argv[1] : NULL, allowed, 3, vals) < 0)
        return NULL;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t)
        return NULL;
    int rank = nx_rank(t), unknown = ord_of(vals[0], &o);
    if (unknown < 0 || nxi_to_axes(vals[1], rank, &o.axes, 1) < 0)
        return NULL;
    o.keep_axes = vals[2] && nxv_truthy(vals[2]);
    if (unknown && (rank == 1 || rank == 2))
        return nxi_raise("ArgumentError", "unknown ord %s", nxi_inspect_plain(vals[0]));
    return nxi_tensor_value(nx_norm_(t, o));   /* with an unknown ord: the rank error */
}

/* The :eps option (keyword!(opts, eps: default)); absent leaves 0, Nx's default. An
 * explicit 0 becomes the smallest positive double: it compares as 0 in every float type
 * but f64, where it differs from 0 only for exactly zero values. */
static int eps_opts(nxv *opts, nx_linalg_eps_opts *o)
{
    static const char *const allowed[] = { "eps" };
    nxv *v;
    *o = (nx_linalg_eps_opts){ 0 };
    if (nxi_opts(opts, allowed, 1, &v) < 0)
        return -1;
    if (!v)
        return 0;
    if (v->kind != NXV_INT && v->kind != NXV_FLOAT) {
        nxi_raise("ArgumentError", "expected :eps to be a number, got: %s", nxi_inspect_plain(v));
        return -1;
    }
    o->eps = v->kind == NXV_INT ? (double)v->i : v->f;
    if (o->eps == 0)
        o->eps = DBL_TRUE_MIN;
    return 0;
}

/* f(t, eps options): pinv and matrix_rank. */
static nxv *with_eps(int argc, nxv **argv, nx_tensor *(*f)(const nx_tensor *, nx_linalg_eps_opts))
{
    nx_linalg_eps_opts o;
    if (eps_opts(argc > 1 ? argv[1] : NULL, &o) < 0)
        return NULL;
    nx_tensor *t = nxi_to_tensor(argv[0]);
    return t ? nxi_tensor_value(f(t, o)) : NULL;
}

static nxv *pinv_b(int argc, nxv **argv)
{
    return with_eps(argc, argv, nx_pinv_);
}

static nxv *matrix_rank_b(int argc, nxv **argv)
{
    return with_eps(argc, argv, nx_matrix_rank_);
}

static nxv *least_squares_b(int argc, nxv **argv)
{
    nx_linalg_eps_opts o;
    if (eps_opts(argc > 2 ? argv[2] : NULL, &o) < 0)
        return NULL;
    nx_tensor *a = nxi_to_tensor(argv[0]);
    nx_tensor *b = a ? nxi_to_tensor(argv[1]) : NULL;
    return b ? nxi_tensor_value(nx_least_squares_(a, b, o)) : NULL;
}

const nxi_func nxi_linalg2_funcs[] = {
    { "Nx.LinAlg", "adjoint", 1, 1, adjoint_b },
    { "Nx.LinAlg", "matrix_power", 2, 2, matrix_power_b },
    { "Nx.LinAlg", "norm", 1, 2, norm_b },
    { "Nx.LinAlg", "pinv", 1, 2, pinv_b },
    { "Nx.LinAlg", "matrix_rank", 1, 2, matrix_rank_b },
    { "Nx.LinAlg", "least_squares", 2, 3, least_squares_b },
    { NULL, NULL, 0, 0, NULL },
};
