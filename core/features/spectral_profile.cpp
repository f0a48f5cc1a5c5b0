#include "core/features/spectral_profile.h"

#include "core/features/sliding_frames.h"

#include <cstdio>
#include <functional>
#include <numbers>

namespace mp::features {
namespace {

/// The q values of p[0, n) that come first under `before` (the q smallest for std::less), kept
/// sorted in `keep`: one pass with the bound in a register; a value only moves the buffer when it
/// beats the current q-th (rare after the first few bins). Requires 1 <= q <= n.
template <class Before>
void keepExtremes(const float* p, std::size_t n, std::size_t q, std::vector<float>& keep,
                  Before before) {
  keep.assign(p, p + q);
  std::sort(keep.begin(), keep.end(), before);
  float* k = keep.data();
  float bound = k[q - 1];
  for (std::size_t i = q; i < n; ++i) {
    const float v = p[i];
    if (!before(v, bound)) continue;
    std::size_t j = q - 1;
    for (; j > 0 && before(v, k[j - 1]); --j) k[j] = k[j - 1];
    k[j] = v;
    bound = k[q - 1];
  }
}

constexpr double kMelMinHz = 30.0;
constexpr double kContrastEdgesHz[SpectralProfileAnalyzer::kContrastBands] = {0,    200,  400, 800,
                                                                              1600, 3200, 6400};
constexpr double kModEdgesHz[SpectralProfileAnalyzer::kModRanges + 1] = {0.5, 1, 2, 4, 8, 16};
constexpr const char* kModNames[SpectralProfileAnalyzer::kModRanges] = {"0.5-1hz", "1-2hz", "2-4hz",
                                                                        "4-8hz", "8-16hz"};

double hzToMel(double f) { return 2595.0 * std::log10(1.0 + f / 700.0); }
double melToHz(double m) { return 700.0 * (std::pow(10.0, m / 2595.0) - 1.0); }

std::vector<float> symmetricHann(int n) {
  std::vector<float> w(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    w[static_cast<std::size_t>(i)] =
        static_cast<float>(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * i / (n - 1)));
  }
  return w;
}

}  // namespace

Result<SpectralProfileAnalyzer> SpectralProfileAnalyzer::create(int sampleRate) {
  if (sampleRate < 8000 || sampleRate > 192000)
    return fail("spectral profile: sampleRate must be in 8000..192000 Hz");
  // Keep ≈ 93 ms per frame: the power of two nearest to 2048 · rate / 22 050.
  int n = 1;
  while (n < static_cast<int>(kFrameSize * (sampleRate / 22050.0) / std::numbers::sqrt2)) n *= 2;
  auto fft = RealFft::create(n);
  if (!fft) return fft.error();
  auto modFft = RealFft::create(kModWindow);
  if (!modFft) return modFft.error();
  SpectralProfileAnalyzer a(std::move(*fft), std::move(*modFft));
  a.frameSize_ = n;
  a.hop_ = n / 4;
  a.window_ = symmetricHann(n);
  double windowSum = 0.0;
  for (float w : a.window_) windowSum += w;
  for (float& w : a.window_) w = static_cast<float>(w / windowSum);  // |X| / Σw in one multiply
  a.modWindow_ = symmetricHann(kModWindow);

  const int bins = n / 2 + 1;
  const double binHz = static_cast<double>(sampleRate) / n;
  const auto makeFilters = [&](int count) {
    std::vector<Filter> filters(static_cast<std::size_t>(count));
    const double lo = hzToMel(kMelMinHz), hi = hzToMel(sampleRate / 2.0);
    for (int b = 0; b < count; ++b) {
      const double l = melToHz(lo + (hi - lo) * b / (count + 1));
      const double c = melToHz(lo + (hi - lo) * (b + 1) / (count + 1));
      const double r = melToHz(lo + (hi - lo) * (b + 2) / (count + 1));
      Filter& f = filters[static_cast<std::size_t>(b)];
      f.first = -1;
      for (int k = 0; k < bins; ++k) {
        const double hz = k * binHz;
        const double w = std::max(0.0, std::min((hz - l) / (c - l), (r - hz) / (r - c)));
        if (w <= 0.0) {
          if (f.first >= 0) break;
          continue;
        }
        if (f.first < 0) f.first = k;
        f.weights.push_back(static_cast<float>(w));
      }
      if (f.first < 0) f.first = 0;  // a filter narrower than one bin: no energy (the floor)
    }
    return filters;
  };
  a.mel_ = makeFilters(kMelBands);
  a.modMel_ = makeFilters(kModBands);

  for (int b = 0; b < kContrastBands; ++b) {
    const double lo = kContrastEdgesHz[b];
    const double hi = b + 1 < kContrastBands ? kContrastEdgesHz[b + 1] : sampleRate / 2.0 + binHz;
    int first = bins, last = -1;
    for (int k = 0; k < bins; ++k) {
      const double hz = k * binHz;
      if (hz >= lo && hz < hi) {
        first = std::min(first, k);
        last = std::max(last, k);
      }
    }
    if (last < first) first = last = std::min(bins - 1, static_cast<int>(std::lround(lo / binHz)));
    a.contrastBins_[static_cast<std::size_t>(b)] = {first, last};
  }

  const double frameRate = static_cast<double>(sampleRate) / a.hop_;
  for (int r = 0; r < kModRanges; ++r) {
    auto& sel = a.modBins_[static_cast<std::size_t>(r)];
    for (int j = 0; j <= kModWindow / 2; ++j) {
      const double f = j * frameRate / kModWindow;
      if (f >= kModEdgesHz[r] && f < kModEdgesHz[r + 1]) sel.push_back(j);
    }
    if (sel.empty()) {  // a range narrower than one bin: the bin nearest its geometric centre
      const double centre = std::sqrt(kModEdgesHz[r] * kModEdgesHz[r + 1]);
      sel.push_back(std::clamp(static_cast<int>(std::lround(centre * kModWindow / frameRate)), 1,
                               kModWindow / 2));
    }
  }
  a.pending_.reserve(static_cast<std::size_t>(2 * n));
  a.modFrames_.reserve(kModWindow);
  return a;
}

const std::vector<std::string>& SpectralProfileAnalyzer::names() {
  static const std::vector<std::string> n = [] {
    std::vector<std::string> v;
    char buf[32];
    for (const char* stat : {"mean", "std", "change"}) {
      for (int b = 0; b < kMelBands; ++b) {
        std::snprintf(buf, sizeof(buf), "%s_b%02d", stat, b);
        v.emplace_back(buf);
      }
    }
    for (int b = 0; b < kModBands; ++b) {
      for (const char* range : kModNames) {
        std::snprintf(buf, sizeof(buf), "b%02d_%s", b, range);
        v.emplace_back(buf);
      }
    }
    for (int b = 0; b < kContrastBands; ++b) {
      for (const char* stat : {"contrast_mean", "contrast_std", "valley_mean", "valley_std"}) {
        v.push_back(std::string(stat) + '_' + std::to_string(b));
      }
    }
    return v;
  }();
  return n;
}

void SpectralProfileAnalyzer::addSamples(std::span<const float> samples) {
  slideFrames(pending_, static_cast<std::size_t>(frameSize_), static_cast<std::size_t>(hop_),
              samples, [this](const std::vector<float>&) { analyzeFrame(); });
}

void SpectralProfileAnalyzer::analyzeFrame() {
  auto in = fft_.input();
  for (std::size_t i = 0; i < static_cast<std::size_t>(frameSize_); ++i)
    in[i] = pending_[i] * window_[i];
  fft_.execute();
  const auto spectrum = fft_.output();

  power_.resize(spectrum.size());
  for (std::size_t k = 0; k < spectrum.size(); ++k) power_[k] = std::norm(spectrum[k]);

  const auto filterEnergy = [&](const Filter& f) {
    // Eigen's dot product is vectorised (float accumulation: ≈ 1e-7 relative, far below the floor).
    const auto n = static_cast<Eigen::Index>(f.weights.size());
    const double e = Eigen::Map<const Eigen::VectorXf>(power_.data() + f.first, n)
                         .dot(Eigen::Map<const Eigen::VectorXf>(f.weights.data(), n));
    return std::log(e + 1e-10);
  };
  for (int b = 0; b < kMelBands; ++b) {
    const auto ub = static_cast<std::size_t>(b);
    const double l = filterEnergy(mel_[ub]);
    melMoments_[ub].add(l);
    if (frames_ > 0) melChange_[ub] += std::abs(l - prevMel_[ub]);
    prevMel_[ub] = l;
  }
  std::array<float, kModBands> m{};
  for (int b = 0; b < kModBands; ++b) {
    m[static_cast<std::size_t>(b)] =
        static_cast<float>(filterEnergy(modMel_[static_cast<std::size_t>(b)]));
  }
  modFrames_.push_back(m);

  // ln(|X| + 1e-5) is monotone in |X|², so the lowest and highest q bins of a band are selected
  // on the power (one pass, q-element sorted buffers) and only those 2q values are logged.
  const auto logMagnitude = [](float power) {
    return std::log(std::sqrt(static_cast<double>(power)) + 1e-5);
  };
  for (int b = 0; b < kContrastBands; ++b) {
    const auto [first, last] = contrastBins_[static_cast<std::size_t>(b)];
    const int count = last - first + 1;
    const auto q = static_cast<std::size_t>(std::max(1L, std::lround(0.02 * count)));
    keepExtremes(power_.data() + first, static_cast<std::size_t>(count), q, low_, std::less<>());
    keepExtremes(power_.data() + first, static_cast<std::size_t>(count), q, high_,
                 std::greater<>());
    double lowSum = 0.0, highSum = 0.0;
    for (float v : low_) lowSum += logMagnitude(v);
    for (float v : high_) highSum += logMagnitude(v);
    const double valley = lowSum / static_cast<double>(q), peak = highSum / static_cast<double>(q);
    contrast_[static_cast<std::size_t>(b)].add(peak - valley);
    valley_[static_cast<std::size_t>(b)].add(valley);
  }
  ++frames_;
  if (modFrames_.size() == static_cast<std::size_t>(kModWindow)) {
    analyzeModulationWindow();
    modFrames_.erase(modFrames_.begin(), modFrames_.begin() + kModWindow / 2);
  }
}

void SpectralProfileAnalyzer::analyzeModulationWindow() {
  for (int b = 0; b < kModBands; ++b) {
    const auto ub = static_cast<std::size_t>(b);
    double mean = 0.0;
    for (const auto& f : modFrames_) mean += f[ub];
    mean /= kModWindow;
    auto in = modFft_.input();
    for (std::size_t t = 0; t < static_cast<std::size_t>(kModWindow); ++t) {
      in[t] = static_cast<float>((modFrames_[t][ub] - mean) * modWindow_[t]);
    }
    modFft_.execute();
    const auto spectrum = modFft_.output();
    for (int r = 0; r < kModRanges; ++r) {
      const auto& sel = modBins_[static_cast<std::size_t>(r)];
      double s = 0.0;
      for (int j : sel) s += std::abs(spectrum[static_cast<std::size_t>(j)]);
      modSum_[static_cast<std::size_t>(b * kModRanges + r)] += s / static_cast<double>(sel.size());
    }
  }
  ++modWindows_;
}

Vec SpectralProfileAnalyzer::finish() {
  Vec out = Vec::Zero(kDims);
  if (frames_ > 0) {
    for (int b = 0; b < kMelBands; ++b) {
      const auto ub = static_cast<std::size_t>(b);
      out(b) = melMoments_[ub].mean;
      out(kMelBands + b) = melMoments_[ub].stdev();
      out(2 * kMelBands + b) = frames_ > 1 ? melChange_[ub] / (frames_ - 1) : 0.0;
    }
    if (modWindows_ > 0) {
      for (int i = 0; i < kModulationDims; ++i) {
        out(kMelDims + i) = std::log(modSum_[static_cast<std::size_t>(i)] / modWindows_ + 0.01);
      }
    }
    for (int b = 0; b < kContrastBands; ++b) {
      const auto ub = static_cast<std::size_t>(b);
      const int at = kMelDims + kModulationDims + 4 * b;
      out(at) = contrast_[ub].mean;
      out(at + 1) = contrast_[ub].stdev();
      out(at + 2) = valley_[ub].mean;
      out(at + 3) = valley_[ub].stdev();
    }
  }
  if (!out.allFinite()) out.setZero();
  reset();
  return out;
}

void SpectralProfileAnalyzer::reset() {
  pending_.clear();
  modFrames_.clear();
  melMoments_ = {};
  melChange_ = {};
  prevMel_ = {};
  contrast_ = {};
  valley_ = {};
  modSum_ = {};
  frames_ = 0;
  modWindows_ = 0;
}

}  // namespace mp::features
