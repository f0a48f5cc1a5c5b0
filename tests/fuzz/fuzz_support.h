#pragma once
// Shared helpers of the libFuzzer targets (tests/fuzz): a per-process scratch file and a way to
// let mutated model archives past their checksum so the field parser behind it gets exercised.

#include "core/io/archive.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace mp::fuzz {

/// A file in $TMPDIR (or /tmp) owned by this process, rewritten for every input, removed at exit.
class ScratchFile {
 public:
  explicit ScratchFile(const char* tag) {
    const char* tmp = std::getenv("TMPDIR");
    path_ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/moodplane-fuzz-" + tag + "-" +
            std::to_string(::getpid());
  }
  ~ScratchFile() { std::remove(path_.c_str()); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  /// Replaces the file's content; false when it cannot be written (then skip the input).
  bool write(const std::uint8_t* data, std::size_t size) const {
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    if (f == nullptr) return false;
    const bool ok = size == 0 || std::fwrite(data, 1, size, f) == size;
    return std::fclose(f) == 0 && ok;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// If `bytes` has a well-formed archive header (io/archive.h layout), returns a copy whose
/// payload length and checksum are made consistent with the bytes present; else `bytes`.
inline std::string withValidArchiveChecksum(std::string bytes) {
  constexpr std::size_t kFixed = 16;  // magic 8 + version 4 + kind length 4
  if (bytes.size() < kFixed || std::memcmp(bytes.data(), "MPARCHV\0", 8) != 0) return bytes;
  std::uint32_t kindLen = 0;
  std::memcpy(&kindLen, bytes.data() + 12, 4);
  if (kindLen > 4096 || bytes.size() < kFixed + kindLen + 16ULL) return bytes;
  const std::size_t payloadAt = kFixed + kindLen + 16;
  const std::uint64_t payLen = bytes.size() - payloadAt;
  const std::uint64_t sum =
      io::fnv1a64(bytes.data() + payloadAt, payLen, io::fnv1a64(bytes.data() + kFixed, kindLen));
  std::memcpy(bytes.data() + kFixed + kindLen, &payLen, 8);
  std::memcpy(bytes.data() + kFixed + kindLen + 8, &sum, 8);
  return bytes;
}

}  // namespace mp::fuzz
