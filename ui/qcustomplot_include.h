#pragma once
// QCustomPlot 2.1's header uses the `signals`, `slots` and `foreach` keywords, which this target
// disables (QT_NO_KEYWORDS, STYLE.md §13). Include it through this header: the Qt headers it
// needs come first, the keywords are mapped to their Q_ macros only around the include.

#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QSharedPointer>
#include <QtCore/QTimer>
#include <QtGui/QPainter>
#include <QtGui/QPainterPath>
#include <QtPrintSupport/QtPrintSupport>
#include <QtWidgets/QtWidgets>

#pragma push_macro("signals")
#pragma push_macro("slots")
#pragma push_macro("foreach")
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#pragma pop_macro("foreach")
#pragma pop_macro("slots")
#pragma pop_macro("signals")
