#include "app/remote/remote_engines.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QUrl>

#include "app/settings.h"

namespace folio {

namespace {

QString readKey(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(f.readAll()).trimmed();
}

// Written under a temporary name with owner-only permissions, then renamed: the key is never
// readable by others, not even for a moment.
bool writeKey(const QString& path, const QString& key) {
    if (key.isEmpty()) return !QFile::exists(path) || QFile::remove(path);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return false;
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    f.write(key.toUtf8());
    return f.commit();
}

}  // namespace

RemoteEngines::RemoteEngines(Settings* settings, QString keyFile, QObject* parent)
    : QObject(parent), m_settings(settings), m_keyFile(std::move(keyFile)) {
    RemoteEndpoint e;
    e.baseUrl = settings->remoteBaseUrl();
    e.model = settings->remoteModel();
    e.contextLength = settings->remoteContextLength();
    e.apiKey = readKey(m_keyFile);
    m_engine.setEndpoint(e);
    if (!e.model.isEmpty()) m_models.ids << e.model;
}

QString RemoteEngines::host() const {
    const QUrl url(baseUrl());
    return url.port() > 0 ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port()) : url.host();
}

void RemoteEngines::connectTo(const QString& baseUrl, const QString& apiKey) {
    const QString url = baseUrl.trimmed();
    const QUrl parsed(url);
    if (!parsed.isValid() ||
        (parsed.scheme() != QLatin1String("http") && parsed.scheme() != QLatin1String("https"))) {
        setStatus(tr("Enter the server's address, like http://gpu-box:8000/v1"));
        return;
    }
    m_busy = true;
    setStatus(tr("Connecting to %1…").arg(parsed.host()));
    const QString key = apiKey.trimmed();
    m_engine.listModels(url, key, [this, url, key](RemoteModels models, QString error) {
        m_busy = false;
        if (!error.isEmpty()) {
            setStatus(error);
            return;
        }
        m_models = models;
        RemoteEndpoint e = m_engine.endpoint();
        const bool keep = models.ids.contains(e.model) && e.baseUrl == url;
        e.baseUrl = url;
        e.apiKey = key;
        e.model = keep ? e.model : models.ids.first();
        e.contextLength = models.contextLength.value(e.model, 32768);
        m_engine.setEndpoint(e);
        if (!writeKey(m_keyFile, key)) {
            setStatus(tr("Connected, but the key could not be saved in %1").arg(m_keyFile));
        } else {
            setStatus(tr("Connected: %n model(s)", "", int(models.ids.size())));
        }
        save();
    });
}

void RemoteEngines::chooseModel(const QString& id) {
    if (!m_models.ids.contains(id)) return;
    RemoteEndpoint e = m_engine.endpoint();
    e.model = id;
    e.contextLength = m_models.contextLength.value(id, 32768);
    m_engine.setEndpoint(e);
    save();
}

void RemoteEngines::forget() {
    m_engine.setEndpoint({});
    m_models = {};
    writeKey(m_keyFile, QString());
    setStatus(QString());
    save();
}

void RemoteEngines::save() {
    const RemoteEndpoint& e = m_engine.endpoint();
    m_settings->setRemote(e.baseUrl, e.model, e.contextLength);
    emit changed();
}

void RemoteEngines::setStatus(const QString& text) {
    m_status = text;
    emit changed();
}

}  // namespace folio
