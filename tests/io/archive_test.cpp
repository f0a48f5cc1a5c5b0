// Archive round-trips and corruption handling: every truncation and every single-bit flip of a
// small file must be rejected with an error (never a crash), and types/kinds are enforced.
#include "core/io/archive.h"

#include "tests/common/temp_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace mp::io {
namespace {

ArchiveWriter sampleWriter() {
  ArchiveWriter w("test-kind");
  w.putInt("a/int", -42);
  w.putDouble("a/double", 3.25);
  w.putString("card", "{\"json\": true}");
  Vec v(3);
  v << 1.0, -2.0, 0.5;
  w.putVector("vec", v);
  Mat m(2, 3);
  m << 1, 2, 3, 4, 5, 6;
  w.putMatrix("mat", m);
  VecF f(2);
  f << 1.5f, -0.25f;
  w.putFloatVector("floats", f);
  w.putMatrix("empty", Mat(0, 4));
  return w;
}

TEST(Archive, RoundTripInMemoryAndOnDisk) {
  test::TempDir dir;
  const std::string path = dir.file("x.mpa");
  ASSERT_TRUE(sampleWriter().writeFile(path).ok());
  for (int viaFile = 0; viaFile < 2; ++viaFile) {
    auto r = viaFile ? ArchiveReader::open(path, "test-kind")
                     : ArchiveReader::fromBytes(sampleWriter().bytes(), "test-kind");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->kind(), "test-kind");
    EXPECT_EQ(*r->getInt("a/int"), -42);
    EXPECT_EQ(*r->getDouble("a/double"), 3.25);
    EXPECT_EQ(*r->getString("card"), "{\"json\": true}");
    Vec v = *r->getVector("vec");
    ASSERT_EQ(v.size(), 3);
    EXPECT_EQ(v[1], -2.0);
    Mat m = *r->getMatrix("mat");
    ASSERT_EQ(m.rows(), 2);
    ASSERT_EQ(m.cols(), 3);
    EXPECT_EQ(m(1, 0), 4.0);
    EXPECT_EQ(m(0, 2), 3.0);
    VecF f = *r->getFloatVector("floats");
    ASSERT_EQ(f.size(), 2);
    EXPECT_EQ(f[1], -0.25f);
    Mat e = *r->getMatrix("empty");
    EXPECT_EQ(e.rows(), 0);
    EXPECT_EQ(e.cols(), 4);
    EXPECT_EQ(r->names().size(), 7u);
  }
  // No temp file left behind.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(Archive, MissingFieldsAndWrongTypesAreErrors) {
  auto r = ArchiveReader::fromBytes(sampleWriter().bytes());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->getInt("nope").ok());
  EXPECT_NE(r->getInt("nope").error().message.find("missing"), std::string::npos);
  EXPECT_FALSE(r->getDouble("a/int").ok());
  EXPECT_FALSE(r->getMatrix("vec").ok());
  EXPECT_FALSE(r->getVector("mat").ok());
}

TEST(Archive, WrongKindAndVersionAreRejected) {
  const std::string bytes = sampleWriter().bytes();
  auto wrongKind = ArchiveReader::fromBytes(bytes, "other-kind");
  ASSERT_FALSE(wrongKind.ok());
  EXPECT_NE(wrongKind.error().message.find("expected"), std::string::npos);
  std::string v2 = bytes;
  v2[8] = 2;  // version field
  auto wrongVersion = ArchiveReader::fromBytes(v2);
  ASSERT_FALSE(wrongVersion.ok());
  EXPECT_NE(wrongVersion.error().message.find("version"), std::string::npos);
  EXPECT_FALSE(ArchiveReader::fromBytes("hello world, not an archive").ok());
  EXPECT_FALSE(ArchiveReader::fromBytes("").ok());
}

TEST(Archive, EveryTruncationIsAnError) {
  const std::string bytes = sampleWriter().bytes();
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    auto r = ArchiveReader::fromBytes(bytes.substr(0, len));
    EXPECT_FALSE(r.ok()) << "truncated at " << len;
  }
  test::TempDir dir;
  const std::string path = dir.file("t.mpa");
  {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  }
  auto r = ArchiveReader::open(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(path), std::string::npos);
  EXPECT_FALSE(ArchiveReader::open(dir.file("absent.mpa")).ok());
}

TEST(Archive, EveryBitFlipIsAnError) {
  const std::string bytes = sampleWriter().bytes();
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string t = bytes;
      t[i] = static_cast<char>(t[i] ^ (1 << bit));
      auto r = ArchiveReader::fromBytes(t);
      EXPECT_FALSE(r.ok()) << "flip at byte " << i << " bit " << bit;
    }
  }
}

TEST(Archive, HugeClaimedLengthsDoNotAllocate) {
  // A payload whose field claims 2^60 doubles, with a valid checksum: must be rejected by the
  // length check, not by a failed allocation.
  ArchiveWriter w("k");
  w.putVector("v", Vec::Zero(1));
  std::string bytes = w.bytes();
  const std::size_t payloadStart = 8 + 4 + 4 + 1 + 16;
  const std::size_t countPos = payloadStart + 4 + 1 + 1;
  const std::uint64_t huge = 1ULL << 60;
  std::memcpy(bytes.data() + countPos, &huge, 8);
  const std::uint64_t sum =
      fnv1a64(bytes.data() + payloadStart, bytes.size() - payloadStart, fnv1a64("k", 1));
  std::memcpy(bytes.data() + payloadStart - 8, &sum, 8);
  auto r = ArchiveReader::fromBytes(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("more data"), std::string::npos) << r.error().message;
}

TEST(Archive, EmptyMatricesWithAbsurdShapesAreRefused) {
  // Found by fuzzing: a 0 × (2^31 − 1) matrix holds no data, so it passed the length check, and
  // Eigen's allFinite() then spent seconds looping over its empty columns. Both orientations are
  // refused now; a 0 × 4 matrix still loads.
  ArchiveWriter w("k");
  w.putMatrix("m", Mat(0, 4));
  const std::string good = w.bytes();
  ASSERT_TRUE(ArchiveReader::fromBytes(good).ok());
  const std::size_t payloadStart = 8 + 4 + 4 + 1 + 16;
  const std::size_t shapePos = payloadStart + 4 + 1 + 1;  // name length, "m", type byte
  for (int which = 0; which < 2; ++which) {
    std::string bytes = good;
    std::uint64_t shape[2] = {0, 0};
    shape[which] = 0x7fffffffULL;
    std::memcpy(bytes.data() + shapePos, shape, 16);
    const std::uint64_t sum =
        fnv1a64(bytes.data() + payloadStart, bytes.size() - payloadStart, fnv1a64("k", 1));
    std::memcpy(bytes.data() + payloadStart - 8, &sum, 8);
    auto r = ArchiveReader::fromBytes(bytes);
    ASSERT_FALSE(r.ok()) << "orientation " << which;
    EXPECT_NE(r.error().message.find("absurd shape"), std::string::npos) << r.error().message;
  }
}

TEST(Archive, LargeMatrixRoundTrip) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> n01;
  Mat big(1000, 1000);
  for (Eigen::Index i = 0; i < big.size(); ++i) big.data()[i] = n01(rng);
  ArchiveWriter w("big");
  w.putMatrix("m", big);
  test::TempDir dir;
  ASSERT_TRUE(w.writeFile(dir.file("big.mpa")).ok());
  auto r = ArchiveReader::open(dir.file("big.mpa"), "big");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r->getMatrix("m") - big).cwiseAbs().maxCoeff(), 0.0);
}

}  // namespace
}  // namespace mp::io
