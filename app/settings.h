#pragma once
// Settings: the user's preferences, persisted with QSettings; exposed to QML as `settings`.
// Every property writes through immediately and emits its NOTIFY signal only when it changes.
// GUI thread only.
#include <QObject>
#include <QSettings>
#include <QString>
#include <memory>

class Settings : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString modelPath READ modelPath WRITE setModelPath NOTIFY modelPathChanged)
    Q_PROPERTY(int threads READ threads WRITE setThreads NOTIFY threadsChanged)  // 0 = auto
    Q_PROPERTY(int contextSize READ contextSize WRITE setContextSize NOTIFY
                   contextSizeChanged)  // 0 = model default
    Q_PROPERTY(QString device READ device WRITE setDevice NOTIFY deviceChanged)  // "cpu" | "gpu"
    // How the CPU keeps the chat's KV cache: "f16" (exact) | "q8_0" (8-bit, half the memory)
    Q_PROPERTY(QString kvCache READ kvCache WRITE setKvCache NOTIFY kvCacheChanged)
    // "qwen3-thinking" | "qwen3-non-thinking" | "precise" | "creative"
    Q_PROPERTY(QString samplingPreset READ samplingPreset WRITE setSamplingPreset NOTIFY
                   samplingPresetChanged)
    Q_PROPERTY(
        QString systemPrompt READ systemPrompt WRITE setSystemPrompt NOTIFY systemPromptChanged)
    Q_PROPERTY(
        QString theme READ theme WRITE setTheme NOTIFY themeChanged)  // "system" | "light" | "dark"
    Q_PROPERTY(
        QString language READ language WRITE setLanguage NOTIFY languageChanged)     // "" = system
    Q_PROPERTY(int fontSize READ fontSize WRITE setFontSize NOTIFY fontSizeChanged)  // points
    // The folder of saved KV blocks (read documents kept across restarts) is kept under this
    // many GB; 0 turns saving off. Applies the next time a model loads.
    Q_PROPERTY(
        int savedMemoryGb READ savedMemoryGb WRITE setSavedMemoryGb NOTIFY savedMemoryGbChanged)
    // The window's size when it was last closed; 0 = not yet (the window then fits the screen).
    Q_PROPERTY(int windowWidth READ windowWidth WRITE setWindowWidth NOTIFY windowSizeChanged)
    Q_PROPERTY(int windowHeight READ windowHeight WRITE setWindowHeight NOTIFY windowSizeChanged)
    // The OpenAI-compatible API server (app/api): off by default; on 127.0.0.1 unless other
    // computers are allowed; every request needs the token (made when the server is first
    // turned on).
    Q_PROPERTY(bool apiEnabled READ apiEnabled WRITE setApiEnabled NOTIFY apiChanged)
    Q_PROPERTY(int apiPort READ apiPort WRITE setApiPort NOTIFY apiChanged)  // 1024..65535
    Q_PROPERTY(QString apiToken READ apiToken WRITE setApiToken NOTIFY apiChanged)
    Q_PROPERTY(bool apiAllowNetwork READ apiAllowNetwork WRITE setApiAllowNetwork NOTIFY apiChanged)

public:
    static constexpr const char* kDefaultSystemPrompt = "You are a helpful assistant.";

    // Uses the application's QSettings (organization/application name).
    explicit Settings(QObject* parent = nullptr);
    // Uses an INI file at iniPath (tests, --data-dir).
    explicit Settings(const QString& iniPath, QObject* parent = nullptr);
    ~Settings() override;

    QString modelPath() const;
    int threads() const;
    int contextSize() const;
    QString device() const;
    QString kvCache() const;
    QString samplingPreset() const;
    QString systemPrompt() const;
    QString theme() const;
    QString language() const;
    int fontSize() const;
    int savedMemoryGb() const;
    int windowWidth() const;
    int windowHeight() const;
    bool apiEnabled() const;
    int apiPort() const;
    QString apiToken() const;
    bool apiAllowNetwork() const;
    // The remote engine (app/remote): its base URL, chosen model and context length; the key is
    // not kept here (RemoteEngines keeps it in a file only the user can read).
    QString remoteBaseUrl() const;
    QString remoteModel() const;
    int remoteContextLength() const;
    void setRemote(const QString& baseUrl, const QString& model, int contextLength);

    void setModelPath(const QString& v);
    void setThreads(int v);
    void setContextSize(int v);
    void setDevice(const QString& v);          // anything but "gpu" is stored as "cpu"
    void setKvCache(const QString& v);         // unknown names are ignored
    void setSamplingPreset(const QString& v);  // unknown names are ignored
    void setSystemPrompt(const QString& v);
    void setTheme(const QString& v);  // unknown names are ignored
    void setLanguage(const QString& v);
    void setFontSize(int v);       // clamped to 6..48
    void setSavedMemoryGb(int v);  // clamped to 0..256
    void setWindowWidth(int v);    // clamped to 0..16384
    void setWindowHeight(int v);   // clamped to 0..16384
    void setApiEnabled(bool v);
    void setApiPort(int v);  // clamped to 1024..65535
    void setApiToken(const QString& v);
    void setApiAllowNetwork(bool v);

    static bool isKnownPreset(const QString& name);

signals:
    void modelPathChanged();
    void threadsChanged();
    void contextSizeChanged();
    void deviceChanged();
    void kvCacheChanged();
    void samplingPresetChanged();
    void systemPromptChanged();
    void themeChanged();
    void languageChanged();
    void fontSizeChanged();
    void savedMemoryGbChanged();
    void windowSizeChanged();
    void apiChanged();

private:
    QVariant value(const char* key) const;
    // Stores v under key; returns true (and the caller emits) when it changed.
    bool store(const char* key, const QVariant& v);

    std::unique_ptr<QSettings> m_settings;
};
