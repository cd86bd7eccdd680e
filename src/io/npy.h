/* src/io/npy.h: the .npy pieces that .npz reuses (npy.c). */
#ifndef NXIO_NPY_H
#define NXIO_NPY_H

#include "io/io.h"

/* Room for any header nxc writes (16 dimensions of 19 digits fit easily). */
#define NXIO_NPY_HEADER_MAX 1024

/* One .npy array from r, which must end where the data ends; NULL with Nx's error. */
nx_tensor *nxio_npy_read(nxio_reader *r);
/* np.save's header for t into buf; its length (a multiple of 64), or -1 with an error
 * (no data, or a type NumPy lacks). The data that follows is nxio_data(t). */
int nxio_npy_header(const nx_tensor *t, char *buf, size_t cap);

#endif
