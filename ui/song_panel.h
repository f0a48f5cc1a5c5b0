#pragma once
// Details of one song: tags, duration, predicted (v, a) with sigma_v, sigma_a and correlation rho,
// a small drawing of its 1- and 2-sigma ellipses on the plane, the listener's rating, analysis
// status / failure reason, model version and file location ("Open containing folder").

#include "ui/library_snapshot.h"

#include <QWidget>

#include <optional>

class QFormLayout;
class QLabel;
class QPushButton;

namespace mp::ui {

/// The unit plane with quadrant lines and the song's covariance ellipses (vector drawing).
class EllipseGlyph : public QWidget {
  Q_OBJECT

 public:
  explicit EllipseGlyph(QWidget* parent = nullptr);
  void setEstimate(std::optional<library::MoodEstimate> prediction,
                   std::optional<library::MoodEstimate> rating);
  QSize sizeHint() const override;
  bool hasHeightForWidth() const override { return true; }
  int heightForWidth(int width) const override { return width; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  std::optional<library::MoodEstimate> prediction_;
  std::optional<library::MoodEstimate> rating_;
};

class SongPanel : public QWidget {
  Q_OBJECT

 public:
  explicit SongPanel(QWidget* parent = nullptr);
  void setSong(const library::SongRecord* song);  ///< null = nothing selected
  /// The text shown for a field ("valence", "status", ...), for tests.
  QString fieldText(const QString& field) const;

 private:
  QLabel* addField(const QString& key, const QString& label);

  QFormLayout* form_ = nullptr;
  EllipseGlyph* glyph_ = nullptr;
  QPushButton* openFolder_ = nullptr;
  QLabel* placeholder_ = nullptr;
  QWidget* details_ = nullptr;
  QString folder_;
  std::vector<std::pair<QString, QLabel*>> fields_;
};

}  // namespace mp::ui
