#include "app/documents/calculation.h"

#include <QLocale>
#include <QRegularExpression>
#include <cmath>

#include "app/documents/conflicts.h"

namespace folio {

namespace {

// A penalty question: lateness, a penalty, and "how much".
const QRegularExpression& penaltyQuestion() {
    static const QRegularExpression kRe(
        QStringLiteral(
            R"re((?=.*(逾期|迟延|延迟|late|overdue|delay))(?=.*(违约金|罚金|penalty|damages)))re"
            R"re((?=.*(多少|几|金额|how much|what amount|amount)))re"),
        QRegularExpression::CaseInsensitiveOption | QRegularExpression::DotMatchesEverythingOption);
    return kRe;
}

// The days the question names: "10日", "10 天", "10 days".
int questionDays(const QString& question) {
    static const QRegularExpression kDays(
        QStringLiteral(R"(([0-9]{1,4})\s*(?:个)?(?:日|天|days?\b))"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = kDays.match(question);
    return m.hasMatch() ? m.captured(1).toInt() : 0;
}

// A rate charged per day of delay.
bool isDailyRate(const QString& sentence) {
    static const QRegularExpression kDaily(
        QStringLiteral(
            R"(每(?:逾期|迟延|延迟)?(?:一)?[日天]|按日|per day|each day|a day|daily|per diem)"),
        QRegularExpression::CaseInsensitiveOption);
    return kDaily.match(sentence).hasMatch();
}

struct Found {
    const Clause* clause = nullptr;
    double value = 0;
    QString text;  // as the fact gives it: "0.05%", "1280000"
};

// The first clause (in document order) stating a fact of this kind and subject; daily: the rate
// must be per day.
Found findFact(const QVector<QVector<Clause>>& clauses, FactKind kind, const QString& subject,
               bool daily) {
    for (const QVector<Clause>& document : clauses)
        for (const Clause& clause : document)
            for (const ClauseFact& fact : clauseFacts(clause.text)) {
                if (fact.kind != kind || fact.subject != subject) continue;
                if (daily && !isDailyRate(fact.quote)) continue;
                QString number = fact.value;
                number.remove(QLatin1Char('%'));
                bool ok = false;
                const double value = number.toDouble(&ok);
                if (ok && value > 0) return {&clause, value, fact.value};
            }
    return {};
}

QString grouped(double value) {
    const bool whole = std::abs(value - std::round(value)) < 0.005;
    return QLocale(QLocale::English).toString(value, 'f', whole ? 0 : 2);
}

QString pageOf(const Clause& clause) {
    return QStringLiteral("[p.%1]").arg(clause.firstPage);
}

QString nameOf(const Clause& clause) {
    return clause.label.isEmpty() ? clause.title : clause.label;
}

}  // namespace

std::optional<Calculation> latePaymentPenalty(const QString& question,
                                              const QVector<QVector<Clause>>& clauses,
                                              bool chinese) {
    if (!penaltyQuestion().match(question).hasMatch()) return std::nullopt;
    const int days = questionDays(question);
    if (days <= 0) return std::nullopt;
    const Found rate = findFact(clauses, FactKind::Rate, QStringLiteral("penalty"), true);
    const Found price = findFact(clauses, FactKind::Amount, QStringLiteral("price"), false);
    if (!rate.clause || !price.clause) return std::nullopt;
    Calculation c;
    c.result = price.value * rate.value / 100.0 * days;
    const QString formula =
        QStringLiteral("%1 × %2 × %3 = %4")
            .arg(grouped(price.value), rate.text, QString::number(days), grouped(c.result));
    if (chinese) {
        c.answerStart = QStringLiteral(
                            "违约金为%1元：按%2约定的合同总价%3元和%4每日%5的违约金计算，%6"
                            "（日）= %7元 %8%9。")
                            .arg(grouped(c.result), nameOf(*price.clause), grouped(price.value),
                                 nameOf(*rate.clause), rate.text,
                                 QStringLiteral("%1 × %2 × %3")
                                     .arg(grouped(price.value), rate.text, QString::number(days)),
                                 grouped(c.result), pageOf(*price.clause), pageOf(*rate.clause));
        c.promptLine = QStringLiteral("Folio 的计算（依据文档中的条款）：") + formula;
    } else {
        c.answerStart = QStringLiteral(
                            "The penalty is %1: the total contract price of %2 (%3) times the "
                            "late-payment penalty of %4 per day (%5) times %6 days, %7 %8%9.")
                            .arg(grouped(c.result), grouped(price.value), nameOf(*price.clause),
                                 rate.text, nameOf(*rate.clause), QString::number(days), formula,
                                 pageOf(*price.clause), pageOf(*rate.clause));
        c.promptLine =
            QStringLiteral("Folio's calculation (from the document's clauses): ") + formula;
    }
    return c;
}

}  // namespace folio
