#include "ui/build_info.h"

namespace folio::ui {

QString version() {
    return QStringLiteral(FOLIO_UI_VERSION);
}

QStringList backends() {
    QStringList list{QStringLiteral("cpu")};
    if (FOLIO_UI_HAVE_CUDA) list.append(QStringLiteral("cuda"));
    return list;
}

}  // namespace folio::ui
