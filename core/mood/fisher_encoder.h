#pragma once
// Fisher-vector encodings of a song's segment vectors against a diagonal GMM (the UBM).
//
// Source: Chapaneri & Jayaswal, Sādhanā 45:73 (2020), §3.3 and Alg. 1 (LAFV); Perronnin,
// Sánchez & Mensink (2010) "Improving the Fisher kernel" (improved FV); SCIENCE.md §4.
//
// For N_s vectors v_t (rows of V, N_s×D) with posteriors γ_tk (N_s×K) under the GMM
// (π_k, μ_kd, σ_kd):
//   g_μ[k,d] = 1/(N_s √π_k)   Σ_t γ_tk (v_td − μ_kd)/σ_kd
//   g_σ[k,d] = 1/(N_s √(2π_k)) Σ_t γ_tk [((v_td − μ_kd)/σ_kd)² − 1]
// Layout of the raw FV (2KD): [g_μ[0,:], …, g_μ[K−1,:], g_σ[0,:], …, g_σ[K−1,:]].
// Improved FV: z ← sign(z)√|z|, then z ← z / max(‖z‖₂, 1e-12).
// LAFV: hard-assign each vector to argmax_k γ_tk; for each non-empty cluster S_k compute the
// local FV (the formula above over t ∈ S_k with all K posteriors) normalised by |S_k|
// (intra-normalisation, choice) or by N_s (then the sum equals the global FV exactly); sum the
// local FVs; improved normalisation. Compact form: the L2 norm of every D-block (2K dims:
// [‖g_μ[k,:]‖ for k, then ‖g_σ[k,:]‖ for k]).

#include "core/common/eigen_types.h"
#include "core/common/result.h"
#include "core/mood/gmm.h"

namespace mp::mood {

enum class Encoding { Global, Lafv };

const char* encodingName(Encoding e);
Result<Encoding> parseEncoding(const std::string& name);

struct FisherConfig {
  Encoding encoding = Encoding::Lafv;
  bool intraNormalize = true;   ///< LAFV: local FV divided by |S_k| (false: by N_s)
  bool improved = true;         ///< signed square root + L2
  bool compact = false;         ///< 2K block norms instead of 2KD
  Status validate() const { return {}; }
};

class FisherEncoder {
 public:
  /// The GMM must be valid (DiagGmm::validate()).
  FisherEncoder(DiagGmm gmm, FisherConfig config);

  /// Output dimension: 2KD, or 2K when compact.
  int dimension() const;
  const DiagGmm& gmm() const { return gmm_; }
  const FisherConfig& config() const { return config_; }

  /// The raw (un-normalised) Fisher vector of all rows of v (2KD); zero for no rows.
  Vec rawFisherVector(ConstMatRef v) const;
  /// Raw LAFV sum (before improved normalisation), 2KD.
  Vec rawLafv(ConstMatRef v) const;
  /// The configured encoding of one song (global or LAFV, improved, compact).
  Vec encode(ConstMatRef v) const;

  /// Raw FV from precomputed posteriors, over the rows of v, normalised by `count`.
  Vec rawFromPosteriors(ConstMatRef v, ConstMatRef gamma, double count) const;

  /// Signed square root then L2 normalisation (floor 1e-12), in place.
  static void improve(Vec& z);
  /// L2 norm of each D-block of a 2KD vector → 2K.
  static Vec compactBlocks(const Vec& z, int k, int d);

 private:
  DiagGmm gmm_;
  FisherConfig config_;
  Mat sigma_;     // K×D standard deviations
  Vec sqrtPi_;    // K
};

/// Per-dimension standardisation with training statistics; zero-variance dimensions keep
/// scale 1 (they carry no information, so are only centred).
struct Standardizer {
  Vec mean;   ///< D
  Vec scale;  ///< D, > 0

  static Standardizer fit(ConstMatRef x, double minStd = 1e-8);
  /// Identity of dimension d.
  static Standardizer identity(int d);
  Mat transform(ConstMatRef x) const;
  Vec transformRow(ConstVecRef x) const;
  Status validate() const;
};

/// Principal-component projection fitted on training rows: y = (x − mean) · components.
struct Pca {
  Vec mean;         ///< D
  Mat components;   ///< D×P, orthonormal columns by decreasing variance
  Vec variances;    ///< P explained variances

  static Result<Pca> fit(ConstMatRef x, int outputs);
  Mat transform(ConstMatRef x) const;
};

}  // namespace mp::mood
