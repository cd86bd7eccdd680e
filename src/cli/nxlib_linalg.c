/* src/cli/nxlib_linalg.c: the interpreter's bindings of Nx.LinAlg (spec/linalg.md):
 * options checked as Nx's keyword! checks them (nxi_opts), multi-output functions
 * returned as tuples, then the C API of include/nx/linalg.h. One function per binding;
 * the table at the end lists them in the order of the spec's sections. */
#include "cli/nxlib_args.h"
#include "nx.h"

/* A tuple of n tensor values; a NULL entry raises the library's pending error. */
static nxv *tuple_of(int rc, int n, nx_tensor **ts)
{
    if (rc < 0)
        return nxi_raise_from_nx();
    nxv **items = nxv_items(n);
    for (int i = 0; i < n; i++)
        items[i] = nxi_tensor_value(ts[i]);
    return nxv_tuple(n, items);
}

/* A float option (integers accepted); `absent` when missing or nil. */
static int float_opt(nxv *v, const char *key, double absent, double *out)
{
    *out = absent;
    if (!v || nxv_is_nil(v))
        return 0;
    if (v->kind == NXV_INT || v->kind == NXV_FLOAT) {
        *out = v->kind == NXV_INT ? (double)v->i : v->f;
        return 0;
    }
    nxi_raise("ArgumentError", "expected :%s to be a number, got: %s", key, nxi_inspect_plain(v));
    return -1;
}

/* :max_iter: present and nil raises Nx's "missing option :max_iter"; absent: 0 (default). */
static int max_iter_opt(nxv *v, int64_t *out)
{
    *out = 0;
    if (!v)
        return 0;
    if (nxv_is_nil(v)) {
        nxi_raise("ArgumentError", "missing option :max_iter");
        return -1;
    }
    return nxi_to_int64(v, out, "max_iter");
}

/* ---- §2.2 triangular_solve, §2.3 solve, §2.4 invert, §2.5 determinant, §2.6 cholesky ---- */

static nxv *triangular_solve_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "lower", "left_side", "transform_a" };
    nxv *vals[3];
    nx_tensor *a = nxi_to_tensor(argv[0]), *b = a ? nxi_to_tensor(argv[1]) : NULL;
    if (!b || nxi_opts(argc > 2 ? argv[2] : NULL, allowed, 3, vals) < 0)
        return NULL;
    nx_triangular_solve_opts o = { .upper = vals[0] && !nxv_truthy(vals[0]),
                                   .right_side = vals[1] && !nxv_truthy(vals[1]) };
    nxv *t = vals[2];
    if (!t || nxv_is_atom(t, "none"))
        o.transform_a = NX_TRANSFORM_NONE;
    else if (nxv_is_atom(t, "transpose"))
        o.transform_a = NX_TRANSFORM_TRANSPOSE;
    else if (nxv_is_atom(t, "conjugate"))
        o.transform_a = NX_TRANSFORM_CONJUGATE;
    else
        return nxi_raise("ArgumentError",
                         "invalid value for :transform_a option, expected :none, :transpose, or :conjugate, got: %s",
                         nxi_inspect_plain(t));
    return nxi_tensor_value(nx_triangular_solve_(a, b, o));
}

static nxv *solve_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *a = nxi_to_tensor(argv[0]), *b = a ? nxi_to_tensor(argv[1]) : NULL;
    return b ? nxi_tensor_value(nx_solve(a, b)) : NULL;
}

static nxv *invert_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *a = nxi_to_tensor(argv[0]);
    return a ? nxi_tensor_value(nx_invert(a)) : NULL;
}

static nxv *determinant_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *a = nxi_to_tensor(argv[0]);
    return a ? nxi_tensor_value(nx_determinant(a)) : NULL;
}

static nxv *cholesky_b(int argc, nxv **argv)
{
    (void)argc;
    nx_tensor *a = nxi_to_tensor(argv[0]);
    return a ? nxi_tensor_value(nx_cholesky(a)) : NULL;
}

/* ---- §2.7 qr, §2.8 eigh, §2.9 svd, §2.10 lu ---- */

static nxv *qr_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "mode", "eps" };
    nxv *vals[2];
    nx_tensor *a = nxi_to_tensor(argv[0]);
    if (!a || nxi_opts(argc > 1 ? argv[1] : NULL, allowed, 2, vals) < 0)
        return NULL;
    nx_qr_opts o = { 0 };
    nxv *mode = vals[0];
    if (mode && nxv_is_atom(mode, "complete"))
        o.complete = true;
    else if (mode && !nxv_is_atom(mode, "reduced"))
        return nxi_raise("ArgumentError", "invalid :mode received. Expected one of [:reduced, :complete], received: %s",
                         nxi_inspect_plain(mode));
    if (float_opt(vals[1], "eps", 0, &o.eps) < 0)
        return NULL;
    nx_tensor *ts[2];
    int rc = nx_qr_(a, &ts[0], &ts[1], o);
    return tuple_of(rc, 2, ts);
}

static nxv *eigh_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "max_iter", "eps" };
    nxv *vals[2];
    nx_tensor *a = nxi_to_tensor(argv[0]);
    if (!a || nxi_opts(argc > 1 ? argv[1] : NULL, allowed, 2, vals) < 0)
        return NULL;
    nx_eigh_opts o = { 0 };
    if (max_iter_opt(vals[0], &o.max_iter) < 0 || float_opt(vals[1], "eps", 0, &o.eps) < 0)
        return NULL;
    nx_tensor *ts[2];
    int rc = nx_eigh_(a, &ts[0], &ts[1], o);
    return tuple_of(rc, 2, ts);
}

static nxv *svd_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "max_iter", "full_matrices?" };
    nxv *vals[2];
    nx_tensor *a = nxi_to_tensor(argv[0]);
    if (!a || nxi_opts(argc > 1 ? argv[1] : NULL, allowed, 2, vals) < 0)
        return NULL;
    nx_svd_opts o = { .thin = vals[1] && !nxv_truthy(vals[1]) };
    if (max_iter_opt(vals[0], &o.max_iter) < 0)
        return NULL;
    nx_tensor *ts[3];
    int rc = nx_svd_(a, &ts[0], &ts[1], &ts[2], o);
    return tuple_of(rc, 3, ts);
}

static nxv *lu_b(int argc, nxv **argv)
{
    static const char *const allowed[] = { "eps" };
    nxv *vals[1];
    double eps;
    nx_tensor *a = nxi_to_tensor(argv[0]);
    if (!a || nxi_opts(argc > 1 ? argv[1] : NULL, allowed, 1, vals) < 0 ||
        float_opt(vals[0], "eps", 0, &eps) < 0)   /* Nx's LU ignores eps */
        return NULL;
    nx_tensor *ts[3];
    int rc = nx_lu(a, &ts[0], &ts[1], &ts[2]);
    return tuple_of(rc, 3, ts);
}

const nxi_func nxi_linalg_funcs[] = {
    { "Nx.LinAlg", "triangular_solve", 2, 3, triangular_solve_b },
    { "Nx.LinAlg", "solve", 2, 2, solve_b },
    { "Nx.LinAlg", "invert", 1, 1, invert_b },
    { "Nx.LinAlg", "determinant", 1, 1, determinant_b },
    { "Nx.LinAlg", "cholesky", 1, 1, cholesky_b },
    { "Nx.LinAlg", "qr", 1, 2, qr_b },
    { "Nx.LinAlg", "eigh", 1, 2, eigh_b },
    { "Nx.LinAlg", "svd", 1, 2, svd_b },
    { "Nx.LinAlg", "lu", 1, 2, lu_b },
    { NULL, NULL, 0, 0, NULL },
};
