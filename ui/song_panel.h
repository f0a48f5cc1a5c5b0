#pragma once
// Details of one song: tags, duration, predicted (v, a) with sigma_v, sigma_a and correlation rho,
// a small drawing of its 1- and 2-sigma ellipses on the plane, the listener's rating, analysis
// status / failure reason, the model that placed it and file location ("Open containing folder").
// The listener rates the song here too: valence and arousal spin boxes, "Set rating" and
// "Clear rating" (signals; the window stores them through its undo stack).

#include "ui/library_snapshot.h"

#include <QHash>
#include <QWidget>

#include <optional>

class QDoubleSpinBox;
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
  qint64 songId() const { return songId_; }
  /// Names the models shown in the "model" field (e.g. "model 3 · 2026-11-30 05:40"), keyed by
  /// analyser-version prefix ("mood-<file hash>"); versions not matched are shown as they are.
  void setModelNames(QHash<QString, QString> names);
  /// The text shown for a field ("valence", "status", ...), for tests.
  QString fieldText(const QString& field) const;

  QDoubleSpinBox* valenceEditor() const { return valenceEdit_; }
  QDoubleSpinBox* arousalEditor() const { return arousalEdit_; }
  QPushButton* rateButton() const { return rateButton_; }
  QPushButton* clearRatingButton() const { return clearRatingButton_; }

 Q_SIGNALS:
  void ratingRequested(qint64 songId, double valence, double arousal);
  void clearRatingRequested(qint64 songId);

 private:
  QLabel* addField(const QString& key, const QString& label);

  QFormLayout* form_ = nullptr;
  EllipseGlyph* glyph_ = nullptr;
  QPushButton* openFolder_ = nullptr;
  QLabel* placeholder_ = nullptr;
  QWidget* details_ = nullptr;
  QDoubleSpinBox* valenceEdit_ = nullptr;
  QDoubleSpinBox* arousalEdit_ = nullptr;
  QPushButton* rateButton_ = nullptr;
  QPushButton* clearRatingButton_ = nullptr;
  QHash<QString, QString> modelNames_;
  std::string modelVersion_;
  qint64 songId_ = 0;
  QString folder_;
  std::vector<std::pair<QString, QLabel*>> fields_;
};

}  // namespace mp::ui
