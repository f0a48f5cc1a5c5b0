#pragma once
// The valence x arousal plane: one point per analysed song, coloured by quadrant / genre /
// uncertainty, rotated covariance ellipses, ratings, hover, selection, zoom, pan and region
// selection (rectangle, lasso, circle). Built for 10 000+ songs: one scatter per colour class,
// ellipses as a few NaN-separated curves, a grid for hover lookup, and buffered overlay layers so
// hover and region drags repaint only the overlay.
//
// Mouse: left drag = region (current tool); click on a song = select it (Ctrl toggles);
// click on empty plane = clear selection (circle tool: a circle of the default radius there);
// middle drag or Shift + left drag = pan; wheel = zoom; double click on a song = activate.
// Rating mode (setRatingMode): a left drag that starts on a song (its prediction or its rating
// ring) moves it and, on release, emits songRated with the dropped (v, a) clamped to [0, 1];
// drags on empty plane still draw regions, and clicks still select.
// Retraining: animateTo() moves every point from where it is drawn to the new snapshot's
// predictions over a short animation.

#include "core/library/region.h"
#include "ui/library_snapshot.h"
#include "ui/plane_spatial_index.h"
#include "ui/song_colouring.h"

#include "ui/qcustomplot_include.h"

#include <QHash>
#include <QList>
#include <QPointF>
#include <QVariantAnimation>

#include <optional>
#include <vector>

Q_DECLARE_METATYPE(mp::library::Region)

namespace mp::ui {

enum class RegionTool { Rectangle = 0, Lasso = 1, Circle = 2 };

class MoodPlaneWidget : public QCustomPlot {
  Q_OBJECT

 public:
  explicit MoodPlaneWidget(QWidget* parent = nullptr);

  void setLibrary(SnapshotPtr library);
  const SnapshotPtr& library() const { return library_; }

  void setColourBy(ColourBy by);
  ColourBy colourBy() const { return colourBy_; }
  /// Shows every song's 1-sigma ellipse (2-sigma too when twoSigma). Hovered / selected /
  /// playing songs always show theirs.
  void setEllipsesVisible(bool visible);
  bool ellipsesVisible() const { return ellipsesVisible_; }
  void setTwoSigma(bool on);

  void setRegionTool(RegionTool tool) { tool_ = tool; }
  void setRatingMode(bool on);
  bool ratingMode() const { return ratingMode_; }
  RegionTool regionTool() const { return tool_; }
  void setCircleRadius(double radius) { circleRadius_ = radius; }
  /// Shows `region` and emits regionChanged (e.g. restoring a region from the command line).
  void setRegion(const library::Region& region);
  void clearRegion();
  const std::optional<library::Region>& region() const { return region_; }

  /// Selection by song id; does not emit selectionChanged (it is the sync entry point).
  void setSelectedSongs(const QList<qint64>& ids);
  const QList<qint64>& selectedSongs() const { return selected_; }
  void setPlayingSong(qint64 id);  ///< 0 = none

  /// Shows `library` with every point moving from its currently drawn position to its new
  /// prediction over `ms` (songs that were not drawn appear at once).
  void animateTo(SnapshotPtr library, int ms = 600);
  bool animating() const { return animation_ != nullptr; }

  void zoomBy(double factor);  ///< > 1 zooms in, around the view centre
  void resetView();

  // Introspection (tests, benchmarks).
  std::size_t plottedPointCount() const;  ///< points in the scatter graphs
  std::size_t ellipseCount() const { return ellipseCount_; }
  int colourClassCount() const { return static_cast<int>(classGraphs_.size()); }
  /// The colour bar of continuous colourings (uncertainty); hidden otherwise.
  const QCPColorScale* colourScale() const { return colourScale_; }
  /// The song under a widget pixel (within the hover radius), if any.
  std::optional<qint64> songAt(const QPointF& pixel) const;
  QPointF pixelFor(double valence, double arousal) const;
  QPointF planeAt(const QPointF& pixel) const;
  qint64 hoveredSong() const { return hovered_; }
  /// Where a song's point is drawn right now (mid-animation: between old and new), if drawn.
  std::optional<QPointF> drawnPosition(qint64 id) const;
  /// Rating rings drawn (one per rated song in the snapshot).
  int ratingMarkerCount() const { return ratingGraph_->dataCount(); }
  /// Where a song's rating ring is drawn, if it has one.
  std::optional<QPointF> ratingMarkerOf(qint64 id) const;

 Q_SIGNALS:
  void regionChanged(const mp::library::Region& region);  ///< live while dragging
  void regionCleared();
  void selectionChanged(const QList<qint64>& ids);
  void songHovered(qint64 id);    ///< 0 when the cursor leaves a song
  void songActivated(qint64 id);  ///< double click
  /// Rating mode: the listener dropped song `id` at (valence, arousal).
  void songRated(qint64 id, double valence, double arousal);
  void animationFinished();

 protected:
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void leaveEvent(QEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void changeEvent(QEvent* event) override;

 private:
  void setUpAxes();
  void applyPalette();
  void rebuildPoints();
  void updateAnimatedPoints(double t);
  /// Where a song with a prediction is drawn: its prediction, or mid-animation between the
  /// position it was drawn at and its prediction.
  QPointF shownAt(const library::SongRecord& song) const;
  void drawRatingDrag(const QPointF& pixel);
  /// The rated song whose ring is under `pixel`, if any (ratings are few: a linear scan).
  std::optional<qint64> ratingAt(const QPointF& pixel) const;
  void rebuildEllipses();
  void rebuildOverlay();
  void drawRegion();
  void fitAspect();
  void emitRegion();
  void updateHover(const QPointF& pixel, const QPoint& globalPos);
  QString tooltipFor(const library::SongRecord& song) const;

  SnapshotPtr library_;
  ColourBy colourBy_ = ColourBy::Quadrant;
  bool ellipsesVisible_ = false;
  bool twoSigma_ = false;
  RegionTool tool_ = RegionTool::Rectangle;
  double circleRadius_ = 0.1;

  // Plotted songs: plane coordinates and the snapshot index of each.
  std::vector<double> xs_, ys_;
  std::vector<std::size_t> plotIndex_;
  PlaneSpatialIndex grid_;
  Colouring colouring_;

  std::vector<QCPGraph*> classGraphs_;     // owned by the plot
  std::vector<int> graphOfClass_;          // colour class -> index in classGraphs_ (-1: none)
  std::vector<QCPCurve*> ellipseCurves_;   // owned by the plot
  std::size_t ellipseCount_ = 0;
  QCPGraph* ratingGraph_ = nullptr;
  QCPCurve* ratingLines_ = nullptr;
  QCPCurve* regionCurve_ = nullptr;
  QCPCurve* highlightEllipses_ = nullptr;
  QCPGraph* selectedGraph_ = nullptr;
  QCPGraph* hoverGraph_ = nullptr;
  QCPGraph* playingGraph_ = nullptr;
  QCPColorScale* colourScale_ = nullptr;  // owned by the layout
  QCPLayoutGrid* sideGrid_ = nullptr;      // legend and colour bar, right of the plane
  std::vector<QCPItemText*> quadrantLabels_;
  std::vector<QCPItemStraightLine*> quadrantLines_;

  QList<qint64> selected_;
  qint64 hovered_ = 0;
  qint64 playing_ = 0;
  std::optional<library::Region> region_;

  bool ratingMode_ = false;
  qint64 ratingDragSong_ = 0;
  QCPGraph* ratingDragGraph_ = nullptr;
  QCPCurve* ratingDragLine_ = nullptr;

  // Retraining animation: where each song was drawn when it began.
  QVariantAnimation* animation_ = nullptr;
  QHash<qint64, QPointF> animationFrom_;
  double animationT_ = 1.0;

  enum class Drag { None, Region, Pan, Rate };
  Drag drag_ = Drag::None;
  QPointF pressPixel_;
  QPointF pressPlane_;
  QCPRange panX_, panY_;
  bool moved_ = false;
  std::vector<std::pair<double, double>> lasso_;
};

}  // namespace mp::ui
