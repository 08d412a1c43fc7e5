// dotRowsMulti at odd shapes, at every kernel level this CPU supports: weight rows 1, 3, 5 and 17
// (partial 4-row and 16-row tiles) times activation rows 1..9, 64 and 65 (partial 4- and 8-row
// activation groups), with one, three and four blocks per row.
//
//  * Against dotRows (the one-row kernels) on the same int8 activations: only the float
//    summation order differs, so 2e-6 * sum|w_i x_i| (the bound of quant_kernels_test).
//  * Against the float reference (dequantized weights . unquantized x), extreme weights included
//    (all bits set: the largest quant values and, for Q6_K, scales of -128), so an integer
//    overflow in a tile shows: the activation rounding bound plus 1e-5 * sum|w_i x_i|.
//  * A pair's result is the same bits whatever call it is part of: every sub-shape is compared
//    bit for bit with the full 17 x 65 call (thread splits and matmulShared rely on it).
#include <QtTest>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "engine/quant/kernels.h"
#include "engine/quant/quant.h"

using folio::GgmlType;
using folio::KernelLevel;

namespace {

const GgmlType kTypes[] = {GgmlType::Q4_0, GgmlType::Q5_0, GgmlType::Q8_0,
                           GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K};

bool isKQuant(GgmlType t) {
    return t == GgmlType::Q4_K || t == GgmlType::Q5_K || t == GgmlType::Q6_K;
}

// Byte offsets of the f16 scales in a block, and the block size; Q6_K's int8 scales at 192.
struct BlockLayout {
    GgmlType type;
    size_t blockBytes;
    int halfScales[2];  // -1: none
};
constexpr BlockLayout kLayouts[] = {
    {GgmlType::Q4_0, 18, {0, -1}}, {GgmlType::Q5_0, 22, {0, -1}}, {GgmlType::Q8_0, 34, {0, -1}},
    {GgmlType::Q4_K, 144, {0, 2}}, {GgmlType::Q5_K, 176, {0, 2}}, {GgmlType::Q6_K, 210, {208, -1}},
};

// Random quant bytes (or all bits set) with small finite f16 scales.
std::vector<uint8_t> makeRow(GgmlType t, int64_t n, std::mt19937& rng, bool extreme) {
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_real_distribution<float> scale(-0.02f, 0.02f);
    std::vector<uint8_t> row(folio::rowBytes(t, n));
    for (auto& b : row) b = extreme ? 0xFF : uint8_t(byte(rng));
    for (const BlockLayout& l : kLayouts) {
        if (l.type != t) continue;
        for (size_t o = 0; o < row.size(); o += l.blockBytes) {
            if (extreme && t == GgmlType::Q6_K) std::memset(row.data() + o + 192, 0x80, 16);
            for (int off : l.halfScales) {
                if (off < 0) continue;
                const uint16_t h = folio::f32ToF16(extreme ? 0.01f : scale(rng));
                std::memcpy(row.data() + o + off, &h, 2);
            }
        }
    }
    return row;
}

// One weight matrix and its quantized activations.
struct Problem {
    GgmlType type;
    int64_t n, rows, acts;
    size_t stride, actBytes;
    std::vector<uint8_t> w, act;
    std::vector<std::vector<float>> x;
    std::vector<std::vector<float>> wf;  // dequantized rows

    Problem(GgmlType t, int64_t n_, int64_t rows_, int64_t acts_, bool extreme, unsigned seed)
        : type(t), n(n_), rows(rows_), acts(acts_) {
        std::mt19937 rng(seed);
        std::normal_distribution<float> xd(0.0f, 1.0f);
        stride = folio::rowBytes(t, n) + 2;  // rows need not be packed, only 2-byte aligned
        w.assign(stride * size_t(rows), 0);
        for (int64_t r = 0; r < rows; ++r) {
            const auto row = makeRow(t, n, rng, extreme);
            std::memcpy(w.data() + r * stride, row.data(), row.size());
            wf.emplace_back(n);
            folio::dequantizeRow(t, row.data(), wf.back().data(), n);
        }
        actBytes = folio::activationRowBytes(t, n);
        act.assign(actBytes * size_t(acts), 0);
        for (int64_t j = 0; j < acts; ++j) {
            x.emplace_back(n);
            for (int64_t i = 0; i < n; ++i)
                x[j][i] = extreme ? (i % 2 ? -4.0f : 4.0f) : xd(rng) * (j % 3 == 0 ? 1.0f : 5.0f);
            folio::quantizeActivationRow(t, x[j].data(), act.data() + j * actBytes, n);
        }
    }

    // |kernel - float reference| bound, and sum |w_i x_i|.
    void bounds(int64_t r, int64_t j, double& quantError, double& magnitude) const {
        const int64_t block = isKQuant(type) ? 256 : 32;
        quantError = magnitude = 0;
        for (int64_t i0 = 0; i0 < n; i0 += block) {
            double amax = 0;
            for (int64_t i = i0; i < i0 + block; ++i)
                amax = std::max(amax, double(std::fabs(x[j][i])));
            for (int64_t i = i0; i < i0 + block; ++i) {
                quantError += std::fabs(double(wf[r][i])) * amax / 254.0;
                magnitude += std::fabs(double(wf[r][i]) * x[j][i]);
            }
        }
    }

    double reference(int64_t r, int64_t j) const {
        double s = 0;
        for (int64_t i = 0; i < n; ++i) s += double(wf[r][i]) * x[j][i];
        return s;
    }
};

QString where(KernelLevel level, int64_t nRows, int64_t nAct, int64_t r, int64_t j) {
    return QString("%1 %2x%3 row %4 act %5")
        .arg(folio::kernelLevelName(level))
        .arg(nRows)
        .arg(nAct)
        .arg(r)
        .arg(j);
}

}  // namespace

class QuantMultiShapesTest : public QObject {
    Q_OBJECT

private slots:
    void cleanup() { folio::setKernelLevel(folio::detectKernelLevel()); }

    void oddShapes_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("blocks");
        for (GgmlType t : kTypes) {
            const std::string name(folio::typeName(t));
            for (int blocks : {1, 3, 4}) {
                const std::string row = name + " x" + std::to_string(blocks);
                QTest::newRow(row.c_str()) << int(t) << blocks;
            }
        }
    }

    void oddShapes() {
        QFETCH(int, type);
        QFETCH(int, blocks);
        const auto t = static_cast<GgmlType>(type);
        const int64_t n = blocks * (isKQuant(t) ? 256 : 32);
        const Problem p(t, n, 17, 65, false, unsigned(31 * type + blocks));
        for (KernelLevel level : folio::supportedKernelLevels()) {
            folio::setKernelLevel(level);
            std::vector<float> full(size_t(p.rows * p.acts));
            folio::dotRowsMulti(t, p.w.data(), p.stride, p.rows, p.act.data(), p.acts, n,
                                full.data(), p.rows);
            for (int64_t j = 0; j < p.acts; ++j) {
                std::vector<float> single(size_t(p.rows));
                folio::dotRows(t, p.w.data(), p.stride, p.rows, p.act.data() + j * p.actBytes, n,
                               single.data());
                for (int64_t r = 0; r < p.rows; ++r) {
                    double quantError, magnitude;
                    p.bounds(r, j, quantError, magnitude);
                    const float got = full[size_t(j * p.rows + r)];
                    QVERIFY2(std::fabs(double(got) - single[r]) <= 2e-6 * magnitude + 1e-6,
                             qPrintable(where(level, p.rows, p.acts, r, j) +
                                        QString(": %1 vs dotRows %2").arg(got).arg(single[r])));
                    QVERIFY2(
                        std::fabs(got - p.reference(r, j)) <= quantError + 1e-5 * magnitude + 1e-6,
                        qPrintable(where(level, p.rows, p.acts, r, j)));
                }
            }
            // Sub-shapes at offsets into the matrix: the same bits as the full call.
            const int64_t rowCounts[] = {1, 3, 5, 17};
            const int64_t actCounts[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 64, 65};
            for (int64_t nRows : rowCounts) {
                for (int64_t nAct : actCounts) {
                    const int64_t r0 = (p.rows - nRows) / 2, j0 = (p.acts - nAct) / 3;
                    const int64_t outStride = nRows + 2;
                    std::vector<float> out(size_t(outStride * nAct), -3.0f);
                    folio::dotRowsMulti(t, p.w.data() + r0 * p.stride, p.stride, nRows,
                                        p.act.data() + j0 * p.actBytes, nAct, n, out.data(),
                                        outStride);
                    for (int64_t j = 0; j < nAct; ++j) {
                        for (int64_t r = 0; r < nRows; ++r) {
                            const float got = out[size_t(j * outStride + r)];
                            const float want = full[size_t((j0 + j) * p.rows + r0 + r)];
                            QVERIFY2(std::memcmp(&got, &want, sizeof got) == 0,
                                     qPrintable(where(level, nRows, nAct, r0 + r, j0 + j) +
                                                QString(": %1 vs %2").arg(got).arg(want)));
                        }
                        for (int64_t r = nRows; r < outStride; ++r)
                            QCOMPARE(out[size_t(j * outStride + r)], -3.0f);  // padding
                    }
                }
            }
        }
    }

    // The largest quant values and scales against the float reference: an overflow of the
    // integer sums in any tile would miss it by far more than the rounding bound.
    void extremeWeights_data() {
        QTest::addColumn<int>("type");
        for (GgmlType t : kTypes) {
            const std::string name(folio::typeName(t));
            QTest::newRow(name.c_str()) << int(t);
        }
    }

    void extremeWeights() {
        QFETCH(int, type);
        const auto t = static_cast<GgmlType>(type);
        const int64_t n = 4 * (isKQuant(t) ? 256 : 32);
        const Problem p(t, n, 17, 9, true, unsigned(type));
        for (KernelLevel level : folio::supportedKernelLevels()) {
            folio::setKernelLevel(level);
            std::vector<float> out(size_t(p.rows * p.acts));
            folio::dotRowsMulti(t, p.w.data(), p.stride, p.rows, p.act.data(), p.acts, n,
                                out.data(), p.rows);
            for (int64_t j = 0; j < p.acts; ++j) {
                for (int64_t r = 0; r < p.rows; ++r) {
                    double quantError, magnitude;
                    p.bounds(r, j, quantError, magnitude);
                    const double ref = p.reference(r, j);
                    const float got = out[size_t(j * p.rows + r)];
                    QVERIFY2(std::fabs(got - ref) <= quantError + 1e-5 * magnitude + 1e-6,
                             qPrintable(where(level, p.rows, p.acts, r, j) +
                                        QString(": %1 vs reference %2").arg(got).arg(ref)));
                }
            }
        }
    }
};

QTEST_APPLESS_MAIN(QuantMultiShapesTest)
#include "quant_multi_shapes_test.moc"
