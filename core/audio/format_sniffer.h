#pragma once
// Content-based format detection: looks at a file's leading bytes (magic numbers, Ogg stream
// headers, MPEG/ADTS frame chains after an optional ID3v2 tag), never at its extension.
// Also the shared pre-flight checks that turn missing / unreadable / directory / empty paths
// into clear errors before any decoder library sees them.

#include "core/common/result.h"

#include <cstdint>
#include <span>
#include <string>

namespace mp::audio {

/// Which library should try a file first (the other one is the fallback).
enum class Backend { Sndfile, FFmpeg };

struct SniffedFormat {
  std::string container;  ///< "wav", "aiff", "flac", "ogg", "mp3", "mp4", "adts", "caf", ... or "unknown"
  std::string codec;      ///< best guess from the header ("vorbis", "opus", "mp3", ...), may be empty
  Backend preferred = Backend::FFmpeg;
  bool known = false;            ///< false: no magic recognised (FFmpeg may still probe it strictly)
  std::int64_t audioOffset = 0;  ///< bytes of leading ID3v2 tag(s) skipped before the audio data
};

/// Fails with a clear message when `path` is missing, not a regular file (e.g. a directory),
/// empty, or cannot be opened for reading. Returns the file size in bytes.
Result<std::int64_t> checkReadableFile(const std::string& path);

/// Identifies the format of `path` from its content (runs checkReadableFile first).
Result<SniffedFormat> sniffFormat(const std::string& path);

/// Same on an in-memory prefix of a file (`head` starts at byte 0, after nothing skipped);
/// `fileSize` tells whether `head` is the whole file. Exposed for tests.
SniffedFormat sniffBuffer(std::span<const std::uint8_t> head, std::int64_t fileSize);

}  // namespace mp::audio
