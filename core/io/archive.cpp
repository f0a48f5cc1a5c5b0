#include "core/io/archive.h"

#include <bit>
#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

#include <fcntl.h>
#include <unistd.h>

namespace mp::io {

static_assert(std::endian::native == std::endian::little, "archive format assumes little-endian");

namespace {

constexpr char kMagic[8] = {'M', 'P', 'A', 'R', 'C', 'H', 'V', '\0'};
constexpr std::size_t kHeaderFixed = 8 + 4 + 4;  // magic, version, kind length
constexpr std::uint32_t kMaxKindLength = 4096;

template <class T>
T readPod(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

const char* typeName(FieldType t) {
  switch (t) {
    case FieldType::Int64:
      return "int64";
    case FieldType::Double:
      return "double";
    case FieldType::String:
      return "string";
    case FieldType::DoubleVector:
      return "double vector";
    case FieldType::DoubleMatrix:
      return "double matrix";
    case FieldType::FloatVector:
      return "float vector";
  }
  return "unknown";
}

bool writeAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::uint64_t fnv1a64(const void* data, std::size_t size, std::uint64_t h) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

// ---------------------------------------------------------------- writer

ArchiveWriter::ArchiveWriter(std::string kind) : kind_(std::move(kind)) {
  assert(kind_.size() <= kMaxKindLength);
}

void ArchiveWriter::raw(const void* data, std::size_t size) {
  payload_.append(static_cast<const char*>(data), size);
}

void ArchiveWriter::header(const std::string& name, FieldType type) {
  const bool inserted = names_.emplace(name, type).second;
  assert(inserted && "duplicate archive field name");
  (void)inserted;
  const auto len = static_cast<std::uint32_t>(name.size());
  raw(&len, 4);
  raw(name.data(), name.size());
  const auto t = static_cast<std::uint8_t>(type);
  raw(&t, 1);
}

void ArchiveWriter::putInt(const std::string& name, std::int64_t value) {
  header(name, FieldType::Int64);
  raw(&value, 8);
}

void ArchiveWriter::putDouble(const std::string& name, double value) {
  header(name, FieldType::Double);
  raw(&value, 8);
}

void ArchiveWriter::putString(const std::string& name, std::string_view value) {
  header(name, FieldType::String);
  const std::uint64_t n = value.size();
  raw(&n, 8);
  raw(value.data(), value.size());
}

void ArchiveWriter::putVector(const std::string& name, ConstVecRef value) {
  header(name, FieldType::DoubleVector);
  const std::uint64_t n = static_cast<std::uint64_t>(value.size());
  raw(&n, 8);
  if (n > 0) raw(value.data(), static_cast<std::size_t>(n) * 8);
}

void ArchiveWriter::putMatrix(const std::string& name, ConstMatRef value) {
  header(name, FieldType::DoubleMatrix);
  const std::uint64_t r = static_cast<std::uint64_t>(value.rows());
  const std::uint64_t c = static_cast<std::uint64_t>(value.cols());
  raw(&r, 8);
  raw(&c, 8);
  if (value.outerStride() == value.rows()) {
    raw(value.data(), static_cast<std::size_t>(r * c) * 8);
  } else {
    for (Eigen::Index j = 0; j < value.cols(); ++j)
      raw(value.col(j).data(), static_cast<std::size_t>(r) * 8);
  }
}

void ArchiveWriter::putFloatVector(const std::string& name, const VecF& value) {
  header(name, FieldType::FloatVector);
  const std::uint64_t n = static_cast<std::uint64_t>(value.size());
  raw(&n, 8);
  raw(value.data(), static_cast<std::size_t>(n) * 4);
}

std::string ArchiveWriter::bytes() const {
  std::string out;
  out.reserve(kHeaderFixed + kind_.size() + 16 + payload_.size());
  out.append(kMagic, 8);
  const std::uint32_t version = kArchiveVersion;
  out.append(reinterpret_cast<const char*>(&version), 4);
  const auto kindLen = static_cast<std::uint32_t>(kind_.size());
  out.append(reinterpret_cast<const char*>(&kindLen), 4);
  out.append(kind_);
  const std::uint64_t payLen = payload_.size();
  out.append(reinterpret_cast<const char*>(&payLen), 8);
  const std::uint64_t sum =
      fnv1a64(payload_.data(), payload_.size(), fnv1a64(kind_.data(), kind_.size()));
  out.append(reinterpret_cast<const char*>(&sum), 8);
  out.append(payload_);
  return out;
}

Status ArchiveWriter::writeFile(const std::string& path) const {
  namespace fs = std::filesystem;
  const std::string content = bytes();
  const fs::path target(path);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::random_device rd;
  const fs::path tmp = dir / ("." + target.filename().string() + ".tmp" + std::to_string(rd()));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return fail("cannot create " + tmp.string() + ": " + std::strerror(errno));
  const bool wrote = writeAll(fd, content.data(), content.size());
  const bool synced = wrote && ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!wrote || !synced) {
    ::unlink(tmp.c_str());
    // Name the file the caller asked for; the old content of `path` is untouched.
    const bool full = err == ENOSPC || err == EFBIG || err == EDQUOT;
    return fail("cannot write " + path + ": " + std::strerror(err) +
                (full ? " (is the disk full? the previous file, if any, is unchanged)" : ""));
  }
  if (std::rename(tmp.c_str(), target.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return fail("cannot rename " + tmp.string() + " to " + path + ": " + std::strerror(e));
  }
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

// ---------------------------------------------------------------- reader

Result<ArchiveReader> ArchiveReader::open(const std::string& path,
                                          const std::string& expectedKind) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return fail("model file not found: " + path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot open " + path);
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return fail("cannot stat " + path);
  std::string bytes;
  bytes.resize(size);
  if (size > 0 && !in.read(bytes.data(), static_cast<std::streamsize>(size))) {
    return fail("cannot read " + path);
  }
  auto r = fromBytes(std::move(bytes), expectedKind);
  if (!r) return fail(path + ": " + r.error().message);
  return r;
}

Result<ArchiveReader> ArchiveReader::fromBytes(std::string bytes, const std::string& expectedKind) {
  const std::size_t size = bytes.size();
  if (size < kHeaderFixed) return fail("not a Moodplane archive (file too short)");
  if (std::memcmp(bytes.data(), kMagic, 8) != 0) return fail("not a Moodplane archive (bad magic)");
  const auto version = readPod<std::uint32_t>(bytes.data() + 8);
  if (version != kArchiveVersion) {
    return fail("unsupported archive version " + std::to_string(version) + " (expected " +
                std::to_string(kArchiveVersion) + ")");
  }
  const auto kindLen = readPod<std::uint32_t>(bytes.data() + 12);
  if (kindLen > kMaxKindLength || size - kHeaderFixed < kindLen + 16ULL) {
    return fail("corrupt archive: truncated header");
  }
  ArchiveReader reader;
  reader.kind_.assign(bytes.data() + kHeaderFixed, kindLen);
  if (!expectedKind.empty() && reader.kind_ != expectedKind) {
    return fail("archive holds a '" + reader.kind_ + "', expected a '" + expectedKind + "'");
  }
  std::size_t pos = kHeaderFixed + kindLen;
  const auto payLen = readPod<std::uint64_t>(bytes.data() + pos);
  const auto checksum = readPod<std::uint64_t>(bytes.data() + pos + 8);
  pos += 16;
  if (payLen != size - pos) {
    return fail("corrupt archive: payload length " + std::to_string(payLen) + " but " +
                std::to_string(size - pos) + " bytes present (truncated?)");
  }
  if (fnv1a64(bytes.data() + pos, payLen, fnv1a64(reader.kind_.data(), reader.kind_.size())) !=
      checksum)
    return fail("corrupt archive: checksum mismatch");

  while (pos < size) {
    std::size_t left = size - pos;
    if (left < 4) return fail("corrupt archive: truncated field header");
    const auto nameLen = readPod<std::uint32_t>(bytes.data() + pos);
    pos += 4;
    left -= 4;
    if (nameLen + 1ULL > left) return fail("corrupt archive: truncated field name");
    std::string name(bytes.data() + pos, nameLen);
    pos += nameLen;
    const auto typeByte = static_cast<std::uint8_t>(bytes[pos]);
    pos += 1;
    left = size - pos;
    if (typeByte < 1 || typeByte > 6)
      return fail("corrupt archive: unknown field type in '" + name + "'");
    const auto type = static_cast<FieldType>(typeByte);
    Field f{type, 0, 1, 1};
    std::uint64_t elemSize = 0;
    switch (type) {
      case FieldType::Int64:
      case FieldType::Double:
        elemSize = 8;
        break;
      case FieldType::String:
      case FieldType::DoubleVector:
      case FieldType::FloatVector:
        if (left < 8) return fail("corrupt archive: truncated field '" + name + "'");
        f.rows = readPod<std::uint64_t>(bytes.data() + pos);
        pos += 8;
        left -= 8;
        elemSize = type == FieldType::String ? 1 : type == FieldType::FloatVector ? 4 : 8;
        break;
      case FieldType::DoubleMatrix:
        if (left < 16) return fail("corrupt archive: truncated field '" + name + "'");
        f.rows = readPod<std::uint64_t>(bytes.data() + pos);
        f.cols = readPod<std::uint64_t>(bytes.data() + pos + 8);
        pos += 16;
        left -= 16;
        elemSize = 8;
        if (f.cols != 0 && f.rows > left / f.cols) {
          return fail("corrupt archive: field '" + name + "' claims more data than the file holds");
        }
        // An empty matrix holds no data, so the check above cannot bound it: 0 × 2^31 would load,
        // and every loop over its columns would then spin. No real dimension exceeds the file.
        if (f.rows > size || f.cols > size) {
          return fail("corrupt archive: field '" + name + "' has an absurd shape");
        }
        break;
    }
    const std::uint64_t count = f.rows * f.cols;  // no overflow: checked above for matrices
    if (count > left / elemSize) {
      return fail("corrupt archive: field '" + name + "' claims more data than the file holds");
    }
    f.offset = pos;
    pos += static_cast<std::size_t>(count * elemSize);
    if (!reader.fields_.emplace(std::move(name), f).second) {
      return fail("corrupt archive: duplicate field");
    }
  }
  reader.bytes_ = std::move(bytes);
  return reader;
}

std::vector<std::string> ArchiveReader::names() const {
  std::vector<std::string> out;
  out.reserve(fields_.size());
  for (const auto& [name, f] : fields_) out.push_back(name);
  return out;
}

Result<const ArchiveReader::Field*> ArchiveReader::find(const std::string& name,
                                                        FieldType type) const {
  const auto it = fields_.find(name);
  if (it == fields_.end()) return fail("archive field '" + name + "' is missing");
  if (it->second.type != type) {
    return fail("archive field '" + name + "' is a " + typeName(it->second.type) + ", expected a " +
                typeName(type));
  }
  return &it->second;
}

Result<std::int64_t> ArchiveReader::getInt(const std::string& name) const {
  auto f = find(name, FieldType::Int64);
  if (!f) return f.error();
  return readPod<std::int64_t>(bytes_.data() + (*f)->offset);
}

Result<double> ArchiveReader::getDouble(const std::string& name) const {
  auto f = find(name, FieldType::Double);
  if (!f) return f.error();
  return readPod<double>(bytes_.data() + (*f)->offset);
}

Result<std::string> ArchiveReader::getString(const std::string& name) const {
  auto f = find(name, FieldType::String);
  if (!f) return f.error();
  return std::string(bytes_.data() + (*f)->offset, static_cast<std::size_t>((*f)->rows));
}

Result<Vec> ArchiveReader::getVector(const std::string& name) const {
  auto f = find(name, FieldType::DoubleVector);
  if (!f) return f.error();
  Vec v(static_cast<Eigen::Index>((*f)->rows));
  if (v.size() > 0)
    std::memcpy(v.data(), bytes_.data() + (*f)->offset, static_cast<std::size_t>(v.size()) * 8);
  return v;
}

Result<Mat> ArchiveReader::getMatrix(const std::string& name) const {
  auto f = find(name, FieldType::DoubleMatrix);
  if (!f) return f.error();
  if ((*f)->rows > static_cast<std::uint64_t>(std::numeric_limits<int>::max()) ||
      (*f)->cols > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
    return fail("archive field '" + name + "' has an absurd shape");
  }
  Mat m(static_cast<Eigen::Index>((*f)->rows), static_cast<Eigen::Index>((*f)->cols));
  if (m.size() > 0)
    std::memcpy(m.data(), bytes_.data() + (*f)->offset, static_cast<std::size_t>(m.size()) * 8);
  return m;
}

Result<VecF> ArchiveReader::getFloatVector(const std::string& name) const {
  auto f = find(name, FieldType::FloatVector);
  if (!f) return f.error();
  VecF v(static_cast<Eigen::Index>((*f)->rows));
  if (v.size() > 0)
    std::memcpy(v.data(), bytes_.data() + (*f)->offset, static_cast<std::size_t>(v.size()) * 4);
  return v;
}

}  // namespace mp::io
