#pragma once
// ZipReader: reads members out of a zip archive (a Python wheel) without trusting it.
//
// Supported: the classic (non-Zip64) format, members stored (method 0) or deflated (method 8),
// no encryption. Everything read from the archive is bounds-checked before use: the central
// directory must lie inside the file and before the end record, every local header and its data
// must lie before the central directory, and names may not contain NUL. Extraction is streamed
// (zlib raw inflate) into a sink and stops with an error as soon as the output would exceed the
// member's declared size or ZipLimits::maxMemberBytes (zip bombs), or the CRC-32 differs.
//
// Plain C++ (no Qt). A ZipReader owns an open FILE*; not thread-safe, movable, not copyable.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/status.h"

namespace folio {

struct ZipLimits {
    uint64_t maxMemberBytes = 4ull << 30;  // largest uncompressed member accepted (4 GiB)
    uint32_t maxMembers = 100000;          // central directory entries
};

struct ZipMember {
    std::string name;             // as stored (UTF-8 or CP437), '/' separated
    uint16_t method = 0;          // 0 stored, 8 deflate
    uint32_t crc32 = 0;           // of the uncompressed bytes
    uint64_t compressedSize = 0;  // bytes in the archive
    uint64_t size = 0;            // uncompressed bytes
    uint64_t localHeaderOffset = 0;
};

// Receives extracted bytes in order; a failed Status stops the extraction with that error.
using ZipSink = std::function<Status(const uint8_t* data, size_t size)>;

class ZipReader {
public:
    // Opens path and reads its central directory. Errors name the file and what is wrong.
    static Expected<ZipReader> open(const std::string& path, const ZipLimits& limits = {});

    const std::vector<ZipMember>& members() const { return m_members; }
    // Streams member's uncompressed bytes into sink, checking size and CRC-32.
    Status extract(const ZipMember& member, const ZipSink& sink) const;

private:
    struct FileCloser {
        void operator()(std::FILE* f) const {
            if (f) std::fclose(f);
        }
    };
    Status readCentralDirectory();
    Expected<uint64_t> dataOffset(const ZipMember& member) const;  // after the local header
    Status readAt(uint64_t offset, void* out, size_t size) const;

    std::string m_path;
    ZipLimits m_limits;
    std::unique_ptr<std::FILE, FileCloser> m_file;
    uint64_t m_size = 0;
    uint64_t m_centralDirOffset = 0;  // local data must end before here
    std::vector<ZipMember> m_members;
};

}  // namespace folio
