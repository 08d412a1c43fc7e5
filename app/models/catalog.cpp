#include "app/models/catalog.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <array>

namespace folio {
namespace {

// URL layouts per mirror: %1 = base, %2 = repository, %3 = file. One row per mirror.
struct MirrorRow {
    Mirror mirror;
    const char* name;
    const char* base;  // nullptr: user-supplied (custom)
    const char* layout;
    bool modelscopeRepo;  // use CatalogEntry::modelscopeRepo instead of repo
};
constexpr std::array<MirrorRow, 3> kMirrors{{
    {Mirror::HuggingFace, "huggingface", "https://huggingface.co", "%1/%2/resolve/main/%3", false},
    {Mirror::ModelScope, "modelscope", "https://modelscope.cn", "%1/models/%2/resolve/master/%3",
     true},
    {Mirror::Custom, "custom", nullptr, "%1/%2/resolve/main/%3", false},
}};

const MirrorRow& rowOf(Mirror mirror) {
    for (const MirrorRow& row : kMirrors)
        if (row.mirror == mirror) return row;
    return kMirrors[0];
}

Error entryError(int index, const QString& what) {
    return makeError(QStringLiteral("catalog entry %1: %2").arg(index).arg(what).toStdString());
}

Expected<CatalogEntry> parseEntry(const QJsonObject& o, int index) {
    CatalogEntry e;
    const std::array<std::pair<const char*, QString*>, 7> required{
        {{"id", &e.id},
         {"name", &e.name},
         {"family", &e.family},
         {"quantization", &e.quantization},
         {"file", &e.file},
         {"repo", &e.repo},
         {"modelscopeRepo", &e.modelscopeRepo}}};
    for (const auto& [key, field] : required) {
        *field = o.value(QLatin1String(key)).toString();
        if (field->isEmpty())
            return entryError(index, QStringLiteral("'%1' is missing or not a string").arg(key));
    }
    // File names go straight into paths: refuse anything that could leave the models folder.
    if (e.file.contains(QLatin1Char('/')) || e.file.contains(QLatin1Char('\\')) ||
        e.file.startsWith(QLatin1Char('.')) || !e.file.endsWith(QLatin1String(".gguf")))
        return entryError(index, QStringLiteral("'file' must be a plain *.gguf name"));
    e.sizeBytes = qint64(o.value(QLatin1String("sizeBytes")).toDouble(-1));
    e.ramBytes = qint64(o.value(QLatin1String("ramBytes")).toDouble(-1));
    if (e.sizeBytes <= 0 || e.ramBytes <= 0)
        return entryError(index, QStringLiteral("'sizeBytes' and 'ramBytes' must be positive"));
    const QJsonValue sha = o.value(QLatin1String("sha256"));
    if (!sha.isNull() && !sha.isUndefined()) {
        static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
        e.sha256 = sha.toString();
        if (!hex.match(e.sha256).hasMatch())
            return entryError(index,
                              QStringLiteral("'sha256' must be 64 lower-case hex digits or null"));
    }
    e.suits = o.value(QLatin1String("suits")).toString();
    e.isDefault = o.value(QLatin1String("default")).toBool(false);
    e.isRecommended = o.value(QLatin1String("recommended")).toBool(false);
    return e;
}

}  // namespace

bool mirrorFromName(const QString& name, Mirror* out) {
    for (const MirrorRow& row : kMirrors) {
        if (name == QLatin1String(row.name)) {
            *out = row.mirror;
            return true;
        }
    }
    return false;
}

QString mirrorName(Mirror mirror) {
    return QLatin1String(rowOf(mirror).name);
}

Expected<ModelCatalog> ModelCatalog::fromJson(const QByteArray& json) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (doc.isNull())
        return makeError("catalog: invalid JSON: " + parseError.errorString().toStdString());
    const QJsonValue models = doc.object().value(QLatin1String("models"));
    if (!models.isArray()) return makeError("catalog: 'models' is missing or not an array");
    ModelCatalog catalog;
    const QJsonArray array = models.toArray();
    for (int i = 0; i < array.size(); ++i) {
        auto entry = parseEntry(array[i].toObject(), i);
        if (!entry) return entry.error();
        if (catalog.find(entry->id))
            return entryError(i, QStringLiteral("duplicate id '%1'").arg(entry->id));
        catalog.m_entries.append(std::move(entry.value()));
    }
    return catalog;
}

const ModelCatalog& ModelCatalog::builtIn() {
    static const ModelCatalog catalog = [] {
        QFile file(QStringLiteral(":/folio/models/catalog.json"));
        if (!file.open(QIODevice::ReadOnly)) return ModelCatalog();
        auto parsed = fromJson(file.readAll());
        return parsed ? std::move(parsed.value()) : ModelCatalog();
    }();
    return catalog;
}

const CatalogEntry* ModelCatalog::find(const QString& id) const {
    for (const CatalogEntry& e : m_entries)
        if (e.id == id) return &e;
    return nullptr;
}

Expected<QUrl> ModelCatalog::url(const CatalogEntry& entry, Mirror mirror,
                                 const QString& customBase) {
    const MirrorRow& row = rowOf(mirror);
    QString base = row.base ? QLatin1String(row.base) : customBase.trimmed();
    while (base.endsWith(QLatin1Char('/'))) base.chop(1);
    const QUrl baseUrl(base);
    if (base.isEmpty() || !baseUrl.isValid() ||
        (baseUrl.scheme() != QLatin1String("https") && baseUrl.scheme() != QLatin1String("http")))
        return makeError("mirror URL must start with http:// or https:// (got '" +
                         customBase.toStdString() + "')");
    const QString repo = row.modelscopeRepo ? entry.modelscopeRepo : entry.repo;
    return QUrl(QString::fromLatin1(row.layout).arg(base, repo, entry.file));
}

}  // namespace folio
