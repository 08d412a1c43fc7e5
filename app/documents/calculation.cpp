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
    QString text;   // as the fact gives it: "0.05%", "1280000"
    QString quote;  // the sentence it was read from
};

// The currency of an amount, as its sentence writes it, by language: a table, first match wins.
struct Currency {
    const char* pattern;
    const char* zhSuffix;  // 1,280,000美元
    const char* enPrefix;  // USD 1,280,000
};
constexpr Currency kCurrencies[] = {
    {R"(USD|US\$|\$|美元)", "美元", "USD "},
    {R"(EUR|€|欧元)", "欧元", "EUR "},
    {R"(人民币|RMB|CNY|¥|元)", "元", "RMB "},
};

const Currency* currencyOf(const QString& sentence) {
    for (const Currency& c : kCurrencies)
        if (QRegularExpression(QString::fromUtf8(c.pattern)).match(sentence).hasMatch()) return &c;
    return nullptr;
}

// "1,280,000" / "6,400.50": thousands grouped, cents only when there are any.
QString grouped(double value) {
    const bool whole = std::abs(value - std::round(value)) < 0.005;
    return QLocale(QLocale::English).toString(value, 'f', whole ? 0 : 2);
}

// "1,280,000元" / "USD 1,280,000"; no unit when the sentence names no currency (zh: 元).
QString money(double value, const Currency* currency, bool chinese) {
    const QString number = grouped(value);
    if (chinese) return number + QString::fromUtf8(currency ? currency->zhSuffix : "元");
    return currency ? QString::fromUtf8(currency->enPrefix) + number : number;
}

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
                if (ok && value > 0) return {&clause, value, fact.value, fact.quote};
            }
    return {};
}

// "[p.2] [p.5]": the two clauses' pages (one when they share it).
QString pagesOf(const Clause& first, const Clause& second) {
    const QString a = QStringLiteral("[p.%1]").arg(first.firstPage);
    if (first.firstPage == second.firstPage) return a;
    return a + QStringLiteral(" [p.%1]").arg(second.firstPage);
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
    const Currency* currency = currencyOf(price.quote);
    const QString total = money(price.value, currency, chinese);
    const QString penalty = money(c.result, currency, chinese);
    const QString formula =
        QStringLiteral("%1 × %2 × %3").arg(grouped(price.value), rate.text, QString::number(days));
    const QString pages = pagesOf(*price.clause, *rate.clause);
    if (chinese) {
        c.answerStart = QStringLiteral(
                            "违约金为%1：按%2约定的合同总价%3和%4每日%5的违约金计算，%6"
                            "（日）= %7 %8。")
                            .arg(penalty, nameOf(*price.clause), total, nameOf(*rate.clause),
                                 rate.text, formula, penalty, pages);
        c.promptLine =
            QStringLiteral("Folio 的计算（依据文档中的条款）：%1 = %2").arg(formula, penalty);
    } else {
        c.answerStart =
            QStringLiteral(
                "The penalty is %1: the total contract price of %2 (%3) times the "
                "late-payment penalty of %4 per day (%5) times %6 days, %7 = %8 %9.")
                .arg(penalty, total, nameOf(*price.clause), rate.text, nameOf(*rate.clause),
                     QString::number(days), formula, penalty, pages);
        c.promptLine = QStringLiteral("Folio's calculation (from the document's clauses): %1 = %2")
                           .arg(formula, penalty);
    }
    return c;
}

}  // namespace folio
