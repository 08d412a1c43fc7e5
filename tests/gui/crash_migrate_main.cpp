// Helper for crash_migration_test: opens (and so migrates) the database the way the app does at
// start, reports "migrated VERSION" once Database::open returned, then waits to be killed (so the
// test can tell a kill after the migration from one during it).
//
// Usage: crash_migrator DB_PATH
#include <QCoreApplication>
#include <QSqlQuery>
#include <QThread>
#include <cstdio>

#include "app/database.h"

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: crash_migrator DB_PATH\n");
        return 2;
    }
    folio::Database db;
    auto opened = db.open(QString::fromLocal8Bit(argv[1]));
    if (!opened) {
        std::fprintf(stderr, "%s\n", opened.error().message.c_str());
        return 1;
    }
    QSqlQuery q(db.connection());
    const int version = q.exec("PRAGMA user_version") && q.next() ? q.value(0).toInt() : -1;
    std::printf("migrated %d\n", version);
    std::fflush(stdout);
    for (;;) QThread::sleep(1);
}
