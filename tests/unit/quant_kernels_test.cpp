// The dot-product kernels at every SIMD level this CPU supports, against the scalar float
// reference dotRowRef (dequantized weights . unquantized x).
//
// Tolerances:
//  * kernel vs float reference: the activation is quantized to int8 per block of 32 or 256 with
//    step amax/127, so each x_i moves by at most amax_block/254; the dot moves by at most
//    sum_i |w_i| * amax_block(i) / 254. Add 1e-5 * sum|w_i x_i| for float summation order.
//    BF16 activations are rounded to bf16 (relative step 2^-8, error at most half of it), so the
//    dot moves by at most sum_i |w_i x_i| / 512. (F32, F16: only the summation term.)
//  * SIMD vs scalar kernel, and dotRowsMulti vs dotRows: both see identical int8 activations, so
//    only float summation order differs: 2e-6 * sum|w_i x_i|.
#include <QtTest>
#include <cmath>
#include <cstring>
#include <random>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/quant/kernels.h"
#include "engine/quant/quant.h"

using folio::GgmlType;
using folio::KernelLevel;

namespace {

const GgmlType kTypes[] = {GgmlType::F32,  GgmlType::F16,  GgmlType::BF16, GgmlType::Q4_0,
                           GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0,
                           GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K};

struct ScaleFields {
    GgmlType type;
    int blockBytes;
    int offsets[2];  // byte offsets of f16 scale fields in a block (-1: none)
};

const ScaleFields kScales[] = {
    {GgmlType::Q4_0, 18, {0, -1}}, {GgmlType::Q4_1, 20, {0, 2}},     {GgmlType::Q5_0, 22, {0, -1}},
    {GgmlType::Q5_1, 24, {0, 2}},  {GgmlType::Q8_0, 34, {0, -1}},    {GgmlType::Q4_K, 144, {0, 2}},
    {GgmlType::Q5_K, 176, {0, 2}}, {GgmlType::Q6_K, 210, {208, -1}},
};

bool isFloatType(GgmlType t) {
    return t == GgmlType::F32 || t == GgmlType::F16 || t == GgmlType::BF16;
}

// A weight row of n values: random bytes (or all 0xFF: the largest quant values) with finite
// f16 scales, or random floats.
std::vector<uint8_t> makeRow(GgmlType t, int64_t n, std::mt19937& rng, bool extreme) {
    std::uniform_real_distribution<float> val(-1.0f, 1.0f);
    std::uniform_int_distribution<int> byte(0, 255);
    std::vector<uint8_t> row(folio::rowBytes(t, n));
    if (isFloatType(t)) {
        for (int64_t i = 0; i < n; ++i) {
            const float v = extreme ? 1.0f : val(rng);
            if (t == GgmlType::F32) std::memcpy(row.data() + 4 * i, &v, 4);
            const uint16_t h = t == GgmlType::F16 ? folio::f32ToF16(v) : folio::f32ToBf16(v);
            if (t != GgmlType::F32) std::memcpy(row.data() + 2 * i, &h, 2);
        }
        return row;
    }
    for (auto& b : row) b = extreme ? 0xFF : static_cast<uint8_t>(byte(rng));
    if (extreme && t == GgmlType::Q6_K)  // int8 sub-block scales at their most negative
        for (size_t o = 0; o < row.size(); o += 210) std::memset(row.data() + o + 192, 0x80, 16);
    for (const ScaleFields& s : kScales) {
        if (s.type != t) continue;
        for (size_t o = 0; o < row.size(); o += s.blockBytes) {
            for (int off : s.offsets) {
                if (off < 0) continue;
                const uint16_t h = folio::f32ToF16(extreme ? 0.01f : val(rng) * 0.02f);
                std::memcpy(row.data() + o + off, &h, 2);
            }
        }
    }
    return row;
}

struct Bounds {
    double quantError;  // bound on |kernel - reference| from activation quantization
    double magnitude;   // sum |w_i x_i|
};

Bounds bounds(GgmlType t, const std::vector<uint8_t>& row, const std::vector<float>& x) {
    const int64_t n = static_cast<int64_t>(x.size());
    std::vector<float> w(n);
    folio::dequantizeRow(t, row.data(), w.data(), n);
    const int64_t block =
        t == GgmlType::Q4_K || t == GgmlType::Q5_K || t == GgmlType::Q6_K ? 256 : 32;
    Bounds b{0, 0};
    for (int64_t i0 = 0; i0 < n; i0 += block) {
        double amax = 0;
        for (int64_t i = i0; i < std::min(n, i0 + block); ++i)
            amax = std::max(amax, double(std::fabs(x[i])));
        for (int64_t i = i0; i < std::min(n, i0 + block); ++i) {
            if (!isFloatType(t)) b.quantError += std::fabs(double(w[i])) * amax / 254.0;
            if (t == GgmlType::BF16) b.quantError += std::fabs(double(w[i]) * x[i]) / 512.0;
            b.magnitude += std::fabs(double(w[i]) * x[i]);
        }
    }
    return b;
}

}  // namespace

class QuantKernelsTest : public QObject {
    Q_OBJECT

private slots:
    void cleanup() { folio::setKernelLevel(folio::detectKernelLevel()); }

    void levels() {
        QVERIFY(folio::kernelLevel() == folio::detectKernelLevel());
        folio::setKernelLevel(KernelLevel::Avx512Bf16);  // clamps to what the CPU has
        QVERIFY(folio::kernelLevel() == folio::detectKernelLevel());
        folio::setKernelLevel(KernelLevel::Scalar);
        QVERIFY(folio::kernelLevel() == KernelLevel::Scalar);
        QCOMPARE(QString(folio::kernelLevelName(KernelLevel::Avx2)), QString("avx2"));
        QCOMPARE(QString(folio::kernelLevelName(KernelLevel::Avx512Bf16)), QString("avx512-bf16"));
        qInfo("detected kernel level: %s", folio::kernelLevelName(folio::detectKernelLevel()));
        for (GgmlType t : kTypes) QVERIFY(folio::kernelSupports(t));
        QVERIFY(!folio::kernelSupports(GgmlType::Q2_K));
    }

    void activationRowBytes() {
        QCOMPARE(folio::activationRowBytes(GgmlType::F16, 100), size_t(400));
        QCOMPARE(folio::activationRowBytes(GgmlType::BF16, 100), size_t(200));
        QCOMPARE(folio::activationRowBytes(GgmlType::Q8_0, 64), size_t(80));
        QCOMPARE(folio::activationRowBytes(GgmlType::Q6_K, 512), size_t(584));
    }

    void dotRowsAgainstReference_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<bool>("extreme");
        for (GgmlType t : kTypes) {
            const QByteArray name(folio::typeName(t).data(), qsizetype(folio::typeName(t).size()));
            QTest::newRow(name.constData()) << int(t) << false;
            QTest::newRow((name + " extreme").constData()) << int(t) << true;
        }
    }

    void dotRowsAgainstReference() {
        QFETCH(int, type);
        QFETCH(bool, extreme);
        const auto t = static_cast<GgmlType>(type);
        const int64_t n = isFloatType(t) ? 1003 : 1024;  // float types: exercise the tails
        const int64_t nRows = 5;
        std::mt19937 rng(1234 + type);
        std::normal_distribution<float> xd(0.0f, 1.0f);
        const size_t stride = folio::rowBytes(t, n) + 6;  // rows need not be packed or aligned
        std::vector<uint8_t> w(stride * nRows);
        std::vector<std::vector<uint8_t>> rows;
        for (int64_t r = 0; r < nRows; ++r) {
            rows.push_back(makeRow(t, n, rng, extreme));
            std::memcpy(w.data() + r * stride, rows.back().data(), rows.back().size());
        }
        std::vector<float> x(n);
        for (int64_t i = 0; i < n; ++i) x[i] = extreme ? (i % 2 ? -1.0f : 1.0f) * 4.0f : xd(rng);
        std::vector<uint8_t> act(folio::activationRowBytes(t, n) + 4);
        // 4-byte aligned only, on purpose: the kernels must not assume more (kernels.h).
        folio::quantizeActivationRow(t, x.data(), act.data() + 4, n);

        std::vector<float> scalarOut(nRows);
        for (KernelLevel level : folio::supportedKernelLevels()) {
            folio::setKernelLevel(level);
            QVERIFY(folio::kernelLevel() == level);
            std::vector<float> out(nRows, -1.0f);
            folio::dotRows(t, w.data(), stride, nRows, act.data() + 4, n, out.data());
            for (int64_t r = 0; r < nRows; ++r) {
                const float ref = folio::dotRowRef(t, rows[r].data(), x.data(), n);
                const Bounds b = bounds(t, rows[r], x);
                const double tol = b.quantError + 1e-5 * b.magnitude + 1e-6;
                QVERIFY2(std::fabs(double(out[r]) - ref) <= tol,
                         qPrintable(QString("%1 row %2: got %3 ref %4 tol %5")
                                        .arg(folio::kernelLevelName(level))
                                        .arg(r)
                                        .arg(out[r])
                                        .arg(ref)
                                        .arg(tol)));
                if (level == KernelLevel::Scalar) scalarOut[r] = out[r];
                const double simdTol = 2e-6 * b.magnitude + 1e-6;
                QVERIFY2(std::fabs(double(out[r]) - scalarOut[r]) <= simdTol,
                         qPrintable(QString("%1 vs scalar row %2: %3 vs %4")
                                        .arg(folio::kernelLevelName(level))
                                        .arg(r)
                                        .arg(out[r])
                                        .arg(scalarOut[r])));
            }
        }
    }

    void dotRowsMultiMatchesDotRows_data() {
        QTest::addColumn<int>("type");
        for (GgmlType t : kTypes) {
            const QByteArray name(folio::typeName(t).data(), qsizetype(folio::typeName(t).size()));
            QTest::newRow(name.constData()) << int(t);
        }
    }

    void dotRowsMultiMatchesDotRows() {
        QFETCH(int, type);
        const auto t = static_cast<GgmlType>(type);
        const int64_t n = 512, nRows = 11, nAct = 7, outStride = nRows + 3;
        std::mt19937 rng(99 + type);
        std::normal_distribution<float> xd(0.0f, 1.0f);
        const size_t stride = folio::rowBytes(t, n);
        std::vector<uint8_t> w;
        for (int64_t r = 0; r < nRows; ++r) {
            const auto row = makeRow(t, n, rng, false);
            w.insert(w.end(), row.begin(), row.end());
        }
        const size_t actBytes = folio::activationRowBytes(t, n);
        std::vector<uint8_t> act(actBytes * nAct);
        std::vector<std::vector<float>> xs(nAct, std::vector<float>(n));
        for (int64_t j = 0; j < nAct; ++j) {
            for (auto& v : xs[j]) v = xd(rng);
            folio::quantizeActivationRow(t, xs[j].data(), act.data() + j * actBytes, n);
        }
        for (KernelLevel level : folio::supportedKernelLevels()) {
            folio::setKernelLevel(level);
            std::vector<float> multi(outStride * nAct, -7.0f);
            folio::dotRowsMulti(t, w.data(), stride, nRows, act.data(), nAct, n, multi.data(),
                                outStride);
            for (int64_t j = 0; j < nAct; ++j) {
                std::vector<float> single(nRows);
                folio::dotRows(t, w.data(), stride, nRows, act.data() + j * actBytes, n,
                               single.data());
                for (int64_t r = 0; r < nRows; ++r) {
                    const Bounds b = bounds(
                        t,
                        std::vector<uint8_t>(w.begin() + r * stride, w.begin() + (r + 1) * stride),
                        xs[j]);
                    QVERIFY2(std::fabs(double(multi[j * outStride + r]) - single[r]) <=
                                 2e-6 * b.magnitude + 1e-6,
                             qPrintable(QString("%1 act %2 row %3")
                                            .arg(folio::kernelLevelName(level))
                                            .arg(j)
                                            .arg(r)));
                }
                for (int64_t r = nRows; r < outStride; ++r)
                    QCOMPARE(multi[j * outStride + r], -7.0f);  // padding untouched
            }
        }
    }

    // Register tiles (NR weight rows x NA activation rows) must give each (row, activation) pair
    // the same bits wherever it lands: matmulShared and the thread split rely on it. Odd block
    // counts exercise the single-block tail step, 11 rows x 7 activations every tile shape.
    void tileSplitIsBitExact_data() { dotRowsMultiMatchesDotRows_data(); }

    void tileSplitIsBitExact() {
        QFETCH(int, type);
        const auto t = static_cast<GgmlType>(type);
        const bool kQuant = t == GgmlType::Q4_K || t == GgmlType::Q5_K || t == GgmlType::Q6_K;
        const int64_t n = isFloatType(t) ? 300 : (kQuant ? 768 : 288);
        const int64_t nRows = 11, nAct = 7;
        std::mt19937 rng(7 + type);
        std::normal_distribution<float> xd(0.0f, 1.0f);
        const size_t stride = folio::rowBytes(t, n) + 2;
        std::vector<uint8_t> w(stride * nRows);
        for (int64_t r = 0; r < nRows; ++r) {
            const auto row = makeRow(t, n, rng, false);
            std::memcpy(w.data() + r * stride, row.data(), row.size());
        }
        const size_t actBytes = folio::activationRowBytes(t, n);
        std::vector<uint8_t> act(actBytes * nAct);
        std::vector<std::vector<float>> xs(nAct, std::vector<float>(n));
        for (int64_t j = 0; j < nAct; ++j) {
            for (auto& v : xs[j]) v = xd(rng);
            folio::quantizeActivationRow(t, xs[j].data(), act.data() + j * actBytes, n);
        }
        std::vector<float> scalar(nRows * nAct);
        for (KernelLevel level : folio::supportedKernelLevels()) {
            folio::setKernelLevel(level);
            std::vector<float> all(nRows * nAct), parts(nRows * nAct);
            folio::dotRowsMulti(t, w.data(), stride, nRows, act.data(), nAct, n, all.data(), nRows);
            // Uneven row ranges and activation groups, as a thread split would cut them.
            const int64_t cuts[] = {0, 3, 10, 11};
            for (int c = 0; c < 3; ++c) {
                const int64_t r0 = cuts[c], r1 = cuts[c + 1];
                folio::dotRowsMulti(t, w.data() + r0 * stride, stride, r1 - r0, act.data(), 2, n,
                                    parts.data() + r0, nRows);
                folio::dotRowsMulti(t, w.data() + r0 * stride, stride, r1 - r0,
                                    act.data() + 2 * actBytes, nAct - 2, n,
                                    parts.data() + 2 * nRows + r0, nRows);
            }
            QCOMPARE(parts, all);
            // One activation row at a time through dotRowsMulti: the NA = 1 tiles.
            for (int64_t j = 0; j < nAct; ++j) {
                std::vector<float> single(nRows);
                folio::dotRowsMulti(t, w.data(), stride, nRows, act.data() + j * actBytes, 1, n,
                                    single.data(), nRows);
                for (int64_t r = 0; r < nRows; ++r) QCOMPARE(single[r], all[j * nRows + r]);
            }
            if (level == KernelLevel::Scalar) scalar = all;
            for (int64_t j = 0; j < nAct; ++j) {
                for (int64_t r = 0; r < nRows; ++r) {
                    const std::vector<uint8_t> row(w.begin() + r * stride,
                                                   w.begin() + (r + 1) * stride - 2);
                    const Bounds b = bounds(t, row, xs[j]);
                    const size_t i = size_t(j * nRows + r);
                    QVERIFY2(std::fabs(double(all[i]) - scalar[i]) <= 2e-6 * b.magnitude + 1e-6,
                             qPrintable(QString("%1 act %2 row %3: %4 vs scalar %5")
                                            .arg(folio::kernelLevelName(level))
                                            .arg(j)
                                            .arg(r)
                                            .arg(all[i])
                                            .arg(scalar[i])));
                }
            }
        }
    }

    // Decode (dotRows, one activation row): the multi-row kernels take rows in groups, so every
    // row count from 1 to well past a group, cut anywhere as threads cut them, must give each row
    // the same bits as computing it alone, and match the scalar kernels within summation noise.
    void decodeRowSplitsAgree_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("rows");
        for (GgmlType t : kTypes) {
            const std::string_view name = folio::typeName(t);
            for (int rows : {1, 3, 7, 17, 100})
                QTest::newRow(
                    qPrintable(QString("%1 x%2")
                                   .arg(QLatin1String(name.data(), qsizetype(name.size())))
                                   .arg(rows)))
                    << int(t) << rows;
        }
    }

    void decodeRowSplitsAgree() {
        QFETCH(int, type);
        QFETCH(int, rows);
        const auto t = static_cast<GgmlType>(type);
        const bool kQuant = t == GgmlType::Q4_K || t == GgmlType::Q5_K || t == GgmlType::Q6_K;
        const int64_t n = isFloatType(t) ? 200 : (kQuant ? 768 : 352), nRows = rows;
        std::mt19937 rng(31 * type + rows);
        std::normal_distribution<float> xd(0.0f, 1.0f);
        const size_t stride = folio::rowBytes(t, n) + 2;  // rows only 2-byte aligned
        std::vector<uint8_t> w(stride * size_t(nRows));
        std::vector<std::vector<uint8_t>> rowBytes;
        for (int64_t r = 0; r < nRows; ++r) {
            rowBytes.push_back(makeRow(t, n, rng, r % 13 == 5));
            std::memcpy(w.data() + r * stride, rowBytes.back().data(), rowBytes.back().size());
        }
        std::vector<float> x(n);
        for (auto& v : x) v = xd(rng);
        std::vector<uint8_t> act(folio::activationRowBytes(t, n));
        folio::quantizeActivationRow(t, x.data(), act.data(), n);
        std::vector<float> scalar(nRows);
        for (KernelLevel level : folio::supportedKernelLevels()) {
            folio::setKernelLevel(level);
            std::vector<float> all(nRows, -3.0f);
            folio::dotRows(t, w.data(), stride, nRows, act.data(), n, all.data());
            // One row at a time, and uneven ranges (1, 2, 3, ... rows) as a thread split cuts.
            std::vector<float> single(nRows), ranges(nRows);
            for (int64_t r = 0; r < nRows; ++r)
                folio::dotRows(t, w.data() + r * stride, stride, 1, act.data(), n, &single[r]);
            for (int64_t r0 = 0, len = 1; r0 < nRows; r0 += len, ++len) {
                const int64_t cnt = std::min(len, nRows - r0);
                folio::dotRows(t, w.data() + r0 * stride, stride, cnt, act.data(), n,
                               ranges.data() + r0);
            }
            QCOMPARE(single, all);
            QCOMPARE(ranges, all);
            if (level == KernelLevel::Scalar) scalar = all;
            for (int64_t r = 0; r < nRows; ++r) {
                const Bounds b = bounds(t, rowBytes[r], x);
                QVERIFY2(std::fabs(double(all[r]) - scalar[r]) <= 2e-6 * b.magnitude + 1e-6,
                         qPrintable(QString("%1 row %2: %3 vs scalar %4")
                                        .arg(folio::kernelLevelName(level))
                                        .arg(r)
                                        .arg(all[r])
                                        .arg(scalar[r])));
            }
        }
    }

    // The activation bytes must not depend on the kernel level (the SIMD quantizers repeat the
    // scalar arithmetic): an all-zero block, exact .5 ties, huge and tiny magnitudes, normals.
    void quantizeSameBytesAtEveryLevel() {
        const int64_t n = 1024;
        std::mt19937 rng(11);
        std::normal_distribution<float> xd(0.0f, 3.0f);
        std::vector<float> x(n);
        for (int64_t i = 0; i < n; ++i) x[i] = xd(rng);
        for (int64_t i = 0; i < 32; ++i) x[i] = 0.0f;                       // zero block
        for (int64_t i = 32; i < 64; ++i) x[i] = float(i - 48) + 0.5f;      // ties
        x[63] = 127.0f;                                                     // id = 1: ties stay
        for (int64_t i = 64; i < 96; ++i) x[i] = float(i) * 1e30f;          // huge
        for (int64_t i = 96; i < 128; ++i) x[i] = float(i - 110) * 1e-30f;  // tiny
        for (GgmlType t : {GgmlType::Q8_0, GgmlType::Q4_K}) {
            const size_t bytes = folio::activationRowBytes(t, n);
            folio::setKernelLevel(KernelLevel::Scalar);
            std::vector<uint8_t> ref(bytes + 1);
            folio::quantizeActivationRow(t, x.data(), ref.data(), n);
            for (KernelLevel level : folio::supportedKernelLevels()) {
                folio::setKernelLevel(level);
                std::vector<uint8_t> got(bytes + 4);
                folio::quantizeActivationRow(t, x.data(), got.data() + 4, n);  // 4-aligned only
                QVERIFY2(std::memcmp(got.data() + 4, ref.data(), bytes) == 0,
                         folio::kernelLevelName(level));
            }
        }
    }

    void concurrentCallsAgree() {
        // Several threads on disjoint row ranges of one matrix give the single-thread answer.
        const GgmlType t = GgmlType::Q4_K;
        const int64_t n = 1024, nRows = 64;
        std::mt19937 rng(5);
        std::vector<uint8_t> w;
        for (int64_t r = 0; r < nRows; ++r) {
            const auto row = makeRow(t, n, rng, false);
            w.insert(w.end(), row.begin(), row.end());
        }
        std::normal_distribution<float> xd(0.0f, 1.0f);
        std::vector<float> x(n);
        for (auto& v : x) v = xd(rng);
        std::vector<uint8_t> act(folio::activationRowBytes(t, n));
        folio::quantizeActivationRow(t, x.data(), act.data(), n);
        const size_t stride = folio::rowBytes(t, n);
        std::vector<float> serial(nRows), parallel(nRows);
        folio::dotRows(t, w.data(), stride, nRows, act.data(), n, serial.data());
        std::vector<std::thread> threads;
        for (int k = 0; k < 4; ++k) {
            threads.emplace_back([&, k] {
                const int64_t r0 = k * nRows / 4;
                for (int rep = 0; rep < 50; ++rep)
                    folio::dotRows(t, w.data() + r0 * stride, stride, nRows / 4, act.data(), n,
                                   parallel.data() + r0);
            });
        }
        for (auto& th : threads) th.join();
        QCOMPARE(parallel, serial);
    }
};

QTEST_APPLESS_MAIN(QuantKernelsTest)
#include "quant_kernels_test.moc"
