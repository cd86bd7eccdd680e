/* src/ops/fft.c: front end of the FFT family (spec/functions.md §18): fft and ifft are
 * primitives (the axis is first zero-padded or truncated to the transform length and the
 * input converted to to_complex(T)); fft2, ifft2, rfft and irfft are composites of them,
 * as Nx composes them. */
#include <stdio.h>
#include "core/shape.h"
#include "defn/node.h"
#include "ops/front.h"

#define DEFAULT_EPS 1.0e-10

static double eps_of(double eps)
{
    return eps == 0 ? DEFAULT_EPS : eps;
}

/* The inner axis (default -1) of t, which must have rank >= 1; -1 with an error. */
static int fft_axis(const nx_tensor *t, nx_axis axis)
{
    int inner = t->rank - t->vrank;
    if (inner < 1)
        return nxerr_set(NX_ARGUMENT_ERROR, "expected a tensor with rank > 0, got tensor with rank 0");
    if (!axis.set && !axis.name)
        axis = NX_AXIS(-1);
    return nxshape_axis(axis, inner, t->names + t->vrank, inner);
}

/* The transform length: the axis size by default, the next power of two >= it for
 * NX_POWER_OF_TWO; -1 with `kind`'s error for a non-positive length. */
static int64_t length_of(int64_t length, int64_t size, nx_error_kind kind)
{
    if (length == 0)
        return size;
    if (length == NX_POWER_OF_TWO) {
        int64_t p = 1;
        while (p < size)
            p <<= 1;
        return p;
    }
    if (length < 0)
        return nxerr_set(kind, "expected an integer or :power_of_two as length, got: %lld", (long long)length);
    return length;
}

/* x with its inner axis `axis` truncated or zero-padded at the end to `length`. */
static nx_tensor *resized(const nx_tensor *x, int axis, int64_t length)
{
    int64_t n = x->dims[x->vrank + axis];
    if (length < n)
        return nx_slice_along_axis(x, 0, length, .axis = NX_AXIS(axis));
    if (length == n)
        return nxfront_view(x, x->type, x->rank, x->dims, x->names, x->vrank);
    nx_padding config = { .n = x->rank - x->vrank };
    config.v[axis].high = length - n;
    return nx_pad(x, nx_scalar(NX_INT(0), x->type), config);
}

typedef struct { nx_op op; nx_fft_opts o; } fft_call;
static nx_tensor *transform(nx_op op, const nx_tensor *t, nx_fft_opts o, nx_error_kind length_kind);
static nx_tensor *call_fft(const nx_tensor *const *in, const void *opts)
{
    const fft_call *c = opts;
    return transform(c->op, in[0], c->o, NX_RUNTIME_ERROR);
}

static nx_tensor *transform(nx_op op, const nx_tensor *t, nx_fft_opts o, nx_error_kind length_kind)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int axis = fft_axis(t, o.axis);
    if (axis < 0)
        return NULL;
    int64_t length = length_of(o.length, t->dims[t->vrank + axis], length_kind);
    if (length < 0)
        return NULL;
    nx_scope_begin();
    nx_tensor *x = resized(nx_as_type(t, nx_type_to_complex(t->type)), axis, length);
    nxop_params p = { .axis = t->vrank + axis, .fft.eps = eps_of(o.eps) };
    nx_tensor *r = x ? nxop_run(op, nxtensor_like(x, x->type), (const nx_tensor *const *)&x, &p) : NULL;
    /* Nx records one fft node over the input as given, with `length: n` (the backend
     * converts it and pads or cuts the axis) */
    if (t->vrank == 0 && nxdefn_traced(r)) {
        fft_call c = { op, o };
        r = nxdefn_wrap_kernel(r, op, call_fft, &c, sizeof c, &t, 1);
    }
    return nx_scope_end_keep(r);
}

nx_tensor *nx_fft_(const nx_tensor *t, nx_fft_opts o)
{
    return transform(NX_OP_fft, t, o, NX_RUNTIME_ERROR);
}

nx_tensor *nx_ifft_(const nx_tensor *t, nx_fft_opts o)
{
    return transform(NX_OP_ifft, t, o, NX_RUNTIME_ERROR);
}

/* fft2/ifft2: along axes[1] with lengths[1], then along axes[0] with lengths[0]. */
static nx_tensor *transform2(nx_op op, const nx_tensor *t, nx_fft2_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int inner = t->rank - t->vrank;
    if (inner < 2)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected a tensor with rank > 1, got tensor with rank %d", inner);
    nx_axes axes = o.axes.n > 0 ? o.axes : NX_AXES(-2, -1);
    if (axes.n != 2)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected :axes to be a list with 2 axes, got: %d axes", axes.n);
    int ax[2];
    if (nxshape_axes(&axes, inner, t->names + t->vrank, inner, ax) < 0)
        return NULL;
    nx_scope_begin();
    nx_tensor *r = transform(op, t, (nx_fft_opts){ .length = o.lengths[1], .axis = NX_AXIS(ax[1]), .eps = o.eps },
                             NX_RUNTIME_ERROR);
    r = r ? transform(op, r, (nx_fft_opts){ .length = o.lengths[0], .axis = NX_AXIS(ax[0]), .eps = o.eps },
                      NX_RUNTIME_ERROR)
          : NULL;
    return nx_scope_end_keep(r);
}

nx_tensor *nx_fft2_(const nx_tensor *t, nx_fft2_opts o)
{
    return transform2(NX_OP_fft, t, o);
}

nx_tensor *nx_ifft2_(const nx_tensor *t, nx_fft2_opts o)
{
    return transform2(NX_OP_ifft, t, o);
}

/* rfft: real input; the fft's first div(length, 2) + 1 bins along the axis. */
nx_tensor *nx_rfft_(const nx_tensor *t, nx_fft_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    if (nx_type_is_complex(t->type))
        return nxerr_null(NX_ARGUMENT_ERROR, "Nx.rfft/2 expects a real tensor, got type: %s", nx_type_tuple(t->type));
    int axis = fft_axis(t, o.axis);
    if (axis < 0)
        return NULL;
    nx_scope_begin();
    nx_tensor *f = transform(NX_OP_fft, t, (nx_fft_opts){ .length = o.length, .axis = NX_AXIS(axis), .eps = o.eps },
                             NX_ARGUMENT_ERROR);
    nx_tensor *r = f ? nx_slice_along_axis(f, 0, f->dims[f->vrank + axis] / 2 + 1, .axis = NX_AXIS(axis)) : NULL;
    return nx_scope_end_keep(r);
}

/* irfft: the one-sided spectrum truncated or zero-padded to h = div(n, 2) + 1 bins, its
 * bins 1 .. n - h conjugated, reversed and appended, then real(ifft). */
nx_tensor *nx_irfft_(const nx_tensor *t, nx_fft_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return NULL;
    int axis = fft_axis(t, o.axis);
    if (axis < 0)
        return NULL;
    int64_t m = t->dims[t->vrank + axis], n = o.length ? o.length : 2 * (m - 1);
    if (n <= 0)
        return nxerr_null(NX_ARGUMENT_ERROR, "expected a positive integer as length, got: %lld", (long long)n);
    int64_t h = n / 2 + 1;
    nx_scope_begin();
    nx_tensor *half = resized(nx_as_type(t, nx_type_to_complex(t->type)), axis, h), *full = half;
    if (half && n - h > 0) {
        nx_tensor *tail = nx_slice_along_axis(half, 1, n - h, .axis = NX_AXIS(axis));
        nx_tensor *mirror = nx_reverse(nx_conjugate(tail), .axes = NX_AXES(axis));
        full = nx_concatenate(NX_TENSORS(half, mirror), .axis = NX_AXIS(axis));
    }
    nx_tensor *r = nx_real(transform(NX_OP_ifft, full, (nx_fft_opts){ .axis = NX_AXIS(axis), .eps = o.eps },
                                     NX_ARGUMENT_ERROR));
    return nx_scope_end_keep(r);
}
