/* include/nx/io.h: tensors in files (spec/formats.md): NumPy .npy and .npz, Nx's own
 * serialization (Nx.serialize / Nx.deserialize) and safetensors. Every format reads from
 * a memory buffer or from a file; file readers stream: they read the header, allocate the
 * tensor and read the data straight into it. Malformed input (truncated, lying headers,
 * impossible shapes, bad types, zip bombs) gives NULL / -1 with an error, and never
 * allocates much more than the input could fill.
 *
 * Written bytes come back in a buffer from nx_alloc (free it with nx_free). Tensors that
 * readers return belong to the innermost scope, like every other result. */
#ifndef NX_IO_H
#define NX_IO_H

#include <stddef.h>
#include "tensor.h"

/* ---------------------------------------------------------------- named tensors */
/* An ordered list of named tensors: the members of an .npz archive or of a safetensors
 * file. `meta_*` hold safetensors' "__metadata__" strings (none for .npz). Readers fill
 * one; nx_named_tensors_free frees the strings and arrays (not the tensors, which belong
 * to their scope). Writers only read it: build one with plain arrays. */
typedef struct nx_named_tensors {
    int64_t n;
    char **names;
    nx_tensor **tensors;
    int64_t n_meta;
    char **meta_keys, **meta_values;
} nx_named_tensors;
NX_API void nx_named_tensors_free(nx_named_tensors *list);

/* ---------------------------------------------------------------- .npy */
/* Nx.load_numpy!: one .npy array (spec/formats.md §3.1); NULL with Nx's error. */
NX_API nx_tensor *nx_load_numpy(const void *data, size_t len);
NX_API nx_tensor *nx_load_numpy_file(const char *path);
/* np.save's bytes for t (C order, NumPy's header layout, little-endian data): u8...u64,
 * s8...s64, f16, f32, f64, c64, c128, and f8 as '|f1' (which only Nx reads). Vectorized
 * tensors are saved devectorized. -1 with an ArgumentError for bf16, f8_e4m3fn and the
 * 2/4-bit types, which NumPy has no descriptor for. */
NX_API int nx_save_numpy(const nx_tensor *t, void **out, size_t *out_len);
NX_API int nx_save_numpy_file(const nx_tensor *t, const char *path);

/* ---------------------------------------------------------------- .npz */
/* Nx.load_numpy_archive!: each member, in archive order, named without its ".npy";
 * stored and deflated members; 0 or -1 with an error (out is then empty). */
NX_API int nx_load_numpy_archive(const void *data, size_t len, nx_named_tensors *out);
NX_API int nx_load_numpy_archive_file(const char *path, nx_named_tensors *out);
/* np.savez (stored) or, with .compressed, np.savez_compressed (deflated): a member
 * "<name>.npy" per tensor, in list order. Members must stay under 4 GiB. */
typedef struct { bool compressed; } nx_save_numpy_archive_opts;
NX_API int nx_save_numpy_archive_(const nx_named_tensors *list, void **out, size_t *out_len,
                                  nx_save_numpy_archive_opts o);
NX_API int nx_save_numpy_archive_file_(const nx_named_tensors *list, const char *path,
                                       nx_save_numpy_archive_opts o);
#define nx_save_numpy_archive(list, out, out_len, ...) \
    nx_save_numpy_archive_((list), (out), (out_len), (nx_save_numpy_archive_opts){ __VA_ARGS__ })
#define nx_save_numpy_archive_file(list, path, ...) \
    nx_save_numpy_archive_file_((list), (path), (nx_save_numpy_archive_opts){ __VA_ARGS__ })

/* ---------------------------------------------------------------- safetensors */
/* A safetensors file: 8-byte little-endian header length, a JSON header, the data.
 * dtypes: BOOL (read as u8), U8...U64, I8...I64, F16, BF16, F32, F64, F8_E5M2 (f8),
 * F8_E4M3 (f8_e4m3fn), C64. Tensors come back in data order. */
NX_API int nx_load_safetensors(const void *data, size_t len, nx_named_tensors *out);
NX_API int nx_load_safetensors_file(const char *path, nx_named_tensors *out);
/* Writes what the `safetensors` Python package writes for the same tensors and metadata:
 * tensors ordered by dtype (widest first) then name, header padded to 8 bytes. Names
 * must be distinct; c128 and 2/4-bit types have no dtype (ArgumentError). */
NX_API int nx_save_safetensors(const nx_named_tensors *list, void **out, size_t *out_len);
NX_API int nx_save_safetensors_file(const nx_named_tensors *list, const char *path);

/* ---------------------------------------------------------------- Nx.serialize */
/* A container of tensors as Nx.serialize takes it: a tensor, a tuple, or a map whose keys
 * are atoms, strings or integers. */
typedef enum { NX_TERM_TENSOR, NX_TERM_TUPLE, NX_TERM_MAP } nx_term_kind;
typedef enum { NX_KEY_ATOM, NX_KEY_STRING, NX_KEY_INT } nx_key_kind;
typedef struct nx_key {
    nx_key_kind kind;
    const char *text;     /* ATOM, STRING (NUL-terminated; a string may hold NULs: len) */
    int64_t len;
    int64_t i;            /* INT */
} nx_key;
typedef struct nx_term {
    nx_term_kind kind;
    nx_tensor *tensor;         /* TENSOR */
    int64_t n;                 /* TUPLE, MAP: how many items */
    struct nx_term *items;     /* TUPLE, MAP */
    nx_key *keys;              /* MAP */
} nx_term;

/* Nx.serialize (format v1, spec/formats.md §2): the term and data in one buffer. Map
 * pairs are written sorted by key. .compressed = 1..9 compresses the term with zlib. */
typedef struct { int compressed; } nx_serialize_opts;
NX_API int nx_serialize_(const nx_term *term, void **out, size_t *out_len, nx_serialize_opts o);
#define nx_serialize(term, out, out_len, ...) \
    nx_serialize_((term), (out), (out_len), (nx_serialize_opts){ __VA_ARGS__ })
/* Nx.deserialize: v1 files and the legacy format. The tree (and its key strings) comes
 * from nx_alloc: give it back with nx_term_free; its tensors belong to the scope. */
NX_API nx_term *nx_deserialize(const void *data, size_t len);
NX_API void nx_term_free(nx_term *term);
/* The same through files; reading takes each tensor's data straight from the file. */
NX_API int nx_serialize_file_(const nx_term *term, const char *path, nx_serialize_opts o);
#define nx_serialize_file(term, path, ...) \
    nx_serialize_file_((term), (path), (nx_serialize_opts){ __VA_ARGS__ })
NX_API nx_term *nx_deserialize_file(const char *path);

#endif
