// Faults (issue #8): moodplane-cli killed (SIGKILL) at random moments of scans and of `rate`, a
// damaged library database or model file at start, and a full disk while writing the database,
// a model file or a playlist. The database must always pass PRAGMA integrity_check, open, and
// keep every rating; a damaged file is reported with its way out and never deleted; a write that
// fails leaves what was saved before untouched.
//   MOODPLANE_FAULT_KILLS overrides the number of kills during scans (default 200; 80 under
//   the sanitizers, where every CLI run is several times slower); at most 40 s are spent on them.

#include "core/io/archive.h"
#include "core/library/library_backup.h"
#include "core/library/library_store.h"
#include "core/library/sqlite_db.h"
#include "tests/common/temp_dir.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace mp::library {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

bool sanitizerBuild() { return std::getenv("MOODPLANE_SANITIZER_BUILD") != nullptr; }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// A 0.2 s, 8 kHz mono 16-bit WAV whose samples depend on `seed` (distinct content hashes).
void writeWav(const fs::path& path, std::uint32_t seed) {
  constexpr int kRate = 8000;
  constexpr int kFrames = kRate / 5;
  std::vector<std::int16_t> pcm(kFrames);
  const double freq = 150.0 + seed % 2000;
  for (int i = 0; i < kFrames; ++i) {
    pcm[static_cast<std::size_t>(i)] = static_cast<std::int16_t>(8000.0 * std::sin(2 * M_PI * freq * i / kRate));
  }
  pcm[0] = static_cast<std::int16_t>(seed & 0x7fff);  // every seed gives distinct content
  pcm[1] = static_cast<std::int16_t>(seed >> 15);
  auto u32 = [](std::uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [](std::uint16_t v) { return std::string(reinterpret_cast<const char*>(&v), 2); };
  const std::uint32_t dataBytes = kFrames * 2;
  const std::string header = "RIFF" + u32(36 + dataBytes) + "WAVEfmt " + u32(16) + u16(1) + u16(1) + u32(kRate) +
                             u32(kRate * 2) + u16(2) + u16(16) + "data" + u32(dataBytes);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << header;
  out.write(reinterpret_cast<const char*>(pcm.data()), dataBytes);
}

struct Child {
  pid_t pid = -1;
};

struct ChildLimits {
  std::int64_t maxFileBytes = -1;  ///< RLIMIT_FSIZE (SIGXFSZ ignored: writes fail with EFBIG)
};

/// Starts moodplane-cli with `args` (stdout/stderr to files in `dir`, a private XDG_DATA_HOME).
Child startCli(const test::TempDir& dir, const std::vector<std::string>& args, ChildLimits limits = {}) {
  std::vector<std::string> argvStore = {MOODPLANE_CLI_PATH};
  argvStore.insert(argvStore.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argvStore) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string xdg = "XDG_DATA_HOME=" + dir.file("xdg");
  const std::string out = dir.file("cli.out"), err = dir.file("cli.err");
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o >= 0) ::dup2(o, 1);
    if (e >= 0) ::dup2(e, 2);
    if (limits.maxFileBytes >= 0) {
      ::signal(SIGXFSZ, SIG_IGN);
      rlimit lim{static_cast<rlim_t>(limits.maxFileBytes), static_cast<rlim_t>(limits.maxFileBytes)};
      ::setrlimit(RLIMIT_FSIZE, &lim);
    }
    ::putenv(const_cast<char*>(xdg.c_str()));
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return Child{pid};
}

struct Finished {
  bool killed = false;  ///< ended by our SIGKILL
  int code = -1;        ///< exit code when it exited by itself
  std::string err;
};

Finished waitCli(const test::TempDir& dir, Child c) {
  int status = 0;
  ::waitpid(c.pid, &status, 0);
  Finished f;
  f.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  f.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  f.err = slurp(dir.file("cli.err"));
  return f;
}

Finished runCli(const test::TempDir& dir, const std::vector<std::string>& args, ChildLimits limits = {}) {
  return waitCli(dir, startCli(dir, args, limits));
}

/// PRAGMA integrity_check on its own connection: "ok" or the first problem.
std::string integrity(const std::string& db) {
  auto conn = SqliteDb::open(db, /*create=*/false);
  if (!conn) return conn.error().message;
  auto st = (*conn)->prepare("PRAGMA integrity_check");
  if (!st) return st.error().message;
  auto row = st->step();
  if (!row) return row.error().message;
  return *row ? st->text(0) : "no result";
}

/// (valence, arousal) of the rating stored under `contentHash`, if any.
std::optional<std::pair<double, double>> ratingByHash(const std::string& db, const std::string& contentHash) {
  auto conn = SqliteDb::open(db, false);
  if (!conn) return std::nullopt;
  auto st = (*conn)->prepare("SELECT valence, arousal FROM ratings WHERE content_hash = ?1");
  if (!st) return std::nullopt;
  st->bind(1, contentHash);
  auto row = st->step();
  if (!row || !*row) return std::nullopt;
  return std::pair{st->real(0), st->real(1)};
}

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(MOODPLANE_CLI_PATH)) GTEST_SKIP() << "moodplane-cli not built at " << MOODPLANE_CLI_PATH;
    music = dir.path() / "music";
    fs::create_directories(music);
    db = dir.file("library.sqlite");
  }

  std::vector<std::string> indexArgs() const {
    return {"index", music.string(), "--db", db, "--tags-only", "--jobs", "2"};
  }

  test::TempDir dir;
  fs::path music;
  std::string db;
};

// ---- kills ----

TEST_F(FaultTest, RandomKillsDuringScansNeverCorruptTheDatabaseOrLoseARating) {
  const char* env = std::getenv("MOODPLANE_FAULT_KILLS");
  const int kills = env != nullptr ? std::atoi(env) : (sanitizerBuild() ? 80 : 200);
  constexpr int kFiles = 100;
  constexpr int kRated = 24;
  std::mt19937 rng(20261130);
  std::uint32_t nextSeed = 1;
  std::vector<fs::path> files;
  for (int i = 0; i < kFiles; ++i) {
    files.push_back(music / ("song" + std::to_string(i) + ".wav"));
    writeWav(files.back(), nextSeed++);
  }
  ASSERT_EQ(runCli(dir, indexArgs()).code, 0);

  // Ratings stored before any kill: files 0..kRated-1 (only ever moved, never rewritten).
  std::map<std::string, std::pair<double, double>> ratedByHash;
  std::vector<std::size_t> ratedIndex;
  {
    auto store = LibraryStore::open(db);
    ASSERT_TRUE(store) << store.error().message;
    for (int i = 0; i < kRated; ++i) {
      const double v = 0.02 + 0.04 * i, a = 0.97 - 0.03 * i;
      ASSERT_TRUE((*store)->setRating(files[static_cast<std::size_t>(i)].string(), v, a));
      auto song = (*store)->songByPath(files[static_cast<std::size_t>(i)].string());
      ASSERT_TRUE(song && song->has_value());
      ratedByHash[(*song)->contentHash] = {v, a};
      ratedIndex.push_back(static_cast<std::size_t>(i));
    }
  }
  const std::set<std::size_t> ratedSet(ratedIndex.begin(), ratedIndex.end());

  // Each round changes the library so that the scan has real writing to do: rewrites (new
  // content -> re-analysis), moves (rated songs too: their rating must follow), deletions and
  // additions. Then the scan is killed after a random delay within the time a round takes.
  std::uniform_int_distribution<std::size_t> pick(0, kFiles - 1);
  auto mutate = [&] {
    for (int k = 0; k < 30; ++k) {
      const std::size_t i = pick(rng);
      if (ratedSet.count(i) != 0) continue;
      writeWav(files[i], nextSeed++);
    }
    for (int k = 0; k < 6; ++k) {
      const std::size_t i = pick(rng);
      const fs::path moved = music / ("moved" + std::to_string(nextSeed++) + ".wav");
      fs::rename(files[i], moved);
      files[i] = moved;
    }
    for (int k = 0; k < 4; ++k) {
      const std::size_t i = pick(rng);
      if (ratedSet.count(i) != 0) continue;
      fs::remove(files[i]);
      files[i] = music / ("new" + std::to_string(nextSeed) + ".wav");
      writeWav(files[i], nextSeed++);
    }
  };
  double roundSeconds = 0;
  for (int i = 0; i < 3; ++i) {
    mutate();
    const auto t0 = Clock::now();
    ASSERT_EQ(runCli(dir, indexArgs()).code, 0);
    roundSeconds += std::chrono::duration<double>(Clock::now() - t0).count() / 3;
  }
  ASSERT_TRUE(fs::exists(backupPathFor(db)));

  std::uniform_real_distribution<double> when(0.0, roundSeconds);
  int landed = 0;
  int rounds = 0;
  const auto start = Clock::now();
  // A wall-clock budget keeps the test bounded on a loaded machine (it reports what it did).
  const auto budget = std::chrono::seconds(40);
  for (int round = 0; round < kills && Clock::now() - start < budget; ++round, ++rounds) {
    mutate();
    const Child c = startCli(dir, indexArgs());
    std::this_thread::sleep_for(std::chrono::duration<double>(when(rng)));
    ::kill(c.pid, SIGKILL);
    const Finished f = waitCli(dir, c);
    if (f.killed) {
      ++landed;
    } else {
      ASSERT_EQ(f.code, 0) << f.err;
    }
    ASSERT_EQ(integrity(db), "ok") << "after kill " << round;
    {
      auto store = LibraryStore::open(db);
      ASSERT_TRUE(store) << "after kill " << round << ": " << store.error().message;
      auto count = (*store)->ratingCount();
      ASSERT_TRUE(count);
      ASSERT_EQ(*count, kRated) << "after kill " << round;
    }
    for (const auto& [hash, va] : ratedByHash) {
      const auto stored = ratingByHash(db, hash);
      ASSERT_TRUE(stored.has_value()) << "rating lost after kill " << round;
      ASSERT_EQ(*stored, va) << "after kill " << round;
    }
    const auto backup = checkLibraryDatabase(backupPathFor(db));
    ASSERT_EQ(backup.health, DatabaseHealth::Healthy) << "backup after kill " << round << ": " << backup.reason;
  }
  const double killSeconds = std::chrono::duration<double>(Clock::now() - start).count();

  // A final complete scan: every rated file, wherever it moved, has its rating by path.
  ASSERT_EQ(runCli(dir, indexArgs()).code, 0);
  auto store = LibraryStore::open(db);
  ASSERT_TRUE(store);
  auto songs = (*store)->songs();
  ASSERT_TRUE(songs);
  EXPECT_EQ(songs->size(), static_cast<std::size_t>(kFiles));
  for (std::size_t i : ratedIndex) {
    auto r = (*store)->rating(files[i].string());
    ASSERT_TRUE(r && r->has_value()) << files[i];
    EXPECT_DOUBLE_EQ((*r)->valence, 0.02 + 0.04 * static_cast<double>(i));
  }
  std::printf("fault: %d kills during scans (%d landed mid-run, round %.0f ms) in %.1f s: 0 corrupt, 0 ratings lost\n",
              rounds, landed, roundSeconds * 1e3, killSeconds);
  EXPECT_GE(rounds, std::min(kills, 100)) << "too few kills within the time budget";
  EXPECT_GE(landed, rounds / 2) << "most kills must land while the scan runs";
}

TEST_F(FaultTest, RandomKillsDuringRateKeepTheOldOrTheNewRating) {
  const int kills = sanitizerBuild() ? 40 : 100;
  for (int i = 0; i < 20; ++i) writeWav(music / ("song" + std::to_string(i) + ".wav"), static_cast<std::uint32_t>(i));
  ASSERT_EQ(runCli(dir, indexArgs()).code, 0);
  const std::string target = (music / "song3.wav").string();
  const std::string other = (music / "song7.wav").string();
  ASSERT_EQ(runCli(dir, {"rate", other, "--valence", "0.25", "--arousal", "0.75", "--db", db}).code, 0);
  const auto t0 = Clock::now();
  ASSERT_EQ(runCli(dir, {"rate", target, "--valence", "0.5", "--arousal", "0.5", "--db", db}).code, 0);
  const double rateSeconds = std::chrono::duration<double>(Clock::now() - t0).count();

  std::mt19937 rng(7);
  std::uniform_real_distribution<double> when(0.0, rateSeconds);
  double committed = 0.5;
  int landed = 0;
  for (int round = 0; round < kills; ++round) {
    const double value = 0.01 * (round % 100);
    const std::string text = std::to_string(value);
    const Child c = startCli(dir, {"rate", target, "--valence", text, "--arousal", text, "--db", db});
    std::this_thread::sleep_for(std::chrono::duration<double>(when(rng)));
    ::kill(c.pid, SIGKILL);
    const Finished f = waitCli(dir, c);
    landed += f.killed ? 1 : 0;
    ASSERT_EQ(integrity(db), "ok") << "after kill " << round;
    auto store = LibraryStore::open(db);
    ASSERT_TRUE(store) << store.error().message;
    auto r = (*store)->rating(target);
    ASSERT_TRUE(r && r->has_value()) << "rating lost after kill " << round;
    const double now = (*r)->valence;
    if (!f.killed) {
      ASSERT_EQ(f.code, 0) << f.err;
    }
    // Atomic: the previous value or the new one, nothing else; a finished run committed the new.
    ASSERT_TRUE(std::abs(now - committed) < 1e-9 || std::abs(now - std::stod(text)) < 1e-9)
        << now << " after kill " << round;
    if (!f.killed) {
      ASSERT_NEAR(now, std::stod(text), 1e-9);
    }
    committed = now;
    auto o = (*store)->rating(other);
    ASSERT_TRUE(o && o->has_value());
    ASSERT_DOUBLE_EQ((*o)->valence, 0.25);
  }
  std::printf("fault: %d kills during rate (%d landed mid-run, run %.0f ms): 0 corrupt, 0 ratings lost\n", kills,
              landed, rateSeconds * 1e3);
  EXPECT_GE(landed, kills / 4);
}

// ---- damaged files at start ----

/// Overwrites the middle half of a database file (past page 1) with a byte pattern.
void damage(const std::string& path) {
  std::string bytes = slurp(path);
  ASSERT_GT(bytes.size(), 8192u);
  for (std::size_t i = 4096 + bytes.size() / 4; i < 4096 + bytes.size() / 2 && i < bytes.size(); ++i) {
    bytes[i] = static_cast<char>(0xA5 ^ (i * 31));
  }
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::vector<fs::path> corruptCopies(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.find(".corrupt-") != std::string::npos && name.find("-wal") == std::string::npos &&
        name.find("-shm") == std::string::npos) {
      out.push_back(e.path());
    }
  }
  return out;
}

TEST_F(FaultTest, DamagedDatabaseIsReportedWithBothWaysOutAndNeverDeleted) {
  for (int i = 0; i < 60; ++i) writeWav(music / ("song" + std::to_string(i) + ".wav"), static_cast<std::uint32_t>(i));
  ASSERT_EQ(runCli(dir, indexArgs()).code, 0);
  const std::string rated = (music / "song5.wav").string();
  ASSERT_EQ(runCli(dir, {"rate", rated, "--valence", "0.8", "--arousal", "0.3", "--db", db}).code, 0);
  ASSERT_EQ(checkLibraryDatabase(backupPathFor(db)).health, DatabaseHealth::Healthy);
  ASSERT_FALSE(fs::exists(db + "-wal")) << "the CLI closes its connection (WAL checkpointed)";

  damage(db);
  const std::string damagedBytes = slurp(db);
  ASSERT_EQ(checkLibraryDatabase(db).health, DatabaseHealth::Damaged);
  const std::vector<std::string> query = {"query", "--region", "0,0,1,1", "--db", db};
  for (const auto& args : {query, std::vector<std::string>{"rate", rated, "--valence", "0.1", "--arousal", "0.1",
                                                           "--db", db},
                           indexArgs()}) {
    const Finished f = runCli(dir, args);
    EXPECT_EQ(f.code, 1) << args[0];
    EXPECT_NE(f.err.find(db), std::string::npos) << f.err;
    EXPECT_NE(f.err.find("damaged"), std::string::npos) << f.err;
    EXPECT_NE(f.err.find("--restore-backup"), std::string::npos) << f.err;
    EXPECT_NE(f.err.find("--new-library"), std::string::npos) << f.err;
    EXPECT_EQ(slurp(db), damagedBytes) << "nothing may change without the user's choice";
  }
  EXPECT_TRUE(corruptCopies(dir.path()).empty());

  // Way out 1: restore the backup; the damaged file is kept aside, byte for byte.
  std::vector<std::string> restore = query;
  restore.push_back("--restore-backup");
  Finished f = runCli(dir, restore);
  ASSERT_EQ(f.code, 0) << f.err;
  EXPECT_NE(f.err.find("restored"), std::string::npos) << f.err;
  auto aside = corruptCopies(dir.path());
  ASSERT_EQ(aside.size(), 1u);
  EXPECT_EQ(slurp(aside[0]), damagedBytes);
  {
    auto store = LibraryStore::open(db);
    ASSERT_TRUE(store) << store.error().message;
    auto songs = (*store)->songs();
    ASSERT_TRUE(songs);
    EXPECT_EQ(songs->size(), 60u);
    auto r = (*store)->rating(rated);
    ASSERT_TRUE(r && r->has_value()) << "the backup was refreshed after `rate`";
    EXPECT_DOUBLE_EQ((*r)->valence, 0.8);
  }

  // Way out 2: a new, empty library; the second damaged file is kept too.
  damage(db);
  std::vector<std::string> fresh = query;
  fresh.push_back("--new-library");
  f = runCli(dir, fresh);
  ASSERT_EQ(f.code, 0) << f.err;
  EXPECT_EQ(corruptCopies(dir.path()).size(), 2u);
  auto store = LibraryStore::open(db);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_TRUE(store->get()->songs()->empty());

  // The two flags exclude each other (a usage error).
  std::vector<std::string> both = query;
  both.insert(both.end(), {"--restore-backup", "--new-library"});
  EXPECT_EQ(runCli(dir, both).code, 2);
}

TEST_F(FaultTest, DamagedDatabaseWithoutBackupOffersOnlyANewLibrary) {
  std::ofstream(db, std::ios::binary) << "this is not a database, just text that happens to be here\n";
  const std::string before = slurp(db);
  const std::vector<std::string> query = {"query", "--region", "0,0,1,1", "--db", db};
  Finished f = runCli(dir, query);
  EXPECT_EQ(f.code, 1);
  EXPECT_NE(f.err.find("not a SQLite database"), std::string::npos) << f.err;
  EXPECT_NE(f.err.find("no usable backup"), std::string::npos) << f.err;
  std::vector<std::string> restore = query;
  restore.push_back("--restore-backup");
  f = runCli(dir, restore);
  EXPECT_EQ(f.code, 1);
  EXPECT_NE(f.err.find("no backup"), std::string::npos) << f.err;
  EXPECT_EQ(slurp(db), before);
  EXPECT_TRUE(corruptCopies(dir.path()).empty());
}

TEST_F(FaultTest, RatingsAndRetrainOfferTheSameWaysOutOfADamagedDatabase) {
  for (int i = 0; i < 60; ++i) writeWav(music / ("song" + std::to_string(i) + ".wav"), static_cast<std::uint32_t>(i));
  ASSERT_EQ(runCli(dir, indexArgs()).code, 0);
  const std::string rated = (music / "song7.wav").string();
  ASSERT_EQ(runCli(dir, {"rate", rated, "--valence", "0.2", "--arousal", "0.9", "--db", db}).code, 0);
  const std::string csv = dir.file("ratings.csv");
  {
    std::ofstream out(csv);
    out << "path,title,artist,valence,arousal\n" << rated << ",,,0.6,0.4\n";
  }
  damage(db);
  const std::string damagedBytes = slurp(db);
  ASSERT_EQ(checkLibraryDatabase(db).health, DatabaseHealth::Damaged);

  const std::string exported = dir.file("exported.csv");
  const std::vector<std::string> exportArgs = {"ratings", "export", "--out", exported, "--db", db};
  for (const auto& args : {exportArgs, std::vector<std::string>{"ratings", "import", csv, "--db", db},
                           std::vector<std::string>{"retrain", "--db", db, "--no-cv"}}) {
    const Finished f = runCli(dir, args);
    EXPECT_EQ(f.code, 1) << args[0] << " " << args[1];
    EXPECT_NE(f.err.find(db), std::string::npos) << f.err;
    EXPECT_NE(f.err.find("damaged"), std::string::npos) << f.err;
    EXPECT_NE(f.err.find("--restore-backup"), std::string::npos) << f.err;
    EXPECT_NE(f.err.find("--new-library"), std::string::npos) << f.err;
    EXPECT_EQ(slurp(db), damagedBytes) << "nothing may change without the user's choice";
  }
  EXPECT_TRUE(corruptCopies(dir.path()).empty());
  EXPECT_FALSE(fs::exists(exported));

  // `ratings export --restore-backup`: the backup (refreshed by `rate`) comes back with the rating.
  std::vector<std::string> restore = exportArgs;
  restore.push_back("--restore-backup");
  Finished f = runCli(dir, restore);
  ASSERT_EQ(f.code, 0) << f.err;
  EXPECT_NE(f.err.find("restored"), std::string::npos) << f.err;
  ASSERT_EQ(corruptCopies(dir.path()).size(), 1u);
  EXPECT_EQ(slurp(corruptCopies(dir.path())[0]), damagedBytes);
  const std::string lines = slurp(exported);
  EXPECT_NE(lines.find(rated), std::string::npos) << lines;
  EXPECT_NE(lines.find("0.2"), std::string::npos) << lines;

  // `ratings import --new-library`: an empty library, so the CSV's song is not found (exit 1,
  // the line reported), and the second damaged file is kept aside too.
  damage(db);
  f = runCli(dir, {"ratings", "import", csv, "--db", db, "--new-library"});
  EXPECT_EQ(f.code, 1) << f.err;
  EXPECT_NE(f.err.find("started a new library"), std::string::npos) << f.err;
  EXPECT_EQ(corruptCopies(dir.path()).size(), 2u);
  auto store = LibraryStore::open(db);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_TRUE(store->get()->songs()->empty());

  // retrain takes the flags too (they exclude each other: a usage error).
  EXPECT_EQ(runCli(dir, {"retrain", "--db", db, "--restore-backup", "--new-library"}).code, 2);
}

TEST_F(FaultTest, ForeignDatabaseIsNotTreatedAsDamaged) {
  {
    auto conn = SqliteDb::open(db, true);
    ASSERT_TRUE(conn);
    ASSERT_TRUE((*conn)->exec("CREATE TABLE other(x); INSERT INTO other VALUES(1)"));
  }
  const std::string before = slurp(db);
  const Finished f = runCli(dir, {"query", "--region", "0,0,1,1", "--db", db, "--new-library"});
  EXPECT_EQ(f.code, 1);
  EXPECT_NE(f.err.find("not a Moodplane library"), std::string::npos) << f.err;
  EXPECT_EQ(slurp(db), before);
  EXPECT_TRUE(corruptCopies(dir.path()).empty());
}

TEST_F(FaultTest, DamagedModelFileIsAnErrorNamingIt) {
  writeWav(music / "a.wav", 1);
  const std::string model = dir.file("broken.mpmodel");
  const std::string real = slurp(fs::path(MOODPLANE_SOURCE_DIR) / "resources/models/default.mpmodel");
  ASSERT_FALSE(real.empty());
  for (const std::string& bytes : {real.substr(0, real.size() / 3), std::string("garbage"), std::string()}) {
    std::ofstream(model, std::ios::binary | std::ios::trunc) << bytes;
    for (const auto& args : {std::vector<std::string>{"index", music.string(), "--db", db, "--model", model},
                             std::vector<std::string>{"predict", (music / "a.wav").string(), "--model", model}}) {
      const Finished f = runCli(dir, args);
      EXPECT_EQ(f.code, 1) << args[0] << ": " << f.err;
      EXPECT_NE(f.err.find(model), std::string::npos) << f.err;
    }
  }
}

// ---- full disk ----

TEST_F(FaultTest, FullDiskDuringAScanIsReportedAndLosesNothingSaved) {
  for (int i = 0; i < 40; ++i) writeWav(music / ("song" + std::to_string(i) + ".wav"), static_cast<std::uint32_t>(i));
  ASSERT_EQ(runCli(dir, indexArgs()).code, 0);
  const std::string rated = (music / "song9.wav").string();
  ASSERT_EQ(runCli(dir, {"rate", rated, "--valence", "0.9", "--arousal", "0.1", "--db", db}).code, 0);
  for (int i = 40; i < 600; ++i) writeWav(music / ("song" + std::to_string(i) + ".wav"), static_cast<std::uint32_t>(i));

  // No file may grow past the database's size + 16 KB: the WAL fills up mid-scan.
  const auto limit = static_cast<std::int64_t>(fs::file_size(db)) + 16 * 1024;
  const Finished f = runCli(dir, indexArgs(), ChildLimits{limit});
  EXPECT_EQ(f.code, 1) << f.err;
  EXPECT_NE(f.err.find("is the disk full?"), std::string::npos) << f.err;
  EXPECT_NE(f.err.find(db), std::string::npos) << f.err;
  EXPECT_EQ(integrity(db), "ok");
  auto store = LibraryStore::open(db);
  ASSERT_TRUE(store) << store.error().message;
  auto songs = (*store)->songs();
  ASSERT_TRUE(songs);
  EXPECT_GE(songs->size(), 40u);
  auto r = (*store)->rating(rated);
  ASSERT_TRUE(r && r->has_value());
  EXPECT_DOUBLE_EQ((*r)->valence, 0.9);
  EXPECT_EQ(checkLibraryDatabase(backupPathFor(db)).health, DatabaseHealth::Healthy);
  store->reset();
  // With space again, the scan completes.
  ASSERT_EQ(runCli(dir, indexArgs()).code, 0);
}

TEST_F(FaultTest, FullDiskWhileExportingAPlaylistKeepsTheOldFile) {
  {
    auto store = LibraryStore::open(db);
    ASSERT_TRUE(store);
    for (int i = 0; i < 1000; ++i) {
      SongRecord s;
      s.path = "/music/a fairly long folder name/song number " + std::to_string(i) + ".flac";
      s.contentHash = "h" + std::to_string(i);
      s.tags.title = "Title " + std::to_string(i);
      s.tags.artist = "Artist";
      s.durationSeconds = 180;
      s.prediction = MoodEstimate{0.8, 0.8, 1e-3, 0, 1e-3};
      s.status = AnalysisStatus::Done;
      s.modelVersion = "m";
      ASSERT_TRUE((*store)->upsertSong(s));
    }
  }
  const std::string playlist = dir.file("happy.m3u");
  std::ofstream(playlist) << "#EXTM3U\n/music/kept.flac\n";
  const std::vector<std::string> args = {"export", "--region", "0.5,0.5,1,1", "--format", "m3u",
                                         "--out", playlist, "--db", db};
  // 64 KB: the database can be opened (its -shm is 32 KB) but the ~100 KB playlist cannot be written.
  const Finished f = runCli(dir, args, ChildLimits{64 * 1024});
  EXPECT_EQ(f.code, 1) << f.err;
  EXPECT_NE(f.err.find(playlist), std::string::npos) << f.err;
  EXPECT_EQ(slurp(playlist), "#EXTM3U\n/music/kept.flac\n");
  for (const auto& e : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  }
  ASSERT_EQ(runCli(dir, args).code, 0);
  EXPECT_GT(slurp(playlist).size(), 64u * 1024);
}

TEST(FaultModelFile, FullDiskWhileSavingAModelKeepsTheOldFile) {
  test::TempDir dir;
  const std::string path = dir.file("user.mpmodel");
  io::ArchiveWriter small("moodplane-model");
  small.putString("card", "{}");
  ASSERT_TRUE(small.writeFile(path));
  const std::string before = slurp(path);
  io::ArchiveWriter big("moodplane-model");
  big.putVector("weights", Vec::LinSpaced(50000, 0.0, 1.0));  // 400 KB

  // The write happens in a child whose files may not exceed 64 KB (SIGXFSZ ignored: EFBIG).
  int pipeFd[2];
  ASSERT_EQ(::pipe(pipeFd), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipeFd[0]);
    ::signal(SIGXFSZ, SIG_IGN);
    rlimit lim{64 * 1024, 64 * 1024};
    ::setrlimit(RLIMIT_FSIZE, &lim);
    const Status s = big.writeFile(path);
    const std::string msg = s ? std::string("ok") : s.error().message;
    (void)!::write(pipeFd[1], msg.data(), msg.size());
    ::_exit(s ? 0 : 1);
  }
  ::close(pipeFd[1]);
  std::string msg;
  char buf[512];
  for (ssize_t n; (n = ::read(pipeFd[0], buf, sizeof buf)) > 0;) msg.append(buf, static_cast<std::size_t>(n));
  ::close(pipeFd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1) << msg;
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_EQ(slurp(path), before);
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) files += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 1u) << "no temporary file left behind";
  EXPECT_TRUE(io::ArchiveReader::open(path, "moodplane-model"));
}

}  // namespace
}  // namespace mp::library
