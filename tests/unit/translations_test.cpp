// Every string a person can see is translated into Chinese: lupdate, run over the
// app's and the UI's sources (C++ and QML) into a copy of resources/translations/folio_zh_CN.ts,
// finds no string without a translation and none left over from code that is gone. Skips where
// Qt's lupdate is not installed.
#include <QDir>
#include <QFile>
#include <QLibraryInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include "support/test_env.h"

class TranslationsTest : public QObject {
    Q_OBJECT

private slots:
    void chineseHasEveryStringAndNoLeftovers() {
        const QString lupdate = QLibraryInfo::path(QLibraryInfo::BinariesPath) + "/lupdate";
        if (!QFileInfo(lupdate).isExecutable()) QSKIP("Qt's lupdate is not installed");
        const QString source = folio::test::sourceDir();
        QTemporaryDir dir;
        const QString copy = dir.filePath("folio_zh_CN.ts");
        QVERIFY(QFile::copy(source + "/resources/translations/folio_zh_CN.ts", copy));
        QFile::setPermissions(copy, QFileDevice::ReadOwner | QFileDevice::WriteOwner);

        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(lupdate, {"-silent", "-locations", "none", "-I", source, source + "/app",
                          source + "/ui", "-ts", copy});
        QVERIFY(p.waitForFinished(120000));
        QVERIFY2(p.exitCode() == 0, p.readAll().constData());

        QFile f(copy);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString ts = QString::fromUtf8(f.readAll());
        QStringList problems;
        static const QRegularExpression context(R"(<context>\s*<name>(.*?)</name>(.*?)</context>)",
                                                QRegularExpression::DotMatchesEverythingOption);
        static const QRegularExpression message(R"(<message[^>]*>(.*?)</message>)",
                                                QRegularExpression::DotMatchesEverythingOption);
        static const QRegularExpression sourceText(R"(<source>(.*?)</source>)",
                                                   QRegularExpression::DotMatchesEverythingOption);
        int messages = 0;
        for (auto c = context.globalMatch(ts); c.hasNext();) {
            const auto ctx = c.next();
            for (auto m = message.globalMatch(ctx.captured(2)); m.hasNext();) {
                const QString body = m.next().captured(1);
                ++messages;
                const char* what =
                    body.contains("type=\"unfinished\"") ? "not translated"
                    : body.contains("type=\"vanished\"") || body.contains("type=\"obsolete\"")
                        ? "no longer in the code"
                        : nullptr;
                if (what)
                    problems << QString("%1 | %2 | %3")
                                    .arg(ctx.captured(1), sourceText.match(body).captured(1), what);
            }
        }
        QVERIFY(messages > 300);
        QVERIFY2(problems.isEmpty(), qPrintable("\n" + problems.join('\n')));
    }
};

QTEST_GUILESS_MAIN(TranslationsTest)
#include "translations_test.moc"
