#pragma once
// One undoable change of a song's rating (set, move or clear). redo() and undo() hand the write
// to the store worker, so the rating reaches the database at once, off the GUI thread.

#include "core/library/song_analyzer.h"

#include <QString>
#include <QUndoCommand>

#include <optional>

namespace mp::ui {

class LibraryStoreWorker;

class RatingCommand : public QUndoCommand {
 public:
  /// `before` / `after`: the rating of the song at `path` before and after (nullopt = none).
  RatingCommand(LibraryStoreWorker* store, QString path, QString title,
                std::optional<library::MoodEstimate> before, std::optional<library::MoodEstimate> after);

  void redo() override { apply(after_); }
  void undo() override { apply(before_); }

 private:
  void apply(const std::optional<library::MoodEstimate>& rating);

  LibraryStoreWorker* store_;
  QString path_;
  std::optional<library::MoodEstimate> before_, after_;
};

}  // namespace mp::ui
