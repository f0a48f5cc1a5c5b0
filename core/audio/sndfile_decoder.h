#pragma once
// AudioDecoder backend on libsndfile 1.2 (WAV, AIFF, FLAC, Ogg Vorbis, Opus, MP3, CAF, AU ...).
// The file is read through sf_open_virtual on a descriptor we own, so libsndfile guesses the
// format from content only (its own extension fallback, e.g. "*.mp3 -> MPEG", never applies).

#include "core/audio/audio_decoder.h"
#include "core/audio/format_sniffer.h"

#include <memory>
#include <string>

namespace mp::audio {

/// Opens `path` with libsndfile; fails for anything libsndfile refuses or that yields no frames.
Result<std::unique_ptr<AudioDecoder>> openWithSndfile(const std::string& path,
                                                      const SniffedFormat& sniffed);

}  // namespace mp::audio
