#include "core/common/thread_pool.h"

#include <algorithm>
#include <cerrno>
#include <atomic>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace mp {

ThreadPool::ThreadPool(std::size_t threads, int niceIncrement) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  niceIncrement = std::clamp(niceIncrement, 0, 19);
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    workers_.emplace_back([this, niceIncrement] {
      if (niceIncrement > 0) {
        // On Linux a nice value belongs to a thread (its tid), not to the whole process. Failure
        // (e.g. a sandbox forbidding it) only leaves the worker at normal priority.
        const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
        errno = 0;
        const int current = ::getpriority(PRIO_PROCESS, tid);
        if (errno == 0) (void)::setpriority(PRIO_PROCESS, tid, std::min(19, current + niceIncrement));
      }
      run();
    });
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

void ThreadPool::submit(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push(std::move(task));
  }
  wake_.notify_one();
}

void ThreadPool::wait() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return tasks_.empty() && busy_ == 0; });
}

void ThreadPool::run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (stopping_ && tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop();
      ++busy_;
    }
    task();
    {
      std::lock_guard lock(mutex_);
      --busy_;
      if (tasks_.empty() && busy_ == 0) idle_.notify_all();
    }
  }
}

void parallelFor(ThreadPool* pool, std::size_t n, const std::function<void(std::size_t)>& body) {
  if (pool == nullptr || pool->size() <= 1 || n <= 1) {
    for (std::size_t i = 0; i < n; ++i) body(i);
    return;
  }
  // Work-stealing by atomic counter; one task per worker, not per index. The caller takes
  // indices too, so a worker that is slow to be scheduled (busy machine) delays nothing: the
  // caller then runs the remaining indices itself and only waits for indices already started.
  std::atomic<std::size_t> next{0};
  std::mutex done_mutex;
  std::condition_variable done_cv;
  const std::size_t helpers = std::min(pool->size(), n - 1);
  std::size_t remaining = helpers;
  for (std::size_t w = 0; w < helpers; ++w) {
    pool->submit([&] {
      for (std::size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) body(i);
      std::lock_guard lock(done_mutex);
      if (--remaining == 0) done_cv.notify_all();
    });
  }
  for (std::size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) body(i);
  std::unique_lock lock(done_mutex);
  done_cv.wait(lock, [&] { return remaining == 0; });
}

}  // namespace mp
