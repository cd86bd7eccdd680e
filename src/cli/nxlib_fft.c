/* src/cli/nxlib_fft.c: the interpreter's bindings of Nx.fft, ifft, fft2, ifft2, rfft and
 * irfft (spec/functions.md §18): options checked with Keyword.validate!, :length read as
 * Nx reads it (an integer or :power_of_two; irfft: a positive integer), then the C API of
 * include/nx/fft.h. */
#include "cli/nxlib_args.h"
#include "nx.h"

typedef nx_tensor *fft_fn(const nx_tensor *, nx_fft_opts);
enum { LENGTH_ANY, LENGTH_POSITIVE };

/* :length into *out (0 when absent); -1 when it is not one the rule allows. */
static int length_value(nxv *v, int rule, int64_t *out)
{
    *out = 0;
    if (!v || nxv_is_nil(v))
        return 0;
    if (rule == LENGTH_ANY && nxv_is_atom(v, "power_of_two")) {
        *out = NX_POWER_OF_TWO;
        return 0;
    }
    if (v->kind == NXV_INT && v->i > 0 && v->i <= INT64_MAX) {
        *out = (int64_t)v->i;
        return 0;
    }
    return -1;
}

/* The same, raising `kind` with Nx's message. */
static int length_of(nxv *v, int rule, const char *kind, int64_t *out)
{
    if (length_value(v, rule, out) == 0)
        return 0;
    if (rule == LENGTH_ANY)
        nxi_raise(kind, "expected an integer or :power_of_two as length, got: %s", nxi_inspect_plain(v));
    else
        nxi_raise(kind, "expected a positive integer as length, got: %s", nxi_inspect_plain(v));
    return -1;
}

static int eps_of(nxv *v, double *out)
{
    *out = 0;
    if (!v)
        return 0;
    if (v->kind == NXV_INT || v->kind == NXV_FLOAT) {
        *out = v->kind == NXV_INT ? (double)v->i : v->f;
        if (*out == 0)
            *out = -1;   /* eps: 0 flushes nothing but exact zeros: the same as none */
        return 0;
    }
    nxi_raise("ArgumentError", "expected :eps to be a number, got: %s", nxi_inspect_plain(v));
    return -1;
}

static nxv *one_axis(fft_fn *fn, int rule, const char *kind, int argc, nxv **argv)
{
    static const char *const allowed[] = { "length", "axis", "eps" };
    nxv *vals[3];
    nx_fft_opts o = { 0 };
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t || nxi_validate_keywords(argc > 1 ? argv[1] : NULL, allowed, 3, vals) < 0)
        return NULL;
    if (length_of(vals[0], rule, kind, &o.length) < 0 || eps_of(vals[2], &o.eps) < 0)
        return NULL;
    if (vals[1] && nxi_to_axis(vals[1], nx_rank(t), &o.axis) < 0)
        return NULL;
    return nxi_tensor_value(fn(t, o));
}

static nxv *fft_b(int argc, nxv **argv) { return one_axis(nx_fft_, LENGTH_ANY, "RuntimeError", argc, argv); }
static nxv *ifft_b(int argc, nxv **argv) { return one_axis(nx_ifft_, LENGTH_ANY, "RuntimeError", argc, argv); }
static nxv *rfft_b(int argc, nxv **argv) { return one_axis(nx_rfft_, LENGTH_ANY, "ArgumentError", argc, argv); }
static nxv *irfft_b(int argc, nxv **argv) { return one_axis(nx_irfft_, LENGTH_POSITIVE, "ArgumentError", argc, argv); }

typedef nx_tensor *fft2_fn(const nx_tensor *, nx_fft2_opts);

static nxv *two_axes(fft2_fn *fn, int argc, nxv **argv)
{
    static const char *const allowed[] = { "lengths", "axes", "eps" };
    nxv *vals[3];
    nx_fft2_opts o = { 0 };
    nx_tensor *t = nxi_to_tensor(argv[0]);
    if (!t)
        return NULL;
    if (nx_rank(t) < 2)   /* the rank is checked before the options */
        return nxi_tensor_value(fn(t, o));
    if (nxi_validate_keywords(argc > 1 ? argv[1] : NULL, allowed, 3, vals) < 0 || eps_of(vals[2], &o.eps) < 0)
        return NULL;
    nxv *lengths = vals[0];
    if (lengths && !nxv_is_nil(lengths)) {
        int ok = lengths->kind == NXV_LIST && !lengths->list.tail && lengths->list.n == 2;
        for (int i = 0; ok && i < 2; i++)
            ok = length_value(lengths->list.items[i], LENGTH_ANY, &o.lengths[i]) == 0;
        if (!ok)
            return nxi_raise("ArgumentError", "expected :lengths to be a list of lengths or :power_of_two, got: %s",
                             nxi_inspect_plain(lengths));
    }
    nxv *axes = vals[1];
    if (axes && !nxv_is_nil(axes)) {
        if (axes->kind != NXV_LIST || axes->list.tail || axes->list.n != 2)
            return nxi_raise("ArgumentError", "expected :axes to be a list with 2 axes, got: %s", nxi_inspect_plain(axes));
        if (nxi_to_axes(axes, nx_rank(t), &o.axes, 0) < 0)
            return NULL;
    }
    return nxi_tensor_value(fn(t, o));
}

static nxv *fft2_b(int argc, nxv **argv) { return two_axes(nx_fft2_, argc, argv); }
static nxv *ifft2_b(int argc, nxv **argv) { return two_axes(nx_ifft2_, argc, argv); }

const nxi_func nxi_fft_funcs[] = {
    { "Nx", "fft", 1, 2, fft_b },
    { "Nx", "ifft", 1, 2, ifft_b },
    { "Nx", "fft2", 1, 2, fft2_b },
    { "Nx", "ifft2", 1, 2, ifft2_b },
    { "Nx", "rfft", 1, 2, rfft_b },
    { "Nx", "irfft", 1, 2, irfft_b },
    { NULL, NULL, 0, 0, NULL },
};
