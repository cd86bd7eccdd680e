/* include/nx/layout.h: (being written) */
#ifndef NX_LAYOUT_H
#define NX_LAYOUT_H

#include "tensor.h"

#endif
