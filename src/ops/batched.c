/* src/ops/batched.c: Nx.to_batched (spec/functions.md §2): batches of rows along axis 0
 * of the devectorized tensor, re-vectorized when the input was. */
#include "nx/inspect.h"
#include "ops/front.h"

/* Batch i: rows [i·b, i·b + b), wrapping to the start past the end (:repeat), with the
 * vectorized axes of t put back. Temporaries are released here. */
static nx_tensor *batch(const nx_tensor *t, const nx_tensor *x, int64_t i, int64_t b, int64_t n)
{
    int64_t start = i * b, have = n - start < b ? n - start : b;
    nx_tensor *rows = nx_slice_along_axis(x, start, have, .axis = NX_AXIS(0));
    if (rows && have < b) {
        nx_tensor *wrap = nx_slice_along_axis(x, 0, b - have, .axis = NX_AXIS(0));
        nx_tensor *whole = wrap ? nx_concatenate(NX_TENSORS(rows, wrap), .axis = NX_AXIS(0)) : NULL;
        nx_release(wrap);
        nx_release(rows);
        rows = whole;
    }
    for (int v = 0; v < t->vrank && rows; v++) {
        nx_tensor *vec = nx_vectorize(rows, t->names[v]);
        nx_release(rows);
        rows = vec;
    }
    return rows;
}

int64_t nx_to_batched_(const nx_tensor *t, int64_t batch_size, nx_tensor **out, int64_t cap, nx_to_batched_opts o)
{
    if (nxfront_check_tensor(t) < 0)
        return -1;
    if (batch_size < 1)
        return nxerr_set(NX_ARGUMENT_ERROR, "expected batch size to be a positive integer, got: %lld", (long long)batch_size);
    if (t->rank == 0) {
        char *text = nx_inspect(t);
        nxerr_set(NX_ARGUMENT_ERROR, "cannot batch non-vectorized scalar tensor %s", text ? text : "");
        nx_free(text);
        return -1;
    }
    int64_t n = t->dims[0];
    if (batch_size > n)
        return nxerr_set(NX_ARGUMENT_ERROR, "cannot batch beyond original tensor");
    int64_t count = o.leftover == NX_LEFTOVER_DISCARD ? n / batch_size : (n + batch_size - 1) / batch_size;
    if (!out)
        return count;
    nx_tensor *x = nx_devectorize(t, true);
    int64_t made = 0;
    while (x && made < count && made < cap && (out[made] = batch(t, x, made, batch_size, n)))
        made++;
    nx_release(x);
    if (made < count && made < cap) {
        while (made-- > 0)
            nx_release(out[made]);
        return -1;
    }
    return count;
}
