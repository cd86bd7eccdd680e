/* src/backend/cpu/typegen.h: expands one scalar expression into a loop per native type
 * and the op's table of loops, so that each element-wise op is written once. The includer
 * defines LOOP(name, suffix, T, OUT_T, expr), LOOP_TYPE (the loop function type) and
 * DEFINE_KERNEL(name) (the nxcpu_ entry that picks the loop by input type). An op is then
 * one line: BOTH(add, SAME, ADD_I, ADD_F), INTS(...), FLOATS(...), or with a complex
 * expression ALL(...), INEXACT(...) (floats and complex) or COMPLEX(...), where the
 * expressions are macros of the element type T. Complex types are C's _Complex float and
 * double, laid out as Nx's c64 and c128 (real part first). */
#ifndef NXCPU_TYPEGEN_H
#define NXCPU_TYPEGEN_H

#define GEN_INT(name, OUT, expr) \
    LOOP(name, u8, uint8_t, OUT(uint8_t), expr(uint8_t)) LOOP(name, u16, uint16_t, OUT(uint16_t), expr(uint16_t)) \
    LOOP(name, u32, uint32_t, OUT(uint32_t), expr(uint32_t)) LOOP(name, u64, uint64_t, OUT(uint64_t), expr(uint64_t)) \
    LOOP(name, s8, int8_t, OUT(int8_t), expr(int8_t)) LOOP(name, s16, int16_t, OUT(int16_t), expr(int16_t)) \
    LOOP(name, s32, int32_t, OUT(int32_t), expr(int32_t)) LOOP(name, s64, int64_t, OUT(int64_t), expr(int64_t))
#define GEN_FLOAT(name, OUT, expr) \
    LOOP(name, f32, float, OUT(float), expr(float)) LOOP(name, f64, double, OUT(double), expr(double))
#define GEN_COMPLEX(name, OUT, expr) \
    LOOP(name, c64, float _Complex, OUT(float _Complex), expr(float _Complex)) \
    LOOP(name, c128, double _Complex, OUT(double _Complex), expr(double _Complex))
#define INT_ENTRIES(name) \
    [NX_U8] = name##_u8, [NX_U16] = name##_u16, [NX_U32] = name##_u32, [NX_U64] = name##_u64, \
    [NX_S8] = name##_s8, [NX_S16] = name##_s16, [NX_S32] = name##_s32, [NX_S64] = name##_s64,
#define FLOAT_ENTRIES(name) [NX_F32] = name##_f32, [NX_F64] = name##_f64,
#define COMPLEX_ENTRIES(name) [NX_C64] = name##_c64, [NX_C128] = name##_c128,

/* Output types: the input's, u8 for predicates, or the real type of a complex input
 * (abs, real, imag: __real__ of a real value is the value itself). */
#define SAME(T) T
#define BOOL(T) uint8_t
#define REAL(T) __typeof__(__real__(T)0)

#define BOTH(name, OUT, int_expr, float_expr) \
    GEN_INT(name, OUT, int_expr) \
    GEN_FLOAT(name, OUT, float_expr) \
    static LOOP_TYPE *const name##_loops[NX_TYPE_COUNT] = { INT_ENTRIES(name) FLOAT_ENTRIES(name) }; \
    DEFINE_KERNEL(name)
#define INTS(name, OUT, int_expr) \
    GEN_INT(name, OUT, int_expr) \
    static LOOP_TYPE *const name##_loops[NX_TYPE_COUNT] = { INT_ENTRIES(name) }; \
    DEFINE_KERNEL(name)
#define FLOATS(name, OUT, float_expr) \
    GEN_FLOAT(name, OUT, float_expr) \
    static LOOP_TYPE *const name##_loops[NX_TYPE_COUNT] = { FLOAT_ENTRIES(name) }; \
    DEFINE_KERNEL(name)
#define ALL(name, OUT, int_expr, float_expr, complex_expr) \
    GEN_INT(name, OUT, int_expr) \
    GEN_FLOAT(name, OUT, float_expr) \
    GEN_COMPLEX(name, OUT, complex_expr) \
    static LOOP_TYPE *const name##_loops[NX_TYPE_COUNT] = { \
        INT_ENTRIES(name) FLOAT_ENTRIES(name) COMPLEX_ENTRIES(name) }; \
    DEFINE_KERNEL(name)
#define INEXACT(name, OUT, float_expr, complex_expr) \
    GEN_FLOAT(name, OUT, float_expr) \
    GEN_COMPLEX(name, OUT, complex_expr) \
    static LOOP_TYPE *const name##_loops[NX_TYPE_COUNT] = { FLOAT_ENTRIES(name) COMPLEX_ENTRIES(name) }; \
    DEFINE_KERNEL(name)
#define COMPLEX(name, OUT, complex_expr) \
    GEN_COMPLEX(name, OUT, complex_expr) \
    static LOOP_TYPE *const name##_loops[NX_TYPE_COUNT] = { COMPLEX_ENTRIES(name) }; \
    DEFINE_KERNEL(name)

#endif
