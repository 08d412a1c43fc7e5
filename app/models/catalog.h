#pragma once
// ModelCatalog: the curated list of downloadable models (resources/models/catalog.json, embedded
// as :/folio/models/catalog.json) and the download URL of an entry on each mirror.
// Immutable after construction; all methods are const and thread-safe.
#include <QList>
#include <QString>
#include <QUrl>

#include "engine/status.h"

namespace folio {

struct CatalogEntry {
    QString id;                  // unique, e.g. "qwen3-4b-q4_k_m"
    QString name;                // display name, e.g. "Qwen3 4B"
    QString family;              // GGUF general.architecture, e.g. "qwen3"
    QString quantization;        // e.g. "Q4_K_M"
    QString file;                // file name on the mirror and on disk
    QString repo;                // Hugging Face repository, "owner/name"
    QString modelscopeRepo;      // ModelScope repository, "owner/name"
    qint64 sizeBytes = 0;        // approximate download size
    qint64 ramBytes = 0;         // approximate memory needed with an 8192-token context
    QString sha256;              // lower-case hex; empty when no checksum is pinned
    QString suits;               // what hardware it suits (English; translated in QML)
    bool isDefault = false;      // the model scripts/fetch-model installs (the fast 0.5B)
    bool isRecommended = false;  // recommended for documents where the computer has the memory
};

enum class Mirror { HuggingFace, ModelScope, Custom };

// "huggingface" | "modelscope" | "custom" <-> Mirror; unknown names give nullopt-like false.
bool mirrorFromName(const QString& name, Mirror* out);
QString mirrorName(Mirror mirror);

class ModelCatalog {
public:
    // Parses catalog JSON; errors name the entry and field that is wrong.
    static Expected<ModelCatalog> fromJson(const QByteArray& json);
    // The embedded catalog (an empty catalog if the resource is missing: a build error).
    static const ModelCatalog& builtIn();

    const QList<CatalogEntry>& entries() const { return m_entries; }
    const CatalogEntry* find(const QString& id) const;  // nullptr when absent
    // The download URL of entry on mirror. customBase is used for Mirror::Custom only
    // ("https://host/prefix"); an empty or non-http(s) base gives an error.
    static Expected<QUrl> url(const CatalogEntry& entry, Mirror mirror, const QString& customBase);

private:
    QList<CatalogEntry> m_entries;
};

}  // namespace folio
