#include "ui/resources_init.h"

#include <QtCore/qglobal.h>
#include <QDir>

// Q_INIT_RESOURCE declares the generated initialiser at the scope it is used in: global scope.
static void initMoodplaneResources() { Q_INIT_RESOURCE(moodplane); }

namespace mp::ui {

void initResources() { initMoodplaneResources(); }

}  // namespace mp::ui
