// Incremental library scan (see scanner.h).
//
// Pipeline, all decisions and all database writes on the calling thread:
//   1. walk the roots (directories followed through symlinks once each by (device, inode), so
//      symlink loops end; unreadable directories are skipped and remembered);
//   2. a file whose path, size and mtime match its row and whose row carries the analyser's
//      version() is unchanged: no read at all;
//   3. otherwise a worker computes its content hash (content_hash.h); back on the calling thread:
//        same path, same hash, up-to-date analysis   -> size/mtime (and tags) refreshed only;
//        new path whose hash belongs to a song whose file vanished -> moved: the row (analysis,
//          playlists; the rating follows by hash and path) takes the new path;
//        anything else -> analysed on a worker;
//   4. results are written in transactions of `batchSize` (or at least once a second);
//   5. when the walk finished and the scan was not cancelled, rows under the roots whose files
//      are gone are removed (ratings are kept; rows under unreadable directories are kept).
// A failed file is stored with its reason and the analyser version; it is retried only when its
// size/mtime change or the analyser version changes.

#include "core/library/scanner.h"

#include "core/common/thread_pool.h"
#include "core/library/content_hash.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

namespace mp::library {

void ScanControl::pause() {
  std::lock_guard lock(mutex_);
  paused_ = true;
}

void ScanControl::resume() {
  {
    std::lock_guard lock(mutex_);
    paused_ = false;
  }
  cv_.notify_all();
}

void ScanControl::cancel() {
  {
    std::lock_guard lock(mutex_);
    stop_.request();
  }
  cv_.notify_all();
}

bool ScanControl::paused() const {
  std::lock_guard lock(mutex_);
  return paused_;
}

bool ScanControl::cancelled() const { return stop_.requested(); }

bool ScanControl::waitWhilePaused() const {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [this] { return !paused_ || stop_.requested(); });
  return !stop_.requested();
}

Status ScanOptions::validate() const {
  if (jobs < 0 || jobs > 1024) return fail("scan jobs must be in [0, 1024]");
  if (workerNice < 0 || workerNice > 19) return fail("scan worker nice increment must be in [0, 19]");
  if (batchSize < 1 || batchSize > 100000) return fail("scan batch size must be in [1, 100000]");
  if (extensions.empty()) return fail("the scan needs at least one file extension");
  for (const auto& e : extensions) {
    if (e.size() < 2 || e[0] != '.') return fail("extension \"" + e + "\" must look like \".mp3\"");
  }
  return {};
}

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct FoundFile {
  std::string path;
  std::int64_t size = 0;
  std::int64_t mtimeNs = 0;
};

struct WalkResult {
  std::vector<FoundFile> files;
  std::vector<std::string> unreadableDirs;
  bool cancelled = false;
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

WalkResult walk(const std::vector<std::string>& roots, const std::vector<std::string>& extensions,
                const StopFlag* stop) {
  std::set<std::string> exts;
  for (const auto& e : extensions) exts.insert(lower(e));
  WalkResult out;
  std::set<std::pair<dev_t, ino_t>> visited;
  std::deque<fs::path> todo;
  for (const auto& r : roots) todo.emplace_back(r);
  std::size_t polled = 0;
  while (!todo.empty()) {
    fs::path dir = std::move(todo.front());
    todo.pop_front();
    struct stat ds {};
    if (::stat(dir.c_str(), &ds) != 0) {
      out.unreadableDirs.push_back(dir.string());
      continue;
    }
    if (!visited.insert({ds.st_dev, ds.st_ino}).second) continue;  // symlink loop or alias
    std::error_code ec;
    fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
      out.unreadableDirs.push_back(dir.string());
      continue;
    }
    std::vector<fs::path> entries;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      entries.push_back(it->path());
    }
    if (ec) out.unreadableDirs.push_back(dir.string());
    std::sort(entries.begin(), entries.end());
    for (const auto& p : entries) {
      if ((++polled & 255) == 0 && stopRequested(stop)) {
        out.cancelled = true;
        return out;
      }
      struct stat st {};
      if (::stat(p.c_str(), &st) != 0) continue;  // dangling symlink, vanished, no permission
      if (S_ISDIR(st.st_mode)) {
        todo.push_back(p);
      } else if (S_ISREG(st.st_mode)) {
        if (exts.count(lower(p.extension().string())) == 0) continue;
        FoundFile f;
        f.path = p.string();
        f.size = static_cast<std::int64_t>(st.st_size);
        f.mtimeNs = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
        out.files.push_back(std::move(f));
      }
    }
  }
  return out;
}

bool isUnder(const std::string& path, const std::string& dir) {
  if (dir.empty()) return false;
  if (path.size() <= dir.size() || path.compare(0, dir.size(), dir) != 0) return false;
  return dir.back() == '/' || path[dir.size()] == '/';
}

/// Work item of the pipeline: one found file and what we know of it.
struct Item {
  FoundFile file;
  std::optional<SongRecord> existing;  ///< its row (same path, or the moved-from row)
  std::string hash;
};

struct Message {
  enum class Kind { Hashed, Analysed, Aborted } kind = Kind::Aborted;
  std::size_t item = 0;
  std::optional<Result<std::string>> hash;
  std::optional<Result<SongAnalysis>> analysis;
};

class MessageQueue {
 public:
  void push(Message m) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(m));
    }
    cv_.notify_one();
  }
  std::optional<Message> pop(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, timeout, [this] { return !queue_.empty(); })) return std::nullopt;
    Message m = std::move(queue_.front());
    queue_.pop_front();
    return m;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Message> queue_;
};

}  // namespace

Result<ScanReport> scanLibrary(LibraryStore& store, const std::vector<std::string>& roots,
                               const SongAnalyzer& analyzer, const ScanOptions& options,
                               ScanControl* control, const ScanProgressFn& progress) {
  if (Status s = options.validate(); !s) return s.error();
  if (roots.empty()) return fail("no folder to scan");
  const auto t0 = Clock::now();
  StopFlag internalStop;
  const StopFlag* stop = control != nullptr ? control->stopFlag() : &internalStop;

  std::vector<std::string> absRoots;
  for (const auto& r : roots) {
    std::error_code ec;
    fs::path p = fs::absolute(r, ec).lexically_normal();
    std::string s = p.string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    if (!fs::is_directory(s, ec)) return fail("cannot scan " + s + ": not a readable folder");
    absRoots.push_back(std::move(s));
  }

  ScanReport report;
  const std::string version = analyzer.version();
  WalkResult found = walk(absRoots, options.extensions, stop);
  report.files = found.files.size();

  auto existing = store.songs();
  if (!existing) return existing.error();
  std::unordered_map<std::string, SongRecord> byPath;
  byPath.reserve(existing->size());
  for (auto& s : *existing) {
    std::string key = s.path;
    byPath.emplace(std::move(key), std::move(s));
  }
  existing->clear();

  // Rows under the roots whose files were not found: candidates for "moved" and "removed".
  std::set<std::string> foundPaths;
  for (const auto& f : found.files) foundPaths.insert(f.path);
  std::unordered_multimap<std::string, std::int64_t> missingByHash;
  std::map<std::int64_t, SongRecord> missing;
  for (const auto& [path, rec] : byPath) {
    bool under = false;
    for (const auto& r : absRoots) under = under || isUnder(path, r);
    if (!under || foundPaths.count(path) != 0) continue;
    missing.emplace(rec.id, rec);
    if (!rec.contentHash.empty()) missingByHash.emplace(rec.contentHash, rec.id);
  }

  auto upToDate = [&](const SongRecord& r) { return !r.modelVersion.empty() && r.modelVersion == version; };

  ScanProgress prog;
  prog.total = found.files.size();
  std::vector<Item> items;
  std::vector<std::size_t> toHash, toAnalyse;
  for (auto& f : found.files) {
    auto it = byPath.find(f.path);
    if (it != byPath.end() && it->second.size == f.size && it->second.mtimeNs == f.mtimeNs) {
      if (upToDate(it->second)) {
        ++report.unchanged;
        ++prog.done;
        continue;
      }
      Item item{std::move(f), it->second, it->second.contentHash};
      toAnalyse.push_back(items.size());
      items.push_back(std::move(item));
      continue;
    }
    Item item{std::move(f), std::nullopt, {}};
    if (it != byPath.end()) item.existing = it->second;
    toHash.push_back(items.size());
    items.push_back(std::move(item));
  }
  found.files.clear();

  // ---- the pipeline ----
  MessageQueue queue;
  std::vector<SongRecord> batch;
  auto lastFlush = Clock::now();
  std::optional<Error> fatal;
  auto flush = [&]() -> Status {
    lastFlush = Clock::now();
    if (batch.empty()) return {};
    if (Status s = store.beginTransaction(); !s) return s;
    for (const auto& rec : batch) {
      if (auto id = store.upsertSong(rec); !id) {
        (void)store.rollback();
        return id.error();
      }
    }
    if (Status s = store.commit(); !s) {
      (void)store.rollback();
      return s;
    }
    batch.clear();
    return {};
  };

  auto lastProgress = Clock::time_point{};
  const auto pipelineStart = Clock::now();
  const std::size_t doneAtStart = prog.done;
  auto reportProgress = [&](bool force) {
    if (!progress) return;
    const auto now = Clock::now();
    if (!force && now - lastProgress < std::chrono::milliseconds(50)) return;  // <= 20 Hz
    lastProgress = now;
    const double elapsed = std::chrono::duration<double>(now - pipelineStart).count();
    const std::size_t processed = prog.done - doneAtStart;
    prog.songsPerSecond = elapsed > 0 ? static_cast<double>(processed) / elapsed : 0.0;
    prog.etaSeconds = prog.songsPerSecond > 0
                          ? static_cast<double>(prog.total - prog.done) / prog.songsPerSecond
                          : 0.0;
    progress(prog);
  };
  reportProgress(true);

  std::size_t outstanding = 0;
  {
    ThreadPool pool(options.jobs == 0 ? 0 : static_cast<std::size_t>(options.jobs), options.workerNice);
    auto aborted = [&] { return stopRequested(stop) || internalStop.requested(); };
    auto submitHash = [&](std::size_t idx) {
      ++outstanding;
      pool.submit([&, idx] {
        Message m;
        m.item = idx;
        if ((control != nullptr && !control->waitWhilePaused()) || aborted()) {
          queue.push(std::move(m));
          return;
        }
        m.kind = Message::Kind::Hashed;
        m.hash = contentHash(items[idx].file.path);
        queue.push(std::move(m));
      });
    };
    auto submitAnalysis = [&](std::size_t idx) {
      ++outstanding;
      const bool needHash = items[idx].hash.empty();
      pool.submit([&, idx, needHash] {
        Message m;
        m.item = idx;
        if ((control != nullptr && !control->waitWhilePaused()) || aborted()) {
          queue.push(std::move(m));
          return;
        }
        if (needHash) m.hash = contentHash(items[idx].file.path);
        auto result = analyzer.analyze(items[idx].file.path, stop);
        if (!result && aborted()) {  // a failure caused by the cancel is not the file's fault
          queue.push(std::move(m));
          return;
        }
        m.kind = Message::Kind::Analysed;
        m.analysis = std::move(result);
        queue.push(std::move(m));
      });
    };
    for (std::size_t idx : toAnalyse) submitAnalysis(idx);
    for (std::size_t idx : toHash) submitHash(idx);

    auto finishOne = [&](const Item& item) {
      ++prog.done;
      prog.currentFile = item.file.path;
    };

    while (outstanding > 0) {
      auto msg = queue.pop(std::chrono::milliseconds(50));
      if (msg) {
        --outstanding;
        Item& item = items[msg->item];
        if (msg->kind == Message::Kind::Hashed && !aborted()) {
          if (!*msg->hash) {
            SongRecord rec = item.existing.value_or(SongRecord{});
            rec.path = item.file.path;
            rec.size = item.file.size;
            rec.mtimeNs = item.file.mtimeNs;
            rec.status = AnalysisStatus::Failed;
            rec.failureReason = msg->hash->error().message;
            rec.prediction.reset();
            rec.modelVersion = version;
            report.failed.emplace_back(rec.path, rec.failureReason);
            batch.push_back(std::move(rec));
            finishOne(item);
          } else {
            item.hash = **msg->hash;
            bool handled = false;
            if (item.existing) {
              if (item.existing->contentHash == item.hash && upToDate(*item.existing)) {
                // Touched or tag-only edit: refresh the file facts, keep the analysis.
                SongRecord rec = *item.existing;
                rec.size = item.file.size;
                rec.mtimeNs = item.file.mtimeNs;
                if (options.tagReader) {
                  if (auto tags = options.tagReader(rec.path)) {
                    const double dur = rec.durationSeconds;
                    rec.tags = *tags;
                    rec.tags.durationSeconds = dur;
                  }
                }
                batch.push_back(std::move(rec));
                ++report.unchanged;
                finishOne(item);
                handled = true;
              }
            } else if (auto range = missingByHash.equal_range(item.hash); range.first != range.second) {
              // Moved: the same audio at a new path, and its old path is gone.
              const std::int64_t id = range.first->second;
              missingByHash.erase(range.first);
              SongRecord rec = missing.at(id);
              missing.erase(id);
              rec.path = item.file.path;
              rec.size = item.file.size;
              rec.mtimeNs = item.file.mtimeNs;
              ++report.moved;
              if (upToDate(rec)) {
                batch.push_back(std::move(rec));
                ++report.unchanged;
                finishOne(item);
                handled = true;
              } else {
                item.existing = std::move(rec);
              }
            }
            if (!handled) submitAnalysis(msg->item);
          }
        } else if (msg->kind == Message::Kind::Analysed && !aborted()) {
          SongRecord rec = item.existing.value_or(SongRecord{});
          if (msg->hash && *msg->hash) item.hash = **msg->hash;
          rec.path = item.file.path;
          rec.size = item.file.size;
          rec.mtimeNs = item.file.mtimeNs;
          rec.contentHash = item.hash;
          rec.modelVersion = version;
          rec.encoding.clear();
          if (*msg->analysis) {
            SongAnalysis& a = **msg->analysis;
            rec.tags = a.tags;
            rec.durationSeconds = a.durationSeconds;
            rec.tags.durationSeconds = a.durationSeconds;
            rec.codec = a.codec;
            rec.failureReason.clear();
            if (a.hasMood) {
              rec.status = AnalysisStatus::Done;
              rec.prediction = a.mood;
              rec.encoding = std::move(a.encoding);
            } else {
              rec.status = AnalysisStatus::Pending;
              rec.prediction.reset();
            }
            ++report.analysed;
          } else {
            rec.status = AnalysisStatus::Failed;
            rec.failureReason = msg->analysis->error().message;
            rec.prediction.reset();
            report.failed.emplace_back(rec.path, rec.failureReason);
          }
          batch.push_back(std::move(rec));
          finishOne(item);
        }
        // Aborted messages (and late results after a cancel) only count down.
      }
      if (!aborted() && (batch.size() >= options.batchSize ||
                         (!batch.empty() && Clock::now() - lastFlush > std::chrono::seconds(1)))) {
        if (Status s = flush(); !s) {
          fatal = s.error();
          internalStop.request();
          if (control != nullptr) control->cancel();  // releases paused workers
        }
      }
      reportProgress(false);
    }
    pool.wait();
  }

  if (fatal) return *fatal;
  report.cancelled = stopRequested(stop) || found.cancelled;
  // Complete results received before a cancel are kept: each is a whole row.
  if (Status s = flush(); !s) return s.error();

  if (!report.cancelled && options.removeMissing) {
    if (Status s = store.beginTransaction(); !s) return s.error();
    for (const auto& [id, rec] : missing) {
      bool keep = false;
      for (const auto& d : found.unreadableDirs) keep = keep || isUnder(rec.path, d);
      if (keep) continue;
      if (Status s = store.removeSong(id); !s) {
        (void)store.rollback();
        return s.error();
      }
      ++report.removed;
    }
    if (Status s = store.commit(); !s) {
      (void)store.rollback();
      return s.error();
    }
  }
  reportProgress(true);
  report.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return report;
}

}  // namespace mp::library
