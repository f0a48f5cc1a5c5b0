// AudioDecoder::open (content-based backend choice with fallback) and decodeMono (streaming
// decode -> mono downmix -> libsoxr resample -> fixed-size blocks).
//
// Shapes and units: the decoder yields interleaved float frames (channels samples each, full
// scale ±1) at the file's rate; decodeMono averages the channels (mono = Σ_c x_c / C), resamples
// to options.targetRate and hands blocks of exactly options.blockFrames samples to the sink
// (the last one may be shorter). Working memory is O(chunk + block), independent of length.

#include "core/audio/audio_decoder.h"

#include "core/audio/ffmpeg_decoder.h"
#include "core/audio/format_sniffer.h"
#include "core/audio/resampler.h"
#include "core/audio/sndfile_decoder.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace mp::audio {
namespace {

constexpr std::size_t kReadFrames = 8192;

Status validate(const DecodeOptions& o) {
  if (o.targetRate < 8000 || o.targetRate > 192000)
    return fail("decode options: targetRate must be in 8000..192000 Hz, got " + std::to_string(o.targetRate));
  if (o.blockFrames < 256 || o.blockFrames > (std::size_t{1} << 20))
    return fail("decode options: blockFrames must be in 256..1048576, got " + std::to_string(o.blockFrames));
  if (!std::isfinite(o.maxSeconds) || o.maxSeconds < 0)
    return fail("decode options: maxSeconds must be >= 0 (0 = whole file)");
  return {};
}

}  // namespace

Result<std::unique_ptr<AudioDecoder>> AudioDecoder::open(const std::string& path) {
  auto sniffed = sniffFormat(path);
  if (!sniffed) return sniffed.error();
  const SniffedFormat& s = *sniffed;
  if (!s.known) {
    // No magic we know: only a confident FFmpeg content probe may still claim it.
    auto viaFfmpeg = openWithFfmpeg(path, s);
    if (viaFfmpeg) return viaFfmpeg;
    return fail("cannot decode '" + path + "': not a recognised audio format");
  }
  auto first = s.preferred == Backend::Sndfile ? openWithSndfile(path, s) : openWithFfmpeg(path, s);
  if (first) return first;
  // No libsndfile fallback for Ogg: FFmpeg covers every Ogg codec libsndfile knows, and
  // libsndfile leaks inside libvorbis on broken Vorbis headers.
  if (s.container == "ogg") return fail("cannot decode '" + path + "' (ogg/" + s.codec + "): " + first.error().message);
  auto second = s.preferred == Backend::Sndfile ? openWithFfmpeg(path, s) : openWithSndfile(path, s);
  if (second) return second;
  std::string what = s.container;
  if (!s.codec.empty()) what += "/" + s.codec;
  return fail("cannot decode '" + path + "' (" + what + "): " + first.error().message);
}

Result<DecodeStats> decodeMono(const std::string& path, const DecodeOptions& options,
                               const std::function<void(std::span<const float>)>& sink,
                               const StopFlag* stop) {
  if (Status st = validate(options); !st) return st.error();
  if (stopRequested(stop)) return fail("decoding cancelled");
  auto opened = AudioDecoder::open(path);
  if (!opened) return opened.error();
  AudioDecoder& decoder = **opened;

  DecodeStats stats;
  stats.info = decoder.info();
  const auto channels = static_cast<std::size_t>(stats.info.channels);
  auto resampler = Resampler::create(stats.info.sampleRate, options.targetRate, 1);
  if (!resampler) return resampler.error();

  const std::int64_t limit =
      options.maxSeconds > 0
          ? std::max<std::int64_t>(1, std::llround(options.maxSeconds * stats.info.sampleRate))
          : -1;

  std::vector<float> interleaved(kReadFrames * channels);
  std::vector<float> mono(kReadFrames);
  std::vector<float> block;
  block.reserve(options.blockFrames);
  const auto deliver = [&](std::span<const float> out) {
    while (!out.empty()) {
      const std::size_t n = std::min(out.size(), options.blockFrames - block.size());
      block.insert(block.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
      out = out.subspan(n);
      if (block.size() == options.blockFrames) {
        sink(block);
        stats.outputFrames += static_cast<std::int64_t>(block.size());
        block.clear();
      }
    }
  };
  const Resampler::Sink deliverFn = deliver;

  while (limit < 0 || stats.decodedFrames < limit) {
    if (stopRequested(stop)) return fail("decoding cancelled");
    std::size_t want = kReadFrames;
    if (limit >= 0) want = static_cast<std::size_t>(std::min<std::int64_t>(want, limit - stats.decodedFrames));
    auto got = decoder.read(interleaved.data(), want);
    if (!got) return fail("error decoding '" + path + "': " + got.error().message);
    const std::size_t n = *got;
    if (n == 0) break;
    if (channels == 1) {
      std::copy_n(interleaved.data(), n, mono.data());
    } else {
      const float scale = 1.0f / static_cast<float>(channels);
      for (std::size_t i = 0; i < n; ++i) {
        const float* frame = interleaved.data() + i * channels;
        float sum = 0.0f;
        for (std::size_t c = 0; c < channels; ++c) sum += frame[c];
        mono[i] = sum * scale;
      }
    }
    stats.decodedFrames += static_cast<std::int64_t>(n);
    if (Status st = resampler->process(std::span<const float>(mono.data(), n), deliverFn); !st)
      return st.error();
  }
  if (stats.decodedFrames == 0) return fail("no audio could be decoded from '" + path + "'");
  if (Status st = resampler->flush(deliverFn); !st) return st.error();
  if (!block.empty()) {
    sink(block);
    stats.outputFrames += static_cast<std::int64_t>(block.size());
  }
  stats.durationSeconds = static_cast<double>(stats.decodedFrames) / stats.info.sampleRate;
  return stats;
}

}  // namespace mp::audio
