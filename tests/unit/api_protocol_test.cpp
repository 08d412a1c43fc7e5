// The OpenAI-compatible API's wire format (app/api/openai_protocol.h): request bodies become
// engine requests or 400s that name the field; replies and stream chunks are what OpenAI's
// clients parse (ids, objects, choices, usage, [DONE]); errors are OpenAI's error JSON.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include "app/api/openai_protocol.h"

using namespace folio;
using namespace folio::api;

namespace {

QJsonObject json(const QByteArray& bytes) {
    return QJsonDocument::fromJson(bytes).object();
}

// The JSON of one "data: {...}\n\n" event.
QJsonObject eventJson(const QByteArray& event) {
    if (!event.startsWith("data: ") || !event.endsWith("\n\n")) return {};
    return json(event.mid(6, event.size() - 8));
}

std::optional<ApiError> parse(Endpoint e, const char* body, ApiRequest& out) {
    return parseRequest(e, QByteArray(body), out);
}

}  // namespace

class ApiProtocolTest : public QObject {
    Q_OBJECT

private slots:
    void aChatRequestBecomesAnEngineRequest() {
        ApiRequest r;
        const auto error = parse(Endpoint::Chat,
                                 R"({"model": "any", "messages": [
                {"role": "developer", "content": "Be brief."},
                {"role": "user", "content": [{"type": "text", "text": "Hi "},
                                             {"type": "text", "text": "there"}]}],
                "max_tokens": 12, "temperature": 0, "top_p": 0.5, "stop": ["\n", "END"],
                "seed": 7, "stream": true, "stream_options": {"include_usage": true}})",
                                 r);
        QVERIFY(!error);
        QCOMPARE(r.engine.messages.size(), size_t(2));
        QCOMPARE(r.engine.messages[0].role, std::string("system"));  // developer = system
        QCOMPARE(r.engine.messages[1].content, std::string("Hi there"));
        QCOMPARE(r.engine.maxTokens, 12);
        QCOMPARE(r.engine.sampling.temperature, 0.0f);
        QCOMPARE(r.engine.sampling.topP, 0.5f);
        QCOMPARE(r.engine.sampling.seed, uint64_t(7));
        QCOMPARE(r.engine.sampling.stopStrings, (std::vector<std::string>{"\n", "END"}));
        QVERIFY(r.stream);
        QVERIFY(r.includeUsage);
        QVERIFY(!r.engine.rawPrompt);

        // Defaults: the model's recommended sampling, 2048 tokens, not streamed.
        QVERIFY(!parse(Endpoint::Chat, R"({"messages": [{"role": "user", "content": "x"}]})", r));
        QCOMPARE(r.engine.maxTokens, kDefaultMaxTokens);
        QCOMPARE(r.engine.sampling.temperature, SamplingParams::qwen3NonThinking().temperature);
        QVERIFY(!r.stream);
        QCOMPARE(promptCharacters(r), qsizetype(1));
    }

    void aCompletionRequestIsAPlainPrompt() {
        ApiRequest r;
        QVERIFY(!parse(Endpoint::Completion,
                       R"({"prompt": "The capital of France is", "max_tokens": 5, "stop": "."})",
                       r));
        QVERIFY(r.engine.rawPrompt);
        QCOMPARE(*r.engine.rawPrompt, std::string("The capital of France is"));
        QCOMPARE(r.engine.sampling.stopStrings, std::vector<std::string>{"."});
        QVERIFY(!parse(Endpoint::Completion, R"({"prompt": ["one prompt"]})", r));
        QCOMPARE(*r.engine.rawPrompt, std::string("one prompt"));
    }

    void badBodiesAre400sNamingTheField_data() {
        QTest::addColumn<int>("endpoint");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("param");
        QTest::addColumn<QString>("code");
        const int chat = int(Endpoint::Chat);
        QTest::newRow("not json") << chat << QByteArray(R"({"messages": [)") << ""
                                  << "invalid_json";
        QTest::newRow("an array") << chat << QByteArray("[1, 2]") << ""
                                  << "invalid_json";
        QTest::newRow("no messages") << chat << QByteArray("{}") << "messages"
                                     << "";
        QTest::newRow("messages a string")
            << chat << QByteArray(R"({"messages": "hi"})") << "messages"
            << "";
        QTest::newRow("a tool role")
            << chat << QByteArray(R"({"messages": [{"role": "tool", "content": "x"}]})")
            << "messages"
            << "";
        QTest::newRow("an image part")
            << chat
            << QByteArray(R"({"messages": [{"role": "user", "content": [{"type": "image_url"}]}]})")
            << "messages"
            << "";
        const QByteArray one = R"("messages": [{"role": "user", "content": "x"}])";
        QTest::newRow("temperature 3") << chat << "{" + one + R"(, "temperature": 3})"
                                       << "temperature"
                                       << "";
        QTest::newRow("max_tokens text") << chat << "{" + one + R"(, "max_tokens": "9"})"
                                         << "max_tokens"
                                         << "";
        QTest::newRow("max_tokens 0") << chat << "{" + one + R"(, "max_tokens": 0})"
                                      << "max_tokens"
                                      << "";
        QTest::newRow("five stops") << chat << "{" + one + R"(, "stop": ["a","b","c","d","e"]})"
                                    << "stop"
                                    << "";
        QTest::newRow("stop a number") << chat << "{" + one + R"(, "stop": 4})"
                                       << "stop"
                                       << "";
        QTest::newRow("n 2") << chat << "{" + one + R"(, "n": 2})"
                             << "n"
                             << "";
        QTest::newRow("stream text") << chat << "{" + one + R"(, "stream": "yes"})"
                                     << "stream"
                                     << "";
        QTest::newRow("prompt missing") << int(Endpoint::Completion) << QByteArray("{}") << "prompt"
                                        << "";
    }

    void badBodiesAre400sNamingTheField() {
        QFETCH(int, endpoint);
        QFETCH(QByteArray, body);
        QFETCH(QString, param);
        QFETCH(QString, code);
        ApiRequest r;
        const auto error = parseRequest(Endpoint(endpoint), body, r);
        QVERIFY(error);
        QCOMPARE(error->status, 400);
        QCOMPARE(error->param, param);
        QCOMPARE(error->code, code);
        QVERIFY(!error->message.isEmpty());
        const QJsonObject e = json(errorBody(*error)).value("error").toObject();
        QCOMPARE(e.value("message").toString(), error->message);
        QCOMPARE(e.value("type").toString(), QString("invalid_request_error"));
        QCOMPARE(e.value("param").isNull(), param.isEmpty());
        QCOMPARE(e.value("code").isNull(), code.isEmpty());
    }

    void repliesAreWhatOpenAIClientsRead() {
        const ReplyHead head{"chatcmpl-1", "qwen", 1700000000};
        const QJsonObject whole =
            json(completionBody(Endpoint::Chat, head, "Hello", "stop", {10, 2}));
        QCOMPARE(whole.value("object").toString(), QString("chat.completion"));
        QCOMPARE(whole.value("id").toString(), QString("chatcmpl-1"));
        const QJsonObject choice = whole.value("choices").toArray().at(0).toObject();
        QCOMPARE(choice.value("message").toObject().value("content").toString(), QString("Hello"));
        QCOMPARE(choice.value("message").toObject().value("role").toString(), QString("assistant"));
        QCOMPARE(choice.value("finish_reason").toString(), QString("stop"));
        QCOMPARE(whole.value("usage").toObject().value("total_tokens").toInt(), 12);

        const QJsonObject text =
            json(completionBody(Endpoint::Completion, head, " Paris", "length", {5, 5}));
        QCOMPARE(text.value("object").toString(), QString("text_completion"));
        QCOMPARE(text.value("choices").toArray().at(0).toObject().value("text").toString(),
                 QString(" Paris"));

        // The stream: role first, text pieces, the finish reason, usage, [DONE].
        QCOMPARE(eventJson(roleChunk(head))
                     .value("choices")
                     .toArray()
                     .at(0)
                     .toObject()
                     .value("delta")
                     .toObject()
                     .value("role")
                     .toString(),
                 QString("assistant"));
        const QJsonObject piece = eventJson(textChunk(Endpoint::Chat, head, "Hel"));
        QCOMPARE(piece.value("object").toString(), QString("chat.completion.chunk"));
        const QJsonObject pieceChoice = piece.value("choices").toArray().at(0).toObject();
        QCOMPARE(pieceChoice.value("delta").toObject().value("content").toString(), QString("Hel"));
        QVERIFY(pieceChoice.value("finish_reason").isNull());
        QCOMPARE(eventJson(finishChunk(Endpoint::Chat, head, "length"))
                     .value("choices")
                     .toArray()
                     .at(0)
                     .toObject()
                     .value("finish_reason")
                     .toString(),
                 QString("length"));
        const QJsonObject usage = eventJson(usageChunk(Endpoint::Chat, head, {3, 4}));
        QVERIFY(usage.value("choices").toArray().isEmpty());
        QCOMPARE(usage.value("usage").toObject().value("completion_tokens").toInt(), 4);
        QCOMPARE(json(completionBody(Endpoint::Chat, head, "x", "stop", {10, 1, 8}))
                     .value("usage")
                     .toObject()
                     .value("prompt_tokens_details")
                     .toObject()
                     .value("cached_tokens")
                     .toInt(),
                 8);
        QCOMPARE(eventJson(textChunk(Endpoint::Completion, head, "x"))
                     .value("choices")
                     .toArray()
                     .at(0)
                     .toObject()
                     .value("text")
                     .toString(),
                 QString("x"));
        QCOMPARE(doneEvent(), QByteArray("data: [DONE]\n\n"));

        QCOMPARE(finishReasonName(FinishReason::StopString), QString("stop"));
        QCOMPARE(finishReasonName(FinishReason::EndOfText), QString("stop"));
        QCOMPARE(finishReasonName(FinishReason::Length), QString("length"));
        QVERIFY(finishReasonName(FinishReason::Cancelled).isEmpty());

        const QJsonArray models = json(modelList("qwen", 5)).value("data").toArray();
        QCOMPARE(models.size(), 1);
        QCOMPARE(models.at(0).toObject().value("id").toString(), QString("qwen"));
        QVERIFY(json(modelList(QString(), 5)).value("data").toArray().isEmpty());
    }
};

QTEST_GUILESS_MAIN(ApiProtocolTest)
#include "api_protocol_test.moc"
