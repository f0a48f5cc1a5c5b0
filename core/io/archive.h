#pragma once
// A small binary container of named, typed fields: the on-disk format of every Moodplane model.
//
// File layout (little-endian):
//   magic    8 bytes  "MPARCHV\0"
//   version  uint32   kArchiveVersion
//   kindLen  uint32   then kindLen bytes: what the file holds ("deep-gp", "mood-model", ...)
//   payLen   uint64   length of the payload in bytes
//   checksum uint64   64-bit FNV-1a over the kind bytes, then the payload bytes
//   payload  a sequence of fields, each:
//     nameLen uint32, name bytes, type uint8, then by type:
//       Int64        int64
//       Double       float64
//       String       uint64 n, n bytes
//       DoubleVector uint64 n, n float64
//       DoubleMatrix uint64 rows, uint64 cols, rows*cols float64 (column-major)
//       FloatVector  uint64 n, n float32
//
// Names are free strings; nesting is by prefix convention ("dgp/layer0/Z"): a component's
// save(out, prefix) writes prefix + "name", so one file can hold several components.
// Writing is atomic (temp file in the same folder + fsync + rename). Reading validates magic,
// version, kind, checksum, every length against the bytes that remain (a truncated or tampered
// file is an error, never a crash or a huge allocation); duplicate names are corruption; asking
// for a missing field or a field of another type is an error.

#include "core/common/eigen_types.h"
#include "core/common/result.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mp::io {

inline constexpr std::uint32_t kArchiveVersion = 1;

enum class FieldType : std::uint8_t {
  Int64 = 1,
  Double = 2,
  String = 3,
  DoubleVector = 4,
  DoubleMatrix = 5,
  FloatVector = 6,
};

/// 64-bit FNV-1a hash of `size` bytes, continuing from `state` (default: the FNV offset basis).
std::uint64_t fnv1a64(const void* data, std::size_t size, std::uint64_t state = 1469598103934665603ULL);

class ArchiveWriter {
 public:
  explicit ArchiveWriter(std::string kind);

  // Each name may be written once (a duplicate is a programmer error: asserted).
  void putInt(const std::string& name, std::int64_t value);
  void putDouble(const std::string& name, double value);
  void putString(const std::string& name, std::string_view value);
  void putVector(const std::string& name, ConstVecRef value);
  void putMatrix(const std::string& name, ConstMatRef value);
  void putFloatVector(const std::string& name, const VecF& value);

  const std::string& kind() const { return kind_; }
  /// The complete file content (header + payload).
  std::string bytes() const;
  /// Atomically writes bytes() to `path` (temp file + fsync + rename).
  Status writeFile(const std::string& path) const;

 private:
  void header(const std::string& name, FieldType type);
  void raw(const void* data, std::size_t size);

  std::string kind_;
  std::string payload_;
  std::map<std::string, FieldType> names_;
};

class ArchiveReader {
 public:
  /// Reads and validates the file; `expectedKind` empty = accept any kind.
  static Result<ArchiveReader> open(const std::string& path, const std::string& expectedKind = {});
  /// Same from an in-memory image of the file.
  static Result<ArchiveReader> fromBytes(std::string bytes, const std::string& expectedKind = {});

  const std::string& kind() const { return kind_; }
  bool has(const std::string& name) const { return fields_.count(name) != 0; }
  std::vector<std::string> names() const;

  Result<std::int64_t> getInt(const std::string& name) const;
  Result<double> getDouble(const std::string& name) const;
  Result<std::string> getString(const std::string& name) const;
  Result<Vec> getVector(const std::string& name) const;
  Result<Mat> getMatrix(const std::string& name) const;
  Result<VecF> getFloatVector(const std::string& name) const;

 private:
  struct Field {
    FieldType type;
    std::size_t offset;  // of the value data within bytes_
    std::uint64_t rows;  // element count (vectors, strings) or rows (matrix)
    std::uint64_t cols;  // matrix columns; 1 otherwise
  };
  Result<const Field*> find(const std::string& name, FieldType type) const;

  std::string bytes_;
  std::string kind_;
  std::map<std::string, Field> fields_;
};

}  // namespace mp::io
