/* src/backend/cpu/binary.c: element-wise binary kernels. The front end hands both inputs
 * in one native compute type (see src/ops/elementwise.c); each op is one scalar
 * expression from src/core/nxmath.h, expanded over the native types by X-macros into
 * loops with unit or zero input strides, which the compiler vectorises. */
#include "backend/cpu/cpu.h"

#include "backend/cpu/clones.h"
#include "backend/cpu/iter.h"
#include "core/error.h"
#include "core/nxcmath.h"
#include "core/nxmath.h"

/* One loop: O[i] = expr(a, b) with a, b read at stride 0 or 1. */
#define LOOP(name, E, T, OUT_T, expr) \
    NXCPU_CLONES static void name##_##E(const void *av, int64_t sa, const void *bv, int64_t sb, void *ov, int64_t n) \
    { \
        const T *A = av; \
        const T *B = bv; \
        OUT_T *O = ov; \
        if (sa && sb) { \
            for (int64_t i = 0; i < n; i++) { \
                T a = A[i], b = B[i]; \
                O[i] = (OUT_T)(expr); \
            } \
        } else if (sb) { \
            T a = A[0]; \
            for (int64_t i = 0; i < n; i++) { \
                T b = B[i]; \
                O[i] = (OUT_T)(expr); \
            } \
        } else { \
            const T b = B[0]; \
            for (int64_t i = 0; i < n; i++) { \
                T a = A[i * sa]; \
                O[i] = (OUT_T)(expr); \
            } \
        } \
    }

#define DEFINE_KERNEL(name) \
    int nxcpu_##name(nx_tensor *out, const nx_tensor *const *in, const nxop_params *p) \
    { \
        (void)p; \
        nxcpu_binary_loop *loop = name##_loops[in[0]->type]; \
        if (!loop) \
            return nxerr_set(NX_RUNTIME_ERROR, "nxc has no " #name " kernel for %s", nx_type_name(in[0]->type)); \
        nxcpu_each_binary(in[0], in[1], out, loop); \
        return 0; \
    }


#define LOOP_TYPE nxcpu_binary_loop
#include "backend/cpu/typegen.h"

/* The expressions, as macros of the element type T over the operands a and b. */
#define ADD_I(T) nxm_add(T, a, b)
#define ADD_F(T) a + b
#define SUB_I(T) nxm_sub(T, a, b)
#define SUB_F(T) a - b
#define MUL_I(T) nxm_mul(T, a, b)
#define MUL_F(T) a * b
#define DIV_F(T) a / b
#define POW_I(T) nxm_ipow(T, a, b)
#define POW_F(T) (T)pow((double)a, (double)b)
#define POW_C(T) (T)nxm_cpow((nxm_cdouble)a, (nxm_cdouble)b)
#define REM_I(T) nxm_remainder(T, a, b)
#define REM_F(T) (T)fmod((double)a, (double)b)
#define QUOT_I(T) nxm_quotient(T, a, b)
#define ATAN2_F(T) (T)atan2((double)a, (double)b)
#define MIN_I(T) (a < b ? a : b)
#define MIN_F(T) nxm_fmin(a, b)
#define MAX_I(T) (a > b ? a : b)
#define MAX_F(T) nxm_fmax(a, b)
#define AND_I(T) (T)(a & b)
#define OR_I(T) (T)(a | b)
#define XOR_I(T) (T)(a ^ b)
#define SHL_I(T) nxm_shl(T, a, b)
#define SHR_I(T) nxm_shr(T, a, b)
#define EQ(T) a == b
#define NE(T) a != b
#define GT(T) a > b
#define LT(T) a < b
#define GE(T) a >= b
#define LE(T) a <= b
#define LAND(T) (a != 0) && (b != 0)
#define LOR(T) (a != 0) || (b != 0)
#define LXOR(T) (a != 0) != (b != 0)

ALL(add, SAME, ADD_I, ADD_F, ADD_F)
ALL(subtract, SAME, SUB_I, SUB_F, SUB_F)
ALL(multiply, SAME, MUL_I, MUL_F, MUL_F)
INEXACT(divide, SAME, DIV_F, DIV_F)
ALL(pow, SAME, POW_I, POW_F, POW_C)
BOTH(remainder, SAME, REM_I, REM_F)
INTS(quotient, SAME, QUOT_I)
FLOATS(atan2, SAME, ATAN2_F)
BOTH(min, SAME, MIN_I, MIN_F)
BOTH(max, SAME, MAX_I, MAX_F)
INTS(bitwise_and, SAME, AND_I)
INTS(bitwise_or, SAME, OR_I)
INTS(bitwise_xor, SAME, XOR_I)
INTS(left_shift, SAME, SHL_I)
INTS(right_shift, SAME, SHR_I)
ALL(equal, BOOL, EQ, EQ, EQ)
ALL(not_equal, BOOL, NE, NE, NE)
BOTH(greater, BOOL, GT, GT)
BOTH(less, BOOL, LT, LT)
BOTH(greater_equal, BOOL, GE, GE)
BOTH(less_equal, BOOL, LE, LE)
ALL(logical_and, BOOL, LAND, LAND, LAND)
ALL(logical_or, BOOL, LOR, LOR, LOR)
ALL(logical_xor, BOOL, LXOR, LXOR, LXOR)
