#include "core/features/frame_analyzer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace mp::features {
namespace {

constexpr int kRowsPerChunk = 4096;
constexpr int kMelBands = 40;
constexpr int kMfcc = 13;
constexpr float kTiny = 1e-12f;

enum Col : int {
  kRms = 0, kCentroid, kSpread, kSkewness, kKurtosis, kFlatness, kEntropy, kRolloff85, kRolloff95,
  kBrightness, kRoughness, kIrregularity, kZcr, kFlux,
  kMfcc0 = 14, kDmfcc0 = kMfcc0 + kMfcc, kDdmfcc0 = kDmfcc0 + kMfcc,
  kChroma0 = kDdmfcc0 + kMfcc, kChromaPeak = kChroma0 + 12, kChromaCentroid, kKeyClarity, kMode, kHcdf,
  kCount
};
static_assert(kCount == FrameAnalyzer::kLldCount);

// Krumhansl & Kessler (1982) key profiles, C major / C minor.
constexpr std::array<double, 12> kMajor = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
constexpr std::array<double, 12> kMinor = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17};

// 24 rotated, centred, unit-norm profiles: rows 0..11 major keys C..B, 12..23 minor keys.
const std::array<std::array<float, 12>, 24>& keyProfiles() {
  static const std::array<std::array<float, 12>, 24> profiles = [] {
    std::array<std::array<float, 12>, 24> p{};
    for (int m = 0; m < 2; ++m) {
      const auto& base = m == 0 ? kMajor : kMinor;
      double mean = 0;
      for (double v : base) mean += v / 12.0;
      double norm = 0;
      for (double v : base) norm += (v - mean) * (v - mean);
      norm = std::sqrt(norm);
      for (int r = 0; r < 12; ++r)
        for (int i = 0; i < 12; ++i)
          p[m * 12 + r][i] = static_cast<float>((base[(i - r + 12) % 12] - mean) / norm);
    }
    return p;
  }();
  return profiles;
}

double hzToMel(double f) { return 2595.0 * std::log10(1.0 + f / 700.0); }
double melToHz(double m) { return 700.0 * (std::pow(10.0, m / 2595.0) - 1.0); }

// cos/sin of the 12 pitch-class angles on the chroma circle and on the three tonal-centroid
// circles (Harte et al. 2006: fifths r = 1, minor thirds r = 1, major thirds r = 0.5).
struct CircleTables {
  std::array<float, 12> cosPc{}, sinPc{};
  std::array<std::array<float, 12>, 6> tonal{};
};
const CircleTables& circleTables() {
  static const CircleTables t = [] {
    CircleTables c;
    constexpr double pi = std::numbers::pi;
    for (int i = 0; i < 12; ++i) {
      c.cosPc[i] = static_cast<float>(std::cos(2.0 * pi * i / 12.0));
      c.sinPc[i] = static_cast<float>(std::sin(2.0 * pi * i / 12.0));
      c.tonal[0][i] = static_cast<float>(std::sin(i * 7.0 * pi / 6.0));
      c.tonal[1][i] = static_cast<float>(std::cos(i * 7.0 * pi / 6.0));
      c.tonal[2][i] = static_cast<float>(std::sin(i * 3.0 * pi / 2.0));
      c.tonal[3][i] = static_cast<float>(std::cos(i * 3.0 * pi / 2.0));
      c.tonal[4][i] = static_cast<float>(0.5 * std::sin(i * 2.0 * pi / 3.0));
      c.tonal[5][i] = static_cast<float>(0.5 * std::cos(i * 2.0 * pi / 3.0));
    }
    return c;
  }();
  return t;
}

}  // namespace

double FrameAnalysis::durationSeconds() const {
  return sampleRate > 0 ? static_cast<double>(samples) / sampleRate : 0.0;
}

const std::vector<std::string>& FrameAnalyzer::lldNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = {"rms", "centroid", "spread", "skewness", "kurtosis", "flatness",
                                  "entropy", "rolloff85", "rolloff95", "brightness", "roughness",
                                  "irregularity", "zcr", "flux"};
    for (const char* prefix : {"mfcc", "dmfcc", "ddmfcc"})
      for (int i = 0; i < kMfcc; ++i) n.push_back(prefix + std::to_string(i));
    for (const char* pc : {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"})
      n.push_back(std::string("chroma_") + pc);
    for (const char* s : {"chroma_peak", "chroma_centroid", "key_clarity", "mode", "hcdf"}) n.push_back(s);
    return n;
  }();
  return names;
}

Result<FrameAnalyzer> FrameAnalyzer::create(const FrontEndConfig& config) {
  if (Status st = config.validate(); !st) return st.error();
  int stride = 1;
  for (int s : {4, 2}) {
    if (config.hopSize % s == 0 && static_cast<double>(config.hopSize / s) >= 0.01 * config.sampleRate) {
      stride = s;
      break;
    }
  }
  auto fft = RealFft::create(config.frameSize);
  if (!fft) return fft.error();
  auto onset = SuperFluxDetector::create(config.onset, config.sampleRate, config.frameSize,
                                         config.hopSize / stride);
  if (!onset) return onset.error();
  FrameAnalyzer a(std::move(*fft), std::move(*onset));
  a.config_ = config;
  a.n_ = config.frameSize;
  a.hop_ = config.hopSize;
  a.stride_ = stride;
  a.onsetHop_ = a.hop_ / stride;
  const int n = a.n_;
  const int bins = n / 2 + 1;
  const double fs = config.sampleRate;
  a.window_.resize(n);
  for (int i = 0; i < n; ++i) {
    a.window_[i] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * i / n));
  }
  a.buffer_.assign(static_cast<std::size_t>(n) + 16384, 0.0f);
  a.rawMag_.assign(bins, 0.0f);
  a.amp_.assign(bins, 0.0f);
  a.prevAmp_.assign(bins, 0.0f);
  a.power_.assign(bins, 0.0f);
  a.logAmp_.assign(bins, 0.0f);
  a.scratch_.assign(bins, 0.0f);
  a.freq_.resize(bins);
  for (int k = 0; k < bins; ++k) a.freq_[k] = static_cast<float>(k * fs / n);
  a.brightnessBin_ = static_cast<int>(std::floor(1500.0 * n / fs)) + 1;
  a.prevTonal_.assign(6, 0.0f);
  a.peaks_.reserve(bins);
  a.reset();

  // Mel filterbank (HTK mel, triangles with peak 1), stored sparsely per band.
  const double melMax = hzToMel(fs / 2.0);
  std::vector<double> edges(kMelBands + 2);
  for (int i = 0; i < kMelBands + 2; ++i) edges[i] = melToHz(melMax * i / (kMelBands + 1));
  for (int b = 0; b < kMelBands; ++b) {
    const double lo = edges[b], c = edges[b + 1], hi = edges[b + 2];
    a.melOffset_.push_back(static_cast<int>(a.melWeights_.size()));
    int start = -1;
    for (int k = 0; k < bins; ++k) {
      const double f = k * fs / n;
      double w = 0;
      if (f > lo && f <= c) w = (f - lo) / (c - lo);
      else if (f > c && f < hi) w = (hi - f) / (hi - c);
      if (w <= 0) {
        if (start >= 0) break;
        continue;
      }
      if (start < 0) start = k;
      a.melWeights_.push_back(static_cast<float>(w));
    }
    a.melStart_.push_back(std::max(start, 0));
  }
  a.melOffset_.push_back(static_cast<int>(a.melWeights_.size()));
  a.dct_.resize(kMfcc * kMelBands);
  for (int c = 0; c < kMfcc; ++c) {
    const double scale = std::sqrt((c == 0 ? 1.0 : 2.0) / kMelBands);
    for (int b = 0; b < kMelBands; ++b)
      a.dct_[c * kMelBands + b] =
          static_cast<float>(scale * std::cos(std::numbers::pi * c * (b + 0.5) / kMelBands));
  }
  // Chroma: each bin in 55 Hz..5 kHz split linearly between its two nearest semitones.
  for (int k = 1; k < bins; ++k) {
    const double f = k * fs / n;
    if (f < 55.0 || f > 5000.0) continue;
    const double midi = 69.0 + 12.0 * std::log2(f / 440.0);
    const double lower = std::floor(midi);
    const double frac = midi - lower;
    const int pcLow = static_cast<int>(std::fmod(lower, 12.0) + 12) % 12;
    a.chromaBin_.push_back(k);
    a.chromaPc_.push_back(pcLow);
    a.chromaW_.push_back(static_cast<float>(1.0 - frac));
    a.chromaBin_.push_back(k);
    a.chromaPc_.push_back((pcLow + 1) % 12);
    a.chromaW_.push_back(static_cast<float>(frac));
  }
  return a;
}

void FrameAnalyzer::reset() {
  filled_ = static_cast<std::size_t>(n_ / 2);  // leading zeros centre frame 0 on sample 0
  std::fill(buffer_.begin(), buffer_.begin() + static_cast<long>(filled_), 0.0f);
  readPos_ = 0;
  samples_ = 0;
  frameIndex_ = 0;
  havePrev_ = false;
  chunks_.clear();
  rows_ = 0;
  onset_.reset();
}

void FrameAnalyzer::addSamples(std::span<const float> samples) {
  std::size_t pos = 0;
  const std::size_t n = static_cast<std::size_t>(n_);
  while (pos < samples.size()) {
    if (filled_ == buffer_.size()) {
      std::copy(buffer_.begin() + static_cast<long>(readPos_), buffer_.begin() + static_cast<long>(filled_),
                buffer_.begin());
      filled_ -= readPos_;
      readPos_ = 0;
    }
    const std::size_t take = std::min(samples.size() - pos, buffer_.size() - filled_);
    std::copy(samples.begin() + static_cast<long>(pos), samples.begin() + static_cast<long>(pos + take),
              buffer_.begin() + static_cast<long>(filled_));
    filled_ += take;
    pos += take;
    samples_ += static_cast<std::int64_t>(take);
    while (filled_ - readPos_ >= n) {
      processFrame();
      readPos_ += static_cast<std::size_t>(onsetHop_);
      ++frameIndex_;
    }
  }
}

FrameAnalysis FrameAnalyzer::finish() {
  const std::size_t n = static_cast<std::size_t>(n_);
  while (frameIndex_ * onsetHop_ < samples_) {
    if (filled_ - readPos_ < n) {
      if (buffer_.size() - filled_ < n) {
        std::copy(buffer_.begin() + static_cast<long>(readPos_), buffer_.begin() + static_cast<long>(filled_),
                  buffer_.begin());
        filled_ -= readPos_;
        readPos_ = 0;
      }
      const std::size_t pad = n - (filled_ - readPos_);
      std::fill(buffer_.begin() + static_cast<long>(filled_), buffer_.begin() + static_cast<long>(filled_ + pad), 0.0f);
      filled_ += pad;
    }
    processFrame();
    readPos_ += static_cast<std::size_t>(onsetHop_);
    ++frameIndex_;
  }

  FrameAnalysis out;
  out.samples = samples_;
  out.sampleRate = config_.sampleRate;
  out.frameRate = static_cast<double>(config_.sampleRate) / hop_;
  out.onsetFrameRate = onset_.frameRate();
  out.llds.resize(rows_, kCount);
  for (std::int64_t r = 0, c = 0; c < static_cast<std::int64_t>(chunks_.size()); ++c) {
    const std::int64_t take = std::min<std::int64_t>(kRowsPerChunk, rows_ - r);
    std::copy(chunks_[c].begin(), chunks_[c].begin() + take * kCount, out.llds.data() + r * kCount);
    r += take;
    std::vector<float>().swap(chunks_[c]);  // release as we go: peak stays near one copy
  }
  // HTK regression deltas over ±2 frames with replicated edges: Δ of MFCC, then Δ of Δ.
  const Eigen::Index rows = out.llds.rows();
  std::vector<float> col(static_cast<std::size_t>(rows));
  for (int pass = 0; pass < 2; ++pass) {
    const int src0 = pass == 0 ? kMfcc0 : kDmfcc0;
    const int dst0 = pass == 0 ? kDmfcc0 : kDdmfcc0;
    for (int c = 0; c < kMfcc; ++c) {
      for (Eigen::Index t = 0; t < rows; ++t) col[t] = out.llds(t, src0 + c);
      for (Eigen::Index t = 0; t < rows; ++t) {
        auto at = [&](Eigen::Index i) { return col[std::clamp<Eigen::Index>(i, 0, rows - 1)]; };
        out.llds(t, dst0 + c) = ((at(t + 1) - at(t - 1)) + 2.0f * (at(t + 2) - at(t - 2))) / 10.0f;
      }
    }
  }
  out.onsetFunction = onset_.detectionFunction();
  out.onsetsSeconds = onset_.finish();
  // A frame that reaches past the end sees the zero padding: a cut-off there is no onset.
  const double lastValid = static_cast<double>(samples_ - n_ / 2) / config_.sampleRate;
  std::erase_if(out.onsetsSeconds, [&](double t) { return t > lastValid; });
  reset();
  return out;
}

void FrameAnalyzer::processFrame() {
  const float* x = buffer_.data() + readPos_;
  std::span<float> in = fft_.input();
  Eigen::Map<Eigen::ArrayXf>(in.data(), n_) =
      Eigen::Map<const Eigen::ArrayXf>(x, n_) * Eigen::Map<const Eigen::ArrayXf>(window_.data(), n_);
  fft_.execute();
  const auto spec = fft_.output();
  const int bins = n_ / 2 + 1;
  using ArrF = Eigen::Array<float, Eigen::Dynamic, 1>;
  Eigen::Map<const Eigen::Array<float, 2, Eigen::Dynamic>> reim(reinterpret_cast<const float*>(spec.data()), 2, bins);
  Eigen::Map<ArrF>(rawMag_.data(), bins) = reim.square().colwise().sum().sqrt().transpose();
  onset_.addSpectrum(rawMag_);
  if (frameIndex_ % stride_ != 0) return;
  if (rows_ % kRowsPerChunk == 0) chunks_.emplace_back(static_cast<std::size_t>(kRowsPerChunk) * kCount, 0.0f);
  float* row = chunks_.back().data() + (rows_ % kRowsPerChunk) * kCount;
  ++rows_;
  computeLlds(row);
}

void FrameAnalyzer::computeLlds(float* row) {
  const int n = n_;
  const int bins = n / 2 + 1;
  const float* x = buffer_.data() + readPos_;
  // Time domain: RMS and zero crossings of the unwindowed frame.
  Eigen::Map<const Eigen::ArrayXf> xa(x, n);
  const double sq = xa.square().sum();
  const auto crossings = ((xa.head(n - 1) >= 0.0f) != (xa.tail(n - 1) >= 0.0f)).count();
  row[kRms] = static_cast<float>(std::sqrt(sq / n));
  row[kZcr] = static_cast<float>(crossings) / static_cast<float>(n - 1);

  // Spectrum in amplitude units (a sine of amplitude A peaks at ≈ A). Eigen array expressions
  // keep these per-bin loops vectorised (including log).
  using ArrF = Eigen::Array<float, Eigen::Dynamic, 1>;
  const float scale = 4.0f / static_cast<float>(n);  // 2 / Σw for a periodic Hann window
  Eigen::Map<const ArrF> raw(rawMag_.data(), bins);
  Eigen::Map<ArrF> amp(amp_.data(), bins), pow2(power_.data(), bins), logA(logAmp_.data(), bins),
      prevA(prevAmp_.data(), bins);
  Eigen::Map<const ArrF> freq(freq_.data(), bins);
  amp = raw * scale;
  pow2 = amp.square();
  logA = amp.max(kTiny).log();
  const double sumA = amp.sum();
  const double sumP = pow2.sum();
  const double sumFA = (freq * amp).sum();
  const double sumLogA = logA.tail(bins - 1).sum();
  const double sumALogA = (amp * logA).sum();
  const double sumA2diff = (amp.head(bins - 1) - amp.tail(bins - 1)).square().sum();
  const float maxA = amp.maxCoeff();
  const double flux = havePrev_ ? static_cast<double>((amp - prevA).square().sum()) : 0.0;
  row[kFlux] = static_cast<float>(std::sqrt(flux));
  prevA = amp;
  havePrev_ = true;

  const bool silent = sumA <= 1e-9;
  if (silent) {
    for (int c : {kCentroid, kSpread, kSkewness, kKurtosis, kFlatness, kEntropy, kRolloff85, kRolloff95,
                  kBrightness, kRoughness, kIrregularity})
      row[c] = 0.0f;
  } else {
    const double mu = sumFA / sumA;
    Eigen::Map<ArrF> d(scratch_.data(), bins);
    d = freq - static_cast<float>(mu);
    const double m2 = (d.square() * amp).sum() / sumA;
    const double m3 = (d.square() * d * amp).sum() / sumA;
    const double m4 = (d.square().square() * amp).sum() / sumA;
    const double sigma = std::sqrt(m2);
    row[kCentroid] = static_cast<float>(mu);
    row[kSpread] = static_cast<float>(sigma);
    row[kSkewness] = sigma > 1e-6 ? static_cast<float>(m3 / (sigma * sigma * sigma)) : 0.0f;
    row[kKurtosis] = sigma > 1e-6 ? static_cast<float>(m4 / (m2 * m2)) : 0.0f;
    const double meanA = (sumA - amp_[0]) / (bins - 1);
    row[kFlatness] = meanA > 1e-12 ? static_cast<float>(std::exp(sumLogA / (bins - 1)) / meanA) : 0.0f;
    // −Σ q ln q with q = a/S:  ln S − Σ a ln a / S.
    const double h = std::log(sumA) - sumALogA / sumA;
    row[kEntropy] = static_cast<float>(std::clamp(h / std::log(static_cast<double>(bins)), 0.0, 1.0));
    double cum = 0;
    int k85 = bins - 1, k95 = bins - 1;
    bool got85 = false;
    for (int k = 0; k < bins; ++k) {
      cum += power_[k];
      if (!got85 && cum >= 0.85 * sumP) {
        k85 = k;
        got85 = true;
      }
      if (cum >= 0.95 * sumP) {
        k95 = k;
        break;
      }
    }
    row[kRolloff85] = freq_[k85];
    row[kRolloff95] = freq_[k95];
    double high = 0;
    for (int k = std::min(brightnessBin_, bins); k < bins; ++k) high += power_[k];
    row[kBrightness] = sumP > 0 ? static_cast<float>(high / sumP) : 0.0f;
    row[kIrregularity] = sumP > 0 ? static_cast<float>(sumA2diff / sumP) : 0.0f;
    // Sethares roughness over the 16 largest peaks above −26 dB of the maximum (above the
    // −31 dB Hann sidelobes, so a pure tone is not rough).
    peaks_.clear();
    const float floorA = 0.05f * maxA;
    for (int k = 1; k + 1 < bins; ++k)
      if (amp_[k] > floorA && amp_[k] > amp_[k - 1] && amp_[k] >= amp_[k + 1]) peaks_.emplace_back(amp_[k], freq_[k]);
    constexpr std::size_t kPeaks = 16;
    if (peaks_.size() > kPeaks) {
      std::nth_element(peaks_.begin(), peaks_.begin() + kPeaks, peaks_.end(),
                       [](const auto& l, const auto& r) { return l.first > r.first; });
      peaks_.resize(kPeaks);
    }
    double rough = 0;
    for (std::size_t i = 0; i < peaks_.size(); ++i)
      for (std::size_t j = i + 1; j < peaks_.size(); ++j) {
        const float fmin = std::min(peaks_[i].second, peaks_[j].second);
        const float df = std::abs(peaks_[i].second - peaks_[j].second);
        const float s = 0.24f / (0.0207f * fmin + 18.96f);
        rough += static_cast<double>(peaks_[i].first * peaks_[j].first *
                                     (std::exp(-3.5f * s * df) - std::exp(-5.75f * s * df)));
      }
    row[kRoughness] = static_cast<float>(rough);
  }

  // MFCC: sparse mel bands, log with floor, orthonormal DCT-II.
  std::array<float, kMelBands> logMel{};
  for (int b = 0; b < kMelBands; ++b) {
    const int off = melOffset_[b], len = melOffset_[b + 1] - off;
    const float* w = melWeights_.data() + off;
    const float* p = power_.data() + melStart_[b];
    float e = 0;
    for (int i = 0; i < len; ++i) e += w[i] * p[i];
    logMel[b] = std::log(std::max(e, 1e-10f));
  }
  for (int c = 0; c < kMfcc; ++c) {
    const float* d = dct_.data() + c * kMelBands;
    float v = 0;
    for (int b = 0; b < kMelBands; ++b) v += d[b] * logMel[b];
    row[kMfcc0 + c] = v;
  }

  // Chroma and the tonal descriptors derived from it.
  std::array<float, 12> chroma{};
  for (std::size_t i = 0; i < chromaBin_.size(); ++i) chroma[chromaPc_[i]] += chromaW_[i] * power_[chromaBin_[i]];
  float cmax = 0;
  int peak = 0;
  for (int i = 0; i < 12; ++i) {
    if (chroma[i] > cmax) {
      cmax = chroma[i];
      peak = i;
    }
  }
  const bool toneless = cmax <= 1e-12f;
  for (int i = 0; i < 12; ++i) {
    chroma[i] = toneless ? 0.0f : chroma[i] / cmax;
    row[kChroma0 + i] = chroma[i];
  }
  row[kChromaPeak] = static_cast<float>(toneless ? 0 : peak);
  const CircleTables& circ = circleTables();
  double cx = 0, cy = 0, l1 = 0;
  for (int i = 0; i < 12; ++i) {
    cx += chroma[i] * circ.cosPc[i];
    cy += chroma[i] * circ.sinPc[i];
    l1 += chroma[i];
  }
  double centroidPc = 0;
  if (std::hypot(cx, cy) > 1e-9) {
    centroidPc = std::atan2(cy, cx) / (2.0 * std::numbers::pi) * 12.0;
    if (centroidPc < 0) centroidPc += 12.0;
  }
  row[kChromaCentroid] = static_cast<float>(centroidPc);
  // Pearson correlation with each key profile (profiles are centred and unit-norm).
  float cmean = 0;
  for (float v : chroma) cmean += v / 12.0f;
  float cnorm = 0;
  for (float v : chroma) cnorm += (v - cmean) * (v - cmean);
  cnorm = std::sqrt(cnorm);
  float bestMajor = 0, bestMinor = 0;
  if (cnorm > 1e-6f) {
    bestMajor = -1.0f;
    bestMinor = -1.0f;
    const auto& prof = keyProfiles();
    for (int k = 0; k < 24; ++k) {
      float r = 0;
      for (int i = 0; i < 12; ++i) r += (chroma[i] - cmean) * prof[k][i];
      r /= cnorm;
      if (k < 12) bestMajor = std::max(bestMajor, r);
      else bestMinor = std::max(bestMinor, r);
    }
  }
  row[kKeyClarity] = std::max(bestMajor, bestMinor);
  row[kMode] = bestMajor - bestMinor;
  // Tonal centroid (Harte et al. 2006): fifths, minor thirds, major thirds circles.
  std::array<float, 6> tonal{};
  if (l1 > 1e-9) {
    for (int i = 0; i < 12; ++i) {
      const float c = static_cast<float>(chroma[i] / l1);
      for (int d = 0; d < 6; ++d) tonal[d] += c * circ.tonal[d][i];
    }
  }
  float hcdf = 0;
  if (rows_ > 1) {
    for (int d = 0; d < 6; ++d) hcdf += (tonal[d] - prevTonal_[d]) * (tonal[d] - prevTonal_[d]);
    hcdf = std::sqrt(hcdf);
  }
  row[kHcdf] = hcdf;
  std::copy(tonal.begin(), tonal.end(), prevTonal_.begin());
}

}  // namespace mp::features
