#pragma once
// What this build of Folio is: its version and the inference backends compiled in.
// Used by `folio --version` and the About text; values are fixed at build time.
#include <QString>
#include <QStringList>

namespace folio::ui {

QString version();       // "0.1.0"
QStringList backends();  // "cpu", then "cuda" when the CUDA backend was built

}  // namespace folio::ui
