// Analysis presets: five templates in English and Chinese, the key-terms one asks for every key
// term, placeholders are filled, and user edits are stored and can be reset.
#include <QTemporaryDir>
#include <QtTest>

#include "app/database.h"
#include "app/documents/presets.h"

class DocPresetsTest : public QObject {
    Q_OBJECT

private slots:
    void everyPresetHasBothLanguages() {
        const auto en = folio::analysisPresets("en");
        const auto zh = folio::analysisPresets("zh_CN");
        QCOMPARE(en.size(), 5);
        QCOMPARE(zh.size(), 5);
        const QStringList keys{"summary", "key_terms", "risks", "conflicts", "compare"};
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(en[i].key, keys[i]);
            QCOMPARE(zh[i].key, keys[i]);
            QVERIFY(en[i].title != zh[i].title);
            const QString te = folio::builtinPresetTemplate(keys[i], "en");
            const QString tz = folio::builtinPresetTemplate(keys[i], "zh_CN");
            QVERIFY(te.contains("{document}"));
            QVERIFY(tz.contains("{document}"));
            QVERIFY(tz.contains(QChar(0x6587)) || tz.contains(QChar(0x6761)));  // 文 or 条
        }
        QCOMPARE(en[4].documentsNeeded, 2);
        QCOMPARE(folio::presetLanguage("zh-Hans"), QString("zh_CN"));
        QCOMPARE(folio::presetLanguage("de_DE"), QString("en"));
        QVERIFY(folio::builtinPresetTemplate("nope", "en").isEmpty());
    }

    void keyTermsAskForEveryTerm() {
        const QString en = folio::builtinPresetTemplate("key_terms", "en");
        for (const char* term : {"parties", "dates", "amounts", "obligations", "payment",
                                 "termination", "liability", "governing law"})
            QVERIFY2(en.contains(term), term);
        const QString zh = folio::builtinPresetTemplate("key_terms", "zh_CN");
        for (const char* term :
             {"当事方", "日期", "金额", "义务", "付款", "终止", "责任", "适用法律"})
            QVERIFY2(zh.contains(QString::fromUtf8(term)), term);
    }

    void renderFillsTitles() {
        auto one = folio::renderPreset(folio::builtinPresetTemplate("summary", "en"), "summary",
                                       {"Lease 2024"});
        QVERIFY(one.ok());
        QVERIFY(one->contains("Lease 2024"));
        QVERIFY(!one->contains("{document"));
        auto two = folio::renderPreset(folio::builtinPresetTemplate("compare", "zh_CN"), "compare",
                                       {"v1", "v2"});
        QVERIFY(two.ok());
        QVERIFY(two->contains(QString::fromUtf8("《v1》")) &&
                two->contains(QString::fromUtf8("《v2》")));
        auto missing = folio::renderPreset("x", "compare", {"only one"});
        QVERIFY(!missing.ok());
        QVERIFY(QString::fromStdString(missing.error().message).contains("needs 2 documents"));
        QVERIFY(!folio::renderPreset("x", "nope", {"a"}).ok());
    }

    void editsAreStoredAndReset() {
        QTemporaryDir dir;
        folio::Database db;
        QVERIFY(db.open(dir.filePath("folio.sqlite3")).ok());
        folio::DocumentStore store([&db] { return db.connection(); });
        folio::PresetLibrary presets(store);
        QCOMPARE(*presets.templateFor("risks", "en"), folio::builtinPresetTemplate("risks", "en"));
        QVERIFY(!*presets.isEdited("risks", "en"));
        QVERIFY(presets.setTemplate("risks", "en", "List only the top three risks of {document}.")
                    .ok());
        QCOMPARE(*presets.templateFor("risks", "en"),
                 QString("List only the top three risks of {document}."));
        QVERIFY(*presets.isEdited("risks", "en"));
        QCOMPARE(*presets.templateFor("risks", "zh"),
                 folio::builtinPresetTemplate("risks", "zh_CN"));
        QVERIFY(presets.reset("risks", "en").ok());
        QVERIFY(!*presets.isEdited("risks", "en"));
        QVERIFY(
            presets.setTemplate("risks", "en", folio::builtinPresetTemplate("risks", "en")).ok());
        QVERIFY(!*presets.isEdited("risks", "en"));  // saving the built-in text is no edit
        QVERIFY(!presets.setTemplate("nope", "en", "x").ok());
        QVERIFY(!presets.templateFor("nope", "en").ok());
        db.closeThreadConnection();
    }
};

QTEST_GUILESS_MAIN(DocPresetsTest)
#include "doc_presets_test.moc"
