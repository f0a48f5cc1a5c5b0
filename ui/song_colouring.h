#pragma once
// Splits the plotted songs into a few colour classes (quadrant, genre or uncertainty band), so
// the plane draws one scatter per class instead of one item per song. Uncertainty is a
// continuous scale: many narrow bands along a colour ramp (adjacent bands look the same), shown
// with a colour bar instead of legend entries.

#include "core/library/library_store.h"

#include <QColor>
#include <QString>

#include <optional>
#include <utility>
#include <vector>

namespace mp::ui {

enum class ColourBy { Quadrant = 0, Genre = 1, Uncertainty = 2 };

struct ColourClass {
  QString label;
  QColor colour;
};

struct Colouring {
  std::vector<ColourClass> classes;
  std::vector<int> classOf;  ///< per input song; -1 for songs without a prediction
  /// Continuous colourings: the value range the ramp spans (classes are equal slices of it).
  std::optional<std::pair<double, double>> continuousRange;
  QString continuousLabel;
};

/// The uncertainty ramp (green = certain → red = uncertain) at t in [0, 1].
QColor uncertaintyColour(double t);
/// Number of bands of the uncertainty scale and the σ it saturates at (plane units).
inline constexpr int kUncertaintyBands = 48;
inline constexpr double kUncertaintyMax = 0.30;

/// Quadrant of (v, a): 0 excited/happy (v>=.5, a>=.5), 1 tense/angry, 2 sad/depressed, 3 calm.
int quadrantOf(double valence, double arousal);
QString quadrantName(int quadrant);

Colouring colourSongs(const std::vector<library::SongRecord>& songs, ColourBy by);

}  // namespace mp::ui
