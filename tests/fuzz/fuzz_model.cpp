// libFuzzer target: the model-file loader. The raw bytes go to io::ArchiveReader and
// mood::MoodModel::fromBytes; a copy with a repaired checksum goes too, so mutations reach the
// field parser and the model's own validation instead of stopping at the checksum.
// Every field of a parsed archive is then read back with every getter.

#include "core/io/archive.h"
#include "core/mood/mood_model.h"
#include "tests/fuzz/fuzz_support.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace {

void readEveryField(const mp::io::ArchiveReader& reader) {
  for (const std::string& name : reader.names()) {
    (void)reader.getInt(name);
    (void)reader.getDouble(name);
    (void)reader.getString(name);
    (void)reader.getVector(name);
    (void)reader.getMatrix(name);
    (void)reader.getFloatVector(name);
  }
}

void loadBoth(const std::string& bytes) {
  if (auto reader = mp::io::ArchiveReader::fromBytes(bytes)) readEveryField(*reader);
  auto model = mp::mood::MoodModel::fromBytes(bytes);
  if (model) {
    // A model that loads must serialise again, and the copy must load to the same bytes.
    const std::string again = model->bytes();
    auto reloaded = mp::mood::MoodModel::fromBytes(again);
    if (!reloaded) {
      std::fprintf(stderr, "fuzz_model: a loaded model's own bytes do not load: %s\n",
                   reloaded.error().message.c_str());
      __builtin_trap();
    }
    if (reloaded->bytes() != again) {
      std::fprintf(stderr, "fuzz_model: save -> load -> save changes the bytes\n");
      __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string raw(reinterpret_cast<const char*>(data), size);
  loadBoth(raw);
  const std::string repaired = mp::fuzz::withValidArchiveChecksum(raw);
  if (repaired != raw) loadBoth(repaired);
  return 0;
}
