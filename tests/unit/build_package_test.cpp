// Builds the Debian packages with CPack (packaging/CMakeLists.txt) into a temporary directory and
// checks them: the binaries, desktop entry, metadata and icons are inside folio under /usr;
// Depends has the shared libraries dpkg-shlibdeps found plus the QML modules listed by hand;
// nothing in folio depends on CUDA or NVIDIA. A build with the CUDA plugin makes a second package,
// folio-cuda, with /usr/lib/folio/libfolio_cuda.so, depending on folio of the same version and on
// cuBLAS. Label slow: stripping and compressing take a while.
#include <QDir>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "support/test_env.h"

namespace {

struct ProcessResult {
    bool started = false;
    int exitCode = -1;
    QString out;  // stdout (and stderr when merged)
};

ProcessResult runTool(const QString& program, const QStringList& args, bool mergeStderr,
                      int timeoutMs) {
    QProcess p;
    if (mergeStderr) p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    ProcessResult r;
    r.started = p.waitForStarted(10000);
    if (!r.started) return r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    return r;
}

}  // namespace

class BuildPackageTest : public QObject {
    Q_OBJECT

private slots:
    void debianPackage() {
        for (const char* tool : {"dpkg-deb", "dpkg-shlibdeps", "fakeroot"}) {
            if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty())
                QSKIP(qPrintable(QStringLiteral("%1 is not installed (dpkg-dev, fakeroot)")
                                     .arg(QString::fromLatin1(tool))));
        }
        // The programs the build installs into bin/, as tests/CMakeLists.txt found them.
        const QStringList programs =
            QStringLiteral(FOLIO_INSTALLED_PROGRAMS).split(',', Qt::SkipEmptyParts);
        QVERIFY2(programs.contains(QStringLiteral("folio-cli")), "folio-cli is not a target");
        QTemporaryDir out;
        QVERIFY(out.isValid());
        const QString config = QDir(folio::test::binaryDir()).filePath("CPackConfig.cmake");
        const ProcessResult cpack =
            runTool(QStringLiteral(FOLIO_CPACK_COMMAND),
                    {QStringLiteral("-G"), QStringLiteral("DEB"), QStringLiteral("--config"),
                     config, QStringLiteral("-B"), out.path()},
                    true, 540000);
        QVERIFY2(cpack.started && cpack.exitCode == 0, qPrintable(cpack.out));

        const QStringList all = QDir(out.path()).entryList({QStringLiteral("*.deb")});
        QCOMPARE(all.size(), FOLIO_CUDA_PLUGIN_BUILT ? 2 : 1);
        const QStringList debs = QDir(out.path()).entryList({QStringLiteral("folio_*.deb")});
        QCOMPARE(debs.size(), 1);
        const QString deb = QDir(out.path()).filePath(debs.first());
        QVERIFY2(debs.first().startsWith(QStringLiteral("folio_" FOLIO_PROJECT_VERSION "_")),
                 qPrintable(debs.first()));

        const ProcessResult depends =
            runTool(QStringLiteral("dpkg-deb"),
                    {QStringLiteral("-f"), deb, QStringLiteral("Depends")}, false, 60000);
        QCOMPARE(depends.exitCode, 0);
        QVERIFY2(depends.out.contains(QStringLiteral("libc6")), qPrintable(depends.out));
        QVERIFY2(depends.out.contains(QStringLiteral("qml6-module-qtquick-controls")),
                 qPrintable(depends.out));
        for (const char* word : {"cuda", "cublas", "nvidia"})
            QVERIFY2(!depends.out.contains(QLatin1String(word), Qt::CaseInsensitive),
                     qPrintable(depends.out));
        if (programs.contains(QStringLiteral("folio")))
            QVERIFY2(depends.out.contains(QStringLiteral("libqt6core6")), qPrintable(depends.out));

        const ProcessResult contents =
            runTool(QStringLiteral("dpkg-deb"), {QStringLiteral("-c"), deb}, false, 60000);
        QCOMPARE(contents.exitCode, 0);
        QStringList expected = {
            QStringLiteral("./usr/share/applications/io.folio.Folio.desktop"),
            QStringLiteral("./usr/share/metainfo/io.folio.Folio.metainfo.xml"),
            QStringLiteral("./usr/share/icons/hicolor/scalable/apps/folio.svg"),
            QStringLiteral("./usr/share/icons/hicolor/48x48/apps/folio.png"),
        };
        for (const QString& program : programs) expected << "./usr/bin/" + program;
        for (const QString& path : expected)
            QVERIFY2(contents.out.contains(path + '\n'), qPrintable(path + " not in the package"));
        QVERIFY2(!contents.out.contains(QStringLiteral("libfolio_cuda")), "folio has the plugin");
        if (FOLIO_CUDA_PLUGIN_BUILT) checkCudaPackage(out.path());
    }

private:
    // folio-cuda: the plugin alone, and Depends on this version of folio and on cuBLAS.
    void checkCudaPackage(const QString& dir) {
        const QStringList debs = QDir(dir).entryList({QStringLiteral("folio-cuda_*.deb")});
        QCOMPARE(debs.size(), 1);
        const QString deb = QDir(dir).filePath(debs.first());
        const ProcessResult depends =
            runTool(QStringLiteral("dpkg-deb"),
                    {QStringLiteral("-f"), deb, QStringLiteral("Depends")}, false, 60000);
        QCOMPARE(depends.exitCode, 0);
        QVERIFY2(depends.out.contains(QStringLiteral("folio (= " FOLIO_PROJECT_VERSION ")")),
                 qPrintable(depends.out));
        QVERIFY2(depends.out.contains(QStringLiteral("libcublas")), qPrintable(depends.out));
        const ProcessResult contents =
            runTool(QStringLiteral("dpkg-deb"), {QStringLiteral("-c"), deb}, false, 60000);
        QCOMPARE(contents.exitCode, 0);
        QVERIFY2(contents.out.contains(QStringLiteral("./usr/lib/folio/libfolio_cuda.so\n")),
                 qPrintable(contents.out));
        QVERIFY2(!contents.out.contains(QStringLiteral("./usr/bin/")), qPrintable(contents.out));
    }
};

QTEST_GUILESS_MAIN(BuildPackageTest)
#include "build_package_test.moc"
