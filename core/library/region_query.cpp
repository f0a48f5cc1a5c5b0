#include "core/library/region_query.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace mp::library {

Status RegionQueryOptions::validate() const {
  if (!(minProbability >= 0.0 && minProbability <= 1.0)) {
    return fail("the minimum probability must lie in [0, 1]");
  }
  return {};
}

Result<RectRegion> parseRectRegion(const std::string& text) {
  double values[4];
  std::size_t start = 0;
  for (int i = 0; i < 4; ++i) {
    const std::size_t comma = text.find(',', start);
    if ((i < 3) != (comma != std::string::npos)) {
      return fail("a region is four numbers V0,A0,V1,A1, got \"" + text + "\"");
    }
    const std::string item = text.substr(start, i < 3 ? comma - start : std::string::npos);
    char* end = nullptr;
    values[i] = std::strtod(item.c_str(), &end);
    if (item.empty() || end == nullptr || *end != '\0' || !std::isfinite(values[i])) {
      return fail("a region is four numbers V0,A0,V1,A1, got \"" + text + "\"");
    }
    start = comma + 1;
  }
  return RectRegion{values[0], values[1], values[2], values[3]};
}

std::pair<double, double> regionCentre(const Region& region) {
  if (const auto* r = std::get_if<RectRegion>(&region)) {
    return {0.5 * (r->v0 + r->v1), 0.5 * (r->a0 + r->a1)};
  }
  if (const auto* c = std::get_if<CircleRegion>(&region)) return {c->v, c->a};
  const auto& vs = std::get<PolygonRegion>(region).vertices;
  double sv = 0, sa = 0;
  for (const auto& [v, a] : vs) {
    sv += v;
    sa += a;
  }
  const double n = vs.empty() ? 1.0 : static_cast<double>(vs.size());
  return {sv / n, sa / n};
}

std::vector<RankedSong> rankByRegion(const std::vector<SongRecord>& songs, const Region& region,
                                     const RegionQueryOptions& options) {
  const auto [cv, ca] = regionCentre(region);
  std::vector<RankedSong> out;
  for (const auto& s : songs) {
    RankedSong r;
    r.song = &s;
    if (s.rating && (options.preferRating || !s.prediction)) {
      r.mood = *s.rating;
      r.mood.covVV = r.mood.covVA = r.mood.covAA = 0.0;  // a rating is a point
      r.fromRating = true;
    } else if (s.prediction) {
      r.mood = *s.prediction;
    } else {
      continue;
    }
    r.probability = probabilityInRegion(r.mood, region);
    if (r.probability < options.minProbability || r.probability <= 0.0) continue;
    r.distanceToCentre = std::hypot(r.mood.valence - cv, r.mood.arousal - ca);
    out.push_back(r);
  }
  std::sort(out.begin(), out.end(), [](const RankedSong& x, const RankedSong& y) {
    if (x.probability != y.probability) return x.probability > y.probability;
    if (x.distanceToCentre != y.distanceToCentre) return x.distanceToCentre < y.distanceToCentre;
    return x.song->path < y.song->path;
  });
  if (options.k > 0 && out.size() > options.k) out.resize(options.k);
  return out;
}

}  // namespace mp::library
