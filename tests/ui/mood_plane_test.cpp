// The mood plane: one point per analysed song, hover lookup, ellipse geometry, region tools.
#include "tests/ui/ui_test_support.h"
#include "ui/covariance_ellipse.h"
#include "ui/mood_plane_widget.h"

#include <QCursor>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace mp::ui {
namespace {

using library::MoodEstimate;

std::size_t analysedCount(const std::vector<library::SongRecord>& songs) {
  std::size_t n = 0;
  for (const auto& s : songs) n += s.prediction.has_value();
  return n;
}

struct PlaneFixture : ::testing::Test {
  void SetUp() override {
    test::testApp();
    plane.resize(640, 600);
    plane.show();
    QCoreApplication::processEvents();
    // The cursor is process-wide state that outlives each test's widget, and QTest::mouseMove
    // (no button held) moves it with QCursor::setPos, which sends no event at all when the cursor
    // is already there. Start every test with it outside the plane, so a hover test's move to a
    // song is a real move, even when a previous test (or repetition) left it on that pixel.
    QCursor::setPos(plane.mapToGlobal(QPoint(plane.width() + 50, plane.height() + 50)));
    QCoreApplication::processEvents();
    ASSERT_FALSE(plane.rect().contains(plane.mapFromGlobal(QCursor::pos())));
  }
  test::QtAppGuard app;
  MoodPlaneWidget plane;
};

TEST_F(PlaneFixture, ShowsOnePointPerAnalysedSongInEveryColouring) {
  for (std::size_t n : {0u, 1u, 57u, 1000u}) {
    auto songs = test::syntheticSongs(n);
    const std::size_t expected = analysedCount(songs);
    plane.setLibrary(makeSnapshot(songs));
    for (ColourBy by : {ColourBy::Quadrant, ColourBy::Genre, ColourBy::Uncertainty}) {
      plane.setColourBy(by);
      EXPECT_EQ(plane.plottedPointCount(), expected) << "n=" << n << " colouring " << int(by);
    }
    plane.setColourBy(ColourBy::Quadrant);
  }
}

TEST_F(PlaneFixture, QuadrantColouringHasOneClassPerOccupiedQuadrant) {
  std::vector<library::SongRecord> songs;
  const double corners[][2] = {{0.8, 0.8}, {0.2, 0.9}, {0.1, 0.1}};  // no calm/relaxed song
  for (int i = 0; i < 3; ++i) {
    library::SongRecord s;
    s.id = i + 1;
    s.path = "/x/" + std::to_string(i);
    s.prediction = MoodEstimate{corners[i][0], corners[i][1], 0.01, 0, 0.01};
    songs.push_back(s);
  }
  plane.setLibrary(makeSnapshot(songs));
  EXPECT_EQ(plane.colourClassCount(), 3);
}

TEST_F(PlaneFixture, HoverLookupFindsTheNearestSongWithinTheRadius) {
  auto songs = test::syntheticSongs(3000, 11);
  plane.setLibrary(makeSnapshot(songs));
  plane.replot();
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> px(0, plane.width()), py(0, plane.height());
  int hits = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const QPointF pixel(px(rng), py(rng));
    // Brute force in pixel space (independent of the grid).
    double best = 8.0 * 8.0;
    qint64 bestId = 0;
    for (const auto& s : songs) {
      if (!s.prediction) continue;
      const QPointF p = plane.pixelFor(s.prediction->valence, s.prediction->arousal);
      const double d = (p.x() - pixel.x()) * (p.x() - pixel.x()) + (p.y() - pixel.y()) * (p.y() - pixel.y());
      if (d <= best) best = d, bestId = s.id;
    }
    const auto found = plane.songAt(pixel);
    if (bestId == 0) {
      EXPECT_FALSE(found.has_value()) << "trial " << trial;
    } else {
      ASSERT_TRUE(found.has_value()) << "trial " << trial;
      // Equal distances may resolve to either song: compare distances, not ids.
      const auto* s = &songs[static_cast<std::size_t>(*found - 1)];
      const QPointF p = plane.pixelFor(s->prediction->valence, s->prediction->arousal);
      const double d = (p.x() - pixel.x()) * (p.x() - pixel.x()) + (p.y() - pixel.y()) * (p.y() - pixel.y());
      EXPECT_NEAR(d, best, 1e-6) << "trial " << trial;
      ++hits;
    }
  }
  EXPECT_GT(hits, 20);  // the sample really exercised the lookup
}

TEST_F(PlaneFixture, MouseHoverReportsTheSongUnderTheCursor) {
  auto songs = test::syntheticSongs(200, 5);
  plane.setLibrary(makeSnapshot(songs));
  plane.replot();
  const auto& target = songs[4];
  ASSERT_TRUE(target.prediction);
  QSignalSpy hovered(&plane, &MoodPlaneWidget::songHovered);
  const QPointF at = plane.pixelFor(target.prediction->valence, target.prediction->arousal);
  QTest::mouseMove(&plane, at.toPoint());
  ASSERT_TRUE(test::waitUntil([&] { return plane.hoveredSong() != 0; }, 2000));
  // The hovered song is the one there (or one drawn on exactly the same pixel).
  const auto* h = &songs[static_cast<std::size_t>(plane.hoveredSong() - 1)];
  const QPointF hp = plane.pixelFor(h->prediction->valence, h->prediction->arousal);
  EXPECT_LE(std::hypot(hp.x() - at.x(), hp.y() - at.y()), 8.0 + 1.0);
  EXPECT_GE(hovered.count(), 1);
}

TEST(CovarianceEllipse, AxesAndOrientationOfAKnownCovariance) {
  // S = R(theta) diag(a^2, b^2) R(theta)^T with a = 0.10, b = 0.04, theta = 30 degrees.
  const double a = 0.10, b = 0.04, theta = std::numbers::pi / 6;
  const double c = std::cos(theta), s = std::sin(theta);
  MoodEstimate e;
  e.valence = 0.4;
  e.arousal = 0.7;
  e.covVV = a * a * c * c + b * b * s * s;
  e.covAA = a * a * s * s + b * b * c * c;
  e.covVA = (a * a - b * b) * s * c;
  const EllipseAxes axes = ellipseAxes(e);
  EXPECT_NEAR(axes.major, a, 1e-12);
  EXPECT_NEAR(axes.minor, b, 1e-12);
  EXPECT_NEAR(axes.angle, theta, 1e-12);

  for (double k : {1.0, 2.0}) {
    std::vector<double> xs, ys;
    appendEllipse(e, k, 360, xs, ys);
    ASSERT_EQ(xs.size(), 361u);
    EXPECT_DOUBLE_EQ(xs.front(), xs.back());
    EXPECT_DOUBLE_EQ(ys.front(), ys.back());
    // Every vertex lies on the Mahalanobis contour d^2 = k^2.
    const double det = e.covVV * e.covAA - e.covVA * e.covVA;
    double far = 0, near = 1e9, farAngle = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const double dx = xs[i] - e.valence, dy = ys[i] - e.arousal;
      const double m = (e.covAA * dx * dx - 2 * e.covVA * dx * dy + e.covVV * dy * dy) / det;
      EXPECT_NEAR(m, k * k, 1e-9);
      const double r = std::hypot(dx, dy);
      if (r > far) far = r, farAngle = std::atan2(dy, dx);
      near = std::min(near, r);
    }
    EXPECT_NEAR(far, k * a, 1e-6);
    EXPECT_NEAR(near, k * b, 1e-4);
    // The farthest vertex points along the major axis (either direction).
    const double diff = std::remainder(farAngle - theta, std::numbers::pi);
    EXPECT_NEAR(diff, 0.0, 1e-6);
  }
}

TEST(CovarianceEllipse, DegenerateAndAxisAlignedCases) {
  MoodEstimate e{0.5, 0.5, 0.0, 0.0, 0.0};
  EXPECT_EQ(ellipseAxes(e).major, 0.0);
  EXPECT_EQ(correlation(e), 0.0);
  MoodEstimate tall{0.5, 0.5, 0.01, 0.0, 0.04};  // sigma_a = 0.2 > sigma_v = 0.1
  const EllipseAxes axes = ellipseAxes(tall);
  EXPECT_NEAR(axes.major, 0.2, 1e-12);
  EXPECT_NEAR(axes.minor, 0.1, 1e-12);
  EXPECT_NEAR(std::abs(axes.angle), std::numbers::pi / 2, 1e-12);
  MoodEstimate corr{0.5, 0.5, 0.04, 0.01, 0.01};
  EXPECT_NEAR(correlation(corr), 0.01 / (0.2 * 0.1), 1e-12);
}

TEST_F(PlaneFixture, EllipsesAreDrawnForEverySongOnlyWhenToggled) {
  auto songs = test::syntheticSongs(300);
  plane.setLibrary(makeSnapshot(songs));
  EXPECT_EQ(plane.ellipseCount(), 0u);
  plane.setEllipsesVisible(true);
  EXPECT_EQ(plane.ellipseCount(), analysedCount(songs));
  plane.setColourBy(ColourBy::Genre);  // rebuilt with the new classes
  EXPECT_EQ(plane.ellipseCount(), analysedCount(songs));
  plane.setEllipsesVisible(false);
  EXPECT_EQ(plane.ellipseCount(), 0u);
}

TEST_F(PlaneFixture, RectangleDragEmitsTheDraggedRegionLive) {
  plane.setLibrary(makeSnapshot(test::syntheticSongs(100)));
  plane.setRegionTool(RegionTool::Rectangle);
  QSignalSpy spy(&plane, &MoodPlaneWidget::regionChanged);
  const QPoint from = plane.pixelFor(0.2, 0.3).toPoint();
  const QPoint mid = plane.pixelFor(0.4, 0.5).toPoint();
  const QPoint to = plane.pixelFor(0.6, 0.8).toPoint();
  QTest::mousePress(&plane, Qt::LeftButton, Qt::NoModifier, from);
  QTest::mouseMove(&plane, mid);
  const int afterFirstMove = spy.count();
  QTest::mouseMove(&plane, to);
  QTest::mouseRelease(&plane, Qt::LeftButton, Qt::NoModifier, to);
  EXPECT_GE(afterFirstMove, 1);  // live while dragging
  ASSERT_GE(spy.count(), 2);
  const auto region = spy.last().at(0).value<library::Region>();
  const auto* rect = std::get_if<library::RectRegion>(&region);
  ASSERT_NE(rect, nullptr);
  const double tol = 0.01;  // a few pixels
  EXPECT_NEAR(std::min(rect->v0, rect->v1), 0.2, tol);
  EXPECT_NEAR(std::max(rect->v0, rect->v1), 0.6, tol);
  EXPECT_NEAR(std::min(rect->a0, rect->a1), 0.3, tol);
  EXPECT_NEAR(std::max(rect->a0, rect->a1), 0.8, tol);
}

TEST_F(PlaneFixture, LassoDragEmitsAPolygonThroughTheCursorPath) {
  plane.setRegionTool(RegionTool::Lasso);
  QSignalSpy spy(&plane, &MoodPlaneWidget::regionChanged);
  const double path[][2] = {{0.2, 0.2}, {0.8, 0.2}, {0.8, 0.8}, {0.2, 0.8}};
  QTest::mousePress(&plane, Qt::LeftButton, Qt::NoModifier, plane.pixelFor(0.2, 0.2).toPoint());
  for (int step = 1; step <= 40; ++step) {
    const int seg = (step - 1) / 10;
    const double t = ((step - 1) % 10 + 1) / 10.0;
    const auto& p0 = path[seg];
    const auto& p1 = path[(seg + 1) % 4];
    QTest::mouseMove(&plane, plane.pixelFor(p0[0] + t * (p1[0] - p0[0]), p0[1] + t * (p1[1] - p0[1])).toPoint());
  }
  QTest::mouseRelease(&plane, Qt::LeftButton, Qt::NoModifier, plane.pixelFor(0.2, 0.2).toPoint());
  ASSERT_GE(spy.count(), 1);
  const auto region = spy.last().at(0).value<library::Region>();
  const auto* poly = std::get_if<library::PolygonRegion>(&region);
  ASSERT_NE(poly, nullptr);
  EXPECT_GE(poly->vertices.size(), 20u);
  EXPECT_TRUE(library::containsPoint(region, 0.5, 0.5));
  EXPECT_FALSE(library::containsPoint(region, 0.1, 0.5));
  EXPECT_FALSE(library::containsPoint(region, 0.9, 0.9));
}

TEST_F(PlaneFixture, CircleToolClickDropsACircleOfTheDefaultRadius) {
  plane.setLibrary(makeSnapshot({}));
  plane.setRegionTool(RegionTool::Circle);
  plane.setCircleRadius(0.15);
  QSignalSpy spy(&plane, &MoodPlaneWidget::regionChanged);
  QTest::mouseClick(&plane, Qt::LeftButton, Qt::NoModifier, plane.pixelFor(0.3, 0.6).toPoint());
  ASSERT_EQ(spy.count(), 1);
  const auto region = spy.last().at(0).value<library::Region>();
  const auto* circle = std::get_if<library::CircleRegion>(&region);
  ASSERT_NE(circle, nullptr);
  EXPECT_NEAR(circle->v, 0.3, 0.01);
  EXPECT_NEAR(circle->a, 0.6, 0.01);
  EXPECT_DOUBLE_EQ(circle->radius, 0.15);
}

TEST_F(PlaneFixture, ClickSelectsTheSongAndCtrlClickToggles) {
  auto songs = test::syntheticSongs(50, 9);
  plane.setLibrary(makeSnapshot(songs));
  QSignalSpy spy(&plane, &MoodPlaneWidget::selectionChanged);
  const auto& s = songs[0];
  const QPoint at = plane.pixelFor(s.prediction->valence, s.prediction->arousal).toPoint();
  const qint64 expected = plane.songAt(at).value_or(0);
  ASSERT_NE(expected, 0);
  QTest::mouseClick(&plane, Qt::LeftButton, Qt::NoModifier, at);
  ASSERT_EQ(spy.count(), 1);
  EXPECT_EQ(plane.selectedSongs(), QList<qint64>{expected});
  QTest::mouseClick(&plane, Qt::LeftButton, Qt::ControlModifier, at);
  EXPECT_TRUE(plane.selectedSongs().isEmpty());
}

TEST_F(PlaneFixture, MiddleDragPansAndZoomKeepsTheAspect) {
  const double x0 = plane.xAxis->range().lower, y0 = plane.yAxis->range().lower;
  const QPoint a = plane.pixelFor(0.5, 0.5).toPoint();
  const QPoint b = a + QPoint(60, 0);
  QTest::mousePress(&plane, Qt::MiddleButton, Qt::NoModifier, a);
  QTest::mouseMove(&plane, b);
  QTest::mouseRelease(&plane, Qt::MiddleButton, Qt::NoModifier, b);
  EXPECT_LT(plane.xAxis->range().lower, x0);  // content moved right: view moved left
  EXPECT_NEAR(plane.yAxis->range().lower, y0, 1e-9);
  const double ratio = plane.xAxis->range().size() / plane.yAxis->range().size();
  plane.zoomBy(2.0);
  EXPECT_NEAR(plane.xAxis->range().size() / plane.yAxis->range().size(), ratio, 1e-9);
}

TEST_F(PlaneFixture, AnimateToMovesEveryPointFromItsOldToItsNewPlace) {
  auto before = test::syntheticSongs(200, 31);
  auto after = before;
  std::mt19937 rng(4);
  std::uniform_real_distribution<double> shift(-0.2, 0.2);
  for (auto& s : after)
    if (s.prediction) {
      s.prediction->valence = std::clamp(s.prediction->valence + shift(rng), 0.0, 1.0);
      s.prediction->arousal = std::clamp(s.prediction->arousal + shift(rng), 0.0, 1.0);
    }
  library::SongRecord fresh;  // not on the plane before: appears at once
  fresh.id = 1000;
  fresh.path = "/new";
  fresh.prediction = MoodEstimate{0.9, 0.1, 0.001, 0, 0.001};
  after.push_back(fresh);
  plane.setLibrary(makeSnapshot(before));
  plane.setEllipsesVisible(true);
  QSignalSpy finished(&plane, &MoodPlaneWidget::animationFinished);
  plane.animateTo(makeSnapshot(after), 400);
  EXPECT_TRUE(plane.animating());
  EXPECT_EQ(plane.ellipseCount(), 0u);  // hidden while the points move
  EXPECT_EQ(plane.drawnPosition(1000), QPointF(0.9, 0.1));

  // Somewhere in the middle every moved point lies on the segment old -> new, strictly inside.
  ASSERT_TRUE(test::waitUntil([&] {
    const auto p = plane.drawnPosition(1);
    return p && std::abs(p->x() - before[0].prediction->valence) > 1e-3 &&
           std::abs(p->x() - after[0].prediction->valence) > 1e-3;
  }, 2000));
  int inside = 0;
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (!before[i].prediction) continue;
    const QPointF o(before[i].prediction->valence, before[i].prediction->arousal);
    const QPointF n(after[i].prediction->valence, after[i].prediction->arousal);
    const QPointF p = *plane.drawnPosition(before[i].id);
    const QPointF d = n - o;
    const double len2 = QPointF::dotProduct(d, d);
    if (len2 < 1e-8) continue;
    const double t = QPointF::dotProduct(p - o, d) / len2;
    const QPointF off = p - (o + t * d);
    EXPECT_LT(std::hypot(off.x(), off.y()), 1e-9) << "on the segment, song " << before[i].id;
    inside += t > 0.0 && t < 1.0;
  }
  EXPECT_GT(inside, 150);
  const auto first = plane.drawnPosition(1);

  ASSERT_TRUE(test::waitUntil([&] { return finished.count() == 1; }, 5000));
  EXPECT_FALSE(plane.animating());
  for (const auto& s : after) {
    if (!s.prediction) continue;
    const auto p = plane.drawnPosition(s.id);
    ASSERT_TRUE(p.has_value());
    EXPECT_DOUBLE_EQ(p->x(), s.prediction->valence);
    EXPECT_DOUBLE_EQ(p->y(), s.prediction->arousal);
  }
  EXPECT_NE(*first, *plane.drawnPosition(1));
  EXPECT_EQ(plane.plottedPointCount(), analysedCount(after));
  EXPECT_EQ(plane.ellipseCount(), analysedCount(after));  // back at the end
  // Hover lookup works at the new places.
  const QPointF at = plane.pixelFor(0.9, 0.1);
  EXPECT_EQ(plane.songAt(at).value_or(0), 1000);
}

TEST(SongColouring, UncertaintyIsAContinuousRampOfTheMeanSigma) {
  std::vector<library::SongRecord> songs;
  for (int i = 0; i <= 40; ++i) {
    library::SongRecord s;
    s.id = i + 1;
    const double sigma = 0.4 * i / 40.0;  // past the ramp's end: saturates
    s.prediction = MoodEstimate{0.5, 0.5, sigma * sigma * 1.5, 0.0, sigma * sigma * 0.5};  // mean var = sigma^2
    songs.push_back(s);
  }
  const Colouring c = colourSongs(songs, ColourBy::Uncertainty);
  ASSERT_TRUE(c.continuousRange.has_value());
  EXPECT_EQ(c.classes.size(), static_cast<std::size_t>(kUncertaintyBands));
  const double step = kUncertaintyMax / kUncertaintyBands;
  for (std::size_t i = 0; i < songs.size(); ++i) {
    const double sigma = 0.4 * static_cast<double>(i) / 40.0;
    const int band = c.classOf[i];
    ASSERT_GE(band, 0);
    if (sigma < kUncertaintyMax - 1e-9) {
      EXPECT_LE(band * step, sigma + 1e-9) << i;
      EXPECT_GT((band + 1) * step, sigma - 1e-9) << i;
    } else {
      EXPECT_EQ(band, kUncertaintyBands - 1) << i;
    }
    // The band's colour is the ramp at the song's sigma, within half a band.
    const QColor expected = uncertaintyColour(std::min(sigma, kUncertaintyMax) / kUncertaintyMax);
    const QColor got = c.classes[static_cast<std::size_t>(band)].colour;
    EXPECT_LE(std::abs(got.red() - expected.red()) + std::abs(got.green() - expected.green()) +
                  std::abs(got.blue() - expected.blue()), 40) << i;
  }
  // Green when certain, dark red when not; the red channel rises along the first half.
  EXPECT_GT(uncertaintyColour(0.0).green(), uncertaintyColour(0.0).red());
  EXPECT_GT(uncertaintyColour(1.0).red(), 3 * uncertaintyColour(1.0).green());
  for (int i = 1; i <= 20; ++i) EXPECT_GE(uncertaintyColour(i / 40.0).red(), uncertaintyColour((i - 1) / 40.0).red());
}

TEST_F(PlaneFixture, UncertaintyColouringShowsAColourBarInsteadOfLegendEntries) {
  auto songs = test::syntheticSongs(300, 8);
  plane.setLibrary(makeSnapshot(songs));
  const int quadrantEntries = plane.legend->itemCount();
  EXPECT_FALSE(plane.colourScale()->visible());
  plane.setColourBy(ColourBy::Uncertainty);
  EXPECT_TRUE(plane.colourScale()->visible());
  EXPECT_DOUBLE_EQ(plane.colourScale()->dataRange().upper, kUncertaintyMax);
  EXPECT_LT(plane.legend->itemCount(), quadrantEntries + 1);  // only "Your rating" may remain
  EXPECT_GT(plane.colourClassCount(), 6);
  EXPECT_EQ(plane.plottedPointCount(), analysedCount(songs));
  plane.setColourBy(ColourBy::Quadrant);
  EXPECT_FALSE(plane.colourScale()->visible());
}

}  // namespace
}  // namespace mp::ui
