#include "app/models/zip_reader.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace folio {
namespace {

constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint32_t kCentralSignature = 0x02014b50;
constexpr uint32_t kLocalSignature = 0x04034b50;
constexpr size_t kEndRecordBytes = 22;
constexpr size_t kCentralHeaderBytes = 46;
constexpr size_t kLocalHeaderBytes = 30;
constexpr size_t kMaxCommentBytes = 0xffff;
constexpr size_t kChunkBytes = 256 * 1024;
constexpr uint16_t kMethodStored = 0;
constexpr uint16_t kMethodDeflate = 8;
constexpr uint16_t kFlagEncrypted = 1;

uint16_t le16(const uint8_t* p) {
    return uint16_t(p[0] | (p[1] << 8));
}
uint32_t le32(const uint8_t* p) {
    return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}

// Releases a zlib stream on every exit path.
struct Inflater {
    z_stream z{};
    bool ready = false;
    Inflater() { ready = inflateInit2(&z, -MAX_WBITS) == Z_OK; }  // raw deflate, no header
    ~Inflater() {
        if (ready) inflateEnd(&z);
    }
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;
};

}  // namespace

Expected<ZipReader> ZipReader::open(const std::string& path, const ZipLimits& limits) {
    ZipReader r;
    r.m_path = path;
    r.m_limits = limits;
    r.m_file.reset(std::fopen(path.c_str(), "rb"));
    if (!r.m_file) return makeError(path + ": cannot open: " + std::strerror(errno));
    if (std::fseek(r.m_file.get(), 0, SEEK_END) != 0) return makeError(path + ": cannot seek");
    const long size = std::ftell(r.m_file.get());
    if (size < 0) return makeError(path + ": cannot tell its size");
    r.m_size = uint64_t(size);
    if (Status s = r.readCentralDirectory(); !s) return makeError(path + ": " + s.message());
    return r;
}

Status ZipReader::readAt(uint64_t offset, void* out, size_t size) const {
    if (offset > m_size || size > m_size - offset) return makeError("read past the end of file");
    if (std::fseek(m_file.get(), long(offset), SEEK_SET) != 0 ||
        std::fread(out, 1, size, m_file.get()) != size)
        return makeError("read error at offset " + std::to_string(offset));
    return {};
}

Status ZipReader::readCentralDirectory() {
    if (m_size < kEndRecordBytes) return makeError("too small to be a zip archive");
    // The end record sits in the last 22 + (up to 65535 comment) bytes; scan backwards for it.
    const uint64_t tailSize = std::min<uint64_t>(m_size, kEndRecordBytes + kMaxCommentBytes);
    std::vector<uint8_t> tail(size_t(tailSize), 0);
    if (Status s = readAt(m_size - tailSize, tail.data(), tail.size()); !s) return s;
    size_t at = tail.size() - kEndRecordBytes + 1;
    bool found = false;
    while (at-- > 0) {
        if (le32(&tail[at]) == kEndSignature &&
            at + kEndRecordBytes + le16(&tail[at + 20]) == tail.size()) {
            found = true;
            break;
        }
    }
    if (!found) return makeError("no zip end-of-central-directory record");
    const uint8_t* e = &tail[at];
    const uint64_t endOffset = m_size - tailSize + at;
    const uint16_t entries = le16(e + 10);
    const uint32_t dirSize = le32(e + 12);
    const uint32_t dirOffset = le32(e + 16);
    if (le16(e + 4) != 0 || le16(e + 6) != 0 || le16(e + 8) != entries)
        return makeError("multi-disk archives are not supported");
    if (entries == 0xffff || dirSize == 0xffffffff || dirOffset == 0xffffffff)
        return makeError("Zip64 archives are not supported");
    if (entries > m_limits.maxMembers) return makeError("too many members");
    if (uint64_t(dirOffset) + dirSize > endOffset)
        return makeError("central directory lies outside the file");
    if (uint64_t(entries) * kCentralHeaderBytes > dirSize)
        return makeError("central directory is too small for its entry count");
    m_centralDirOffset = dirOffset;
    std::vector<uint8_t> dir(dirSize, 0);
    if (Status s = readAt(dirOffset, dir.data(), dir.size()); !s) return s;
    size_t pos = 0;
    for (uint32_t i = 0; i < entries; ++i) {
        const std::string where = "central directory entry " + std::to_string(i);
        if (dir.size() - pos < kCentralHeaderBytes || le32(&dir[pos]) != kCentralSignature)
            return makeError(where + ": bad signature or truncated");
        const uint8_t* h = &dir[pos];
        const size_t nameLen = le16(h + 28);
        const size_t variable = nameLen + le16(h + 30) + le16(h + 32);
        if (dir.size() - pos - kCentralHeaderBytes < variable)
            return makeError(where + ": name or extra field runs past the directory");
        ZipMember m;
        m.name.assign(reinterpret_cast<const char*>(h + kCentralHeaderBytes), nameLen);
        m.method = le16(h + 10);
        m.crc32 = le32(h + 16);
        m.compressedSize = le32(h + 20);
        m.size = le32(h + 24);
        m.localHeaderOffset = le32(h + 42);
        if (m.name.find('\0') != std::string::npos) return makeError(where + ": NUL in name");
        if (le16(h + 8) & kFlagEncrypted) return makeError(where + ": encrypted members");
        if (m.compressedSize == 0xffffffff || m.size == 0xffffffff ||
            m.localHeaderOffset == 0xffffffff)
            return makeError(where + ": Zip64 sizes are not supported");
        if (m.localHeaderOffset + kLocalHeaderBytes + m.compressedSize > m_centralDirOffset)
            return makeError(where + " ('" + m.name + "'): data lies outside the archive");
        m_members.push_back(std::move(m));
        pos += kCentralHeaderBytes + variable;
    }
    return {};
}

Expected<uint64_t> ZipReader::dataOffset(const ZipMember& member) const {
    std::array<uint8_t, kLocalHeaderBytes> h{};
    if (Status s = readAt(member.localHeaderOffset, h.data(), h.size()); !s)
        return makeError(s.message());
    if (le32(h.data()) != kLocalSignature) return makeError("bad local header signature");
    if (le16(h.data() + 8) != member.method)
        return makeError("local header and central directory disagree on the method");
    const uint64_t offset =
        member.localHeaderOffset + kLocalHeaderBytes + le16(h.data() + 26) + le16(h.data() + 28);
    if (offset + member.compressedSize > m_centralDirOffset)
        return makeError("data runs into the central directory");
    return offset;
}

Status ZipReader::extract(const ZipMember& member, const ZipSink& sink) const {
    const std::string where = m_path + ": '" + member.name + "': ";
    if (member.method != kMethodStored && member.method != kMethodDeflate)
        return makeError(where + "compression method " + std::to_string(member.method) +
                         " is not supported");
    if (member.size > m_limits.maxMemberBytes)
        return makeError(where + "uncompressed size " + std::to_string(member.size) +
                         " exceeds the limit of " + std::to_string(m_limits.maxMemberBytes));
    if (member.method == kMethodStored && member.compressedSize != member.size)
        return makeError(where + "stored member with different sizes");
    auto start = dataOffset(member);
    if (!start) return makeError(where + start.error().message);
    if (std::fseek(m_file.get(), long(*start), SEEK_SET) != 0) return makeError(where + "seek");

    Inflater inflater;
    if (member.method == kMethodDeflate && !inflater.ready)
        return makeError(where + "zlib initialisation failed");
    std::vector<uint8_t> in(kChunkBytes), out(kChunkBytes);
    uint64_t left = member.compressedSize, written = 0;
    uLong crc = crc32(0, nullptr, 0);
    bool ended = member.method == kMethodStored;
    auto emit = [&](const uint8_t* data, size_t n) -> Status {
        // Checked before the sink sees the bytes: a bomb never gets past its declared size.
        if (n > member.size - written)
            return makeError(where + "inflates past its declared size of " +
                             std::to_string(member.size) + " bytes");
        written += n;
        crc = crc32(crc, data, uInt(n));
        return sink(data, n);
    };
    while (left > 0) {
        const size_t n = size_t(std::min<uint64_t>(left, in.size()));
        if (std::fread(in.data(), 1, n, m_file.get()) != n) return makeError(where + "read error");
        left -= n;
        if (member.method == kMethodStored) {
            if (Status s = emit(in.data(), n); !s) return s;
            continue;
        }
        if (ended) return makeError(where + "data continues after the end of the deflate stream");
        inflater.z.next_in = in.data();
        inflater.z.avail_in = uInt(n);
        while (inflater.z.avail_in > 0 && !ended) {
            inflater.z.next_out = out.data();
            inflater.z.avail_out = uInt(out.size());
            const int rc = inflate(&inflater.z, Z_NO_FLUSH);
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
                return makeError(where + "corrupt deflate data (zlib error " + std::to_string(rc) +
                                 ")");
            const size_t produced = out.size() - inflater.z.avail_out;
            if (produced > 0)
                if (Status s = emit(out.data(), produced); !s) return s;
            ended = rc == Z_STREAM_END;
            if (rc == Z_BUF_ERROR && produced == 0) break;
        }
        if (ended && inflater.z.avail_in > 0)
            return makeError(where + "data continues after the end of the deflate stream");
        // Output may still be pending with no input left (the window flushes late).
        while (!ended && left == 0) {
            inflater.z.next_out = out.data();
            inflater.z.avail_out = uInt(out.size());
            const int rc = inflate(&inflater.z, Z_FINISH);
            const size_t produced = out.size() - inflater.z.avail_out;
            if (produced > 0)
                if (Status s = emit(out.data(), produced); !s) return s;
            if (rc == Z_STREAM_END)
                ended = true;
            else if (produced == 0)
                break;
        }
    }
    if (!ended) return makeError(where + "truncated deflate stream");
    if (written != member.size)
        return makeError(where + "extracted " + std::to_string(written) + " bytes, expected " +
                         std::to_string(member.size));
    if (uint32_t(crc) != member.crc32) return makeError(where + "CRC-32 mismatch");
    return {};
}

}  // namespace folio
