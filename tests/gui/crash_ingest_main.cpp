// Helper for crash_ingest_test: stores large documents one after another through DocumentStore::add
// (as the app does after the parser child returns) and reports each on stdout. The test SIGKILLs
// it at random moments.
//
// Usage: crash_ingester DB_PATH FIRST_DOCUMENT_NUMBER
// Output lines: "begin N" before add() of document N, "added ID N" after add() returned.
#include <QCoreApplication>
#include <cstdio>

#include "app/database.h"
#include "app/documents/document_store.h"
#include "gui/crash_ingest_doc.h"

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc != 3) {
        std::fprintf(stderr, "usage: crash_ingester DB_PATH FIRST_DOCUMENT_NUMBER\n");
        return 2;
    }
    const int first = QString::fromLocal8Bit(argv[2]).toInt();
    folio::Database db;
    auto opened = db.open(QString::fromLocal8Bit(argv[1]));
    if (!opened) {
        std::fprintf(stderr, "%s\n", opened.error().message.c_str());
        return 1;
    }
    folio::DocumentStore store([&db] { return db.connection(); });
    for (int n = first;; ++n) {
        const folio::IngestedDocument doc = crashtest::document(n);  // built before "begin"
        std::printf("begin %d\n", n);
        std::fflush(stdout);
        auto added = store.add(doc);
        if (!added) {
            std::fprintf(stderr, "%s\n", added.error().message.c_str());
            return 1;
        }
        std::printf("added %lld %d\n", static_cast<long long>(added->id), n);
        std::fflush(stdout);
    }
}
