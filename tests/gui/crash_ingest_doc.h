#pragma once
// The synthetic "large document" that crash_ingester stores and crash_ingest_test verifies:
// document n has kPages pages of about kPageChars characters each, a mix of English contract
// prose, Chinese and numbers, fully determined by (n, page) so the test can rebuild every byte.
#include <QCryptographicHash>
#include <QString>
#include <QStringList>

#include "app/documents/ingestor.h"

namespace crashtest {

const int kPages = 400;
const int kPageChars = 2500;

inline QString documentTitle(int n) {
    return QStringLiteral("Master services agreement %1").arg(n);
}

inline QString documentSha(int n) {
    return QString::fromLatin1(
        QCryptographicHash::hash(documentTitle(n).toUtf8(), QCryptographicHash::Sha256).toHex());
}

// Page text: words drawn by a small linear congruential generator seeded with (n, page).
inline QString pageText(int n, int page) {
    static const QStringList kWords = {
        "the",         "Supplier",  "shall", "indemnify", "Customer", "against", "all",
        "losses",      "arising",   "from",  "breach",    "of",       "clause",  "confidential",
        "term",        "notice",    "days",  "written",   "consent",  "party",   "liability",
        "供应商",      "应当",      "赔偿",  "客户",      "违约",     "条款",    "保密",
        "termination", "governing", "law",   "England",   "payment",  "invoice", "€1,250.00"};
    quint32 state = quint32(n) * 2654435761u + quint32(page) * 40503u + 1u;
    QString text = QStringLiteral("Page %1 of document %2.\n").arg(page).arg(n);
    while (text.size() < kPageChars) {
        state = state * 1664525u + 1013904223u;
        text += kWords.at(int((state >> 8) % quint32(kWords.size())));
        text += (state & 0xF) == 0 ? QStringLiteral(".\n") : QStringLiteral(" ");
    }
    return text;
}

inline folio::IngestedDocument document(int n) {
    folio::IngestedDocument doc;
    doc.path = QStringLiteral("/tmp/contracts/msa-%1.pdf").arg(n);
    doc.kind = "pdf";
    doc.title = documentTitle(n);
    doc.author = "Legal";
    doc.sha256 = documentSha(n);
    doc.pages.reserve(kPages);
    for (int p = 1; p <= kPages; ++p) doc.pages.push_back({p, pageText(n, p), false});
    return doc;
}

}  // namespace crashtest
