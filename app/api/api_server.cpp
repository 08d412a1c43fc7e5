#include "app/api/api_server.h"

#include <httplib.h>

#include <QDateTime>
#include <QMetaObject>
#include <QRandomGenerator>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "app/api/openai_protocol.h"
#include "app/engine_worker.h"

namespace folio {

namespace {

using api::ApiError;
using api::ApiRequest;
using api::Endpoint;

constexpr size_t kMaxBodyBytes = size_t(16) << 20;
constexpr auto kPollInterval = std::chrono::seconds(1);
// Characters per token no text gets below: a prompt longer than this many characters per
// context token is refused without tokenizing it.
constexpr int kMaxCharsPerToken = 16;

// One request's text and result, filled on the engine thread, read by its HTTP worker.
struct Job {
    std::mutex mutex;
    std::condition_variable wake;
    std::string pending;  // text not yet sent
    bool finished = false;
    GenerationResult result;
};

struct ModelSnapshot {
    QString id;
    int contextLength = 0;
};

GenerationCallbacks callbacksFor(const std::shared_ptr<Job>& job) {
    GenerationCallbacks cb;
    cb.onText = [job](std::string_view text) {
        {
            std::lock_guard lock(job->mutex);
            job->pending.append(text);
        }
        job->wake.notify_all();
    };
    cb.onFinished = [job](const GenerationResult& result) {
        {
            std::lock_guard lock(job->mutex);
            job->finished = true;
            job->result = result;
        }
        job->wake.notify_all();
    };
    return cb;
}

void sendError(httplib::Response& res, const ApiError& error) {
    res.status = error.status;
    const QByteArray body = api::errorBody(error);
    res.set_content(body.constData(), size_t(body.size()), "application/json");
}

ApiError makeError(int status, const QString& message, const char* type, const char* code) {
    ApiError e;
    e.status = status;
    e.message = message;
    e.type = QLatin1String(type);
    e.code = QLatin1String(code);
    return e;
}

// The engine's error for a prompt that does not fit reads "... exceed the context of N".
ApiError errorOf(const GenerationResult& result) {
    const QString message = QString::fromStdString(result.error);
    if (message.contains(QLatin1String("exceed")))
        return makeError(400, message, "invalid_request_error", "context_length_exceeded");
    if (result.reason == FinishReason::Cancelled)
        return makeError(503, QStringLiteral("The request was cancelled (the model changed)."),
                         "server_error", "cancelled");
    return makeError(500, message, "server_error", "engine_error");
}

bool sameSecret(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;  // constant time: the token is a secret
    for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

}  // namespace

struct ApiServer::Impl {
    ApiServer* owner = nullptr;
    EngineWorker* worker = nullptr;
    Options options;
    std::unique_ptr<httplib::Server> http;
    std::thread thread;
    int boundPort = 0;
    std::atomic<int> active{0};
    std::atomic<int> cancelled{0};
    std::atomic<bool> stopping{false};
    mutable std::mutex mutex;  // guards model and running
    ModelSnapshot model;
    std::set<quint64> running;  // engine request ids, cancelled on stop

    void routes();
    void listModels(const httplib::Request& req, httplib::Response& res);
    void complete(Endpoint endpoint, const httplib::Request& req, httplib::Response& res);
    std::optional<ApiError> checkLength(const ApiRequest& request, int contextLength) const;
    void reply(const api::ReplyHead& head, Endpoint endpoint, quint64 id,
               const std::shared_ptr<Job>& job, httplib::Response& res);
    void stream(const api::ReplyHead& head, const ApiRequest& request, quint64 id,
                const std::shared_ptr<Job>& job, httplib::Response& res);
    bool authorized(const httplib::Request& req) const;
    bool admit();
    void release(quint64 id);
    void notifyActive();
    ModelSnapshot snapshot() const {
        std::lock_guard lock(mutex);
        return model;
    }
};

bool ApiServer::Impl::authorized(const httplib::Request& req) const {
    const std::string expected = "Bearer " + options.token.toStdString();
    return !options.token.isEmpty() && sameSecret(req.get_header_value("Authorization"), expected);
}

void ApiServer::Impl::notifyActive() {
    QMetaObject::invokeMethod(
        owner, [o = owner] { emit o->activeRequestsChanged(); }, Qt::QueuedConnection);
}

bool ApiServer::Impl::admit() {
    int n = active.load();
    do {
        if (n >= options.queueLimit) return false;
    } while (!active.compare_exchange_weak(n, n + 1));
    notifyActive();
    return true;
}

void ApiServer::Impl::release(quint64 id) {
    {
        std::lock_guard lock(mutex);
        running.erase(id);
    }
    active.fetch_sub(1);
    notifyActive();
}

void ApiServer::Impl::routes() {
    http->Get("/v1/models", [this](const httplib::Request& req, httplib::Response& res) {
        listModels(req, res);
    });
    http->Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
        complete(Endpoint::Chat, req, res);
    });
    http->Post("/v1/completions", [this](const httplib::Request& req, httplib::Response& res) {
        complete(Endpoint::Completion, req, res);
    });
    // Unknown paths, bodies over the limit and requests cpp-httplib could not parse: an
    // OpenAI-style error instead of an empty body.
    http->set_error_handler([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return;
        const QString why = res.status == 404   ? QStringLiteral("No such endpoint.")
                            : res.status == 413 ? QStringLiteral("The request body is too large.")
                                                : QStringLiteral("The request could not be read.");
        sendError(res, makeError(res.status, why, "invalid_request_error", ""));
    });
}

void ApiServer::Impl::listModels(const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req))
        return sendError(res, makeError(401, QStringLiteral("Missing or wrong API key."),
                                        "invalid_request_error", "invalid_api_key"));
    const QByteArray body = api::modelList(snapshot().id, QDateTime::currentSecsSinceEpoch());
    res.set_content(body.constData(), size_t(body.size()), "application/json");
}

std::optional<ApiError> ApiServer::Impl::checkLength(const ApiRequest& request,
                                                     int contextLength) const {
    const auto tooLong = [&](qint64 tokens) {
        return makeError(400,
                         QStringLiteral("This model's context is %1 tokens; the prompt has %2.")
                             .arg(contextLength)
                             .arg(tokens < 0 ? QStringLiteral("more") : QString::number(tokens)),
                         "invalid_request_error", "context_length_exceeded");
    };
    if (api::promptCharacters(request) > qsizetype(contextLength) * kMaxCharsPerToken)
        return tooLong(-1);
    qint64 tokens = 0;
    if (request.engine.rawPrompt) {
        tokens = worker->countTokens(QString::fromStdString(*request.engine.rawPrompt));
    } else {
        const int overhead = worker->templateOverheadPerMessage();
        for (const ChatMessage& m : request.engine.messages)
            tokens += worker->countTokens(QString::fromStdString(m.content)) + overhead;
    }
    if (tokens >= contextLength) return tooLong(tokens);
    return std::nullopt;
}

void ApiServer::Impl::complete(Endpoint endpoint, const httplib::Request& req,
                               httplib::Response& res) {
    if (!authorized(req))
        return sendError(res, makeError(401, QStringLiteral("Missing or wrong API key."),
                                        "invalid_request_error", "invalid_api_key"));
    ApiRequest request;
    if (auto e = api::parseRequest(endpoint, QByteArray::fromStdString(req.body), request))
        return sendError(res, *e);
    const ModelSnapshot model = snapshot();
    if (model.id.isEmpty())
        return sendError(res, makeError(503, QStringLiteral("No model is loaded in Folio."),
                                        "server_error", "model_not_loaded"));
    if (auto e = checkLength(request, model.contextLength)) return sendError(res, *e);
    if (!admit())
        return sendError(res, makeError(429,
                                        QStringLiteral("Folio is busy: %1 requests are open. "
                                                       "Retry in a moment.")
                                            .arg(options.queueLimit),
                                        "rate_limit_error", "rate_limit_exceeded"));
    auto job = std::make_shared<Job>();
    quint64 id;
    {
        std::lock_guard lock(mutex);  // stop() cancels what `running` holds
        id = worker->submitDirect(request.engine, callbacksFor(job));
        running.insert(id);
    }
    const char* prefix = endpoint == Endpoint::Chat ? "chatcmpl-" : "cmpl-";
    const api::ReplyHead head{QLatin1String(prefix) + QString::number(id) + QLatin1Char('-') +
                                  QString::number(QRandomGenerator::global()->generate(), 16),
                              model.id, QDateTime::currentSecsSinceEpoch()};
    if (request.stream)
        stream(head, request, id, job, res);
    else
        reply(head, endpoint, id, job, res);
}

// Not streamed: waits for the whole reply (or the server's stop).
void ApiServer::Impl::reply(const api::ReplyHead& head, Endpoint endpoint, quint64 id,
                            const std::shared_ptr<Job>& job, httplib::Response& res) {
    std::unique_lock lock(job->mutex);
    while (!job->finished && !stopping)
        job->wake.wait_for(lock, kPollInterval, [&] { return job->finished; });
    if (!job->finished) {  // the server stops: no waiting for the engine's turn
        lock.unlock();
        worker->cancel(id);
        release(id);
        return sendError(res, makeError(503, QStringLiteral("The API server is stopping."),
                                        "server_error", "server_stopping"));
    }
    const GenerationResult result = job->result;
    const QString text = QString::fromStdString(job->pending);
    lock.unlock();
    release(id);
    const QString finish = api::finishReasonName(result.reason);
    if (finish.isEmpty()) return sendError(res, errorOf(result));
    const QByteArray body = api::completionBody(
        endpoint, head, text, finish,
        {result.promptTokens, result.generatedTokens, result.reusedPromptTokens});
    res.set_content(body.constData(), size_t(body.size()), "application/json");
}

// Server-sent events: the text as it comes, then the finish reason, the usage when asked for,
// and [DONE]. While the request waits for the engine, a comment line every second finds a
// client that left: its request is cancelled.
void ApiServer::Impl::stream(const api::ReplyHead& head, const ApiRequest& request, quint64 id,
                             const std::shared_ptr<Job>& job, httplib::Response& res) {
    res.set_header("Cache-Control", "no-cache");
    auto started = std::make_shared<bool>(false);
    const Endpoint endpoint = request.endpoint;
    const bool includeUsage = request.includeUsage;
    res.set_chunked_content_provider(
        "text/event-stream",
        [this, head, endpoint, includeUsage, id, job, started](size_t, httplib::DataSink& sink) {
            QByteArray out;
            if (!*started && endpoint == Endpoint::Chat) out += api::roleChunk(head);
            *started = true;
            std::unique_lock lock(job->mutex);
            job->wake.wait_for(lock, kPollInterval,
                               [&] { return !job->pending.empty() || job->finished; });
            const std::string text = std::move(job->pending);
            job->pending.clear();
            const bool finished = job->finished;
            const GenerationResult result = job->result;
            lock.unlock();
            if (!text.empty()) out += api::textChunk(endpoint, head, QString::fromStdString(text));
            if (finished) {
                const QString finish = api::finishReasonName(result.reason);
                if (finish.isEmpty()) {
                    out += api::errorEvent(errorOf(result));
                } else {
                    out += api::finishChunk(endpoint, head, finish);
                    if (includeUsage)
                        out += api::usageChunk(endpoint, head,
                                               {result.promptTokens, result.generatedTokens,
                                                result.reusedPromptTokens});
                }
                out += api::doneEvent();
            }
            if (out.isEmpty()) out = QByteArrayLiteral(": waiting\n\n");
            if (stopping || !sink.write(out.constData(), size_t(out.size()))) return false;
            if (finished) sink.done();
            return true;
        },
        [this, id, job](bool) {
            bool finished;
            {
                std::lock_guard lock(job->mutex);
                finished = job->finished;
            }
            if (!finished) {  // the client left (or the server stops): free the engine
                worker->cancel(id);
                cancelled.fetch_add(1);
            }
            release(id);
        });
}

ApiServer::ApiServer(EngineWorker* worker, QObject* parent)
    : QObject(parent), m_impl(std::make_unique<Impl>()), m_worker(worker) {
    m_impl->owner = this;
    m_impl->worker = worker;
}

ApiServer::~ApiServer() {
    stop();
}

bool ApiServer::start(const Options& options) {
    stop();
    m_impl->options = options;
    m_impl->stopping = false;
    m_impl->http = std::make_unique<httplib::Server>();
    httplib::Server& http = *m_impl->http;
    // Workers for every admitted request and a few more, so that a full queue still answers 429.
    const size_t workers = size_t(std::max(options.queueLimit, 1)) + 4;
    http.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
    http.set_payload_max_length(kMaxBodyBytes);
    http.set_read_timeout(30);
    http.set_write_timeout(30);
    m_impl->routes();
    const std::string host = options.host.toStdString();
    m_impl->boundPort = options.port == 0
                            ? http.bind_to_any_port(host)
                            : (http.bind_to_port(host, options.port) ? options.port : -1);
    if (m_impl->boundPort <= 0) {
        m_impl->boundPort = 0;
        m_impl->http.reset();
        m_error =
            tr("Cannot listen on %1:%2 (is the port in use?)").arg(options.host).arg(options.port);
        emit stateChanged();
        return false;
    }
    m_impl->thread = std::thread([http = m_impl->http.get()] { http->listen_after_bind(); });
    // cpp-httplib's stop() does nothing until the listening loop has begun: wait for it, so a
    // stop right after this start is not lost.
    for (int i = 0; i < 2000 && !http.is_running(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    m_error.clear();
    emit stateChanged();
    return true;
}

void ApiServer::stop() {
    if (!m_impl->http) return;
    m_impl->stopping = true;
    {
        std::lock_guard lock(m_impl->mutex);
        for (quint64 id : m_impl->running) m_worker->cancel(id);
    }
    m_impl->http->stop();
    if (m_impl->thread.joinable()) m_impl->thread.join();  // the pool's workers finish first
    m_impl->http.reset();
    m_impl->boundPort = 0;
    emit stateChanged();
}

void ApiServer::setModel(const QString& id, int contextLength) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->model = {id, contextLength};
}

bool ApiServer::running() const {
    return m_impl->boundPort > 0;
}

QString ApiServer::baseUrl() const {
    if (!running()) return {};
    return QStringLiteral("http://%1:%2/v1").arg(m_impl->options.host).arg(m_impl->boundPort);
}

int ApiServer::activeRequests() const {
    return m_impl->active.load();
}

int ApiServer::port() const {
    return m_impl->boundPort;
}

int ApiServer::cancelledRequests() const {
    return m_impl->cancelled.load();
}

QString newApiToken() {
    QString token = QStringLiteral("folio-");
    for (int i = 0; i < 5; ++i)
        token += QStringLiteral("%1").arg(QRandomGenerator::system()->generate(), 8, 16,
                                          QLatin1Char('0'));
    return token;
}

}  // namespace folio
