#pragma once
// RemoteEngines: Settings → Remote engine: the server's address and key, the model
// chosen from its /v1/models; it owns the RemoteEngine that chats set to "remote" run on.
//
// The key is kept in a file only the user can read (keyFile, mode 0600), never in the chats
// database nor in the settings file. (A platform secret store is not used: libsecret is not among
// Folio's dependencies.) GUI thread only.
#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>

#include "app/remote/remote_engine.h"

class Settings;

namespace folio {

class RemoteEngines : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString baseUrl READ baseUrl NOTIFY changed)
    Q_PROPERTY(QString host READ host NOTIFY changed)  // what the window names the server by
    Q_PROPERTY(QString model READ model NOTIFY changed)
    Q_PROPERTY(QStringList models READ models NOTIFY changed)   // from the last connect
    Q_PROPERTY(bool configured READ configured NOTIFY changed)  // a server and a model are set
    Q_PROPERTY(bool hasKey READ hasKey NOTIFY changed)
    Q_PROPERTY(bool busy READ busy NOTIFY changed)
    Q_PROPERTY(QString statusText READ statusText NOTIFY changed)

public:
    RemoteEngines(Settings* settings, QString keyFile, QObject* parent = nullptr);

    RemoteEngine* engine() { return &m_engine; }
    QString baseUrl() const { return m_engine.endpoint().baseUrl; }
    QString host() const;
    QString model() const { return m_engine.endpoint().model; }
    QStringList models() const { return m_models.ids; }
    bool configured() const { return m_engine.configured(); }
    bool hasKey() const { return !m_engine.endpoint().apiKey.isEmpty(); }
    bool busy() const { return m_busy; }
    QString statusText() const { return m_status; }

    // Asks the server for its models. On success the address and key are kept, and the model
    // is the one chosen before (when the server still has it) or its first.
    Q_INVOKABLE void connectTo(const QString& baseUrl, const QString& apiKey);
    Q_INVOKABLE void chooseModel(const QString& id);
    // Forgets the server, its model and its key (chats set to it go back to this computer).
    Q_INVOKABLE void forget();

signals:
    void changed();

private:
    void save();
    void setStatus(const QString& text);

    Settings* m_settings;
    QString m_keyFile;
    RemoteEngine m_engine;
    RemoteModels m_models;
    bool m_busy = false;
    QString m_status;
};

}  // namespace folio
