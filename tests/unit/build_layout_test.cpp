// The build's structural promises: engine/ has no Qt (sources and link line), the command-line
// binary depends on neither Qt nor CUDA, folio-cli reports the project version, the desktop entry
// and AppStream metadata validate and agree, the icons exist in every size, `cmake --install`
// lays out exactly the files packaging/CMakeLists.txt promises (with the CUDA plugin in
// lib/folio/ when the build has it), and the installed folio-cli finds the plugin there and,
// when the plugin's libraries are missing, says so by name and runs on the CPU.
#include <dlfcn.h>

#include <QDirIterator>
#include <QFile>
#include <QImageReader>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include "gpu/synthetic_model.h"
#include "support/test_env.h"

namespace {

const QString kAppId = QStringLiteral("io.folio.Folio");
// The PNG sizes in resources/icons; keep in step with scripts/render-icons and packaging/.
const int kIconSizes[] = {16, 24, 32, 48, 64, 128, 256, 512};

// Whether the NVIDIA driver's library loads here (engine/backend: "auto" skips the plugin
// without it).
bool driverPresent() {
    void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (driver) dlclose(driver);
    return driver != nullptr;
}

// True when the line includes a Qt header: <QString>, <QtCore>, <QtCore/qglobal.h>, "QObject".
bool includesQt(const QString& line) {
    static const QRegularExpression kQtInclude(
        QStringLiteral("^\\s*#\\s*include\\s*[<\"](Q[A-Z]\\w*|Qt\\w*)(/[^>\"]*)?[>\"]"));
    return kQtInclude.match(line).hasMatch();
}

struct ProcessResult {
    bool started = false;
    int exitCode = -1;
    QString out;  // stdout and stderr together
};

ProcessResult runTool(const QString& program, const QStringList& args, int timeoutMs = 120000) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    ProcessResult r;
    r.started = p.waitForStarted(10000);
    if (!r.started) return r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAll());
    return r;
}

// DT_NEEDED entries of an ELF file, as readelf -d reports them.
QStringList neededLibraries(const QString& readelf, const QString& binary) {
    const ProcessResult r = runTool(readelf, {QStringLiteral("-d"), binary});
    QStringList libs;
    static const QRegularExpression kNeeded(QStringLiteral("\\(NEEDED\\).*\\[([^\\]]+)\\]"));
    for (const QString& line : r.out.split('\n')) {
        const QRegularExpressionMatch m = kNeeded.match(line);
        if (m.hasMatch()) libs << m.captured(1);
    }
    return libs;
}

// The programs the build installs into bin/, as tests/CMakeLists.txt found them.
QStringList installedPrograms() {
    return QStringLiteral(FOLIO_INSTALLED_PROGRAMS).split(',', Qt::SkipEmptyParts);
}

QString packagingFile(const QString& name) {
    return QDir(folio::test::sourceDir()).filePath(QStringLiteral("packaging/") + name);
}

// Where the installed tree keeps the CUDA plugin (packaging/CMakeLists.txt; the loader in
// engine/backend/backend.cpp looks in <exe>/../lib/folio/).
const QString kPluginRelPath = QStringLiteral("lib/folio/libfolio_cuda.so");

// Runs `cmake --install` of this build into prefix; returns its output on failure, else "".
QString installInto(const QString& prefix) {
    const ProcessResult r = runTool(QStringLiteral(FOLIO_CMAKE_COMMAND),
                                    {QStringLiteral("--install"), folio::test::binaryDir(),
                                     QStringLiteral("--prefix"), prefix});
    return r.started && r.exitCode == 0 ? QString() : QStringLiteral("install failed: ") + r.out;
}

// Runs command[0] with command[1..] and the library search path cleared, as on a user's machine.
ProcessResult runInstalled(const QStringList& command) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("LD_LIBRARY_PATH"));
    env.remove(QStringLiteral("LD_PRELOAD"));
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(command.first(), command.mid(1));
    ProcessResult r;
    r.started = p.waitForStarted(10000);
    if (!r.started) return r;
    if (!p.waitForFinished(300000)) {
        p.kill();
        p.waitForFinished();
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAll());
    return r;
}

}  // namespace

class BuildLayoutTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY2(!folio::test::sourceDir().isEmpty(), "FOLIO_SOURCE_DIR is not set");
        QVERIFY2(!folio::test::binaryDir().isEmpty(), "FOLIO_BINARY_DIR is not set");
    }

    void qtIncludeMatcher_data() {
        QTest::addColumn<QString>("line");
        QTest::addColumn<bool>("isQt");
        QTest::newRow("class header") << "#include <QString>" << true;
        QTest::newRow("module header") << "#include <QtCore>" << true;
        QTest::newRow("module path") << "#include <QtCore/qglobal.h>" << true;
        QTest::newRow("spaced directive") << "  #  include <QObject>" << true;
        QTest::newRow("quoted") << "#include \"QDebug\"" << true;
        QTest::newRow("std queue") << "#include <queue>" << false;
        QTest::newRow("engine header") << "#include \"engine/quant/quant.h\"" << false;
        QTest::newRow("comment") << "// we never #include <QString> here" << false;
    }

    void qtIncludeMatcher() {
        QFETCH(QString, line);
        QFETCH(bool, isQt);
        QCOMPARE(includesQt(line), isQt);
    }

    void engineSourcesIncludeNoQt() {
        const QString engineDir = QDir(folio::test::sourceDir()).filePath(QStringLiteral("engine"));
        QDirIterator it(engineDir, QDir::Files, QDirIterator::Subdirectories);
        int scanned = 0;
        QStringList offenders;
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable("cannot read " + path));
            ++scanned;
            int lineNo = 0;
            while (!f.atEnd()) {
                const QString line = QString::fromUtf8(f.readLine());
                ++lineNo;
                if (includesQt(line))
                    offenders
                        << QStringLiteral("%1:%2: %3").arg(path).arg(lineNo).arg(line.trimmed());
            }
        }
        QVERIFY2(scanned > 0, "no files found under engine/");
        QVERIFY2(offenders.isEmpty(),
                 qPrintable("Qt includes in engine/:\n" + offenders.join('\n')));
    }

    // The configure step writes each engine target's LINK_LIBRARIES (file(GENERATE) in
    // tests/CMakeLists.txt); none may name Qt.
    void engineTargetsLinkNoQt() {
        const QDir bin(folio::test::binaryDir());
        const QStringList files =
            bin.entryList({QStringLiteral("folio_engine*_link_libraries.txt")}, QDir::Files);
        QVERIFY2(files.contains(QStringLiteral("folio_engine_link_libraries.txt")),
                 "folio_engine_link_libraries.txt missing from the build directory");
        for (const QString& name : files) {
            QFile f(bin.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QString libs = QString::fromUtf8(f.readAll());
            QVERIFY2(!libs.contains(QStringLiteral("Qt"), Qt::CaseInsensitive),
                     qPrintable(name + " names Qt:\n" + libs));
        }
    }

    // folio-cli must load on a machine with neither Qt nor an NVIDIA driver; no installed program
    // may need the driver either (the .deb has no CUDA dependency).
    void binariesNeedNeitherQtNorCuda() {
        const QString readelf = QStandardPaths::findExecutable(QStringLiteral("readelf"));
        if (readelf.isEmpty()) QSKIP("readelf (binutils) is not installed");
        const QDir bin(QDir(folio::test::binaryDir()).filePath(QStringLiteral("bin")));
        const QString cli = bin.filePath(QStringLiteral("folio-cli"));
        QVERIFY2(QFileInfo(cli).isExecutable(), qPrintable(cli + " was not built"));
        const QStringList cliLibs = neededLibraries(readelf, cli);
        QVERIFY2(!cliLibs.isEmpty(), "readelf found no NEEDED entries in folio-cli");
        static const QRegularExpression kCuda(QStringLiteral("^lib(cuda|cudart|cublas|nvrtc)"));
        for (const QString& lib : cliLibs) {
            QVERIFY2(!lib.startsWith(QStringLiteral("libQt")),
                     qPrintable("folio-cli needs " + lib));
            QVERIFY2(!kCuda.match(lib).hasMatch(), qPrintable("folio-cli needs " + lib));
        }
        for (const QString& program : installedPrograms()) {
            const QString path = bin.filePath(program);
            QVERIFY2(QFileInfo(path).isExecutable(), qPrintable(path + " was not built"));
            for (const QString& lib : neededLibraries(readelf, path))
                QVERIFY2(!kCuda.match(lib).hasMatch(), qPrintable(program + " needs " + lib));
        }
    }

    // folio_engine reaches CUDA only through dlopen (engine/backend): its link line names no
    // CUDA library, and the plugin, when built, exports its one factory symbol and nothing of
    // its private copy of the engine.
    void engineLinksNoCuda() {
        QFile f(QDir(folio::test::binaryDir()).filePath("folio_engine_link_libraries.txt"));
        QVERIFY2(f.open(QIODevice::ReadOnly), "folio_engine_link_libraries.txt missing");
        const QString libs = QString::fromUtf8(f.readAll());
        static const QRegularExpression kCuda(QStringLiteral("cuda|cublas|nvrtc"),
                                              QRegularExpression::CaseInsensitiveOption);
        QVERIFY2(!kCuda.match(libs).hasMatch(), qPrintable("folio_engine links CUDA:\n" + libs));

        const QString plugin =
            QDir(folio::test::binaryDir()).filePath(QStringLiteral("bin/libfolio_cuda.so"));
        if (!QFileInfo::exists(plugin)) QSKIP("this build has no CUDA plugin (FOLIO_CUDA off)");
        const QString readelf = QStandardPaths::findExecutable(QStringLiteral("readelf"));
        if (readelf.isEmpty()) QSKIP("readelf (binutils) is not installed");
        const ProcessResult r = runTool(readelf, {"--dyn-syms", "-W", plugin});
        QCOMPARE(r.exitCode, 0);
        QStringList exported;
        for (const QString& line : r.out.split('\n')) {
            const QStringList cols = line.simplified().split(' ');
            // Num: Value Size Type Bind Vis Ndx Name; defined = Ndx is not UND.
            if (cols.size() >= 8 && cols[6] != QStringLiteral("UND") &&
                cols[7].contains(QStringLiteral("folio")))
                exported << cols[7];
        }
        QCOMPARE(exported, QStringList{QStringLiteral("folio_cuda_plugin_v1")});
    }

    void cliPrintsVersion() {
        const QString cli =
            QDir(folio::test::binaryDir()).filePath(QStringLiteral("bin/folio-cli"));
        QVERIFY2(QFileInfo(cli).isExecutable(), qPrintable(cli + " was not built"));
        const ProcessResult r = runTool(cli, {QStringLiteral("--version")}, 30000);
        QVERIFY2(r.started, "folio-cli did not start");
        QCOMPARE(r.exitCode, 0);
        const QString firstLine = r.out.section('\n', 0, 0);
        QCOMPARE(firstLine, QStringLiteral("folio-cli " FOLIO_PROJECT_VERSION));
        // The backends found: the CPU with its kernel level, then CUDA's device or why not.
        QVERIFY2(r.out.contains(QStringLiteral("\nbackend: cpu (")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("\nbackend: cuda: ")), qPrintable(r.out));
    }

    void desktopEntryIsValid() {
        const QString path = packagingFile(kAppId + QStringLiteral(".desktop"));
        QFile f(path);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable("cannot read " + path));
        const QString text = QString::fromUtf8(f.readAll());
        QVERIFY(text.contains(
            QStringLiteral("\nMimeType=application/pdf;text/plain;text/markdown;\n")));
        QVERIFY(text.contains(QStringLiteral("\nCategories=Office;Utility;\n")));
        QVERIFY(text.contains(QStringLiteral("\nIcon=folio\n")));
        QVERIFY(text.contains(QStringLiteral("\nExec=folio %F\n")));

        const QString tool =
            QStandardPaths::findExecutable(QStringLiteral("desktop-file-validate"));
        if (tool.isEmpty()) QSKIP("desktop-file-validate (desktop-file-utils) is not installed");
        const ProcessResult r = runTool(tool, {path});
        QVERIFY(r.started);
        QVERIFY2(r.exitCode == 0 && !r.out.contains(QStringLiteral("error:")), qPrintable(r.out));
    }

    void metainfoIsValidAndMatchesDesktopEntry() {
        const QString path = packagingFile(kAppId + QStringLiteral(".metainfo.xml"));
        QFile f(path);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable("cannot read " + path));
        QXmlStreamReader xml(&f);
        QString id, launchable, icon;
        while (!xml.atEnd()) {
            if (xml.readNext() != QXmlStreamReader::StartElement) continue;
            if (xml.name() == QLatin1String("id")) id = xml.readElementText();
            if (xml.name() == QLatin1String("launchable")) launchable = xml.readElementText();
            if (xml.name() == QLatin1String("icon")) icon = xml.readElementText();
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QCOMPARE(id, kAppId);
        QCOMPARE(launchable, kAppId + QStringLiteral(".desktop"));
        QCOMPARE(icon, QStringLiteral("folio"));

        const QString tool = QStandardPaths::findExecutable(QStringLiteral("appstreamcli"));
        if (tool.isEmpty()) QSKIP("appstreamcli (appstream) is not installed");
        const ProcessResult r =
            runTool(tool, {QStringLiteral("validate"), QStringLiteral("--no-net"), path});
        QVERIFY(r.started);
        QVERIFY2(r.exitCode == 0, qPrintable(r.out));
    }

    void iconsExistInEverySize() {
        const QDir icons(
            QDir(folio::test::sourceDir()).filePath(QStringLiteral("resources/icons")));
        QVERIFY2(QFileInfo(icons.filePath(QStringLiteral("folio.svg"))).size() > 0,
                 "resources/icons/folio.svg is missing");
        for (int size : kIconSizes) {
            const QString png = icons.filePath(QStringLiteral("folio-%1.png").arg(size));
            QImageReader reader(png);
            QVERIFY2(reader.canRead(), qPrintable(png + ": " + reader.errorString()));
            QCOMPARE(reader.size(), QSize(size, size));
        }
    }

    // `cmake --install` into a temporary prefix installs the binaries, desktop entry, metadata
    // and icons, and nothing else at the top level (no headers or static libraries).
    void installTreeHasThePromisedFiles() {
        QTemporaryDir prefix;
        QVERIFY(prefix.isValid());
        const QString failed = installInto(prefix.path());
        QVERIFY2(failed.isEmpty(), qPrintable(failed));

        const QDir root(prefix.path());
        QStringList expected = {
            QStringLiteral("share/applications/io.folio.Folio.desktop"),
            QStringLiteral("share/metainfo/io.folio.Folio.metainfo.xml"),
            QStringLiteral("share/icons/hicolor/scalable/apps/folio.svg"),
        };
        for (int size : kIconSizes)
            expected << QStringLiteral("share/icons/hicolor/%1x%1/apps/folio.png").arg(size);
        QVERIFY2(installedPrograms().contains(QStringLiteral("folio-cli")),
                 "folio-cli is not a target of this build");
        for (const QString& program : installedPrograms()) expected << "bin/" + program;
        if (FOLIO_CUDA_PLUGIN_BUILT) expected << kPluginRelPath;
        for (const QString& rel : expected)
            QVERIFY2(QFileInfo::exists(root.filePath(rel)), qPrintable(rel + " not installed"));

        const QStringList top = root.entryList(QDir::Dirs | QDir::Files | QDir::NoDotAndDotDot);
        QStringList expectedTop{QStringLiteral("bin"), QStringLiteral("share")};
        if (FOLIO_CUDA_PLUGIN_BUILT) expectedTop.insert(1, QStringLiteral("lib"));
        QCOMPARE(top, expectedTop);
        if (FOLIO_CUDA_PLUGIN_BUILT)
            QCOMPARE(QDir(root.filePath(QStringLiteral("lib/folio"))).entryList(QDir::Files),
                     QStringList{QStringLiteral("libfolio_cuda.so")});
    }

    // An installed folio-cli finds the plugin in ../lib/folio/. A plugin whose libraries are
    // missing (here a stand-in that needs libfolio_test_absent.so, as the real one needs
    // libcublas) must not stop it: --version names the missing library, `run --device auto`
    // answers on the CPU with "GPU not used: <that reason>" (or, with no NVIDIA driver, that
    // reason without loading the plugin), --device cuda fails with it; with no
    // plugin at all the reason is that the backend is not installed.
    void installedCliNamesMissingPluginLibrary() {
        QTemporaryDir prefix;
        QVERIFY(prefix.isValid());
        const QString failed = installInto(prefix.path());
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        const QDir root(prefix.path());
        const QString cli = root.filePath(QStringLiteral("bin/folio-cli"));
        const QString plugin = root.filePath(kPluginRelPath);
        QVERIFY(QDir().mkpath(QFileInfo(plugin).path()));
        QFile::remove(plugin);
        QVERIFY(QFile::copy(QStringLiteral(FOLIO_BROKEN_PLUGIN), plugin));

        ProcessResult r = runInstalled({cli, QStringLiteral("--version")});
        QVERIFY2(r.started && r.exitCode == 0, qPrintable(r.out));
        // The path as the loader built it from the program's directory: <prefix>/lib/folio/.
        const QString reason = QStringLiteral(
                                   "the CUDA backend (%1) cannot load: "
                                   "libfolio_test_absent.so: cannot open shared object")
                                   .arg(plugin);
        QVERIFY2(r.out.contains(QStringLiteral("\nbackend: cuda: not available: ") + reason),
                 qPrintable(r.out));

        QString why;
        const QString model =
            folio::test::sharedDir().isEmpty()
                ? QString()
                : folio::test::syntheticModel(prefix.path(), QStringLiteral("tiny-k"),
                                              QStringLiteral("q8_0"), &why);
        if (!model.isEmpty()) {
            const QStringList run{cli,
                                  QStringLiteral("run"),
                                  QStringLiteral("-m"),
                                  model,
                                  QStringLiteral("-p"),
                                  QStringLiteral("hello"),
                                  QStringLiteral("-n"),
                                  QStringLiteral("2"),
                                  QStringLiteral("--device")};
            r = runInstalled(run + QStringList{QStringLiteral("auto")});
            QVERIFY2(r.exitCode == 0, qPrintable(r.out));
            // Without a driver, "auto" does not load the plugin at all and says so instead.
            const QString autoReason =
                driverPresent() ? reason
                                : QStringLiteral("no NVIDIA driver (libcuda.so.1 not found)");
            QVERIFY2(r.out.contains(QStringLiteral("GPU not used: ") + autoReason),
                     qPrintable(r.out));
            r = runInstalled(run + QStringList{QStringLiteral("cuda")});
            QVERIFY2(r.exitCode == 1 && r.out.contains(reason), qPrintable(r.out));
        }

        QVERIFY(QFile::remove(plugin));
        r = runInstalled({cli, QStringLiteral("--version")});
        QVERIFY2(r.started && r.exitCode == 0, qPrintable(r.out));
        QVERIFY2(
            r.out.contains(QStringLiteral("\nbackend: cuda: not available: the CUDA backend is not "
                                          "installed")),
            qPrintable(r.out));
        if (model.isEmpty()) QSKIP(qPrintable("the run checks need a synthetic model: " + why));
    }

    // The real plugin on a machine without cuBLAS: the installed tree's plugin needs libcublas
    // (DT_NEEDED) and carries no RUNPATH into the build. Then the dynamic loader is run with its
    // cache off (ld.so --inhibit-cache), so that only the default system directories are searched
    // and a toolkit under /usr/local/cuda is invisible, as on a machine without it; the plugin is
    // then found through --library-path, and the reason must name libcublas.
    void installedPluginWithoutCublas() {
        if (!FOLIO_CUDA_PLUGIN_BUILT) QSKIP("this build has no CUDA plugin (FOLIO_CUDA off)");
        const QString readelf = QStandardPaths::findExecutable(QStringLiteral("readelf"));
        if (readelf.isEmpty()) QSKIP("readelf (binutils) is not installed");
        QTemporaryDir prefix;
        QVERIFY(prefix.isValid());
        const QString failed = installInto(prefix.path());
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        const QDir root(prefix.path());
        const QString plugin = root.filePath(kPluginRelPath);
        const QStringList needed = neededLibraries(readelf, plugin);
        QVERIFY2(needed.filter(QRegularExpression(QStringLiteral("^libcublas\\.so"))).size() == 1,
                 qPrintable(needed.join(' ')));
        const ProcessResult dyn = runTool(readelf, {QStringLiteral("-d"), plugin});
        QVERIFY2(!dyn.out.contains(folio::test::binaryDir()), qPrintable(dyn.out));

        const QString ldso = QStringLiteral("/lib64/ld-linux-x86-64.so.2");
        if (!QFileInfo::exists(ldso)) QSKIP("no x86-64 dynamic loader at /lib64");
        const QString cli = root.filePath(QStringLiteral("bin/folio-cli"));
        const QStringList base{ldso, QStringLiteral("--inhibit-cache")};
        // folio-cli itself must load from the default directories alone.
        ProcessResult r = runInstalled(base + QStringList{cli, QStringLiteral("--version")});
        if (r.exitCode != 0) QSKIP(qPrintable("folio-cli needs a cached library path: " + r.out));
        QVERIFY2(r.out.contains(QStringLiteral("\nbackend: cuda: not available: the CUDA backend "
                                               "is not installed")),
                 qPrintable(r.out));
        r = runInstalled(base + QStringList{QStringLiteral("--library-path"),
                                            QFileInfo(plugin).path(), cli,
                                            QStringLiteral("--version")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out));
        if (!r.out.contains(QStringLiteral("cannot load")))
            QSKIP(qPrintable("libcublas is in a default system directory here: " + r.out));
        QVERIFY2(r.out.contains(QStringLiteral("\nbackend: cuda: not available: the CUDA backend "
                                               "cannot load: libcublas")),
                 qPrintable(r.out));
    }
};

QTEST_GUILESS_MAIN(BuildLayoutTest)
#include "build_layout_test.moc"
