#pragma once
// Splits the plotted songs into a few colour classes (quadrant, genre or uncertainty band), so
// the plane draws one scatter per class instead of one item per song.

#include "core/library/library_store.h"

#include <QColor>
#include <QString>

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
};

/// Quadrant of (v, a): 0 excited/happy (v>=.5, a>=.5), 1 tense/angry, 2 sad/depressed, 3 calm.
int quadrantOf(double valence, double arousal);
QString quadrantName(int quadrant);

Colouring colourSongs(const std::vector<library::SongRecord>& songs, ColourBy by);

}  // namespace mp::ui
