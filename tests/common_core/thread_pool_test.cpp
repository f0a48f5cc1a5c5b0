#include "core/common/result.h"
#include "core/common/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <numeric>
#include <vector>

namespace mp {
namespace {

TEST(ThreadPool, ParallelForVisitsEveryIndexOnce) {
  ThreadPool pool(2);
  std::vector<std::atomic<int>> hits(1000);
  parallelFor(&pool, hits.size(), [&](std::size_t i) { hits[i].fetch_add(1); });
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
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
