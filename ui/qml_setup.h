#pragma once
// How to load the QML module "Folio" (see ui/CMakeLists.txt): used by folio's main() and by the
// GUI tests so that both load exactly the same window.
#include <QString>
#include <QUrl>

class QQmlEngine;

namespace folio::ui {

// The window's root file, embedded in the folio_ui library (aliases flatten ui/qml/).
QUrl mainQmlUrl();
// The compiled translation for a language code such as "zh_CN" (qrc path, may not exist).
QString translationPath(const QString& language);
// Selects the Fusion style unless QT_QUICK_CONTROLS_STYLE chose another. Call before the first
// QML engine loads QtQuick.Controls.
void setUpQuickStyle();

}  // namespace folio::ui
