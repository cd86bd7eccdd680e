/* src/backend/cpu/cpu.h: the CPU kernels, one per op of ops.def. */
#ifndef NXCPU_H
#define NXCPU_H

#include "core/op.h"

#define NX_OP(name, arity, kind, flags) nx_kernel nxcpu_##name;
#include "ops.def"
#undef NX_OP

#endif
