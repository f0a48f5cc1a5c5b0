#pragma once
// Frame-level low-level descriptors (LLDs) and onsets from one pass of STFT over mono audio.
//
// Signal x in [-1, 1] at fs Hz (22 050 by default). STFT: N-point Hann window w (N = frameSize),
// frames *centred* at n·H (zero padding before the start and after the end), one r2c FFTW plan
// reused for every frame. The onset detector (onset_detector.h) runs on every STFT frame at an
// onset hop H_o = H / s (s ∈ {4, 2, 1}, the largest with H_o ≥ 10 ms: 256 samples = 11.6 ms by
// default); every s-th frame (centred at j·H) also yields one LLD row j.
//
// LLDs of one frame (a near-equivalent of MIRToolbox's 70-D set, SCIENCE.md §1). Magnitudes are in
// amplitude units: a(k) = 2|X(k)| / Σw, so a sine of amplitude A peaks at a ≈ A; p(k) = a(k)²,
// f(k) = k·fs/N Hz, k = 0..N/2. Every division and log is guarded: silence gives zeros.
//   rms            sqrt(mean x²) of the unwindowed frame
//   centroid       μ = Σ f a / Σ a (Hz); spread σ = sqrt(Σ (f−μ)² a / Σ a) (Hz)
//   skewness       Σ (f−μ)³ a / (σ³ Σ a); kurtosis Σ (f−μ)⁴ a / (σ⁴ Σ a)
//   flatness       geometric / arithmetic mean of a(k), k ≥ 1 (white noise ≈ 0.85, a sine ≈ 0)
//   entropy        −Σ q log q / log K, q = a / Σ a (K bins, so in [0, 1])
//   rolloff85/95   lowest f(k) below which 85 % / 95 % of Σ p lies (Hz)
//   brightness     Σ_{f > 1500 Hz} p / Σ p
//   roughness      Sethares (1993) dissonance over pairs of the 16 largest peaks (> −26 dB of max):
//                  Σ a_i a_j (e^{−3.5 s Δf} − e^{−5.75 s Δf}), s = 0.24 / (0.0207 f_min + 18.96)
//   irregularity   Jensen (1999): Σ_k (a_k − a_{k+1})² / Σ_k a_k²
//   zcr            sign changes per sample of the unwindowed frame (a sine of f Hz ≈ 2f/fs)
//   flux           ‖a_t − a_{t−1}‖₂ (0 for the first frame)
//   mfcc0..12      DCT-II (orthonormal) of ln(max(E_b, 1e-10)), E = 40 triangular HTK-mel bands
//                  over p, 0..fs/2 (a louder copy changes c0 only)
//   dmfcc*, ddmfcc*  HTK regression deltas over ±2 LLD frames (edges replicated), and of those
//   chroma_C..B    p folded onto 12 pitch classes (C = 0), 55 Hz..5 kHz, each bin split linearly
//                  between its two nearest semitones; normalised to max 1
//   chroma_peak    argmax pitch class (0..11); chroma_centroid: circular mean pitch class [0, 12)
//   key_clarity    max over the 24 Krumhansl–Kessler key profiles of Pearson r(chroma, profile)
//   mode           best major r − best minor r (MIRToolbox mirmode 'Best')
//   hcdf           ‖ζ_t − ζ_{t−1}‖₂ of the 6-D tonal centroid (Harte, Sandler & Gasser 2006) of
//                  the L1-normalised chroma (causal difference)
// Output: FrameMatrix (frames × 70, float), row j = the frame centred at j·H / fs seconds.

#include "core/common/eigen_types.h"
#include "core/common/result.h"
#include "core/features/fft.h"
#include "core/features/onset_detector.h"
#include "core/features/song_features.h"

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace mp::features {

struct FrameAnalysis {
  FrameMatrix llds;                  ///< frames × lldCount()
  double frameRate = 0.0;            ///< LLD rows per second (fs / H); row j at j / frameRate s
  std::vector<double> onsetsSeconds; ///< SuperFlux onsets
  std::vector<float> onsetFunction;  ///< SuperFlux ODF, one value per onset frame
  double onsetFrameRate = 0.0;       ///< fs / H_o
  std::int64_t samples = 0;          ///< samples consumed
  int sampleRate = 0;                ///< Hz
  double durationSeconds() const;
};

class FrameAnalyzer {
 public:
  /// Validates `config` (and its onset settings) and plans the FFT.
  static Result<FrameAnalyzer> create(const FrontEndConfig& config);

  static constexpr int kLldCount = 70;
  /// The descriptor names, in column order (see the header comment).
  static const std::vector<std::string>& lldNames();

  /// Streams mono samples at config.sampleRate; any block size. No allocation per frame.
  void addSamples(std::span<const float> samples);
  /// Flushes the last frames, computes deltas and onsets; the analyser is reset afterwards and
  /// can take the next song (plans and buffers are reused).
  FrameAnalysis finish();
  void reset();

  int onsetHop() const { return onsetHop_; }

 private:
  FrameAnalyzer(RealFft fft, SuperFluxDetector onset) : fft_(std::move(fft)), onset_(std::move(onset)) {}
  void processFrame();
  void computeLlds(float* row);
  void pushRow();

  FrontEndConfig config_;
  RealFft fft_;
  SuperFluxDetector onset_;
  int n_ = 0;         // frame size
  int hop_ = 0;       // LLD hop
  int onsetHop_ = 0;  // STFT hop
  int stride_ = 1;    // STFT frames per LLD frame

  // Sample FIFO: frames start at buffer_[readPos_] (padded coordinates, N/2 leading zeros).
  std::vector<float> buffer_;
  std::size_t filled_ = 0;
  std::size_t readPos_ = 0;
  std::int64_t samples_ = 0;
  std::int64_t frameIndex_ = 0;  // STFT frames processed

  std::vector<float> window_;      // Hann
  std::vector<float> rawMag_;      // |X(k)| for the onset detector
  std::vector<float> amp_;         // a(k)
  std::vector<float> prevAmp_;
  std::vector<float> power_;
  std::vector<float> logAmp_;
  std::vector<float> scratch_;
  std::vector<float> freq_;
  bool havePrev_ = false;
  // Sparse weight matrices: mel (40 bands) and chroma (bin -> two pitch classes).
  std::vector<int> melStart_, melOffset_;
  std::vector<float> melWeights_;
  std::vector<float> dct_;  // 13 x 40
  std::vector<int> chromaBin_, chromaPc_;
  std::vector<float> chromaW_;
  std::vector<float> prevTonal_;
  std::vector<std::pair<float, float>> peaks_;  // (amplitude, Hz) scratch for roughness
  int brightnessBin_ = 0;

  // LLD rows in fixed-size chunks (no large reallocation while streaming).
  std::vector<std::vector<float>> chunks_;
  std::int64_t rows_ = 0;
};

/// Onsets -> segments -> segment vectors for one analysed song (segmenter.h); fails when the
/// audio gave fewer than 8 LLD frames. `info` is left empty for the caller to fill.
Result<SongFeatures> summarizeFrames(const FrameAnalysis& frames, const FrontEndConfig& config);

}  // namespace mp::features
