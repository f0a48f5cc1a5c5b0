#pragma once
// Playlist files: extended M3U (UTF-8, "#EXTINF:<seconds>,<artist> - <title>") and XSPF
// (XML, file:// URIs percent-encoded per RFC 3986, text XML-escaped). Writers and readers.

#include "core/common/result.h"

#include <string>
#include <vector>

namespace mp::library {

struct PlaylistTrack {
  std::string path;  ///< absolute file path
  std::string artist;
  std::string title;
  std::string album;
  double durationSeconds = 0.0;  ///< 0 = unknown
};

enum class PlaylistFormat { M3u, Xspf };

/// "m3u"/"m3u8" or "xspf" (case-insensitive).
Result<PlaylistFormat> parsePlaylistFormat(const std::string& name);

std::string writeM3u(const std::vector<PlaylistTrack>& tracks);
/// Relative entries are resolved against `baseDir`; file:// URIs are decoded.
Result<std::vector<PlaylistTrack>> readM3u(const std::string& text, const std::string& baseDir);

std::string writeXspf(const std::vector<PlaylistTrack>& tracks, const std::string& title);
Result<std::vector<PlaylistTrack>> readXspf(const std::string& text);

/// file:///a%20b/c (percent-encodes everything but unreserved characters and '/').
std::string fileUri(const std::string& absolutePath);
/// Inverse of fileUri; an error for anything but a well-formed local file URI.
Result<std::string> pathFromFileUri(const std::string& uri);

std::string xmlEscape(const std::string& text);

/// Writes the playlist atomically (temporary file + rename).
Status savePlaylistFile(const std::string& path, const std::vector<PlaylistTrack>& tracks,
                        PlaylistFormat format, const std::string& title = "Moodplane");
/// Reads a playlist, the format from its content (XSPF starts with XML), else M3U.
Result<std::vector<PlaylistTrack>> loadPlaylistFile(const std::string& path);

}  // namespace mp::library
