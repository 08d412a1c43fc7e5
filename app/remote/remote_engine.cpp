#include "app/remote/remote_engine.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QUrl>
#include <algorithm>

namespace folio {

namespace {

QJsonObject bodyFor(const GenerationRequest& request, const QString& model) {
    QJsonObject body{{"model", model},
                     {"stream", true},
                     {"stream_options", QJsonObject{{"include_usage", true}}},
                     {"max_tokens", request.maxTokens},
                     {"temperature", double(request.sampling.temperature)},
                     {"top_p", double(std::min(request.sampling.topP, 1.0f))}};
    if (request.sampling.seed != 0)
        body.insert("seed", qint64(request.sampling.seed & 0x7fffffffffffLL));
    QJsonArray stop;
    for (const std::string& s : request.sampling.stopStrings)
        if (stop.size() < 4) stop.append(QString::fromStdString(s));
    if (!stop.isEmpty()) body.insert("stop", stop);
    if (request.rawPrompt) {
        body.insert("prompt", QString::fromStdString(*request.rawPrompt));
        return body;
    }
    QJsonArray messages;
    for (const ChatMessage& m : request.messages)
        messages.append(QJsonObject{{"role", QString::fromStdString(m.role)},
                                    {"content", QString::fromStdString(m.content)}});
    if (!request.continueAssistant.empty())
        messages.append(QJsonObject{
            {"role", "assistant"}, {"content", QString::fromStdString(request.continueAssistant)}});
    body.insert("messages", messages);
    // Qwen3 on vLLM / SGLang reads its thinking switch here; other servers ignore it.
    body.insert("chat_template_kwargs", QJsonObject{{"enable_thinking", request.thinking}});
    return body;
}

// The message of an OpenAI-style error body, else the HTTP reason; a timeout says so.
QString errorMessage(QNetworkReply* reply, const QByteArray& body, int timeoutMs) {
    const QJsonObject e = QJsonDocument::fromJson(body).object().value("error").toObject();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status <= 0 && reply->error() == QNetworkReply::OperationCanceledError)
        return QCoreApplication::translate("folio::RemoteEngine",
                                           "The server sent nothing for %1 s; the request was "
                                           "stopped.")
            .arg(timeoutMs / 1000.0);
    const QString what = !e.value("message").toString().isEmpty() ? e.value("message").toString()
                                                                  : reply->errorString();
    return status > 0
               ? QCoreApplication::translate("folio::RemoteEngine", "The server answered %1: %2")
                     .arg(status)
                     .arg(what)
               : QCoreApplication::translate("folio::RemoteEngine",
                                             "The server could not be reached: %1")
                     .arg(what);
}

FinishReason finishOf(const QString& reason) {
    if (reason == QLatin1String("length")) return FinishReason::Length;
    return FinishReason::EndOfText;
}

}  // namespace

RemoteEngine::RemoteEngine(QObject* parent) : QObject(parent) {}

RemoteEngine::~RemoteEngine() {
    for (Stream& s : m_streams) {
        if (!s.reply) continue;
        s.reply->disconnect(this);
        s.reply->abort();
        s.reply->deleteLater();
    }
}

QNetworkRequest RemoteEngine::requestFor(const QString& path, const QString& baseUrl,
                                         const QString& apiKey, int timeoutMs) const {
    QString base = baseUrl.trimmed();
    while (base.endsWith('/')) base.chop(1);
    QNetworkRequest request(QUrl(base + path));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    if (!apiKey.isEmpty()) request.setRawHeader("Authorization", "Bearer " + apiKey.toUtf8());
    request.setTransferTimeout(timeoutMs);
    return request;
}

quint64 RemoteEngine::submit(const GenerationRequest& request) {
    const quint64 id = m_nextId++;
    const QString path =
        request.rawPrompt ? QStringLiteral("/completions") : QStringLiteral("/chat/completions");
    const QByteArray body =
        QJsonDocument(bodyFor(request, m_endpoint.model)).toJson(QJsonDocument::Compact);
    Stream& s = m_streams[id];
    s.startMs = QDateTime::currentMSecsSinceEpoch();
    s.timeoutMs = m_endpoint.timeoutMs;
    s.reply = m_network.post(
        requestFor(path, m_endpoint.baseUrl, m_endpoint.apiKey, m_endpoint.timeoutMs), body);
    connect(s.reply, &QNetworkReply::readyRead, this, [this, id] { onReadyRead(id); });
    connect(s.reply, &QNetworkReply::finished, this, [this, id] { onFinished(id); });
    return id;
}

void RemoteEngine::cancel(quint64 requestId) {
    auto it = m_streams.find(requestId);
    if (it == m_streams.end() || !it->reply) return;
    it->cancelled = true;
    // Later, as the local engine's cancel: finished never arrives inside the caller's cancel().
    QMetaObject::invokeMethod(it->reply, &QNetworkReply::abort, Qt::QueuedConnection);
}

// Server-sent events: "data: {json}" lines, events separated by a blank line.
void RemoteEngine::onReadyRead(quint64 id) {
    auto it = m_streams.find(id);
    if (it == m_streams.end()) return;
    Stream& s = *it;
    const int status = s.reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status >= 400) return;  // the error body is read whole in onFinished
    s.buffer += s.reply->readAll();
    s.buffer.replace("\r\n", "\n");
    qsizetype end;
    while ((end = s.buffer.indexOf("\n\n")) >= 0) {
        const QByteArray event = s.buffer.left(end);
        s.buffer.remove(0, end + 2);
        for (const QByteArray& line : event.split('\n'))
            if (line.startsWith("data:")) handleEvent(id, s, line.mid(5).trimmed());
    }
}

void RemoteEngine::handleEvent(quint64 id, Stream& s, const QByteArray& data) {
    if (data == "[DONE]") {
        s.done = true;
        return;
    }
    QJsonParseError parseError;
    const QJsonObject o = QJsonDocument::fromJson(data, &parseError).object();
    if (parseError.error != QJsonParseError::NoError) {
        s.error = QCoreApplication::translate("folio::RemoteEngine",
                                              "The server sent a stream Folio cannot read (%1).")
                      .arg(parseError.errorString());
        QMetaObject::invokeMethod(s.reply, &QNetworkReply::abort, Qt::QueuedConnection);
        return;
    }
    if (o.contains("error")) {
        s.error = o.value("error").toObject().value("message").toString();
        return;
    }
    const QJsonObject usage = o.value("usage").toObject();
    if (!usage.isEmpty()) {
        s.result.promptTokens = usage.value("prompt_tokens").toInt();
        s.result.generatedTokens = usage.value("completion_tokens").toInt();
    }
    const QJsonObject choice = o.value("choices").toArray().at(0).toObject();
    const QString text = choice.contains("delta")
                             ? choice.value("delta").toObject().value("content").toString()
                             : choice.value("text").toString();
    if (!text.isEmpty()) {
        if (s.result.timeToFirstTokenMs == 0)
            s.result.timeToFirstTokenMs = double(QDateTime::currentMSecsSinceEpoch() - s.startMs);
        emit textArrived(id, text);
    }
    const QString finish = choice.value("finish_reason").toString();
    if (!finish.isEmpty()) s.result.reason = finishOf(finish);
}

void RemoteEngine::onFinished(quint64 id) {
    auto it = m_streams.find(id);
    if (it == m_streams.end()) return;
    QNetworkReply* reply = it->reply;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() == QNetworkReply::NoError && status < 400)
        onReadyRead(id);  // the last bytes
    Stream s = m_streams.take(id);
    reply->deleteLater();
    GenerationResult result = s.result;
    const double seconds = double(QDateTime::currentMSecsSinceEpoch() - s.startMs) / 1000.0;
    if (result.generatedTokens > 0 && seconds > 0)
        result.decodeTokensPerSecond = result.generatedTokens / seconds;
    if (s.cancelled) {
        result.reason = FinishReason::Cancelled;
    } else if (reply->error() != QNetworkReply::NoError || status >= 400) {
        result.reason = FinishReason::Error;
        const QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray();
        result.error = s.error.isEmpty() ? errorMessage(reply, body, s.timeoutMs).toStdString()
                                         : s.error.toStdString();
    } else if (!s.error.isEmpty()) {
        result.reason = FinishReason::Error;
        result.error = s.error.toStdString();
    } else if (!s.done) {
        result.reason = FinishReason::Error;
        result.error =
            QCoreApplication::translate("folio::RemoteEngine",
                                        "The server closed the stream before the reply's end.")
                .toStdString();
    }
    emit finished(id, result);
}

void RemoteEngine::listModels(const QString& baseUrl, const QString& apiKey,
                              std::function<void(RemoteModels, QString)> done) {
    const int timeoutMs = std::min(m_endpoint.timeoutMs, 30000);
    QNetworkReply* reply =
        m_network.get(requestFor(QStringLiteral("/models"), baseUrl, apiKey, timeoutMs));
    connect(reply, &QNetworkReply::finished, this, [reply, timeoutMs, done = std::move(done)] {
        reply->deleteLater();
        const QByteArray body = reply->readAll();
        if (reply->error() != QNetworkReply::NoError) {
            done({}, errorMessage(reply, body, timeoutMs));
            return;
        }
        RemoteModels models;
        for (const QJsonValue& v : QJsonDocument::fromJson(body).object().value("data").toArray()) {
            const QJsonObject m = v.toObject();
            const QString id = m.value("id").toString();
            if (id.isEmpty()) continue;
            models.ids << id;
            const int context =
                m.value("max_model_len")
                    .toInt(m.value("meta").toObject().value("n_ctx_train").toInt(0));
            if (context > 0) models.contextLength.insert(id, context);
        }
        if (models.ids.isEmpty())
            done({},
                 QCoreApplication::translate("folio::RemoteEngine", "The server lists no models."));
        else
            done(models, QString());
    });
}

}  // namespace folio
