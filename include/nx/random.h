/* include/nx/random.h: Nx.Random (spec/random.md): counter-based pseudo-random numbers
 * from explicit keys (u32[2] tensors), with Threefry-2x32-20 underneath. Results equal
 * Nx 0.13.1's bit for bit. Every sampler splits its key first: the sample is drawn with
 * one half and the other half is handed back in *new_key (pass NULL to drop it); the
 * _split forms draw with the given key and hand nothing back. Each returns a new tensor,
 * or NULL with an error (and *new_key untouched); inputs are borrowed. Number arguments
 * (nx_number_tensor, NX_I, NX_F) arrive as Nx's defn sees them: integers as s32
 * (wrapping), floats as f32. Vectorized tensors are not taken yet. */
#ifndef NX_RANDOM_H
#define NX_RANDOM_H

#include "tensor.h"

/* Nx.Random.key: [seed >> 32, seed & 0xFFFFFFFF] as u32[2]. The _tensor form takes a
 * scalar u64 or s64 tensor (s64 read as its bits). */
NX_API nx_tensor *nx_random_key(uint64_t seed);
NX_API nx_tensor *nx_random_key_tensor(const nx_tensor *seed);

/* Nx.Random.split: .parts (0 means 2) new keys as u32[parts][2]. */
typedef struct { int64_t parts; } nx_random_split_opts;
NX_API nx_tensor *nx_random_split_(const nx_tensor *key, nx_random_split_opts o);
#define nx_random_split(key, ...) nx_random_split_((key), (nx_random_split_opts){ __VA_ARGS__ })

/* Nx.Random.fold_in: a key per element of data (as u64) folded into key: u32[shape][2]. */
NX_API nx_tensor *nx_random_fold_in(const nx_tensor *key, const nx_tensor *data);

/* Threefry helpers: the raw u32 words threefry2x32(key, shape) (counter blocks 0 .. n-1,
 * spec §3.1); threefry2x32_20_concat(xs u32[2][m], key) = y0 ++ y1; random bits of
 * .width (2, 4, 8, 16, 32 or 64; 0 means 32) as an unsigned tensor of .shape. */
NX_API nx_tensor *nx_random_threefry2x32(const nx_tensor *key, nx_shape shape);
NX_API nx_tensor *nx_random_threefry2x32_20_concat(const nx_tensor *xs, const nx_tensor *key);
typedef struct { nx_shape shape; int width; } nx_random_bits_opts;
NX_API nx_tensor *nx_random_bits_(const nx_tensor *key, nx_random_bits_opts o);
#define nx_random_bits(key, ...) nx_random_bits_((key), (nx_random_bits_opts){ __VA_ARGS__ })

/* The sampler options: .shape (default scalar), .type (default from the bounds'
 * types, f32 for floats when none are given; s32 for randint), .names of the result. */
typedef struct { nx_shape shape; nx_type type; nx_names names; } nx_random_opts;

/* Nx.Random.uniform in [min, max): NULL bounds mean uniform/2 (the constants 0.0, 1.0).
 * Float or complex types (complex: real and imaginary parts drawn as pairs). */
NX_API nx_tensor *nx_random_uniform_(const nx_tensor *key, const nx_tensor *min, const nx_tensor *max,
                                     nx_tensor **new_key, nx_random_opts o);
NX_API nx_tensor *nx_random_uniform_split_(const nx_tensor *key, const nx_tensor *min,
                                           const nx_tensor *max, nx_random_opts o);
#define nx_random_uniform(key, min, max, new_key, ...) \
    nx_random_uniform_((key), (min), (max), (new_key), (nx_random_opts){ __VA_ARGS__ })
#define nx_random_uniform_split(key, min, max, ...) \
    nx_random_uniform_split_((key), (min), (max), (nx_random_opts){ __VA_ARGS__ })

/* Nx.Random.normal with mean and standard deviation (NULL both: normal/2, 0 and 1). */
NX_API nx_tensor *nx_random_normal_(const nx_tensor *key, const nx_tensor *mean, const nx_tensor *sd,
                                    nx_tensor **new_key, nx_random_opts o);
NX_API nx_tensor *nx_random_normal_split_(const nx_tensor *key, const nx_tensor *mean,
                                          const nx_tensor *sd, nx_random_opts o);
#define nx_random_normal(key, mean, sd, new_key, ...) \
    nx_random_normal_((key), (mean), (sd), (new_key), (nx_random_opts){ __VA_ARGS__ })
#define nx_random_normal_split(key, mean, sd, ...) \
    nx_random_normal_split_((key), (mean), (sd), (nx_random_opts){ __VA_ARGS__ })

/* Nx.Random.randint: integers in [min, max) of an integer type (any width). */
NX_API nx_tensor *nx_random_randint_(const nx_tensor *key, const nx_tensor *min, const nx_tensor *max,
                                     nx_tensor **new_key, nx_random_opts o);
NX_API nx_tensor *nx_random_randint_split_(const nx_tensor *key, const nx_tensor *min,
                                           const nx_tensor *max, nx_random_opts o);
#define nx_random_randint(key, min, max, new_key, ...) \
    nx_random_randint_((key), (min), (max), (new_key), (nx_random_opts){ __VA_ARGS__ })
#define nx_random_randint_split(key, min, max, ...) \
    nx_random_randint_split_((key), (min), (max), (nx_random_opts){ __VA_ARGS__ })

/* Nx.Random.gumbel: standard Gumbel samples of a real float type (default f32). */
NX_API nx_tensor *nx_random_gumbel_(const nx_tensor *key, nx_tensor **new_key, nx_random_opts o);
NX_API nx_tensor *nx_random_gumbel_split_(const nx_tensor *key, nx_random_opts o);
#define nx_random_gumbel(key, new_key, ...) nx_random_gumbel_((key), (new_key), (nx_random_opts){ __VA_ARGS__ })
#define nx_random_gumbel_split(key, ...) nx_random_gumbel_split_((key), (nx_random_opts){ __VA_ARGS__ })

/* Nx.Random.shuffle along .axis (default 0); .independent shuffles every slice along
 * the axis on its own. The returned key is the one after the last round. */
typedef struct { nx_axis axis; bool independent; } nx_shuffle_opts;
NX_API nx_tensor *nx_random_shuffle_(const nx_tensor *key, const nx_tensor *t, nx_tensor **new_key,
                                     nx_shuffle_opts o);
#define nx_random_shuffle(key, t, new_key, ...) \
    nx_random_shuffle_((key), (t), (new_key), (nx_shuffle_opts){ __VA_ARGS__ })

/* Nx.Random.choice: .samples (0 means 1) entries of t along .axis (not set: of the
 * flattened t), uniformly or with probabilities p (NULL: uniform); .no_replace is Nx's
 * replace: false. */
typedef struct { int64_t samples; nx_axis axis; bool no_replace; } nx_choice_opts;
NX_API nx_tensor *nx_random_choice_(const nx_tensor *key, const nx_tensor *t, const nx_tensor *p,
                                    nx_tensor **new_key, nx_choice_opts o);
#define nx_random_choice(key, t, p, new_key, ...) \
    nx_random_choice_((key), (t), (p), (new_key), (nx_choice_opts){ __VA_ARGS__ })

/* Nx.Random.multivariate_normal: samples of shape .shape ++ {k} from N(mean[k], cov[k][k]);
 * the covariance is factored by .method (default Cholesky). */
typedef enum { NX_MVN_CHOLESKY, NX_MVN_SVD, NX_MVN_EIGH } nx_mvn_method;
typedef struct { nx_shape shape; nx_type type; nx_names names; nx_mvn_method method; } nx_mvn_opts;
NX_API nx_tensor *nx_random_multivariate_normal_(const nx_tensor *key, const nx_tensor *mean,
                                                 const nx_tensor *cov, nx_tensor **new_key, nx_mvn_opts o);
NX_API nx_tensor *nx_random_multivariate_normal_split_(const nx_tensor *key, const nx_tensor *mean,
                                                       const nx_tensor *cov, nx_mvn_opts o);
#define nx_random_multivariate_normal(key, mean, cov, new_key, ...) \
    nx_random_multivariate_normal_((key), (mean), (cov), (new_key), (nx_mvn_opts){ __VA_ARGS__ })
#define nx_random_multivariate_normal_split(key, mean, cov, ...) \
    nx_random_multivariate_normal_split_((key), (mean), (cov), (nx_mvn_opts){ __VA_ARGS__ })

#endif
