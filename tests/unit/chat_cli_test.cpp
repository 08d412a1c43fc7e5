// `folio-cli template` pieces: the messages file reader, the model's template discovery (GGUF and
// tokenizer_config.json), and runTemplate end to end (stdout captured through a temp file).
#include <unistd.h>

#include <QTemporaryDir>
#include <QtTest>
#include <cstdio>

#include "engine/chat/chat_format.h"
#include "engine/chat/template_cli.h"
#include "support/test_env.h"

using namespace folio;

namespace {

// Runs runTemplate with stdout redirected to a file; returns {exit code, stdout}.
std::pair<int, QByteArray> runCapture(const QStringList& args, const QString& outPath) {
    std::vector<QByteArray> storage;
    storage.push_back("template");
    for (const QString& a : args) storage.push_back(a.toUtf8());
    std::vector<char*> argv;
    for (QByteArray& s : storage) argv.push_back(s.data());
    std::fflush(stdout);
    const int saved = dup(fileno(stdout));
    FILE* out = std::fopen(outPath.toLocal8Bit().constData(), "wb");
    dup2(fileno(out), fileno(stdout));
    const int rc = runTemplate(int(argv.size()), argv.data());
    std::fflush(stdout);
    dup2(saved, fileno(stdout));
    close(saved);
    std::fclose(out);
    QFile f(outPath);
    f.open(QIODevice::ReadOnly);
    return {rc, f.readAll()};
}

}  // namespace

class ChatCliTest : public QObject {
    Q_OBJECT
private slots:
    void parseMessages() {
        auto a = parseChatMessages("[{\"role\": \"user\", \"content\": \"hi \\u4f60\"}]");
        QVERIFY(a.ok());
        QCOMPARE(a->size(), size_t(1));
        QCOMPARE((*a)[0].content, std::string("hi 你"));
        auto b = parseChatMessages(
            "{\"messages\": [{\"role\": \"system\", \"content\": null}, {\"role\": \"user\", "
            "\"content\": \"x\"}]}");
        QVERIFY(b.ok());
        QCOMPARE((*b)[0].content, std::string());
        QCOMPARE((*b)[1].role, std::string("user"));
    }

    void parseMessagesErrors_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("not array") << QByteArray("{\"x\": 1}") << "expected an array";
        QTest::newRow("no role") << QByteArray("[{\"role\": \"user\"}, {\"content\": \"a\"}]")
                                 << "messages[1].role";
        QTest::newRow("content type")
            << QByteArray("[{\"role\": \"user\", \"content\": 3}]") << "messages[0].content";
        QTest::newRow("syntax") << QByteArray("[{\"role\": }]") << "json:";
    }
    void parseMessagesErrors() {
        QFETCH(QByteArray, json);
        QFETCH(QString, fragment);
        auto r = parseChatMessages(std::string_view(json.constData(), size_t(json.size())));
        QVERIFY(!r.ok());
        QVERIFY2(QString::fromStdString(r.error().message).contains(fragment),
                 r.error().message.c_str());
    }

    void usageAndInputErrors() {
        QTemporaryDir dir;
        const QString out = dir.filePath("out.txt");
        QCOMPARE(runCapture({}, out).first, 2);
        QCOMPARE(runCapture({"--format", "chatml"}, out).first, 2);  // no --messages
        QCOMPARE(runCapture({"--bogus"}, out).first, 2);
        QCOMPARE(runCapture({"--format", "chatml", "--messages", dir.filePath("missing.json")}, out)
                     .first,
                 1);
        QCOMPARE(runCapture({"-m", dir.filePath("missing.gguf"), "--messages",
                             dir.filePath("missing.json")},
                            out)
                     .first,
                 1);
    }

    void rendersWithFormat() {
        QTemporaryDir dir;
        QFile msgs(dir.filePath("m.json"));
        QVERIFY(msgs.open(QIODevice::WriteOnly));
        msgs.write("[{\"role\": \"user\", \"content\": \"Hi\"}]");
        msgs.close();
        auto [rc, text] = runCapture({"--format", "qwen3", "--messages", msgs.fileName(),
                                      "--add-generation-prompt", "--no-think"},
                                     dir.filePath("o"));
        QCOMPARE(rc, 0);
        QCOMPARE(text, QByteArray("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
                                  "<think>\n\n</think>\n\n"));
        auto [rc2, text2] =
            runCapture({"--format", "qwen3", "--messages", msgs.fileName()}, dir.filePath("o2"));
        QCOMPARE(rc2, 0);
        QCOMPARE(text2, QByteArray("<|im_start|>user\nHi<|im_end|>\n"));
    }

    void tokenizerConfigTemplate() {
        FOLIO_REQUIRE_SHARED();
        auto info = readModelTemplate(
            folio::test::sharedPath("data/qwen3-tokenizer/tokenizer.json").toStdString());
        QVERIFY2(info.ok(), info.ok() ? "" : info.error().message.c_str());
        QVERIFY(info->chatTemplate.find("enable_thinking") != std::string::npos);
        QCOMPARE(selectChatFormatter(info->architecture, info->chatTemplate)->name(),
                 std::string_view("qwen3"));
    }

    void defaultModelTemplate() {
        FOLIO_REQUIRE_MODEL();
        auto info = readModelTemplate(folio::test::modelPath().toStdString());
        QVERIFY2(info.ok(), info.ok() ? "" : info.error().message.c_str());
        QCOMPARE(info->architecture, std::string("qwen2"));
        QCOMPARE(selectChatFormatter(info->architecture, info->chatTemplate)->name(),
                 std::string_view("qwen2.5"));
        // Without the embedded template the architecture alone picks the same family.
        QCOMPARE(selectChatFormatter(info->architecture, "")->name(), std::string_view("qwen2.5"));
    }
};

QTEST_GUILESS_MAIN(ChatCliTest)
#include "chat_cli_test.moc"
