#pragma once
// Incremental library scan: walks folders, skips unchanged files (path + size + mtime, then
// content hash), keeps the analysis and rating of moved files, drops deleted files, analyses the
// rest on a worker pool, and writes results through ONE writer (the calling thread) in batched
// transactions. Pausable and cancellable through a ScanControl the caller owns.

#include "core/common/result.h"
#include "core/library/library_store.h"
#include "core/library/song_analyzer.h"

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace mp::library {

struct ScanOptions {
  int jobs = 0;                 ///< analysis workers; 0 = hardware threads
  int workerNice = 10;          ///< workers' nice increment (0..19): the scan yields to the GUI
  std::size_t batchSize = 32;   ///< results per write transaction
  std::vector<std::string> extensions = {".wav", ".aif", ".aiff", ".flac", ".ogg", ".oga", ".opus",
                                         ".mp3", ".m4a", ".aac", ".mp4", ".alac"};
  bool removeMissing = true;    ///< forget songs under the roots whose files are gone
  /// Re-reads the tags of a file whose audio is unchanged but whose size/mtime changed (a tag
  /// edit); empty = keep the stored tags. The CLI and GUI pass audio::readTags.
  std::function<Result<audio::Tags>(const std::string&)> tagReader;

  Status validate() const;  ///< jobs in [0, 1024], workerNice in [0, 19], batchSize in [1, 100000], ".ext" extensions
};

struct ScanProgress {
  std::size_t done = 0;   ///< files finished (analysed, unchanged or failed)
  std::size_t total = 0;  ///< files found
  double songsPerSecond = 0.0;
  double etaSeconds = 0.0;
  std::string currentFile;
};

struct ScanReport {
  std::size_t files = 0;
  std::size_t analysed = 0;
  std::size_t unchanged = 0;
  std::size_t moved = 0;
  std::size_t removed = 0;
  std::vector<std::pair<std::string, std::string>> failed;  ///< (path, reason)
  double seconds = 0.0;
  bool cancelled = false;
};

/// Thread-safe pause / resume / cancel for a running scan.
class ScanControl {
 public:
  void pause();
  void resume();
  void cancel();
  bool paused() const;
  bool cancelled() const;
  /// Blocks while paused; returns false if cancelled.
  bool waitWhilePaused() const;
  const StopFlag* stopFlag() const { return &stop_; }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  bool paused_ = false;
  StopFlag stop_;
};

using ScanProgressFn = std::function<void(const ScanProgress&)>;

/// Scans `roots` into `store` (used only from the calling thread).
Result<ScanReport> scanLibrary(LibraryStore& store, const std::vector<std::string>& roots,
                               const SongAnalyzer& analyzer, const ScanOptions& options,
                               ScanControl* control = nullptr, const ScanProgressFn& progress = {});

}  // namespace mp::library
