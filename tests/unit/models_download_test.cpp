// Downloads against a local HTTP server on 127.0.0.1 (models_test_server.h): resume after a broken
// connection from the right offset, checksum errors, 404, pause/resume, cancel, a restart that
// resumes from the sidecar, a server that ignores Range, stalls and the free-disk check.
#include <QCryptographicHash>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <cstring>

#include "app/models/download_manager.h"
#include "models_test_server.h"
#include "support/tiny_gguf.h"

using folio::Download;
using folio::DownloadManager;
using folio::DownloadOptions;
using folio::DownloadSpec;

namespace {

constexpr int kWaitMs = 20000;
const QString kFile = QStringLiteral("model.gguf");

QByteArray makeGguf(int n) {
    return folio::test::makeTinyGguf(n, 12345);
}
QString sha256(const QByteArray& data) {
    return folio::test::sha256Hex(data);
}
QByteArray readAll(const QString& path) {
    return folio::test::readWholeFile(path);
}

}  // namespace

class ModelsDownloadTest : public QObject {
    Q_OBJECT
    QByteArray m_content = makeGguf(256 * 1024);  // 1 MiB of weights
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    DownloadOptions m_options{5000, 3, 50};

    DownloadSpec spec(const QString& mode, bool withChecksum = true) const {
        return {QUrl(m_server->url(mode, kFile)), kFile, m_content.size(),
                withChecksum ? sha256(m_content) : QString()};
    }
    QString path(const QString& name = kFile) const { return m_dir->filePath(name); }
    bool noPartials() const {
        return !QFile::exists(path(kFile + ".part")) && !QFile::exists(path(kFile + ".part.json"));
    }

private slots:
    void init() {
        m_server = std::make_unique<TestServer>(m_content);
        QVERIFY(m_server->listen());
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void downloadsVerifiesAndInstalls() {
        DownloadManager manager(m_dir->path(), m_options);
        Download* d = manager.start(spec("fast"));
        QVERIFY(d);
        QSignalSpy done(d, &Download::finished);
        QVERIFY(done.wait(kWaitMs));
        QCOMPARE(done.first().first().toString(), path());
        QCOMPARE(sha256(readAll(path())), sha256(m_content));
        QVERIFY(noPartials());
        QCOMPARE(m_server->requests.size(), 1);
        QVERIFY(m_server->requests[0].range.isEmpty());
        QCOMPARE(manager.data(manager.index(0), DownloadManager::StateRole).toString(), "done");
    }

    void resumesAfterBrokenConnectionFromTheRightOffset() {
        DownloadManager manager(m_dir->path(), m_options);
        Download* d = manager.start(spec("break"));
        QSignalSpy done(d, &Download::finished);
        QVERIFY2(done.wait(kWaitMs), qPrintable(d->errorText()));
        QCOMPARE(m_server->requests.size(), 2);
        const qint64 half = m_content.size() / 2;
        QCOMPARE(m_server->requests[1].range, "bytes=" + QByteArray::number(half) + "-");
        QCOMPARE(m_server->requests[1].ifRange, QByteArray("\"v1\""));
        QCOMPARE(sha256(readAll(path())), sha256(m_content));
        QVERIFY(noPartials());
    }

    void wrongBytesGiveAChecksumErrorAndNoFile() {
        DownloadManager manager(m_dir->path(), m_options);
        Download* d = manager.start(spec("wrong"));
        QSignalSpy failed(d, &Download::failed);
        QVERIFY(failed.wait(kWaitMs));
        QVERIFY2(failed.first().first().toString().contains("checksum mismatch"),
                 qPrintable(failed.first().first().toString()));
        QVERIFY(!QFile::exists(path()));
        QVERIFY(noPartials());
    }

    void notFoundNames404() {
        DownloadManager manager(m_dir->path(), m_options);
        Download* d = manager.start(spec("missing"));
        QSignalSpy failed(d, &Download::failed);
        QVERIFY(failed.wait(kWaitMs));
        const QString message = failed.first().first().toString();
        QVERIFY2(message.contains("404"), qPrintable(message));
        QCOMPARE(manager.data(manager.index(0), DownloadManager::ErrorRole).toString(), message);
        QVERIFY(!QFile::exists(path()));
    }

    void pauseAndResume() {
        DownloadManager manager(m_dir->path(), m_options);
        Download* d = manager.start(spec("slow"));
        QTRY_VERIFY_WITH_TIMEOUT(d->received() > 0, kWaitMs);
        manager.pause(kFile);
        QCOMPARE(d->state(), Download::State::Paused);
        const qint64 have = QFileInfo(path(kFile + ".part")).size();
        QVERIFY(have > 0 && have < m_content.size());
        QTest::qWait(100);
        QCOMPARE(QFileInfo(path(kFile + ".part")).size(), have);  // nothing arrives while paused
        QSignalSpy done(d, &Download::finished);
        manager.resume(kFile);
        QVERIFY2(done.wait(kWaitMs), qPrintable(d->errorText()));
        QCOMPARE(m_server->requests.last().range, "bytes=" + QByteArray::number(have) + "-");
        QCOMPARE(sha256(readAll(path())), sha256(m_content));
    }

    void cancelRemovesPartials() {
        DownloadManager manager(m_dir->path(), m_options);
        Download* d = manager.start(spec("slow"));
        QTRY_VERIFY_WITH_TIMEOUT(d->received() > 0, kWaitMs);
        QVERIFY(QFile::exists(path(kFile + ".part")));
        manager.cancel(kFile);
        QVERIFY(noPartials());
        QVERIFY(!QFile::exists(path()));
        QCOMPARE(manager.rowCount(), 0);
    }

    void aRestartResumesFromTheSidecar() {
        qint64 have = 0;
        {
            DownloadManager first(m_dir->path(), m_options);
            Download* d = first.start(spec("slow"));
            QTRY_VERIFY_WITH_TIMEOUT(d->received() > 8192, kWaitMs);
        }  // the app quits mid-download
        have = QFileInfo(path(kFile + ".part")).size();
        QVERIFY(have > 0);
        DownloadManager second(m_dir->path(), m_options);
        QCOMPARE(second.rowCount(), 1);
        QCOMPARE(second.data(second.index(0), DownloadManager::StateRole).toString(), "paused");
        QCOMPARE(second.data(second.index(0), DownloadManager::ReceivedRole).toLongLong(), have);
        Download* d = second.find(kFile);
        QVERIFY(d);
        QSignalSpy done(d, &Download::finished);
        second.resume(kFile);
        QVERIFY2(done.wait(kWaitMs), qPrintable(d->errorText()));
        QCOMPARE(m_server->requests.last().range, "bytes=" + QByteArray::number(have) + "-");
        QCOMPARE(sha256(readAll(path())), sha256(m_content));  // the hash covers the old prefix
    }

    void aServerIgnoringRangeRestartsCleanly() {
        DownloadManager manager(m_dir->path(), m_options);
        Download* d = manager.start(spec("norange"));
        QTRY_VERIFY_WITH_TIMEOUT(d->received() > 0, kWaitMs);
        manager.pause(kFile);
        QSignalSpy done(d, &Download::finished);
        manager.resume(kFile);
        QVERIFY2(done.wait(kWaitMs), qPrintable(d->errorText()));
        QVERIFY(!m_server->requests.last().range.isEmpty());  // asked to resume, got 200
        QCOMPARE(readAll(path()).size(), m_content.size());
        QCOMPARE(sha256(readAll(path())), sha256(m_content));
    }

    void aStallIsReportedAsATimeout() {
        DownloadManager manager(m_dir->path(), DownloadOptions{400, 0, 50});
        Download* d = manager.start(spec("stall"));
        QSignalSpy failed(d, &Download::failed);
        QVERIFY(failed.wait(kWaitMs));
        QVERIFY2(failed.first().first().toString().contains("no data from the server"),
                 qPrintable(failed.first().first().toString()));
    }

    void notEnoughDiskFailsBeforeAnyRequest() {
        DownloadManager manager(m_dir->path(), m_options);
        DownloadSpec s = spec("fast");
        s.expectedSize = qint64(1) << 58;
        Download* d = manager.start(s);
        QCOMPARE(d->state(), Download::State::Failed);
        QVERIFY2(d->errorText().contains("not enough disk space"), qPrintable(d->errorText()));
        QTest::qWait(50);
        QCOMPARE(m_server->requests.size(), 0);
    }

    void aFileThatIsNotGgufIsRejected() {
        m_server = std::make_unique<TestServer>(QByteArray(300000, 'x'));
        QVERIFY(m_server->listen());
        DownloadManager manager(m_dir->path(), m_options);
        Download* d = manager.start(spec("fast", false));  // no checksum pinned
        QVERIFY(d);
        QSignalSpy failed(d, &Download::failed);
        QVERIFY(failed.wait(kWaitMs));
        QVERIFY2(failed.first().first().toString().contains("not a valid GGUF"),
                 qPrintable(failed.first().first().toString()));
        QVERIFY(!QFile::exists(path()));
        QVERIFY(noPartials());
    }

    void refusesBadNamesAndInstalledFiles() {
        DownloadManager manager(m_dir->path(), m_options);
        QString error;
        DownloadSpec s = spec("fast");
        s.fileName = "../evil.gguf";
        QVERIFY(!manager.start(s, &error));
        QVERIFY(error.contains("invalid file name"));
        QFile f(path());
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        QVERIFY(!manager.start(spec("fast"), &error));
        QVERIFY(error.contains("already installed"));
        QCOMPARE(m_server->requests.size(), 0);
    }
};

QTEST_GUILESS_MAIN(ModelsDownloadTest)
#include "models_download_test.moc"
