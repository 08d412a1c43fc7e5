#include "app/documents/documents_controller.h"

#include <QDateTime>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QRegularExpression>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

#include "app/documents/citations.h"
#include "app/documents/page_renderer.h"
#include "app/documents/passage_match.h"
#include "app/documents/presets.h"

namespace folio {

int DocumentListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant DocumentListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_rows.size()) return {};
    const DocumentInfo& d = m_rows[index.row()];
    switch (role) {
        case IdRole:
            return d.id;
        case Qt::DisplayRole:
        case TitleRole:
            return d.title;
        case PagesRole:
            return d.pages;
        case KindRole:
            return d.kind;
        case TokensRole:
            return d.tokenCount;
        case AddedRole:
            return QDateTime::fromMSecsSinceEpoch(d.addedAt);
        default:
            return {};
    }
}

QHash<int, QByteArray> DocumentListModel::roleNames() const {
    return {{IdRole, "documentId"}, {TitleRole, "title"},       {PagesRole, "pages"},
            {KindRole, "kind"},     {TokensRole, "tokenCount"}, {AddedRole, "addedAt"}};
}

void DocumentListModel::reset(QVector<DocumentInfo> rows) {
    beginResetModel();
    const bool countChanges = rows.size() != m_rows.size();
    m_rows = std::move(rows);
    endResetModel();
    if (countChanges) emit countChanged();
}

DocumentsController::DocumentsController(DocumentStore* store, IngestOptions ingestOptions,
                                         QObject* parent)
    : QObject(parent), m_store(store), m_options(std::move(ingestOptions)), m_attached(store) {
    // Attachments, removals and re-ingestion all change what the next reply reads.
    connect(this, &DocumentsController::attachmentsChanged, &m_attached,
            &AttachedDocuments::refresh);
    connect(&m_model, &DocumentListModel::countChanged, &m_attached, &AttachedDocuments::refresh);
    connect(&m_ingestor, &Ingestor::progress, this, [this](int done, int total) {
        setProgress(total > 0 ? double(done) / total : -1);
        setStatus(tr("Reading %1: page %2 of %3")
                      .arg(QFileInfo(m_current).fileName(), QString::number(done),
                           QString::number(total)));
    });
    connect(&m_ingestor, &Ingestor::finished, this, &DocumentsController::onFinished);
    reload();
}

void DocumentsController::setSummaryGenerator(std::unique_ptr<SummaryGenerator> generator,
                                              const SummaryOptions& options) {
    m_summarizer.reset();
    m_generator = std::move(generator);
    m_summaryOptions = options;
    if (m_generator) {
        m_summarizer = std::make_unique<MapReduceSummarizer>(m_store, m_generator.get());
        connect(m_summarizer.get(), &MapReduceSummarizer::progress, this,
                [this](int step, int steps, bool) {
                    m_summaryStatus =
                        tr("Summarising %1: part %2 of %3…")
                            .arg(m_summaryTitle, QString::number(step), QString::number(steps));
                    emit summaryChanged();
                });
        auto done = [this] {
            m_summaryStatus.clear();
            emit summaryChanged();
        };
        connect(m_summarizer.get(), &MapReduceSummarizer::finished, this,
                [this, done](qint64 id, const QString& summary) {
                    // The result first: listeners still know which request it answers.
                    emit summaryFinished(id, m_summaryTitle, summary);
                    done();
                });
        connect(m_summarizer.get(), &MapReduceSummarizer::failed, this,
                [this, done](qint64, const QString& message) {
                    done();
                    emit failed(m_summaryTitle, message);
                });
        connect(m_summarizer.get(), &MapReduceSummarizer::cancelled, this, done);
    }
    emit summaryChanged();
}

bool DocumentsController::summarize(qint64 documentId, const QString& request,
                                    const QString& language) {
    if (!m_summarizer) {
        emit failed(QString(), tr("Summaries need a loaded model."));
        return false;
    }
    SummaryOptions options = m_summaryOptions;
    options.language =
        language.startsWith(QStringLiteral("zh")) ? QStringLiteral("zh_CN") : QStringLiteral("en");
    m_summaryTitle = titleOf(documentId);
    if (Status st = m_summarizer->start(documentId, request, options); !st) {
        emit failed(m_summaryTitle, QString::fromStdString(st.message()));
        return false;
    }
    m_summaryStatus = tr("Summarising %1…").arg(m_summaryTitle);
    emit summaryChanged();
    return true;
}

void DocumentsController::cancelSummary() {
    if (m_summarizer) m_summarizer->cancel();
}

void DocumentsController::setOcrEnabled(bool on) {
    if (m_options.ocr == on) return;
    m_options.ocr = on;
    emit ocrEnabledChanged();
}

bool DocumentsController::addFile(const QString& pathOrUrl) {
    const QUrl url(pathOrUrl);
    const QString path = url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
    if (path.trimmed().isEmpty()) return false;
    m_queue << path;
    if (!m_ingestor.isRunning() && m_awaitingPassword.isEmpty()) startNext();
    return true;
}

namespace {

QString localPath(const QVariant& pathOrUrl) {
    const QUrl url = pathOrUrl.toUrl();
    if (url.isLocalFile()) return url.toLocalFile();
    const QString text = pathOrUrl.toString();
    const QUrl parsed(text);
    return parsed.isLocalFile() ? parsed.toLocalFile() : text;
}

}  // namespace

bool DocumentsController::canAdd(const QVariant& pathOrUrl) const {
    static const QStringList kSuffixes = {QStringLiteral("pdf"), QStringLiteral("txt"),
                                          QStringLiteral("md")};
    const QString path = localPath(pathOrUrl);
    return !path.trimmed().isEmpty() &&
           kSuffixes.contains(QFileInfo(path).suffix(), Qt::CaseInsensitive);
}

int DocumentsController::addDroppedFiles(const QVariantList& urls) {
    int queued = 0;
    for (const QVariant& u : urls) {
        const QString path = localPath(u);
        if (path.trimmed().isEmpty()) continue;
        if (!canAdd(path)) {
            emit failed(QFileInfo(path).fileName(),
                        tr("This kind of file cannot be added. Drop PDF, .txt or .md files."));
            continue;
        }
        if (addFile(path)) ++queued;
    }
    return queued;
}

void DocumentsController::startNext() {
    if (m_queue.isEmpty()) return;
    m_current = m_queue.takeFirst();
    IngestOptions options = m_options;
    m_ingestor.start(m_current, options);
    setProgress(-1);
    setStatus(tr("Reading %1…").arg(QFileInfo(m_current).fileName()));
    emit busyChanged();
}

void DocumentsController::submitPassword(const QString& password) {
    if (m_awaitingPassword.isEmpty() || m_ingestor.isRunning()) return;
    m_current = m_awaitingPassword;
    m_awaitingPassword.clear();
    IngestOptions options = m_options;
    options.password = password;
    m_ingestor.start(m_current, options);
    setStatus(tr("Opening %1…").arg(QFileInfo(m_current).fileName()));
    emit busyChanged();
}

void DocumentsController::cancel() {
    if (!m_awaitingPassword.isEmpty()) {
        m_awaitingPassword.clear();
        setStatus(tr("Cancelled."));
        startNext();
        return;
    }
    m_ingestor.cancel();  // onFinished() reports it and moves on
}

bool DocumentsController::remove(qint64 documentId) {
    const Status s = m_store->remove(documentId);
    if (!s.ok()) setStatus(QString::fromStdString(s.message()));
    if (s.ok()) emit documentRemoved(documentId);
    reload();
    return s.ok();
}

void DocumentsController::reload() {
    Expected<QVector<DocumentInfo>> rows = m_store->list();
    if (rows)
        m_model.reset(std::move(*rows));
    else
        setStatus(QString::fromStdString(rows.error().message));
}

void DocumentsController::onFinished() {
    const IngestResult& r = m_ingestor.result();
    const QString name = QFileInfo(m_current).fileName();
    emit busyChanged();
    setProgress(-1);
    if (r.outcome == IngestOutcome::NeedsPassword || r.outcome == IngestOutcome::WrongPassword) {
        m_awaitingPassword = m_current;
        setStatus(r.message);
        emit passwordRequired(name, r.outcome == IngestOutcome::WrongPassword);
        return;  // the queue waits for the password (or cancel)
    }
    if (!r.ok()) {
        setStatus(tr("%1: %2").arg(name, r.message));
        emit failed(name, r.message);
    } else {
        Expected<AddedDocument> added = m_store->add(r.document);
        if (!added) {
            setStatus(tr("%1: %2").arg(name, QString::fromStdString(added.error().message)));
            emit failed(name, QString::fromStdString(added.error().message));
        } else {
            setStatus(added->alreadyStored
                          ? tr("%1 was already added.").arg(name)
                          : tr("Added %1 (%2 pages).")
                                .arg(name, QString::number(r.document.pages.size())));
            reload();
            emit documentAdded(added->id, added->alreadyStored);
        }
    }
    startNext();
}

void DocumentsController::setStatus(const QString& text) {
    if (m_status == text) return;
    m_status = text;
    emit statusTextChanged();
}

void DocumentsController::setProgress(double p) {
    if (m_progress == p) return;
    m_progress = p;
    emit progressChanged();
}

bool DocumentsController::attachTo(qint64 conversationId, qint64 documentId) {
    if (conversationId <= 0 || documentId <= 0) return false;
    if (Status st = m_store->attach(conversationId, documentId); !st) {
        emit failed(QString(), QString::fromStdString(st.message()));
        return false;
    }
    emit attachmentsChanged(conversationId);
    return true;
}

bool DocumentsController::detachFrom(qint64 conversationId, qint64 documentId) {
    if (Status st = m_store->detach(conversationId, documentId); !st) {
        emit failed(QString(), QString::fromStdString(st.message()));
        return false;
    }
    emit attachmentsChanged(conversationId);
    return true;
}

QVariantList DocumentsController::attachedTo(qint64 conversationId) const {
    QVariantList out;
    auto docs = m_store->attached(conversationId);
    if (!docs) return out;
    for (const DocumentInfo& d : *docs)
        out.append(QVariantMap{{QStringLiteral("id"), d.id},
                               {QStringLiteral("title"), d.title},
                               {QStringLiteral("pages"), d.pages}});
    return out;
}

QVariantList DocumentsController::presetsFor(qint64 conversationId,
                                             const QString& uiLanguage) const {
    QStringList titles;
    if (auto docs = m_store->attached(conversationId))
        for (const DocumentInfo& d : *docs) titles << d.title;
    const QString language = presetLanguage(uiLanguage);
    const PresetLibrary library(*m_store);
    QVariantList out;
    for (const PresetInfo& preset : analysisPresets(language)) {
        const bool available = titles.size() >= preset.documentsNeeded;
        QString text;
        if (auto tmpl = library.templateFor(preset.key, language); tmpl && available)
            if (auto rendered = renderPreset(*tmpl, preset.key, titles)) text = *rendered;
        out.append(QVariantMap{{QStringLiteral("key"), preset.key},
                               {QStringLiteral("title"), preset.title},
                               {QStringLiteral("text"), text},
                               {QStringLiteral("available"), available && !text.isEmpty()}});
    }
    return out;
}

QString DocumentsController::titleOf(qint64 documentId) const {
    auto d = m_store->document(documentId);
    return d ? d->title : QString();
}

QString DocumentsController::kindOf(qint64 documentId) const {
    auto d = m_store->document(documentId);
    return d ? d->kind : QString();
}

QString DocumentsController::pageText(qint64 documentId, int page) const {
    auto pages = m_store->pages(documentId);
    if (!pages) return {};
    for (const PageText& p : *pages)
        if (p.page == page) return p.text;
    return {};
}

QString DocumentsController::linkify(qint64 conversationId, const QString& text) const {
    if (conversationId <= 0 || text.isEmpty()) return text;
    auto docs = m_store->attached(conversationId);
    if (!docs || docs->isEmpty()) return text;
    QVector<CitationTarget> targets;
    for (const DocumentInfo& d : *docs) targets.append(CitationTarget{d.id, d.pages});
    return linkifyCitations(text, targets, /*withClaims=*/true);
}

QStringList DocumentsController::citationLinks(qint64 conversationId, const QString& text) const {
    static const QRegularExpression kLink(QStringLiteral(R"re(\]\((folio://doc/[^)\s]+)\))re"));
    QStringList links;
    const QString linked = linkify(conversationId, text);
    for (auto it = kLink.globalMatch(linked); it.hasNext();) links << it.next().captured(1);
    return links;
}

bool DocumentsController::activateCitation(const QString& url) {
    qint64 id = 0;
    int page = 0;
    QString claim;
    if (!parseCitationUrl(url, &id, &page, &claim)) return false;
    m_lastCitation = url;
    auto d = m_store->document(id);
    emit citationActivated(id, page, d ? d->title : QString(), d ? d->pages : 0);
    if (d && d->kind == QStringLiteral("pdf") && !claim.trimmed().isEmpty())
        findHighlight(*d, page, claim);
    return true;
}

void DocumentsController::findHighlight(const DocumentInfo& document, int page,
                                        const QString& claim) {
    RenderOptions options;
    options.program = m_options.program;
    const QString path = document.path;
    // The task captures values only: it may outlive the controller (the watcher does not).
    auto* watcher = new QFutureWatcher<QVariantList>(this);
    connect(watcher, &QFutureWatcher<QVariantList>::finished, this,
            [this, watcher, id = document.id, page] {
                watcher->deleteLater();
                emit citationHighlighted(id, page, watcher->result());
            });
    watcher->setFuture(QtConcurrent::run([path, page, claim, options] {
        QVariantList boxes;
        Expected<QVector<WordBox>> words = readPageWords(path, page, options);
        if (!words) return boxes;
        for (const QRectF& r : highlightBoxes(*words, claim)) boxes.append(r);
        return boxes;
    }));
}

}  // namespace folio
