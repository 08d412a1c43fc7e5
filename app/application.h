#pragma once
// AppContext: builds the app's objects for main.cpp (and the GUI tests) in the right order:
// settings, database (with recovery), conversation store, engine worker, controller; then loads
// the model. Destroys them in reverse order (the engine thread is joined before the store goes).
// GUI thread only; needs a Q(Gui)Application to exist.
#include <QString>
#include <memory>

class AppController;
class EngineWorker;
class QQmlEngine;
class Settings;
namespace folio {
class ApiServer;
class RemoteEngines;
class ConversationStore;
class Database;
class DocumentStore;
class DocumentsController;
class ModelManager;
class ReadAhead;
}  // namespace folio

struct AppOptions {
    QString dataDir;    // empty: QStandardPaths::AppDataLocation (~/.local/share/folio)
    QString modelPath;  // empty: settings.modelPath, else the first of kDefaultModelFiles installed
    bool headlessSmoke = false;  // --smoke-test: do not load a model
};

class AppContext {
public:
    // Looked for in <dataDir>/models/ when no model is chosen, in this order: the recommended
    // model (scripts/run-app installs it), then the fast one (the tests' model).
    static constexpr const char* kDefaultModelFiles[] = {"qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
                                                         "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"};
    static constexpr const char* kDatabaseFile = "folio.sqlite3";

    explicit AppContext(const AppOptions& options);
    ~AppContext();
    AppContext(const AppContext&) = delete;
    AppContext& operator=(const AppContext&) = delete;

    AppController* controller();
    Settings* settings();
    folio::DocumentsController* documents();
    folio::ModelManager* models();
    folio::ReadAhead* readAhead() { return m_readAhead.get(); }
    EngineWorker* worker() { return m_worker.get(); }
    folio::ApiServer* api() { return m_api.get(); }
    folio::RemoteEngines* remoteEngines() { return m_remote.get(); }
    // Exposes app, settings, documents and models to QML as context properties and registers the
    // "folio-page" image provider (rendered PDF pages for the citation viewer).
    void registerWithQml(QQmlEngine& engine);
    QString databasePath() const;
    // The model this start loads (empty when none was found or headlessSmoke).
    QString modelPath() const { return m_modelPath; }

private:
    QString m_dataDir;
    QString m_modelPath;
    std::unique_ptr<Settings> m_settings;
    std::unique_ptr<folio::Database> m_database;
    std::unique_ptr<folio::ConversationStore> m_store;
    std::unique_ptr<EngineWorker> m_worker;
    std::unique_ptr<AppController> m_controller;
    std::unique_ptr<folio::DocumentStore> m_documentStore;
    std::unique_ptr<folio::DocumentsController> m_documents;
    std::unique_ptr<folio::ModelManager> m_models;
    std::unique_ptr<folio::ReadAhead> m_readAhead;
    std::unique_ptr<folio::ApiServer> m_api;
    std::unique_ptr<folio::RemoteEngines> m_remote;

    // Starts, restarts or stops the API server as Settings say (a token is made on first use).
    void applyApiSettings();
};
