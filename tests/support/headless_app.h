#pragma once
// The app's objects as the window has them (AppContext) on a data folder, with no model loaded
// (headlessSmoke), for suites that drive the controllers directly; and a free loopback port for
// suites that start a server.
#include <QString>
#include <QTcpServer>
#include <memory>

#include "app/application.h"

namespace folio::test {

inline std::unique_ptr<AppContext> headlessApp(const QString& dataDir) {
    AppOptions options;
    options.dataDir = dataDir;
    options.headlessSmoke = true;
    return std::make_unique<AppContext>(options);
}

inline int freeLoopbackPort() {
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

}  // namespace folio::test
