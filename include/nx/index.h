/* include/nx/index.h: (being written) */
#ifndef NX_INDEX_H
#define NX_INDEX_H

#include "tensor.h"

#endif
