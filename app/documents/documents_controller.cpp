#include "app/documents/documents_controller.h"

#include <QDateTime>
#include <QFileInfo>
#include <QUrl>

#include "app/documents/citations.h"

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
    : QObject(parent), m_store(store), m_options(std::move(ingestOptions)) {
    connect(&m_ingestor, &Ingestor::progress, this, [this](int done, int total) {
        setProgress(total > 0 ? double(done) / total : -1);
        setStatus(tr("Reading %1: page %2 of %3")
                      .arg(QFileInfo(m_current).fileName())
                      .arg(done)
                      .arg(total));
    });
    connect(&m_ingestor, &Ingestor::finished, this, &DocumentsController::onFinished);
    reload();
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
                          : tr("Added %1 (%2 pages).").arg(name).arg(r.document.pages.size()));
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

QString DocumentsController::titleOf(qint64 documentId) const {
    auto d = m_store->document(documentId);
    return d ? d->title : QString();
}

QString DocumentsController::linkify(qint64 conversationId, const QString& text) const {
    if (conversationId <= 0 || text.isEmpty()) return text;
    auto docs = m_store->attached(conversationId);
    if (!docs || docs->isEmpty()) return text;
    QVector<CitationTarget> targets;
    for (const DocumentInfo& d : *docs) targets.append(CitationTarget{d.id, d.pages});
    return linkifyCitations(text, targets);
}

bool DocumentsController::activateCitation(const QString& url) {
    qint64 id = 0;
    int page = 0;
    if (!parseCitationUrl(url, &id, &page)) return false;
    auto d = m_store->document(id);
    emit citationActivated(id, page, d ? d->title : QString(), d ? d->pages : 0);
    return true;
}

}  // namespace folio
