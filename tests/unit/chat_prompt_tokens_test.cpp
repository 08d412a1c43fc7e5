// Template + tokenizer together: Qwen3 prompts rendered by the qwen3 formatter and encoded with
// Tokenizer::encodePrompt give the ids HF tokenizers gives for the same prompt
// (tests/data/templates/qwen3_tokens.jsonl, from scripts/gen_template_goldens.py). Only
// conversations whose contents hold no control-token text are compared: there HF would parse the
// typed "<|im_start|>" as a control token and Folio, by design, does not.
#include <QFile>
#include <QtTest>
#include <map>

#include "engine/chat/chat_format.h"
#include "engine/chat/json.h"
#include "engine/tokenizer/tokenizer.h"
#include "support/test_env.h"

using namespace folio;

namespace {

std::vector<JsonValue> readJsonLines(const QString& rel) {
    std::vector<JsonValue> out;
    QFile file(QDir(folio::test::sourceDir()).filePath(rel));
    if (!file.open(QIODevice::ReadOnly)) return out;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty()) continue;
        auto v = parseJson(std::string_view(line.constData(), size_t(line.size())));
        if (v) out.push_back(std::move(*v));
    }
    return out;
}

}  // namespace

class ChatPromptTokensTest : public QObject {
    Q_OBJECT
private slots:
    void qwen3PromptIds() {
        FOLIO_REQUIRE_SHARED();
        auto tok = Tokenizer::fromTokenizerJson(
            folio::test::sharedPath("data/qwen3-tokenizer/tokenizer.json").toStdString());
        QVERIFY2(tok.ok(), tok.ok() ? "" : tok.error().message.c_str());
        std::map<std::string, JsonValue> cases;
        for (JsonValue& v : readJsonLines("tests/data/templates/qwen3.jsonl"))
            cases[std::string(v.stringAt("id").value_or(""))] = std::move(v);
        const auto goldens = readJsonLines("tests/data/templates/qwen3_tokens.jsonl");
        QVERIFY(goldens.size() >= 50);
        auto f = makeChatFormatter("qwen3");
        for (const JsonValue& g : goldens) {
            const std::string id(g.stringAt("id").value_or(""));
            QVERIFY2(cases.count(id) == 1, id.c_str());
            const JsonValue& c = cases[id];
            std::vector<ChatMessage> messages;
            for (const JsonValue& m : c.find("messages")->items())
                messages.push_back({m.find("role")->asString(), m.find("content")->asString()});
            ChatTemplateOptions o;
            o.addGenerationPrompt = c.find("options")->find("add_generation_prompt")->asBool();
            o.enableThinking = c.find("options")->find("enable_thinking")->asBool();
            std::vector<int32_t> expected;
            for (const JsonValue& i : g.find("ids")->items())
                expected.push_back(int32_t(i.asInt64().value_or(-1)));
            const PromptText prompt = f->render(messages, o);
            const std::vector<int32_t> got = (*tok)->encodePrompt(prompt);
            if (got != expected) qWarning("case %s: token ids differ", id.c_str());
            QCOMPARE(got, expected);
            // Again: long segments now come from the per-segment cache and must not change.
            QCOMPARE((*tok)->encodePrompt(prompt), expected);
        }
    }
};

QTEST_GUILESS_MAIN(ChatPromptTokensTest)
#include "chat_prompt_tokens_test.moc"
