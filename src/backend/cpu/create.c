/* src/backend/cpu/create.c: iota and eye. Values go through the element writer, so
 * every type (sub-byte, narrow floats, complex) is stored by the same rules. */
#include "backend/cpu/cpu.h"

#include "core/elem.h"
#include "core/tensor.h"

int nxcpu_iota(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    (void)in;
    void *data = nxtensor_data(out);
    if (p->axis < 0) {
        for (int64_t i = 0; i < out->size; i++)
            nxelem_write(out->type, data, i, NX_INT(i));
        return 0;
    }
    /* Element i's index along the axis: (i / inner) % dim. */
    int64_t inner = 1;
    for (int a = out->rank - 1; a > p->axis; a--)
        inner *= out->dims[a];
    int64_t dim = out->dims[p->axis];
    for (int64_t i = 0; i < out->size; i++)
        nxelem_write(out->type, data, i, NX_INT((i / inner) % dim));
    return 0;
}

int nxcpu_eye(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    (void)in;
    (void)p;
    void *data = nxtensor_data(out);
    int64_t rows = out->dims[out->rank - 2], cols = out->dims[out->rank - 1];
    for (int64_t i = 0; i < out->size; i++) {
        int64_t r = (i / cols) % rows, c = i % cols;
        nxelem_write(out->type, data, i, NX_INT(r == c));
    }
    return 0;
}
