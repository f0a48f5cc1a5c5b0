#pragma once
// Audio decoding: any supported file -> interleaved float PCM, and a streaming convenience that
// yields mono audio resampled to the analysis rate in reusable blocks.
//
// Backends: libsndfile (WAV, AIFF, FLAC, Ogg Vorbis, Opus, MP3) and FFmpeg's libraries
// (AAC/M4A/ALAC and anything libsndfile refuses). The format is detected from the file's
// content, never from its extension. Memory use does not grow with the song's length.

#include "core/common/cancel.h"
#include "core/common/result.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

namespace mp::audio {

struct AudioInfo {
  std::string codec;      ///< e.g. "pcm_s16", "flac", "vorbis", "opus", "mp3", "aac", "alac"
  std::string container;  ///< e.g. "wav", "aiff", "flac", "ogg", "mp3", "mp4"
  int sampleRate = 0;     ///< Hz, of the file
  int channels = 0;
  std::int64_t frames = 0;       ///< frames per channel as reported by the container; 0 if unknown
  double durationSeconds = 0.0;  ///< from the container; the decoder's count is authoritative
};

/// One open audio file. Obtain with AudioDecoder::open().
class AudioDecoder {
 public:
  virtual ~AudioDecoder() = default;

  /// Opens `path` with the backend its content calls for. Errors: missing, unreadable, a
  /// directory, empty, not audio, unsupported codec.
  static Result<std::unique_ptr<AudioDecoder>> open(const std::string& path);

  virtual const AudioInfo& info() const = 0;

  /// Reads up to `maxFrames` interleaved float frames (info().channels samples each, in
  /// [-1, 1]) into `out`. Returns the number of frames read; 0 means end of stream.
  virtual Result<std::size_t> read(float* out, std::size_t maxFrames) = 0;
};

struct DecodeOptions {
  int targetRate = 22050;          ///< output sample rate, Hz (8000..192000)
  std::size_t blockFrames = 8192;  ///< frames per block handed to the sink (256..1<<20)
  double maxSeconds = 0.0;         ///< stop after this much audio; 0 = the whole file
};

struct DecodeStats {
  AudioInfo info;                   ///< the source file's properties
  std::int64_t decodedFrames = 0;   ///< source frames actually decoded
  std::int64_t outputFrames = 0;    ///< mono frames at targetRate delivered to the sink
  double durationSeconds = 0.0;     ///< decodedFrames / info.sampleRate
};

/// Decodes `path`, downmixes to mono, resamples to options.targetRate, and hands the audio to
/// `sink` in blocks (the span is only valid during the call; buffers are reused). A file that
/// yields no audio at all is an error. Stops early (with an error) when `stop` is raised.
Result<DecodeStats> decodeMono(const std::string& path, const DecodeOptions& options,
                               const std::function<void(std::span<const float>)>& sink,
                               const StopFlag* stop = nullptr);

}  // namespace mp::audio
