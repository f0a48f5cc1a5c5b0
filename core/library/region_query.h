#pragma once
// Region retrieval over the library: songs ranked by the probability that their mood lies in a
// region (SCIENCE.md §6). Shared by `moodplane-cli query/export` and the GUI.

#include "core/library/library_store.h"
#include "core/library/region.h"

#include <cstddef>
#include <string>
#include <vector>

namespace mp::library {

struct RankedSong {
  const SongRecord* song = nullptr;  ///< points into the input vector
  MoodEstimate mood;                 ///< what was ranked: the rating, else the prediction
  bool fromRating = false;
  double probability = 0.0;
  double distanceToCentre = 0.0;     ///< from the mood's mean to the region's centre
};

struct RegionQueryOptions {
  std::size_t k = 0;              ///< at most k results; 0 = all
  double minProbability = 1e-3;   ///< songs below are left out
  bool preferRating = true;       ///< a listener's rating replaces the model's prediction
  Status validate() const;        ///< minProbability in [0, 1]
};

/// Parses "V0,A0,V1,A1" (four finite numbers, corners in any order) into a rectangle.
Result<RectRegion> parseRectRegion(const std::string& text);

/// Centre of a region (rectangle/circle centre, polygon vertex mean).
std::pair<double, double> regionCentre(const Region& region);

/// Ranks `songs` by probability (descending), ties by distance to the region centre (ascending),
/// then by path. Songs with neither a prediction nor a rating are skipped.
std::vector<RankedSong> rankByRegion(const std::vector<SongRecord>& songs, const Region& region,
                                     const RegionQueryOptions& options);

}  // namespace mp::library
