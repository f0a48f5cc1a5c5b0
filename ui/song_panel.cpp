#include "ui/song_panel.h"

#include "ui/covariance_ellipse.h"

#include <QDesktopServices>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

#include <cmath>

namespace mp::ui {

EllipseGlyph::EllipseGlyph(QWidget* parent) : QWidget(parent) {
  QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
  policy.setHeightForWidth(true);
  setSizePolicy(policy);
  setMinimumSize(fontMetrics().height() * 6, fontMetrics().height() * 6);
}

QSize EllipseGlyph::sizeHint() const {
  const int side = fontMetrics().height() * 9;
  return {side, side};
}

void EllipseGlyph::setEstimate(std::optional<library::MoodEstimate> prediction,
                               std::optional<library::MoodEstimate> rating) {
  prediction_ = prediction;
  rating_ = rating;
  update();
}

void EllipseGlyph::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.setRenderHint(QPainter::Antialiasing);
  const qreal side = std::min(width(), height()) - 2.0;
  const QRectF plane((width() - side) / 2.0, (height() - side) / 2.0, side, side);
  const QPalette pal = palette();
  painter.fillRect(plane, pal.color(QPalette::Base));
  QColor faint = pal.color(QPalette::Text);
  faint.setAlphaF(0.35f);
  painter.setPen(QPen(faint, 1));
  painter.drawRect(plane);
  painter.setPen(QPen(faint, 1, Qt::DashLine));
  painter.drawLine(QPointF(plane.center().x(), plane.top()), QPointF(plane.center().x(), plane.bottom()));
  painter.drawLine(QPointF(plane.left(), plane.center().y()), QPointF(plane.right(), plane.center().y()));
  auto toPixel = [&](double v, double a) {
    return QPointF(plane.left() + v * plane.width(), plane.bottom() - a * plane.height());
  };
  painter.setClipRect(plane);
  if (prediction_) {
    const QColor colour = pal.color(QPalette::Highlight);
    for (double sigma : {2.0, 1.0}) {
      std::vector<double> xs, ys;
      appendEllipse(*prediction_, sigma, 64, xs, ys);
      QPainterPath path;
      for (std::size_t i = 0; i < xs.size(); ++i) {
        const QPointF p = toPixel(xs[i], ys[i]);
        if (i == 0) path.moveTo(p);
        else path.lineTo(p);
      }
      QColor fill = colour;
      fill.setAlphaF(sigma > 1.5 ? 0.12f : 0.25f);
      painter.setPen(QPen(colour, sigma > 1.5 ? 1.0 : 1.6));
      painter.setBrush(fill);
      painter.drawPath(path);
    }
    painter.setBrush(colour);
    painter.drawEllipse(toPixel(prediction_->valence, prediction_->arousal), 3.0, 3.0);
  }
  if (rating_) {
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(pal.color(QPalette::Text), 1.6));
    const QPointF r = toPixel(rating_->valence, rating_->arousal);
    painter.drawEllipse(r, 5.0, 5.0);
    if (prediction_) {
      painter.setPen(QPen(pal.color(QPalette::Text), 1, Qt::DashLine));
      painter.drawLine(toPixel(prediction_->valence, prediction_->arousal), r);
    }
  }
}

SongPanel::SongPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  placeholder_ = new QLabel(tr("Select a song on the plane or in the table."), this);
  placeholder_->setWordWrap(true);
  layout->addWidget(placeholder_);
  details_ = new QWidget(this);
  auto* detailsLayout = new QVBoxLayout(details_);
  detailsLayout->setContentsMargins(0, 0, 0, 0);
  form_ = new QFormLayout;
  form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  detailsLayout->addLayout(form_);
  addField(QStringLiteral("title"), tr("Title"));
  addField(QStringLiteral("artist"), tr("Artist"));
  addField(QStringLiteral("album"), tr("Album"));
  addField(QStringLiteral("genre"), tr("Genre"));
  addField(QStringLiteral("year"), tr("Year / track"));
  addField(QStringLiteral("duration"), tr("Duration"));
  addField(QStringLiteral("valence"), tr("Valence"));
  addField(QStringLiteral("arousal"), tr("Arousal"));
  addField(QStringLiteral("rho"), tr("Correlation ρ"));
  addField(QStringLiteral("rating"), tr("Your rating"));
  addField(QStringLiteral("status"), tr("Analysis"));
  addField(QStringLiteral("model"), tr("Model"));
  addField(QStringLiteral("location"), tr("File"));
  glyph_ = new EllipseGlyph(details_);
  glyph_->setToolTip(tr("Prediction with its 1σ and 2σ ellipses; a ring marks your rating"));
  detailsLayout->addWidget(glyph_, 0, Qt::AlignHCenter);
  // The listener's rating.
  auto* rateBox = new QGroupBox(tr("Rate this song"), details_);
  auto* rateForm = new QFormLayout(rateBox);
  auto makeSpin = [rateBox](const QString& tip) {
    auto* spin = new QDoubleSpinBox(rateBox);
    spin->setRange(0.0, 1.0);
    spin->setSingleStep(0.05);
    spin->setDecimals(2);
    spin->setToolTip(tip);
    return spin;
  };
  valenceEdit_ = makeSpin(tr("0 = negative, 1 = positive"));
  arousalEdit_ = makeSpin(tr("0 = calm, 1 = energetic"));
  rateForm->addRow(tr("Valence"), valenceEdit_);
  rateForm->addRow(tr("Arousal"), arousalEdit_);
  auto* rateButtons = new QHBoxLayout;
  rateButton_ = new QPushButton(tr("Set rating"), rateBox);
  rateButton_->setToolTip(tr("Store this placement as your rating (also: drag the point on the plane in rating mode)"));
  clearRatingButton_ = new QPushButton(tr("Clear rating"), rateBox);
  rateButtons->addWidget(rateButton_);
  rateButtons->addWidget(clearRatingButton_);
  rateButtons->addStretch(1);
  rateForm->addRow(rateButtons);
  detailsLayout->addWidget(rateBox);
  connect(rateButton_, &QPushButton::clicked, this, [this] {
    if (songId_ != 0) Q_EMIT ratingRequested(songId_, valenceEdit_->value(), arousalEdit_->value());
  });
  connect(clearRatingButton_, &QPushButton::clicked, this, [this] {
    if (songId_ != 0) Q_EMIT clearRatingRequested(songId_);
  });

  openFolder_ = new QPushButton(tr("Open containing folder"), details_);
  detailsLayout->addWidget(openFolder_, 0, Qt::AlignLeft);
  layout->addWidget(details_);
  layout->addStretch(1);
  connect(openFolder_, &QPushButton::clicked, this,
          [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(folder_)); });
  setSong(nullptr);
}

QLabel* SongPanel::addField(const QString& key, const QString& label) {
  auto* value = new QLabel(details_);
  value->setWordWrap(true);
  value->setTextInteractionFlags(Qt::TextSelectableByMouse);
  form_->addRow(label, value);
  fields_.emplace_back(key, value);
  return value;
}

QString SongPanel::fieldText(const QString& field) const {
  for (const auto& [key, label] : fields_)
    if (key == field) return label->text();
  return {};
}

namespace {

/// The display name of the model with analyser version `version`: `names` is keyed by version
/// prefixes ("mood-<file hash>"); unknown versions are shown as they are.
QString modelName(const QHash<QString, QString>& names, const QString& version) {
  if (version.isEmpty()) return QStringLiteral("—");
  for (auto it = names.constBegin(); it != names.constEnd(); ++it)
    if (version == it.key() || version.startsWith(it.key() + QLatin1Char('-'))) return it.value();
  return version;
}

}  // namespace

void SongPanel::setModelNames(QHash<QString, QString> names) {
  modelNames_ = std::move(names);
  if (songId_ != 0) {
    const QString version = QString::fromStdString(modelVersion_);
    for (auto& [k, label] : fields_)
      if (k == QStringLiteral("model"))
        label->setText(modelName(modelNames_, version));
  }
}

void SongPanel::setSong(const library::SongRecord* song) {
  placeholder_->setVisible(song == nullptr);
  details_->setVisible(song != nullptr);
  songId_ = song ? song->id : 0;
  if (!song) return;
  auto set = [this](const QString& key, const QString& text) {
    for (auto& [k, label] : fields_)
      if (k == key) label->setText(text);
  };
  auto str = [](const std::string& s) { return QString::fromStdString(s); };
  const QFileInfo file(str(song->path));
  set(QStringLiteral("title"), song->tags.title.empty() ? file.fileName() : str(song->tags.title));
  set(QStringLiteral("artist"), str(song->tags.artist));
  set(QStringLiteral("album"), str(song->tags.album));
  set(QStringLiteral("genre"), str(song->tags.genre));
  set(QStringLiteral("year"), QStringLiteral("%1 / %2")
                                   .arg(song->tags.year > 0 ? QString::number(song->tags.year) : QStringLiteral("—"),
                                        song->tags.track > 0 ? QString::number(song->tags.track) : QStringLiteral("—")));
  const int secs = static_cast<int>(std::lround(song->durationSeconds));
  set(QStringLiteral("duration"), secs > 0 ? QStringLiteral("%1:%2").arg(secs / 60).arg(secs % 60, 2, 10, QLatin1Char('0'))
                                           : QStringLiteral("—"));
  if (const auto& p = song->prediction) {
    set(QStringLiteral("valence"), QStringLiteral("%1  (σ %2)").arg(p->valence, 0, 'f', 3)
                                       .arg(std::sqrt(std::max(0.0, p->covVV)), 0, 'f', 3));
    set(QStringLiteral("arousal"), QStringLiteral("%1  (σ %2)").arg(p->arousal, 0, 'f', 3)
                                       .arg(std::sqrt(std::max(0.0, p->covAA)), 0, 'f', 3));
    set(QStringLiteral("rho"), QString::number(correlation(*p), 'f', 2));
  } else {
    for (const char* key : {"valence", "arousal", "rho"}) set(QString::fromLatin1(key), QStringLiteral("—"));
  }
  set(QStringLiteral("rating"), song->rating ? QStringLiteral("(%1, %2)")
                                                   .arg(song->rating->valence, 0, 'f', 2)
                                                   .arg(song->rating->arousal, 0, 'f', 2)
                                             : tr("none"));
  switch (song->status) {
    case library::AnalysisStatus::Done: set(QStringLiteral("status"), tr("analysed")); break;
    case library::AnalysisStatus::Pending: set(QStringLiteral("status"), tr("pending")); break;
    case library::AnalysisStatus::Failed:
      set(QStringLiteral("status"), tr("failed: %1").arg(str(song->failureReason)));
      break;
  }
  modelVersion_ = song->modelVersion;
  const QString version = str(song->modelVersion);
  set(QStringLiteral("model"), modelName(modelNames_, version));
  // The editor starts at the rating, else at the prediction, else at the centre.
  const auto start = song->rating ? song->rating : song->prediction;
  valenceEdit_->setValue(start ? start->valence : 0.5);
  arousalEdit_->setValue(start ? start->arousal : 0.5);
  clearRatingButton_->setEnabled(song->rating.has_value());
  set(QStringLiteral("location"), QDir::toNativeSeparators(file.absoluteFilePath()));
  folder_ = file.absolutePath();
  glyph_->setEstimate(song->prediction, song->rating);
}

}  // namespace mp::ui
