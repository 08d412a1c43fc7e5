#include "app/application.h"

#include <QDir>
#include <QFileInfo>
#include <QQmlContext>
#include <QQmlEngine>
#include <QStandardPaths>

#include "app/api/api_server.h"
#include "app/app_controller.h"
#include "app/conversation_store.h"
#include "app/database.h"
#include "app/documents/document_context.h"
#include "app/documents/document_store.h"
#include "app/documents/document_turn.h"
#include "app/documents/documents_controller.h"
#include "app/documents/engine_generator.h"
#include "app/documents/page_renderer.h"
#include "app/engine_worker.h"
#include "app/models/model_manager.h"
#include "app/read_ahead.h"
#include "app/remote/remote_engines.h"
#include "app/saved_tags.h"
#include "app/settings.h"

namespace {

// Opens the database; when even a fresh one cannot be created, falls back to an in-memory
// database so that the app still starts (and says that nothing will be saved).
QString openDatabase(folio::Database& db, const QString& path) {
    auto report = db.open(path);
    if (report.ok()) return report->message;
    const QString why = QString::fromStdString(report.error().message);
    auto memory = db.open(QStringLiteral(":memory:"));
    Q_UNUSED(memory);
    return QObject::tr(
               "The chat database could not be opened (%1). Chats in this session will not "
               "be saved.")
        .arg(why);
}

// The document bar and the context meter: the chat's attached documents follow the current
// conversation and the document budget; their estimated block goes into the meter; their tokens
// are counted with the loaded model's tokenizer (again after each model load).
void connectAttachedDocuments(AppController* controller, folio::AttachedDocuments* attached,
                              EngineWorker* worker) {
    QObject::connect(
        controller, &AppController::currentConversationChanged, attached,
        [controller, attached] { attached->setConversation(controller->currentConversationId()); });
    QObject::connect(
        controller, &AppController::contextUsedChanged, attached, [controller, attached] {
            attached->setBudget(controller->documentBudget(), controller->retrievalCap());
        });
    QObject::connect(controller, &AppController::modelChanged, attached, [worker, attached] {
        if (!worker->modelReady()) return attached->setCounter({});
        attached->setCounter([worker](const QString& text) { return worker->countTokens(text); });
    });
    QObject::connect(attached, &folio::AttachedDocuments::changed, controller,
                     [controller, attached] {
                         const bool known = attached->count() == 0 || attached->blockTokens() > 0;
                         controller->setDocumentEstimate(known ? attached->blockTokens() : -1);
                     });
}

// Reading the chat's documents before the question (read_ahead.h): after attachments, model
// loads, chat switches and replies; out of the way of every reply; its progress on the bar.
std::unique_ptr<folio::ReadAhead> makeReadAhead(AppController* controller,
                                                folio::AttachedDocuments* attached,
                                                EngineWorker* worker) {
    auto readAhead = std::make_unique<folio::ReadAhead>(
        worker, [controller] { return controller->readAheadPrompt(); },
        [controller] { return controller->generating(); });
    folio::ReadAhead* r = readAhead.get();
    QObject::connect(controller, &AppController::replyStarting, r, &folio::ReadAhead::cancel);
    QObject::connect(controller, &AppController::replyFinished, r, &folio::ReadAhead::schedule);
    QObject::connect(attached, &folio::AttachedDocuments::changed, r, &folio::ReadAhead::schedule);
    QObject::connect(controller, &AppController::modelChanged, r, [r] {
        r->forget();
        r->schedule();
    });
    QObject::connect(r, &folio::ReadAhead::progressChanged, attached,
                     [r, attached] { attached->setReadAheadProgress(r->progress()); });
    return readAhead;
}

}  // namespace

AppContext::AppContext(const AppOptions& options) {
    m_dataDir = options.dataDir.isEmpty()
                    ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
                    : options.dataDir;
    QDir().mkpath(m_dataDir);
    m_settings = options.dataDir.isEmpty()
                     ? std::make_unique<Settings>()
                     : std::make_unique<Settings>(QDir(m_dataDir).filePath("settings.ini"));
    m_database = std::make_unique<folio::Database>();
    const QString databaseError = openDatabase(*m_database, databasePath());
    m_store = std::make_unique<folio::ConversationStore>(*m_database);
    if (!m_database->readOnly()) {
        // Soft deletes are undoable only within a session; a reply cut off by a crash or a kill
        // comes back 'interrupted' so the user can Continue it.
        m_store->purgeDeleted().ok();
        m_store->markStreamingInterrupted().ok();
    }
    m_worker = std::make_unique<EngineWorker>();
    m_controller = std::make_unique<AppController>(m_store.get(), m_worker.get(), m_settings.get(),
                                                   databaseError);
    folio::Database* db = m_database.get();
    m_documentStore = std::make_unique<folio::DocumentStore>([db] { return db->connection(); });
    m_documents = std::make_unique<folio::DocumentsController>(m_documentStore.get());
    AppController* controller = m_controller.get();
    m_documents->setSummaryGenerator(folio::makeEngineWorkerGenerator(
        m_worker.get(), [controller] { return controller->modelName(); }));
    m_models = std::make_unique<folio::ModelManager>(
        QDir(m_dataDir).filePath(QStringLiteral("models")),
        options.dataDir.isEmpty() ? QString() : QDir(m_dataDir).filePath("settings.ini"));
    folio::DocumentStore* docs = m_documentStore.get();
    EngineWorker* worker = m_worker.get();
    m_controller->setDocumentProvider(
        [docs, worker](qint64 conversationId, const QString& question, int budget, int cap) {
            auto documents = folio::conversationDocuments(*docs, conversationId);
            if (!documents || documents->isEmpty()) return folio::DocumentTurn{};
            folio::DocumentTurnOptions options;
            options.retrievalBudgetTokens = cap;
            auto turn = folio::prepareDocumentTurn(
                question, *documents, budget,
                [worker](const QString& text) { return std::max(worker->countTokens(text), 0); },
                folio::storeRanker(*docs), options);
            return turn ? *turn : folio::DocumentTurn{};
        });
    connectAttachedDocuments(m_controller.get(), m_documents->attached(), worker);
    m_readAhead = makeReadAhead(m_controller.get(), m_documents->attached(), worker);
    QObject::connect(m_documents.get(), &folio::DocumentsController::documentRemoved, controller,
                     [controller](qint64 documentId) {
                         controller->forgetSavedMemory(folio::documentTag(documentId));
                     });
    // Read documents' KV blocks, kept across restarts (the engine's disk tier): a cache, so
    // under the cache location; with --data-dir, inside it (tests stay isolated).
    m_controller->setSavedMemoryDirectory(
        options.dataDir.isEmpty()
            ? QStandardPaths::writableLocation(QStandardPaths::CacheLocation) +
                  QStringLiteral("/saved-memory")
            : QDir(m_dataDir).filePath(QStringLiteral("saved-memory")));
    m_remote = std::make_unique<folio::RemoteEngines>(
        m_settings.get(), QDir(m_dataDir).filePath(QStringLiteral("remote-engine.key")));
    m_controller->setRemoteEngine(m_remote->engine());
    QObject::connect(m_remote.get(), &folio::RemoteEngines::changed, controller,
                     [controller] { controller->remoteEngineChanged(); });
    m_api = std::make_unique<folio::ApiServer>(worker);
    QObject::connect(controller, &AppController::modelChanged, m_api.get(), [this] {
        m_api->setModel(
            m_controller->localModelReady() ? m_controller->localModelName() : QString(),
            m_controller->localContextSize());
    });
    QObject::connect(m_settings.get(), &Settings::apiChanged, m_api.get(),
                     [this] { applyApiSettings(); });
    applyApiSettings();
    if (options.headlessSmoke) return;
    m_modelPath = options.modelPath;
    if (m_modelPath.isEmpty()) m_modelPath = m_settings->modelPath();
    for (const char* file : kDefaultModelFiles) {
        if (!m_modelPath.isEmpty()) break;
        const QString fallback = QDir(m_dataDir).filePath(QStringLiteral("models/") + file);
        if (QFileInfo(fallback).isFile()) m_modelPath = fallback;
    }
    if (!m_modelPath.isEmpty()) m_controller->loadModel(m_modelPath);
}

void AppContext::applyApiSettings() {
    if (!m_settings->apiEnabled()) {
        m_api->stop();
        return;
    }
    if (m_settings->apiToken().isEmpty()) {
        m_settings->setApiToken(folio::newApiToken());  // emits apiChanged: applied from there
        return;
    }
    folio::ApiServer::Options options;
    options.host =
        m_settings->apiAllowNetwork() ? QStringLiteral("0.0.0.0") : QStringLiteral("127.0.0.1");
    options.port = m_settings->apiPort();
    options.token = m_settings->apiToken();
    m_api->start(options);
}

AppContext::~AppContext() {
    m_api.reset();  // cancels its requests, joins its threads
    m_controller->setRemoteEngine(nullptr);
    m_remote.reset();      // aborts remote requests
    m_readAhead.reset();   // cancels its request on the worker
    m_documents.reset();   // stops an ingestion child process
    m_models.reset();      // pauses downloads (their partial files stay resumable)
    m_controller.reset();  // checkpoints a streaming reply
    m_worker.reset();      // joins the engine thread
    m_store.reset();
    m_documentStore.reset();
    m_database.reset();
}

AppController* AppContext::controller() {
    return m_controller.get();
}
Settings* AppContext::settings() {
    return m_settings.get();
}
QString AppContext::databasePath() const {
    return QDir(m_dataDir).filePath(kDatabaseFile);
}

folio::DocumentsController* AppContext::documents() {
    return m_documents.get();
}
folio::ModelManager* AppContext::models() {
    return m_models.get();
}

void AppContext::registerWithQml(QQmlEngine& engine) {
    QQmlContext* root = engine.rootContext();
    root->setContextProperty(QStringLiteral("app"), m_controller.get());
    root->setContextProperty(QStringLiteral("settings"), m_settings.get());
    root->setContextProperty(QStringLiteral("documents"), m_documents.get());
    root->setContextProperty(QStringLiteral("models"), m_models.get());
    root->setContextProperty(QStringLiteral("api"), m_api.get());
    root->setContextProperty(QStringLiteral("remote"), m_remote.get());
    // Runs on Qt Quick's image loader threads: Database::connection() is per thread.
    folio::DocumentStore* docs = m_documentStore.get();
    engine.addImageProvider(QStringLiteral("folio-page"),
                            new folio::PageImageProvider([docs](qint64 id) {
                                auto info = docs->document(id);
                                return info ? info->path : QString();
                            }));
}
