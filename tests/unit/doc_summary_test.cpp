// Map-reduce summaries with a fake generator: chunking pages within a token budget,
// the order of the partial summaries and the final combine, progress, partial summaries stored
// and reused, cancel keeping what was made, combining in groups when the parts are too long
// together, and errors.
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "app/database.h"
#include "app/documents/map_reduce.h"

using folio::PageText;

namespace {

int fakeTokens(const QString& text) {
    return int(text.size() / 4);
}

// Answers "S<first>-<last>" for a chunk of pages and "FINAL:" + the parts' summaries for a
// combine, one event-loop turn later (as the engine worker would).
class FakeGenerator : public folio::SummaryGenerator {
public:
    struct Call {
        QString system;
        QString user;
        int maxTokens;
    };
    QVector<Call> calls;
    int failAt = -1;  // the call (0-based) that fails
    int cancels = 0;

    void generate(const QString& system, const QString& user, int maxTokens,
                  std::function<void(folio::Expected<QString>)> done) override {
        const int index = int(calls.size());
        calls.push_back({system, user, maxTokens});
        // Combine: the summaries named in the text; a chunk: its page markers' range; a group
        // of summaries: the range of the summaries it holds.
        static const QRegularExpression kMarker(QStringLiteral("\\[p\\.(\\d+)\\]"));
        static const QRegularExpression kSummary(QStringLiteral("\\b([SG])(\\d+)-(\\d+)"));
        QStringList names;
        QStringList firsts;
        QStringList lasts;
        for (auto it = kSummary.globalMatch(user); it.hasNext();) {
            const auto m = it.next();
            names << m.captured(0);
            firsts << m.captured(2);
            lasts << m.captured(3);
        }
        QStringList markers;
        for (auto it = kMarker.globalMatch(user); it.hasNext();) markers << it.next().captured(1);
        QString reply;
        if (system.contains("combine") || system.contains(QString::fromUtf8("合并")))
            reply = QStringLiteral("FINAL:") + names.join(',');
        else if (!markers.isEmpty())
            reply = QStringLiteral("S%1-%2").arg(markers.first(), markers.last());
        else
            reply = QStringLiteral("G%1-%2").arg(firsts.value(0), lasts.value(lasts.size() - 1));
        // A summary as long as allowed (9/10 of maxTokens), as a model's would be.
        if (!reply.startsWith("FINAL:")) reply = reply.leftJustified(maxTokens * 4 * 9 / 10, '.');
        const bool fail = index == failAt;
        QTimer::singleShot(0, [done, reply, fail] {
            if (fail)
                done(folio::makeError("the model stopped"));
            else
                done(reply);
        });
    }
    void cancel() override { ++cancels; }
    int countTokens(const QString& text) const override { return fakeTokens(text); }
    QString modelKey() const override { return QStringLiteral("fake"); }
};

// A page of about `tokens` fake tokens.
PageText page(int n, int tokens) {
    return {n, QStringLiteral("Page %1 text. ").arg(n).leftJustified(tokens * 4, 'x'), false};
}

}  // namespace

class DocSummaryTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QVERIFY(m_db.open(m_dir.filePath("folio.sqlite3")).ok());
        m_store = std::make_unique<folio::DocumentStore>([this] { return m_db.connection(); });
        folio::IngestedDocument doc;
        doc.kind = QStringLiteral("pdf");
        doc.title = QStringLiteral("Contract");
        doc.sha256 = QStringLiteral("ab12");
        for (int i = 1; i <= 10; ++i) {
            const PageText p = page(i, 100);
            doc.pages.push_back({p.page, p.text, false});
        }
        auto added = m_store->add(doc);
        QVERIFY(added.ok());
        m_docId = added->id;
    }

    void chunksPagesWithinTheBudget() {
        QVector<PageText> pages;
        for (int i = 1; i <= 6; ++i) pages.push_back(page(i, 100));
        pages[2].text.clear();    // an empty page is skipped
        pages[4] = page(5, 500);  // a page longer than the budget is cut
        const auto chunks = folio::chunkPages(pages, 250, fakeTokens);
        QStringList ranges;
        for (const auto& c : chunks) {
            ranges << QStringLiteral("%1-%2").arg(c.firstPage).arg(c.lastPage);
            QVERIFY(fakeTokens(c.text) <= 250);
            QVERIFY(c.text.startsWith(QStringLiteral("[p.%1]").arg(c.firstPage)));
        }
        QCOMPARE(ranges, QStringList({"1-2", "4-4", "5-5", "5-5", "5-5", "6-6"}));
        QVERIFY(folio::chunkPages(pages, 0, fakeTokens).isEmpty());
        QVERIFY(folio::chunkPages({}, 100, fakeTokens).isEmpty());
    }

    void summarisesPartsInOrderThenCombines() {
        FakeGenerator gen;
        folio::MapReduceSummarizer s(m_store.get(), &gen);
        QSignalSpy progress(&s, &folio::MapReduceSummarizer::progress);
        QSignalSpy finished(&s, &folio::MapReduceSummarizer::finished);
        QVERIFY(s.start(m_docId, "Make it short", options()).ok());
        QVERIFY(!s.start(m_docId, "again", options()).ok());  // busy
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().at(1).toString(), QStringLiteral("FINAL:S1-3,S4-6,S7-9,S10-10"));
        QCOMPARE(gen.calls.size(), 5);
        QCOMPARE(gen.calls[0].maxTokens, 50);
        QVERIFY(gen.calls[4].user.startsWith("Make it short"));
        QCOMPARE(gen.calls[4].maxTokens, 120);
        QCOMPARE(progress.size(), 5);
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(progress[i][0].toInt(), i + 1);
            QCOMPARE(progress[i][1].toInt(), 5);
            QCOMPARE(progress[i][2].toBool(), false);
        }
        QVERIFY(!s.running());
    }

    void secondRequestReusesStoredParts() {
        FakeGenerator gen;
        folio::MapReduceSummarizer s(m_store.get(), &gen);
        QSignalSpy progress(&s, &folio::MapReduceSummarizer::progress);
        QSignalSpy finished(&s, &folio::MapReduceSummarizer::finished);
        QVERIFY(s.start(m_docId, "Make it short", options()).ok());
        QVERIFY(finished.wait(5000));
        QCOMPARE(gen.calls.size(), 1);  // only the final combine
        QCOMPARE(progress[0][2].toBool(), true);
        // Other limits: other parts.
        FakeGenerator other;
        folio::MapReduceSummarizer s2(m_store.get(), &other);
        QSignalSpy finished2(&s2, &folio::MapReduceSummarizer::finished);
        folio::SummaryOptions o = options();
        o.partTokens = 60;
        QVERIFY(s2.start(m_docId, "Make it short", o).ok());
        QVERIFY(finished2.wait(5000));
        QCOMPARE(other.calls.size(), 5);
    }

    void cancelKeepsTheFinishedParts() {
        folio::SummaryOptions o = options();
        o.language = QStringLiteral("zh_CN");  // other instructions: nothing stored yet
        FakeGenerator gen;
        folio::MapReduceSummarizer s(m_store.get(), &gen);
        QSignalSpy progress(&s, &folio::MapReduceSummarizer::progress);
        QSignalSpy cancelled(&s, &folio::MapReduceSummarizer::cancelled);
        QSignalSpy finished(&s, &folio::MapReduceSummarizer::finished);
        // Cancelled when part 3 is about to start: parts 1 and 2 are done.
        connect(&s, &folio::MapReduceSummarizer::progress, &s, [&s](int step) {
            if (step == 3) s.cancel();
        });
        QVERIFY(s.start(m_docId, QString(), o).ok());
        QTRY_COMPARE(cancelled.size(), 1);
        QCOMPARE(progress.size(), 3);
        QCOMPARE(gen.calls.size(), 2);
        QCOMPARE(gen.cancels, 1);
        QTest::qWait(50);
        QCOMPARE(finished.size(), 0);  // part 3's late answer is ignored
        QVERIFY(!s.running());
        QVERIFY(gen.calls[0].system.contains(QString::fromUtf8("总结")));
        // Again: parts 1 and 2 come from the database.
        FakeGenerator again;
        folio::MapReduceSummarizer s2(m_store.get(), &again);
        QSignalSpy finished2(&s2, &folio::MapReduceSummarizer::finished);
        QVERIFY(s2.start(m_docId, QString(), o).ok());
        QVERIFY(finished2.wait(5000));
        QCOMPARE(again.calls.size(), 3);  // parts 3 and 4, then the final
    }

    void combinesInGroupsWhenThePartsAreTooLong() {
        FakeGenerator gen;
        folio::MapReduceSummarizer s(m_store.get(), &gen);
        QSignalSpy finished(&s, &folio::MapReduceSummarizer::finished);
        QSignalSpy progress(&s, &folio::MapReduceSummarizer::progress);
        folio::SummaryOptions o;
        o.chunkTokens = 110;  // one page per chunk; ten labelled parts do not fit together
        o.partTokens = 40;
        QVERIFY(s.start(m_docId, "Make it short", o).ok());
        QVERIFY(finished.wait(5000));
        const QString final = finished.first().at(1).toString();
        QVERIFY2(final.startsWith("FINAL:G1-"), qPrintable(final));
        QVERIFY(final.endsWith("-10"));
        QVERIFY(gen.calls.size() > 11);  // ten parts, groups, the final
        QCOMPARE(progress.last()[0].toInt(), progress.last()[1].toInt());
    }

    void errorsAreReported() {
        FakeGenerator gen;
        gen.failAt = 1;
        folio::MapReduceSummarizer s(m_store.get(), &gen);
        QSignalSpy failed(&s, &folio::MapReduceSummarizer::failed);
        folio::SummaryOptions o = options();
        o.partTokens = 77;
        QVERIFY(s.start(m_docId, QString(), o).ok());
        QVERIFY(failed.wait(5000));
        QVERIFY(failed.first().at(1).toString().contains("the model stopped"));
        QVERIFY(!s.running());
        QVERIFY(!s.start(9999, QString(), o).ok());  // unknown document
    }

private:
    static folio::SummaryOptions options() {
        folio::SummaryOptions o;
        o.chunkTokens = 320;  // three pages of ~100 tokens
        o.partTokens = 50;
        o.finalTokens = 120;
        return o;
    }

    QTemporaryDir m_dir;
    folio::Database m_db;
    std::unique_ptr<folio::DocumentStore> m_store;
    qint64 m_docId = 0;
};

QTEST_GUILESS_MAIN(DocSummaryTest)
#include "doc_summary_test.moc"
