#include "core/features/fft.h"

#include <fftw3.h>

#include <mutex>
#include <utility>

namespace mp::features {
namespace {
// FFTW's planner keeps global state and is not thread-safe; plan creation and destruction are
// serialised here (executing a plan is thread-safe). This lock is the only shared state.
std::mutex& plannerMutex() {
  static std::mutex m;
  return m;
}
}  // namespace

Result<RealFft> RealFft::create(int size) {
  if (size < 2 || size % 2 != 0) return fail("FFT size must be even and >= 2, got " + std::to_string(size));
  RealFft fft;
  fft.size_ = size;
  std::lock_guard<std::mutex> lock(plannerMutex());
  fft.in_ = fftwf_alloc_real(static_cast<std::size_t>(size));
  auto* out = fftwf_alloc_complex(static_cast<std::size_t>(size / 2 + 1));
  fft.out_ = out;
  if (fft.in_ == nullptr || out == nullptr) return fail("out of memory allocating FFT buffers");
  fftwf_plan plan = fftwf_plan_dft_r2c_1d(size, fft.in_, out, FFTW_ESTIMATE);
  if (plan == nullptr) return fail("FFTW could not plan a transform of size " + std::to_string(size));
  fft.plan_ = plan;
  for (int i = 0; i < size; ++i) fft.in_[i] = 0.0f;
  return fft;
}

RealFft::RealFft(RealFft&& other) noexcept
    : size_(std::exchange(other.size_, 0)),
      in_(std::exchange(other.in_, nullptr)),
      out_(std::exchange(other.out_, nullptr)),
      plan_(std::exchange(other.plan_, nullptr)) {}

RealFft& RealFft::operator=(RealFft&& other) noexcept {
  if (this != &other) {
    release();
    size_ = std::exchange(other.size_, 0);
    in_ = std::exchange(other.in_, nullptr);
    out_ = std::exchange(other.out_, nullptr);
    plan_ = std::exchange(other.plan_, nullptr);
  }
  return *this;
}

RealFft::~RealFft() { release(); }

void RealFft::release() {
  if (plan_ == nullptr && in_ == nullptr && out_ == nullptr) return;
  std::lock_guard<std::mutex> lock(plannerMutex());
  if (plan_ != nullptr) fftwf_destroy_plan(static_cast<fftwf_plan>(plan_));
  if (in_ != nullptr) fftwf_free(in_);
  if (out_ != nullptr) fftwf_free(out_);
  plan_ = nullptr;
  in_ = nullptr;
  out_ = nullptr;
}

void RealFft::execute() { fftwf_execute(static_cast<fftwf_plan>(plan_)); }

}  // namespace mp::features
