#pragma once
// AudioDecoder backend on FFmpeg's libavformat/libavcodec/libswresample: AAC/M4A, ALAC, and a
// fallback for anything libsndfile refuses. The demuxer is chosen by probing the content with
// no file name (so an extension never decides), and only the "file" protocol is allowed.
// FFmpeg's own logging is silenced.

#include "core/audio/audio_decoder.h"
#include "core/audio/format_sniffer.h"

#include <memory>
#include <string>

namespace mp::audio {

/// Opens `path` with FFmpeg. When `sniffed.known` is false the content probe must be confident
/// (score >= AVPROBE_SCORE_RETRY), so random bytes are rejected instead of "decoded".
Result<std::unique_ptr<AudioDecoder>> openWithFfmpeg(const std::string& path,
                                                     const SniffedFormat& sniffed);

}  // namespace mp::audio
