#pragma once
// The song index: one SQLite database (WAL) holding songs, analyses, user ratings and playlists.
// Versioned schema with migrations; integrity check on open; never overwrites a database it
// cannot read. One LibraryStore per thread (SQLite connection rule); writes are batched in
// transactions by the caller (the scan's single writer).

#include "core/common/result.h"
#include "core/library/song_analyzer.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mp::library {

enum class AnalysisStatus { Pending, Done, Failed };

struct SongRecord {
  std::int64_t id = 0;
  std::string path;         ///< absolute
  std::int64_t size = 0;    ///< bytes
  std::int64_t mtimeNs = 0; ///< modification time, ns since epoch
  std::string contentHash;  ///< hash of the audio content (see the scanner)
  audio::Tags tags;
  double durationSeconds = 0.0;
  AnalysisStatus status = AnalysisStatus::Pending;
  std::string failureReason;  ///< set when status == Failed
  std::optional<MoodEstimate> prediction;
  std::string modelVersion;
  std::optional<MoodEstimate> rating;  ///< the listener's own placement (covariance unused)
};

struct Playlist {
  std::int64_t id = 0;
  std::string name;
  std::vector<std::int64_t> songIds;  ///< in order
};

class LibraryStore {
 public:
  /// Opens or creates the database at `path`, migrating older schemas. A file that is not a
  /// Moodplane database, or fails the integrity check, is an error and is left untouched.
  static Result<std::unique_ptr<LibraryStore>> open(const std::string& path);
  virtual ~LibraryStore() = default;

  virtual Result<std::vector<SongRecord>> songs() = 0;
  virtual Result<std::optional<SongRecord>> songByPath(const std::string& path) = 0;
  virtual Result<std::int64_t> upsertSong(const SongRecord& song) = 0;  ///< returns the id
  virtual Status removeSong(std::int64_t id) = 0;
  virtual Status setRating(const std::string& path, double valence, double arousal) = 0;
  virtual Status clearRating(const std::string& path) = 0;

  virtual Result<std::vector<Playlist>> playlists() = 0;
  virtual Result<std::int64_t> savePlaylist(const Playlist& playlist) = 0;  ///< id 0 = new
  virtual Status removePlaylist(std::int64_t id) = 0;

  virtual Status beginTransaction() = 0;
  virtual Status commit() = 0;
  virtual Status rollback() = 0;
};

}  // namespace mp::library
