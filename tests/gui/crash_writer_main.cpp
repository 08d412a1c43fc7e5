// Helper for crash_consistency_test: writes to the store the way AppController does (user message
// committed first, the reply checkpointed while it "streams", then finished), and reports each
// commit on stdout after it returns. The test SIGKILLs it at random moments.
//
// Usage: crash_writer DB_PATH CHECKPOINT_MS
// Output lines: "user ID TURN", "reply ID TURN", "checkpoint ID LENGTH", "finished ID LENGTH".
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>
#include <cstdio>

#include "app/conversation_store.h"
#include "app/database.h"

namespace {

// The fake reply of one turn, token by token; the test rebuilds the same text.
QString fakeToken(int turn, int index) {
    return QStringLiteral("t%1.%2 ").arg(turn).arg(index);
}
const int kTokensPerReply = 60;

void report(const char* what, qint64 id, qint64 value) {
    std::printf("%s %lld %lld\n", what, static_cast<long long>(id), static_cast<long long>(value));
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc != 3) {
        std::fprintf(stderr, "usage: crash_writer DB_PATH CHECKPOINT_MS\n");
        return 2;
    }
    const int checkpointMs = QString::fromLocal8Bit(argv[2]).toInt();
    folio::Database db;
    auto opened = db.open(QString::fromLocal8Bit(argv[1]));
    if (!opened) {
        std::fprintf(stderr, "%s\n", opened.error().message.c_str());
        return 1;
    }
    folio::ConversationStore store(db);
    if (!store.markStreamingInterrupted()) return 1;
    auto conversation = store.createConversation("crash test");
    if (!conversation) return 1;
    qint64 parent = 0;
    for (int turn = 0;; ++turn) {
        auto user = store.addMessage(*conversation, parent, "user",
                                     QStringLiteral("question %1").arg(turn));
        if (!user) return 1;
        report("user", *user, turn);
        auto reply = store.addMessage(*conversation, *user, "assistant", QString(),
                                      folio::MessageState::Streaming);
        if (!reply) return 1;
        report("reply", *reply, turn);
        QString content;
        QElapsedTimer sinceCheckpoint;
        sinceCheckpoint.start();
        for (int t = 0; t < kTokensPerReply; ++t) {
            content += fakeToken(turn, t);
            QThread::usleep(1500);  // a fast "token"
            if (sinceCheckpoint.elapsed() >= checkpointMs) {
                if (!store.updateContent(*reply, content, QString()).ok()) return 1;
                report("checkpoint", *reply, content.size());
                sinceCheckpoint.restart();
            }
        }
        if (!store.finishMessage(*reply, content, QString(), 0, folio::MessageState::Complete, {})
                 .ok())
            return 1;
        report("finished", *reply, content.size());
        parent = *reply;
    }
}
