// The document pipeline of a question: the clause table, conflict candidates found
// without the model, the focus put after the question, and citations checked after the reply.
#include <QtTest>

#include "app/documents/clauses.h"
#include "app/documents/conflicts.h"
#include "app/documents/document_turn.h"
#include "unit/doc_fixtures.h"

namespace {

int countTokens(const QString& text) {
    return folio::test::wordTokenCount(text);
}

QString u(const char* utf8) {
    return QString::fromUtf8(utf8);
}

// An 4-page Chinese services contract: Art. 5 pays in 30 days, Art. 12 (on page 3) in
// `invoiceDays`.
folio::ContextDocument chineseContract(int invoiceDays) {
    folio::ContextDocument doc{7, u("技术服务合同"), {}};
    doc.pages.push_back(
        {1,
         u("技术服务合同\n甲方：北京星河信息技术有限公司\n乙方：上海明远软件有限公司\n"
           "第一条 定义\n本合同中，“日”指自然日。\n"
           "第二条 合同价款\n本合同总价款为人民币1,280,000元（大写：人民币壹佰贰拾捌万元整）。\n"
           "第 1 页"),
         false});
    doc.pages.push_back(
        {2,
         u("第五条 付款方式\n甲方应在收到乙方开具的合法有效发票后30日内支付相应款项。\n"
           "第六条 保密\n保密期限为本合同终止后3年。\n"
           "第七条 违约责任\n甲方逾期付款的，每逾期一日，应按逾期未付金额的0.05%支付违约金。\n"
           "第 2 页"),
         false});
    doc.pages.push_back(
        {3,
         u("第十二条 "
           "发票与结算\n乙方应在每个结算周期结束后开具发票；甲方应在收到发票后%1日内付款。\n"
           "第十三条 争议解决\n协商不成的，提交北京仲裁委员会仲裁。\n第 3 页")
             .arg(invoiceDays),
         false});
    doc.pages.push_back(
        {4,
         u("第十四条 其他\n本合同一式两份，自2026年3月1日起生效。\n"
           "附件一：费用明细\n序号 项目 金额（元）\n1 系统开发 1,280,000\n合计 1,280,000\n"
           "第 4 页"),
         false});
    return doc;
}

folio::ContextDocument englishContract() {
    folio::ContextDocument doc{9, "Services Agreement", {}};
    doc.pages.push_back(
        {1,
         "Services Agreement\nCustomer: Northwind Analytics Ltd.\n"
         "Article 1. Price\nThe total contract price is USD 480,000.\n"
         "Article 2. Payment\nThe Customer shall pay each invoice within 30 days of\n"
         "receiving it, as described in\nSchedule 1.\nPage 1",
         false});
    doc.pages.push_back(
        {2,
         "Article 3. Termination\nEither party may terminate this Agreement by giving 90\n"
         "days' written notice.\nArticle 4. Notices\nA party terminating this Agreement "
         "shall give at least 30 days' written notice.\nSchedule 1: Price breakdown\n"
         "No. Item Amount\n1 Development 300,000\n2 Training 180,000\nTotal 480,000\nPage 2",
         false});
    return doc;
}

QVector<folio::PageText> pagesOf(const folio::ContextDocument& doc) {
    return doc.pages;
}

folio::DocumentTurn turnFor(const QString& question, const QVector<folio::ContextDocument>& docs,
                            int budget = 100000, folio::DocumentTurnOptions options = {}) {
    auto turn = folio::prepareDocumentTurn(question, docs, budget, countTokens, {}, options);
    if (!turn) qFatal("prepareDocumentTurn failed: %s", turn.error().message.c_str());
    return *turn;
}

}  // namespace

class DocTurnTest : public QObject {
    Q_OBJECT

private slots:
    void clauseTableFollowsHeadingsAcrossPages() {
        const QVector<folio::Clause> zh = folio::findClauses(pagesOf(chineseContract(60)));
        QStringList labels;
        for (const folio::Clause& c : zh) labels << c.label;
        QCOMPARE(labels,
                 QStringList({"", u("第一条"), u("第二条"), u("第五条"), u("第六条"), u("第七条"),
                              u("第十二条"), u("第十三条"), u("第十四条"), u("附件一")}));
        QCOMPARE(zh[3].number, 5);
        QCOMPARE(zh[3].title, u("付款方式"));
        QCOMPARE(zh[3].firstPage, 2);
        QCOMPARE(zh[6].number, 12);
        QCOMPARE(zh[6].firstPage, 3);
        QVERIFY2(!zh[5].text.contains(u("第 2 页")), "page footers are not clause text");
        QVERIFY(zh[9].text.contains(u("合计 1,280,000")));  // the table rows stay in the schedule

        const QVector<folio::Clause> en = folio::findClauses(pagesOf(englishContract()));
        labels.clear();
        for (const folio::Clause& c : en) labels << c.label;
        // "Schedule 1." ending a wrapped sentence and the table rows "1 Development 300,000" open
        // no clause.
        QCOMPARE(labels, QStringList({"", "Article 1", "Article 2", "Article 3", "Article 4",
                                      "Schedule 1"}));
        QCOMPARE(en[3].firstPage, 2);
        QVERIFY(en[2].text.contains("Schedule 1."));
    }

    void questionsNameClausesInEveryForm() {
        QCOMPARE(folio::referencedClauseNumbers(u("第5条和第十二条是否存在冲突？")),
                 QVector<int>({5, 12}));
        QCOMPARE(folio::referencedClauseNumbers("Do Articles 5 and 12 conflict?"),
                 QVector<int>({5, 12}));
        QCOMPARE(folio::referencedClauseNumbers("Clause 3, art. 7 and Section 9"),
                 QVector<int>({3, 7, 9}));
        QCOMPARE(folio::referencedClauseNumbers("What is the notice period?"), QVector<int>());
        QCOMPARE(folio::chineseNumberValue(u("五")), 5);
        QCOMPARE(folio::chineseNumberValue(u("十二")), 12);
        QCOMPARE(folio::chineseNumberValue(u("二十")), 20);
        QCOMPARE(folio::chineseNumberValue(u("一百零五")), 105);
        QCOMPARE(folio::chineseNumberValue(u("条")), -1);
    }

    void factsTakeTheMostSpecificSubject() {
        const auto facts = folio::clauseFacts(u("第六条 保密\n保密期限为本合同终止后3年。"));
        QCOMPARE(facts.size(), 1);
        QCOMPARE(facts[0].subject, QStringLiteral("confidentiality"));  // not "termination"
        QCOMPARE(facts[0].value, QStringLiteral("3 years"));
        // A date is not a duration.
        for (const folio::ClauseFact& f : folio::clauseFacts(
                 u("第十四条 付款\n甲方应于2026年3月1日前付款，逾期超过15日的应书面说明。")))
            QCOMPARE(f.value, QStringLiteral("15 days"));
        QCOMPARE(folio::clauseFacts(u("付款日为2026年3月1日。")).size(), 0);
        const auto en = folio::clauseFacts("Either party may terminate by giving 90 days' notice.");
        QCOMPARE(en.size(), 1);
        QCOMPARE(en[0].subject, QStringLiteral("termination"));
        QCOMPARE(en[0].value, QStringLiteral("90 days"));
    }

    void conflictCandidatesAreTheDifferingPairsOnly() {
        auto pairs =
            folio::findConflictCandidates(folio::findClauses(pagesOf(chineseContract(60))));
        QCOMPARE(pairs.size(), 1);
        QCOMPARE(pairs[0].subject, QStringLiteral("payment"));
        QCOMPARE(pairs[0].firstValue, QStringLiteral("30 days"));
        QCOMPARE(pairs[0].secondValue, QStringLiteral("60 days"));
        // The same deadline twice, the price and the schedule's total agreeing: nothing to report.
        QVERIFY(folio::findConflictCandidates(folio::findClauses(pagesOf(chineseContract(30))))
                    .isEmpty());

        const QVector<folio::Clause> en = folio::findClauses(pagesOf(englishContract()));
        pairs = folio::findConflictCandidates(en);
        QCOMPARE(pairs.size(), 1);  // the notice periods; 480,000 is the schedule's total too
        QCOMPARE(pairs[0].subject, QStringLiteral("termination"));
        QCOMPARE(en[pairs[0].first].label, QStringLiteral("Article 3"));
        QCOMPARE(en[pairs[0].second].label, QStringLiteral("Article 4"));

        // Arbitration in one clause, a court in another.
        QVector<folio::PageText> forum{
            {1,
             u("第十三条 争议解决\n提交北京仲裁委员会仲裁。\n"
               "第十四条 其他\n如发生争议，任何一方均可向甲方所在地人民法院提起诉讼。"),
             false}};
        pairs = folio::findConflictCandidates(folio::findClauses(forum));
        QCOMPARE(pairs.size(), 1);
        QCOMPARE(pairs[0].firstValue, QStringLiteral("arbitration"));
        QCOMPARE(pairs[0].secondValue, QStringLiteral("court"));
    }

    // A term defined in the definitions and again, otherwise, in a later clause: a candidate (the
    // definition used two ways); defined once, or twice alike, it is not.
    void aTermDefinedTwoWaysIsACandidate() {
        const auto defs = folio::clauseFacts(
            u("第一条 定义\n本合同中，“工作日”指中华人民共和国法定工作日；“日”指自然日。"));
        QCOMPARE(defs.size(), 2);
        QCOMPARE(defs[0].kind, folio::FactKind::Definition);
        QCOMPARE(defs[0].subject, u("term:工作日"));
        QCOMPARE(defs[0].value, u("“中华人民共和国法定工作日”"));
        QCOMPARE(defs[1].subject, u("term:日"));

        QVector<folio::PageText> zh{
            {1,
             u("第一条 定义\n本合同中，“工作日”指中华人民共和国法定工作日；“日”指自然日；"
               "“交付成果”指乙方交付的全部成果。\n第六条 "
               "验收\n甲方应在收到交付成果后5个工作日内组织验收。本条所称“工作日”包括星期六。"),
             false}};
        const QVector<folio::Clause> clauses = folio::findClauses(zh);
        auto pairs = folio::findConflictCandidates(clauses);
        QCOMPARE(pairs.size(), 1);
        QCOMPARE(pairs[0].subject, u("term:工作日"));
        QCOMPARE(pairs[0].firstValue, u("“中华人民共和国法定工作日”"));
        QCOMPARE(pairs[0].secondValue, u("“包括星期六”"));
        QCOMPARE(folio::subjectName(pairs[0].subject, "zh_CN"), u("“工作日”的定义"));
        const folio::DocumentTurn turn =
            turnFor(u("第1条和第6条是否存在冲突？"), {folio::ContextDocument{3, u("合同"), zh}});
        QCOMPARE(turn.candidates.size(), 1);
        QVERIFY(turn.userMessage.contains(u("“包括星期六”")));
        QVERIFY(!turn.userMessage.contains(u("不冲突")));  // not "交付成果 is used as defined"
        QCOMPARE(turn.answerStart, u("是的，存在冲突："));

        QVector<folio::PageText> en{
            {1,
             "Article 1. Definitions\nIn this Agreement, \"Business Day\" means a day other than "
             "a Saturday, Sunday or public holiday; \"day\" means a calendar day.\n"
             "Article 6. Acceptance\nThe Customer shall inspect the Deliverables within 5 "
             "Business Days. For the purposes of this clause, \"Business Days\" include a "
             "Saturday.",
             false}};
        pairs = folio::findConflictCandidates(folio::findClauses(en));
        QCOMPARE(pairs.size(), 1);
        QCOMPARE(pairs[0].subject, QStringLiteral("term:business day"));
        QCOMPARE(pairs[0].firstValue, u("“a day other than a Saturday, Sunday or public holiday”"));
        QCOMPARE(pairs[0].secondValue, u("“include a Saturday”"));

        // Defined once, the later clause only using the term: no candidate, and asked about the
        // pair the check says the clause uses the definition (and the reply begins "no").
        zh[0].text =
            u("第一条 定义\n“工作日”指法定工作日；“日”指自然日。\n第六条 "
              "验收\n5个工作日内组织验收。");
        QVERIFY(folio::findConflictCandidates(folio::findClauses(zh)).isEmpty());
        const folio::PairComparison uses = folio::compareClauses(folio::findClauses(zh), 0, 1);
        QVERIFY(uses.differing.isEmpty());
        QCOMPARE(uses.agreeing.size(), 1);  // "工作日"; "日" is too short to tell
        QVERIFY(uses.agreeing[0].usesDefinition);
        QCOMPARE(uses.agreeing[0].subject, u("term:工作日"));
        const folio::DocumentTurn usesTurn =
            turnFor(u("第1条和第6条关于“工作日”的约定是否存在冲突？"),
                    {folio::ContextDocument{3, u("合同"), zh}});
        QVERIFY(usesTurn.userMessage.contains(
            u("使用的“工作日”即第一条 定义 [p.1]所定义的“法定工作日”")));
        QCOMPARE(usesTurn.answerStart, u("不存在冲突："));
        zh[0].text =
            u("第一条 定义\n“工作日”指法定工作日。\n第六条 验收\n本条所称“工作日”指法定工作日。");
        QVERIFY(folio::findConflictCandidates(folio::findClauses(zh)).isEmpty());
    }

    void theDocumentBlockDoesNotDependOnTheQuestion() {
        // Prefix reuse: every question of a conversation renders the same system block.
        const QVector<folio::ContextDocument> docs{chineseContract(60)};
        const folio::DocumentTurn a = turnFor(u("第5条和第12条是否存在冲突？"), docs);
        const folio::DocumentTurn b = turnFor(u("违约金是多少？"), docs);
        QVERIFY(!a.systemBlock.isEmpty());
        QCOMPARE(a.systemBlock, b.systemBlock);
        QVERIFY(a.userMessage != b.userMessage);
    }

    void aConflictQuestionGetsBothClausesAndTheCheck() {
        const folio::DocumentTurn turn =
            turnFor(u("第5条和第12条是否存在冲突？"), {chineseContract(60)});
        QCOMPARE(turn.kind, folio::QuestionKind::Conflict);
        QVERIFY(turn.userMessage.contains(u("甲方应在收到乙方开具的合法有效发票后30日内")));
        QVERIFY(turn.userMessage.contains(u("甲方应在收到发票后60日内付款")));
        QVERIFY(turn.userMessage.contains(u("30日")) && turn.userMessage.contains(u("60日")));
        QVERIFY(turn.userMessage.contains(u("存在冲突")));
        QVERIFY(turn.userMessage.contains(u("[p.2]")) && turn.userMessage.contains(u("[p.3]")));
        QCOMPARE(turn.candidates.size(), 1);
        // The question comes after the excerpts, before the rule.
        QVERIFY(turn.userMessage.indexOf(u("问题：第5条")) > turn.userMessage.indexOf(u("30日内")));

        const folio::DocumentTurn same =
            turnFor(u("第5条和第12条是否存在冲突？"), {chineseContract(30)});
        QVERIFY(same.candidates.isEmpty());
        QVERIFY(same.userMessage.contains(u("不冲突")));

        const folio::DocumentTurn all =
            turnFor("List all clauses that contradict each other.", {englishContract()});
        QCOMPARE(all.candidates.size(), 1);
        QVERIFY(all.userMessage.contains("90 days") && all.userMessage.contains("30 days"));
    }

    // "The penalty of Art. 7 on the price of Art. 2 for 10 days": Folio computes it, the reply
    // begins with the figure, the formula and both pages; a rate that is not daily, or a
    // question without days, computes nothing.
    void theLatePaymentPenaltyIsComputed() {
        const folio::DocumentTurn zh =
            turnFor(u("如果甲方逾期10日支付全部合同价款，违约金是多少元？"), {chineseContract(30)});
        QVERIFY2(zh.answerStart.startsWith(u("违约金为6,400元")), qPrintable(zh.answerStart));
        QVERIFY(zh.answerStart.contains(u("1,280,000 × 0.05% × 10")));
        QVERIFY(zh.answerStart.contains("[p.1]") && zh.answerStart.contains("[p.2]"));
        QVERIFY(zh.userMessage.contains(u("Folio 的计算")));
        QVERIFY(!zh.userMessage.contains(u("文档中没有相关内容")));

        folio::ContextDocument en = englishContract();
        en.pages[1].text +=
            "\nArticle 5. Late payment\nIf the Customer pays late, it shall pay a "
            "late-payment penalty of 0.1% of the overdue amount for each day of "
            "delay.";
        const folio::DocumentTurn penalty = turnFor(
            "If the Customer pays the whole contract price 15 days late, how much is the penalty?",
            {en});
        QVERIFY2(penalty.answerStart.startsWith("The penalty is USD 7,200"),
                 qPrintable(penalty.answerStart));
        QVERIFY(penalty.answerStart.contains("480,000 × 0.1% × 15 = USD 7,200 [p.1] [p.2]"));

        // The currency is the document's, in the question's language.
        const folio::DocumentTurn mixed =
            turnFor(u("如果甲方逾期15日支付全部合同价款，违约金是多少？"), {en});
        QVERIFY2(mixed.answerStart.startsWith(u("违约金为7,200美元")),
                 qPrintable(mixed.answerStart));

        // A flat rate is not multiplied by days; no days, no figure.
        folio::ContextDocument flat = englishContract();
        flat.pages[1].text +=
            "\nArticle 5. Late payment\nIf the Customer pays late, it shall "
            "pay a late-payment penalty of 5% of the overdue amount.";
        QVERIFY(turnFor("If the Customer pays 15 days late, how much is the penalty?", {flat})
                    .answerStart.isEmpty());
        QVERIFY(turnFor("How much is the late-payment penalty?", {en}).answerStart.isEmpty());
        folio::DocumentTurnOptions off;
        off.calculations = false;
        QVERIFY(turnFor(u("如果甲方逾期10日支付全部合同价款，违约金是多少元？"),
                        {chineseContract(30)}, 100000, off)
                    .answerStart.isEmpty());
    }

    void questionsAboutNothingInTheDocumentSaySo() {
        const folio::DocumentTurn turn =
            turnFor(u("合同约定的保险金额是多少？"), {chineseContract(60)});
        QVERIFY2(turn.userMessage.contains(u("文档中没有相关内容")), qPrintable(turn.userMessage));
        const folio::DocumentTurn found = turnFor(u("违约金是如何约定的？"), {chineseContract(60)});
        QVERIFY(!found.userMessage.contains(u("文档中没有相关内容")));
        QVERIFY(found.userMessage.contains(u("0.05%")));
        const folio::DocumentTurn en =
            turnFor("What insurance must the Supplier carry?", {englishContract()});
        QVERIFY(en.userMessage.contains("does not mention this"));
    }

    void retrievalIsCappedButWholeDocumentsAreNot() {
        QVector<folio::ContextDocument> docs{chineseContract(60)};
        for (int p = 5; p <= 60; ++p)
            docs[0].pages.push_back({p, u("本页内容为一般条款，供双方参考。").repeated(20), false});
        folio::DocumentTurnOptions options;
        options.retrievalBudgetTokens = 1500;
        const folio::DocumentTurn capped = turnFor(u("违约金是多少？"), docs, 8000, options);
        QCOMPARE(capped.context.mode, folio::ContextMode::Retrieval);
        QVERIFY(capped.context.tokens <= 1500);
        QVERIFY(capped.context.tokens > 1000);
        options.retrievalBudgetTokens = 0;
        QVERIFY(turnFor(u("违约金是多少？"), docs, 8000, options).context.tokens > 1500);
        // A document that fits is read whole, whatever the cap.
        options.retrievalBudgetTokens = 10;
        QCOMPARE(turnFor(u("违约金是多少？"), {chineseContract(60)}, 8000, options).context.mode,
                 folio::ContextMode::WholeDocuments);
    }

    // In retrieval mode the clause quoted after the question may lie on a page the search did not
    // pick (here page 3 is too long for the cap): an answer resting on it still gets its page.
    void aQuotedClauseOutsideTheRetrievedPagesIsCited() {
        QVector<folio::ContextDocument> docs{chineseContract(60)};
        docs[0].pages[2].text.prepend(u("本页内容为一般条款，供双方参考。").repeated(300) + '\n');
        for (int p = 5; p <= 60; ++p)
            docs[0].pages.push_back({p, u("本页内容为一般条款，供双方参考。").repeated(20), false});
        folio::DocumentTurnOptions options;
        options.retrievalBudgetTokens = 1500;
        const folio::DocumentTurn turn =
            turnFor(u("合同争议由哪个仲裁机构仲裁？"), docs, 8000, options);
        QCOMPARE(turn.context.mode, folio::ContextMode::Retrieval);
        QVERIFY(!turn.context.used.first().pages.contains(3));
        QVERIFY2(turn.userMessage.contains(u("北京仲裁委员会")), qPrintable(turn.userMessage));
        QCOMPARE(folio::finishDocumentAnswer(u("合同争议由北京仲裁委员会仲裁。"), turn),
                 u("合同争议由北京仲裁委员会仲裁 [p.3]。"));
        // ... and the pages read under the reply name it.
        const QString read = folio::documentTurnStats(turn).value("documentPages").toString();
        QCOMPARE(read, u("1-7"));  // the block holds 1-2 and 4-7
    }

    void citationsAreAttachedAndChecked() {
        const folio::DocumentTurn turn = turnFor(u("违约金是如何约定的？"), {chineseContract(60)});
        // No citation: the page that holds the statement's numbers and words is attached.
        QCOMPARE(
            folio::finishDocumentAnswer(u("逾期付款的违约金为每日逾期未付金额的0.05%。"), turn),
            u("逾期付款的违约金为每日逾期未付金额的0.05% [p.2]。"));
        // A page that does not support it is marked, and the right one added.
        const QString wrong = folio::finishDocumentAnswer(
            u("逾期付款的违约金为每日逾期未付金额的0.05% [p.4]。"), turn);
        QVERIFY2(wrong.contains(u("[p.4]（未核实）")) && wrong.contains(u("[p.2]")),
                 qPrintable(wrong));
        // A right one is kept as it is.
        QCOMPARE(folio::finishDocumentAnswer(u("违约金为逾期未付金额的0.05% [p.2]。"), turn),
                 u("违约金为逾期未付金额的0.05% [p.2]。"));
        // A clause named by number ("第12条") may be written "第十二条" on its page.
        QCOMPARE(folio::finishDocumentAnswer(u("第12条规定甲方应在收到发票后60日内付款。"), turn),
                 u("第12条规定甲方应在收到发票后60日内付款 [p.3]。"));
        // A number found on no page gets no citation: nothing is invented.
        QCOMPARE(folio::finishDocumentAnswer(u("违约金为每日逾期未付金额的7.5%。"), turn),
                 u("违约金为每日逾期未付金额的7.5%。"));
        folio::DocumentTurnOptions off;
        off.checkCitations = false;
        QCOMPARE(folio::finishDocumentAnswer(u("违约金为0.05%。"), turn, off),
                 u("违约金为0.05%。"));
    }

    void aConflictAnswerQuotesTheClausesItCompared() {
        const folio::DocumentTurn turn =
            turnFor("Do Article 3 and Article 4 conflict?", {englishContract()});
        QCOMPARE(turn.candidates.size(), 1);
        const QString answer =
            folio::finishDocumentAnswer("Yes, they conflict: 90 days against 30 days.", turn);
        QVERIFY2(answer.contains("Clauses compared:"), qPrintable(answer));
        QVERIFY(answer.contains("Article 3 Termination [p.2]"));
        QVERIFY(answer.contains("Article 4 Notices [p.2]"));
        QVERIFY(answer.contains("at least 30 days' written notice"));
        // Two clauses that agree are shown too: the reader checks a "no" as well as a "yes".
        const folio::DocumentTurn same =
            turnFor(u("第5条和第12条是否存在冲突？"), {chineseContract(30)});
        const QString no = folio::finishDocumentAnswer(u("不存在冲突：两条都规定30日。"), same);
        QVERIFY2(no.contains(u("比对的条款：")) && no.contains(u("第五条 付款方式 [p.2]")) &&
                     no.contains(u("第十二条 发票与结算 [p.3]")),
                 qPrintable(no));
        // No documents, nothing added.
        QCOMPARE(folio::finishDocumentAnswer("Hello.", folio::DocumentTurn{}),
                 QStringLiteral("Hello."));
    }

    void statsNameTheModeAndThePages() {
        const folio::DocumentTurn turn = turnFor(u("违约金？"), {chineseContract(60)});
        const QJsonObject stats = folio::documentTurnStats(turn);
        QCOMPARE(stats.value("documentMode").toString(), QStringLiteral("whole"));
        QCOMPARE(stats.value("documentPages").toString(), QStringLiteral("1-4"));
        QCOMPARE(stats.value("documentTokens").toInt(), turn.context.tokens);
        QVERIFY(folio::documentTurnStats(folio::DocumentTurn{}).isEmpty());
    }
};

QTEST_GUILESS_MAIN(DocTurnTest)
#include "doc_turn_test.moc"
