#pragma once
// Song-level harmony descriptors from a high-resolution pitch-class profile (a valence input:
// key clarity and consonance tell calm from sad music better than the frame LLDs do,
// docs/EVALUATION.md "Harmony statistics").
//
// The 1024-point LLD frames resolve 21.5 Hz, wider than a semitone below ≈ 370 Hz, so their
// chroma is smeared. Here: N = 8192-point Hann frames (0.37 s at 22 050 Hz: 2.7 Hz bins) every
// H = N/4 samples, starting at sample 0 (no padding). Frame energy per pitch class
// E_t(p) = Σ |X_t(k)|² over bins 80 Hz ≤ f(k) ≤ 2 500 Hz whose nearest equal-tempered pitch
// (A4 = 440 Hz) has class p (C = 0). Compression: C_t = ln(1 + 100 E_t / max_{t,p} E_t(p)).
// "Kept" frames: total Σ_p C_t(p) above the song's 20th percentile. Windows: means of 21
// consecutive frames (≈ 2 s; the tail is dropped; a short song is one window).
// Per profile c: key correlations r_k = Pearson(c, Krumhansl–Kessler profile k), k = 24 keys;
// clarity = max_k r_k; mode margin = max_major r − max_minor r; triad fit = max over 24
// major/minor triad templates of Pearson(c, template); interval profile iv_d = Σ_a q_a q_{a+d},
// d = 1..6, q = c / Σ c (d = 1 minor second … 6 tritone); entropy −Σ q ln q / ln 12.
// Output (kDims = 45), all invariant to transposition:
//   song mean profile of kept frames: clarity, mode margin, iv_1..6 / Σ iv         (8)
//   windows: mode margin mean, std; clarity mean, std, p10, p90; share of windows whose best
//            triad is major; triad fit mean; share of window-to-window chord changes;
//            iv_1..6 mean, iv_1..6 std                                          (21)
//   frames: entropy mean, std (all frames); iv_1..6 mean, std and clarity mean, std (kept) (16)
// Silence or audio shorter than one frame gives zeros.

#include "core/common/eigen_types.h"
#include "core/common/result.h"
#include "core/features/fft.h"

#include <array>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace mp::features {

class HarmonyAnalyzer {
 public:
  static constexpr int kDims = 45;
  static constexpr int kFrameSize = 8192;  ///< at 22 050 Hz; scaled with the sample rate
  /// Plans the FFT for `sampleRate` (the frame keeps ≈ 0.37 s at any rate).
  static Result<HarmonyAnalyzer> create(int sampleRate);
  static const std::vector<std::string>& names();

  /// Streams mono samples; any block size.
  void addSamples(std::span<const float> samples);
  /// The kDims descriptors of everything added since the last finish(); resets the analyser.
  Vec finish();

 private:
  explicit HarmonyAnalyzer(RealFft fft) : fft_(std::move(fft)) {}
  void analyzeFrame();

  RealFft fft_;
  int frameSize_ = 0, hop_ = 0;
  std::vector<float> window_;
  std::vector<int> binClass_;        ///< pitch class of each bin, −1 outside 80..2 500 Hz
  std::vector<float> pending_;       ///< samples not yet consumed by a full frame
  std::vector<std::array<double, 12>> energy_;  ///< E_t per frame
};

}  // namespace mp::features
