#include "core/common/result.h"
#include "core/common/thread_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <numeric>
#include <vector>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace mp {
namespace {

TEST(ThreadPool, ParallelForVisitsEveryIndexOnce) {
  ThreadPool pool(2);
  std::vector<std::atomic<int>> hits(1000);
  parallelFor(&pool, hits.size(), [&](std::size_t i) { hits[i].fetch_add(1); });
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
}

int threadNice() {
  errno = 0;
  return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
}

TEST(ThreadPool, NiceIncrementLowersOnlyTheWorkersPriority) {
  const int callerBefore = threadNice();
  ThreadPool pool(2, 7);
  std::atomic<int> workerNice{-100};
  pool.submit([&] { workerNice = threadNice(); });
  pool.wait();
  EXPECT_EQ(workerNice.load(), std::min(19, callerBefore + 7));
  EXPECT_EQ(threadNice(), callerBefore);  // the calling (GUI) thread keeps its priority

  ThreadPool normal(1);
  std::atomic<int> normalNice{-100};
  normal.submit([&] { normalNice = threadNice(); });
  normal.wait();
  EXPECT_EQ(normalNice.load(), callerBefore);
}

TEST(ThreadPool, NullPoolRunsSeriallyInOrder) {
  std::vector<std::size_t> order;
  parallelFor(nullptr, 5, [&](std::size_t i) { order.push_back(i); });
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
}

TEST(ThreadPool, WaitReturnsAfterAllSubmittedTasks) {
  ThreadPool pool(2);
  std::atomic<int> sum{0};
  for (int i = 1; i <= 100; ++i) pool.submit([&sum, i] { sum += i; });
  pool.wait();
  EXPECT_EQ(sum.load(), 5050);
}

Result<int> parsePositive(int x) {
  if (x <= 0) return fail("not positive: " + std::to_string(x));
  return x;
}

TEST(Result, CarriesValueOrError) {
  auto good = parsePositive(3);
  ASSERT_TRUE(good);
  EXPECT_EQ(*good, 3);
  auto bad = parsePositive(-1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "not positive: -1");
}

}  // namespace
}  // namespace mp
