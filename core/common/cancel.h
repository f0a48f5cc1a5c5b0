#pragma once
// Progress and cancellation cross into the core as plain values (STYLE.md §5): a StopFlag the
// caller owns and the worker polls before every expensive step, and a progress callback.

#include <atomic>
#include <cstddef>
#include <functional>

namespace mp {

class StopFlag {
 public:
  void request() { stop_.store(true, std::memory_order_relaxed); }
  void reset() { stop_.store(false, std::memory_order_relaxed); }
  bool requested() const { return stop_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> stop_{false};
};

/// True when `flag` is non-null and has been raised.
inline bool stopRequested(const StopFlag* flag) { return flag != nullptr && flag->requested(); }

struct Progress {
  std::size_t done = 0;
  std::size_t total = 0;
};
using ProgressFn = std::function<void(const Progress&)>;

}  // namespace mp
