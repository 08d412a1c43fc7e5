// Scalar reference of the weight formats: hand-built blocks with values worked out from the GGUF
// block layouts, f16/bf16 conversion edge cases, and quantize -> dequantize error bounds.
#include <QtTest>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "engine/quant/quant.h"

using folio::GgmlType;

namespace {

void putU16(std::vector<uint8_t>& b, size_t at, uint16_t v) {
    std::memcpy(b.data() + at, &v, 2);
}

std::vector<float> dequant(GgmlType t, const std::vector<uint8_t>& block, int n) {
    std::vector<float> y(n);
    folio::dequantizeRow(t, block.data(), y.data(), n);
    return y;
}

// Packs 8 six-bit scales and mins the way Q4_K/Q5_K store them (12 bytes).
void packScalesK4(uint8_t* out, const int sc[8], const int m[8]) {
    std::memset(out, 0, 12);
    for (int j = 0; j < 4; ++j) {
        out[j] = static_cast<uint8_t>(sc[j] | ((sc[j + 4] >> 4) << 6));
        out[j + 4] = static_cast<uint8_t>(m[j] | ((m[j + 4] >> 4) << 6));
        out[j + 8] = static_cast<uint8_t>((sc[j + 4] & 0x0F) | ((m[j + 4] & 0x0F) << 4));
    }
}

const int kSc[8] = {1, 2, 3, 4, 5, 6, 7, 63};
const int kMin[8] = {0, 1, 2, 3, 4, 5, 6, 40};

}  // namespace

class QuantReferenceTest : public QObject {
    Q_OBJECT

private slots:
    void f16KnownValues() {
        QCOMPARE(folio::f16ToF32(0x3C00), 1.0f);
        QCOMPARE(folio::f16ToF32(0xC000), -2.0f);
        QCOMPARE(folio::f16ToF32(0x7BFF), 65504.0f);
        QCOMPARE(folio::f16ToF32(0x0400), std::ldexp(1.0f, -14));  // smallest normal
        QCOMPARE(folio::f16ToF32(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
        QCOMPARE(folio::f16ToF32(0x03FF), 1023.0f * std::ldexp(1.0f, -24));
        QVERIFY(std::isinf(folio::f16ToF32(0x7C00)) && folio::f16ToF32(0x7C00) > 0);
        QVERIFY(std::isinf(folio::f16ToF32(0xFC00)) && folio::f16ToF32(0xFC00) < 0);
        QVERIFY(std::isnan(folio::f16ToF32(0x7E00)));
        QVERIFY(std::signbit(folio::f16ToF32(0x8000)) && folio::f16ToF32(0x8000) == 0.0f);
    }

    void f16Rounding() {
        QCOMPARE(folio::f32ToF16(1.0f), uint16_t(0x3C00));
        QCOMPARE(folio::f32ToF16(-0.0f), uint16_t(0x8000));
        QCOMPARE(folio::f32ToF16(65504.0f), uint16_t(0x7BFF));
        QCOMPARE(folio::f32ToF16(65519.0f), uint16_t(0x7BFF));  // below the halfway point
        QCOMPARE(folio::f32ToF16(65520.0f), uint16_t(0x7C00));  // halfway to 65536: inf
        QCOMPARE(folio::f32ToF16(1e10f), uint16_t(0x7C00));
        QCOMPARE(folio::f32ToF16(-std::numeric_limits<float>::infinity()), uint16_t(0xFC00));
        const float ulp = std::ldexp(1.0f, -10);
        QCOMPARE(folio::f32ToF16(1.0f + ulp / 2), uint16_t(0x3C00));      // tie -> even
        QCOMPARE(folio::f32ToF16(1.0f + 3 * ulp / 2), uint16_t(0x3C02));  // tie -> even
        QCOMPARE(folio::f32ToF16(1.0f + ulp * 0.51f), uint16_t(0x3C01));
        const float sub = std::ldexp(1.0f, -24);
        QCOMPARE(folio::f32ToF16(sub / 2), uint16_t(0x0000));  // tie -> even (zero)
        QCOMPARE(folio::f32ToF16(sub * 0.75f), uint16_t(0x0001));
        QCOMPARE(folio::f32ToF16(sub * 1.5f), uint16_t(0x0002));  // tie -> even
        QCOMPARE(folio::f32ToF16(sub * 1023), uint16_t(0x03FF));
        QCOMPARE(folio::f32ToF16(1e-10f), uint16_t(0x0000));
        QVERIFY((folio::f32ToF16(std::nanf("")) & 0x7FFF) > 0x7C00);
    }

    void f16RoundTripAllValues() {
        for (uint32_t h = 0; h < 0x10000; ++h) {
            const auto v = static_cast<uint16_t>(h);
            if ((v & 0x7C00) == 0x7C00 && (v & 0x3FF)) {
                QVERIFY(std::isnan(folio::f16ToF32(v)));
                continue;
            }
            if (folio::f32ToF16(folio::f16ToF32(v)) != v) QFAIL(qPrintable(QString::number(h, 16)));
        }
    }

    void bf16() {
        QCOMPARE(folio::bf16ToF32(0x3F80), 1.0f);
        QCOMPARE(folio::bf16ToF32(0xC040), -3.0f);
        QCOMPARE(folio::f32ToBf16(1.0f), uint16_t(0x3F80));
        QCOMPARE(folio::f32ToBf16(1.0f + std::ldexp(1.0f, -8)), uint16_t(0x3F80));      // tie
        QCOMPARE(folio::f32ToBf16(1.0f + 3 * std::ldexp(1.0f, -8)), uint16_t(0x3F82));  // tie
        QCOMPARE(folio::f32ToBf16(std::numeric_limits<float>::infinity()), uint16_t(0x7F80));
        QCOMPARE(folio::f32ToBf16(std::numeric_limits<float>::max()), uint16_t(0x7F80));
        QVERIFY(std::isnan(folio::bf16ToF32(folio::f32ToBf16(std::nanf("")))));
        QCOMPARE(folio::bf16ToF32(0x0001), std::ldexp(1.0f, -133));  // subnormal
    }

    void rowBytes() {
        QCOMPARE(folio::rowBytes(GgmlType::F32, 10), size_t(40));
        QCOMPARE(folio::rowBytes(GgmlType::BF16, 10), size_t(20));
        QCOMPARE(folio::rowBytes(GgmlType::Q4_0, 64), size_t(36));
        QCOMPARE(folio::rowBytes(GgmlType::Q8_0, 4096), size_t(128 * 34));
        QCOMPARE(folio::rowBytes(GgmlType::Q4_K, 512), size_t(288));
        QCOMPARE(folio::rowBytes(GgmlType::Q5_K, 256), size_t(176));
        QCOMPARE(folio::rowBytes(GgmlType::Q6_K, 768), size_t(630));
        QCOMPARE(folio::rowBytes(GgmlType::Q5_0, 32), size_t(22));
    }

    void floatRows() {
        const float f[3] = {1.5f, -2.0f, 0.25f};
        std::vector<uint8_t> raw(12);
        std::memcpy(raw.data(), f, 12);
        QCOMPARE(dequant(GgmlType::F32, raw, 3), std::vector<float>(f, f + 3));
        std::vector<uint8_t> h(6);
        putU16(h, 0, 0x3E00);  // 1.5
        putU16(h, 2, 0xC000);  // -2
        putU16(h, 4, 0x3400);  // 0.25
        QCOMPARE(dequant(GgmlType::F16, h, 3), std::vector<float>(f, f + 3));
        std::vector<uint8_t> b(6);
        putU16(b, 0, 0x3FC0);
        putU16(b, 2, 0xC000);
        putU16(b, 4, 0x3E80);
        QCOMPARE(dequant(GgmlType::BF16, b, 3), std::vector<float>(f, f + 3));
    }

    void q4_0() {
        // d = 0.5; qs[j] = j | (15 - j) << 4 -> x[j] = (j - 8) / 2, x[j + 16] = (7 - j) / 2.
        std::vector<uint8_t> blk(18);
        putU16(blk, 0, 0x3800);
        for (int j = 0; j < 16; ++j) blk[2 + j] = static_cast<uint8_t>(j | ((15 - j) << 4));
        const auto y = dequant(GgmlType::Q4_0, blk, 32);
        for (int j = 0; j < 16; ++j) {
            QCOMPARE(y[j], (j - 8) * 0.5f);
            QCOMPARE(y[j + 16], (7 - j) * 0.5f);
        }
        QCOMPARE(y[0], -4.0f);
        QCOMPARE(y[16], 3.5f);
    }

    void q4_1() {
        // d = 0.25, m = -1: x[j] = j/4 - 1, x[j + 16] = (15 - j)/4 - 1.
        std::vector<uint8_t> blk(20);
        putU16(blk, 0, 0x3400);
        putU16(blk, 2, 0xBC00);
        for (int j = 0; j < 16; ++j) blk[4 + j] = static_cast<uint8_t>(j | ((15 - j) << 4));
        const auto y = dequant(GgmlType::Q4_1, blk, 32);
        for (int j = 0; j < 16; ++j) {
            QCOMPARE(y[j], j * 0.25f - 1.0f);
            QCOMPARE(y[j + 16], (15 - j) * 0.25f - 1.0f);
        }
        QCOMPARE(y[16], 2.75f);
    }

    void q5_0AndQ5_1() {
        // qh = 0xF0F0F0F0 (bits 4-7 of each byte); nibbles j (low) and j (high).
        std::vector<uint8_t> b0(22), b1(24);
        putU16(b0, 0, 0x3C00);  // d = 1
        putU16(b1, 0, 0x4000);  // d = 2
        putU16(b1, 2, 0x3800);  // m = 0.5
        for (int i = 0; i < 4; ++i) b0[2 + i] = b1[4 + i] = 0xF0;
        for (int j = 0; j < 16; ++j) b0[6 + j] = b1[8 + j] = static_cast<uint8_t>(j | (j << 4));
        const auto y0 = dequant(GgmlType::Q5_0, b0, 32);
        const auto y1 = dequant(GgmlType::Q5_1, b1, 32);
        for (int e = 0; e < 32; ++e) {
            const int q = (e % 16) | ((e % 8) >= 4 ? 16 : 0);
            QCOMPARE(y0[e], float(q - 16));
            QCOMPARE(y1[e], 2.0f * q + 0.5f);
        }
        QCOMPARE(y0[0], -16.0f);
        QCOMPARE(y0[4], 4.0f);    // nibble 4, 5th bit set: 20 - 16
        QCOMPARE(y0[31], 15.0f);  // nibble 15, bit 31 set
        QCOMPARE(y1[20], 40.5f);  // nibble 4, bit 20 set: 2 * 20 + 0.5
    }

    void q8_0() {
        std::vector<uint8_t> blk(34);
        putU16(blk, 0, 0x3000);  // d = 1/8
        for (int j = 0; j < 32; ++j) blk[2 + j] = static_cast<uint8_t>(static_cast<int8_t>(j - 16));
        const auto y = dequant(GgmlType::Q8_0, blk, 32);
        for (int j = 0; j < 32; ++j) QCOMPARE(y[j], (j - 16) / 8.0f);
    }

    void q4_K() {
        // d = 1, dmin = 0.5; qs[i] = (i % 16) | (15 - i % 16) << 4.
        std::vector<uint8_t> blk(144);
        putU16(blk, 0, 0x3C00);
        putU16(blk, 2, 0x3800);
        packScalesK4(blk.data() + 4, kSc, kMin);
        for (int i = 0; i < 128; ++i)
            blk[16 + i] = static_cast<uint8_t>((i % 16) | ((15 - i % 16) << 4));
        const auto y = dequant(GgmlType::Q4_K, blk, 256);
        QCOMPARE(y[0], 0.0f);  // sub-block 0: 1 * 0 - 0.5 * 0
        QCOMPARE(y[1], 1.0f);
        QCOMPARE(y[32], 29.5f);    // sub-block 1 (sc 2, min 1), high nibble of qs[0] = 15
        QCOMPARE(y[192], -3.0f);   // sub-block 6 (sc 7, min 6), low nibble 0
        QCOMPARE(y[224], 925.0f);  // sub-block 7 (sc 63, min 40): 63 * 15 - 20
        QCOMPARE(y[255], -20.0f);  // high nibble of qs[127] = 0
        for (int e = 0; e < 256; ++e) {
            const int c = e / 64, l = e % 64, sub = e / 32;
            const uint8_t byte = blk[16 + 32 * c + l % 32];
            const int q = l < 32 ? (byte & 0x0F) : (byte >> 4);
            QCOMPARE(y[e], float(kSc[sub]) * q - 0.5f * kMin[sub]);
        }
    }

    void q5_K() {
        // As q4_K plus qh[l] = 0x55 for even l (5th bit for even sub-blocks), 0xAA for odd l.
        std::vector<uint8_t> blk(176);
        putU16(blk, 0, 0x3C00);
        putU16(blk, 2, 0x3800);
        packScalesK4(blk.data() + 4, kSc, kMin);
        for (int l = 0; l < 32; ++l) blk[16 + l] = (l % 2 == 0) ? 0x55 : 0xAA;
        for (int i = 0; i < 128; ++i)
            blk[48 + i] = static_cast<uint8_t>((i % 16) | ((15 - i % 16) << 4));
        const auto y = dequant(GgmlType::Q5_K, blk, 256);
        QCOMPARE(y[0], 16.0f);     // q = 0 + 16, sc 1, min 0
        QCOMPARE(y[32], 29.5f);    // odd sub-block, even l: no 5th bit
        QCOMPARE(y[33], 59.5f);    // q = 14 + 16: 2 * 30 - 0.5
        QCOMPARE(y[255], 988.0f);  // q = 0 + 16: 63 * 16 - 20
        for (int e = 0; e < 256; ++e) {
            const int c = e / 64, l = e % 64, sub = e / 32;
            const uint8_t byte = blk[48 + 32 * c + l % 32];
            int q = l < 32 ? (byte & 0x0F) : (byte >> 4);
            if ((l % 32) % 2 == sub % 2) q += 16;
            QCOMPARE(y[e], float(kSc[sub]) * q - 0.5f * kMin[sub]);
        }
    }

    void q6_K() {
        // ql = 0x21 everywhere, qh = 0xE4 (2-bit fields 0, 1, 2, 3), scales[g] = g - 8, d = 0.5.
        // Within each 128 half the four 32-runs get q = 1, 17, 34, 50 (minus 32: -31, -15, 2, 18)
        // and element e uses scales[e / 16].
        std::vector<uint8_t> blk(210);
        for (int i = 0; i < 128; ++i) blk[i] = 0x21;
        for (int i = 0; i < 64; ++i) blk[128 + i] = 0xE4;
        for (int g = 0; g < 16; ++g)
            blk[192 + g] = static_cast<uint8_t>(static_cast<int8_t>(g - 8));
        putU16(blk, 208, 0x3800);
        const auto y = dequant(GgmlType::Q6_K, blk, 256);
        const int qOf[4] = {-31, -15, 2, 18};
        for (int e = 0; e < 256; ++e)
            QCOMPARE(y[e], 0.5f * float(e / 16 - 8) * float(qOf[(e % 128) / 32]));
        QCOMPARE(y[0], 124.0f);
        QCOMPARE(y[40], 45.0f);
        QCOMPARE(y[64], -4.0f);
        QCOMPARE(y[255], 63.0f);
    }

    void dotRowRefMatchesDequant() {
        std::mt19937 rng(7);
        std::uniform_int_distribution<int> byte(0, 255);
        std::uniform_real_distribution<float> val(-1.0f, 1.0f);
        for (GgmlType t : {GgmlType::Q4_0, GgmlType::Q5_1, GgmlType::Q8_0, GgmlType::Q4_K,
                           GgmlType::Q6_K, GgmlType::F16}) {
            const int n = 512;
            std::vector<uint8_t> row(folio::rowBytes(t, n));
            for (auto& b : row) b = static_cast<uint8_t>(byte(rng));
            // Keep every f16 scale finite and small: overwrite with 0x3000-ish values per block.
            std::vector<float> w(n), x(n);
            for (auto& v : x) v = val(rng);
            if (t == GgmlType::F16)
                for (int i = 0; i < n; ++i) putU16(row, 2 * i, folio::f32ToF16(val(rng)));
            if (t == GgmlType::Q4_0 || t == GgmlType::Q8_0)
                for (size_t o = 0; o < row.size(); o += (t == GgmlType::Q4_0 ? 18 : 34))
                    putU16(row, o, 0x3000);
            if (t == GgmlType::Q5_1)
                for (size_t o = 0; o < row.size(); o += 24) {
                    putU16(row, o, 0x3000);
                    putU16(row, o + 2, 0xB000);
                }
            if (t == GgmlType::Q4_K)
                for (size_t o = 0; o < row.size(); o += 144) {
                    putU16(row, o, 0x2000);
                    putU16(row, o + 2, 0x2000);
                }
            if (t == GgmlType::Q6_K)
                for (size_t o = 0; o < row.size(); o += 210) putU16(row, o + 208, 0x2000);
            folio::dequantizeRow(t, row.data(), w.data(), n);
            double expect = 0, mag = 0;
            for (int i = 0; i < n; ++i) {
                expect += double(w[i]) * x[i];
                mag += std::fabs(double(w[i]) * x[i]);
            }
            const float got = folio::dotRowRef(t, row.data(), x.data(), n);
            QVERIFY2(std::fabs(got - expect) <= 1e-5 * mag, qPrintable(QString::number(int(t))));
        }
    }

    void quantizeQ8_0RoundTrip() {
        std::mt19937 rng(11);
        std::normal_distribution<float> val(0.0f, 2.0f);
        const int n = 1024;
        std::vector<float> x(n), y(n);
        for (auto& v : x) v = val(rng);
        x[5] = 0.0f;
        std::vector<uint8_t> q(folio::rowBytes(GgmlType::Q8_0, n));
        folio::quantizeRowQ8_0(x.data(), q.data(), n);
        folio::dequantizeRow(GgmlType::Q8_0, q.data(), y.data(), n);
        for (int b = 0; b < n / 32; ++b) {
            float amax = 0;
            for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[32 * b + j]));
            // Half a step of amax/127, plus the f16 rounding of the scale (2^-11 relative).
            const float bound = amax / 127.0f * 0.5f + amax * std::ldexp(1.0f, -11) + 1e-7f;
            for (int j = 0; j < 32; ++j) QVERIFY(std::fabs(y[32 * b + j] - x[32 * b + j]) <= bound);
        }
        QCOMPARE(y[5], 0.0f);
        // An all-zero block quantizes to zeros, not NaN.
        std::vector<float> z(32, 0.0f), zy(32, 1.0f);
        folio::quantizeRowQ8_0(z.data(), q.data(), 32);
        folio::dequantizeRow(GgmlType::Q8_0, q.data(), zy.data(), 32);
        QCOMPARE(zy, z);
    }

    void quantizeQ4_0RoundTrip() {
        std::mt19937 rng(13);
        std::uniform_real_distribution<float> val(-3.0f, 3.0f);
        const int n = 1024;
        std::vector<float> x(n), y(n);
        for (auto& v : x) v = val(rng);
        std::vector<uint8_t> q(folio::rowBytes(GgmlType::Q4_0, n));
        folio::quantizeRowQ4_0(x.data(), q.data(), n);
        folio::dequantizeRow(GgmlType::Q4_0, q.data(), y.data(), n);
        for (int b = 0; b < n / 32; ++b) {
            float amax = 0;
            for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[32 * b + j]));
            // Step amax/8; the value opposite the extreme clamps at 15 (a full step), others
            // round (half a step); plus the f16 rounding of the scale.
            const float step = amax / 8.0f;
            const float bound = step + amax * std::ldexp(1.0f, -10);
            for (int j = 0; j < 32; ++j) {
                const float err = std::fabs(y[32 * b + j] - x[32 * b + j]);
                QVERIFY(err <= bound);
                // Only values at the far end (|x| >= 15/16 amax) can hit the clamp at 15.
                if (std::fabs(x[32 * b + j]) < amax * 0.9f)
                    QVERIFY(err <= step * 0.5f + amax * std::ldexp(1.0f, -10));
            }
        }
        // The extreme value is exact up to the f16 scale: it maps to -8.
        float amax = 0, ext = 0;
        for (int j = 0; j < 32; ++j)
            if (std::fabs(x[j]) > amax) amax = std::fabs(x[j]), ext = x[j];
        for (int j = 0; j < 32; ++j)
            if (x[j] == ext) QVERIFY(std::fabs(y[j] - ext) <= amax * std::ldexp(1.0f, -10));
    }
};

QTEST_APPLESS_MAIN(QuantReferenceTest)
#include "quant_reference_test.moc"
