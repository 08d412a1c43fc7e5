#include "app/settings.h"

#include <algorithm>

namespace {

struct Default {
    const char* key;
    QVariant value;
};

// Every key with its default, in one table.
const Default kDefaults[] = {
    {"model/path", QString()},
    {"model/threads", 0},
    {"model/contextSize", 0},
    {"model/device", QStringLiteral("cpu")},
    {"model/kvCache", QStringLiteral("f16")},
    {"chat/samplingPreset", QStringLiteral("qwen3-non-thinking")},
    {"chat/systemPrompt", QString::fromLatin1(Settings::kDefaultSystemPrompt)},
    {"ui/theme", QStringLiteral("system")},
    {"ui/language", QString()},
    {"ui/fontSize", 11},
    {"model/savedMemoryGb", 4},
    {"ui/windowWidth", 0},
    {"ui/windowHeight", 0},
    {"api/enabled", false},
    {"api/port", 8080},
    {"api/token", QString()},
    {"api/allowNetwork", false},
    {"remote/baseUrl", QString()},
    {"remote/model", QString()},
    {"remote/contextLength", 32768},
};

const char* const kPresets[] = {"qwen3-thinking", "qwen3-non-thinking", "precise", "creative"};
const char* const kThemes[] = {"system", "light", "dark"};
const char* const kKvCacheTypes[] = {"f16", "q8_0"};  // KvCache::typeName of the offered types

template <size_t N>
bool contains(const char* const (&names)[N], const QString& v) {
    return std::any_of(std::begin(names), std::end(names), [&](const char* n) { return v == n; });
}

}  // namespace

Settings::Settings(QObject* parent) : QObject(parent), m_settings(std::make_unique<QSettings>()) {}

Settings::Settings(const QString& iniPath, QObject* parent)
    : QObject(parent), m_settings(std::make_unique<QSettings>(iniPath, QSettings::IniFormat)) {}

Settings::~Settings() = default;

QVariant Settings::value(const char* key) const {
    for (const Default& d : kDefaults)
        if (qstrcmp(d.key, key) == 0) return m_settings->value(key, d.value);
    Q_ASSERT_X(false, "Settings::value", "key missing from kDefaults");
    return {};
}

bool Settings::store(const char* key, const QVariant& v) {
    if (value(key) == v) return false;
    m_settings->setValue(key, v);
    return true;
}

bool Settings::isKnownPreset(const QString& name) {
    return contains(kPresets, name);
}

QString Settings::modelPath() const {
    return value("model/path").toString();
}
int Settings::threads() const {
    return value("model/threads").toInt();
}
int Settings::contextSize() const {
    return value("model/contextSize").toInt();
}
QString Settings::kvCache() const {
    const QString v = value("model/kvCache").toString();
    return contains(kKvCacheTypes, v) ? v : QStringLiteral("f16");  // a hand-edited file
}
QString Settings::device() const {
    return value("model/device").toString();
}
QString Settings::samplingPreset() const {
    return value("chat/samplingPreset").toString();
}
QString Settings::systemPrompt() const {
    return value("chat/systemPrompt").toString();
}
QString Settings::theme() const {
    return value("ui/theme").toString();
}
QString Settings::language() const {
    return value("ui/language").toString();
}
int Settings::fontSize() const {
    return value("ui/fontSize").toInt();
}

void Settings::setModelPath(const QString& v) {
    if (store("model/path", v)) emit modelPathChanged();
}
void Settings::setThreads(int v) {
    if (store("model/threads", std::max(v, 0))) emit threadsChanged();
}
void Settings::setContextSize(int v) {
    if (store("model/contextSize", std::max(v, 0))) emit contextSizeChanged();
}
void Settings::setDevice(const QString& v) {
    if (store("model/device", v == "gpu" ? QStringLiteral("gpu") : QStringLiteral("cpu")))
        emit deviceChanged();
}
void Settings::setKvCache(const QString& v) {
    if (contains(kKvCacheTypes, v) && store("model/kvCache", v)) emit kvCacheChanged();
}
void Settings::setSamplingPreset(const QString& v) {
    if (isKnownPreset(v) && store("chat/samplingPreset", v)) emit samplingPresetChanged();
}
void Settings::setSystemPrompt(const QString& v) {
    if (store("chat/systemPrompt", v)) emit systemPromptChanged();
}
void Settings::setTheme(const QString& v) {
    if (contains(kThemes, v) && store("ui/theme", v)) emit themeChanged();
}
void Settings::setLanguage(const QString& v) {
    if (store("ui/language", v)) emit languageChanged();
}
void Settings::setFontSize(int v) {
    if (store("ui/fontSize", std::clamp(v, 6, 48))) emit fontSizeChanged();
}

int Settings::savedMemoryGb() const {
    return std::clamp(value("model/savedMemoryGb").toInt(), 0, 256);
}

int Settings::windowWidth() const {
    return std::clamp(value("ui/windowWidth").toInt(), 0, 16384);
}

int Settings::windowHeight() const {
    return std::clamp(value("ui/windowHeight").toInt(), 0, 16384);
}

void Settings::setWindowWidth(int v) {
    if (store("ui/windowWidth", std::clamp(v, 0, 16384))) emit windowSizeChanged();
}

void Settings::setWindowHeight(int v) {
    if (store("ui/windowHeight", std::clamp(v, 0, 16384))) emit windowSizeChanged();
}

bool Settings::apiEnabled() const {
    return value("api/enabled").toBool();
}

int Settings::apiPort() const {
    return std::clamp(value("api/port").toInt(), 1024, 65535);
}

QString Settings::apiToken() const {
    return value("api/token").toString();
}

bool Settings::apiAllowNetwork() const {
    return value("api/allowNetwork").toBool();
}

void Settings::setApiEnabled(bool v) {
    if (store("api/enabled", v)) emit apiChanged();
}

void Settings::setApiPort(int v) {
    if (store("api/port", std::clamp(v, 1024, 65535))) emit apiChanged();
}

void Settings::setApiToken(const QString& v) {
    if (store("api/token", v)) emit apiChanged();
}

void Settings::setApiAllowNetwork(bool v) {
    if (store("api/allowNetwork", v)) emit apiChanged();
}

QString Settings::remoteBaseUrl() const {
    return value("remote/baseUrl").toString();
}

QString Settings::remoteModel() const {
    return value("remote/model").toString();
}

int Settings::remoteContextLength() const {
    return std::clamp(value("remote/contextLength").toInt(), 512, 1 << 21);
}

void Settings::setRemote(const QString& baseUrl, const QString& model, int contextLength) {
    store("remote/baseUrl", baseUrl);
    store("remote/model", model);
    store("remote/contextLength", std::clamp(contextLength, 512, 1 << 21));
}

void Settings::setSavedMemoryGb(int v) {
    if (store("model/savedMemoryGb", std::clamp(v, 0, 256))) emit savedMemoryGbChanged();
}
