/* include/nx/sort.h: (being written) */
#ifndef NX_SORT_H
#define NX_SORT_H

#include "tensor.h"

#endif
