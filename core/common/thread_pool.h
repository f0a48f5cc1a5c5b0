#pragma once
// A small fixed-size worker pool, passed into computations that can use it (STYLE.md §5).
// A null pool means "run serially on the caller's thread", which keeps tests deterministic.

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace mp {

class ThreadPool {
 public:
  /// `threads` = 0 means std::thread::hardware_concurrency(). `niceIncrement` > 0 lowers the
  /// workers' scheduling priority by that much (Linux per-thread nice, 1..19), so background
  /// work such as a library scan yields the cores to the GUI thread whenever it has work.
  explicit ThreadPool(std::size_t threads = 0, int niceIncrement = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  std::size_t size() const { return workers_.size(); }

  /// Queue a task; it runs on some worker thread.
  void submit(std::function<void()> task);
  /// Block until every queued task has finished.
  void wait();

 private:
  void run();

  std::vector<std::thread> workers_;
  std::queue<std::function<void()>> tasks_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::size_t busy_ = 0;
  bool stopping_ = false;
};

/// Run body(i) for i in [0, n): on the pool when given, serially otherwise. Blocks until done.
/// The calling thread runs indices too (so a pool of k workers gives up to k + 1 threads).
void parallelFor(ThreadPool* pool, std::size_t n, const std::function<void(std::size_t)>& body);

}  // namespace mp
