#pragma once
// SuperFlux onset detection (Böck & Widmer, "Maximum filter vibrato suppression for onset
// detection", DAFx 2013), following madmom's reference implementation.
//
// Per STFT frame n (magnitudes |X_n(k)|, k = 0..N/2, N-point Hann window, signal in [-1, 1]):
//   S_n(b)  = Σ_k F(b,k) |X_n(k)|          log-spaced triangular filterbank, 24 bands/octave,
//                                           fmin..fmax, each filter normalised to unit sum
//   L_n(b)  = log10(1 + λ S_n(b))           λ = logMultiplier
//   M_n(b)  = max(L_n(b-1), L_n(b), L_n(b+1))   maximum filter over 3 bands (vibrato suppression)
//   SF(n)   = Σ_b max(0, L_n(b) − M_{n−μ}(b))    μ = lag frames (default: where the Hann window
//                                           of frame n−μ has fallen to half its peak, ≈ N/4 samples)
// Peak picking (madmom `peak_picking` + combine): n is an onset when
//   SF(n) = max SF[n − pre_max .. n + post_max]  and  SF(n) ≥ mean SF[n − pre_avg .. n] + δ,
// and onsets closer than minInterOnset to the previous one are dropped. Times are frame centres.
// Silence gives SF ≡ 0 and therefore no onsets (δ > 0).

#include "core/common/result.h"

#include <span>
#include <string>
#include <vector>

namespace mp::features {

struct OnsetConfig {
  int bandsPerOctave = 24;       ///< log filterbank resolution (6..48)
  double minFrequency = 30.0;    ///< Hz, lowest filter (10..1000)
  double maxFrequency = 17000.0; ///< Hz, highest filter; clipped to Nyquist
  int maxFilterBands = 3;        ///< width of the frequency maximum filter, odd (1..15)
  int lagFrames = 0;             ///< μ; 0 = derived from frame and hop sizes
  double logMultiplier = 1.0;    ///< λ in log10(1 + λ S) (0.01..1e6)
  double threshold = 1.1;        ///< δ, in ODF units (> 0)
  double preAvgSeconds = 0.15;   ///< moving-average window before n (0..2)
  double preMaxSeconds = 0.01;   ///< moving-maximum window before n (0..1)
  double postMaxSeconds = 0.05;  ///< moving-maximum window after n (0..1)
  double minInterOnsetSeconds = 0.03;  ///< combine onsets closer than this (0..1)

  Status validate() const;
  std::string fingerprint() const;
};

/// Streaming SuperFlux detector: feed one magnitude spectrum per frame, then finish().
class SuperFluxDetector {
 public:
  /// `frameSize` = N of the spectra (N/2 + 1 bins), `hopSize` samples between frames.
  static Result<SuperFluxDetector> create(const OnsetConfig& config, int sampleRate, int frameSize,
                                          int hopSize);

  /// Magnitudes |X(k)| of the next frame, k = 0..N/2, unnormalised FFT of the Hann-windowed frame.
  void addSpectrum(std::span<const float> magnitudes);
  /// The onset detection function so far, one value per frame.
  const std::vector<float>& detectionFunction() const { return odf_; }
  double frameRate() const { return static_cast<double>(sampleRate_) / hopSize_; }
  int bandCount() const { return static_cast<int>(bandStart_.size()); }
  int lag() const { return lag_; }
  /// Onset times in seconds (frame centres, frame n centred at n * hop). Does not reset.
  std::vector<double> finish() const;
  void reset();

 private:
  SuperFluxDetector() = default;

  OnsetConfig config_;
  int sampleRate_ = 0;
  int hopSize_ = 0;
  int lag_ = 1;
  // Sparse filterbank: band b covers bins [bandStart_[b], bandStart_[b] + len) with weights
  // bandWeights_[bandOffset_[b] + i].
  std::vector<int> bandStart_;
  std::vector<int> bandOffset_;
  std::vector<float> bandWeights_;
  std::vector<float> logBands_;       // L_n of the current frame
  std::vector<float> maxHistory_;     // (lag+1) ring of M_n, band-major per slot
  long framesSeen_ = 0;
  std::vector<float> odf_;
};

/// madmom-style peak picking over a detection function (see the header comment).
std::vector<double> pickOnsets(std::span<const float> odf, double frameRate, const OnsetConfig& config);

/// Onset evaluation with a ±window tolerance (mir_eval `onset.f_measure`): a one-to-one matching
/// of estimates to references within the window (greedy on sorted times, which is maximal in 1-D).
struct OnsetScore {
  int matched = 0;
  int references = 0;
  int estimates = 0;
  double precision = 0.0;
  double recall = 0.0;
  double fMeasure = 0.0;
};
OnsetScore scoreOnsets(std::vector<double> reference, std::vector<double> estimated,
                       double windowSeconds = 0.05);

}  // namespace mp::features
