#include "core/library/content_hash.h"

#include <algorithm>
#include <cerrno>
#include <optional>
#include <utility>
#include <array>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace mp::library {
namespace {

constexpr std::uint64_t kP1 = 0x9E3779B185EBCA87ULL;
constexpr std::uint64_t kP2 = 0xC2B2AE3D27D4EB4FULL;
constexpr std::uint64_t kP3 = 0x165667B19E3779F9ULL;
constexpr std::uint64_t kP4 = 0x85EBCA77C2B2AE63ULL;
constexpr std::uint64_t kP5 = 0x27D4EB2F165667C5ULL;

std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
std::uint64_t read64(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);  // little-endian hosts (x86-64, arm64)
  return v;
}
std::uint32_t read32(const unsigned char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
std::uint64_t xxRound(std::uint64_t acc, std::uint64_t input) {
  acc += input * kP2;
  acc = rotl(acc, 31);
  return acc * kP1;
}
std::uint64_t mergeRound(std::uint64_t acc, std::uint64_t val) {
  acc ^= xxRound(0, val);
  return acc * kP1 + kP4;
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

bool readAt(std::FILE* f, std::int64_t offset, void* out, std::size_t bytes) {
  if (fseeko(f, static_cast<off_t>(offset), SEEK_SET) != 0) return false;
  return std::fread(out, 1, bytes, f) == bytes;
}

std::uint32_t le32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
std::uint32_t be32(const unsigned char* p) {
  return (static_cast<std::uint32_t>(p[0]) << 24) | (static_cast<std::uint32_t>(p[1]) << 16) |
         (static_cast<std::uint32_t>(p[2]) << 8) | static_cast<std::uint32_t>(p[3]);
}

/// Walks RIFF (little-endian) or IFF (big-endian) chunks from `offset` looking for `wanted`.
std::optional<PayloadRange> findChunk(std::FILE* f, std::int64_t offset, std::int64_t fileSize,
                                      const char* wanted, bool bigEndian) {
  for (int guard = 0; guard < 10000 && offset + 8 <= fileSize; ++guard) {
    unsigned char hdr[8];
    if (!readAt(f, offset, hdr, 8)) return std::nullopt;
    const std::int64_t size = bigEndian ? be32(hdr + 4) : le32(hdr + 4);
    if (std::memcmp(hdr, wanted, 4) == 0) {
      const std::int64_t start = offset + 8;
      const std::int64_t len = std::min(size, fileSize - start);  // RF64: 0xFFFFFFFF = to the end
      return PayloadRange{start, std::max<std::int64_t>(0, len)};
    }
    offset += 8 + size + (size & 1);
  }
  return std::nullopt;
}

}  // namespace

std::uint64_t xxh64(const void* data, std::size_t len, std::uint64_t seed) {
  const auto* p = static_cast<const unsigned char*>(data);
  const unsigned char* const end = p + len;
  std::uint64_t h;
  if (len >= 32) {
    const unsigned char* const limit = end - 32;
    std::uint64_t v1 = seed + kP1 + kP2;
    std::uint64_t v2 = seed + kP2;
    std::uint64_t v3 = seed;
    std::uint64_t v4 = seed - kP1;
    do {
      v1 = xxRound(v1, read64(p));
      v2 = xxRound(v2, read64(p + 8));
      v3 = xxRound(v3, read64(p + 16));
      v4 = xxRound(v4, read64(p + 24));
      p += 32;
    } while (p <= limit);
    h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else {
    h = seed + kP5;
  }
  h += static_cast<std::uint64_t>(len);
  while (p + 8 <= end) {
    h ^= xxRound(0, read64(p));
    h = rotl(h, 27) * kP1 + kP4;
    p += 8;
  }
  if (p + 4 <= end) {
    h ^= static_cast<std::uint64_t>(read32(p)) * kP1;
    h = rotl(h, 23) * kP2 + kP3;
    p += 4;
  }
  while (p < end) {
    h ^= static_cast<std::uint64_t>(*p) * kP5;
    h = rotl(h, 11) * kP1;
    ++p;
  }
  h ^= h >> 33;
  h *= kP2;
  h ^= h >> 29;
  h *= kP3;
  h ^= h >> 32;
  return h;
}

static Result<PayloadRange> payloadOf(std::FILE* f, std::int64_t fileSize) {
  std::int64_t start = 0;
  std::int64_t end = fileSize;
  unsigned char head[12] = {};
  const bool haveHead = fileSize >= 12 && readAt(f, 0, head, 12);
  if (!haveHead) return PayloadRange{0, fileSize};

  if ((std::memcmp(head, "RIFF", 4) == 0 || std::memcmp(head, "RF64", 4) == 0) &&
      std::memcmp(head + 8, "WAVE", 4) == 0) {
    if (auto r = findChunk(f, 12, fileSize, "data", false)) return *r;
    return PayloadRange{0, fileSize};
  }
  if (std::memcmp(head, "FORM", 4) == 0 &&
      (std::memcmp(head + 8, "AIFF", 4) == 0 || std::memcmp(head + 8, "AIFC", 4) == 0)) {
    if (auto r = findChunk(f, 12, fileSize, "SSND", true)) return *r;
    return PayloadRange{0, fileSize};
  }
  // Leading ID3v2 (MP3, sometimes FLAC): 10-byte header, syncsafe size, optional 10-byte footer.
  if (std::memcmp(head, "ID3", 3) == 0 && head[3] < 0xFF && head[4] < 0xFF) {
    const std::int64_t size = (static_cast<std::int64_t>(head[6] & 0x7F) << 21) |
                              (static_cast<std::int64_t>(head[7] & 0x7F) << 14) |
                              (static_cast<std::int64_t>(head[8] & 0x7F) << 7) |
                              static_cast<std::int64_t>(head[9] & 0x7F);
    const std::int64_t skip = 10 + size + ((head[5] & 0x10) != 0 ? 10 : 0);
    if (skip < fileSize) start = skip;
  }
  unsigned char magic[4] = {};
  if (start + 4 <= fileSize && readAt(f, start, magic, 4) && std::memcmp(magic, "fLaC", 4) == 0) {
    std::int64_t off = start + 4;
    for (int guard = 0; guard < 4096 && off + 4 <= fileSize; ++guard) {
      unsigned char bh[4];
      if (!readAt(f, off, bh, 4)) break;
      const bool last = (bh[0] & 0x80) != 0;
      const std::int64_t len = (static_cast<std::int64_t>(bh[1]) << 16) |
                               (static_cast<std::int64_t>(bh[2]) << 8) | bh[3];
      off += 4 + len;
      if (last) break;
    }
    if (off <= fileSize) start = off;
    return PayloadRange{start, fileSize - start};
  }
  // Trailing ID3v1 (128 bytes, "TAG") and APEv2 (footer "APETAGEX", optional header).
  if (end - 128 >= start) {
    unsigned char tag[3];
    if (readAt(f, end - 128, tag, 3) && std::memcmp(tag, "TAG", 3) == 0) end -= 128;
  }
  if (end - 32 >= start) {
    unsigned char footer[32];
    if (readAt(f, end - 32, footer, 32) && std::memcmp(footer, "APETAGEX", 8) == 0) {
      const std::int64_t size = le32(footer + 12);
      const bool hasHeader = (le32(footer + 20) & 0x80000000u) != 0;
      const std::int64_t total = size + (hasHeader ? 32 : 0);
      if (end - total >= start) end -= total;
    }
  }
  return PayloadRange{start, end - start};
}

Result<PayloadRange> audioPayloadRange(const std::string& path) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) return fail("cannot open " + path + ": " + std::strerror(errno));
  if (fseeko(f.get(), 0, SEEK_END) != 0) return fail("cannot read " + path);
  const std::int64_t size = ftello(f.get());
  if (size < 0) return fail("cannot read " + path);
  return payloadOf(f.get(), size);
}

Result<std::string> contentHash(const std::string& path) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) return fail("cannot open " + path + ": " + std::strerror(errno));
  if (fseeko(f.get(), 0, SEEK_END) != 0) return fail("cannot read " + path);
  const std::int64_t size = ftello(f.get());
  if (size < 0) return fail("cannot read " + path);
  auto range = payloadOf(f.get(), size);
  if (!range) return range.error();

  constexpr std::int64_t kMiB = 1 << 20;
  std::vector<std::pair<std::int64_t, std::int64_t>> spans;  // (offset, length)
  if (range->length <= 3 * kMiB) {
    spans.emplace_back(range->offset, range->length);
  } else {
    spans.emplace_back(range->offset, kMiB);
    spans.emplace_back(range->offset + range->length / 2 - kMiB / 2, kMiB);
    spans.emplace_back(range->offset + range->length - kMiB, kMiB);
  }
  constexpr std::size_t kChunk = 64 * 1024;
  std::vector<unsigned char> buffer(kChunk);
  std::uint64_t h = static_cast<std::uint64_t>(range->length);
  for (const auto& [offset, length] : spans) {
    if (fseeko(f.get(), static_cast<off_t>(offset), SEEK_SET) != 0) return fail("cannot read " + path);
    std::int64_t left = length;
    while (left > 0) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::int64_t>(left, kChunk));
      const std::size_t got = std::fread(buffer.data(), 1, want, f.get());
      if (got != want) return fail("cannot read " + path + " (file changed or truncated while hashing)");
      h = xxh64(buffer.data(), got, h);
      left -= static_cast<std::int64_t>(got);
    }
  }
  char text[64];
  std::snprintf(text, sizeof text, "h1:%016llx:%lld", static_cast<unsigned long long>(h),
                static_cast<long long>(range->length));
  return std::string(text);
}

}  // namespace mp::library
