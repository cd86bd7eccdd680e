/* include/nx/fft.h: the FFT family (spec/functions.md §18) on FFTW. Outputs are
 * to_complex(T) (irfft: to_real); names are the input's; vectorized tensors are
 * transformed per entry. Each returns a new tensor, or NULL with an error. */
#ifndef NX_FFT_H
#define NX_FFT_H

#include "tensor.h"

/* .length: 0 for the axis size, NX_POWER_OF_TWO for the next power of two >= it, else
 * the length the axis is zero-padded or truncated to first. .eps: result parts with
 * |x| <= eps become 0 (0 means Nx's default 1.0e-10; a negative eps flushes nothing). */
#define NX_POWER_OF_TWO (-1)
typedef struct { int64_t length; nx_axis axis; double eps; } nx_fft_opts;

/* Nx.fft / Nx.ifft along .axis (default -1): X_k = Σ x_n e^(∓2πikn/N), ifft divided by N. */
NX_API nx_tensor *nx_fft_(const nx_tensor *t, nx_fft_opts o);
NX_API nx_tensor *nx_ifft_(const nx_tensor *t, nx_fft_opts o);
#define nx_fft(t, ...) nx_fft_((t), (nx_fft_opts){ __VA_ARGS__ })
#define nx_ifft(t, ...) nx_ifft_((t), (nx_fft_opts){ __VA_ARGS__ })

/* Nx.rfft: real input, the first div(length, 2) + 1 bins of the fft. Nx.irfft: the real
 * signal of length .length (default 2·(bins - 1)) whose one-sided spectrum t is. */
NX_API nx_tensor *nx_rfft_(const nx_tensor *t, nx_fft_opts o);
NX_API nx_tensor *nx_irfft_(const nx_tensor *t, nx_fft_opts o);
#define nx_rfft(t, ...) nx_rfft_((t), (nx_fft_opts){ __VA_ARGS__ })
#define nx_irfft(t, ...) nx_irfft_((t), (nx_fft_opts){ __VA_ARGS__ })

/* Nx.fft2 / Nx.ifft2 over .axes (default [-2, -1]) with .lengths as .length above. */
typedef struct { int64_t lengths[2]; nx_axes axes; double eps; } nx_fft2_opts;
NX_API nx_tensor *nx_fft2_(const nx_tensor *t, nx_fft2_opts o);
NX_API nx_tensor *nx_ifft2_(const nx_tensor *t, nx_fft2_opts o);
#define nx_fft2(t, ...) nx_fft2_((t), (nx_fft2_opts){ __VA_ARGS__ })
#define nx_ifft2(t, ...) nx_ifft2_((t), (nx_fft2_opts){ __VA_ARGS__ })

#endif
