/* src/ops/random.h: what the Nx.Random files share (spec/random.md): element arithmetic
 * with the reference backend's rounding, Threefry-2x32 and the key checks, and the
 * samplers the composite functions call. */
#ifndef NXOPS_RANDOM_H
#define NXOPS_RANDOM_H

#include "ops/front.h"

/* ---- element values "in T" (random_elem.c) ----
 * Random results follow Nx's reference backend bit for bit (spec/random.md, notation):
 * rnd_T is types-and-inspect.md §4.3 (bf16: f32 then truncate; f8: f16 then truncate;
 * f8_e4m3fn: Nx's routine) and reading an f8 decodes its subnormals as Nx does. */

/* The bits of rnd_T(x) for a real float type T (f64: the double's bits). */
uint64_t nxrandom_enc(nx_type t, double x);
/* The value Nx reads from the bits of T. */
double nxrandom_dec(nx_type t, uint64_t bits);
/* rnd_T(x), as the value read back. */
double nxrandom_rnd(nx_type t, double x);
/* Nx.as_type of one number (integer, float or complex: its real part) into real float T:
 * the bits. */
uint64_t nxrandom_enc_number(nx_type t, nx_number n);
/* Element i of t as a number, t's f8 subnormals decoded as Nx does. */
nx_number nxrandom_read(const nx_tensor *t, int64_t i);
/* Giles' erf_inv evaluated in double (spec/random.md §5.2). */
double nxrandom_erf_inv(double z);
/* A new tensor of `type` and `shape` with names (n == 0: none), zero-filled; NULL with an
 * error. */
nx_tensor *nxrandom_new(nx_type type, const nx_shape *shape, nx_names names);
/* Stores bits (a float pattern of T's width) as element i of t. */
void nxrandom_store(nx_tensor *t, int64_t i, uint64_t bits);
/* A number argument as it reaches a numerical definition (spec §1): weak integers become
 * s32 (wrapping), weak floats f32, weak complex c64; tensors are returned as they are. */
nx_tensor *nxrandom_arg(const nx_tensor *t);
/* ArgumentError for vectorized tensors, which nxc's Nx.Random does not take yet. */
int nxrandom_check_plain(const nx_tensor *t, const char *what);

/* ---- keys and bits (random_key.c) ---- */
/* Checks a key (shape {2}, u32) and reads it; -1 with Nx's error. */
int nxrandom_key_read(const nx_tensor *key, uint32_t k[2]);
/* The u32[2] tensor [k0, k1]. */
nx_tensor *nxrandom_key_new(const uint32_t k[2]);
/* threefry_pair over n pairs, in place. */
void nxrandom_threefry(const uint32_t k[2], uint32_t *x0, uint32_t *x1, int64_t n);
/* threefry2x32(key, shape) for n = size(shape) words (spec §3.1) into out[n]. -1 on OOM. */
int nxrandom_words(const uint32_t k[2], int64_t n, uint32_t *out);
/* random_bits(key, shape, width) for n values, widths 2..64 (spec §4.3). -1 on OOM. */
int nxrandom_bits(const uint32_t k[2], int64_t n, int width, uint64_t *out);
/* split(key) into the two halves: the returned key and the one that samples. */
void nxrandom_split2(const uint32_t k[2], uint32_t knew[2], uint32_t kuse[2]);

/* ---- samplers shared by the composites (random_float.c) ---- */
/* uniform_split with CONSTANT bounds lo_d, hi_d (spec §5.1) for a real float type. */
nx_tensor *nxrandom_uniform_const(const uint32_t k[2], double lo_d, double hi_d, nx_type t,
                                  const nx_shape *shape, nx_names names);
/* gumbel_split for a real float type (spec §5.4). */
nx_tensor *nxrandom_gumbel_real(const uint32_t k[2], nx_type t, const nx_shape *shape);
/* normal_split with constant mean 0, sd 1 (multivariate_normal's draw). */
nx_tensor *nxrandom_normal_std(const uint32_t k[2], nx_type t, const nx_shape *shape);


/* Runs fn(use, ctx) with the second half of split(key) and hands the first half back
 * in *new_key (when not NULL) once the sample exists: the tuple-returning samplers. */
typedef nx_tensor *nxrandom_sampler(const nx_tensor *use, const void *ctx);
nx_tensor *nxrandom_with_key(const nx_tensor *key, nx_tensor **new_key, nxrandom_sampler *fn, const void *ctx);

#endif
