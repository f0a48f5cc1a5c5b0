#pragma once
// Overlapping frames from a stream of sample blocks of any size: the song-level passes
// (harmony.h, spectral_profile.h) see frames t·hop .. t·hop + frameSize − 1, whatever the
// decoder's block size.

#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

namespace mp::features {

/// Appends `samples` to `pending` (the samples not yet consumed by a full frame) and calls
/// onFrame(pending) each time it holds `frameSize` samples, then drops its first `hop`.
/// Requires 0 < hop <= frameSize.
template <class OnFrame>
void slideFrames(std::vector<float>& pending, std::size_t frameSize, std::size_t hop,
                 std::span<const float> samples, OnFrame&& onFrame) {
  std::size_t at = 0;
  while (at < samples.size()) {
    const std::size_t take = std::min(samples.size() - at, frameSize - pending.size());
    pending.insert(pending.end(), samples.begin() + static_cast<std::ptrdiff_t>(at),
                   samples.begin() + static_cast<std::ptrdiff_t>(at + take));
    at += take;
    if (pending.size() == frameSize) {
      onFrame(static_cast<const std::vector<float>&>(pending));
      pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(hop));
    }
  }
}

}  // namespace mp::features
