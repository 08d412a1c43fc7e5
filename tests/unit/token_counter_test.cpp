// TokenCounter: token counts computed off the GUI thread arrive later as a queued signal,
// in submission order, on the owner's thread; destruction with work queued is safe.
#include "app/token_counter.h"

#include <QSignalSpy>
#include <QThread>
#include <QtTest>
#include <atomic>
#include <chrono>
#include <thread>

namespace {

// A stand-in tokenizer: one token per word; records the thread it ran on.
struct FakeTokenizer {
    std::atomic<QThread*> thread{nullptr};
    std::atomic<int> calls{0};
    int operator()(const QString& text) {
        thread = QThread::currentThread();
        ++calls;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a slow, long text
        return int(text.split(' ', Qt::SkipEmptyParts).size());
    }
};

}  // namespace

class TokenCounterTest : public QObject {
    Q_OBJECT

private slots:
    void countsArriveLaterOnTheOwnersThreadInOrder() {
        FakeTokenizer tokenizer;
        TokenCounter counter([&tokenizer](const QString& t) { return tokenizer(t); });
        QSignalSpy counted(&counter, &TokenCounter::counted);
        QList<QThread*> deliveredOn;
        connect(&counter, &TokenCounter::counted, this,
                [&deliveredOn] { deliveredOn.append(QThread::currentThread()); });
        const quint64 first = counter.count({"one two three", "", "four"});
        const quint64 second = counter.count({"five six"});
        QVERIFY(first > 0 && second > first);
        QCOMPARE(counter.pendingJobs(), 2);
        QCOMPARE(counted.count(), 0);  // never synchronously
        QTRY_COMPARE(counted.count(), 2);
        QCOMPARE(counter.pendingJobs(), 0);
        QCOMPARE(counted.at(0).at(0).toULongLong(), first);
        QCOMPARE(counted.at(0).at(1).value<QList<int>>(), (QList<int>{3, 0, 1}));
        QCOMPARE(counted.at(1).at(0).toULongLong(), second);
        QCOMPARE(counted.at(1).at(1).value<QList<int>>(), QList<int>{2});
        QVERIFY(tokenizer.thread != QThread::currentThread());
        QCOMPARE(deliveredOn,
                 (QList<QThread*>{QThread::currentThread(), QThread::currentThread()}));
    }

    void failuresArriveAsMinusOne() {
        TokenCounter counter([](const QString&) { return -1; });
        QSignalSpy counted(&counter, &TokenCounter::counted);
        counter.count({"no model"});
        QTRY_COMPARE(counted.count(), 1);
        QCOMPARE(counted.at(0).at(1).value<QList<int>>(), QList<int>{-1});
    }

    void destroyingWithQueuedJobsDropsThem() {
        FakeTokenizer tokenizer;
        {
            TokenCounter counter([&tokenizer](const QString& t) { return tokenizer(t); });
            for (int i = 0; i < 50; ++i) counter.count({"a b c"});
        }  // waits for at most the job in progress; the rest never run
        QVERIFY(tokenizer.calls < 50);
        QCoreApplication::processEvents();  // no delivery to the destroyed counter
    }

    // One token per 3 ASCII characters, one per Chinese character: never below what the Qwen
    // tokenizer counts for either (a Chinese contract clause is about one token a character).
    void estimateIsAboutOneTokenPerThreeBytes() {
        QCOMPARE(TokenCounter::estimate(QString()), 0);
        QCOMPARE(TokenCounter::estimate("ab"), 1);
        QCOMPARE(TokenCounter::estimate("abcdef"), 2);
        QCOMPARE(TokenCounter::estimate(QString(64000, 'x')), 21334);
        QCOMPARE(TokenCounter::estimate(QString::fromUtf8("合同总价款")), 5);
        QCOMPARE(TokenCounter::estimate(QString::fromUtf8("第5条")), 3);  // 3 + 1 + 3 bytes
    }
};

QTEST_GUILESS_MAIN(TokenCounterTest)
#include "token_counter_test.moc"
