#pragma once
// A real-to-complex FFT of one fixed size (FFTW3, single precision). The plan and its aligned
// buffers are created once and reused for every frame; no allocation per transform.

#include "core/common/result.h"

#include <complex>
#include <memory>
#include <span>

namespace mp::features {

class RealFft {
 public:
  /// `size` must be even and >= 2. Plan creation goes through FFTW's (non-thread-safe) planner
  /// under a process-wide lock, so analysers may be created concurrently from scan workers.
  static Result<RealFft> create(int size);

  RealFft(RealFft&&) noexcept;
  RealFft& operator=(RealFft&&) noexcept;
  ~RealFft();

  int size() const { return size_; }
  /// Time-domain input buffer (size() floats, 64-byte aligned): fill it, then execute().
  std::span<float> input() { return {in_, static_cast<std::size_t>(size_)}; }
  /// Spectrum of the last execute(): size()/2 + 1 bins, bin k at k * sampleRate / size() Hz.
  std::span<const std::complex<float>> output() const {
    return {reinterpret_cast<const std::complex<float>*>(out_), static_cast<std::size_t>(size_ / 2 + 1)};
  }
  void execute();

 private:
  RealFft() = default;
  void release();

  int size_ = 0;
  float* in_ = nullptr;
  void* out_ = nullptr;   // fftwf_complex*
  void* plan_ = nullptr;  // fftwf_plan
};

}  // namespace mp::features
