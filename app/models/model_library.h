#pragma once
// ModelLibrary: the GGUF models installed on this machine, as a list model for QML (`library`).
// Looks in <AppDataLocation>/models plus any extra folders; reads each file's metadata with
// folio::GgufFile (mmap + header only, no weights are touched) and estimates the memory it needs
// for a chosen context.
// GUI thread only.
#include <QAbstractListModel>
#include <QList>
#include <QString>
#include <QStringList>
#include <vector>

#include "engine/runtime/types.h"
#include "engine/status.h"

namespace folio {

struct InstalledModel {
    QString path;
    QString fileName;
    QString name;  // general.name (the file name when absent)
    qint64 fileBytes = 0;
    QString architecture;    // general.architecture
    QString quantization;    // from general.file_type, e.g. "Q4_K_M"
    bool supported = false;  // the engine can run this architecture
    QString problem;         // why not supported / readable; empty when fine
    int trainContext = 0;    // tokens
    int nLayer = 0;
    int nKvHead = 0;
    int headDim = 0;
    qint64 parameters = 0;   // sum of tensor elements
    qint64 weightBytes = 0;  // sum of tensor data bytes
    // For the GPU estimate (gpu_memory.h): per layer "blk.<i>.*", bytes as stored and elements;
    // otherWeightBytes = the tensors outside layers that the GPU holds (output norm and output
    // matrix; token_embd only when it doubles as the output matrix).
    std::vector<qint64> layerWeightBytes, layerWeightElements;
    qint64 otherWeightBytes = 0;
    qint64 largestTensorElements = 0;
    qint64 nVocab = 0;  // token_embd rows

    // KV cache bytes per token of context: K and V, every layer, stored as `type` (the engine's
    // own count, KvCache::bytesPerToken; 0 when the head size does not suit the type).
    qint64 kvBytesPerToken(KvType type = KvType::F16) const;
    // The context the engine sets up for a requested one (0 = its default).
    int effectiveContext(int requested) const;
    // Memory needed at that context: (weights + KV per token * context) plus 10% workspace.
    qint64 estimateBytes(int requestedContext, KvType kvType = KvType::F16) const;
};

// Reads one file's metadata; errors name the file and what is wrong. An architecture the engine
// does not support still gives a result (supported = false, problem says why).
Expected<InstalledModel> inspectModel(const QString& path);

// MemAvailable from /proc/meminfo-formatted text, in bytes; -1 when absent.
qint64 parseMemAvailable(const QByteArray& meminfo);
// This machine's available memory in bytes; -1 when unknown (not Linux).
qint64 availableMemoryBytes();

class ModelLibrary : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    // Context the estimates are for (tokens; 0 = the engine's default for each model).
    Q_PROPERTY(int contextSize READ contextSize WRITE setContextSize NOTIFY contextSizeChanged)
    // The KV cache the estimates are for: "f16" | "q8_0" (Settings::kvCache); others are ignored.
    Q_PROPERTY(QString kvCache READ kvCache WRITE setKvCache NOTIFY contextSizeChanged)
    Q_PROPERTY(
        double availableMemory READ availableMemory NOTIFY countChanged)  // bytes, -1 unknown
    Q_PROPERTY(QString modelsDirectory READ modelsDirectory CONSTANT)
    // The GPU found at the last refresh() (gpu_memory.h); gpuProblem says why none was found.
    Q_PROPERTY(bool gpuFound READ gpuFound NOTIFY countChanged)
    Q_PROPERTY(QString gpuName READ gpuName NOTIFY countChanged)
    Q_PROPERTY(QString gpuProblem READ gpuProblem NOTIFY countChanged)
    Q_PROPERTY(double gpuFreeMemory READ gpuFreeMemory NOTIFY countChanged)    // bytes
    Q_PROPERTY(double gpuTotalMemory READ gpuTotalMemory NOTIFY countChanged)  // bytes

public:
    enum Role {
        PathRole = Qt::UserRole + 1,
        FileNameRole,
        NameRole,
        FileBytesRole,
        ArchitectureRole,
        QuantizationRole,
        SupportedRole,
        ProblemRole,
        TrainContextRole,
        ContextRole,  // effectiveContext(contextSize)
        ParametersRole,
        EstimateBytesRole,
        FitsRole,       // estimate <= available memory (true when unknown)
        DeletableRole,  // inside modelsDirectory (files elsewhere are only forgotten)
        GpuBytesRole,   // GPU memory for full offload at the context (gpuEstimate), bytes
        GpuFitRole,     // "full" | "partial" | "none" | "unknown" (no GPU found)
    };

    // modelsDirectory: where downloads go (<AppDataLocation>/models); extraDirectories are
    // scanned too. Call refresh() to fill.
    explicit ModelLibrary(const QString& modelsDirectory, QObject* parent = nullptr);

    QString modelsDirectory() const { return m_dir; }
    void setExtraDirectories(const QStringList& dirs);
    int contextSize() const { return m_context; }
    void setContextSize(int tokens);
    QString kvCache() const;
    void setKvCache(const QString& type);
    double availableMemory() const { return double(m_available); }
    // For tests: override the machine's available memory (bytes; -1 = unknown).
    void setAvailableMemoryForTest(qint64 bytes) {
        m_available = bytes;
        m_memoryOverride = true;
    }
    const QList<InstalledModel>& models() const { return m_models; }
    bool gpuFound() const { return m_gpuFound; }
    QString gpuName() const { return m_gpuName; }
    QString gpuProblem() const { return m_gpuProblem; }
    double gpuFreeMemory() const { return double(m_gpuFree); }
    double gpuTotalMemory() const { return double(m_gpuTotal); }
    // For tests: the NVML library probeGpu() loads at refresh() (a fake, or a missing name).
    void setGpuLibraryForTest(const QByteArray& library) { m_gpuLibrary = library; }

    Q_INVOKABLE void refresh();
    // Deletes a model file inside modelsDirectory; false (and lastError) otherwise.
    Q_INVOKABLE bool deleteModel(const QString& path);
    // Adds a file chosen by the user (FileDialog url or path) if it is a readable GGUF; returns
    // its path, or "" with lastError set.
    Q_INVOKABLE QString addFile(const QString& urlOrPath);
    Q_INVOKABLE QString lastError() const { return m_lastError; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

signals:
    void countChanged();
    void contextSizeChanged();

private:
    QString m_dir;
    QStringList m_extraDirs;
    QStringList m_addedFiles;  // chosen with addFile(), outside the scanned folders
    QList<InstalledModel> m_models;
    int m_context = 0;
    KvType m_kvType = KvType::F16;
    qint64 m_available = -1;
    bool m_memoryOverride = false;
    QByteArray m_gpuLibrary = "libnvidia-ml.so.1";
    bool m_gpuFound = false;
    QString m_gpuName, m_gpuProblem;
    qint64 m_gpuFree = -1, m_gpuTotal = -1;  // bytes, -1 without a GPU
    QString m_lastError;
};

}  // namespace folio
