// folio-cli tokenize / detokenize: the exact command-line interface (arguments, output format),
// checked against the library and the Qwen3 tokenizer (HF's ids for these strings are in
// qwen3_public.jsonl).
#include <QProcess>
#include <QTemporaryFile>
#include <QtTest>

#include "support/test_env.h"

namespace {

QString cli() {
    return folio::test::binaryDir() + "/bin/folio-cli";
}
QString tokenizerJson() {
    return folio::test::sharedPath("data/qwen3-tokenizer/tokenizer.json");
}

QString run(const QStringList& args, int* exitCode = nullptr) {
    QProcess p;
    p.start(cli(), args);
    p.waitForFinished(60000);
    if (exitCode) *exitCode = p.exitCode();
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

}  // namespace

class CliTokenizeTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        FOLIO_REQUIRE_SHARED();
        QVERIFY2(QFileInfo(cli()).isExecutable(), qPrintable(cli() + " missing"));
    }

    void tokenizePrintsIdsOnOneLine() {
        // "Hello world" is [9707, 1879] in Qwen3's vocabulary.
        QCOMPARE(run({"tokenize", "-m", tokenizerJson(), "Hello world"}), QString("9707 1879"));
    }

    void specialTokensOnlyWhenAsked() {
        const QString plain = run({"tokenize", "-m", tokenizerJson(), "<|im_start|>"});
        const QString special =
            run({"tokenize", "-m", tokenizerJson(), "--parse-special", "<|im_start|>"});
        QCOMPARE(special, QString("151644"));
        QVERIFY(plain.split(' ').size() > 1);
        QVERIFY(!plain.split(' ').contains("151644"));
    }

    void fileInputAndDetokenizeRoundTrip() {
        QTemporaryFile f;
        QVERIFY(f.open());
        const QByteArray text = "合同第五条：乙方应在三十日内付款。 Payment within 30 days 👍\n";
        f.write(text);
        f.flush();
        const QString ids = run({"tokenize", "-m", tokenizerJson(), "-f", f.fileName()});
        QVERIFY(!ids.isEmpty());
        QStringList args{"detokenize", "-m", tokenizerJson()};
        args += ids.split(' ');
        QCOMPARE(run(args), QString::fromUtf8(text).trimmed());
    }

    void badArgumentsFailCleanly() {
        int code = 0;
        run({"tokenize", "-m", "/nonexistent/tokenizer.json", "x"}, &code);
        QVERIFY(code != 0);
        run({"detokenize", "-m", tokenizerJson(), "not-a-number"}, &code);
        QVERIFY(code != 0);
    }
};

QTEST_GUILESS_MAIN(CliTokenizeTest)
#include "cli_tokenize_test.moc"
