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
  std::string codec;                   ///< e.g. "mp3", "flac" (from the analyser)
  /// The model's input encoding. Written by upsertSong() when non-empty; an empty one keeps the
  /// stored encoding if the model version is unchanged and the song is Done, else clears it.
  /// Never loaded by songs() / songByPath() (use LibraryStore::encoding()).
  std::vector<float> encoding;
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

  // ---- additions (library engineer) ----
  /// The schema version this build writes (PRAGMA user_version).
  static constexpr int kSchemaVersion = 2;
  /// Marks a Moodplane database (PRAGMA application_id, "MOOD").
  static constexpr int kApplicationId = 0x4D4F4F44;

  virtual Result<std::optional<SongRecord>> songById(std::int64_t id) = 0;
  /// The stored model encoding of a song (empty when none).
  virtual Result<std::vector<float>> encoding(std::int64_t songId) = 0;
  /// Rating of the song at `path`, looked up by its content hash, then by its path.
  virtual Result<std::optional<MoodEstimate>> rating(const std::string& path) = 0;
  /// Number of stored ratings (including those of songs no longer in the library).
  virtual Result<std::int64_t> ratingCount() = 0;
  virtual bool inTransaction() const = 0;
  /// Path of the database file.
  virtual const std::string& databasePath() const = 0;
};

}  // namespace mp::library
