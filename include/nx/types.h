/* include/nx/types.h: Nx's numeric types, their names and the promotion rules
 * (spec/types-and-inspect.md §1-3). */
#ifndef NX_TYPES_H
#define NX_TYPES_H

#include <stdbool.h>
#include <stdint.h>
#include "version.h"

/* NX_TYPE_NONE (0) means "not given": an option left at zero takes Nx's default. */
typedef enum nx_type {
    NX_TYPE_NONE = 0,
    NX_U2, NX_U4, NX_U8, NX_U16, NX_U32, NX_U64,
    NX_S2, NX_S4, NX_S8, NX_S16, NX_S32, NX_S64,
    NX_F8, NX_F8_E4M3FN, NX_BF16, NX_F16, NX_F32, NX_F64,
    NX_C64, NX_C128,
    NX_TYPE_COUNT
} nx_type;

/* Every type once, for loops and tables: X(ENUM, name, kind, bits). Kind is Nx's:
 * u, s, f, bf, f8_e4m3fn, c. */
#define NX_TYPE_LIST(X) \
    X(U2, u2, u, 2) X(U4, u4, u, 4) X(U8, u8, u, 8) X(U16, u16, u, 16) \
    X(U32, u32, u, 32) X(U64, u64, u, 64) \
    X(S2, s2, s, 2) X(S4, s4, s, 4) X(S8, s8, s, 8) X(S16, s16, s, 16) \
    X(S32, s32, s, 32) X(S64, s64, s, 64) \
    X(F8, f8, f, 8) X(F8_E4M3FN, f8_e4m3fn, f8_e4m3fn, 8) X(BF16, bf16, bf, 16) \
    X(F16, f16, f, 16) X(F32, f32, f, 32) X(F64, f64, f, 64) \
    X(C64, c64, c, 64) X(C128, c128, c, 128)

/* A plain number as Nx sees one: an integer (signed or unsigned 64-bit), a float
 * (NaN and infinities included), or a complex pair. Booleans are integers 0/1. */
typedef enum nx_number_kind { NX_NUM_INT, NX_NUM_UINT, NX_NUM_FLOAT, NX_NUM_COMPLEX } nx_number_kind;
typedef struct nx_number {
    nx_number_kind kind;
    union {
        int64_t i;
        uint64_t u;
        double f;
        struct { double re, im; } c;
    };
} nx_number;

#define NX_INT(v)  ((nx_number){ .kind = NX_NUM_INT, .i = (v) })
#define NX_UINT(v) ((nx_number){ .kind = NX_NUM_UINT, .u = (v) })
#define NX_FLOAT(v) ((nx_number){ .kind = NX_NUM_FLOAT, .f = (v) })
#define NX_COMPLEX(r, i_) ((nx_number){ .kind = NX_NUM_COMPLEX, .c = { (r), (i_) } })

/* "u8", "f8_e4m3fn", "c128"...; NULL for an invalid type. */
NX_API const char *nx_type_name(nx_type t);
/* Nx's tuple form, "{:s, 32}", as error messages print it. */
NX_API const char *nx_type_tuple(nx_type t);
/* Parses "f32", ":f32" or "{:f, 32}"; NX_TYPE_NONE with an ArgumentError otherwise. */
NX_API nx_type nx_type_parse(const char *text);
NX_API int nx_type_bits(nx_type t);
NX_API bool nx_type_is_integer(nx_type t);
NX_API bool nx_type_is_unsigned(nx_type t);
/* True for real floats and complex (Nx's float?). */
NX_API bool nx_type_is_float(nx_type t);
NX_API bool nx_type_is_complex(nx_type t);

/* Promotion (spec/types-and-inspect.md §3). */
NX_API nx_type nx_type_merge(nx_type left, nx_type right);
NX_API nx_type nx_type_merge_number(nx_type t, nx_number n);
NX_API nx_type nx_type_infer(nx_number n);
NX_API nx_type nx_type_to_floating(nx_type t);
NX_API nx_type nx_type_to_real(nx_type t);
NX_API nx_type nx_type_to_complex(nx_type t);
NX_API nx_type nx_type_to_aggregate(nx_type t);

#endif
