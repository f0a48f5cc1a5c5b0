#include "core/library/playlist_io.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace mp::library {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string oneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void appendUtf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

Result<std::string> xmlUnescape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const std::size_t semi = s.find(';', i);
    if (semi == std::string::npos || semi - i > 12) return fail("malformed XML entity");
    const std::string ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp") out += '&';
    else if (ent == "lt") out += '<';
    else if (ent == "gt") out += '>';
    else if (ent == "quot") out += '"';
    else if (ent == "apos") out += '\'';
    else if (ent.size() > 1 && ent[0] == '#') {
      unsigned long cp = 0;
      const bool hex = ent[1] == 'x' || ent[1] == 'X';
      const std::string digits = ent.substr(hex ? 2 : 1);
      if (digits.empty()) return fail("malformed XML character reference");
      for (char c : digits) {
        const int v = hex ? hexValue(c) : (std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : -1);
        if (v < 0) return fail("malformed XML character reference");
        cp = cp * (hex ? 16 : 10) + static_cast<unsigned long>(v);
        if (cp > 0x10FFFF) return fail("malformed XML character reference");
      }
      // XML 1.0 allows no NUL and no UTF-16 surrogate code points.
      if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return fail("malformed XML character reference");
      appendUtf8(out, cp);
    } else {
      return fail("unknown XML entity &" + ent + ";");
    }
    i = semi;
  }
  return out;
}

/// A duration read from a playlist, or 0 (unknown) when it is not a plausible length in seconds
/// (negative, NaN, infinite, or beyond 10^9 s, which no writer could round to an integer).
double plausibleDuration(double seconds) {
  return std::isfinite(seconds) && seconds > 0 && seconds < 1e9 ? seconds : 0.0;
}

/// Text content of the first <tag>...</tag> inside `block` (CDATA allowed); nullopt if absent.
Result<std::optional<std::string>> elementText(const std::string& block, const std::string& tag) {
  const std::string open = "<" + tag;
  std::size_t pos = 0;
  while ((pos = block.find(open, pos)) != std::string::npos) {
    const char next = pos + open.size() < block.size() ? block[pos + open.size()] : '\0';
    if (next == '>' || next == ' ' || next == '/' || next == '\t' || next == '\n') break;
    pos += open.size();
  }
  if (pos == std::string::npos) return std::optional<std::string>{};
  const std::size_t gt = block.find('>', pos);
  if (gt == std::string::npos) return fail("malformed XML near <" + tag + ">");
  if (block[gt - 1] == '/') return std::optional<std::string>{std::string()};
  const std::string close = "</" + tag + ">";
  const std::size_t end = block.find(close, gt);
  if (end == std::string::npos) return fail("missing </" + tag + ">");
  std::string raw = block.substr(gt + 1, end - gt - 1);
  if (raw.rfind("<![CDATA[", 0) == 0 && raw.size() >= 12 && raw.compare(raw.size() - 3, 3, "]]>") == 0) {
    return std::optional<std::string>{raw.substr(9, raw.size() - 12)};
  }
  auto text = xmlUnescape(raw);
  if (!text) return text.error();
  return std::optional<std::string>{*text};
}

}  // namespace

Result<PlaylistFormat> parsePlaylistFormat(const std::string& name) {
  const std::string n = lower(name);
  if (n == "m3u" || n == "m3u8") return PlaylistFormat::M3u;
  if (n == "xspf") return PlaylistFormat::Xspf;
  return fail("unknown playlist format \"" + name + "\" (m3u or xspf)");
}

std::string xmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters other than tab/newline are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string fileUri(const std::string& absolutePath) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "file://";
  for (char ch : absolutePath) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<std::string> pathFromFileUri(const std::string& uri) {
  std::string rest;
  if (uri.rfind("file://", 0) == 0) {
    rest = uri.substr(7);
    if (rest.rfind("localhost/", 0) == 0) rest = rest.substr(9);
  } else if (uri.rfind("file:/", 0) == 0) {
    rest = uri.substr(5);
  } else {
    return fail("not a file URI: " + uri);
  }
  if (rest.empty() || rest[0] != '/') return fail("not a local file URI: " + uri);
  std::string out;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%') {
      if (i + 2 >= rest.size() + 0 || hexValue(rest[i + 1]) < 0 || hexValue(rest[i + 2]) < 0) {
        return fail("malformed percent-encoding in " + uri);
      }
      const int byte = hexValue(rest[i + 1]) * 16 + hexValue(rest[i + 2]);
      if (byte == 0) return fail("a file path cannot contain %00: " + uri);
      out += static_cast<char>(byte);
      i += 2;
    } else {
      out += rest[i];
    }
  }
  return out;
}

std::string writeM3u(const std::vector<PlaylistTrack>& tracks) {
  std::ostringstream out;
  out << "#EXTM3U\n";
  for (const auto& t : tracks) {
    // -1 = unknown; a duration that rounds to 0 s would read back as unknown, so write that.
    const long rounded = t.durationSeconds > 0 ? std::lround(t.durationSeconds) : 0;
    const long secs = rounded > 0 ? rounded : -1;
    std::string label;
    if (!t.artist.empty() && !t.title.empty()) {
      label = t.artist + " - " + t.title;
    } else if (!t.title.empty()) {
      label = t.title;
    } else {
      label = fs::path(t.path).stem().string();
    }
    out << "#EXTINF:" << secs << ',' << oneLine(label) << '\n' << oneLine(t.path) << '\n';
  }
  return out.str();
}

Result<std::vector<PlaylistTrack>> readM3u(const std::string& text, const std::string& baseDir) {
  std::vector<PlaylistTrack> out;
  std::istringstream in(text);
  std::string line;
  PlaylistTrack pending;
  bool havePending = false;
  std::size_t lineNo = 0;
  while (std::getline(in, line)) {
    ++lineNo;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (lineNo == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line = line.substr(3);  // BOM
    if (line.find('\0') != std::string::npos) return fail("not a playlist (binary data)");
    if (trim(line).empty()) continue;
    if (line[0] == '#') {
      if (line.rfind("#EXTINF:", 0) == 0) {
        const std::size_t comma = line.find(',');
        if (comma == std::string::npos) return fail("malformed #EXTINF at line " + std::to_string(lineNo));
        pending = PlaylistTrack{};
        havePending = true;
        try {
          pending.durationSeconds = plausibleDuration(std::stod(line.substr(8, comma - 8)));
        } catch (const std::exception&) {
          return fail("malformed #EXTINF duration at line " + std::to_string(lineNo));
        }
        const std::string label = line.substr(comma + 1);
        const std::size_t dash = label.find(" - ");
        // "Artist - Title" only when both sides are non-empty; else the whole label is the title.
        if (dash == std::string::npos || dash == 0 || dash + 3 == label.size()) {
          pending.title = label;
        } else {
          pending.artist = label.substr(0, dash);
          pending.title = label.substr(dash + 3);
        }
      }
      continue;
    }
    PlaylistTrack t = havePending ? pending : PlaylistTrack{};
    havePending = false;
    if (line.rfind("file:", 0) == 0) {
      auto p = pathFromFileUri(line);
      if (!p) return p.error();
      t.path = *p;
    } else if (line[0] == '/') {
      t.path = line;
    } else {
      t.path = (fs::path(baseDir) / line).lexically_normal().string();
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::string writeXspf(const std::vector<PlaylistTrack>& tracks, const std::string& title) {
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\">\n"
      << "  <title>" << xmlEscape(title) << "</title>\n"
      << "  <trackList>\n";
  for (const auto& t : tracks) {
    out << "    <track>\n"
        << "      <location>" << xmlEscape(fileUri(t.path)) << "</location>\n";
    if (!t.title.empty()) out << "      <title>" << xmlEscape(t.title) << "</title>\n";
    if (!t.artist.empty()) out << "      <creator>" << xmlEscape(t.artist) << "</creator>\n";
    if (!t.album.empty()) out << "      <album>" << xmlEscape(t.album) << "</album>\n";
    if (const long long ms = t.durationSeconds > 0 ? std::llround(t.durationSeconds * 1000.0) : 0; ms > 0) {
      out << "      <duration>" << ms << "</duration>\n";
    }
    out << "    </track>\n";
  }
  out << "  </trackList>\n</playlist>\n";
  return out.str();
}

Result<std::vector<PlaylistTrack>> readXspf(const std::string& text) {
  if (text.find('\0') != std::string::npos) return fail("not a playlist (binary data)");
  const std::size_t root = text.find("<playlist");
  if (root == std::string::npos || text.find("</playlist>", root) == std::string::npos) {
    return fail("not an XSPF playlist (no <playlist> element)");
  }
  std::vector<PlaylistTrack> out;
  std::size_t pos = root;
  for (;;) {
    std::size_t open = text.find("<track>", pos);
    if (open == std::string::npos) break;
    const std::size_t close = text.find("</track>", open);
    if (close == std::string::npos) return fail("malformed XSPF: missing </track>");
    const std::string block = text.substr(open + 7, close - open - 7);
    pos = close + 8;
    auto loc = elementText(block, "location");
    if (!loc) return loc.error();
    if (!loc->has_value()) continue;  // a track without a location cannot be played
    PlaylistTrack t;
    const std::string uri = trim(**loc);
    if (uri.rfind("file:", 0) == 0) {
      auto p = pathFromFileUri(uri);
      if (!p) return p.error();
      t.path = *p;
    } else if (!uri.empty() && uri[0] == '/') {
      t.path = uri;  // a bare absolute path (not a URI, but common)
    } else {
      continue;  // empty, remote (http:…) or relative: not a local file Moodplane can play
    }
    for (auto [tag, field] : {std::pair{"title", &t.title}, std::pair{"creator", &t.artist},
                              std::pair{"album", &t.album}}) {
      auto v = elementText(block, tag);
      if (!v) return v.error();
      if (v->has_value()) *field = **v;
    }
    auto dur = elementText(block, "duration");
    if (!dur) return dur.error();
    if (dur->has_value()) {
      try {
        t.durationSeconds = plausibleDuration(std::stod(trim(**dur)) / 1000.0);
      } catch (const std::exception&) {
        return fail("malformed XSPF duration \"" + **dur + "\"");
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

Status savePlaylistFile(const std::string& path, const std::vector<PlaylistTrack>& tracks,
                        PlaylistFormat format, const std::string& title) {
  const std::string text = format == PlaylistFormat::M3u ? writeM3u(tracks) : writeXspf(tracks, title);
  const std::string tmp = path + ".tmp-moodplane";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return fail("cannot write " + path);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      return fail("cannot write " + path + " (disk full?)");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return fail("cannot write " + path + ": " + ec.message());
  }
  return {};
}

Result<std::vector<PlaylistTrack>> loadPlaylistFile(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return fail("cannot read playlist " + path + ": not a file");
  const auto size = fs::file_size(path, ec);
  if (ec || size > (64u << 20)) return fail("cannot read playlist " + path + " (too large or unreadable)");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read playlist " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string head = trim(text.substr(0, 256));
  if (head.rfind("<?xml", 0) == 0 || head.rfind("<playlist", 0) == 0) return readXspf(text);
  return readM3u(text, fs::path(path).parent_path().string());
}

}  // namespace mp::library
