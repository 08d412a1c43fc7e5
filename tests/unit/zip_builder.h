#pragma once
// Builds zip archives in memory for the zip reader and default-model tests (zlib raw deflate).
// BuiltZip records where each header starts so that tests can corrupt exact fields.
#include <zlib.h>

#include <QByteArray>
#include <QList>

namespace ziptest {

struct Entry {
    QByteArray name;
    QByteArray data;
    bool deflate = true;
};

struct BuiltZip {
    QByteArray bytes;
    QList<qsizetype> localOffsets;    // local file header of each entry
    QList<qsizetype> centralOffsets;  // central directory header of each entry
    qsizetype endOffset = 0;          // end-of-central-directory record
};

inline void put16(QByteArray& b, uint32_t v) {
    b.append(char(v & 0xff)).append(char((v >> 8) & 0xff));
}
inline void put32(QByteArray& b, uint32_t v) {
    put16(b, v & 0xffff);
    put16(b, v >> 16);
}
inline void set16(QByteArray& b, qsizetype at, uint32_t v) {
    b[at] = char(v & 0xff);
    b[at + 1] = char((v >> 8) & 0xff);
}
inline void set32(QByteArray& b, qsizetype at, uint32_t v) {
    set16(b, at, v & 0xffff);
    set16(b, at + 2, v >> 16);
}

inline QByteArray rawDeflate(const QByteArray& data) {
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(qsizetype(deflateBound(&z, uLong(data.size()))), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
    z.avail_in = uInt(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(qsizetype(z.total_out));
    deflateEnd(&z);
    return out;
}

inline BuiltZip build(const QList<Entry>& entries) {
    BuiltZip z;
    QList<QByteArray> stored;
    QList<uint32_t> crcs;
    for (const Entry& e : entries) {
        const QByteArray body = e.deflate ? rawDeflate(e.data) : e.data;
        const uint32_t crc = uint32_t(
            crc32(0, reinterpret_cast<const Bytef*>(e.data.constData()), uInt(e.data.size())));
        z.localOffsets << z.bytes.size();
        put32(z.bytes, 0x04034b50);
        put16(z.bytes, 20);
        put16(z.bytes, 0);
        put16(z.bytes, e.deflate ? 8 : 0);
        put32(z.bytes, 0);  // time, date
        put32(z.bytes, crc);
        put32(z.bytes, uint32_t(body.size()));
        put32(z.bytes, uint32_t(e.data.size()));
        put16(z.bytes, uint32_t(e.name.size()));
        put16(z.bytes, 0);
        z.bytes += e.name + body;
        stored << body;
        crcs << crc;
    }
    const qsizetype dirStart = z.bytes.size();
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const Entry& e = entries[i];
        z.centralOffsets << z.bytes.size();
        put32(z.bytes, 0x02014b50);
        put16(z.bytes, 20);
        put16(z.bytes, 20);
        put16(z.bytes, 0);
        put16(z.bytes, e.deflate ? 8 : 0);
        put32(z.bytes, 0);
        put32(z.bytes, crcs[i]);
        put32(z.bytes, uint32_t(stored[i].size()));
        put32(z.bytes, uint32_t(e.data.size()));
        put16(z.bytes, uint32_t(e.name.size()));
        put16(z.bytes, 0);  // extra
        put16(z.bytes, 0);  // comment
        put16(z.bytes, 0);  // disk
        put16(z.bytes, 0);  // internal attributes
        put32(z.bytes, 0);  // external attributes
        put32(z.bytes, uint32_t(z.localOffsets[i]));
        z.bytes += e.name;
    }
    z.endOffset = z.bytes.size();
    put32(z.bytes, 0x06054b50);
    put16(z.bytes, 0);
    put16(z.bytes, 0);
    put16(z.bytes, uint32_t(entries.size()));
    put16(z.bytes, uint32_t(entries.size()));
    put32(z.bytes, uint32_t(z.endOffset - dirStart));
    put32(z.bytes, uint32_t(dirStart));
    put16(z.bytes, 0);
    return z;
}

}  // namespace ziptest
