/* src/backend/cpu/broadcast.c: broadcast. Each output element reads the input element
 * whose coordinates are the output's along the mapped axes (0 where the input has
 * size 1). Copies raw bits, so any type works. */
#include "backend/cpu/cpu.h"

#include <string.h>
#include "core/elem.h"
#include "core/tensor.h"

int nxcpu_broadcast(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    const nx_tensor *t = in[0];
    /* Stride of each output axis in the input (0 for axes the input lacks or repeats). */
    int64_t stride[NX_MAX_RANK] = { 0 };
    int64_t s = 1;
    for (int k = t->rank - 1; k >= 0; k--) {
        if (t->dims[k] != 1)
            stride[p->axes[k]] = s;
        s *= t->dims[k];
    }
    int w = nx_type_bits(t->type);
    const unsigned char *src = nxtensor_data(t);
    unsigned char *dst = nxtensor_data(out);
    int64_t idx[NX_MAX_RANK] = { 0 };
    int64_t from = 0;
    for (int64_t i = 0; i < out->size; i++) {
        if (w >= 8)
            memcpy(dst + i * (w / 8), src + from * (w / 8), (size_t)(w / 8));
        else
            nxelem_write(out->type, dst, i, nxelem_read(t->type, src, from));
        /* Advance the output coordinates like an odometer, keeping `from` in step. */
        for (int a = out->rank - 1; a >= 0; a--) {
            from += stride[a];
            if (++idx[a] < out->dims[a])
                break;
            from -= stride[a] * idx[a];
            idx[a] = 0;
        }
    }
    return 0;
}
