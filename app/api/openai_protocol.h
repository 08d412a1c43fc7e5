#pragma once
// The OpenAI-compatible API's wire format: a request body checked and turned into the
// engine's terms; replies, stream chunks and errors as OpenAI's clients read them. Pure
// functions, callable on any thread; the HTTP side is api_server.h.
//
// What is accepted: POST /v1/chat/completions {model, messages (role system|developer|user|
// assistant, content a string or text parts), max_tokens | max_completion_tokens, temperature,
// top_p, stop (a string or up to 4), seed, stream, stream_options.include_usage, n = 1} and
// POST /v1/completions {model, prompt (a string), the same sampling fields}. Unknown fields are
// ignored, as OpenAI's own server does for many; a field of the wrong type is a 400 naming it.
#include <QByteArray>
#include <QString>
#include <optional>

#include "engine/runtime/engine.h"

namespace folio::api {

enum class Endpoint { Chat, Completion };

// An error as OpenAI sends it: {"error": {"message", "type", "param", "code"}}.
struct ApiError {
    int status = 400;
    QString message;
    QString type = QStringLiteral("invalid_request_error");
    QString code;   // empty: null
    QString param;  // empty: null
};

struct ApiRequest {
    Endpoint endpoint = Endpoint::Chat;
    GenerationRequest engine;  // messages or rawPrompt, sampling, maxTokens
    bool stream = false;
    bool includeUsage = false;  // stream_options.include_usage
    bool maxTokensGiven = false;
};

constexpr int kDefaultMaxTokens = 2048;

// Parses a request body; the error when it is not one this server can answer.
std::optional<ApiError> parseRequest(Endpoint endpoint, const QByteArray& body, ApiRequest& out);

// The prompt's length before the chat template (the sum of the messages' or the prompt's
// characters), for a quick over-long check before tokenizing.
qsizetype promptCharacters(const ApiRequest& request);

QByteArray errorBody(const ApiError& error);

// "stop" (end of text or a stop string) or "length"; empty for a cancelled or failed reply.
QString finishReasonName(FinishReason reason);

struct ReplyHead {
    QString id;  // "chatcmpl-…" / "cmpl-…"
    QString model;
    qint64 created = 0;  // seconds since the epoch
};

struct Usage {
    int promptTokens = 0;
    int completionTokens = 0;
    int cachedTokens = 0;  // of the prompt, served from the engine's prefix cache
};

// The whole reply (stream = false).
QByteArray completionBody(Endpoint endpoint, const ReplyHead& head, const QString& text,
                          const QString& finishReason, const Usage& usage);
// One server-sent event "data: {chunk}\n\n": the role (chat only: first), a piece of text, the
// finish reason, or (usage set) the final usage chunk with no choices.
QByteArray roleChunk(const ReplyHead& head);
QByteArray textChunk(Endpoint endpoint, const ReplyHead& head, const QString& text);
QByteArray finishChunk(Endpoint endpoint, const ReplyHead& head, const QString& finishReason);
QByteArray usageChunk(Endpoint endpoint, const ReplyHead& head, const Usage& usage);
QByteArray doneEvent();                        // "data: [DONE]\n\n"
QByteArray errorEvent(const ApiError& error);  // an error after the stream began
QByteArray modelList(const QString& modelId, qint64 created);

}  // namespace folio::api
