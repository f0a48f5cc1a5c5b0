#include "ui/rating_command.h"

#include "ui/library_store_worker.h"

#include <QCoreApplication>

namespace mp::ui {

RatingCommand::RatingCommand(LibraryStoreWorker* store, QString path, QString title,
                             std::optional<library::MoodEstimate> before,
                             std::optional<library::MoodEstimate> after)
    : store_(store), path_(std::move(path)), before_(before), after_(after) {
  setText(after ? QCoreApplication::translate("RatingCommand", "rate “%1”").arg(title)
                : QCoreApplication::translate("RatingCommand", "clear the rating of “%1”").arg(title));
}

void RatingCommand::apply(const std::optional<library::MoodEstimate>& rating) {
  if (rating) store_->setRating(path_, rating->valence, rating->arousal);
  else store_->clearRating(path_);
}

}  // namespace mp::ui
