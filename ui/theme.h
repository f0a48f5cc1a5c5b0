#pragma once
// Light / dark appearance. Qt 6.4 has no colour-scheme API (PLATFORM.md): dark mode is the Fusion
// style with a dark palette; light mode is Fusion with its standard palette.

class QApplication;

namespace mp::ui {

void applyTheme(QApplication& app, bool dark);

}  // namespace mp::ui
