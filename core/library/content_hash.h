#pragma once
// Content hash of an audio file, used by the scanner to recognise moved files and tag-only edits.
//
// The hash covers the AUDIO PAYLOAD where that is cheap to find, so editing tags does not look
// like new audio:
//   - MP3 and anything else: a leading ID3v2 tag (with its footer), a trailing ID3v1 tag and a
//     trailing APEv2 tag are skipped;
//   - FLAC: the metadata blocks (Vorbis comments, pictures, padding) are skipped;
//   - WAV (RIFF/RF64) and AIFF: only the "data" / "SSND" chunk is hashed (LIST/INFO, id3 chunks
//     are ignored).
// Limitation: Ogg (Vorbis/Opus) comments and MP4/M4A atoms are hashed with the audio, so a tag edit
// in those containers counts as a content change (the file is re-analysed).
// Speed: payloads up to 3 MiB are hashed entirely; longer ones through their first, middle and last
// MiB plus the payload length (≈ 3 MiB read per file whatever its size).
// The hash is XXH64 (chained over 64 KiB chunks); the string is "h1:<16 hex>:<payload bytes>".

#include "core/common/result.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace mp::library {

/// XXH64 of a byte range (reference algorithm by Yann Collet).
std::uint64_t xxh64(const void* data, std::size_t bytes, std::uint64_t seed = 0);

struct PayloadRange {
  std::int64_t offset = 0;
  std::int64_t length = 0;
};

/// The byte range of `path` holding the audio payload (see above); the whole file when unknown.
Result<PayloadRange> audioPayloadRange(const std::string& path);

/// The content hash of `path` (see above). Errors: unreadable or missing file.
Result<std::string> contentHash(const std::string& path);

}  // namespace mp::library
