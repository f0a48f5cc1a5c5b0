#pragma once
// Start-up translations: Qt's own strings (qtbase_<lang>.qm from the system's Qt translations)
// and Moodplane's (moodplane_<lang>.qm, compiled from resources/translations/*.ts at build and
// embedded under :/i18n).

#include <QLocale>
#include <QString>

class QCoreApplication;

namespace mp::ui {

/// Installs the translators matching `locale`'s UI languages on `app` (owned by `app`).
/// Returns the file name of the Moodplane translation loaded, empty when none matched (English).
QString installTranslations(QCoreApplication& app, const QLocale& locale = QLocale());

}  // namespace mp::ui
