#include "core/features/onset_detector.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <Eigen/Core>
#include <sstream>

namespace mp::features {

Status OnsetConfig::validate() const {
  if (bandsPerOctave < 6 || bandsPerOctave > 48) return fail("onset bandsPerOctave must be in 6..48");
  if (!(minFrequency >= 10.0 && minFrequency <= 1000.0)) return fail("onset minFrequency must be in 10..1000 Hz");
  if (!(maxFrequency > minFrequency)) return fail("onset maxFrequency must exceed minFrequency");
  if (maxFilterBands < 1 || maxFilterBands > 15 || maxFilterBands % 2 == 0)
    return fail("onset maxFilterBands must be odd, 1..15");
  if (lagFrames < 0 || lagFrames > 16) return fail("onset lagFrames must be in 0..16 (0 = automatic)");
  if (!(logMultiplier >= 0.01 && logMultiplier <= 1e6)) return fail("onset logMultiplier must be in 0.01..1e6");
  if (!(threshold > 0.0 && std::isfinite(threshold))) return fail("onset threshold must be > 0");
  if (!(preAvgSeconds >= 0.0 && preAvgSeconds <= 2.0)) return fail("onset preAvgSeconds must be in 0..2");
  if (!(preMaxSeconds >= 0.0 && preMaxSeconds <= 1.0)) return fail("onset preMaxSeconds must be in 0..1");
  if (!(postMaxSeconds >= 0.0 && postMaxSeconds <= 1.0)) return fail("onset postMaxSeconds must be in 0..1");
  if (!(minInterOnsetSeconds >= 0.0 && minInterOnsetSeconds <= 1.0))
    return fail("onset minInterOnsetSeconds must be in 0..1");
  return {};
}

std::string OnsetConfig::fingerprint() const {
  std::ostringstream s;
  s << "superflux1:" << bandsPerOctave << ',' << minFrequency << ',' << maxFrequency << ','
    << maxFilterBands << ',' << lagFrames << ',' << logMultiplier << ',' << threshold << ','
    << preAvgSeconds << ',' << preMaxSeconds << ',' << postMaxSeconds << ',' << minInterOnsetSeconds;
  return s.str();
}

Result<SuperFluxDetector> SuperFluxDetector::create(const OnsetConfig& config, int sampleRate,
                                                    int frameSize, int hopSize) {
  if (Status st = config.validate(); !st) return st.error();
  if (sampleRate < 1000 || frameSize < 16 || frameSize % 2 != 0 || hopSize < 1)
    return fail("SuperFlux: invalid sample rate, frame or hop size");
  SuperFluxDetector d;
  d.config_ = config;
  d.sampleRate_ = sampleRate;
  d.hopSize_ = hopSize;
  d.lag_ = config.lagFrames > 0
               ? config.lagFrames
               : std::max(1, static_cast<int>(std::lround((frameSize / 4.0) / hopSize)));

  // Log-spaced centre frequencies on the A4 = 440 Hz grid, snapped to unique FFT bins.
  const int bins = frameSize / 2 + 1;
  const double binHz = static_cast<double>(sampleRate) / frameSize;
  const double fmax = std::min(config.maxFrequency, sampleRate / 2.0);
  const int bpo = config.bandsPerOctave;
  const int left = static_cast<int>(std::floor(std::log2(config.minFrequency / 440.0) * bpo));
  const int right = static_cast<int>(std::ceil(std::log2(fmax / 440.0) * bpo));
  std::vector<int> centre;
  for (int i = left; i <= right; ++i) {
    const double f = 440.0 * std::pow(2.0, static_cast<double>(i) / bpo);
    if (f < config.minFrequency || f > fmax) continue;
    const int b = std::clamp(static_cast<int>(std::lround(f / binHz)), 0, bins - 1);
    if (centre.empty() || b != centre.back()) centre.push_back(b);
  }
  if (centre.size() < 3) return fail("SuperFlux: frequency range too narrow for the filterbank");
  // Triangular filters over consecutive (start, centre, stop) bins, unit sum (madmom).
  for (std::size_t i = 0; i + 2 < centre.size(); ++i) {
    int start = centre[i], mid = centre[i + 1], stop = centre[i + 2];
    if (stop - start < 2) {
      mid = start;
      stop = start + 1;
    }
    std::vector<float> w;
    for (int k = start; k < mid; ++k) w.push_back(static_cast<float>(k - start) / (mid - start));
    for (int k = mid; k < stop; ++k) w.push_back(static_cast<float>(stop - k) / (stop - mid));
    // Drop leading zero weights so each band starts at its first contributing bin.
    int skip = 0;
    while (skip < static_cast<int>(w.size()) - 1 && w[skip] == 0.0f) ++skip;
    float sum = 0.0f;
    for (std::size_t j = skip; j < w.size(); ++j) sum += w[j];
    if (sum <= 0.0f) continue;
    d.bandStart_.push_back(start + skip);
    d.bandOffset_.push_back(static_cast<int>(d.bandWeights_.size()));
    for (std::size_t j = skip; j < w.size(); ++j) d.bandWeights_.push_back(w[j] / sum);
  }
  d.bandOffset_.push_back(static_cast<int>(d.bandWeights_.size()));
  const std::size_t nb = d.bandStart_.size();
  d.logBands_.assign(nb, 0.0f);
  d.maxHistory_.assign(nb * static_cast<std::size_t>(d.lag_ + 1), 0.0f);
  return d;
}

void SuperFluxDetector::reset() {
  std::fill(maxHistory_.begin(), maxHistory_.end(), 0.0f);
  framesSeen_ = 0;
  odf_.clear();
}

void SuperFluxDetector::addSpectrum(std::span<const float> magnitudes) {
  const std::size_t nb = bandStart_.size();
  const float lambda = static_cast<float>(config_.logMultiplier);
  for (std::size_t b = 0; b < nb; ++b) {
    const int off = bandOffset_[b];
    const int len = bandOffset_[b + 1] - off;
    const float* w = bandWeights_.data() + off;
    const float* m = magnitudes.data() + bandStart_[b];
    float s = 0.0f;
    for (int i = 0; i < len; ++i) s += w[i] * m[i];
    logBands_[b] = s;
  }
  {
    Eigen::Map<Eigen::ArrayXf> lb(logBands_.data(), static_cast<Eigen::Index>(nb));
    lb = (1.0f + lambda * lb).log() * (1.0f / std::numbers::ln10_v<float>);
  }
  const std::size_t slots = static_cast<std::size_t>(lag_ + 1);
  const float* lagged = maxHistory_.data() + static_cast<std::size_t>((framesSeen_ + 1) % static_cast<long>(slots)) * nb;
  float sf = 0.0f;
  for (std::size_t b = 0; b < nb; ++b) sf += std::max(0.0f, logBands_[b] - lagged[b]);
  odf_.push_back(sf);
  // M_n: maximum filter across neighbouring bands, stored for frame n + lag.
  float* cur = maxHistory_.data() + static_cast<std::size_t>(framesSeen_ % static_cast<long>(slots)) * nb;
  const int half = config_.maxFilterBands / 2;
  for (std::size_t b = 0; b < nb; ++b) {
    const std::size_t lo = b >= static_cast<std::size_t>(half) ? b - half : 0;
    const std::size_t hi = std::min(nb - 1, b + half);
    float mx = logBands_[lo];
    for (std::size_t j = lo + 1; j <= hi; ++j) mx = std::max(mx, logBands_[j]);
    cur[b] = mx;
  }
  ++framesSeen_;
}

std::vector<double> SuperFluxDetector::finish() const { return pickOnsets(odf_, frameRate(), config_); }

std::vector<double> pickOnsets(std::span<const float> odf, double frameRate, const OnsetConfig& config) {
  std::vector<double> onsets;
  const long n = static_cast<long>(odf.size());
  if (n == 0 || !(frameRate > 0.0)) return onsets;
  const long preAvg = std::lround(config.preAvgSeconds * frameRate);
  const long preMax = std::lround(config.preMaxSeconds * frameRate);
  const long postMax = std::lround(config.postMaxSeconds * frameRate);
  // Prefix sums for the moving average; outside the signal counts as zero (madmom 'constant').
  std::vector<double> prefix(static_cast<std::size_t>(n) + 1, 0.0);
  for (long i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + odf[i];
  const double avgLen = static_cast<double>(preAvg + 1);
  double last = -1e300;
  for (long i = 0; i < n; ++i) {
    const double v = odf[i];
    const long a0 = std::max(0L, i - preAvg);
    const double mean = (prefix[i + 1] - prefix[a0]) / avgLen;
    if (v < mean + config.threshold) continue;
    bool isMax = true;
    for (long j = std::max(0L, i - preMax); j <= std::min(n - 1, i + postMax) && isMax; ++j)
      if (odf[j] > v) isMax = false;
    if (!isMax) continue;
    const double t = static_cast<double>(i) / frameRate;
    if (t - last < config.minInterOnsetSeconds) continue;  // combine, keeping the first
    onsets.push_back(t);
    last = t;
  }
  return onsets;
}

OnsetScore scoreOnsets(std::vector<double> reference, std::vector<double> estimated,
                       double windowSeconds) {
  std::sort(reference.begin(), reference.end());
  std::sort(estimated.begin(), estimated.end());
  OnsetScore s;
  s.references = static_cast<int>(reference.size());
  s.estimates = static_cast<int>(estimated.size());
  std::size_t i = 0, j = 0;
  while (i < reference.size() && j < estimated.size()) {
    const double d = estimated[j] - reference[i];
    if (std::abs(d) <= windowSeconds) {
      ++s.matched;
      ++i;
      ++j;
    } else if (d < 0) {
      ++j;
    } else {
      ++i;
    }
  }
  if (s.estimates > 0) s.precision = static_cast<double>(s.matched) / s.estimates;
  if (s.references > 0) s.recall = static_cast<double>(s.matched) / s.references;
  if (s.precision + s.recall > 0) s.fMeasure = 2 * s.precision * s.recall / (s.precision + s.recall);
  if (s.references == 0 && s.estimates == 0) s.precision = s.recall = s.fMeasure = 1.0;
  return s;
}

}  // namespace mp::features
