// Soak: the app's own logic (AppContext + AppController, real engine thread, real database in a
// temp data dir) runs 500 conversations x 5 turns and 50 model reloads on a synthetic tiny Qwen3
// (scripts/make_synthetic_gguf.py --shape tiny --type q8_0; 4-token replies keep a turn cheap).
// Resident memory (VmRSS), open file descriptors (/proc/self/fd) and threads (/proc/self/task) are
// measured after a warm-up and at the end; they must not grow beyond noise:
//   RSS +kMaxRssGrowthKb, fds +kMaxFdGrowth, threads +kMaxThreadGrowth.
// FOLIO_SOAK_MODEL=path runs the same loop on another model (e.g. the default one; slower).
#include <malloc.h>

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include "app/app_controller.h"
#include "app/application.h"
#include "app/conversation_store.h"
#include "app/database.h"
#include "app/settings.h"
#include "support/test_env.h"

namespace {

const int kConversations = 500;
const int kTurns = 5;
const int kReloads = 50;
const int kWarmupConversations = 10;
const int kReplyTokens = 4;
const int kContextSize = 2048;
const int kTimeoutMs = 120000;  // for one reply or one load
const qint64 kMaxRssGrowthKb = 20 * 1024;
const int kMaxFdGrowth = 5;
const int kMaxThreadGrowth = 2;

struct Usage {
    qint64 rssKb = -1;
    int fds = -1;
    int threads = -1;
};

int entries(const QString& dir) {
    return int(QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System).size());
}

// Free heap pages go back to the system first (malloc_trim), so that RSS shows what is still
// allocated rather than what glibc happens to cache.
Usage measure() {
    malloc_trim(0);
    Usage u;
    QFile status("/proc/self/status");
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray& line : status.readAll().split('\n'))
            if (line.startsWith("VmRSS:"))
                u.rssKb = line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    u.fds = entries("/proc/self/fd") - 1;  // less the descriptor QDir used to list it
    u.threads = entries("/proc/self/task");
    return u;
}

QString python() {
    const QString venv = folio::test::sourceDir() + "/.venv/bin/python";
    return QFileInfo::exists(venv) ? venv : QStringLiteral("python3");
}

// Runs the event loop until done() is true or timeoutMs passes, waking on `signal` of app.
template <typename Signal, typename Done>
bool waitUntil(AppController* app, Signal signal, Done done, int timeoutMs) {
    if (done()) return true;
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    const auto connection = QObject::connect(app, signal, &loop, [&] {
        if (done()) loop.quit();
    });
    timeout.start(timeoutMs);
    loop.exec();
    QObject::disconnect(connection);
    return done();
}

}  // namespace

class SoakTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_modelPath = QString::fromLocal8Bit(qgetenv("FOLIO_SOAK_MODEL"));
        if (m_modelPath.isEmpty()) {
            FOLIO_REQUIRE_SHARED();  // the synthetic model uses the real Qwen3 tokenizer
            m_modelPath = m_dir.filePath("tiny-q8_0.gguf");
            QProcess p;
            p.start(python(),
                    {folio::test::sourceDir() + "/scripts/make_synthetic_gguf.py", "--shape",
                     "tiny", "--type", "q8_0", "--tokenizer",
                     folio::test::sharedPath("data/qwen3-tokenizer"), "--out", m_modelPath});
            QVERIFY(p.waitForFinished(120000));
            if (p.exitCode() != 0 || p.exitStatus() != QProcess::NormalExit)
                QSKIP(qPrintable("cannot write the synthetic model (pip install gguf numpy): " +
                                 p.readAllStandardError()));
        }
        AppOptions options;
        options.dataDir = m_dir.filePath("data");
        options.modelPath = m_modelPath;
        m_context = std::make_unique<AppContext>(options);
        m_context->settings()->setContextSize(kContextSize);
        AppController* app = m_context->controller();
        QVERIFY(app->databaseError().isEmpty());
        app->setMaxReplyTokens(kReplyTokens);
        connect(app, &AppController::errorOccurred, this, [this](const QString& message) {
            ++m_errors;
            qWarning("app error: %s", qPrintable(message));
        });
        connect(app, &AppController::replyFinished, this, [this] { ++m_replies; });
        QVERIFY(waitForModel());
    }

    void conversationsAndReloadsDoNotGrowResources() {
        QElapsedTimer clock;
        clock.start();
        for (int c = 0; c < kWarmupConversations; ++c) QVERIFY(converse(c));
        QVERIFY(reload());
        QVERIFY(reload());
        const Usage start = measure();
        const qint64 warmupMs = clock.restart();

        for (int c = 0; c < kConversations; ++c) {
            QVERIFY(converse(kWarmupConversations + c));
            if ((c + 1) % (kConversations / kReloads) == 0) QVERIFY(reload());
        }
        const Usage end = measure();
        const qint64 soakMs = clock.elapsed();

        qInfo("warm-up %lld ms; soak %lld ms (%d conversations x %d turns, %d reloads)",
              static_cast<long long>(warmupMs), static_cast<long long>(soakMs), kConversations,
              kTurns, m_reloads - 2);
        qInfo("RSS %lld -> %lld kB (%+lld); fds %d -> %d; threads %d -> %d",
              static_cast<long long>(start.rssKb), static_cast<long long>(end.rssKb),
              static_cast<long long>(end.rssKb - start.rssKb), start.fds, end.fds, start.threads,
              end.threads);
        QCOMPARE(m_errors, 0);
        QCOMPARE(m_reloads - 2, kReloads);
        QCOMPARE(m_replies, (kWarmupConversations + kConversations) * kTurns);
        QVERIFY(start.rssKb > 0 && start.fds > 0 && start.threads > 0);
        QVERIFY2(end.rssKb - start.rssKb <= kMaxRssGrowthKb, "resident memory grew");
        QVERIFY2(end.fds - start.fds <= kMaxFdGrowth, "open file descriptors grew");
        QVERIFY2(end.threads - start.threads <= kMaxThreadGrowth, "threads grew");
        verifyStored();
    }

    void cleanupTestCase() { m_context.reset(); }

private:
    // One conversation of kTurns turns; each turn waits for its reply to be finished and stored.
    bool converse(int index) {
        AppController* app = m_context->controller();
        app->newConversation();
        for (int t = 0; t < kTurns; ++t) {
            const int expected = m_replies + 1;
            app->send(
                QStringLiteral("Chat %1, turn %2: what does clause %2 say?").arg(index).arg(t));
            if (!waitUntil(
                    app, &AppController::replyFinished, [&] { return m_replies >= expected; },
                    kTimeoutMs)) {
                qWarning("no reply in conversation %d turn %d: %s", index, t,
                         qPrintable(app->statusText()));
                return false;
            }
        }
        return true;
    }

    bool reload() {
        m_context->controller()->loadModel(m_modelPath);
        ++m_reloads;
        return waitForModel();
    }

    bool waitForModel() {
        AppController* app = m_context->controller();
        const bool settled = waitUntil(
            app, &AppController::modelChanged,
            [app] {
                return (app->modelReady() && app->contextSize() > 0) ||
                       app->statusText().contains("Could not");
            },
            kTimeoutMs);
        if (!settled || !app->modelReady()) qWarning("model: %s", qPrintable(app->statusText()));
        return settled && app->modelReady();
    }

    // Every conversation was stored with its ten messages and no reply left streaming.
    void verifyStored() {
        folio::Database db;
        QVERIFY(db.open(m_context->databasePath()).ok());
        folio::ConversationStore store(db);
        auto conversations = store.listConversations();
        QVERIFY(conversations.ok());
        QCOMPARE(int(conversations->size()), kWarmupConversations + kConversations);
        for (const folio::ConversationRecord& c : *conversations) {
            auto path = store.activePath(c.id);
            QVERIFY(path.ok());
            QCOMPARE(int(path->size()), 2 * kTurns);
            for (const folio::PathEntry& e : *path)
                QVERIFY(e.message.state != folio::MessageState::Streaming);
        }
    }

    QTemporaryDir m_dir;
    QString m_modelPath;
    std::unique_ptr<AppContext> m_context;
    int m_errors = 0;
    int m_replies = 0;
    int m_reloads = 0;
};

QTEST_GUILESS_MAIN(SoakTest)
#include "soak_test.moc"
