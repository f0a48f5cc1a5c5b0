// Probability mass of a song's predictive Gaussian inside a region of the valence-arousal plane.
//
// Notation: x = (v, a) ~ N(mu, S), S the 2x2 predictive covariance (units: squared valence /
// arousal, both on the [0, 1] scale). Eigen-decompose S = U diag(l1, l2) U^T, l1 >= l2 >= 0.
//   - l1 <= 1e-14 (a point estimate, e.g. a user rating): P = [mu in region].
//   - l2 <= 1e-10 * l1 (rank one): x = mu + sqrt(l1) t u1 with t ~ N(0, 1); P = sum over the
//     intervals [t0, t1] of t where x is inside of Phi(t1) - Phi(t0) (exact).
//   - Rectangle: standardise, correlation r = S_va / sqrt(S_vv S_aa), and use the bivariate normal
//     upper-orthant probability of A. Genz, "Numerical computation of rectangular bivariate and
//     trivariate normal and t probabilities", Statistics and Computing 14 (2004) 251-260 (the
//     Drezner-Wesolowsky integral with Gauss-Legendre rules; |r| > 0.925 via the Genz asymptotic
//     form). P = F(u1, u2) - F(l1, u2) - F(u1, l2) + F(l1, l2) in upper-orthant form. ~1e-14.
//   - Circle and polygon (lasso): whiten z = L^{-1}(x - mu) (S = L L^T, Cholesky), so z ~ N(0, I)
//     and the region maps to an ellipse / polygon. In polar coordinates about the origin
//     P = (1 / 2pi) * integral over theta of sum_k [exp(-r0_k^2 / 2) - exp(-r1_k^2 / 2)], where
//     [r0_k, r1_k] are the ray's intervals inside the region (exact radially). The angular
//     integral is split at every vertex direction (polygon) or tangent direction (ellipse), where
//     the integrand has kinks, and each piece uses 24-point Gauss-Legendre: error < 1e-6 for
//     smooth pieces, < 1e-4 near the ellipse's tangent square-root endpoints.

#include "core/library/region.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace mp::library {
namespace {

constexpr double kPi = std::numbers::pi;

double normCdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

/// P(X > dh, Y > dk) for a standard bivariate normal with correlation r (Genz's bvnu).
double bvnu(double dh, double dk, double r) {
  if (dh == INFINITY || dk == INFINITY) return 0.0;
  if (dh == -INFINITY) return dk == -INFINITY ? 1.0 : normCdf(-dk);
  if (dk == -INFINITY) return normCdf(-dh);
  if (r == 0.0) return normCdf(-dh) * normCdf(-dk);
  static constexpr std::array<double, 3> w6 = {0.1713244923791705, 0.3607615730481384,
                                               0.4679139345726904};
  static constexpr std::array<double, 3> x6 = {0.9324695142031522, 0.6612093864662647,
                                               0.2386191860831970};
  static constexpr std::array<double, 6> w12 = {0.04717533638651177, 0.1069393259953183,
                                                0.1600783285433464,  0.2031674267230659,
                                                0.2334925365383547,  0.2491470458134029};
  static constexpr std::array<double, 6> x12 = {0.9815606342467191, 0.9041172563704750,
                                                0.7699026741943050, 0.5873179542866171,
                                                0.3678314989981802, 0.1252334085114692};
  static constexpr std::array<double, 10> w20 = {
      0.01761400713915212, 0.04060142980038694, 0.06267204833410906, 0.08327674157670475,
      0.1019301198172404,  0.1181945319615184,  0.1316886384491766,  0.1420961093183821,
      0.1491729864726037,  0.1527533871307259};
  static constexpr std::array<double, 10> x20 = {
      0.9931285991850949, 0.9639719272779138, 0.9122344282513259, 0.8391169718222188,
      0.7463319064601508, 0.6360536807265150, 0.5108670019508271, 0.3737060887154196,
      0.2277858511416451, 0.07652652113349733};
  const double* w;
  const double* x;
  int lg;
  if (std::abs(r) < 0.3) {
    w = w6.data(); x = x6.data(); lg = 3;
  } else if (std::abs(r) < 0.75) {
    w = w12.data(); x = x12.data(); lg = 6;
  } else {
    w = w20.data(); x = x20.data(); lg = 10;
  }
  const double tp = 2.0 * kPi;
  double h = dh;
  double k = dk;
  double hk = h * k;
  double bvn = 0.0;
  if (std::abs(r) < 0.925) {
    const double hs = (h * h + k * k) / 2.0;
    const double asr = std::asin(r) / 2.0;
    for (int i = 0; i < lg; ++i) {
      for (const double xs : {1.0 - x[i], 1.0 + x[i]}) {
        const double sn = std::sin(asr * xs);
        bvn += w[i] * std::exp((sn * hk - hs) / (1.0 - sn * sn));
      }
    }
    bvn = bvn * asr / tp + normCdf(-h) * normCdf(-k);
  } else {
    if (r < 0) {
      k = -k;
      hk = -hk;
    }
    if (std::abs(r) < 1.0) {
      const double as = 1.0 - r * r;
      double a = std::sqrt(as);
      const double bs = (h - k) * (h - k);
      const double c = (4.0 - hk) / 8.0;
      const double d = (12.0 - hk) / 80.0;
      double asr = -(bs / as + hk) / 2.0;
      if (asr > -100.0) bvn = a * std::exp(asr) * (1.0 - c * (bs - as) * (1.0 - d * bs) / 3.0 + c * d * as * as);
      if (hk > -100.0) {
        const double b = std::sqrt(bs);
        const double sp = std::sqrt(tp) * normCdf(-b / a);
        bvn -= std::exp(-hk / 2.0) * sp * b * (1.0 - c * bs * (1.0 - d * bs) / 3.0);
      }
      a /= 2.0;
      double sum = 0.0;
      for (int i = 0; i < lg; ++i) {
        for (const double xv : {1.0 - x[i], 1.0 + x[i]}) {
          double xs = (a * xv) * (a * xv);
          asr = -(bs / xs + hk) / 2.0;
          if (asr > -100.0) {
            const double sp = 1.0 + c * xs * (1.0 + 5.0 * d * xs);
            const double rs = std::sqrt(1.0 - xs);
            const double ep = std::exp(-(hk / 2.0) * xs / ((1.0 + rs) * (1.0 + rs))) / rs;
            sum += w[i] * std::exp(asr) * (sp - ep);
          }
        }
      }
      bvn = (a * sum - bvn) / tp;
    }
    if (r > 0) {
      bvn += normCdf(-std::max(h, k));
    } else if (h >= k) {
      bvn = -bvn;
    } else {
      const double l = h < 0 ? normCdf(k) - normCdf(h) : normCdf(-h) - normCdf(-k);
      bvn = l - bvn;
    }
  }
  return std::clamp(bvn, 0.0, 1.0);
}

// 24-point Gauss-Legendre on [-1, 1] (positive half; symmetric).
constexpr std::array<double, 12> kGlX = {
    0.0640568928626056, 0.1911188674736163, 0.3150426796961634, 0.4337935076260451,
    0.5454214713888396, 0.6480936519369755, 0.7401241915785544, 0.8200019859739029,
    0.8864155270044010, 0.9382745520027328, 0.9747285559713095, 0.9951872199970214};
constexpr std::array<double, 12> kGlW = {
    0.1279381953467522, 0.1258374563468283, 0.1216704729278034, 0.1155056680537256,
    0.1074442701159656, 0.0976186521041139, 0.0861901615319533, 0.0733464814110803,
    0.0592985849154368, 0.0442774388174198, 0.0285313886289337, 0.0123412297999872};

/// Intervals [t0, t1] of the parameter t along the line p + t d that lie inside the region.
/// Returns them in `out` (cleared first), unsorted; t ranges over all reals.
void lineIntervals(const Region& region, double px, double py, double dx, double dy,
                   std::vector<std::pair<double, double>>& out) {
  out.clear();
  if (const auto* rect = std::get_if<RectRegion>(&region)) {
    double lo = -INFINITY, hi = INFINITY;
    const double xs[2] = {std::min(rect->v0, rect->v1), std::max(rect->v0, rect->v1)};
    const double ys[2] = {std::min(rect->a0, rect->a1), std::max(rect->a0, rect->a1)};
    auto slab = [&](double p, double d, double a, double b) {
      if (std::abs(d) < 1e-300) {
        if (p < a || p > b) hi = -INFINITY;
        return;
      }
      double t0 = (a - p) / d, t1 = (b - p) / d;
      if (t0 > t1) std::swap(t0, t1);
      lo = std::max(lo, t0);
      hi = std::min(hi, t1);
    };
    slab(px, dx, xs[0], xs[1]);
    slab(py, dy, ys[0], ys[1]);
    if (lo < hi) out.emplace_back(lo, hi);
  } else if (const auto* c = std::get_if<CircleRegion>(&region)) {
    // |p + t d - c|^2 = R^2
    const double ox = px - c->v, oy = py - c->a;
    const double A = dx * dx + dy * dy;
    const double B = 2.0 * (ox * dx + oy * dy);
    const double C = ox * ox + oy * oy - c->radius * c->radius;
    if (A <= 0) {
      if (C <= 0) out.emplace_back(-INFINITY, INFINITY);
      return;
    }
    const double disc = B * B - 4.0 * A * C;
    if (disc <= 0) return;
    const double sq = std::sqrt(disc);
    out.emplace_back((-B - sq) / (2.0 * A), (-B + sq) / (2.0 * A));
  } else if (const auto* poly = std::get_if<PolygonRegion>(&region)) {
    const auto& vs = poly->vertices;
    if (vs.size() < 3) return;
    std::vector<double> ts;
    for (std::size_t i = 0; i < vs.size(); ++i) {
      const auto [ax, ay] = vs[i];
      const auto [bx, by] = vs[(i + 1) % vs.size()];
      const double ex = bx - ax, ey = by - ay;
      const double den = dx * ey - dy * ex;
      if (std::abs(den) < 1e-300) continue;
      const double wx = ax - px, wy = ay - py;
      const double t = (wx * ey - wy * ex) / den;
      const double s = (wx * dy - wy * dx) / den;
      if (s >= 0.0 && s < 1.0) ts.push_back(t);
    }
    std::sort(ts.begin(), ts.end());
    for (std::size_t i = 0; i + 1 < ts.size(); i += 2) out.emplace_back(ts[i], ts[i + 1]);
  }
}

/// Rank-one case: x = mu + s t u, t ~ N(0, 1).
double lineProbability(const Region& region, double mx, double my, double ux, double uy, double s) {
  std::vector<std::pair<double, double>> iv;
  lineIntervals(region, mx, my, ux * s, uy * s, iv);
  double p = 0.0;
  for (const auto& [t0, t1] : iv) p += normCdf(t1) - normCdf(t0);
  return std::clamp(p, 0.0, 1.0);
}

/// Whitened polar integration for circles and polygons (see the header comment).
double polarProbability(const Region& region, double mx, double my, double l11, double l21,
                        double l22) {
  // Region in whitened coordinates: x = mu + L z. Polygons map to polygons; for the circle we
  // keep the original region and map each ray back (rays stay rays under an affine map).
  auto toX = [&](double zx, double zy) {
    return std::pair<double, double>{l11 * zx, l21 * zx + l22 * zy};
  };
  std::vector<double> cuts;
  if (const auto* poly = std::get_if<PolygonRegion>(&region)) {
    for (const auto& [vx, vy] : poly->vertices) {
      // z = L^{-1}(x - mu)
      const double zx = (vx - mx) / l11;
      const double zy = ((vy - my) - l21 * zx) / l22;
      cuts.push_back(std::atan2(zy, zx));
    }
  } else if (const auto* c = std::get_if<CircleRegion>(&region)) {
    // Tangent directions of the whitened ellipse seen from the origin: rays whose line meets the
    // circle in exactly one point (discriminant zero). Sample the discriminant sign changes.
    const int n = 720;
    std::vector<double> disc(n);
    for (int i = 0; i < n; ++i) {
      const double th = -kPi + 2.0 * kPi * i / n;
      const auto [dx, dy] = toX(std::cos(th), std::sin(th));
      const double ox = mx - c->v, oy = my - c->a;
      const double A = dx * dx + dy * dy, B = 2.0 * (ox * dx + oy * dy);
      disc[static_cast<std::size_t>(i)] = B * B - 4.0 * A * (ox * ox + oy * oy - c->radius * c->radius);
    }
    for (int i = 0; i < n; ++i) {
      const int j = (i + 1) % n;
      if ((disc[static_cast<std::size_t>(i)] > 0) != (disc[static_cast<std::size_t>(j)] > 0)) {
        // refine by bisection
        double a = -kPi + 2.0 * kPi * i / n, b = a + 2.0 * kPi / n;
        const bool sa = disc[static_cast<std::size_t>(i)] > 0;
        for (int it = 0; it < 60; ++it) {
          const double mid = 0.5 * (a + b);
          const auto [dx, dy] = toX(std::cos(mid), std::sin(mid));
          const double ox = mx - c->v, oy = my - c->a;
          const double A = dx * dx + dy * dy, B = 2.0 * (ox * dx + oy * dy);
          const double dm = B * B - 4.0 * A * (ox * ox + oy * oy - c->radius * c->radius);
          if ((dm > 0) == sa) a = mid; else b = mid;
        }
        cuts.push_back(0.5 * (a + b));
      }
    }
  }
  cuts.push_back(-kPi);
  cuts.push_back(kPi);
  for (double& t : cuts) {
    if (t < -kPi) t = -kPi;
    if (t > kPi) t = kPi;
  }
  std::sort(cuts.begin(), cuts.end());
  // Split long pieces so each spans at most pi/8.
  std::vector<double> edges;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const double a = cuts[i], b = cuts[i + 1];
    if (b - a <= 0) continue;
    const int pieces = std::max(1, static_cast<int>(std::ceil((b - a) / (kPi / 8))));
    for (int p = 0; p < pieces; ++p) edges.push_back(a + (b - a) * p / pieces);
  }
  edges.push_back(kPi);

  std::vector<std::pair<double, double>> iv;
  auto radial = [&](double th) {
    const auto [dx, dy] = toX(std::cos(th), std::sin(th));
    lineIntervals(region, mx, my, dx, dy, iv);
    double s = 0.0;
    for (auto [t0, t1] : iv) {
      t0 = std::max(t0, 0.0);
      if (t1 <= t0) continue;
      s += std::exp(-0.5 * t0 * t0) - (std::isinf(t1) ? 0.0 : std::exp(-0.5 * t1 * t1));
    }
    return s;
  };
  double total = 0.0;
  for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
    const double a = edges[i], b = edges[i + 1];
    const double half = 0.5 * (b - a), mid = 0.5 * (a + b);
    double s = 0.0;
    for (std::size_t g = 0; g < kGlX.size(); ++g) {
      s += kGlW[g] * (radial(mid - half * kGlX[g]) + radial(mid + half * kGlX[g]));
    }
    total += s * half;
  }
  return std::clamp(total / (2.0 * kPi), 0.0, 1.0);
}

bool pointInPolygon(const std::vector<std::pair<double, double>>& vs, double x, double y) {
  if (vs.size() < 3) return false;
  bool inside = false;
  for (std::size_t i = 0, j = vs.size() - 1; i < vs.size(); j = i++) {
    const auto [xi, yi] = vs[i];
    const auto [xj, yj] = vs[j];
    if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

}  // namespace

bool containsPoint(const Region& region, double valence, double arousal) {
  if (const auto* r = std::get_if<RectRegion>(&region)) {
    return valence >= std::min(r->v0, r->v1) && valence <= std::max(r->v0, r->v1) &&
           arousal >= std::min(r->a0, r->a1) && arousal <= std::max(r->a0, r->a1);
  }
  if (const auto* c = std::get_if<CircleRegion>(&region)) {
    const double dv = valence - c->v, da = arousal - c->a;
    return dv * dv + da * da <= c->radius * c->radius;
  }
  return pointInPolygon(std::get<PolygonRegion>(region).vertices, valence, arousal);
}

double probabilityInRegion(const MoodEstimate& e, const Region& region) {
  if (!std::isfinite(e.valence) || !std::isfinite(e.arousal)) return 0.0;
  double vv = std::isfinite(e.covVV) ? std::max(e.covVV, 0.0) : 0.0;
  double aa = std::isfinite(e.covAA) ? std::max(e.covAA, 0.0) : 0.0;
  double va = std::isfinite(e.covVA) ? e.covVA : 0.0;
  va = std::clamp(va, -std::sqrt(vv * aa), std::sqrt(vv * aa));  // keep S positive semi-definite
  if (const auto* c = std::get_if<CircleRegion>(&region); c != nullptr && !(c->radius > 0)) return 0.0;
  if (const auto* p = std::get_if<PolygonRegion>(&region); p != nullptr && p->vertices.size() < 3) return 0.0;

  // Eigen-decomposition of the 2x2 covariance.
  const double tr = vv + aa;
  const double det = vv * aa - va * va;
  const double gap = std::sqrt(std::max(0.0, 0.25 * (vv - aa) * (vv - aa) + va * va));
  const double l1 = 0.5 * tr + gap;
  const double l2 = std::max(0.0, std::min(0.5 * tr - gap, det / std::max(l1, 1e-300)));
  if (l1 <= 1e-14) return containsPoint(region, e.valence, e.arousal) ? 1.0 : 0.0;
  if (l2 <= 1e-10 * l1) {
    double ux, uy;
    if (std::abs(va) > 1e-300) {
      ux = l1 - aa;
      uy = va;
    } else if (vv >= aa) {
      ux = 1; uy = 0;
    } else {
      ux = 0; uy = 1;
    }
    const double n = std::hypot(ux, uy);
    return lineProbability(region, e.valence, e.arousal, ux / n, uy / n, std::sqrt(l1));
  }

  if (const auto* r = std::get_if<RectRegion>(&region)) {
    const double sv = std::sqrt(vv), sa = std::sqrt(aa);
    const double rho = std::clamp(va / (sv * sa), -1.0, 1.0);
    const double lv = (std::min(r->v0, r->v1) - e.valence) / sv;
    const double uv = (std::max(r->v0, r->v1) - e.valence) / sv;
    const double la = (std::min(r->a0, r->a1) - e.arousal) / sa;
    const double ua = (std::max(r->a0, r->a1) - e.arousal) / sa;
    const double p = bvnu(lv, la, rho) - bvnu(uv, la, rho) - bvnu(lv, ua, rho) + bvnu(uv, ua, rho);
    return std::clamp(p, 0.0, 1.0);
  }
  // Cholesky S = L L^T.
  const double l11 = std::sqrt(vv);
  const double l21 = va / l11;
  const double l22 = std::sqrt(std::max(aa - l21 * l21, 1e-300));
  return polarProbability(region, e.valence, e.arousal, l11, l21, l22);
}

}  // namespace mp::library
