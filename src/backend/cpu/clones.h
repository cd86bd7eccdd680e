/* src/backend/cpu/clones.h: NXCPU_CLONES marks a hot loop that GCC also compiles for
 * AVX2, picked at load time on processors that have it (an ifunc); the operations and
 * their order are the same in both, so results are identical. Elsewhere (clang, other
 * architectures, sanitizer builds) it is empty. */
#ifndef NXCPU_CLONES_H
#define NXCPU_CLONES_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define NXCPU_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define NXCPU_CLONES
#endif

#endif
