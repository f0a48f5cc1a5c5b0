#include "core/mood/feature_cache.h"

#include "core/features/harmony.h"
#include "core/features/spectral_profile.h"
#include "core/io/archive.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

namespace fs = std::filesystem;

namespace mp::mood {
namespace {
constexpr const char* kCacheKind = "moodplane-features";
constexpr std::int64_t kCacheVersion = 1;
}  // namespace

SongSegments fromFeatures(const features::SongFeatures& f) {
  SongSegments s;
  s.segmentVectors = f.segmentVectors;
  s.segmentSeconds.resize(static_cast<Eigen::Index>(f.segments.size()));
  for (std::size_t i = 0; i < f.segments.size(); ++i) {
    s.segmentSeconds(static_cast<Eigen::Index>(i)) = std::max(1e-3, f.segments[i].second - f.segments[i].first);
  }
  if (s.segmentSeconds.size() != s.segmentVectors.rows()) s.segmentSeconds = Vec::Ones(s.segmentVectors.rows());
  s.durationSeconds = f.durationSeconds;
  s.codec = f.info.codec;
  s.harmony = f.harmony;
  s.spectral = f.spectral;
  return s;
}

Vec songLevelStats(const SongSegments& s) {
  const Eigen::Index d2 = s.segmentVectors.cols();
  const Eigen::Index d = d2 / 2;
  Vec out = Vec::Zero(d2);
  if (s.segmentVectors.rows() == 0) return out;
  Vec w = s.segmentSeconds.size() == s.segmentVectors.rows() ? s.segmentSeconds : Vec::Ones(s.segmentVectors.rows());
  w /= w.sum();
  const Mat means = s.segmentVectors.leftCols(d);
  const Mat stds = s.segmentVectors.rightCols(d);
  const Vec mu = means.transpose() * w;
  const Vec within = stds.cwiseAbs2().transpose() * w;
  const Vec between = (means.rowwise() - mu.transpose()).cwiseAbs2().transpose() * w;
  out.head(d) = mu;
  out.tail(d) = (within + between).cwiseSqrt();
  return out;
}

Result<std::uint64_t> hashFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read " + path);
  std::uint64_t h = io::fnv1a64(nullptr, 0);
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = in.gcount();
    if (n > 0) h = io::fnv1a64(buf.data(), static_cast<std::size_t>(n), h);
  }
  if (in.bad()) return fail("read error on " + path);
  return h;
}

std::string defaultFeatureCacheDir() {
  if (const char* env = std::getenv("MOODPLANE_FEATURE_CACHE"); env != nullptr && *env != '\0') return env;
  fs::path base;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
    base = xdg;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    base = fs::path(home) / ".cache";
  } else {
    base = fs::temp_directory_path();
  }
  return (base / "moodplane" / "features").string();
}

FeatureCache::FeatureCache(std::string dir) : dir_(std::move(dir)) {}

Result<SongSegments> FeatureCache::get(const std::string& path, const features::FrontEndConfig& config,
                                       const StopFlag* stop) const {
  std::string entry;
  if (!dir_.empty()) {
    auto h = hashFile(path);
    if (h) {
      const std::string fp = config.fingerprint();
      char name[64];
      std::snprintf(name, sizeof(name), "%016llx-%016llx.mpfeat", static_cast<unsigned long long>(*h),
                    static_cast<unsigned long long>(io::fnv1a64(fp.data(), fp.size())));
      entry = (fs::path(dir_) / name).string();
      std::error_code ec;
      if (fs::is_regular_file(entry, ec)) {
        auto rd = io::ArchiveReader::open(entry, kCacheKind);
        if (rd) {
          auto ver = rd->getInt("version");
          auto fpr = rd->getString("fingerprint");
          auto seg = rd->getMatrix("segment_vectors");
          auto secs = rd->getVector("segment_seconds");
          auto dur = rd->getDouble("duration_s");
          auto codec = rd->getString("codec");
          Result<Vec> harmony = config.harmony ? rd->getVector("harmony") : Result<Vec>(Vec());
          Result<Vec> spectral = config.spectral ? rd->getVector("spectral") : Result<Vec>(Vec());
          if (ver && *ver == kCacheVersion && fpr && *fpr == fp && seg && secs && dur && codec && harmony &&
              spectral && secs->size() == seg->rows() && seg->allFinite() && harmony->allFinite() &&
              harmony->size() == (config.harmony ? features::HarmonyAnalyzer::kDims : 0) && spectral->allFinite() &&
              spectral->size() == (config.spectral ? features::SpectralProfileAnalyzer::kDims : 0)) {
            ++hits_;
            return SongSegments{std::move(*seg), std::move(*secs), *dur, *codec, std::move(*harmony),
                                std::move(*spectral)};
          }
        }
        // Corrupt or stale entry: fall through and rebuild it.
      }
    }
  }
  ++misses_;
  auto f = features::analyzeSong(path, config, stop);
  if (!f) return f.error();
  SongSegments s = fromFeatures(*f);
  if (s.segmentVectors.rows() == 0) return fail("no segments in " + path);
  if (!s.segmentVectors.allFinite()) return fail("front end produced non-finite features for " + path);
  if (!entry.empty()) {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    io::ArchiveWriter w(kCacheKind);
    w.putInt("version", kCacheVersion);
    w.putString("fingerprint", config.fingerprint());
    w.putMatrix("segment_vectors", s.segmentVectors);
    w.putVector("segment_seconds", s.segmentSeconds);
    w.putDouble("duration_s", s.durationSeconds);
    w.putString("codec", s.codec);
    if (config.harmony) w.putVector("harmony", s.harmony);
    if (config.spectral) w.putVector("spectral", s.spectral);
    (void)w.writeFile(entry);  // a cache that cannot be written only costs time
  }
  return s;
}

std::vector<Result<SongSegments>> FeatureCache::getAll(const std::vector<std::string>& paths,
                                                       const features::FrontEndConfig& config, ThreadPool* pool,
                                                       const ProgressFn& progress, const StopFlag* stop) const {
  std::vector<Result<SongSegments>> out(paths.size(), Result<SongSegments>(fail("not processed")));
  std::mutex mutex;
  std::size_t done = 0;
  parallelFor(pool, paths.size(), [&](std::size_t i) {
    auto r = stopRequested(stop) ? Result<SongSegments>(fail("stopped")) : get(paths[i], config, stop);
    std::lock_guard lock(mutex);
    out[i] = std::move(r);
    ++done;
    if (progress) progress(Progress{done, paths.size()});
  });
  return out;
}

}  // namespace mp::mood
