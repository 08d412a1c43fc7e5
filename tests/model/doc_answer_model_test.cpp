// With the default model, through the app's controller: a Chinese contract whose
// Art. 5 pays in 30 days and Art. 12 in 60 is attached to a chat; asked whether the two clauses
// conflict, the stored reply says they do, names both deadlines, quotes both clauses with their
// pages, and its statistics name the pages read. Asked about something the contract does not
// contain, it says so. The request carried the quoted clauses after the question, not in the
// system prompt (so the document's cached prefix is the same for every question).
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include "app/app_controller.h"
#include "app/application.h"
#include "app/database.h"
#include "app/documents/documents_controller.h"
#include "app/settings.h"
#include "support/test_env.h"

namespace {

const int kTimeoutMs = 600000;

QString u(const char* utf8) {
    return QString::fromUtf8(utf8);
}

// About 2,500 characters: a services contract with two clauses whose payment terms conflict.
QString contractText() {
    QString t = u("技术服务合同\n甲方：北京星河信息技术有限公司\n乙方：上海明远软件有限公司\n");
    const char* const clauses[] = {
        "第一条 定义\n本合同中，“日”指自然日。",
        "第二条 合同标的\n乙方根据甲方的需求，向甲方提供技术服务，具体内容详见附件一。",
        "第三条 合同价款\n本合同总价款为人民币1,280,000元（大写：人民币壹佰贰拾捌万元整）。",
        "第四条 履行期限\n乙方应于2026年6月30日前完成全部工作并向甲方交付成果。",
        "第五条 付款方式\n甲方应在收到乙方开具的合法有效发票后30日内支付相应款项。",
        "第六条 验收\n甲方应在收到交付成果后10个工作日内组织验收。",
        "第七条 保密\n保密期限为本合同终止后3年。",
        "第八条 违约责任\n甲方逾期付款的，每逾期一日，应按逾期未付金额的0.05%支付违约金。",
        "第九条 知识产权\n交付成果的知识产权自甲方付清全部价款之日起归甲方所有。",
        "第十条 不可抗力\n因不可抗力不能履行合同的，受影响一方应及时通知对方。",
        "第十一条 合同解除\n任何一方可提前30日以书面形式通知对方解除本合同。",
        "第十二条 发票与结算\n乙方应在每个结算周期结束后开具发票；甲方应在收到发票后60日内付款。",
        "第十三条 争议解决\n协商不成的，任何一方均可将争议提交北京仲裁委员会仲裁。",
    };
    for (const char* c : clauses) {
        t += u(c) + '\n';
        // Boilerplate between clauses, as real contracts have.
        t +=
            u("双方应本着诚实信用原则履行本合同，任何一方不得利用本合同从事违法活动。本合同的标题仅"
              "为方便阅读而设，不影响对条款的解释。\n");
    }
    return t;
}

}  // namespace

class DocAnswerModelTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<AppContext> m_context;

    // Sends question in the current chat and returns the stored reply (content, stats).
    QPair<QString, QJsonObject> ask(const QString& question) {
        AppController* app = m_context->controller();
        QSignalSpy finished(app, &AppController::replyFinished);
        app->send(question);
        if (!finished.wait(kTimeoutMs)) return {};
        folio::Database db;
        if (!db.open(m_context->databasePath())) return {};
        QSqlQuery reply(db.connection());
        reply.prepare("select content, stats from messages where id = ?");
        reply.addBindValue(finished.first().first().toLongLong());
        if (!reply.exec() || !reply.next()) return {};
        return {reply.value(0).toString(),
                QJsonDocument::fromJson(reply.value(1).toByteArray()).object()};
    }

private slots:
    void initTestCase() {
        FOLIO_REQUIRE_MODEL();
        QVERIFY(m_dir.isValid());
        AppOptions options;
        options.dataDir = m_dir.path();
        options.headlessSmoke = true;  // load below, with a smaller context
        m_context = std::make_unique<AppContext>(options);
        m_context->settings()->setSamplingPreset("precise");
        m_context->settings()->setContextSize(4096);
        AppController* app = m_context->controller();
        app->setMaxReplyTokens(96);
        app->loadModel(folio::test::modelPath());
        QTRY_VERIFY_WITH_TIMEOUT(app->modelReady() || app->statusText().contains("Could not"),
                                 kTimeoutMs);
        QVERIFY2(app->modelReady(), qPrintable(app->statusText()));

        const QString path = m_dir.filePath("contract.txt");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(contractText().toUtf8());
        f.close();
        folio::DocumentsController* docs = m_context->documents();
        QSignalSpy added(docs, &folio::DocumentsController::documentAdded);
        QVERIFY(docs->addFile(path));
        QVERIFY(added.wait(60000));
        const qint64 conversation = app->ensureConversation(u("合同"));
        QVERIFY(conversation > 0);
        QVERIFY(docs->attachTo(conversation, added.first().first().toLongLong()));
    }

    void aConflictIsFoundQuotedAndCited() {
        const auto [reply, stats] = ask(u("第5条和第12条是否存在冲突？"));
        QVERIFY2(reply.startsWith(u("是的，存在冲突：")), qPrintable(reply));
        QVERIFY2(reply.contains(u("比对的条款：")), qPrintable(reply));
        QVERIFY(reply.contains(u("第五条 付款方式 [p.1]")));
        QVERIFY(reply.contains(u("甲方应在收到发票后60日内付款")));
        QVERIFY(reply.contains(u("30日")) && reply.contains(u("60日")));
        QCOMPARE(stats.value("documentMode").toString(), QStringLiteral("whole"));
        QVERIFY(!stats.value("documentPages").toString().isEmpty());
        QVERIFY(stats.value("documentTokens").toInt() > 500);
        // The quoted clauses went after the question; the system prompt holds the document.
        const auto sent = m_context->controller()->lastRequestMessages();
        QVERIFY(QString::fromStdString(sent.back().content).contains(u("问题：第5条和第12条")));
        QVERIFY(QString::fromStdString(sent.front().content).contains(u("第十二条 发票与结算")));
    }

    void somethingTheContractLacksIsNotStated() {
        const auto [reply, stats] = ask(u("合同约定的保险金额是多少？"));
        QVERIFY2(reply.startsWith(u("文档中未提及")), qPrintable(reply));
        // The follow-up reused the document: only the question was read.
        QVERIFY(stats.value("reusedPromptTokens").toInt() > 500);
    }
};

QTEST_MAIN(DocAnswerModelTest)
#include "doc_answer_model_test.moc"
