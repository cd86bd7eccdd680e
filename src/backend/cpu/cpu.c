/* src/backend/cpu/cpu.c: the eager CPU backend's kernel table, generated from ops.def: an
 * op without its nxcpu_ kernel fails to link. */
#include "backend/cpu/cpu.h"

const nxbackend nxcpu_backend = {
    .name = "cpu",
    .kernels = {
#define NX_OP(name, arity, kind, flags) [NX_OP_##name] = nxcpu_##name,
#include "ops.def"
#undef NX_OP
    },
};
