#include "core/features/harmony.h"

#include "core/features/sliding_frames.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

namespace mp::features {
namespace {

using Profile = std::array<double, 12>;

constexpr double kMajor[12] = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09,
                               2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
constexpr double kMinor[12] = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53,
                               2.54, 4.75, 3.98, 2.69, 3.34, 3.17};
constexpr int kWindowFrames = 21;

/// c − mean(c), scaled to unit norm (zeros for a flat profile).
Profile centred(const Profile& c) {
  Profile z{};
  const double m = std::accumulate(c.begin(), c.end(), 0.0) / 12.0;
  double n2 = 0.0;
  for (int p = 0; p < 12; ++p) {
    z[p] = c[p] - m;
    n2 += z[p] * z[p];
  }
  if (n2 < 1e-24) return Profile{};
  const double inv = 1.0 / std::sqrt(n2);
  for (double& v : z) v *= inv;
  return z;
}

/// 24 centred unit templates: rows 0..11 major (root p), 12..23 minor.
struct Templates {
  std::array<Profile, 24> keys{}, triads{};
  Templates() {
    for (int k = 0; k < 12; ++k) {
      Profile maj{}, min{}, tmaj{}, tmin{};
      for (int p = 0; p < 12; ++p) {
        maj[p] = kMajor[(p - k + 12) % 12];
        min[p] = kMinor[(p - k + 12) % 12];
      }
      for (int d : {0, 4, 7}) tmaj[(k + d) % 12] = 1.0;
      for (int d : {0, 3, 7}) tmin[(k + d) % 12] = 1.0;
      keys[k] = centred(maj);
      keys[12 + k] = centred(min);
      triads[k] = centred(tmaj);
      triads[12 + k] = centred(tmin);
    }
  }
};

const Templates& templates() {
  static const Templates t;
  return t;
}

double dot(const Profile& a, const Profile& b) {
  double s = 0.0;
  for (int p = 0; p < 12; ++p) s += a[p] * b[p];
  return s;
}

struct KeyFit {
  double clarity = 0.0, modeMargin = 0.0;
};

KeyFit keyFit(const Profile& c) {
  const Profile z = centred(c);
  double bestMajor = -1.0, bestMinor = -1.0;
  for (int k = 0; k < 12; ++k) {
    bestMajor = std::max(bestMajor, dot(z, templates().keys[k]));
    bestMinor = std::max(bestMinor, dot(z, templates().keys[12 + k]));
  }
  return {std::max(bestMajor, bestMinor), bestMajor - bestMinor};
}

/// iv_d = Σ_a q_a q_{a+d}, d = 1..6, q = c / Σ c.
std::array<double, 6> intervals(const Profile& c) {
  std::array<double, 6> iv{};
  const double total = std::accumulate(c.begin(), c.end(), 0.0);
  if (total <= 0.0) return iv;
  for (int d = 1; d <= 6; ++d) {
    double s = 0.0;
    for (int a = 0; a < 12; ++a) s += c[a] * c[(a + d) % 12];
    iv[d - 1] = s / (total * total);
  }
  return iv;
}

double entropy(const Profile& c) {
  const double total = std::accumulate(c.begin(), c.end(), 0.0);
  if (total <= 0.0) return 0.0;
  double h = 0.0;
  for (double v : c) {
    const double q = v / total;
    if (q > 0.0) h -= q * std::log(q);
  }
  return h / std::log(12.0);
}

double mean(const std::vector<double>& v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

/// Population standard deviation.
double stdev(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  const double m = mean(v);
  double s = 0.0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size()));
}

/// Linear-interpolated percentile (q in [0, 100]) of a copy of v.
double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const double pos = q / 100.0 * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

/// Appends mean then std of each of the six interval classes over `profiles`.
void putIntervalStats(const std::vector<std::array<double, 6>>& profiles,
                      std::vector<double>& out) {
  for (int pass = 0; pass < 2; ++pass) {
    for (int d = 0; d < 6; ++d) {
      std::vector<double> col;
      col.reserve(profiles.size());
      for (const auto& iv : profiles) col.push_back(iv[d]);
      out.push_back(pass == 0 ? mean(col) : stdev(col));
    }
  }
}

}  // namespace

Result<HarmonyAnalyzer> HarmonyAnalyzer::create(int sampleRate) {
  if (sampleRate < 8000 || sampleRate > 192000)
    return fail("harmony: sampleRate must be in 8000..192000 Hz");
  // Keep ≈ 0.37 s per frame: the power of two nearest to 8192 · rate / 22 050.
  int n = 1;
  while (n < static_cast<int>(kFrameSize * (sampleRate / 22050.0) / std::numbers::sqrt2)) n *= 2;
  auto fft = RealFft::create(n);
  if (!fft) return fft.error();
  HarmonyAnalyzer a(std::move(*fft));
  a.frameSize_ = n;
  a.hop_ = n / 4;
  a.window_.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    a.window_[static_cast<std::size_t>(i)] =
        static_cast<float>(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * i / (n - 1)));
  }
  a.binClass_.assign(static_cast<std::size_t>(n / 2 + 1), -1);
  for (int k = 1; k <= n / 2; ++k) {
    const double f = static_cast<double>(k) * sampleRate / n;
    if (f < 80.0 || f > 2500.0) continue;
    const long midi = std::lround(69.0 + 12.0 * std::log2(f / 440.0));
    a.binClass_[static_cast<std::size_t>(k)] = static_cast<int>(((midi % 12) + 12) % 12);
  }
  a.pending_.reserve(static_cast<std::size_t>(2 * n));
  return a;
}

const std::vector<std::string>& HarmonyAnalyzer::names() {
  static const std::vector<std::string> n = [] {
    std::vector<std::string> v = {"key_clarity", "mode_margin"};
    for (int d = 1; d <= 6; ++d) v.push_back("interval" + std::to_string(d));
    for (const char* s : {"window_mode_mean", "window_mode_std", "window_clarity_mean",
                          "window_clarity_std", "window_clarity_p10", "window_clarity_p90",
                          "window_major_share", "window_triad_fit", "window_chord_changes"}) {
      v.emplace_back(s);
    }
    for (const char* stat : {"mean", "std"}) {
      for (int d = 1; d <= 6; ++d) v.push_back("window_interval" + std::to_string(d) + '_' + stat);
    }
    v.emplace_back("frame_entropy_mean");
    v.emplace_back("frame_entropy_std");
    for (const char* stat : {"mean", "std"}) {
      for (int d = 1; d <= 6; ++d) v.push_back("frame_interval" + std::to_string(d) + '_' + stat);
    }
    v.emplace_back("frame_clarity_mean");
    v.emplace_back("frame_clarity_std");
    return v;
  }();
  return n;
}

void HarmonyAnalyzer::addSamples(std::span<const float> samples) {
  slideFrames(pending_, static_cast<std::size_t>(frameSize_), static_cast<std::size_t>(hop_),
              samples, [this](const std::vector<float>&) { analyzeFrame(); });
}

void HarmonyAnalyzer::analyzeFrame() {
  auto in = fft_.input();
  for (int i = 0; i < frameSize_; ++i)
    in[static_cast<std::size_t>(i)] =
        pending_[static_cast<std::size_t>(i)] * window_[static_cast<std::size_t>(i)];
  fft_.execute();
  const auto spectrum = fft_.output();
  Profile e{};
  for (std::size_t k = 0; k < binClass_.size(); ++k) {
    if (binClass_[k] >= 0) e[binClass_[k]] += std::norm(spectrum[k]);
  }
  energy_.push_back(e);
}

Vec HarmonyAnalyzer::finish() {
  Vec out = Vec::Zero(kDims);
  std::vector<Profile> frames;
  frames.swap(energy_);
  pending_.clear();
  double peak = 0.0;
  for (const Profile& e : frames) peak = std::max(peak, *std::max_element(e.begin(), e.end()));
  if (frames.empty() || !(peak > 0.0) || !std::isfinite(peak)) return out;
  std::vector<double> total(frames.size());
  for (std::size_t t = 0; t < frames.size(); ++t) {
    for (double& v : frames[t]) v = std::log1p(100.0 * v / peak);
    total[t] = std::accumulate(frames[t].begin(), frames[t].end(), 0.0);
  }
  const double floor = percentile(total, 20.0);
  std::vector<const Profile*> kept;
  for (std::size_t t = 0; t < frames.size(); ++t) {
    if (total[t] > floor) kept.push_back(&frames[t]);
  }
  if (kept.empty()) {
    for (const Profile& f : frames) kept.push_back(&f);
  }

  std::vector<double> v;
  v.reserve(kDims);
  // Song: the mean profile of the kept frames.
  Profile song{};
  for (const Profile* f : kept) {
    for (int p = 0; p < 12; ++p) song[p] += (*f)[p] / static_cast<double>(kept.size());
  }
  const KeyFit songKey = keyFit(song);
  v.push_back(songKey.clarity);
  v.push_back(songKey.modeMargin);
  const auto songIv = intervals(song);
  const double ivTotal = std::accumulate(songIv.begin(), songIv.end(), 0.0);
  for (double x : songIv) v.push_back(ivTotal > 0.0 ? x / ivTotal : 0.0);

  // Windows of kWindowFrames consecutive frames (all frames).
  const std::size_t windows = std::max<std::size_t>(1, frames.size() / kWindowFrames);
  const std::size_t perWindow = frames.size() >= kWindowFrames ? kWindowFrames : frames.size();
  std::vector<double> modes, clarities, fits;
  std::vector<std::array<double, 6>> windowIv;
  std::vector<int> chords;
  for (std::size_t w = 0; w < windows; ++w) {
    Profile c{};
    for (std::size_t t = w * perWindow; t < (w + 1) * perWindow; ++t) {
      for (int p = 0; p < 12; ++p) c[p] += frames[t][p] / static_cast<double>(perWindow);
    }
    const KeyFit k = keyFit(c);
    modes.push_back(k.modeMargin);
    clarities.push_back(k.clarity);
    const Profile z = centred(c);
    int best = 0;
    double bestFit = -2.0;
    for (int j = 0; j < 24; ++j) {
      const double r = dot(z, templates().triads[static_cast<std::size_t>(j)]);
      if (r > bestFit) {
        bestFit = r;
        best = j;
      }
    }
    chords.push_back(best);
    fits.push_back(bestFit);
    windowIv.push_back(intervals(c));
  }
  double majorShare = 0.0, changes = 0.0;
  for (int c : chords) majorShare += c < 12 ? 1.0 : 0.0;
  for (std::size_t w = 1; w < chords.size(); ++w) changes += chords[w] != chords[w - 1] ? 1.0 : 0.0;
  v.push_back(mean(modes));
  v.push_back(stdev(modes));
  v.push_back(mean(clarities));
  v.push_back(stdev(clarities));
  v.push_back(percentile(clarities, 10.0));
  v.push_back(percentile(clarities, 90.0));
  v.push_back(majorShare / static_cast<double>(chords.size()));
  v.push_back(mean(fits));
  v.push_back(chords.size() > 1 ? changes / static_cast<double>(chords.size() - 1) : 0.0);
  putIntervalStats(windowIv, v);

  // Frames: entropy over all frames; intervals and key clarity over the kept ones.
  std::vector<double> ent;
  ent.reserve(frames.size());
  for (const Profile& f : frames) ent.push_back(entropy(f));
  v.push_back(mean(ent));
  v.push_back(stdev(ent));
  std::vector<std::array<double, 6>> frameIv;
  std::vector<double> frameClarity;
  for (const Profile* f : kept) {
    frameIv.push_back(intervals(*f));
    frameClarity.push_back(keyFit(*f).clarity);
  }
  putIntervalStats(frameIv, v);
  v.push_back(mean(frameClarity));
  v.push_back(stdev(frameClarity));

  for (int i = 0; i < kDims; ++i) out(i) = v[static_cast<std::size_t>(i)];
  if (!out.allFinite()) out.setZero();
  return out;
}

}  // namespace mp::features
