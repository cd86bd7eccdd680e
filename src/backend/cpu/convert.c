/* src/backend/cpu/convert.c: as_type, element by element through the reference codec
 * (src/core/elem.c), which holds the conversion rules. */
#include "backend/cpu/cpu.h"

#include "core/elem.h"
#include "core/tensor.h"

int nxcpu_as_type(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p)
{
    (void)p;
    const nx_tensor *t = in[0];
    const void *src = nxtensor_data(t);
    void *dst = nxtensor_data(out);
    for (int64_t i = 0; i < out->size; i++)
        nxelem_write(out->type, dst, i, nxelem_read(t->type, src, i));
    return 0;
}
