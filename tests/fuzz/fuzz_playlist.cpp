// libFuzzer target: the playlist reader and writer. The input is parsed as M3U and as XSPF;
// whatever parses is written back and re-parsed, which must succeed with the same number of
// tracks and write the identical text again (write∘read is idempotent after one pass).

#include "core/library/playlist_io.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using mp::library::PlaylistTrack;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

void m3uRoundTrip(const std::vector<PlaylistTrack>& tracks) {
  const std::string first = mp::library::writeM3u(tracks);
  auto again = mp::library::readM3u(first, "/music");
  check(again.ok());
  check(again->size() == tracks.size());
  check(mp::library::writeM3u(*again) == first);
}

void xspfRoundTrip(const std::vector<PlaylistTrack>& tracks) {
  const std::string first = mp::library::writeXspf(tracks, "fuzz");
  auto again = mp::library::readXspf(first);
  check(again.ok());
  check(again->size() == tracks.size());
  check(mp::library::writeXspf(*again, "fuzz") == first);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (auto m3u = mp::library::readM3u(text, "/music")) {
    m3uRoundTrip(*m3u);
    xspfRoundTrip(*m3u);
  }
  if (auto xspf = mp::library::readXspf(text)) {
    xspfRoundTrip(*xspf);
    m3uRoundTrip(*xspf);
  }
  (void)mp::library::pathFromFileUri(text);
  return 0;
}
