#include "ui/qml_setup.h"

#include <QQuickStyle>

namespace folio::ui {

QUrl mainQmlUrl() {
    return QUrl(QStringLiteral("qrc:/Folio/Main.qml"));
}

QString translationPath(const QString& language) {
    return QStringLiteral(":/i18n/folio_%1.qm").arg(language);
}

void setUpQuickStyle() {
    // Fusion follows the palette the window sets (light/dark themes) on every platform.
    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE"))
        QQuickStyle::setStyle(QStringLiteral("Fusion"));
}

}  // namespace folio::ui
