#include "ui/mood_plane_widget.h"

#include "ui/covariance_ellipse.h"

#include <QFileInfo>
#include <QMouseEvent>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <limits>

namespace mp::ui {

namespace {

constexpr double kHoverRadiusPx = 8.0;
constexpr int kEllipseSegments = 32;
constexpr std::size_t kMaxHighlightedEllipses = 500;
constexpr std::size_t kAntialiasLimit = 3000;  // more points than this: draw without antialiasing
const double kNaN = std::numeric_limits<double>::quiet_NaN();

QString displayTitle(const library::SongRecord& song) {
  if (!song.tags.title.empty()) return QString::fromStdString(song.tags.title);
  return QFileInfo(QString::fromStdString(song.path)).fileName();
}

void appendRegionOutline(const library::Region& region, QVector<QCPCurveData>& out) {
  double t = 0;
  auto add = [&](double x, double y) { out.append(QCPCurveData(t++, x, y)); };
  if (const auto* r = std::get_if<library::RectRegion>(&region)) {
    add(r->v0, r->a0), add(r->v1, r->a0), add(r->v1, r->a1), add(r->v0, r->a1), add(r->v0, r->a0);
  } else if (const auto* c = std::get_if<library::CircleRegion>(&region)) {
    constexpr int n = 96;
    for (int i = 0; i <= n; ++i) {
      const double phi = 2.0 * M_PI * (i % n) / n;
      add(c->v + c->radius * std::cos(phi), c->a + c->radius * std::sin(phi));
    }
  } else if (const auto* p = std::get_if<library::PolygonRegion>(&region)) {
    for (const auto& [x, y] : p->vertices) add(x, y);
    if (!p->vertices.empty()) add(p->vertices.front().first, p->vertices.front().second);
  }
}

}  // namespace

MoodPlaneWidget::MoodPlaneWidget(QWidget* parent) : QCustomPlot(parent) {
  setPlottingHint(QCP::phFastPolylines, true);
  setPlottingHint(QCP::phCacheLabels, true);
  setInteractions(QCP::iRangeZoom);
  axisRect()->setRangeZoom(Qt::Horizontal | Qt::Vertical);
  axisRect()->setRangeZoomFactor(0.85);
  setMouseTracking(true);
  setMinimumSize(200, 200);

  // Layers, bottom to top: background, grid (quadrant lines/labels), region, ellipses, main
  // (points), highlight (hover/selection/playing; buffered so it repaints alone), axes, legend.
  addLayer(QStringLiteral("mp_region"), layer(QStringLiteral("main")), limBelow);
  addLayer(QStringLiteral("mp_ellipses"), layer(QStringLiteral("main")), limBelow);
  addLayer(QStringLiteral("mp_highlight"), layer(QStringLiteral("main")), limAbove);
  layer(QStringLiteral("mp_highlight"))->setMode(QCPLayer::lmBuffered);

  auto makeCurve = [this](const QString& layerName) {
    auto* curve = new QCPCurve(xAxis, yAxis);  // owned by the plot
    curve->setLayer(layerName);
    curve->removeFromLegend();
    curve->setSelectable(QCP::stNone);
    return curve;
  };
  auto makeGraph = [this](const QString& layerName) {
    QCPGraph* graph = addGraph();
    graph->setLayer(layerName);
    graph->removeFromLegend();
    graph->setLineStyle(QCPGraph::lsNone);
    graph->setSelectable(QCP::stNone);
    return graph;
  };
  regionCurve_ = makeCurve(QStringLiteral("mp_region"));
  ratingLines_ = makeCurve(QStringLiteral("main"));
  ratingGraph_ = makeGraph(QStringLiteral("main"));
  ratingGraph_->setName(tr("Your rating"));
  highlightEllipses_ = makeCurve(QStringLiteral("mp_highlight"));
  selectedGraph_ = makeGraph(QStringLiteral("mp_highlight"));
  hoverGraph_ = makeGraph(QStringLiteral("mp_highlight"));
  playingGraph_ = makeGraph(QStringLiteral("mp_highlight"));
  ratingDragLine_ = makeCurve(QStringLiteral("mp_highlight"));
  ratingDragGraph_ = makeGraph(QStringLiteral("mp_highlight"));

  setUpAxes();
  applyPalette();
  resetView();
}

void MoodPlaneWidget::setUpAxes() {
  xAxis->setLabel(tr("Valence  (negative → positive)"));
  yAxis->setLabel(tr("Arousal  (calm → energetic)"));
  xAxis2->setVisible(false);
  yAxis2->setVisible(false);
  xAxis->grid()->setSubGridVisible(false);

  for (int i = 0; i < 2; ++i) {
    auto* line = new QCPItemStraightLine(this);  // owned by the plot
    line->setLayer(QStringLiteral("grid"));
    line->setSelectable(false);
    line->point1->setCoords(i == 0 ? 0.5 : 0.0, i == 0 ? 0.0 : 0.5);
    line->point2->setCoords(i == 0 ? 0.5 : 1.0, i == 0 ? 1.0 : 0.5);
    quadrantLines_.push_back(line);
  }
  struct Corner {
    double x, y;
    Qt::Alignment align;
    int quadrant;
  };
  const Corner corners[] = {{0.99, 0.99, Qt::AlignRight | Qt::AlignTop, 0},
                            {0.01, 0.99, Qt::AlignLeft | Qt::AlignTop, 1},
                            {0.01, 0.01, Qt::AlignLeft | Qt::AlignBottom, 2},
                            {0.99, 0.01, Qt::AlignRight | Qt::AlignBottom, 3}};
  for (const Corner& c : corners) {
    auto* label = new QCPItemText(this);  // owned by the plot
    label->setLayer(QStringLiteral("grid"));
    label->setSelectable(false);
    label->position->setCoords(c.x, c.y);
    label->setPositionAlignment(c.align);
    label->setText(quadrantName(c.quadrant).toLower());
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.15);
    font.setItalic(true);
    label->setFont(font);
    quadrantLabels_.push_back(label);
  }

  // Legend outside the plane, to the right, vertically centred.
  auto* side = sideGrid_ = new QCPLayoutGrid;  // owned by the layout
  plotLayout()->addElement(0, 1, side);
  axisRect()->insetLayout()->take(legend);
  side->addElement(0, 0, new QCPLayoutElement(this));
  side->addElement(1, 0, legend);
  colourScale_ = new QCPColorScale(this);
  colourScale_->setType(QCPAxis::atRight);
  colourScale_->setBarWidth(12);
  colourScale_->setLabel(tr("uncertainty σ"));
  colourScale_->setVisible(false);
  {
    QCPColorGradient ramp;
    ramp.clearColorStops();
    for (int i = 0; i <= 10; ++i) ramp.setColorStopAt(i / 10.0, uncertaintyColour(i / 10.0));
    colourScale_->setGradient(ramp);
  }
  side->addElement(2, 0, colourScale_);
  side->addElement(3, 0, new QCPLayoutElement(this));
  side->setRowStretchFactors({1.0, 0.01, 0.01, 1.0});
  plotLayout()->setColumnStretchFactor(1, 0.001);
  legend->setVisible(true);
  legend->setIconSize(QSize(14, 14));
}

void MoodPlaneWidget::applyPalette() {
  const QPalette pal = palette();
  const QColor base = pal.color(QPalette::Base);
  const QColor text = pal.color(QPalette::Text);
  QColor faint = text;
  faint.setAlphaF(0.15f);
  QColor soft = text;
  soft.setAlphaF(0.45f);
  setBackground(QBrush(pal.color(QPalette::Window)));
  axisRect()->setBackground(QBrush(base));
  for (QCPAxis* axis : {xAxis, yAxis}) {
    axis->setBasePen(QPen(text, 1));
    axis->setTickPen(QPen(text, 1));
    axis->setSubTickPen(QPen(text, 1));
    axis->setLabelColor(text);
    axis->setTickLabelColor(text);
    axis->grid()->setPen(QPen(faint, 1, Qt::DotLine));
    axis->grid()->setZeroLinePen(Qt::NoPen);
  }
  for (auto* line : quadrantLines_) line->setPen(QPen(soft, 1.5, Qt::DashLine));
  for (auto* label : quadrantLabels_) label->setColor(soft);
  colourScale_->axis()->setBasePen(QPen(text, 1));
  colourScale_->axis()->setTickPen(QPen(text, 1));
  colourScale_->axis()->setSubTickPen(QPen(text, 1));
  colourScale_->axis()->setTickLabelColor(text);
  colourScale_->axis()->setLabelColor(text);
  legend->setBrush(QBrush(base));
  legend->setBorderPen(QPen(faint));
  legend->setTextColor(text);

  const QColor highlight = pal.color(QPalette::Highlight);
  QColor fill = highlight;
  fill.setAlphaF(0.18f);
  regionCurve_->setPen(QPen(highlight, 2));
  regionCurve_->setBrush(QBrush(fill));
  ratingGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(text, 1.6),
                                                Qt::NoBrush, 10));
  ratingLines_->setPen(QPen(soft, 1.2, Qt::DashLine));
  ratingLines_->setLineStyle(QCPCurve::lsLine);
  highlightEllipses_->setPen(QPen(text, 1.5));
  selectedGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(highlight, 2.5),
                                                  Qt::NoBrush, 14));
  hoverGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(text, 1.5),
                                               Qt::NoBrush, 12));
  ratingDragGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(highlight, 2.5),
                                                    Qt::NoBrush, 12));
  ratingDragLine_->setPen(QPen(highlight, 1.5, Qt::DashLine));
  ratingDragLine_->setLineStyle(QCPCurve::lsLine);
  playingGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssStar,
                                                 QPen(QColor(0xC0, 0x26, 0xD3), 2.5),
                                                 Qt::NoBrush, 20));
}

void MoodPlaneWidget::changeEvent(QEvent* event) {
  QCustomPlot::changeEvent(event);
  if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
    applyPalette();
    replot(rpQueuedReplot);
  }
}

void MoodPlaneWidget::setLibrary(SnapshotPtr library) {
  if (animation_) {
    animation_->stop();
    animation_->deleteLater();
    animation_ = nullptr;
    animationFrom_.clear();
    animationT_ = 1.0;
  }
  library_ = std::move(library);
  hovered_ = 0;
  QList<qint64> kept;
  for (qint64 id : selected_)
    if (library_ && library_->find(id)) kept.append(id);
  selected_ = kept;
  if (playing_ != 0 && !(library_ && library_->find(playing_))) playing_ = 0;
  rebuildPoints();
}

void MoodPlaneWidget::animateTo(SnapshotPtr library, int ms) {
  QHash<qint64, QPointF> from;
  if (library_)
    for (const auto& song : library_->songs)
      if (song.prediction) from.insert(song.id, shownAt(song));
  setLibrary(std::move(library));  // stops a running animation; draws the final state
  if (ms <= 0 || from.isEmpty()) {
    Q_EMIT animationFinished();
    return;
  }
  animationFrom_ = std::move(from);
  animation_ = new QVariantAnimation(this);
  animation_->setDuration(ms);
  animation_->setStartValue(0.0);
  animation_->setEndValue(1.0);
  animation_->setEasingCurve(QEasingCurve::InOutCubic);
  connect(animation_, &QVariantAnimation::valueChanged, this,
          [this](const QVariant& value) { updateAnimatedPoints(value.toDouble()); });
  connect(animation_, &QVariantAnimation::finished, this, [this] {
    animation_->deleteLater();
    animation_ = nullptr;
    animationFrom_.clear();
    animationT_ = 1.0;
    rebuildPoints();  // final positions, hover grid and ellipses
    Q_EMIT animationFinished();
  });
  rebuildEllipses();  // hidden while points move
  updateAnimatedPoints(0.0);
  animation_->start();
}

QPointF MoodPlaneWidget::shownAt(const library::SongRecord& song) const {
  const QPointF to(song.prediction->valence, song.prediction->arousal);
  if (animationT_ >= 1.0) return to;
  const auto it = animationFrom_.constFind(song.id);
  if (it == animationFrom_.constEnd()) return to;
  return *it + (to - *it) * animationT_;
}

void MoodPlaneWidget::updateAnimatedPoints(double t) {
  if (!library_) return;
  animationT_ = t;
  const auto& songs = library_->songs;
  std::vector<QVector<double>> keys(classGraphs_.size()), values(classGraphs_.size());
  for (std::size_t k = 0; k < plotIndex_.size(); ++k) {
    const auto& song = songs[plotIndex_[k]];
    const QPointF p = shownAt(song);
    xs_[k] = p.x();
    ys_[k] = p.y();
    const int g = graphOfClass_[static_cast<std::size_t>(colouring_.classOf[plotIndex_[k]])];
    keys[static_cast<std::size_t>(g)].append(p.x());
    values[static_cast<std::size_t>(g)].append(p.y());
  }
  for (std::size_t g = 0; g < classGraphs_.size(); ++g) classGraphs_[g]->setData(keys[g], values[g], true);
  QVector<QCPCurveData> lines;
  double n = 0;
  for (const auto& song : songs) {
    if (!song.rating || !song.prediction) continue;
    const QPointF p = shownAt(song);
    lines.append(QCPCurveData(n++, p.x(), p.y()));
    lines.append(QCPCurveData(n++, song.rating->valence, song.rating->arousal));
    lines.append(QCPCurveData(n++, kNaN, kNaN));
  }
  ratingLines_->data()->set(lines, true);
  rebuildOverlay();
  replot(rpQueuedReplot);
}

std::optional<QPointF> MoodPlaneWidget::drawnPosition(qint64 id) const {
  const auto* song = library_ ? library_->find(id) : nullptr;
  if (!song || !song->prediction) return std::nullopt;
  return shownAt(*song);
}

std::optional<QPointF> MoodPlaneWidget::ratingMarkerOf(qint64 id) const {
  const auto* song = library_ ? library_->find(id) : nullptr;
  if (!song || !song->rating) return std::nullopt;
  return QPointF(song->rating->valence, song->rating->arousal);
}

std::optional<qint64> MoodPlaneWidget::ratingAt(const QPointF& pixel) const {
  if (!library_) return std::nullopt;
  double best = kHoverRadiusPx * kHoverRadiusPx;
  std::optional<qint64> found;
  for (const auto& song : library_->songs) {
    if (!song.rating) continue;
    const QPointF d = pixelFor(song.rating->valence, song.rating->arousal) - pixel;
    const double d2 = d.x() * d.x() + d.y() * d.y();
    if (d2 <= best) best = d2, found = song.id;
  }
  return found;
}

void MoodPlaneWidget::setRatingMode(bool on) {
  ratingMode_ = on;
  if (!on && drag_ == Drag::Rate) {
    drag_ = Drag::None;
    drawRatingDrag({});
  }
}

void MoodPlaneWidget::drawRatingDrag(const QPointF& pixel) {
  QVector<double> x, y;
  QVector<QCPCurveData> line;
  const auto* song = library_ && drag_ == Drag::Rate ? library_->find(ratingDragSong_) : nullptr;
  if (song) {
    const QPointF p = planeAt(pixel);
    const double v = std::clamp(p.x(), 0.0, 1.0), a = std::clamp(p.y(), 0.0, 1.0);
    x.append(v);
    y.append(a);
    if (song->prediction) {
      const QPointF from = shownAt(*song);
      line.append(QCPCurveData(0, from.x(), from.y()));
      line.append(QCPCurveData(1, v, a));
    }
  }
  ratingDragGraph_->setData(x, y, true);
  ratingDragLine_->data()->set(line, true);
  layer(QStringLiteral("mp_highlight"))->replot();
}

void MoodPlaneWidget::setColourBy(ColourBy by) {
  if (by == colourBy_) return;
  colourBy_ = by;
  rebuildPoints();
}

void MoodPlaneWidget::setEllipsesVisible(bool visible) {
  if (visible == ellipsesVisible_) return;
  ellipsesVisible_ = visible;
  rebuildEllipses();
  replot();
}

void MoodPlaneWidget::setTwoSigma(bool on) {
  if (on == twoSigma_) return;
  twoSigma_ = on;
  rebuildEllipses();
  rebuildOverlay();
  replot();
}

void MoodPlaneWidget::rebuildPoints() {
  for (QCPGraph* g : classGraphs_) removePlottable(g);
  classGraphs_.clear();
  graphOfClass_.clear();
  xs_.clear();
  ys_.clear();
  plotIndex_.clear();
  colouring_ = {};

  QVector<double> ratingX, ratingY;
  QVector<QCPCurveData> ratingLineData;
  if (library_) {
    const auto& songs = library_->songs;
    colouring_ = colourSongs(songs, colourBy_);
    std::vector<QVector<double>> keys(colouring_.classes.size()), values(colouring_.classes.size());
    xs_.reserve(songs.size());
    ys_.reserve(songs.size());
    plotIndex_.reserve(songs.size());
    double t = 0;
    for (std::size_t i = 0; i < songs.size(); ++i) {
      const auto& song = songs[i];
      if (song.prediction && colouring_.classOf[i] >= 0) {
        const QPointF p = shownAt(song);
        xs_.push_back(p.x());
        ys_.push_back(p.y());
        plotIndex_.push_back(i);
        keys[colouring_.classOf[i]].append(p.x());
        values[colouring_.classOf[i]].append(p.y());
      }
      if (song.rating) {
        ratingX.append(song.rating->valence);
        ratingY.append(song.rating->arousal);
        if (song.prediction) {
          const QPointF p = shownAt(song);
          ratingLineData.append(QCPCurveData(t++, p.x(), p.y()));
          ratingLineData.append(QCPCurveData(t++, song.rating->valence, song.rating->arousal));
          ratingLineData.append(QCPCurveData(t++, kNaN, kNaN));
        }
      }
    }
    const bool many = xs_.size() > kAntialiasLimit;
    const double size = many ? 5.0 : 7.0;
    graphOfClass_.assign(colouring_.classes.size(), -1);
    for (std::size_t c = 0; c < colouring_.classes.size(); ++c) {
      if (keys[c].isEmpty()) continue;
      graphOfClass_[c] = static_cast<int>(classGraphs_.size());
      QCPGraph* g = addGraph();
      g->setLayer(QStringLiteral("main"));
      g->setLineStyle(QCPGraph::lsNone);
      g->setSelectable(QCP::stNone);
      QColor edge = colouring_.classes[c].colour.darker(130);
      g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QPen(edge, 0.8),
                                         QBrush(colouring_.classes[c].colour), size));
      g->setName(QStringLiteral("%1 (%2)").arg(colouring_.classes[c].label).arg(keys[c].size()));
      g->setData(keys[c], values[c], false);
      if (colouring_.continuousRange) g->removeFromLegend();  // the colour bar explains them
      classGraphs_.push_back(g);
    }
    if (many) {
      setNotAntialiasedElements(QCP::aeScatters | QCP::aePlottables);
    } else {
      setNotAntialiasedElements(QCP::aeNone);
      setAntialiasedElements(QCP::aeScatters | QCP::aePlottables | QCP::aeItems);
    }
  }
  const bool bar = colouring_.continuousRange.has_value();
  colourScale_->setVisible(bar);
  colourScale_->setMinimumSize(0, bar ? fontMetrics().height() * 12 : 0);
  sideGrid_->setRowStretchFactors({1.0, 0.01, bar ? 1.0 : 0.001, 1.0});
  if (colouring_.continuousRange)
    colourScale_->setDataRange(QCPRange(colouring_.continuousRange->first, colouring_.continuousRange->second));
  ratingGraph_->setData(ratingX, ratingY, false);
  ratingLines_->data()->set(ratingLineData, true);
  if (ratingX.isEmpty()) ratingGraph_->removeFromLegend();
  else if (!legend->hasItemWithPlottable(ratingGraph_)) ratingGraph_->addToLegend();

  grid_.build(xs_, ys_);
  rebuildEllipses();
  rebuildOverlay();
  replot();
}

void MoodPlaneWidget::rebuildEllipses() {
  for (QCPCurve* c : ellipseCurves_) removePlottable(c);
  ellipseCurves_.clear();
  ellipseCount_ = 0;
  if (!ellipsesVisible_ || !library_ || animation_) return;  // redrawn when an animation ends
  const auto& songs = library_->songs;
  std::vector<QVector<QCPCurveData>> perClass(colouring_.classes.size());
  std::vector<double> ex, ey;
  for (std::size_t k = 0; k < plotIndex_.size(); ++k) {
    const std::size_t i = plotIndex_[k];
    const int cls = colouring_.classOf[i];
    auto& d = perClass[cls];
    for (double sigma : {1.0, 2.0}) {
      if (sigma > 1.0 && !twoSigma_) break;
      ex.clear();
      ey.clear();
      appendEllipse(*songs[i].prediction, sigma, kEllipseSegments, ex, ey);
      double t = d.size();
      for (std::size_t j = 0; j < ex.size(); ++j) d.append(QCPCurveData(t++, ex[j], ey[j]));
      d.append(QCPCurveData(t, kNaN, kNaN));
    }
    ++ellipseCount_;
  }
  for (std::size_t c = 0; c < perClass.size(); ++c) {
    if (perClass[c].isEmpty()) continue;
    auto* curve = new QCPCurve(xAxis, yAxis);  // owned by the plot
    curve->setLayer(QStringLiteral("mp_ellipses"));
    curve->removeFromLegend();
    curve->setSelectable(QCP::stNone);
    QColor colour = colouring_.classes[c].colour;
    colour.setAlphaF(plotIndex_.size() > kAntialiasLimit ? 0.25f : 0.5f);
    curve->setPen(QPen(colour, 1));
    curve->data()->set(perClass[c], true);
    ellipseCurves_.push_back(curve);
  }
}

void MoodPlaneWidget::rebuildOverlay() {
  QVector<double> sx, sy, hx, hy, px, py;
  QVector<QCPCurveData> ellipses;
  std::vector<double> ex, ey;
  std::size_t drawn = 0;
  auto addEllipse = [&](const library::MoodEstimate& e) {
    if (drawn++ >= kMaxHighlightedEllipses) return;
    for (double sigma : {1.0, 2.0}) {
      if (sigma > 1.0 && !twoSigma_) break;
      ex.clear();
      ey.clear();
      appendEllipse(e, sigma, kEllipseSegments * 2, ex, ey);
      double t = ellipses.size();
      for (std::size_t j = 0; j < ex.size(); ++j) ellipses.append(QCPCurveData(t++, ex[j], ey[j]));
      ellipses.append(QCPCurveData(t, kNaN, kNaN));
    }
  };
  if (library_) {
    for (qint64 id : selected_) {
      if (const auto* song = library_->find(id); song && song->prediction) {
        const QPointF p = shownAt(*song);
        sx.append(p.x());
        sy.append(p.y());
        if (!animation_) addEllipse(*song->prediction);
      }
    }
    if (const auto* song = library_->find(hovered_); song && song->prediction) {
      const QPointF p = shownAt(*song);
      hx.append(p.x());
      hy.append(p.y());
      if (!selected_.contains(hovered_) && !animation_) addEllipse(*song->prediction);
    }
    if (const auto* song = library_->find(playing_); song && song->prediction) {
      const QPointF p = shownAt(*song);
      px.append(p.x());
      py.append(p.y());
      if (!selected_.contains(playing_) && playing_ != hovered_ && !animation_)
        addEllipse(*song->prediction);
    }
  }
  selectedGraph_->setData(sx, sy, false);
  hoverGraph_->setData(hx, hy, true);
  playingGraph_->setData(px, py, true);
  highlightEllipses_->data()->set(ellipses, true);
}

void MoodPlaneWidget::drawRegion() {
  QVector<QCPCurveData> outline;
  if (region_) appendRegionOutline(*region_, outline);
  regionCurve_->data()->set(outline, true);
}

void MoodPlaneWidget::setRegion(const library::Region& region) {
  region_ = region;
  drawRegion();
  replot(rpQueuedReplot);
  emitRegion();
}

void MoodPlaneWidget::clearRegion() {
  const bool had = region_.has_value();
  region_.reset();
  drawRegion();
  replot(rpQueuedReplot);
  if (had) Q_EMIT regionCleared();
}

void MoodPlaneWidget::emitRegion() {
  if (region_) Q_EMIT regionChanged(*region_);
}

void MoodPlaneWidget::setSelectedSongs(const QList<qint64>& ids) {
  if (ids == selected_) return;
  selected_ = ids;
  rebuildOverlay();
  layer(QStringLiteral("mp_highlight"))->replot();
}

void MoodPlaneWidget::setPlayingSong(qint64 id) {
  if (id == playing_) return;
  playing_ = id;
  rebuildOverlay();
  layer(QStringLiteral("mp_highlight"))->replot();
}

void MoodPlaneWidget::zoomBy(double factor) {
  if (!(factor > 0)) return;
  xAxis->scaleRange(1.0 / factor, xAxis->range().center());
  yAxis->scaleRange(1.0 / factor, yAxis->range().center());
  replot();
}

void MoodPlaneWidget::resetView() {
  xAxis->setRange(-0.03, 1.03);
  yAxis->setRange(-0.03, 1.03);
  fitAspect();
  replot();
}

void MoodPlaneWidget::fitAspect() {
  // Equal pixels per unit on both axes, so circles and ellipses are drawn undistorted; the
  // shorter side keeps its range and the longer one widens around its centre.
  const QRect r = axisRect()->rect();
  if (r.width() <= 0 || r.height() <= 0) return;
  const QCPRange xr = xAxis->range(), yr = yAxis->range();
  const double ppx = r.width() / xr.size(), ppy = r.height() / yr.size();
  if (ppx > ppy) {
    const double w = r.width() / ppy;
    xAxis->setRange(xr.center() - w / 2, xr.center() + w / 2);
  } else {
    const double h = r.height() / ppx;
    yAxis->setRange(yr.center() - h / 2, yr.center() + h / 2);
  }
}

void MoodPlaneWidget::resizeEvent(QResizeEvent* event) {
  // Shrink back to the requested extent ([0,1] plus margin, or the zoomed view) before fitting.
  const QCPRange xr = xAxis->range(), yr = yAxis->range();
  const double extent = std::min(xr.size(), yr.size());
  xAxis->setRange(xr.center() - extent / 2, xr.center() + extent / 2);
  yAxis->setRange(yr.center() - extent / 2, yr.center() + extent / 2);
  QCustomPlot::resizeEvent(event);
  updateLayout();
  fitAspect();
  replot(rpQueuedReplot);
}

QPointF MoodPlaneWidget::pixelFor(double v, double a) const {
  return {xAxis->coordToPixel(v), yAxis->coordToPixel(a)};
}

QPointF MoodPlaneWidget::planeAt(const QPointF& pixel) const {
  return {xAxis->pixelToCoord(pixel.x()), yAxis->pixelToCoord(pixel.y())};
}

std::optional<qint64> MoodPlaneWidget::songAt(const QPointF& pixel) const {
  if (!library_ || plotIndex_.empty()) return std::nullopt;
  const QPointF p = planeAt(pixel);
  const double rx = std::abs(xAxis->pixelToCoord(pixel.x() + kHoverRadiusPx) - p.x());
  const double ry = std::abs(yAxis->pixelToCoord(pixel.y() + kHoverRadiusPx) - p.y());
  const auto k = grid_.nearest(p.x(), p.y(), rx, ry);
  if (!k) return std::nullopt;
  return library_->songs[plotIndex_[*k]].id;
}

std::size_t MoodPlaneWidget::plottedPointCount() const {
  std::size_t n = 0;
  for (const QCPGraph* g : classGraphs_) n += static_cast<std::size_t>(g->dataCount());
  return n;
}

QString MoodPlaneWidget::tooltipFor(const library::SongRecord& song) const {
  QString text = QStringLiteral("<b>%1</b>").arg(displayTitle(song).toHtmlEscaped());
  if (!song.tags.artist.empty())
    text += QStringLiteral("<br>%1").arg(QString::fromStdString(song.tags.artist).toHtmlEscaped());
  if (song.prediction) {
    const auto& p = *song.prediction;
    text += tr("<br>valence %1 ± %2<br>arousal %3 ± %4")
                .arg(p.valence, 0, 'f', 2)
                .arg(std::sqrt(std::max(0.0, p.covVV)), 0, 'f', 2)
                .arg(p.arousal, 0, 'f', 2)
                .arg(std::sqrt(std::max(0.0, p.covAA)), 0, 'f', 2);
  }
  if (song.rating)
    text += tr("<br>your rating (%1, %2)")
                .arg(song.rating->valence, 0, 'f', 2)
                .arg(song.rating->arousal, 0, 'f', 2);
  return text;
}

void MoodPlaneWidget::updateHover(const QPointF& pixel, const QPoint& globalPos) {
  const qint64 id = songAt(pixel).value_or(0);
  if (id == hovered_) return;
  hovered_ = id;
  rebuildOverlay();
  layer(QStringLiteral("mp_highlight"))->replot();
  if (const auto* song = library_ ? library_->find(id) : nullptr)
    QToolTip::showText(globalPos, tooltipFor(*song), this);
  else
    QToolTip::hideText();
  Q_EMIT songHovered(id);
}

void MoodPlaneWidget::mousePressEvent(QMouseEvent* event) {
  const bool pan = event->button() == Qt::MiddleButton ||
                   (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier));
  pressPixel_ = event->position();
  moved_ = false;
  if (pan) {
    drag_ = Drag::Pan;
    panX_ = xAxis->range();
    panY_ = yAxis->range();
    setCursor(Qt::ClosedHandCursor);
    event->accept();
    return;
  }
  if (event->button() == Qt::LeftButton && ratingMode_) {
    // The nearer of a prediction point and a rating ring under the cursor.
    const auto point = songAt(pressPixel_);
    const auto ring = ratingAt(pressPixel_);
    auto distance = [this](const std::optional<QPointF>& p) {
      if (!p) return std::numeric_limits<double>::infinity();
      const QPointF d = pixelFor(p->x(), p->y()) - pressPixel_;
      return std::hypot(d.x(), d.y());
    };
    std::optional<qint64> hit = point;
    if (ring && (!point || distance(ratingMarkerOf(*ring)) < distance(drawnPosition(*point)))) hit = ring;
    if (hit) {
      drag_ = Drag::Rate;
      ratingDragSong_ = *hit;
      pressPlane_ = planeAt(pressPixel_);
      setCursor(Qt::DragMoveCursor);
      event->accept();
      return;
    }
  }
  if (event->button() == Qt::LeftButton) {
    drag_ = Drag::Region;
    pressPlane_ = planeAt(pressPixel_);
    lasso_.assign(1, {pressPlane_.x(), pressPlane_.y()});
    event->accept();
    return;
  }
  QCustomPlot::mousePressEvent(event);
}

void MoodPlaneWidget::mouseMoveEvent(QMouseEvent* event) {
  const QPointF pos = event->position();
  if (drag_ == Drag::None) {
    updateHover(pos, event->globalPosition().toPoint());
    return;
  }
  if (!moved_ && (pos - pressPixel_).manhattanLength() < 4) return;
  moved_ = true;
  if (drag_ == Drag::Rate) {
    drawRatingDrag(pos);
    return;
  }
  if (drag_ == Drag::Pan) {
    const QRect r = axisRect()->rect();
    const double dx = (pos.x() - pressPixel_.x()) * panX_.size() / std::max(1, r.width());
    const double dy = (pos.y() - pressPixel_.y()) * panY_.size() / std::max(1, r.height());
    xAxis->setRange(panX_.lower - dx, panX_.upper - dx);
    yAxis->setRange(panY_.lower + dy, panY_.upper + dy);
    replot(rpQueuedReplot);
    return;
  }
  const QPointF p = planeAt(pos);
  switch (tool_) {
    case RegionTool::Rectangle:
      region_ = library::RectRegion{pressPlane_.x(), pressPlane_.y(), p.x(), p.y()};
      break;
    case RegionTool::Circle:
      region_ = library::CircleRegion{pressPlane_.x(), pressPlane_.y(),
                                      std::hypot(p.x() - pressPlane_.x(), p.y() - pressPlane_.y())};
      break;
    case RegionTool::Lasso: {
      const auto& last = lasso_.back();
      if ((pixelFor(last.first, last.second) - pos).manhattanLength() >= 3)
        lasso_.emplace_back(p.x(), p.y());
      if (lasso_.size() < 3) return;
      region_ = library::PolygonRegion{lasso_};
      break;
    }
  }
  drawRegion();
  replot(rpQueuedReplot);
  emitRegion();
}

void MoodPlaneWidget::mouseReleaseEvent(QMouseEvent* event) {
  const Drag drag = drag_;
  drag_ = Drag::None;
  if (drag == Drag::Pan) {
    unsetCursor();
    return;
  }
  if (drag == Drag::Rate) {
    unsetCursor();
    drawRatingDrag({});  // drag_ is None: clears the drag marker
    if (moved_) {
      const QPointF p = planeAt(event->position());
      Q_EMIT songRated(ratingDragSong_, std::clamp(p.x(), 0.0, 1.0), std::clamp(p.y(), 0.0, 1.0));
      return;
    }
    // Not moved: an ordinary click (selects the song).
  } else if (drag != Drag::Region) {
    QCustomPlot::mouseReleaseEvent(event);
    return;
  }
  if (moved_) return;  // the region was emitted while dragging
  // A click: select the song under the cursor, or (circle tool) drop a circle there.
  if (const auto hit = songAt(event->position())) {
    if (event->modifiers() & Qt::ControlModifier) {
      if (!selected_.removeOne(*hit)) selected_.append(*hit);
    } else {
      selected_ = {*hit};
    }
    rebuildOverlay();
    layer(QStringLiteral("mp_highlight"))->replot();
    Q_EMIT selectionChanged(selected_);
    return;
  }
  if (tool_ == RegionTool::Circle) {
    setRegion(library::CircleRegion{pressPlane_.x(), pressPlane_.y(), circleRadius_});
    return;
  }
  if (!selected_.isEmpty()) {
    selected_.clear();
    rebuildOverlay();
    layer(QStringLiteral("mp_highlight"))->replot();
    Q_EMIT selectionChanged(selected_);
  }
}

void MoodPlaneWidget::mouseDoubleClickEvent(QMouseEvent* event) {
  if (const auto hit = songAt(event->position())) Q_EMIT songActivated(*hit);
}

void MoodPlaneWidget::leaveEvent(QEvent* event) {
  QCustomPlot::leaveEvent(event);
  if (hovered_ != 0) {
    hovered_ = 0;
    rebuildOverlay();
    layer(QStringLiteral("mp_highlight"))->replot();
    Q_EMIT songHovered(0);
  }
}

}  // namespace mp::ui
