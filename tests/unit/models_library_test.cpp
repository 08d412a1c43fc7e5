// The model library on a synthetic tiny Qwen3 GGUF (scripts/make_synthetic_gguf.py, q8_0):
// architecture, quantization, context, and the memory estimate checked against hand arithmetic.
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "app/models/gpu_memory.h"
#include "app/models/model_library.h"
#include "support/test_env.h"

using folio::ModelLibrary;

namespace {

// The tiny shape: 2 layers, width 128, 4 heads, 2 KV heads of 32, FFN 256, context 4096;
// vocabulary padded to 151936 rows. Q8_0 stores 32 values in 34 bytes; norms are F32.
constexpr qint64 kVocab = 151936, kEmbd = 128, kLayers = 2, kQ = 4 * 32, kKv = 2 * 32, kFf = 256;
constexpr qint64 q8(qint64 elements) {
    return elements / 32 * 34;
}
constexpr qint64 kMatrixElems = kEmbd * kQ * 2 + kEmbd * kKv * 2 + kEmbd * kFf * 3;  // per layer
constexpr qint64 kNormElems = kEmbd * 2 + 32 * 2;                                    // per layer
constexpr qint64 kWeightBytes =
    q8(kVocab * kEmbd) * 2 + kEmbd * 4 +
    kLayers * (q8(kEmbd * kQ) * 2 + q8(kEmbd * kKv) * 2 + q8(kEmbd * kFf) * 3 + kNormElems * 4);
constexpr qint64 kParameters = kVocab * kEmbd * 2 + kEmbd + kLayers * (kMatrixElems + kNormElems);
constexpr qint64 kKvPerToken = 2 * kLayers * 2 * 32 * 2;  // K and V, layers, kv heads, dim, f16

QString python() {
    const QString venv = folio::test::sourceDir() + "/.venv/bin/python";
    return QFileInfo::exists(venv) ? venv : QStringLiteral("python3");
}

}  // namespace

class ModelsLibraryTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_models;

private slots:
    void initTestCase() {
        FOLIO_REQUIRE_SHARED();
        m_models = m_dir.filePath("models");
        QVERIFY(QDir().mkpath(m_models));
        QProcess p;
        p.start(python(),
                {folio::test::sourceDir() + "/scripts/make_synthetic_gguf.py", "--shape", "tiny",
                 "--type", "q8_0", "--tokenizer", folio::test::sharedPath("data/qwen3-tokenizer"),
                 "--out", m_models + "/tiny-q8_0.gguf"});
        QVERIFY(p.waitForFinished(120000));
        if (p.exitCode() != 0 || p.exitStatus() != QProcess::NormalExit)
            QSKIP(qPrintable("cannot write the synthetic model (pip install gguf numpy): " +
                             p.readAllStandardError()));
    }

    void listsTheModelWithItsMetadata() {
        ModelLibrary library(m_models);
        library.refresh();
        QCOMPARE(library.rowCount(), 1);
        const QModelIndex i = library.index(0);
        QCOMPARE(library.data(i, ModelLibrary::ArchitectureRole).toString(), "qwen3");
        QCOMPARE(library.data(i, ModelLibrary::QuantizationRole).toString(), "Q8_0");
        QCOMPARE(library.data(i, ModelLibrary::TrainContextRole).toInt(), 4096);
        QCOMPARE(library.data(i, ModelLibrary::SupportedRole).toBool(), true);
        QCOMPARE(library.data(i, ModelLibrary::NameRole).toString(), "synthetic-tiny-q8_0");
        QCOMPARE(qint64(library.data(i, ModelLibrary::ParametersRole).toDouble()), kParameters);
        QCOMPARE(library.data(i, ModelLibrary::DeletableRole).toBool(), true);
        const folio::InstalledModel& m = library.models().first();
        QCOMPARE(m.weightBytes, kWeightBytes);
        QCOMPARE(m.kvBytesPerToken(), kKvPerToken);
        QVERIFY(m.fileBytes > m.weightBytes);  // plus the header and the vocabulary
    }

    void estimatesMemoryForTheChosenContext() {
        ModelLibrary library(m_models);
        library.refresh();
        const QModelIndex i = library.index(0);
        library.setContextSize(2048);
        QCOMPARE(library.data(i, ModelLibrary::ContextRole).toInt(), 2048);
        const qint64 at2048 = (kWeightBytes + kKvPerToken * 2048) * 11 / 10;
        QCOMPARE(qint64(library.data(i, ModelLibrary::EstimateBytesRole).toDouble()), at2048);
        library.setContextSize(0);  // engine default: min(training context, 32768) = 4096
        QCOMPARE(library.data(i, ModelLibrary::ContextRole).toInt(), 4096);
        library.setContextSize(100000);  // clamped to the training context
        QCOMPARE(qint64(library.data(i, ModelLibrary::EstimateBytesRole).toDouble()),
                 (kWeightBytes + kKvPerToken * 4096) * 11 / 10);
        // The 8-bit KV cache: int8 rows of 32 values plus an f32 scale, 36 bytes instead of 64.
        library.setContextSize(2048);
        library.setKvCache("q8_0");
        QCOMPARE(library.kvCache(), QString("q8_0"));
        QCOMPARE(qint64(library.data(i, ModelLibrary::EstimateBytesRole).toDouble()),
                 (kWeightBytes + kKvPerToken * 36 / 64 * 2048) * 11 / 10);
        library.setKvCache("bf16");  // not offered: ignored
        QCOMPARE(library.kvCache(), QString("q8_0"));
        library.setKvCache("f16");
        QCOMPARE(qint64(library.data(i, ModelLibrary::EstimateBytesRole).toDouble()), at2048);
        library.setAvailableMemoryForTest(at2048 - 1);
        QCOMPARE(library.data(i, ModelLibrary::FitsRole).toBool(), false);
        library.setAvailableMemoryForTest(at2048);
        QCOMPARE(library.data(i, ModelLibrary::FitsRole).toBool(), true);
    }

    // Per-layer sums for the GPU plan; the roles with a fake 8 GiB GPU (fake_nvml.cpp) and none.
    void estimatesGpuMemory() {
        ModelLibrary library(m_models);
        library.setGpuLibraryForTest(FOLIO_FAKE_NVML);
        library.refresh();
        QVERIFY(library.gpuFound());
        QCOMPARE(qint64(library.gpuFreeMemory()), 6ll << 30);
        const folio::InstalledModel& m = library.models().first();
        const qint64 perLayer =
            q8(kEmbd * kQ) * 2 + q8(kEmbd * kKv) * 2 + q8(kEmbd * kFf) * 3 + kNormElems * 4;
        QCOMPARE(m.layerWeightBytes, std::vector<qint64>(kLayers, perLayer));
        QCOMPARE(m.layerWeightElements, std::vector<qint64>(kLayers, kMatrixElems + kNormElems));
        QCOMPARE(m.otherWeightBytes, q8(kVocab * kEmbd) + kEmbd * 4);  // output + its norm
        QCOMPARE(m.nVocab, kVocab);
        QCOMPARE(m.largestTensorElements, kVocab * kEmbd);
        library.setContextSize(2048);
        const QModelIndex i = library.index(0);
        const qint64 want = kLayers * perLayer + q8(kVocab * kEmbd) + kEmbd * 4 +
                            kKvPerToken * 2048 + folio::kGpuActivationBytes +
                            folio::kGpuCublasBytes + 4 * kVocab + 2 * kVocab * kEmbd;
        QCOMPARE(qint64(library.data(i, ModelLibrary::GpuBytesRole).toDouble()), want);
        QCOMPARE(library.data(i, ModelLibrary::GpuFitRole).toString(), QString("full"));
        library.setGpuLibraryForTest("libfolio-test-no-such-nvml.so.1");
        library.refresh();
        QVERIFY(!library.gpuFound());
        QVERIFY(library.gpuProblem().contains("no GPU found"));
        QCOMPARE(library.data(library.index(0), ModelLibrary::GpuFitRole).toString(),
                 QString("unknown"));
    }

    void parsesMemAvailable() {
        QCOMPARE(folio::parseMemAvailable(
                     "MemTotal:  8000 kB\nMemFree: 10 kB\nMemAvailable:    2048 kB\n"),
                 qint64(2048) * 1024);
        QCOMPARE(folio::parseMemAvailable("MemTotal: 1 kB\n"), qint64(-1));
        QVERIFY(folio::availableMemoryBytes() > 0);  // Linux
    }

    void addsOutsideFilesButDeletesOnlyItsOwn() {
        const QString outside = m_dir.filePath("elsewhere");
        QVERIFY(QDir().mkpath(outside));
        const QString copy = outside + "/copy.gguf";
        QVERIFY(QFile::copy(m_models + "/tiny-q8_0.gguf", copy));
        ModelLibrary library(m_models);
        library.refresh();
        QCOMPARE(library.addFile(QUrl::fromLocalFile(copy).toString()),
                 QFileInfo(copy).absoluteFilePath());
        QCOMPARE(library.rowCount(), 2);
        QVERIFY(!library.deleteModel(copy));
        QVERIFY(QFile::exists(copy));
        QVERIFY(library.lastError().contains("only models there can be deleted"));
        QCOMPARE(library.rowCount(), 1);  // forgotten, not deleted

        QFile junk(outside + "/junk.gguf");
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("not a model");
        junk.close();
        QVERIFY(library.addFile(junk.fileName()).isEmpty());
        QVERIFY(library.lastError().contains("junk.gguf"));

        const QString inside = m_models + "/second.gguf";
        QVERIFY(QFile::copy(copy, inside));
        library.refresh();
        QCOMPARE(library.rowCount(), 2);
        QVERIFY(library.deleteModel(inside));
        QVERIFY(!QFile::exists(inside));
        QCOMPARE(library.rowCount(), 1);
    }
};

QTEST_GUILESS_MAIN(ModelsLibraryTest)
#include "models_library_test.moc"
