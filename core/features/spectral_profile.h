#pragma once
// Song-level spectral-profile descriptors: a finer picture of timbre and texture than the 13
// MFCCs of the LLD frames — the log energy of 40 mel bands, how fast each band's envelope
// fluctuates (modulation spectrum), and the peak-to-valley contrast of octave bands
// (docs/EVALUATION.md "Spectral profile").
//
// Frames: N = 2048-point symmetric Hann frames (w_i = 0.5 − 0.5 cos(2πi/(N − 1))) every
// H = N/4 samples at 22 050 Hz (N scales with the sample rate), starting at sample 0, no padding;
// |X_t(k)| is the magnitude spectrum divided by Σ_i w_i (a full-scale sinusoid peaks at 0.5, at
// any frame size), P_t(k) = |X_t(k)|², bin k at f_k = k·rate/N. The floors below sit ≈ 100 dB
// under full scale, above 16-bit dither, so digital silence, dither and a codec's empty bands
// all read the same.
//   mel         B = 40 triangular filters F_b (peak 1) equally spaced on the HTK mel scale
//               m(f) = 2595 log10(1 + f/700) from 30 Hz to rate/2;
//               L_t(b) = ln(Σ_k P_t(k) F_b(k) + 1e-10). Per band: mean_t L, std_t L and
//               mean_t |L_{t+1}(b) − L_t(b)|                                        (3 × 40)
//   modulation  the same with 20 filters: ℓ_t(b). Windows of W = 128 frames (≈ 3 s) every W/2
//               frames; per window and band: d_t = (ℓ_t − mean_window ℓ)·hann_W(t),
//               |DFT_W(d)| at f_j = j·(rate/H)/W; per modulation band [0.5, 1), [1, 2), [2, 4),
//               [4, 8), [8, 16) Hz the mean |DFT| over its bins; averaged over the windows,
//               then ln(· + 0.01). Zeros when the song is shorter than one window.   (20 × 5)
//   contrast    octave bands [0, 200), [200, 400), …, [3200, 6400), [6400, rate/2] Hz; per frame
//               and band: the band's sorted ln(|X_t(k)| + 1e-5), valley = mean of the lowest
//               q = max(1, round(0.02·n_band)), peak = mean of the highest q, contrast =
//               peak − valley (Jiang et al. 2002, "Music type classification by spectral
//               contrast feature"). Per band: contrast mean, std; valley mean, std   (7 × 4)
// Output (kDims = 248): mel (120), then modulation (100, band-major), then contrast (28).
// Stds are population stds. Audio shorter than one frame gives zeros. Memory is bounded by one
// modulation window, whatever the song's length.

#include "core/common/eigen_types.h"
#include "core/common/result.h"
#include "core/features/fft.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace mp::features {

class SpectralProfileAnalyzer {
 public:
  static constexpr int kMelBands = 40;
  static constexpr int kModBands = 20;
  static constexpr int kModRanges = 5;
  static constexpr int kContrastBands = 7;
  static constexpr int kMelDims = 3 * kMelBands;
  static constexpr int kModulationDims = kModBands * kModRanges;
  static constexpr int kContrastDims = 4 * kContrastBands;
  static constexpr int kDims = kMelDims + kModulationDims + kContrastDims;
  static constexpr int kFrameSize = 2048;  ///< at 22 050 Hz; scaled with the sample rate
  static constexpr int kModWindow = 128;   ///< frames per modulation window

  /// Plans the FFTs and filters for `sampleRate`.
  static Result<SpectralProfileAnalyzer> create(int sampleRate);
  /// kDims names: "mean_b00" … "change_b39", "b00_0.5-1hz" … "b19_8-16hz",
  /// "contrast_mean_0" … "valley_std_6".
  static const std::vector<std::string>& names();

  /// Streams mono samples; any block size.
  void addSamples(std::span<const float> samples);
  /// The kDims descriptors of everything added since the last finish(); resets the analyser.
  Vec finish();

 private:
  struct Filter {
    int first = 0;               ///< first bin
    std::vector<float> weights;  ///< weights of bins first, first + 1, …
  };
  /// Running mean and M2 (Welford) of one value.
  struct Moments {
    double n = 0.0, mean = 0.0, m2 = 0.0;
    void add(double x) {
      n += 1.0;
      const double d = x - mean;
      mean += d / n;
      m2 += d * (x - mean);
    }
    double stdev() const { return n > 0.0 ? std::sqrt(std::max(0.0, m2 / n)) : 0.0; }
  };

  SpectralProfileAnalyzer(RealFft fft, RealFft modFft)
      : fft_(std::move(fft)), modFft_(std::move(modFft)) {}
  void analyzeFrame();
  void analyzeModulationWindow();
  void reset();

  RealFft fft_, modFft_;
  int frameSize_ = 0, hop_ = 0;
  std::vector<float> window_, modWindow_;  ///< window_ is Hann / Σ Hann
  std::vector<Filter> mel_, modMel_;
  std::array<std::pair<int, int>, kContrastBands> contrastBins_{};  ///< [first, last] bin
  std::array<std::vector<int>, kModRanges> modBins_{};              ///< DFT bins per range

  std::vector<float> pending_;     ///< samples not yet consumed by a full frame
  std::vector<float> power_;       ///< scratch: |X_t(k)|² of the current frame
  std::vector<float> low_, high_;  ///< scratch: the q lowest / highest powers of a contrast band
  std::array<Moments, kMelBands> melMoments_{};
  std::array<double, kMelBands> melChange_{}, prevMel_{};
  std::array<Moments, kContrastBands> contrast_{}, valley_{};
  std::vector<std::array<float, kModBands>> modFrames_;  ///< ℓ_t of the current window
  std::array<double, kModulationDims> modSum_{};
  int frames_ = 0, modWindows_ = 0;
};

}  // namespace mp::features
