#include "app/models/model_library.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUrl>
#include <algorithm>

#include "app/models/gpu_memory.h"
#include "engine/gguf/gguf.h"
#include "engine/model/config.h"
#include "engine/runtime/kv_cache.h"

namespace folio {
namespace {

constexpr int kEngineDefaultContextCap = 32768;  // LoadOptions::contextLength = 0 (engine.h)

QString fromView(std::string_view s) {
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

bool isInside(const QString& path, const QString& dir) {
    const QString d = QDir(dir).canonicalPath();
    const QString p = QFileInfo(path).canonicalFilePath();
    return !d.isEmpty() && !p.isEmpty() && p.startsWith(d + QLatin1Char('/'));
}

// Adds t to its layer's totals ("blk.<i>.<rest>"), or to otherWeightBytes when it is outside the
// layers and not the embedding (whose rows are gathered on the CPU).
void addToLayers(InstalledModel& m, const GgufTensor& t) {
    constexpr std::string_view kPrefix = "blk.";
    constexpr size_t kMaxLayers = 4096;  // a bound on what a file can make us allocate
    if (t.name.substr(0, kPrefix.size()) != kPrefix) {
        if (t.name != "token_embd.weight") m.otherWeightBytes += qint64(t.nbytes);
        return;
    }
    size_t layer = 0, i = kPrefix.size();
    for (; i < t.name.size() && t.name[i] >= '0' && t.name[i] <= '9' && layer < kMaxLayers; ++i)
        layer = layer * 10 + size_t(t.name[i] - '0');
    if (i == kPrefix.size() || layer >= kMaxLayers) {
        m.otherWeightBytes += qint64(t.nbytes);
        return;
    }
    if (m.layerWeightBytes.size() <= layer) {
        m.layerWeightBytes.resize(layer + 1, 0);
        m.layerWeightElements.resize(layer + 1, 0);
    }
    m.layerWeightBytes[layer] += qint64(t.nbytes);
    m.layerWeightElements[layer] += t.nElements();
}

}  // namespace

int InstalledModel::effectiveContext(int requested) const {
    if (trainContext <= 0) return std::max(requested, 0);
    if (requested > 0) return std::min(requested, trainContext);
    return std::min(trainContext, kEngineDefaultContextCap);
}

qint64 InstalledModel::kvBytesPerToken(KvType type) const {
    KvCacheConfig c;
    c.nLayers = nLayer;
    c.nKvHeads = nKvHead;
    c.headDim = headDim;
    c.type = type;
    return qint64(KvCache::bytesPerToken(c));
}

qint64 InstalledModel::estimateBytes(int requestedContext, KvType kvType) const {
    const qint64 kv = kvBytesPerToken(kvType) * effectiveContext(requestedContext);
    return (weightBytes + kv) * 11 / 10;
}

Expected<InstalledModel> inspectModel(const QString& path) {
    auto file = GgufFile::open(QFile::encodeName(path).toStdString());
    if (!file) return makeError(path.toStdString() + ": " + file.error().message);
    const GgufFile& g = *file.value();
    InstalledModel m;
    m.path = QFileInfo(path).absoluteFilePath();
    m.fileName = QFileInfo(path).fileName();
    m.fileBytes = qint64(g.fileSize());
    m.architecture = fromView(g.getString("general.architecture").value_or("unknown"));
    m.name = fromView(g.getString("general.name").value_or(""));
    if (m.name.isEmpty()) m.name = QFileInfo(path).completeBaseName();
    m.quantization = fromView(fileTypeName(int(g.getInt("general.file_type").value_or(-1))));
    bool hasOutput = false;
    for (const GgufTensor& t : g.tensors()) {
        m.parameters += t.nElements();
        m.weightBytes += qint64(t.nbytes);
        m.largestTensorElements = std::max(m.largestTensorElements, qint64(t.nElements()));
        addToLayers(m, t);
        hasOutput = hasOutput || t.name == "output.weight";
        if (t.name == "token_embd.weight") m.nVocab = t.ne[1];
    }
    if (!hasOutput)  // tied: the GPU needs the embedding matrix as the output matrix
        if (const GgufTensor* e = g.tensor("token_embd.weight"))
            m.otherWeightBytes += qint64(e->nbytes);
    auto config = readModelConfig(g);
    if (config) {
        m.supported = true;
        m.trainContext = config->nCtxTrain;
        m.nLayer = config->nLayer;
        m.nKvHead = config->nKvHead;
        m.headDim = config->headDim;
    } else {
        m.problem = QString::fromStdString(config.error().message);
    }
    return m;
}

qint64 parseMemAvailable(const QByteArray& meminfo) {
    for (const QByteArray& line : meminfo.split('\n')) {
        if (!line.startsWith("MemAvailable:")) continue;
        const QList<QByteArray> parts = line.simplified().split(' ');  // name, value, "kB"
        bool ok = false;
        const qint64 kb = parts.size() >= 2 ? parts[1].toLongLong(&ok) : 0;
        return ok ? kb * 1024 : -1;
    }
    return -1;
}

qint64 availableMemoryBytes() {
    QFile file(QStringLiteral("/proc/meminfo"));
    if (!file.open(QIODevice::ReadOnly)) return -1;
    return parseMemAvailable(file.readAll());
}

ModelLibrary::ModelLibrary(const QString& modelsDirectory, QObject* parent)
    : QAbstractListModel(parent), m_dir(modelsDirectory) {}

void ModelLibrary::setExtraDirectories(const QStringList& dirs) {
    m_extraDirs = dirs;
    refresh();
}

void ModelLibrary::setContextSize(int tokens) {
    tokens = std::max(tokens, 0);
    if (tokens == m_context) return;
    m_context = tokens;
    emit contextSizeChanged();
    if (!m_models.isEmpty()) emit dataChanged(index(0), index(int(m_models.size()) - 1));
}

QString ModelLibrary::kvCache() const {
    return QString::fromLatin1(KvCache::typeName(m_kvType));
}

void ModelLibrary::setKvCache(const QString& type) {
    // Only the types Settings offers; anything else keeps the current one.
    const std::optional<KvType> parsed = KvCache::typeFromName(type.toStdString());
    const KvType t = parsed && *parsed != KvType::F32 ? *parsed : m_kvType;
    if (t == m_kvType) return;
    m_kvType = t;
    emit contextSizeChanged();
    if (!m_models.isEmpty()) emit dataChanged(index(0), index(int(m_models.size()) - 1));
}

void ModelLibrary::refresh() {
    QStringList files;
    for (const QString& dir : QStringList{m_dir} + m_extraDirs) {
        const QDir d(dir);
        for (const QString& name : d.entryList({QStringLiteral("*.gguf")}, QDir::Files, QDir::Name))
            files << QFileInfo(d.filePath(name)).absoluteFilePath();
    }
    for (const QString& f : m_addedFiles)
        if (QFileInfo::exists(f)) files << f;
    files.removeDuplicates();
    QList<InstalledModel> models;
    for (const QString& f : files) {
        auto m = inspectModel(f);
        if (m)
            models.append(std::move(m.value()));
        else
            qWarning("library: skipping %s", m.error().message.c_str());
    }
    beginResetModel();
    m_models = std::move(models);
    if (!m_memoryOverride) m_available = availableMemoryBytes();
    const GpuInfo gpu = probeGpu(m_gpuLibrary.constData());
    m_gpuFound = gpu.found;
    m_gpuName = gpu.name;
    m_gpuProblem = gpu.problem;
    m_gpuFree = gpu.found ? gpu.freeBytes : -1;
    m_gpuTotal = gpu.found ? gpu.totalBytes : -1;
    endResetModel();
    emit countChanged();
}

bool ModelLibrary::deleteModel(const QString& path) {
    if (!isInside(path, m_dir)) {
        m_lastError =
            QStringLiteral("%1 is not in %2; only models there can be deleted").arg(path, m_dir);
        m_addedFiles.removeAll(QFileInfo(path).absoluteFilePath());
        refresh();
        return false;
    }
    if (!QFile::remove(path)) {
        m_lastError = QStringLiteral("cannot delete %1").arg(path);
        return false;
    }
    refresh();
    return true;
}

QString ModelLibrary::addFile(const QString& urlOrPath) {
    const QUrl url(urlOrPath);
    const QString path = url.isLocalFile() ? url.toLocalFile() : urlOrPath;
    auto m = inspectModel(path);
    if (!m) {
        m_lastError = QString::fromStdString(m.error().message);
        return QString();
    }
    if (!m->supported) {
        m_lastError = m->problem;
        return QString();
    }
    if (!m_addedFiles.contains(m->path)) m_addedFiles << m->path;
    refresh();
    return m->path;
}

int ModelLibrary::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_models.size());
}

QVariant ModelLibrary::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const InstalledModel& m = m_models[index.row()];
    switch (role) {
        case Qt::DisplayRole:
        case NameRole:
            return m.name;
        case PathRole:
            return m.path;
        case FileNameRole:
            return m.fileName;
        case FileBytesRole:
            return double(m.fileBytes);
        case ArchitectureRole:
            return m.architecture;
        case QuantizationRole:
            return m.quantization;
        case SupportedRole:
            return m.supported;
        case ProblemRole:
            return m.problem;
        case TrainContextRole:
            return m.trainContext;
        case ContextRole:
            return m.effectiveContext(m_context);
        case ParametersRole:
            return double(m.parameters);
        case EstimateBytesRole:
            return double(m.estimateBytes(m_context, m_kvType));
        case FitsRole:
            return m_available < 0 || m.estimateBytes(m_context, m_kvType) <= m_available;
        case DeletableRole:
            return isInside(m.path, m_dir);
        case GpuBytesRole:
            return double(gpuEstimate(m, m_context, m_gpuFree).totalBytes);
        case GpuFitRole:
            return gpuEstimate(m, m_context, m_gpuFree).fit;
        default:
            return {};
    }
}

QHash<int, QByteArray> ModelLibrary::roleNames() const {
    return {{PathRole, "path"},
            {FileNameRole, "fileName"},
            {NameRole, "name"},
            {FileBytesRole, "fileBytes"},
            {ArchitectureRole, "architecture"},
            {QuantizationRole, "quantization"},
            {SupportedRole, "supported"},
            {ProblemRole, "problem"},
            {TrainContextRole, "trainContext"},
            {ContextRole, "context"},
            {ParametersRole, "parameters"},
            {EstimateBytesRole, "estimateBytes"},
            {FitsRole, "fits"},
            {DeletableRole, "deletable"},
            {GpuBytesRole, "gpuBytes"},
            {GpuFitRole, "gpuFit"}};
}

}  // namespace folio
