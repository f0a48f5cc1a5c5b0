#pragma once
// The listener's ratings as CSV, so they move between machines and can be shared (issue #7).
//
//   path,title,artist,valence,arousal
//   /music/a.flac,"Song, with comma","The ""Band""",0.81,0.35
//
// RFC 4180: comma-separated, fields with commas, quotes or line breaks in double quotes, a quote
// inside doubled; CRLF or LF line ends; a UTF-8 BOM is ignored. Columns are found by their header
// names (any order, case-insensitive); valence and arousal are required, and path or title +
// artist. Import matches a row to a library song by path, else by (artist, title) tags (trimmed,
// case-insensitive; every song with those tags is rated). Every bad row (wrong field count, bad
// number, value outside [0, 1], unknown song) is reported with its line and skipped; good rows
// are stored in one transaction.

#include "core/common/result.h"
#include "core/library/library_store.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mp::library {

struct RatingsCsvRow {
  std::size_t line = 0;  ///< 1-based line where the record starts
  std::string path;
  std::string title;
  std::string artist;
  double valence = 0.5;
  double arousal = 0.5;
};

struct RatingsCsvProblem {
  std::size_t line = 0;  ///< 0 = the file as a whole
  std::string message;
};

struct ParsedRatingsCsv {
  std::vector<RatingsCsvRow> rows;
  std::vector<RatingsCsvProblem> problems;  ///< rows skipped, with why
};

/// Parses CSV text. Fails only when the header is missing or lacks the required columns;
/// bad rows become problems.
Result<ParsedRatingsCsv> parseRatingsCsv(std::string_view text);

/// The CSV text of `rows` (header first; fields quoted when needed; numbers round-trip exactly).
std::string formatRatingsCsv(const std::vector<RatingsCsvRow>& rows);

/// Writes every rated song of the library (ratings of songs no longer in it are not exported).
/// Returns the number of rows. The file is replaced atomically.
Result<std::size_t> exportRatingsCsv(LibraryStore& db, const std::string& csvPath);

struct RatingsImportReport {
  std::size_t rows = 0;      ///< data rows read
  std::size_t imported = 0;  ///< rows that rated at least one song
  std::size_t songsRated = 0;
  std::size_t byPath = 0;    ///< rows matched by path
  std::size_t byTags = 0;    ///< rows matched by artist + title
  std::vector<RatingsCsvProblem> problems;
};

/// Reads `csvPath` and stores the ratings of every row that matches a library song.
Result<RatingsImportReport> importRatingsCsv(LibraryStore& db, const std::string& csvPath);

}  // namespace mp::library
