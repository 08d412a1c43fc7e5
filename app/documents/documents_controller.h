#pragma once
// DocumentsController: the documents panel's backend, exposed to QML (e.g. as `documents`).
// Adds files one at a time through an Ingestor (the parsing runs in the folio-ingest child, so the
// UI never waits on a PDF), stores them, asks for passwords of encrypted PDFs (never stored), and
// keeps `model` in step with the store.
//
// GUI thread only: the model changes on the thread that owns the controller.
#include <QAbstractListModel>
#include <QObject>
#include <QStringList>
#include <QVariantList>
#include <QVariantMap>
#include <QVector>
#include <memory>

#include "app/documents/attached_documents.h"
#include "app/documents/document_store.h"
#include "app/documents/ingestor.h"
#include "app/documents/map_reduce.h"

namespace folio {

class DocumentListModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role { IdRole = Qt::UserRole + 1, TitleRole, PagesRole, KindRole, TokensRole, AddedRole };
    using QAbstractListModel::QAbstractListModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rows.size()); }
    void reset(QVector<DocumentInfo> rows);
    const QVector<DocumentInfo>& rows() const { return m_rows; }

signals:
    void countChanged();

private:
    QVector<DocumentInfo> m_rows;
};

class DocumentsController : public QObject {
    Q_OBJECT
    Q_PROPERTY(folio::DocumentListModel* model READ model CONSTANT)
    // The current chat's documents as the next reply reads them (the document bar); the chat
    // controller sets its conversation, budget and token counter.
    Q_PROPERTY(folio::AttachedDocuments* attached READ attached CONSTANT)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)  // 0..1; -1 = not started
    Q_PROPERTY(QString statusText READ statusText NOTIFY statusTextChanged)
    Q_PROPERTY(bool ocrEnabled READ ocrEnabled WRITE setOcrEnabled NOTIFY ocrEnabledChanged)
    // Map-reduce summaries: whether one is being made, and "Summarising … part 3 of 7".
    Q_PROPERTY(bool summarizing READ summarizing NOTIFY summaryChanged)
    Q_PROPERTY(QString summaryStatus READ summaryStatus NOTIFY summaryChanged)
    Q_PROPERTY(bool canSummarize READ canSummarize NOTIFY summaryChanged)
    // The citation link opened last (activateCitation): where next / previous citation start.
    Q_PROPERTY(QString lastCitation READ lastCitation NOTIFY citationActivated)

public:
    // store must outlive the controller. ingestOptions: defaults for every file (program, limits).
    explicit DocumentsController(DocumentStore* store, IngestOptions ingestOptions = {},
                                 QObject* parent = nullptr);

    DocumentListModel* model() { return &m_model; }
    AttachedDocuments* attached() { return &m_attached; }
    bool busy() const { return m_ingestor.isRunning(); }
    double progress() const { return m_progress; }
    QString statusText() const { return m_status; }
    bool ocrEnabled() const { return m_options.ocr; }
    void setOcrEnabled(bool on);
    bool summarizing() const { return m_summarizer && m_summarizer->running(); }
    QString summaryStatus() const { return m_summaryStatus; }
    bool canSummarize() const { return m_summarizer != nullptr; }
    QString lastCitation() const { return m_lastCitation; }
    // The model behind summarize(); without one, summarize() says it is unavailable.
    void setSummaryGenerator(std::unique_ptr<SummaryGenerator> generator,
                             const SummaryOptions& options = {});

    // Queues a file (a local path or a file:// URL). False for an empty path.
    Q_INVOKABLE bool addFile(const QString& pathOrUrl);
    // Files dropped on the window: queues the PDF, .txt and .md ones (attached to the current
    // chat when added, see Main.qml) and reports each other one through failed() with a message
    // that says which files can be added. Returns how many were queued.
    Q_INVOKABLE int addDroppedFiles(const QVariantList& urls);
    // Whether addFile() takes this file, by its name (.pdf, .txt, .md, any case).
    Q_INVOKABLE bool canAdd(const QVariant& pathOrUrl) const;
    // Answers passwordRequired: retries the pending file with this password.
    Q_INVOKABLE void submitPassword(const QString& password);
    // "Summarise whole document": a map-reduce summary (map_reduce.h), the user's alternative to
    // retrieval when a document does not fit the context. request may be empty; language "en"
    // or "zh_CN" (Qt.uiLanguage) picks the instructions. Progress in summaryStatus; the answer in
    // summaryFinished, errors in failed(). False when busy or unavailable.
    Q_INVOKABLE bool summarize(qint64 documentId, const QString& request = {},
                               const QString& language = {});
    // Stops the summary; the parts already made stay stored for the next request.
    Q_INVOKABLE void cancelSummary();
    // Cancels the file being read (and forgets one waiting for a password).
    Q_INVOKABLE void cancel();
    Q_INVOKABLE bool remove(qint64 documentId);
    Q_INVOKABLE void reload();
    // Conversation attachments: the documents a chat's prompts include. Errors -> failed().
    Q_INVOKABLE bool attachTo(qint64 conversationId, qint64 documentId);
    Q_INVOKABLE bool detachFrom(qint64 conversationId, qint64 documentId);
    // [{id, title, pages}] in attach order.
    Q_INVOKABLE QVariantList attachedTo(qint64 conversationId) const;
    // The analysis presets for a chat, in the UI language (presets.h): [{key, title, text,
    // available}], text filled with the attached documents' titles (the user's edit of the
    // template when there is one); available is false while the chat has fewer documents than
    // the preset needs (Compare needs two).
    Q_INVOKABLE QVariantList presetsFor(qint64 conversationId, const QString& uiLanguage) const;
    // The stored title of a document ("" when unknown).
    Q_INVOKABLE QString titleOf(qint64 documentId) const;
    // "pdf" or "text" ("" when unknown): the viewer shows a text document's page as text.
    Q_INVOKABLE QString kindOf(qint64 documentId) const;
    // The stored text of a page (1-based; "" when there is none).
    Q_INVOKABLE QString pageText(qint64 documentId, int page) const;
    // Reply text with its page citations ("[p.12]", "第12页") turned into Markdown links
    // folio://doc/<id>/page/<n> to the documents attached to the conversation (unchanged when
    // none is attached).
    Q_INVOKABLE QString linkify(qint64 conversationId, const QString& text) const;
    // The citation links of a reply, in reading order (what linkify would make of its [p.N]):
    // what the split view steps through with next / previous citation.
    Q_INVOKABLE QStringList citationLinks(qint64 conversationId, const QString& text) const;
    // A citation link was clicked: emits citationActivated(documentId, page, title) when the
    // link is one; false otherwise. When the link carries its claim (linkify adds it) and the
    // document is a PDF, the page's words are read in the background (folio-ingest --words) and
    // citationHighlighted follows with the passage's boxes (none when it is not found).
    Q_INVOKABLE bool activateCitation(const QString& url);

signals:
    void busyChanged();
    void progressChanged();
    void statusTextChanged();
    void ocrEnabledChanged();
    void documentAdded(qint64 documentId, bool alreadyStored);
    // Deleted from the library (what the engine saved of its text goes with it).
    void documentRemoved(qint64 documentId);
    void attachmentsChanged(qint64 conversationId);
    void summaryChanged();
    void summaryFinished(qint64 documentId, const QString& title, const QString& summary);
    void citationActivated(qint64 documentId, int page, const QString& title, int pageCount);
    // boxes: QRectF values in page fractions (x, width / page width; y, height / page height).
    void citationHighlighted(qint64 documentId, int page, const QVariantList& boxes);
    void failed(const QString& fileName, const QString& message);
    // An encrypted PDF needs its password; wrongPassword: the last one given did not open it.
    void passwordRequired(const QString& fileName, bool wrongPassword);

private:
    void startNext();
    void onFinished();
    void setStatus(const QString& text);
    void setProgress(double p);
    void findHighlight(const DocumentInfo& document, int page, const QString& claim);

    DocumentStore* m_store;
    std::unique_ptr<SummaryGenerator> m_generator;
    std::unique_ptr<MapReduceSummarizer> m_summarizer;
    SummaryOptions m_summaryOptions;
    QString m_summaryStatus;
    QString m_summaryTitle;
    IngestOptions m_options;
    Ingestor m_ingestor;
    DocumentListModel m_model;
    AttachedDocuments m_attached;
    QStringList m_queue;
    QString m_current;           // the file being read
    QString m_awaitingPassword;  // the file waiting for submitPassword()
    double m_progress = -1;
    QString m_status;
    QString m_lastCitation;
};

}  // namespace folio
