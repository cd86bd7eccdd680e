/* include/nx.h: nxc, Nx for C. The one header users include.
 * See README.md and docs/ for the guide; spec/ in the project's shared folder for the
 * behaviour of each function. */
#ifndef NX_H
#define NX_H

#ifdef __cplusplus
extern "C" {
#endif

#include "nx/version.h"
#include "nx/types.h"
#include "nx/error.h"
#include "nx/tensor.h"
#include "nx/scope.h"
#include "nx/create.h"
#include "nx/convert.h"
#include "nx/inspect.h"
#include "nx/elementwise.h"
#include "nx/complex.h"
#include "nx/dot.h"
#include "nx/cumulative.h"
#include "nx/fft.h"
#include "nx/vectorize.h"
#include "nx/reduce.h"
#include "nx/layout.h"
#include "nx/index.h"
#include "nx/sort.h"
#include "nx/elementwise_composite.h"
#include "nx/diagonal.h"
#include "nx/stats.h"
#include "nx/reduce_fn.h"
#include "nx/window.h"
#include "nx/conv.h"
#include "nx/linalg.h"
#include "nx/random.h"
#include "nx/io.h"
#include "nx/defn.h"

#ifdef __cplusplus
}
#endif

#endif
