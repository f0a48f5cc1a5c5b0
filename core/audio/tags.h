#pragma once
// Song metadata through TagLib. Missing tags are empty strings / zero.

#include "core/common/result.h"

#include <string>

namespace mp::audio {

struct Tags {
  std::string title;
  std::string artist;
  std::string album;
  std::string genre;
  int year = 0;
  int track = 0;
  double durationSeconds = 0.0;  ///< TagLib's estimate; trust the decoder's length over it
};

/// Reads the tags of `path`. A file TagLib cannot parse yields an error, never a crash.
Result<Tags> readTags(const std::string& path);

}  // namespace mp::audio
