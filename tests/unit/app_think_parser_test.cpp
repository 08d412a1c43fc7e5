// ThinkParser: splitting a streamed reply into thinking and answer, whatever the piece boundaries.
#include <QtTest>

#include "app/think_parser.h"

using folio::ThinkParser;

namespace {

struct Split {
    QString text;
    QString thinking;
    int endedAt = -1;  // index of the piece whose feed() reported the end of thinking
};

Split runPieces(const QStringList& pieces, ThinkParser::Start start = ThinkParser::Start::Detect) {
    ThinkParser parser(start);
    Split out;
    for (int i = 0; i < pieces.size(); ++i) {
        const ThinkParser::Output o = parser.feed(pieces[i]);
        out.text += o.text;
        out.thinking += o.thinking;
        if (o.thinkingEnded) out.endedAt = i;
    }
    const ThinkParser::Output o = parser.finish();
    out.text += o.text;
    out.thinking += o.thinking;
    return out;
}

// Every way of cutting s into pieces of `size` characters.
QStringList chunks(const QString& s, int size) {
    QStringList out;
    for (int i = 0; i < s.size(); i += size) out << s.mid(i, size);
    return out;
}

}  // namespace

class AppThinkParserTest : public QObject {
    Q_OBJECT

private slots:
    void splitsAtAnyPieceBoundary_data() {
        QTest::addColumn<QString>("reply");
        QTest::addColumn<QString>("thinking");
        QTest::addColumn<QString>("text");
        QTest::addRow("think then answer") << "<think>\nLet me add.\n</think>\n\nThe answer is 4."
                                           << "Let me add.\n"
                                           << "The answer is 4.";
        QTest::addRow("leading space") << "  <think>x</think>y"
                                       << "x"
                                       << "y";
        QTest::addRow("no thinking") << "Plain <b>answer</b>."
                                     << ""
                                     << "Plain <b>answer</b>.";
        QTest::addRow("empty think block") << "<think>\n\n</think>\n\nHi"
                                           << ""
                                           << "Hi";
        QTest::addRow("late tag is text") << "Use <think> tags."
                                          << ""
                                          << "Use <think> tags.";
        QTest::addRow("lookalike close") << "<think>a </thin b</think>c"
                                         << "a </thin b"
                                         << "c";
        QTest::addRow("unfinished") << "<think>still going </thi"
                                    << "still going </thi"
                                    << "";
        QTest::addRow("chinese") << "<think>想一想</think>答案是四。"
                                 << "想一想"
                                 << "答案是四。";
        QTest::addRow("only a less-than") << "<"
                                          << ""
                                          << "<";
    }
    void splitsAtAnyPieceBoundary() {
        QFETCH(QString, reply);
        QFETCH(QString, thinking);
        QFETCH(QString, text);
        for (int size = 1; size <= reply.size(); ++size) {
            const Split s = runPieces(chunks(reply, size));
            QCOMPARE(s.thinking, thinking);
            QCOMPARE(s.text, text);
        }
    }

    void reportsTheEndOfThinkingOnce() {
        const Split s = runPieces({"<think>", "abc", "</th", "ink>", "done"});
        QCOMPARE(s.endedAt, 3);
        QCOMPARE(s.thinking, QString("abc"));
        QCOMPARE(s.text, QString("done"));
    }

    void templateOpenedBlock() {
        const Split s =
            runPieces({"\nreasoning", "</think>", "\n\nanswer"}, ThinkParser::Start::InThinking);
        QCOMPARE(s.thinking, QString("reasoning"));
        QCOMPARE(s.text, QString("answer"));
    }

    void continuingAnAnswerIsAllText() {
        const Split s = runPieces({"<think>", " more</think>"}, ThinkParser::Start::InAnswer);
        QCOMPARE(s.thinking, QString());
        QCOMPARE(s.text, QString("<think> more</think>"));
    }

    void holdsBackOnlyPossibleTagPrefixes() {
        ThinkParser parser;
        QCOMPARE(parser.feed("<think>abc<").thinking, QString("abc"));  // "<" may start </think>
        QVERIFY(parser.inThinking());
        QCOMPARE(parser.feed("b>").thinking, QString("<b>"));
    }
};

QTEST_GUILESS_MAIN(AppThinkParserTest)
#include "app_think_parser_test.moc"
