#pragma once
// Registers the resources compiled into the static moodplane_ui library (the app icon).
// Safe to call more than once; MainWindow calls it, so executables need not.

namespace mp::ui {

void initResources();

}  // namespace mp::ui
