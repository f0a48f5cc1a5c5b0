#include "ui/model_controller.h"

#include "core/library/library_store.h"
#include "core/mood/library_retrain.h"
#include "core/mood/model_store.h"
#include "core/mood/mood_analyzer.h"
#include "core/mood/mood_model.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QMetaObject>

#include <filesystem>

namespace mp::ui {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("ModelController", text); }
QString qstr(const std::string& s) { return QString::fromStdString(s); }

/// "model 3 · 2026-11-30 05:40 · 12 ratings" from a stored model's card.
QString nameOf(const mood::StoredModel& m) {
  QString name = tr("model %1").arg(m.number);
  if (m.card.is_object()) {
    if (auto it = m.card.find("date_utc"); it != m.card.end() && it->is_string()) {
      QString date = qstr(it->get<std::string>());
      date.replace(QLatin1Char('T'), QLatin1Char(' '));
      name += QStringLiteral(" · %1").arg(date.left(16));
    }
    if (auto it = m.card.find("ratings_used"); it != m.card.end() && it->is_number())
      name += tr(" · %1 ratings").arg(it->get<long long>());
  }
  return name;
}

/// Model display names keyed by the analyser-version prefix "mood-<file hash>".
QHash<QString, QString> modelNames(const mood::ModelStore& models) {
  QHash<QString, QString> names;
  if (auto hash = mood::fileVersionHash(models.defaultModelPath()))
    names.insert(QStringLiteral("mood-") + qstr(*hash), tr("default model"));
  if (auto list = models.list()) {
    for (const auto& m : *list) {
      if (!m.problem.empty()) continue;
      if (auto hash = mood::fileVersionHash(m.path)) names.insert(QStringLiteral("mood-") + qstr(*hash), nameOf(m));
    }
  }
  return names;
}

/// Loads the analyser of the model ModelStore::resolve() picks; sets `description`.
Result<std::shared_ptr<const library::SongAnalyzer>> loadCurrent(const mood::ModelStore& models,
                                                                 QString& description) {
  const mood::ResolvedModel resolved = models.resolve();
  auto analyzer = mood::loadMoodAnalyzer(resolved.path);
  if (!analyzer) return analyzer.error();
  description = resolved.userModel ? tr("your model %1").arg(resolved.number) : tr("default model");
  description += QStringLiteral(" (%1)").arg(QFileInfo(qstr(resolved.path)).fileName());
  return std::shared_ptr<const library::SongAnalyzer>(std::move(*analyzer));
}

/// Re-predicts every song with the now-current model (after a rollback or reset).
Result<mood::RepredictReport> repredictWithCurrent(library::LibraryStore& db, const mood::ModelStore& models) {
  const mood::ResolvedModel resolved = models.resolve();
  auto model = mood::MoodModel::load(resolved.path);
  if (!model) return model.error();
  auto version = mood::moodAnalyzerVersion(resolved.path, *model);
  if (!version) return version.error();
  const auto compatible = mood::compatibleModelVersions(models, *model);
  return mood::repredictLibrary(db, *model, *version, compatible);
}

/// After the store's current model changed (rollback, reset): re-places every song with it and
/// loads it for later scans. On success r.ok is set and r.message holds only the re-placing
/// failure, if any (the caller puts its own sentence in front).
void switchToCurrent(const QString& dbPath, const mood::ModelStore& models, ModelJobResult& r,
                     const QString& loadFailure) {
  auto db = library::LibraryStore::open(dbPath.toStdString());
  if (!db) {
    r.message = ModelController::tr("Cannot open the library database: %1").arg(qstr(db.error().message));
    return;
  }
  auto repredicted = repredictWithCurrent(**db, models);
  db->reset();
  auto analyzer = loadCurrent(models, r.modelDescription);
  if (!analyzer) {
    r.message = loadFailure.arg(qstr(analyzer.error().message));
    return;
  }
  r.analyzer = *analyzer;
  r.ok = true;
  r.message.clear();
  if (!repredicted) {
    r.message = ModelController::tr("; re-placing the songs failed: %1").arg(qstr(repredicted.error().message));
  }
}

}  // namespace

ModelController::ModelController(QString databasePath, QString modelFolder, QString defaultModelPath,
                                 QObject* parent)
    : QObject(parent),
      dbPath_(std::move(databasePath)),
      folder_(std::move(modelFolder)),
      defaultModel_(std::move(defaultModelPath)) {
  qRegisterMetaType<ModelJobResult>();
}

ModelController::~ModelController() {
  cancel();
  wait();
}

template <class Job>
bool ModelController::launch(ModelJobResult::Kind kind, Job job) {
  if (thread_) {
    Q_EMIT failed(tr("The model is busy (retraining); try again when it has finished."));
    return false;
  }
  stop_ = std::make_unique<StopFlag>();
  thread_.reset(QThread::create([this, kind, job = std::move(job)]() mutable {
    ModelJobResult result;
    result.kind = kind;
    mood::ModelStore models(folder_.toStdString(), defaultModel_.toStdString());
    job(models, result);
    result.modelNames = modelNames(models);
    QMetaObject::invokeMethod(this, [this, result] { onFinished(result); }, Qt::QueuedConnection);
  }));
  thread_->setObjectName(QStringLiteral("moodplane-model"));
  thread_->start(QThread::LowPriority);
  Q_EMIT started(kind);
  return true;
}

bool ModelController::refreshNames() {
  return launch(ModelJobResult::Kind::Names, [](mood::ModelStore&, ModelJobResult& r) { r.ok = true; });
}

bool ModelController::retrain(const mood::RetrainConfig& config) {
  auto job = [this, config](mood::ModelStore& models, ModelJobResult& r) {
    auto db = library::LibraryStore::open(dbPath_.toStdString());
    if (!db) {
      r.message = tr("Cannot open the library database: %1").arg(qstr(db.error().message));
      return;
    }
    auto report = mood::retrainLibrary(**db, models, config, nullptr, stop_.get(), [this](const Progress& p) {
      const int done = static_cast<int>(p.done), total = static_cast<int>(p.total);
      QMetaObject::invokeMethod(this, [this, done, total] { Q_EMIT progress(done, total); }, Qt::QueuedConnection);
    });
    db->reset();  // close the connection on the thread that made it
    if (!report) {
      r.cancelled = stopRequested(stop_.get());
      r.message = r.cancelled ? tr("Retraining cancelled; the previous model is still in use.")
                              : tr("Retraining failed: %1").arg(qstr(report.error().message));
      return;
    }
    r.figures = report->figures;
    auto analyzer = loadCurrent(models, r.modelDescription);
    if (!analyzer) {
      r.message = tr("The retrained model cannot be loaded: %1").arg(qstr(analyzer.error().message));
      return;
    }
    r.analyzer = *analyzer;
    r.ok = true;
    r.message = tr("Retrained on %1 ratings (%2 songs re-placed, %3 s)")
                    .arg(report->figures.ratings)
                    .arg(report->repredict.repredicted)
                    .arg(report->figures.seconds, 0, 'f', 1);
    if (!report->skipped.empty())
      r.message += tr("; %1 rated songs skipped (not analysed with this model's encoder)").arg(report->skipped.size());
  };
  return launch(ModelJobResult::Kind::Retrain, std::move(job));
}

bool ModelController::rollback() {
  return launch(ModelJobResult::Kind::Rollback, [this](mood::ModelStore& models, ModelJobResult& r) {
    auto number = models.rollback();
    if (!number) {
      r.message = tr("Cannot roll back: %1").arg(qstr(number.error().message));
      return;
    }
    switchToCurrent(dbPath_, models, r, tr("The previous model cannot be loaded: %1"));
    if (r.ok) r.message.prepend(tr("Rolled back to the %1").arg(r.modelDescription));
  });
}

bool ModelController::resetToDefault() {
  return launch(ModelJobResult::Kind::Reset, [this](mood::ModelStore& models, ModelJobResult& r) {
    if (Status st = models.resetToDefault(); !st) {
      r.message = tr("Cannot reset to the default model: %1").arg(qstr(st.error().message));
      return;
    }
    switchToCurrent(dbPath_, models, r, tr("The default model cannot be loaded: %1"));
    if (r.ok) r.message.prepend(tr("Back to the default model (your models and ratings are kept)"));
  });
}

void ModelController::onFinished(const ModelJobResult& result) {
  if (thread_) {
    thread_->wait();  // the thread function has returned; this only reaps it
    thread_.reset();
  }
  stop_.reset();
  Q_EMIT finished(result);
}

void ModelController::cancel() {
  if (stop_) stop_->request();
}

void ModelController::wait() {
  if (thread_) thread_->wait();
}

}  // namespace mp::ui
