// The JSON reader/writer in engine/chat/json.h: values, escapes, UTF-8, errors with positions,
// depth limit, and writer round trips.
#include <QtTest>

#include "engine/chat/json.h"

using namespace folio;

class ChatJsonTest : public QObject {
    Q_OBJECT
private slots:
    void scalars() {
        QVERIFY(parseJson("null")->isNull());
        QCOMPARE(parseJson(" true ")->asBool(), true);
        QCOMPARE(parseJson("false")->asBool(true), false);
        QCOMPARE(parseJson("-12")->asInt64().value(), int64_t(-12));
        QCOMPARE(parseJson("9223372036854775807")->asInt64().value(), INT64_MAX);
        QCOMPARE(parseJson("2.5e3")->asDouble(), 2500.0);
        QCOMPARE(parseJson("2.5e3")->asInt64().value(), int64_t(2500));
        QVERIFY(!parseJson("0.5")->asInt64().has_value());
        QCOMPARE(parseJson("1e400").ok(), false);
    }

    void stringsAndEscapes_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("simple escapes") << QByteArray("\"a\\\"b\\\\c\\/d\\n\\t\\r\\b\\f\"")
                                        << QByteArray("a\"b\\c/d\n\t\r\b\f");
        QTest::newRow("bmp escape") << QByteArray("\"\\u00e9\\u4F60\"") << QByteArray("é你");
        QTest::newRow("surrogate pair") << QByteArray("\"\\ud83d\\ude00\"") << QByteArray("😀");
        QTest::newRow("raw utf8") << QByteArray("\"你好 😀\"") << QByteArray("你好 😀");
        QTest::newRow("nul escape") << QByteArray("\"a\\u0000b\"") << QByteArray("a\0b", 3);
    }
    void stringsAndEscapes() {
        QFETCH(QByteArray, json);
        QFETCH(QByteArray, expected);
        auto v = parseJson(std::string_view(json.constData(), size_t(json.size())));
        QVERIFY2(v.ok(), v.ok() ? "" : v.error().message.c_str());
        QCOMPARE(QByteArray::fromStdString(v->asString()), expected);
    }

    void errorsNamePosition_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("empty") << QByteArray("") << "unexpected end of input";
        QTest::newRow("trailing") << QByteArray("[1] x") << "byte 4";
        QTest::newRow("trailing comma") << QByteArray("[1,]") << "byte 3";
        QTest::newRow("line and column") << QByteArray("{\n  \"a\": tru\n}") << "line 2, column 8";
        QTest::newRow("lone low surrogate") << QByteArray("\"\\udc00\"") << "lone low surrogate";
        QTest::newRow("unpaired high") << QByteArray("\"\\ud800x\"") << "high surrogate";
        QTest::newRow("bad utf8") << QByteArray("\"\xc3\x28\"") << "invalid UTF-8";
        QTest::newRow("overlong utf8") << QByteArray("\"\xc0\xaf\"") << "invalid UTF-8";
        QTest::newRow("control char") << QByteArray("\"a\nb\"") << "control character";
        QTest::newRow("leading zero") << QByteArray("01") << "after the JSON value";
        QTest::newRow("unterminated") << QByteArray("{\"a\": [1, 2") << "unterminated array";
        QTest::newRow("bad key") << QByteArray("{a: 1}") << "string key";
    }
    void errorsNamePosition() {
        QFETCH(QByteArray, json);
        QFETCH(QString, fragment);
        auto v = parseJson(std::string_view(json.constData(), size_t(json.size())));
        QVERIFY(!v.ok());
        const QString message = QString::fromStdString(v.error().message);
        QVERIFY2(message.contains(fragment), qPrintable(message));
    }

    void depthLimit() {
        const std::string deep(100000, '[');
        auto v = parseJson(deep);  // must fail cleanly, not overflow the stack
        QVERIFY(!v.ok());
        QVERIFY(QString::fromStdString(v.error().message).contains("nesting deeper than 256"));
        JsonParseOptions o;
        o.maxDepth = 3;
        QVERIFY(parseJson("[[[1]]]", o).ok());
        QVERIFY(!parseJson("[[[[1]]]]", o).ok());
    }

    void objects() {
        auto v = parseJson("{\"b\": 1, \"a\": [true, null, \"x\"], \"b\": 2}");
        QVERIFY(v.ok());
        QCOMPARE(v->members().size(), size_t(3));               // file order kept
        QCOMPARE(v->find("b")->asInt64().value(), int64_t(2));  // last duplicate wins
        QCOMPARE(v->find("a")->items().size(), size_t(3));
        QCOMPARE(v->find("a")->items()[2].asString(), std::string("x"));
        QVERIFY(v->find("missing") == nullptr);
        QVERIFY(!v->stringAt("b").has_value());
    }

    void writerRoundTrip() {
        JsonValue o = JsonValue::object();
        o.set("text", JsonValue::string("line\n\"q\"\\ \x01 é"));
        o.set("n", JsonValue::integer(-3));
        o.set("f", JsonValue::number(0.1));
        o.set("list", JsonValue::array({JsonValue::boolean(true), JsonValue::null()}));
        const std::string compact = toJson(o);
        QCOMPARE(compact, std::string("{\"text\": \"line\\n\\\"q\\\"\\\\ \\u0001 é\", \"n\": -3, "
                                      "\"f\": 0.1, \"list\": [true, null]}"));
        QCOMPARE(*parseJson(compact), o);
        const std::string pretty = toJson(o, 2);
        QVERIFY(pretty.find("\n  \"n\": -3,") != std::string::npos);
        QCOMPARE(*parseJson(pretty), o);
        QCOMPARE(jsonQuote("a\tb"), std::string("\"a\\tb\""));
        QCOMPARE(toJson(JsonValue::number(NAN)), std::string("null"));
        QCOMPARE(toJson(JsonValue::integer(INT64_MAX)), std::string("9223372036854775807"));
        QCOMPARE(toJson(JsonValue::number(1.5e300)), std::string("1.5e+300"));
    }

    // Corrupted inputs never crash or hang: each either parses or reports an error.
    void mutatedInputs() {
        const std::string base =
            "{\"messages\": [{\"role\": \"user\", \"content\": \"h\\u00e9 \\ud83d\\ude00\"}, "
            "[1.5e3, -0, true, null, {\"k\": []}]]}";
        QVERIFY(parseJson(base).ok());
        uint64_t x = 99;
        int failures = 0;
        for (int round = 0; round < 3000; ++round) {
            std::string s = base;
            for (int k = 0; k < 1 + round % 4; ++k) {
                x = x * 6364136223846793005ull + 1442695040888963407ull;
                s[(x >> 33) % s.size()] = char(x >> 56);
            }
            auto v = parseJson(s);
            if (!v.ok()) {
                ++failures;
                QVERIFY(v.error().message.rfind("json: ", 0) == 0);
            } else {
                QVERIFY(parseJson(toJson(*v)).ok());  // what parses also round-trips
            }
        }
        QVERIFY(failures > 0);
    }
};

QTEST_GUILESS_MAIN(ChatJsonTest)
#include "chat_json_test.moc"
