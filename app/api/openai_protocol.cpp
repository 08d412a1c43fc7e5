#include "app/api/openai_protocol.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace folio::api {

namespace {

constexpr int kMaxStopStrings = 4;
constexpr int kMaxTokensLimit = 32768;  // the engine's largest context

// What differs between the two endpoints' replies.
struct EndpointNames {
    const char* object;       // the whole reply
    const char* chunkObject;  // a stream chunk
};
constexpr EndpointNames kNames[] = {
    {"chat.completion", "chat.completion.chunk"},  // Endpoint::Chat
    {"text_completion", "text_completion"},        // Endpoint::Completion
};

const EndpointNames& namesOf(Endpoint e) {
    return kNames[int(e)];
}

ApiError invalid(const QString& param, const QString& message) {
    ApiError e;
    e.param = param;
    e.message = message;
    return e;
}

// A message's content: a string, or OpenAI's parts [{type: "text", text}] joined.
std::optional<QString> contentText(const QJsonValue& content) {
    if (content.isString()) return content.toString();
    if (content.isNull() || content.isUndefined()) return QString();
    if (!content.isArray()) return std::nullopt;
    QString text;
    for (const QJsonValue& part : content.toArray()) {
        const QJsonObject p = part.toObject();
        if (p.value("type").toString() != QLatin1String("text") || !p.value("text").isString())
            return std::nullopt;
        text += p.value("text").toString();
    }
    return text;
}

std::optional<ApiError> parseMessages(const QJsonValue& value, GenerationRequest& out) {
    if (!value.isArray() || value.toArray().isEmpty())
        return invalid("messages", "'messages' must be a non-empty array of messages.");
    for (const QJsonValue& m : value.toArray()) {
        const QJsonObject o = m.toObject();
        QString role = o.value("role").toString();
        if (role == QLatin1String("developer")) role = QStringLiteral("system");
        if (role != QLatin1String("system") && role != QLatin1String("user") &&
            role != QLatin1String("assistant"))
            return invalid("messages",
                           "Each message needs a role of 'system', 'developer', 'user' or "
                           "'assistant'.");
        const std::optional<QString> text = contentText(o.value("content"));
        if (!text)
            return invalid("messages", "A message's content must be a string or text parts.");
        out.messages.push_back({role.toStdString(), text->toStdString()});
    }
    return std::nullopt;
}

std::optional<ApiError> parseStop(const QJsonValue& value, SamplingParams& out) {
    if (value.isUndefined() || value.isNull()) return std::nullopt;
    QJsonArray list;
    if (value.isString())
        list.append(value);
    else if (value.isArray())
        list = value.toArray();
    else
        return invalid("stop", "'stop' must be a string or an array of strings.");
    if (list.size() > kMaxStopStrings) return invalid("stop", "'stop' takes at most 4 strings.");
    for (const QJsonValue& s : list) {
        if (!s.isString())
            return invalid("stop", "'stop' must be a string or an array of strings.");
        if (!s.toString().isEmpty()) out.stopStrings.push_back(s.toString().toStdString());
    }
    return std::nullopt;
}

// A number field within [lo, hi] when present.
std::optional<ApiError> readNumber(const QJsonObject& o, const char* name, double lo, double hi,
                                   std::optional<double>& out) {
    const QJsonValue v = o.value(QLatin1String(name));
    if (v.isUndefined() || v.isNull()) return std::nullopt;
    if (!v.isDouble() || v.toDouble() < lo || v.toDouble() > hi)
        return invalid(name, QStringLiteral("'%1' must be a number from %2 to %3.")
                                 .arg(QLatin1String(name))
                                 .arg(lo)
                                 .arg(hi));
    out = v.toDouble();
    return std::nullopt;
}

std::optional<ApiError> parseSampling(const QJsonObject& o, ApiRequest& out) {
    // Unset fields keep the model family's recommended values (Qwen: 0.7 / 0.8, top-k 20).
    SamplingParams& s = out.engine.sampling;
    s = SamplingParams::qwen3NonThinking();
    std::optional<double> temperature, topP, maxTokens, seed;
    for (auto [name, lo, hi, slot] :
         {std::tuple{"temperature", 0.0, 2.0, &temperature}, std::tuple{"top_p", 0.0, 1.0, &topP},
          std::tuple{"max_tokens", 1.0, double(kMaxTokensLimit), &maxTokens},
          std::tuple{"max_completion_tokens", 1.0, double(kMaxTokensLimit), &maxTokens},
          std::tuple{"seed", -9.2e18, 9.2e18, &seed}})
        if (auto e = readNumber(o, name, lo, hi, *slot)) return e;
    if (temperature) s.temperature = float(*temperature);
    if (topP) s.topP = float(*topP);
    if (seed) s.seed = uint64_t(int64_t(*seed)) == 0 ? 1 : uint64_t(int64_t(*seed));
    out.engine.maxTokens = maxTokens ? int(*maxTokens) : kDefaultMaxTokens;
    out.maxTokensGiven = maxTokens.has_value();
    const QJsonValue n = o.value("n");
    if (!n.isUndefined() && !n.isNull() && n.toInt(0) != 1)
        return invalid("n", "Only n = 1 is supported.");
    return parseStop(o.value("stop"), s);
}

QJsonObject headObject(const char* object, const ReplyHead& head) {
    return {{"id", head.id},
            {"object", QLatin1String(object)},
            {"created", head.created},
            {"model", head.model}};
}

QJsonValue finishValue(const QString& finishReason) {
    return finishReason.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(finishReason);
}

QJsonObject usageObject(const Usage& u) {
    return {{"prompt_tokens", u.promptTokens},
            {"completion_tokens", u.completionTokens},
            {"total_tokens", u.promptTokens + u.completionTokens},
            {"prompt_tokens_details", QJsonObject{{"cached_tokens", u.cachedTokens}}}};
}

QByteArray event(const QJsonObject& o) {
    return "data: " + QJsonDocument(o).toJson(QJsonDocument::Compact) + "\n\n";
}

// One choice of a stream chunk: the delta (chat) or the text (completions).
QJsonObject chunkChoice(Endpoint endpoint, const QJsonObject& delta, const QString& text,
                        const QString& finishReason) {
    QJsonObject choice{{"index", 0}, {"finish_reason", finishValue(finishReason)}};
    if (endpoint == Endpoint::Chat) {
        choice.insert("delta", delta);
    } else {
        choice.insert("text", text);
        choice.insert("logprobs", QJsonValue::Null);
    }
    return choice;
}

QByteArray chunk(Endpoint endpoint, const ReplyHead& head, const QJsonObject& choice) {
    QJsonObject o = headObject(namesOf(endpoint).chunkObject, head);
    o.insert("choices", QJsonArray{choice});
    return event(o);
}

}  // namespace

std::optional<ApiError> parseRequest(Endpoint endpoint, const QByteArray& body, ApiRequest& out) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        ApiError e = invalid(QString(), QStringLiteral("The request body is not valid JSON: %1.")
                                            .arg(parseError.error != QJsonParseError::NoError
                                                     ? parseError.errorString()
                                                     : QStringLiteral("not an object")));
        e.code = QStringLiteral("invalid_json");
        return e;
    }
    const QJsonObject o = doc.object();
    out = {};
    out.endpoint = endpoint;
    if (endpoint == Endpoint::Chat) {
        if (auto e = parseMessages(o.value("messages"), out.engine)) return e;
    } else {
        QJsonValue prompt = o.value("prompt");
        if (prompt.isArray() && prompt.toArray().size() == 1) prompt = prompt.toArray().first();
        if (!prompt.isString()) return invalid("prompt", "'prompt' must be a string.");
        out.engine.rawPrompt = prompt.toString().toStdString();
    }
    if (auto e = parseSampling(o, out)) return e;
    const QJsonValue stream = o.value("stream");
    if (!stream.isUndefined() && !stream.isNull() && !stream.isBool())
        return invalid("stream", "'stream' must be true or false.");
    out.stream = stream.toBool(false);
    out.includeUsage = o.value("stream_options").toObject().value("include_usage").toBool(false);
    return std::nullopt;
}

qsizetype promptCharacters(const ApiRequest& request) {
    if (request.engine.rawPrompt) return qsizetype(request.engine.rawPrompt->size());
    qsizetype n = 0;
    for (const ChatMessage& m : request.engine.messages) n += qsizetype(m.content.size());
    return n;
}

QByteArray errorBody(const ApiError& error) {
    const auto orNull = [](const QString& s) {
        return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
    };
    const QJsonObject e{{"message", error.message},
                        {"type", error.type},
                        {"param", orNull(error.param)},
                        {"code", orNull(error.code)}};
    return QJsonDocument(QJsonObject{{"error", e}}).toJson(QJsonDocument::Compact);
}

QString finishReasonName(FinishReason reason) {
    switch (reason) {
        case FinishReason::EndOfText:
        case FinishReason::StopString:
            return QStringLiteral("stop");
        case FinishReason::Length:
            return QStringLiteral("length");
        case FinishReason::Cancelled:
        case FinishReason::Error:
            break;
    }
    return {};
}

QByteArray completionBody(Endpoint endpoint, const ReplyHead& head, const QString& text,
                          const QString& finishReason, const Usage& usage) {
    QJsonObject choice{{"index", 0}, {"finish_reason", finishValue(finishReason)}};
    if (endpoint == Endpoint::Chat) {
        choice.insert("message", QJsonObject{{"role", "assistant"}, {"content", text}});
    } else {
        choice.insert("text", text);
        choice.insert("logprobs", QJsonValue::Null);
    }
    QJsonObject o = headObject(namesOf(endpoint).object, head);
    o.insert("choices", QJsonArray{choice});
    o.insert("usage", usageObject(usage));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray roleChunk(const ReplyHead& head) {
    return chunk(Endpoint::Chat, head,
                 chunkChoice(Endpoint::Chat, {{"role", "assistant"}, {"content", ""}}, QString(),
                             QString()));
}

QByteArray textChunk(Endpoint endpoint, const ReplyHead& head, const QString& text) {
    return chunk(endpoint, head, chunkChoice(endpoint, {{"content", text}}, text, QString()));
}

QByteArray finishChunk(Endpoint endpoint, const ReplyHead& head, const QString& finishReason) {
    return chunk(endpoint, head, chunkChoice(endpoint, {}, QString(), finishReason));
}

QByteArray usageChunk(Endpoint endpoint, const ReplyHead& head, const Usage& usage) {
    QJsonObject o = headObject(namesOf(endpoint).chunkObject, head);
    o.insert("choices", QJsonArray{});
    o.insert("usage", usageObject(usage));
    return event(o);
}

QByteArray doneEvent() {
    return QByteArrayLiteral("data: [DONE]\n\n");
}

QByteArray errorEvent(const ApiError& error) {
    return "data: " + errorBody(error) + "\n\n";
}

QByteArray modelList(const QString& modelId, qint64 created) {
    QJsonArray data;
    if (!modelId.isEmpty())
        data.append(QJsonObject{
            {"id", modelId}, {"object", "model"}, {"created", created}, {"owned_by", "folio"}});
    return QJsonDocument(QJsonObject{{"object", "list"}, {"data", data}})
        .toJson(QJsonDocument::Compact);
}

}  // namespace folio::api
