#include "app/documents/conflicts.h"

#include <QRegularExpression>
#include <QSet>

namespace folio {
namespace {

// Subjects, most specific first: a sentence takes the first whose words it contains.
struct Subject {
    const char* key;
    const char* en;  // name shown to the model
    const char* zh;
    const char* words;  // '|'-separated, matched case-insensitively as substrings
};
const Subject kSubjects[] = {
    {"penalty", "late-payment penalty", "违约金", "违约金|逾期|penalty|late payment|late-payment"},
    {"warranty", "warranty period", "质保期", "质保|保修|warranty"},
    {"confidentiality", "confidentiality period", "保密期限", "保密|confidential"},
    {"acceptance", "acceptance period", "验收期限", "验收|inspect|acceptance|accepted"},
    {"termination", "termination notice", "解除通知期", "解除|终止本合同|terminat"},
    {"payment", "payment deadline", "付款期限", "付款|支付|发票|结算|pay|invoice"},
    {"price", "total amount", "合同总价", "总价|价款|合计|总额|total|price"},
    {"dispute", "dispute resolution", "争议解决方式", "争议|仲裁|诉讼|dispute|arbitrat|court"},
    {"participants", "number of participants", "受试者人数", "受试者|参与者|participants|subjects"},
    {"delivery", "delivery date", "交付期限", "交付|deliver"},
};

// Fact patterns: kind, pattern, value capture, unit capture (0 = none).
struct FactForm {
    FactKind kind;
    const char* pattern;
    int value;
    int unit;
};
const FactForm kFactForms[] = {
    {FactKind::Duration,
     R"(([0-9]+)\s*(个工作日|工作日|个自然日|自然日|日|天|个月|月|年|business days?|calendar days?|days?|months?|years?))",
     1, 2},
    {FactKind::Amount,
     R"((?:人民币|RMB|USD|US\$|EUR|€|\$|¥)?\s*([0-9]{1,3}(?:,[0-9]{3})+|[0-9]{5,})(?:\.[0-9]+)?\s*(万元|元)?)",
     1, 2},
    {FactKind::Rate, R"(([0-9]+(?:\.[0-9]+)?)\s*[%％])", 1, 0},
    {FactKind::Count, R"(([0-9]+)\s*(名|位|participants|subjects))", 1, 0},
};

const QRegularExpression& factRegex(int i) {
    static const QVector<QRegularExpression> kRegex = [] {
        QVector<QRegularExpression> out;
        for (const FactForm& f : kFactForms)
            out << QRegularExpression(QString::fromUtf8(f.pattern),
                                      QRegularExpression::CaseInsensitiveOption);
        return out;
    }();
    return kRegex[i];
}

// Units that mean the same thing, to one spelling.
QString normalisedUnit(const QString& unit) {
    const QString u = unit.toLower();
    struct Alias {
        const char* from;
        const char* to;
    };
    static const Alias kAliases[] = {
        {"个工作日", "business days"},
        {"工作日", "business days"},
        {"business day", "business days"},
        {"个自然日", "days"},
        {"自然日", "days"},
        {"日", "days"},
        {"天", "days"},
        {"day", "days"},
        {"calendar day", "days"},
        {"calendar days", "days"},
        {"个月", "months"},
        {"月", "months"},
        {"month", "months"},
        {"年", "years"},
        {"year", "years"},
    };
    for (const Alias& a : kAliases)
        if (u == QString::fromUtf8(a.from)) return QString::fromUtf8(a.to);
    return u;
}

QString subjectOf(const QString& sentence) {
    const QString s = sentence.toLower();
    for (const Subject& subject : kSubjects)
        for (const QString& word : QString::fromUtf8(subject.words).split('|'))
            if (s.contains(word)) return QString::fromLatin1(subject.key);
    return {};
}

// The heading line, then the sentences of the body. Lines that a PDF wrapped mid-sentence are
// joined first (with a space between Latin words, directly between Chinese characters).
QStringList sentences(const QString& text) {
    static const QRegularExpression kEnd(QStringLiteral(R"((?<=[。；;！？!?])|(?<=\.)\s+)"));
    const QStringList lines = text.split('\n', Qt::SkipEmptyParts);
    QStringList out;
    if (lines.isEmpty()) return out;
    out << lines.first().trimmed();
    QString body;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QString line = lines[i].trimmed();
        if (!body.isEmpty() && !line.isEmpty() && body.back().unicode() < 0x3000 &&
            line.front().unicode() < 0x3000)
            body += ' ';
        body += line;
    }
    for (const QString& s : body.split(kEnd, Qt::SkipEmptyParts))
        if (!s.trimmed().isEmpty()) out << s.trimmed();
    return out;
}

// Definitions: a quoted term, the verb, what it means. A term defined twice in different words
// is a candidate conflict whatever the sentence's subject, so these are read from every sentence.
// An including verb stays part of the value: "包括星期六" says more than "星期六".
const QString kDefinitionSubject = QStringLiteral("term:");

void addDefinitionFacts(const QString& sentence, QVector<ClauseFact>& out) {
    static const QRegularExpression kForms[] = {
        QRegularExpression(QStringLiteral(
            R"([“"「『]([^”"」』]{1,20})[”"」』]\s*(是指|系指|指|包括|包含)\s*([^；;。]+))")),
        QRegularExpression(
            QStringLiteral(
                R"([“"]([^"”]{1,40})["”]\s+(?:shall\s+)?(means?|includes?|refers? to)\s+([^;]+))"),
            QRegularExpression::CaseInsensitiveOption),
    };
    static const QRegularExpression kIncluding(QStringLiteral(R"(^(包括|包含|include))"),
                                               QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression kTrailing(QStringLiteral(R"([\s。；;.,，]+$)"));
    for (const QRegularExpression& form : kForms) {
        auto it = form.globalMatch(sentence);
        while (it.hasNext()) {
            const QRegularExpressionMatch m = it.next();
            QString term = m.captured(1).simplified().toLower();
            if (term.size() > 3 && term.endsWith('s') && term.front().unicode() < 0x3000)
                term.chop(1);  // "business days" and "business day" are one term
            QString value = m.captured(3).simplified();
            value.remove(kTrailing);
            if (term.isEmpty() || value.isEmpty()) continue;
            const QString verb = m.captured(2);
            if (kIncluding.match(verb).hasMatch())
                value = verb + (verb.front().unicode() < 0x3000 ? " " : "") + value;
            out << ClauseFact{FactKind::Definition, kDefinitionSubject + term,
                              QStringLiteral("“%1”").arg(value), sentence};
        }
    }
}

void addForumFacts(const QString& sentence, const QString& subject, QVector<ClauseFact>& out) {
    if (subject != QLatin1String("dispute")) return;
    const QString s = sentence.toLower();
    const bool arbitration = s.contains(QStringLiteral("仲裁")) || s.contains("arbitrat");
    const bool court = s.contains(QStringLiteral("法院")) || s.contains(QStringLiteral("诉讼")) ||
                       s.contains("court");
    if (arbitration != court)  // both in one sentence: a choice, not a rule
        out << ClauseFact{FactKind::Forum, subject,
                          arbitration ? QStringLiteral("arbitration") : QStringLiteral("court"),
                          sentence};
}

bool sameFact(const ClauseFact& a, const ClauseFact& b) {
    return a.kind == b.kind && a.subject == b.subject;
}

// Facts of one kind and subject compared: differing when the two clauses share no value.
// The fact that stands for a clause: the first of its kind and subject, but for amounts the
// largest (a schedule's total, not its first item).
const ClauseFact* representative(const QVector<ClauseFact>& facts, const ClauseFact& key) {
    const ClauseFact* best = nullptr;
    for (const ClauseFact& f : facts) {
        if (!sameFact(f, key)) continue;
        if (!best || (f.kind == FactKind::Amount && f.value.toDouble() > best->value.toDouble()))
            best = &f;
    }
    return best;
}

// Facts of one kind and subject compared: differing when the two clauses share no value.
bool valuesDiffer(const QVector<ClauseFact>& a, const QVector<ClauseFact>& b, const ClauseFact& key,
                  const ClauseFact** fa, const ClauseFact** fb) {
    QSet<QString> va, vb;
    for (const ClauseFact& f : a)
        if (sameFact(f, key)) va.insert(f.value);
    for (const ClauseFact& f : b)
        if (sameFact(f, key)) vb.insert(f.value);
    *fa = representative(a, key);
    *fb = representative(b, key);
    return !va.isEmpty() && !vb.isEmpty() && !va.intersects(vb);
}

}  // namespace

QVector<ClauseFact> clauseFacts(const QString& clauseText) {
    QVector<ClauseFact> out;
    const QStringList parts = sentences(clauseText);
    // A sentence that names no subject (a table row: "1 Development 80,000") takes the heading's.
    const QString headingSubject = parts.isEmpty() ? QString() : subjectOf(parts.first());
    // Dates are not durations: "2026年3月1日" holds no "3 months".
    static const QRegularExpression kDate(QStringLiteral(
        R"([0-9]{4}\s*年\s*[0-9]{1,2}\s*月(\s*[0-9]{1,2}\s*日)?|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})"));
    for (QString sentence : parts) {
        sentence.replace(kDate, QStringLiteral("<date>"));
        addDefinitionFacts(sentence, out);
        QString subject = subjectOf(sentence);
        if (subject.isEmpty()) subject = headingSubject;
        if (subject.isEmpty()) continue;
        for (int i = 0; i < int(std::size(kFactForms)); ++i) {
            const FactForm& form = kFactForms[i];
            auto it = factRegex(i).globalMatch(sentence);
            while (it.hasNext()) {
                const QRegularExpressionMatch m = it.next();
                QString value = m.captured(form.value);
                value.remove(',');
                if (form.kind == FactKind::Duration)
                    value += ' ' + normalisedUnit(m.captured(form.unit));
                if (form.kind == FactKind::Amount &&
                    m.captured(form.unit) == QString::fromUtf8("万元"))
                    value = QString::number(qint64(value.toDouble() * 10000));
                if (form.kind == FactKind::Rate) value += '%';
                // A year ("2026年") is a date, not a duration.
                if (form.kind == FactKind::Duration && value.section(' ', 0, 0).size() >= 4)
                    continue;
                out << ClauseFact{form.kind, subject, value, sentence};
            }
        }
        addForumFacts(sentence, subject, out);
    }
    return out;
}

namespace {

PairComparison compareFacts(const QVector<ClauseFact>& a, const QVector<ClauseFact>& b, int first,
                            int second) {
    PairComparison out;
    QVector<ClauseFact> seen;
    for (const ClauseFact& key : a) {
        if (std::any_of(seen.begin(), seen.end(),
                        [&](const ClauseFact& s) { return sameFact(s, key); }))
            continue;
        seen << key;
        const ClauseFact* fa = nullptr;
        const ClauseFact* fb = nullptr;
        const bool differ = valuesDiffer(a, b, key, &fa, &fb);
        if (!fa || !fb) continue;
        const ClausePair pair{first,     second,    key.subject, fa->value,
                              fb->value, fa->quote, fb->quote};
        (differ ? out.differing : out.agreeing) << pair;
    }
    return out;
}

}  // namespace

namespace {

bool definesTerm(const QVector<ClauseFact>& facts, const QString& subject) {
    return std::any_of(facts.begin(), facts.end(), [&](const ClauseFact& f) {
        return f.kind == FactKind::Definition && f.subject == subject;
    });
}

// The definitions in `definer` of terms that `user` mentions without defining them.
void addUsedDefinitions(const QVector<ClauseFact>& definer, int definerIndex,
                        const QVector<ClauseFact>& userFacts, const QString& userText,
                        int userIndex, PairComparison& out) {
    const QString text = userText.toLower();
    for (const ClauseFact& f : definer) {
        if (f.kind != FactKind::Definition || definesTerm(userFacts, f.subject)) continue;
        const QString term = f.subject.mid(kDefinitionSubject.size());
        const bool chinese = term.front().unicode() >= 0x3000;
        if (term.size() < (chinese ? 2 : 4) || !text.contains(term)) continue;
        if (std::any_of(out.agreeing.begin(), out.agreeing.end(),
                        [&](const ClausePair& p) { return p.subject == f.subject; }))
            continue;
        ClausePair pair{definerIndex, userIndex, f.subject, f.value, f.value, f.quote, {}};
        pair.usesDefinition = true;
        out.agreeing << pair;
    }
}

}  // namespace

PairComparison compareClauses(const QVector<Clause>& clauses, int first, int second) {
    if (first < 0 || second < 0 || first >= clauses.size() || second >= clauses.size() ||
        first == second)
        return {};
    const QVector<ClauseFact> a = clauseFacts(clauses[first].text);
    const QVector<ClauseFact> b = clauseFacts(clauses[second].text);
    PairComparison out = compareFacts(a, b, first, second);
    addUsedDefinitions(a, first, b, clauses[second].text, second, out);
    addUsedDefinitions(b, second, a, clauses[first].text, first, out);
    return out;
}

QVector<ClausePair> findConflictCandidates(const QVector<Clause>& clauses) {
    QVector<QVector<ClauseFact>> facts;
    for (const Clause& c : clauses) facts << clauseFacts(c.text);
    QVector<ClausePair> out;
    for (int i = 0; i < clauses.size(); ++i) {
        if (facts[i].isEmpty()) continue;
        for (int j = i + 1; j < clauses.size(); ++j) {
            if (facts[j].isEmpty()) continue;
            const PairComparison c = compareFacts(facts[i], facts[j], i, j);
            if (!c.differing.isEmpty()) out << c.differing.first();
        }
    }
    return out;
}

QString definedTerm(const QString& subject) {
    return subject.startsWith(kDefinitionSubject) ? subject.mid(kDefinitionSubject.size())
                                                  : QString();
}

QString subjectName(const QString& subject, const QString& language) {
    if (const QString term = definedTerm(subject); !term.isEmpty()) {
        return language.startsWith("zh") ? QStringLiteral("“%1”的定义").arg(term)
                                         : QStringLiteral("definition of “%1”").arg(term);
    }
    for (const Subject& s : kSubjects)
        if (subject == QLatin1String(s.key))
            return QString::fromUtf8(language.startsWith("zh") ? s.zh : s.en);
    return subject;
}

}  // namespace folio
