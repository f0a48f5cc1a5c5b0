#include "core/mood/labels.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace mp::mood {
namespace {

std::string trim(std::string s) {
  auto notSpace = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
  s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

std::vector<std::string> splitCsv(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
      cur.push_back(c);
    } else if (c == ',' && !quoted) {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(trim(cur));
  return out;
}

bool parseNumber(const std::string& s, double& out) {
  const char* b = s.data();
  const char* e = s.data() + s.size();
  auto [p, ec] = std::from_chars(b, e, out);
  return ec == std::errc() && p == e && std::isfinite(out);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<LabelFormat> parseLabelFormat(const std::string& name) {
  if (name == "4q-va") return LabelFormat::FourQVa;
  if (name == "pmemo") return LabelFormat::Pmemo;
  if (name == "deam") return LabelFormat::Deam;
  return fail("unknown label format '" + name + "' (expected 4q-va, pmemo or deam)");
}

const char* labelFormatName(LabelFormat f) {
  switch (f) {
    case LabelFormat::FourQVa: return "4q-va";
    case LabelFormat::Pmemo: return "pmemo";
    case LabelFormat::Deam: return "deam";
  }
  return "?";
}

int quadrantOf(double valence, double arousal) {
  const bool pv = valence >= 0.5;
  const bool pa = arousal >= 0.5;
  if (pv && pa) return 1;
  if (!pv && pa) return 2;
  if (!pv && !pa) return 3;
  return 4;
}

Result<std::vector<LabelRow>> readLabelFile(const std::string& csvPath, LabelFormat format) {
  std::ifstream in(csvPath);
  if (!in) return fail("cannot read label file " + csvPath);
  std::string line;
  if (!std::getline(in, line)) return fail("label file is empty: " + csvPath);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.size() >= 3 && static_cast<unsigned char>(line[0]) == 0xEF) line = line.substr(3);  // BOM
  const auto header = splitCsv(line);
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < header.size(); ++i) col[lower(header[i])] = i;
  std::string idCol, vCol, aCol, qCol;
  double offset = 0.0, scale = 1.0;
  switch (format) {
    case LabelFormat::FourQVa: idCol = "song"; vCol = "valence"; aCol = "arousal"; qCol = "quadrant"; break;
    case LabelFormat::Pmemo: idCol = "musicid"; vCol = "valence(mean)"; aCol = "arousal(mean)"; break;
    case LabelFormat::Deam: idCol = "song_id"; vCol = "valence_mean"; aCol = "arousal_mean"; offset = 1.0; scale = 1.0 / 8.0; break;
  }
  for (const auto& c : {idCol, vCol, aCol}) {
    if (!col.count(c)) {
      return fail(csvPath + ": missing column '" + c + "' for label format " + labelFormatName(format));
    }
  }
  std::vector<LabelRow> rows;
  int lineNo = 1;
  while (std::getline(in, line)) {
    ++lineNo;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) continue;
    const auto f = splitCsv(line);
    auto get = [&](const std::string& c) -> std::string {
      const std::size_t i = col.at(c);
      return i < f.size() ? f[i] : std::string();
    };
    LabelRow r;
    r.id = get(idCol);
    double v = 0.0, a = 0.0;
    if (r.id.empty() || !parseNumber(get(vCol), v) || !parseNumber(get(aCol), a)) {
      return fail(csvPath + ":" + std::to_string(lineNo) + ": malformed row");
    }
    r.valence = std::clamp((v - offset) * scale, 0.0, 1.0);
    r.arousal = std::clamp((a - offset) * scale, 0.0, 1.0);
    if (!qCol.empty() && col.count(qCol)) r.quadrant = get(qCol);
    if (r.quadrant.empty()) r.quadrant = "Q" + std::to_string(quadrantOf(r.valence, r.arousal));
    rows.push_back(std::move(r));
  }
  if (rows.empty()) return fail("label file has no rows: " + csvPath);
  return rows;
}

Result<LabelledSet> readLabelledSet(const std::string& csvPath, LabelFormat format,
                                    const std::string& audioDir) {
  auto rows = readLabelFile(csvPath, format);
  if (!rows) return rows.error();
  std::error_code ec;
  if (!fs::is_directory(audioDir, ec)) return fail("audio folder not found: " + audioDir);
  // stem -> file, preferring common audio extensions in this order.
  static const char* const kPreferred[] = {".mp3", ".wav", ".flac", ".ogg", ".opus", ".m4a", ".aac", ".aiff"};
  auto rank = [](const std::string& ext) {
    for (std::size_t i = 0; i < std::size(kPreferred); ++i) {
      if (ext == kPreferred[i]) return static_cast<int>(i);
    }
    return 100;
  };
  std::map<std::string, std::pair<int, fs::path>> byStem;
  for (const auto& e : fs::directory_iterator(audioDir, ec)) {
    if (!e.is_regular_file(ec)) continue;
    const std::string ext = lower(e.path().extension().string());
    const int r = rank(ext);
    if (r == 100 && ext != ".mp4" && ext != ".wma") continue;
    const std::string stem = e.path().stem().string();
    auto it = byStem.find(stem);
    if (it == byStem.end() || r < it->second.first) byStem[stem] = {r, e.path()};
  }
  if (ec) return fail("cannot list audio folder " + audioDir + ": " + ec.message());
  LabelledSet out;
  for (auto& r : *rows) {
    auto it = byStem.find(r.id);
    if (it == byStem.end()) {
      out.missingAudio.push_back(r.id);
      continue;
    }
    out.songs.push_back({std::move(r), fs::absolute(it->second.second).lexically_normal().string()});
  }
  return out;
}

}  // namespace mp::mood
