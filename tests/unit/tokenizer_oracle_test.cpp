// Compares Folio's Qwen3 tokenizer with Hugging Face `tokenizers` on the golden file that
// scripts/tokenizer_oracle.py writes (10,000 mixed strings + a long zh/en text, and the list of
// vocabulary ids that do not round-trip in HF). Everything must match.
#include <QDir>
#include <QFile>
#include <QSet>
#include <QtTest>

#include "engine/chat/json.h"
#include "engine/tokenizer/tokenizer.h"
#include "support/test_env.h"

class TokenizerOracleTest : public QObject {
    Q_OBJECT
    std::unique_ptr<folio::Tokenizer> m_tok;
    struct Case {
        std::string text;
        std::string decoded;
        std::vector<int32_t> ids;
    };
    std::vector<Case> m_cases;
    QSet<int> m_exceptions;

private slots:
    void initTestCase() {
        if (!folio::test::haveShared()) return;
        auto t = folio::Tokenizer::fromTokenizerJson(
            folio::test::sharedPath("data/qwen3-tokenizer/tokenizer.json").toStdString());
        QVERIFY2(t.ok(), t.ok() ? "" : t.error().message.c_str());
        m_tok = std::move(*t);
        QFile f(QDir(folio::test::sourceDir()).filePath("tests/data/tokenizer/qwen3_oracle.jsonl"));
        QVERIFY2(f.open(QIODevice::ReadOnly), "tests/data/tokenizer/qwen3_oracle.jsonl missing");
        // Parsed with the engine's JSON reader: QString would drop a leading U+FEFF.
        while (!f.atEnd()) {
            const QByteArray line = f.readLine();
            auto o = folio::parseJson(std::string_view(line.constData(), size_t(line.size())));
            QVERIFY(o.ok());
            if (const folio::JsonValue* ex = o->find("roundtrip_exceptions")) {
                for (const auto& v : ex->items()) m_exceptions << int(v.asDouble());
            } else if (const folio::JsonValue* t = o->find("t")) {
                Case c{t->asString(), t->asString(), {}};
                if (const folio::JsonValue* d = o->find("d")) c.decoded = d->asString();
                for (const auto& v : o->find("i")->items()) c.ids.push_back(int32_t(v.asDouble()));
                m_cases.push_back(std::move(c));
            }
        }
    }

    void encodeMatchesHf() {
        FOLIO_REQUIRE_SHARED();
        QVERIFY(m_cases.size() > 10000);
        int failures = 0;
        for (const Case& c : m_cases) {
            const std::vector<int32_t> got = m_tok->encode(c.text, true);
            if (got != c.ids || m_tok->decode(got) != c.decoded) {
                if (++failures <= 5) qWarning("mismatch for: %s", c.text.c_str());
            }
        }
        QCOMPARE(failures, 0);
    }

    void vocabularyRoundTrips() {
        FOLIO_REQUIRE_SHARED();
        QVERIFY(!m_exceptions.isEmpty());
        int checked = 0;
        for (int32_t id = 0; id < m_tok->vocabSize(); ++id) {
            if (m_exceptions.contains(id)) continue;
            const std::vector<int32_t> ids = m_tok->encode(m_tok->decode({id}), true);
            if (ids != std::vector<int32_t>{id})
                QFAIL(qPrintable(QString("token %1 does not round-trip").arg(id)));
            ++checked;
        }
        QVERIFY(checked > 140000);
    }
};

QTEST_APPLESS_MAIN(TokenizerOracleTest)
#include "tokenizer_oracle_test.moc"
