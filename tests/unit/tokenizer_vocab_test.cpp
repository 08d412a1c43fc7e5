// llama.cpp's vocabulary fixtures: every ggml-vocab-*.gguf in ../shared/data/vocab with its
// .inp (inputs separated by "\n__ggml_vocab_test__\n") and .out (expected ids, one line each,
// encoded without BOS and without special-token parsing). All must match exactly.
#include <QDir>
#include <QFile>
#include <QtTest>

#include "engine/gguf/gguf.h"
#include "engine/tokenizer/tokenizer.h"
#include "support/test_env.h"

namespace {

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

std::vector<int32_t> parseIds(const QByteArray& line) {
    std::vector<int32_t> ids;
    for (const QByteArray& part : line.split(' '))
        if (!part.trimmed().isEmpty()) ids.push_back(part.trimmed().toInt());
    return ids;
}

QString show(const std::vector<int32_t>& ids) {
    QStringList parts;
    for (int32_t id : ids) parts << QString::number(id);
    return parts.join(' ');
}

}  // namespace

class TokenizerVocabTest : public QObject {
    Q_OBJECT
private slots:
    void fixtures_data() {
        QTest::addColumn<QString>("gguf");
        if (!folio::test::haveShared()) {
            QTest::newRow("none") << QString();
            return;
        }
        const QDir dir(folio::test::sharedPath("data/vocab"));
        for (const QString& name : dir.entryList({"ggml-vocab-*.gguf"}, QDir::Files))
            QTest::newRow(name.toUtf8().constData()) << dir.filePath(name);
    }

    void fixtures() {
        FOLIO_REQUIRE_SHARED();
        QFETCH(QString, gguf);
        auto file = folio::GgufFile::open(gguf.toStdString());
        QVERIFY2(file.ok(), file.ok() ? "" : file.error().message.c_str());
        auto tok = folio::Tokenizer::fromGguf(**file);
        QVERIFY2(tok.ok(), tok.ok() ? "" : tok.error().message.c_str());

        const QByteArray inp = readAll(gguf + ".inp");
        const QByteArray out = readAll(gguf + ".out");
        QVERIFY(!inp.isEmpty() && !out.isEmpty());
        // Split on the separator by hand (QByteArray has no multi-byte split).
        const QByteArray sep = "\n__ggml_vocab_test__\n";
        QList<QByteArray> texts;
        for (qsizetype pos = 0;;) {
            const qsizetype next = inp.indexOf(sep, pos);
            if (next < 0) {
                texts << inp.mid(pos);
                break;
            }
            texts << inp.mid(pos, next - pos);
            pos = next + sep.size();
        }
        QList<QByteArray> lines = out.split('\n');
        // Both end with a separator/newline, leaving one empty trailing element.
        QCOMPARE(texts.size(), lines.size());
        int checked = 0;
        for (qsizetype i = 0; i + 1 < texts.size(); ++i) {
            const std::string text = texts[i].toStdString();
            const std::vector<int32_t> expected = parseIds(lines[i]);
            const std::vector<int32_t> got = (*tok)->encode(text, false);
            if (got != expected) {
                QFAIL(qPrintable(QString("input %1 %2\n expected: %3\n got:      %4")
                                     .arg(i)
                                     .arg(QString::fromUtf8(texts[i].left(60)))
                                     .arg(show(expected), show(got))));
            }
            ++checked;
        }
        QVERIFY(checked >= 40);
    }
};

QTEST_APPLESS_MAIN(TokenizerVocabTest)
#include "tokenizer_vocab_test.moc"
