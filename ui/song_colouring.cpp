#include "ui/song_colouring.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>

namespace mp::ui {

int quadrantOf(double v, double a) {
  if (a >= 0.5) return v >= 0.5 ? 0 : 1;
  return v < 0.5 ? 2 : 3;
}

QString quadrantName(int q) {
  switch (q) {
    case 0: return QCoreApplication::translate("mp::ui::SongColouring", "Excited / happy");
    case 1: return QCoreApplication::translate("mp::ui::SongColouring", "Tense / angry");
    case 2: return QCoreApplication::translate("mp::ui::SongColouring", "Sad / depressed");
    default: return QCoreApplication::translate("mp::ui::SongColouring", "Calm / relaxed");
  }
}

namespace {

// Colour-blind-friendly qualitative palette (Okabe-Ito), readable on light and dark backgrounds.
const QColor kQualitative[] = {QColor(0xE6, 0x9F, 0x00), QColor(0x56, 0xB4, 0xE9),
                               QColor(0x00, 0x9E, 0x73), QColor(0xF0, 0xE4, 0x42),
                               QColor(0x00, 0x72, 0xB2), QColor(0xD5, 0x5E, 0x00),
                               QColor(0xCC, 0x79, 0xA7), QColor(0x99, 0x99, 0x99)};

Colouring byQuadrant(const std::vector<library::SongRecord>& songs) {
  Colouring c;
  const QColor colours[] = {QColor(0xE6, 0x9F, 0x00), QColor(0xD5, 0x3E, 0x2F),
                            QColor(0x3B, 0x6F, 0xC4), QColor(0x1B, 0x9E, 0x77)};
  for (int q = 0; q < 4; ++q) c.classes.push_back({quadrantName(q), colours[q]});
  c.classOf.reserve(songs.size());
  for (const auto& s : songs)
    c.classOf.push_back(s.prediction ? quadrantOf(s.prediction->valence, s.prediction->arousal) : -1);
  return c;
}

Colouring byGenre(const std::vector<library::SongRecord>& songs) {
  std::map<std::string, int> counts;
  for (const auto& s : songs)
    if (s.prediction) ++counts[s.tags.genre];
  std::vector<std::pair<int, std::string>> ranked;
  for (const auto& [genre, n] : counts)
    if (!genre.empty()) ranked.emplace_back(-n, genre);
  std::sort(ranked.begin(), ranked.end());
  constexpr std::size_t kMaxNamed = 7;
  Colouring c;
  std::map<std::string, int> classOfGenre;
  for (std::size_t i = 0; i < ranked.size() && i < kMaxNamed; ++i) {
    classOfGenre[ranked[i].second] = static_cast<int>(i);
    c.classes.push_back({QString::fromStdString(ranked[i].second), kQualitative[i]});
  }
  const int other = static_cast<int>(c.classes.size());
  c.classes.push_back({ranked.size() > kMaxNamed ? QCoreApplication::translate("mp::ui::SongColouring", "Other genres")
                                                 : QCoreApplication::translate("mp::ui::SongColouring", "No genre tag"),
                       kQualitative[7]});
  for (const auto& s : songs) {
    if (!s.prediction) { c.classOf.push_back(-1); continue; }
    auto it = classOfGenre.find(s.tags.genre);
    c.classOf.push_back(it == classOfGenre.end() ? other : it->second);
  }
  return c;
}

Colouring byUncertainty(const std::vector<library::SongRecord>& songs) {
  // The mean standard deviation sigma = sqrt((s_vv + s_aa) / 2), plane units, on a continuous
  // ramp over [0, kUncertaintyMax] (larger values saturate), drawn as kUncertaintyBands slices.
  Colouring c;
  const double width = kUncertaintyMax / kUncertaintyBands;
  for (int i = 0; i < kUncertaintyBands; ++i) {
    c.classes.push_back({QStringLiteral("σ %1–%2").arg(i * width, 0, 'f', 3).arg((i + 1) * width, 0, 'f', 3),
                         uncertaintyColour((i + 0.5) / kUncertaintyBands)});
  }
  c.continuousRange = std::make_pair(0.0, kUncertaintyMax);
  c.continuousLabel = QStringLiteral("σ");
  for (const auto& s : songs) {
    if (!s.prediction) { c.classOf.push_back(-1); continue; }
    const double sigma =
        std::sqrt(std::max(0.0, 0.5 * (s.prediction->covVV + s.prediction->covAA)));
    c.classOf.push_back(std::clamp(static_cast<int>(sigma / width), 0, kUncertaintyBands - 1));
  }
  return c;
}

}  // namespace

QColor uncertaintyColour(double t) {
  // ColorBrewer RdYlGn stops, reversed (green = certain).
  static const QColor stops[] = {QColor(0x1A, 0x98, 0x50), QColor(0x91, 0xCF, 0x60),
                                 QColor(0xD9, 0xC2, 0x3B), QColor(0xFC, 0x8D, 0x59),
                                 QColor(0xE3, 0x4A, 0x33), QColor(0xB3, 0x00, 0x00)};
  constexpr int n = static_cast<int>(std::size(stops));
  const double x = std::clamp(t, 0.0, 1.0) * (n - 1);
  const int i = std::min(static_cast<int>(x), n - 2);
  const double f = x - i;
  auto mix = [f](int a, int b) { return static_cast<int>(std::lround(a + f * (b - a))); };
  return QColor(mix(stops[i].red(), stops[i + 1].red()), mix(stops[i].green(), stops[i + 1].green()),
                mix(stops[i].blue(), stops[i + 1].blue()));
}

Colouring colourSongs(const std::vector<library::SongRecord>& songs, ColourBy by) {
  switch (by) {
    case ColourBy::Genre: return byGenre(songs);
    case ColourBy::Uncertainty: return byUncertainty(songs);
    default: return byQuadrant(songs);
  }
}

}  // namespace mp::ui
