// libFuzzer target: the ratings CSV importer (core/library/ratings_csv.h). Arbitrary text is
// parsed; what parses is formatted and parsed again, which must give the same rows (numbers
// exactly) without new problems, and format to the same text. The text is also imported, from a
// file, into a small library (songs matched by path and by artist + title).

#include "core/library/library_store.h"
#include "core/library/ratings_csv.h"
#include "tests/fuzz/fuzz_support.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace {

using mp::library::RatingsCsvRow;

void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_ratings_csv: %s\n", what);
    __builtin_trap();
  }
}

bool sameRow(const RatingsCsvRow& a, const RatingsCsvRow& b) {
  return a.path == b.path && a.title == b.title && a.artist == b.artist && a.valence == b.valence &&
         a.arousal == b.arousal;
}

/// One library per process: three songs, two of them sharing artist + title tags.
mp::library::LibraryStore& library() {
  static const mp::fuzz::ScratchFile db("ratings-db");
  static std::unique_ptr<mp::library::LibraryStore> store = [] {
    std::remove(db.path().c_str());
    auto opened = mp::library::LibraryStore::open(db.path());
    check(opened.ok(), "cannot create the library");
    for (int i = 0; i < 3; ++i) {
      mp::library::SongRecord s;
      s.path = "/music/song" + std::to_string(i) + ".flac";
      s.contentHash = "hash" + std::to_string(i);
      s.tags.artist = i < 2 ? "The Band" : "Solo";
      s.tags.title = i < 2 ? "Same Title" : "Other";
      check((*opened)->upsertSong(s).ok(), "cannot add a song");
    }
    return std::move(*opened);
  }();
  return *store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const mp::fuzz::ScratchFile csv("ratings-csv");
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = mp::library::parseRatingsCsv(text);
  if (parsed) {
    const std::string formatted = mp::library::formatRatingsCsv(parsed->rows);
    auto again = mp::library::parseRatingsCsv(formatted);
    check(again.ok(), "formatted rows do not parse");
    check(again->problems.empty(), "formatted rows have problems");
    check(again->rows.size() == parsed->rows.size(), "row count changed");
    for (std::size_t i = 0; i < parsed->rows.size(); ++i) {
      check(sameRow(parsed->rows[i], again->rows[i]), "a row changed in format -> parse");
    }
    check(mp::library::formatRatingsCsv(again->rows) == formatted, "format is not idempotent");
  }
  if (csv.write(data, size)) (void)mp::library::importRatingsCsv(library(), csv.path());
  return 0;
}
