#include "app/documents/clauses.h"

#include <QRegularExpression>

namespace folio {
namespace {

// Heading forms, tried in order on each line. label: capture of the label; number: capture of
// the number (Arabic or Chinese, may be 0 = none); title: capture of the rest of the line.
struct HeadingForm {
    const char* pattern;
    int label;
    int number;
    int title;
};
const HeadingForm kHeadingForms[] = {
    {R"(^\s*(第\s*([0-9]+|[零〇一二三四五六七八九十百]+)\s*条)[\s:：、.]*(.{0,40})$)", 1, 2, 3},
    {R"(^\s*((?:Article|Clause|Section|ARTICLE|CLAUSE|SECTION)\s+([0-9]+)(?:\.[0-9]+)*)\.?\s*(.{0,80})$)",
     1, 2, 3},
    {R"(^\s*(([一二三四五六七八九十]+))、\s*(.{0,40})$)", 1, 2, 3},
    // "附件一：费用明细", "Schedule 1: Price" (not "Schedule 1." ending a wrapped sentence).
    {R"(^\s*((?:附件|附表|Schedule|Annex|Appendix)\s*[一二三四五六七八九十0-9A-Z]+)(?:[\s:：]+(\p{L}.{0,60}))?$)",
     1, 0, 2},
    // "3.2 Training", "4 实验结果": a number, then a short title that starts with a letter or Han
    // and holds no digit or punctuation (not a table row "4 Training 34,000", not a wrapped line).
    {R"(^\s*(([0-9]{1,2})(?:\.[0-9]{1,2})*)\s+(\p{L}[^。.;；:：,，、\d]{0,40})$)", 1, 2, 3},
};

const QRegularExpression& headingRegex(int i) {
    static const QVector<QRegularExpression> kRegex = [] {
        QVector<QRegularExpression> out;
        for (const HeadingForm& f : kHeadingForms)
            out << QRegularExpression(QString::fromUtf8(f.pattern),
                                      QRegularExpression::UseUnicodePropertiesOption);
        return out;
    }();
    return kRegex[i];
}

bool isFooter(const QString& line) {
    static const QRegularExpression kFooter(QStringLiteral(
        R"(^\s*(第\s*\d+\s*页(\s*[/／共]\s*\d+\s*页?)?|(Page|page|p\.)\s*\d+(\s*(of|/)\s*\d+)?|-\s*\d+\s*-|\d{1,4})\s*$)"));
    return kFooter.match(line).hasMatch();
}

int numberValue(const QString& digits) {
    bool ok = false;
    const int n = digits.toInt(&ok);
    return ok ? n : chineseNumberValue(digits);
}

// A heading line parsed; false when the line is not one.
bool parseHeading(const QString& line, Clause* clause) {
    for (int i = 0; i < int(std::size(kHeadingForms)); ++i) {
        const QRegularExpressionMatch m = headingRegex(i).match(line);
        if (!m.hasMatch()) continue;
        const HeadingForm& f = kHeadingForms[i];
        clause->label = m.captured(f.label).simplified();
        clause->number = f.number > 0 ? std::max(numberValue(m.captured(f.number)), 0) : 0;
        clause->title = m.captured(f.title).trimmed();
        return true;
    }
    return false;
}

}  // namespace

int chineseNumberValue(const QString& digits) {
    static const QString kDigits = QStringLiteral("零一二三四五六七八九");
    if (digits.isEmpty()) return -1;
    int total = 0, current = 0;
    for (QChar c : digits) {
        if (c == QChar(0x3007)) c = QChar(0x96F6);  // 〇 -> 零
        const qsizetype d = kDigits.indexOf(c);
        if (d >= 0) {
            current = int(d);
        } else if (c == QChar(0x5341)) {  // 十
            total += (current == 0 ? 1 : current) * 10;
            current = 0;
        } else if (c == QChar(0x767E)) {  // 百
            total += (current == 0 ? 1 : current) * 100;
            current = 0;
        } else {
            return -1;
        }
    }
    return total + current;
}

QVector<Clause> findClauses(const QVector<PageText>& pages) {
    QVector<Clause> out;
    Clause current;  // the preamble first
    QStringList lines;
    auto close = [&] {
        current.text = lines.join('\n').trimmed();
        if (!current.text.isEmpty() || !current.label.isEmpty()) out << current;
        lines.clear();
    };
    for (const PageText& page : pages) {
        for (const QString& raw : page.text.split('\n')) {
            const QString line = raw.trimmed();
            if (line.isEmpty() || isFooter(line)) continue;
            Clause heading;
            if (parseHeading(line, &heading)) {
                close();
                current = heading;
                current.firstPage = page.page;
            }
            if (current.firstPage == 0) current.firstPage = page.page;
            current.lastPage = page.page;
            lines << line;
        }
    }
    close();
    return out;
}

QVector<int> referencedClauseNumbers(const QString& question) {
    static const QRegularExpression kForms(
        QStringLiteral(
            R"(第\s*([0-9]+|[零〇一二三四五六七八九十百]+)\s*条|(?:articles?|clauses?|sections?|art\.|§)\s*([0-9]+)((?:\s*(?:,|and|&|or|和|与)\s*[0-9]+)*))"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression kNumber(QStringLiteral("[0-9]+"));
    QVector<int> numbers;
    auto add = [&numbers](int n) {
        if (n > 0 && !numbers.contains(n)) numbers << n;
    };
    auto it = kForms.globalMatch(question);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        if (m.capturedLength(1) > 0) {
            add(numberValue(m.captured(1)));
            continue;
        }
        add(m.captured(2).toInt());
        auto more = kNumber.globalMatch(m.captured(3));  // "Articles 5 and 12"
        while (more.hasNext()) add(more.next().captured(0).toInt());
    }
    return numbers;
}

QString clauseCaption(const Clause& clause) {
    const QString pages =
        clause.firstPage == clause.lastPage
            ? QStringLiteral("[p.%1]").arg(clause.firstPage)
            : QStringLiteral("[pp.%1-%2]").arg(clause.firstPage).arg(clause.lastPage);
    const QString name = clause.label.isEmpty() ? QStringLiteral("Preamble") : clause.label;
    return clause.title.isEmpty() ? name + ' ' + pages
                                  : QStringLiteral("%1 %2 %3").arg(name, clause.title, pages);
}

}  // namespace folio
