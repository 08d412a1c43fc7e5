// The embedded model catalog: every Qwen3 size in Q4_K_M and Q8_0, the default model matching
// scripts/model-manifest.txt, mirror URLs, and parse errors that name the field.
#include <QtTest>

#include "app/models/catalog.h"
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
