/* include/nx/reduce.h: (being written) */
#ifndef NX_REDUCE_H
#define NX_REDUCE_H

#include "tensor.h"

#endif
