#include "core/mood/model_store.h"

#include "core/common/install_paths.h"
#include "core/io/archive.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace fs = std::filesystem;

namespace mp::mood {
namespace {

constexpr const char* kPointerName = "current";
constexpr const char* kDefaultName = "default";
constexpr const char* kCardFormat = "moodplane-model-card/1";

std::string modelFileName(int number) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "model-%04d.mpmodel", number);
  return buf;
}

/// NNNN of "model-NNNN.mpmodel", or 0 when the name is not one.
int modelNumber(const std::string& name) {
  constexpr std::string_view prefix = "model-";
  constexpr std::string_view suffix = ".mpmodel";
  if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return 0;
  }
  const std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  if (digits.empty() || digits.size() > 8 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return 0;
  }
  return std::stoi(digits);
}

void syncDirectory(const fs::path& dir) {
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

/// Writes `content` to a fresh temp file in `dir` and fsyncs it; returns its path.
Result<fs::path> writeTemp(const fs::path& dir, const std::string& stem, const std::string& content) {
  std::random_device rd;
  const fs::path tmp = dir / ("." + stem + ".tmp" + std::to_string(rd()));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return fail("cannot create " + tmp.string() + ": " + std::strerror(errno));
  std::size_t at = 0;
  bool ok = true;
  while (at < content.size()) {
    const ssize_t n = ::write(fd, content.data() + at, content.size() - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    at += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return fail("cannot write " + tmp.string() + ": " + std::strerror(err));
  }
  return tmp;
}

std::string utcNow() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

ModelStore::ModelStore(std::string folder, std::string defaultModelPath)
    : folder_(std::move(folder)), defaultModel_(std::move(defaultModelPath)) {}

std::string ModelStore::defaultFolder() { return (userDataDir() / "models").string(); }

std::string ModelStore::pathOf(int number) const {
  if (number <= 0) return defaultModel_;
  return (fs::path(folder_) / modelFileName(number)).string();
}

Result<nlohmann::json> ModelStore::readCard(const std::string& path) const {
  auto r = io::ArchiveReader::open(path, kModelKind);
  if (!r) return r.error();
  auto card = r->getString("card");
  if (!card) return fail(path + ": " + card.error().message);
  auto parsed = nlohmann::json::parse(*card, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return fail(path + ": the provenance card is not a JSON object");
  return parsed;
}

Result<std::vector<StoredModel>> ModelStore::list() const {
  std::vector<StoredModel> out;
  std::error_code ec;
  if (!fs::is_directory(folder_, ec)) return out;
  auto current = currentNumber();
  const int cur = current ? *current : 0;
  for (const auto& entry : fs::directory_iterator(folder_, ec)) {
    const int number = modelNumber(entry.path().filename().string());
    if (number <= 0) continue;
    StoredModel m;
    m.number = number;
    m.path = fs::absolute(entry.path()).lexically_normal().string();
    m.current = number == cur;
    if (auto card = readCard(m.path)) {
      m.card = std::move(*card);
    } else {
      m.problem = card.error().message;
    }
    out.push_back(std::move(m));
  }
  if (ec) return fail("cannot list " + folder_ + ": " + ec.message());
  std::sort(out.begin(), out.end(), [](const StoredModel& a, const StoredModel& b) { return a.number < b.number; });
  return out;
}

Result<int> ModelStore::currentNumber() const {
  const fs::path pointer = fs::path(folder_) / kPointerName;
  std::error_code ec;
  if (!fs::exists(pointer, ec)) return 0;
  std::ifstream in(pointer);
  std::string line;
  if (!in || !std::getline(in, line)) return fail("cannot read " + pointer.string());
  if (line == kDefaultName) return 0;
  const int number = modelNumber(line);
  if (number <= 0) return fail(pointer.string() + " does not name a model file (\"" + line.substr(0, 60) + "\")");
  return number;
}

Status ModelStore::setCurrent(int number) {
  std::error_code ec;
  fs::create_directories(folder_, ec);
  if (ec) return fail("cannot create " + folder_ + ": " + ec.message());
  const std::string content = (number > 0 ? modelFileName(number) : std::string(kDefaultName)) + "\n";
  auto tmp = writeTemp(folder_, kPointerName, content);
  if (!tmp) return tmp.error();
  const fs::path target = fs::path(folder_) / kPointerName;
  if (std::rename(tmp->c_str(), target.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp->c_str());
    return fail("cannot replace " + target.string() + ": " + std::strerror(e));
  }
  syncDirectory(folder_);
  return {};
}

Result<StoredModel> ModelStore::commit(const MoodModel& model, const nlohmann::json& provenance) {
  std::error_code ec;
  fs::create_directories(folder_, ec);
  if (ec) return fail("cannot create " + folder_ + ": " + ec.message());
  auto parent = currentNumber();
  if (!parent) return parent.error();
  auto existing = list();
  if (!existing) return existing.error();
  int number = existing->empty() ? 1 : existing->back().number + 1;

  nlohmann::json card = provenance.is_object() ? provenance : nlohmann::json::object();
  card["format"] = kCardFormat;
  card["date_utc"] = utcNow();
  card["parent"] = *parent;
  card["parent_file"] = pathOf(*parent);
  card["encoder"] = model.encoderFingerprint();
  card["regressor"] = regressorName(model.config());
  card["moodplane_version"] = MOODPLANE_VERSION;
  // The file is written once under a fresh number: temp + fsync, then link() (fails on an existing
  // name, so a concurrent writer never overwrites us) and unlink of the temp.
  for (int attempt = 0; attempt < 100; ++attempt, ++number) {
    card["model"] = number;
    MoodModel copy = model;
    copy.setCard(card.dump());
    auto tmp = writeTemp(folder_, modelFileName(number), copy.bytes());
    if (!tmp) return tmp.error();
    const fs::path target = fs::path(folder_) / modelFileName(number);
    const int rc = ::link(tmp->c_str(), target.c_str());
    const int e = errno;
    ::unlink(tmp->c_str());
    if (rc != 0 && e == EEXIST) continue;
    if (rc != 0) return fail("cannot create " + target.string() + ": " + std::strerror(e));
    syncDirectory(folder_);
    if (Status s = setCurrent(number); !s) return s.error();
    StoredModel m;
    m.number = number;
    m.path = fs::absolute(target).lexically_normal().string();
    m.card = card;
    m.current = true;
    return m;
  }
  return fail("cannot find a free model number in " + folder_);
}

Result<int> ModelStore::rollback() {
  auto current = currentNumber();
  if (!current) return current.error();
  if (*current == 0) return fail("the shipped default model is current; there is nothing to roll back");
  int parent = 0;
  if (auto card = readCard(pathOf(*current)); card && card->contains("parent") && (*card)["parent"].is_number_integer()) {
    parent = std::max(0, (*card)["parent"].get<int>());
  } else if (auto all = list(); all) {
    // The current file is unreadable, so its parent is unknown: the newest readable older model.
    for (const StoredModel& m : *all) {
      if (m.number < *current && m.problem.empty()) parent = m.number;
    }
  }
  std::error_code ec;
  if (parent > 0 && !fs::is_regular_file(pathOf(parent), ec)) {
    return fail("the previous model " + pathOf(parent) + " is missing; use `moodplane-cli model reset`");
  }
  if (Status s = setCurrent(parent); !s) return s.error();
  return parent;
}

Status ModelStore::resetToDefault() { return setCurrent(0); }

ResolvedModel ModelStore::resolve() const {
  ResolvedModel r;
  r.path = defaultModel_;
  auto current = currentNumber();
  if (!current) {
    r.warning = current.error().message + "; using the shipped default model";
    return r;
  }
  if (*current == 0) return r;
  const std::string path = pathOf(*current);
  auto loaded = MoodModel::load(path);
  if (!loaded) {
    r.warning = "your current model cannot be used (" + loaded.error().message +
                "); using the shipped default model (`moodplane-cli model rollback` or `model reset` to choose another)";
    return r;
  }
  r.path = path;
  r.userModel = true;
  r.number = *current;
  return r;
}

int ModelStore::numberForVersion(const std::string& modelVersion) const {
  auto matches = [&](const std::string& path) {
    auto hash = fileVersionHash(path);
    return hash && modelVersion.rfind("mood-" + *hash + "-", 0) == 0;
  };
  if (matches(defaultModel_)) return 0;
  if (auto all = list()) {
    for (const StoredModel& m : *all) {
      if (matches(m.path)) return m.number;
    }
  }
  return -1;
}

}  // namespace mp::mood
