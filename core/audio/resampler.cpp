// Streaming libsoxr wrapper. See resampler.h.

#include "core/audio/resampler.h"

#include <soxr.h>

#include <cmath>
#include <string>

namespace mp::audio {

void Resampler::SoxrDeleter::operator()(soxr* s) const { soxr_delete(s); }

Result<Resampler> Resampler::create(double inRate, double outRate, int channels) {
  if (!(inRate > 0) || !(outRate > 0) || channels < 1)
    return fail("resampler: rates must be positive and channels >= 1");
  Resampler r;
  r.channels_ = channels;
  r.ratio_ = outRate / inRate;
  if (inRate == outRate) return r;
  soxr_error_t err = nullptr;
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
  const soxr_runtime_spec_t rt = soxr_runtime_spec(1);  // the caller owns the threading
  soxr_t s = soxr_create(inRate, outRate, static_cast<unsigned>(channels), &err, &io, &q, &rt);
  if (err != nullptr || s == nullptr) {
    if (s != nullptr) soxr_delete(s);
    return fail(std::string("resampler: ") + (err != nullptr ? err : "soxr_create failed"));
  }
  r.soxr_.reset(s);
  return r;
}

Status Resampler::process(std::span<const float> in, const Sink& sink) {
  const auto ch = static_cast<std::size_t>(channels_);
  std::size_t frames = in.size() / ch;
  if (frames == 0) return {};
  if (!soxr_) {
    sink(in.first(frames * ch));
    return {};
  }
  const std::size_t cap = static_cast<std::size_t>(std::ceil(static_cast<double>(frames) * ratio_)) + 64;
  if (out_.size() < cap * ch) out_.resize(cap * ch);
  const float* src = in.data();
  while (frames > 0) {
    std::size_t used = 0;
    std::size_t made = 0;
    soxr_error_t err = soxr_process(soxr_.get(), src, frames, &used, out_.data(), cap, &made);
    if (err != nullptr) return fail(std::string("resampler: ") + err);
    if (made > 0) sink(std::span<const float>(out_.data(), made * ch));
    src += used * ch;
    frames -= used;
    if (used == 0 && made == 0) break;  // cannot happen with a fresh output buffer; be safe
  }
  return {};
}

Status Resampler::flush(const Sink& sink) {
  if (!soxr_) return {};
  const auto ch = static_cast<std::size_t>(channels_);
  const std::size_t cap = 4096;
  if (out_.size() < cap * ch) out_.resize(cap * ch);
  while (true) {
    std::size_t made = 0;
    soxr_error_t err = soxr_process(soxr_.get(), nullptr, 0, nullptr, out_.data(), cap, &made);
    if (err != nullptr) return fail(std::string("resampler: ") + err);
    if (made == 0) break;
    sink(std::span<const float>(out_.data(), made * ch));
  }
  return {};
}

}  // namespace mp::audio
