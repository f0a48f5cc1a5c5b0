#include "core/library/ratings_csv.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>

namespace mp::library {
namespace {

constexpr std::size_t kMaxFileBytes = 64u << 20;  // 64 MiB: far beyond any listener's ratings

struct Record {
  std::size_t line = 0;
  std::vector<std::string> fields;
};

/// RFC 4180 records of `text`. A quote left open at the end is reported via `unterminated`.
std::vector<Record> splitRecords(std::string_view text, std::optional<std::size_t>& unterminated) {
  std::vector<Record> out;
  std::size_t line = 1;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    Record rec;
    rec.line = line;
    std::string field;
    bool inQuotes = false;
    bool endOfRecord = false;
    while (i < n && !endOfRecord) {
      const char c = text[i];
      if (inQuotes) {
        if (c == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            field += '"';
            i += 2;
          } else {
            inQuotes = false;
            ++i;
          }
        } else {
          if (c == '\n') ++line;
          field += c;
          ++i;
        }
        continue;
      }
      if (c == '"' && std::all_of(field.begin(), field.end(), [](char f) { return f == ' ' || f == '\t'; })) {
        field.clear();
        inQuotes = true;
        ++i;
      } else if (c == ',') {
        rec.fields.push_back(std::move(field));
        field.clear();
        ++i;
      } else if (c == '\r' || c == '\n') {
        if (c == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
        endOfRecord = true;
      } else {
        field += c;
        ++i;
      }
    }
    if (inQuotes) unterminated = rec.line;
    rec.fields.push_back(std::move(field));
    // Blank lines are not records.
    if (!(rec.fields.size() == 1 && rec.fields[0].find_first_not_of(" \t") == std::string::npos)) {
      out.push_back(std::move(rec));
    }
  }
  return out;
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// A number in [0, 1], or why not.
Result<double> unitNumber(const std::string& raw, const char* what) {
  const std::string s = trim(raw);
  if (s.empty()) return fail(std::string(what) + " is empty");
  double v = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) {
    return fail(std::string(what) + " \"" + s.substr(0, 40) + "\" is not a number");
  }
  if (v < 0.0 || v > 1.0) return fail(std::string(what) + " " + s.substr(0, 40) + " is outside [0, 1]");
  return v;
}

std::string quoteField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos && (s.empty() || (s.front() != ' ' && s.back() != ' '))) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + '"';
}

std::string number(double v) {
  std::array<char, 64> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return ec == std::errc() ? std::string(buf.data(), end) : std::string("nan");
}

std::string tagKey(const std::string& artist, const std::string& title) {
  return lower(trim(artist)) + '\x1f' + lower(trim(title));
}

}  // namespace

Result<ParsedRatingsCsv> parseRatingsCsv(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (text.find('\0') != std::string_view::npos) return fail("not a text file (contains NUL bytes)");
  std::optional<std::size_t> unterminated;
  const std::vector<Record> records = splitRecords(text, unterminated);
  if (records.empty()) return fail("empty file: expected the header path,title,artist,valence,arousal");
  std::map<std::string, std::size_t> column;
  for (std::size_t c = 0; c < records[0].fields.size(); ++c) column.emplace(lower(trim(records[0].fields[c])), c);
  auto col = [&](const char* name) -> std::optional<std::size_t> {
    auto it = column.find(name);
    return it == column.end() ? std::nullopt : std::optional<std::size_t>(it->second);
  };
  const auto cPath = col("path"), cTitle = col("title"), cArtist = col("artist"), cV = col("valence"),
             cA = col("arousal");
  if (!cV || !cA || (!cPath && !(cTitle && cArtist))) {
    return fail("line " + std::to_string(records[0].line) +
                ": the header must name valence, arousal and path or title + artist "
                "(path,title,artist,valence,arousal)");
  }
  ParsedRatingsCsv out;
  const std::size_t width = records[0].fields.size();
  for (std::size_t r = 1; r < records.size(); ++r) {
    const Record& rec = records[r];
    if (unterminated && rec.line == *unterminated) continue;  // reported once, below
    auto problem = [&](std::string m) { out.problems.push_back({rec.line, std::move(m)}); };
    if (rec.fields.size() != width) {
      problem(std::to_string(rec.fields.size()) + " fields, the header has " + std::to_string(width));
      continue;
    }
    RatingsCsvRow row;
    row.line = rec.line;
    if (cPath) row.path = trim(rec.fields[*cPath]);
    if (cTitle) row.title = rec.fields[*cTitle];
    if (cArtist) row.artist = rec.fields[*cArtist];
    auto v = unitNumber(rec.fields[*cV], "valence");
    auto a = unitNumber(rec.fields[*cA], "arousal");
    if (!v) {
      problem(v.error().message);
      continue;
    }
    if (!a) {
      problem(a.error().message);
      continue;
    }
    row.valence = *v;
    row.arousal = *a;
    if (row.path.empty() && (trim(row.title).empty() || trim(row.artist).empty())) {
      problem("neither a path nor both artist and title");
      continue;
    }
    out.rows.push_back(std::move(row));
  }
  if (unterminated) out.problems.push_back({*unterminated, "a quoted field is never closed (the rest of the file is one field)"});
  return out;
}

std::string formatRatingsCsv(const std::vector<RatingsCsvRow>& rows) {
  std::string out = "path,title,artist,valence,arousal\r\n";
  for (const auto& r : rows) {
    out += quoteField(r.path) + ',' + quoteField(r.title) + ',' + quoteField(r.artist) + ',' + number(r.valence) +
           ',' + number(r.arousal) + "\r\n";
  }
  return out;
}

Result<std::size_t> exportRatingsCsv(LibraryStore& db, const std::string& csvPath) {
  auto songs = db.songs();
  if (!songs) return songs.error();
  std::vector<RatingsCsvRow> rows;
  for (const auto& s : *songs) {
    if (!s.rating) continue;
    rows.push_back({0, s.path, s.tags.title, s.tags.artist, s.rating->valence, s.rating->arousal});
  }
  const std::string text = formatRatingsCsv(rows);
  namespace fs = std::filesystem;
  const fs::path target(csvPath);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::random_device rd;
  const fs::path tmp = dir / ("." + target.filename().string() + ".tmp" + std::to_string(rd()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return fail("cannot create " + tmp.string());
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      return fail("cannot write " + tmp.string());
    }
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return fail("cannot write " + csvPath + ": " + ec.message());
  }
  return rows.size();
}

Result<RatingsImportReport> importRatingsCsv(LibraryStore& db, const std::string& csvPath) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(csvPath, ec)) return fail("no such file: " + csvPath);
  const auto size = std::filesystem::file_size(csvPath, ec);
  if (ec) return fail("cannot read " + csvPath + ": " + ec.message());
  if (size > kMaxFileBytes) return fail(csvPath + " is larger than 64 MiB; not a ratings file");
  std::ifstream in(csvPath, std::ios::binary);
  if (!in) return fail("cannot open " + csvPath);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto parsed = parseRatingsCsv(text);
  if (!parsed) return fail(csvPath + ": " + parsed.error().message);
  RatingsImportReport report;
  report.rows = parsed->rows.size() + parsed->problems.size();
  report.problems = parsed->problems;
  auto songs = db.songs();
  if (!songs) return songs.error();
  std::map<std::string, std::string> byPath;                // path → path
  std::multimap<std::string, std::string> byTags;           // tag key → path
  for (const auto& s : *songs) {
    byPath.emplace(s.path, s.path);
    if (!trim(s.tags.artist).empty() && !trim(s.tags.title).empty()) byTags.emplace(tagKey(s.tags.artist, s.tags.title), s.path);
  }
  if (Status s = db.beginTransaction(); !s) return s.error();
  for (const RatingsCsvRow& row : parsed->rows) {
    std::vector<std::string> targets;
    bool matchedByPath = false;
    if (!row.path.empty() && byPath.count(row.path) != 0) {
      targets.push_back(row.path);
      matchedByPath = true;
    } else if (!trim(row.artist).empty() && !trim(row.title).empty()) {
      auto [b, e] = byTags.equal_range(tagKey(row.artist, row.title));
      for (auto it = b; it != e; ++it) targets.push_back(it->second);
    }
    if (targets.empty()) {
      report.problems.push_back({row.line, "no library song with " +
                                               (row.path.empty() ? std::string() : "path " + row.path + " or ") +
                                               "artist \"" + trim(row.artist) + "\" and title \"" + trim(row.title) + "\""});
      continue;
    }
    bool any = false;
    for (const std::string& path : targets) {
      if (Status s = db.setRating(path, row.valence, row.arousal); !s) {
        report.problems.push_back({row.line, s.error().message});
        continue;
      }
      any = true;
      ++report.songsRated;
    }
    if (any) {
      ++report.imported;
      ++(matchedByPath ? report.byPath : report.byTags);
    }
  }
  if (Status s = db.commit(); !s) {
    (void)db.rollback();
    return s.error();
  }
  std::sort(report.problems.begin(), report.problems.end(),
            [](const RatingsCsvProblem& a, const RatingsCsvProblem& b) { return a.line < b.line; });
  return report;
}

}  // namespace mp::library
