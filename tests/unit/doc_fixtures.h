#pragma once
// PDFs and text files written by the document tests: a long contract in English and Chinese with
// known clauses on known pages, an image-only page for OCR, and broken files.
#include <QFile>
#include <QFont>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>

#include "app/documents/ingestor.h"

namespace folio::test {

// The clauses the tests look for, and the page each is written on (1-based).
struct KnownClause {
    int page;
    const char* text;  // UTF-8
};
inline const KnownClause kKnownClauses[] = {
    {5, "Clause 5. Payment: the Buyer shall pay each invoice within thirty days of delivery."},
    {12,
     "Clause 12. Termination: either party may terminate this agreement with ninety days "
     "written notice."},
    {20, "第二十条 保密义务：双方应对本合同的内容严格保密，期限为五年。"},
    {27, "Clause 27. Governing law: this agreement is governed by the laws of Singapore."},
};

// Filler that never mentions a known clause's key words.
inline QString fillerLine(int page, int line) {
    static const char* const kFiller[] = {
        "The parties have read the schedules attached to this document.",
        "Headings are for convenience only and do not affect interpretation.",
        "本页内容为一般条款，供双方参考。",
        "Each schedule forms part of the agreement as if set out in full.",
        "Words in the singular include the plural and the other way round.",
    };
    return QString::fromUtf8(kFiller[(page + line) % 5]) +
           QStringLiteral(" (%1.%2)").arg(page).arg(line);
}

inline QString pageText(int page) {
    QStringList lines;
    lines << QStringLiteral("Supply Agreement page %1").arg(page);
    for (int i = 0; i < 6; ++i) lines << fillerLine(page, i);
    for (const KnownClause& c : kKnownClauses)
        if (c.page == page) lines << QString::fromUtf8(c.text);
    return lines.join('\n');
}

// The contract as a parsed document, ready for DocumentStore::add: `pages` pages of pageText(),
// page ocrPage (0: none) marked as read by OCR.
inline folio::IngestedDocument ingestedContract(
    const QString& sha256, const QString& title = QStringLiteral("Supply Agreement"),
    int pages = 32, int ocrPage = 0) {
    folio::IngestedDocument doc;
    doc.path = QStringLiteral("/tmp/") + title + QStringLiteral(".pdf");
    doc.kind = QStringLiteral("pdf");
    doc.title = title;
    doc.sha256 = sha256;
    for (int p = 1; p <= pages; ++p) doc.pages.push_back({p, pageText(p), p == ocrPage});
    return doc;
}

// Writes a pageCount-page PDF; returns false on failure. imagePage > 0: that page holds only an
// image of the words "INVOICE NUMBER 4711 OVERDUE" (no text layer).
inline bool writeContractPdf(const QString& path, int pageCount, int imagePage = 0) {
    QPdfWriter writer(path);
    writer.setTitle(QStringLiteral("Supply Agreement"));
    writer.setResolution(72);
    writer.setPageSize(QPageSize(QPageSize::A4));
    QPainter painter;
    if (!painter.begin(&writer)) return false;
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPointSize(11);
    painter.setFont(font);
    for (int page = 1; page <= pageCount; ++page) {
        if (page > 1 && !writer.newPage()) return false;
        if (page == imagePage) {
            QImage image(2000, 400, QImage::Format_RGB32);
            image.fill(Qt::white);
            QPainter ip(&image);
            QFont big(QStringLiteral("DejaVu Sans"));
            big.setPixelSize(90);
            ip.setFont(big);
            ip.setPen(Qt::black);
            ip.drawText(image.rect(), Qt::AlignCenter,
                        QStringLiteral("INVOICE NUMBER 4711 OVERDUE"));
            ip.end();
            painter.drawImage(QRectF(40, 100, 500, 100), image);
            continue;
        }
        painter.drawText(QRectF(40, 40, 515, 760), Qt::TextWordWrap, pageText(page));
    }
    return painter.end();
}

// A stand-in tokenizer: one token per whitespace-separated word and per Han character.
inline int wordTokenCount(const QString& text) {
    int n = 0;
    bool inWord = false;
    for (QChar c : text) {
        if (c.unicode() >= 0x3000) {
            ++n;
            inWord = false;
        } else if (c.isSpace()) {
            inWord = false;
        } else if (!inWord) {
            ++n;
            inWord = true;
        }
    }
    return n;
}

inline bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

inline bool haveQpdf() {
    return !QStandardPaths::findExecutable(QStringLiteral("qpdf")).isEmpty();
}

// qpdf --encrypt with AES-256; user and owner passwords are the same.
inline bool encryptPdf(const QString& in, const QString& out, const QString& password) {
    QProcess p;
    p.start(QStringLiteral("qpdf"), {QStringLiteral("--encrypt"), password, password,
                                     QStringLiteral("256"), QStringLiteral("--"), in, out});
    return p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

}  // namespace folio::test
