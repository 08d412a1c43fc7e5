// Regression tests for hostile conversation imports found by fuzz_conversation_import
// (fuzz/corpus/conversation_import/regress_*): each must be rejected with an error naming the
// field, without undefined behaviour (the suite is meant to run under the asan preset too).
#include <QFile>
#include <QtTest>

#include "app/conversation_export.h"
#include "support/test_env.h"

class ReliabilityImportTest : public QObject {
    Q_OBJECT

private:
    static QByteArray valid() {
        QFile f(folio::test::sourceDir() +
                QStringLiteral("/fuzz/corpus/conversation_import/valid"));
        if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read the valid seed");
        return f.readAll();
    }

private slots:
    void validSeedImports() {
        auto dump = folio::parseConversationJson(valid());
        QVERIFY2(dump, dump ? "" : dump.error().message.c_str());
        QCOMPARE(dump.value().messages.size(), 3);
    }

    // regress_huge_integer: "id": 1.1e68 was cast to qint64 (undefined behaviour) before the
    // integer check.
    void integersOutsideInt64_data() {
        QTest::addColumn<QByteArray>("number");
        for (const char* n :
             {"1.1e68", "-1e300", "9.3e18", "-9.3e18", "18446744073709551616", "1.5"})
            QTest::newRow(n) << QByteArray(n);
    }
    void integersOutsideInt64() {
        QFETCH(QByteArray, number);
        QByteArray json = valid();
        const QByteArray from = "\"tokenCount\": 5";
        QVERIFY(json.contains(from));
        json.replace(from, "\"tokenCount\": " + number);
        auto dump = folio::parseConversationJson(json);
        QVERIFY(!dump);
        const QString error = QString::fromStdString(dump.error().message);
        QVERIFY2(
            error.contains(QLatin1String("tokenCount")) && error.contains(QLatin1String("integer")),
            qPrintable(error));
    }

    void everyRegressionSeedIsHandled() {
        const QDir dir(folio::test::sourceDir() +
                       QStringLiteral("/fuzz/corpus/conversation_import"));
        const QStringList seeds = dir.entryList({QStringLiteral("regress_*")}, QDir::Files);
        QVERIFY(!seeds.isEmpty());
        for (const QString& name : seeds) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            auto dump = folio::parseConversationJson(f.readAll());
            if (!dump) QVERIFY2(!dump.error().message.empty(), qPrintable(name));
        }
    }
};

QTEST_GUILESS_MAIN(ReliabilityImportTest)
#include "reliability_import_test.moc"
