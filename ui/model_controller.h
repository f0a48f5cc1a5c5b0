#pragma once
// The listener's models for the GUI: retrain, roll back and reset to default, each run on a worker thread of its own (never on the GUI thread). The thread opens
// its OWN database connection and ModelStore, runs the core sequence (mood::retrainLibrary, or
// ModelStore::rollback / resetToDefault followed by re-predicting every song), then loads the
// analyser of the model that is now current, so the window can swap it in atomically. One job at
// a time; cancel() raises the core StopFlag (a cancelled retrain writes nothing).
// After every job (and at start()), the display names of the known models are recomputed:
// a song's modelVersion starts with "mood-<file hash>", and each model file's hash is known.

#include "core/library/song_analyzer.h"
#include "core/mood/retrainer.h"

#include <QHash>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QThread>

#include <memory>
#include <optional>

namespace mp::ui {

struct ModelJobResult {
  enum class Kind { Names, Retrain, Rollback, Reset };
  Kind kind = Kind::Names;
  bool ok = false;
  bool cancelled = false;
  QString message;  ///< summary (ok) or the error
  std::optional<mood::RetrainFigures> figures;  ///< retrain only
  /// The now-current model's analyser (null when the job did not change the model or failed).
  std::shared_ptr<const library::SongAnalyzer> analyzer;
  QString modelDescription;  ///< e.g. "model 3 (retrained 2026-11-30T05:40Z, 12 ratings)"
  /// Model display names keyed by analyser-version prefix ("mood-<file hash>").
  QHash<QString, QString> modelNames;
};

class ModelController : public QObject {
  Q_OBJECT

 public:
  /// `modelFolder`: the ModelStore folder; `defaultModelPath`: the shipped default model.
  ModelController(QString databasePath, QString modelFolder, QString defaultModelPath,
                  QObject* parent = nullptr);
  ~ModelController() override;

  const QString& modelFolder() const { return folder_; }
  const QString& defaultModelPath() const { return defaultModel_; }

  /// The settings retrain() uses when the window starts it (rating weight, iterations, folds).
  void setRetrainConfig(const mood::RetrainConfig& config) { retrainConfig_ = config; }
  const mood::RetrainConfig& retrainConfig() const { return retrainConfig_; }

  /// Each returns false (and emits failed()) when a job is running already.
  bool refreshNames();
  bool retrain(const mood::RetrainConfig& config);
  bool rollback();
  bool resetToDefault();

  bool running() const { return thread_ != nullptr; }
  void cancel();
  /// Blocks until the running job (if any) has finished (tests, shutdown).
  void wait();

 Q_SIGNALS:
  void started(mp::ui::ModelJobResult::Kind kind);
  void progress(int done, int total);
  void finished(const mp::ui::ModelJobResult& result);
  void failed(const QString& message);

 private:
  template <class Job>
  bool launch(ModelJobResult::Kind kind, Job job);
  void onFinished(const ModelJobResult& result);

  QString dbPath_;
  QString folder_;
  QString defaultModel_;
  mood::RetrainConfig retrainConfig_;
  std::unique_ptr<StopFlag> stop_;
  std::unique_ptr<QThread> thread_;
};

}  // namespace mp::ui

Q_DECLARE_METATYPE(mp::ui::ModelJobResult)
