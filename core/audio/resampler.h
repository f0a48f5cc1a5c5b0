#pragma once
// Streaming sample-rate conversion with libsoxr (HQ recipe, single-threaded), for float audio.
// Feed chunks with process(); call flush() once at the end to drain the filter's delay line.
// Output is handed to a callback in spans that stay valid only during the call; the internal
// buffer is reused, so memory does not grow with the stream's length.
//
// Output length: after flush(), total output ≈ round(totalInput · outRate / inRate) frames.

#include "core/common/result.h"

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <vector>

struct soxr;

namespace mp::audio {

class Resampler {
 public:
  using Sink = std::function<void(std::span<const float>)>;

  /// rates in Hz (> 0), channels >= 1. Equal rates give a pass-through that copies nothing.
  static Result<Resampler> create(double inRate, double outRate, int channels = 1);

  /// Resamples `in` (interleaved, whole frames) and hands any output produced to `sink`.
  Status process(std::span<const float> in, const Sink& sink);
  /// Drains the remaining output at end of stream. Call once; then the object is finished.
  Status flush(const Sink& sink);

  bool passThrough() const { return !soxr_; }

 private:
  struct SoxrDeleter {
    void operator()(soxr* s) const;
  };
  Resampler() = default;

  std::unique_ptr<soxr, SoxrDeleter> soxr_;
  int channels_ = 1;
  double ratio_ = 1.0;
  std::vector<float> out_;
};

}  // namespace mp::audio
