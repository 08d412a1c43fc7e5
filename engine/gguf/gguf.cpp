// GGUF v2/v3 parsing and validation (contract in gguf.h). On-disk layout, all little-endian:
//   "GGUF", u32 version, u64 n_tensors, u64 n_kv
//   n_kv      x { string key, u32 value type, value }
//   n_tensors x { string name, u32 n_dims, i64 ne[n_dims], u32 ggml type, u64 offset }
//   zero padding up to general.alignment, then the data section; tensor offsets are relative
//   to the start of the data section.
// string = u64 byte length + bytes (no terminator); array = u32 element type, u64 count, elements.
//
// Every read goes through GgufReader, which refuses to step past the end of the buffer, and
// every count is compared with the bytes left before anything is allocated for it.
#include "engine/gguf/gguf.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <system_error>

namespace folio {

// Bounds-checked little-endian cursor over the buffer. The engine only targets little-endian
// hosts (x86-64, aarch64), so scalars are copied as they are.
class GgufReader {
public:
    GgufReader(const uint8_t* data, size_t size) : m_data(data), m_size(size) {}
    uint64_t pos() const { return m_pos; }
    uint64_t left() const { return m_size - m_pos; }
    const uint8_t* here() const { return m_data + m_pos; }

    template <class T>
    bool read(T& out) {
        if (left() < sizeof(T)) return false;
        std::memcpy(&out, here(), sizeof(T));
        m_pos += sizeof(T);
        return true;
    }
    bool skip(uint64_t n) {
        if (left() < n) return false;
        m_pos += n;
        return true;
    }

private:
    const uint8_t* m_data;
    uint64_t m_size;
    uint64_t m_pos = 0;
};

namespace {

constexpr uint32_t kMagic = 0x46554747;        // "GGUF" read as a little-endian u32
constexpr uint64_t kMaxNameBytes = 64 * 1024;  // for keys and tensor names
// general.alignment must be a power of two in [1, kMaxAlignment]. Real files use 32; 1 MiB keeps
// the padding (which is never read) small next to any file that holds real tensors.
constexpr uint64_t kMaxAlignment = 1024 * 1024;
constexpr uint64_t kDefaultAlignment = 32;
constexpr int kMaxDims = 4;
// Smallest possible encodings, used to refuse counts that cannot fit in the bytes left.
constexpr uint64_t kMinKvBytes = 8 + 1 + 4 + 1;                  // length, 1-byte key, type, uint8
constexpr uint64_t kMinTensorInfoBytes = 8 + 1 + 4 + 8 + 4 + 8;  // 1-byte name, one dim

struct ValueTypeInfo {
    GgufValueType type;
    const char* name;
    uint64_t size;     // encoded size of a scalar; 0 for string and array (variable)
    uint64_t minSize;  // smallest encoding (string: its length; array: type + count)
    bool isInteger;    // read into GgufValue::i (bool is not an integer here)
};

// Indexed by the on-disk type number.
// clang-format off
constexpr ValueTypeInfo kValueTypes[] = {
    {GgufValueType::UInt8,   "uint8",   1, 1,  true},
    {GgufValueType::Int8,    "int8",    1, 1,  true},
    {GgufValueType::UInt16,  "uint16",  2, 2,  true},
    {GgufValueType::Int16,   "int16",   2, 2,  true},
    {GgufValueType::UInt32,  "uint32",  4, 4,  true},
    {GgufValueType::Int32,   "int32",   4, 4,  true},
    {GgufValueType::Float32, "float32", 4, 4,  false},
    {GgufValueType::Bool,    "bool",    1, 1,  false},
    {GgufValueType::String,  "string",  0, 8,  false},
    {GgufValueType::Array,   "array",   0, 12, false},
    {GgufValueType::UInt64,  "uint64",  8, 8,  true},
    {GgufValueType::Int64,   "int64",   8, 8,  true},
    {GgufValueType::Float64, "float64", 8, 8,  false},
};
// clang-format on

constexpr bool valueTypesIndexedByNumber() {
    for (uint32_t i = 0; i < std::size(kValueTypes); ++i) {
        if (static_cast<uint32_t>(kValueTypes[i].type) != i) return false;
    }
    return true;
}
static_assert(valueTypesIndexedByNumber(), "kValueTypes[i] must describe type number i");

const ValueTypeInfo* valueTypeInfo(uint32_t raw) {
    return raw < std::size(kValueTypes) ? &kValueTypes[raw] : nullptr;
}
const ValueTypeInfo& valueTypeInfo(GgufValueType t) {
    return *valueTypeInfo(static_cast<uint32_t>(t));
}

Error fail(std::string message) {
    return makeError(std::move(message));
}

// Names from a corrupt file may hold any bytes: keep messages one printable line.
std::string quoted(std::string_view name) {
    constexpr size_t kMaxShown = 80;
    std::string out = "'";
    for (size_t i = 0; i < name.size() && i < kMaxShown; ++i) {
        const unsigned char c = static_cast<unsigned char>(name[i]);
        out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
    }
    if (name.size() > kMaxShown) out += "...";
    return out + "'";
}

std::string truncatedAt(const GgufReader& r, std::string_view what) {
    return "file truncated at byte " + std::to_string(r.pos() + r.left()) + " while reading " +
           std::string(what);
}

// Reads a length-prefixed string of at most maxLen bytes; `what` names it in errors.
Status readString(GgufReader& r, std::string_view what, uint64_t maxLen, std::string_view& out) {
    uint64_t len = 0;
    if (!r.read(len)) return fail(truncatedAt(r, std::string(what) + " length"));
    if (len > r.left()) {
        return fail(std::string(what) + " length " + std::to_string(len) + " exceeds the " +
                    std::to_string(r.left()) + " bytes left in the file");
    }
    if (len > maxLen) {
        return fail(std::string(what) + " length " + std::to_string(len) + " exceeds the limit " +
                    std::to_string(maxLen));
    }
    out = std::string_view(reinterpret_cast<const char*>(r.here()), len);
    r.skip(len);
    return {};
}

template <class T>
T loadAs(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

// Decodes one fixed-size scalar at p (bounds already checked) into v.i or v.f.
void decodeScalar(GgufValueType t, const uint8_t* p, GgufValue& v) {
    switch (t) {
        case GgufValueType::UInt8:
            v.i = loadAs<uint8_t>(p);
            break;
        case GgufValueType::Int8:
            v.i = loadAs<int8_t>(p);
            break;
        case GgufValueType::UInt16:
            v.i = loadAs<uint16_t>(p);
            break;
        case GgufValueType::Int16:
            v.i = loadAs<int16_t>(p);
            break;
        case GgufValueType::UInt32:
            v.i = loadAs<uint32_t>(p);
            break;
        case GgufValueType::Int32:
            v.i = loadAs<int32_t>(p);
            break;
        case GgufValueType::UInt64:
            v.i = static_cast<int64_t>(loadAs<uint64_t>(p));
            break;
        case GgufValueType::Int64:
            v.i = loadAs<int64_t>(p);
            break;
        case GgufValueType::Float32:
            v.f = loadAs<float>(p);
            break;
        case GgufValueType::Float64:
            v.f = loadAs<double>(p);
            break;
        case GgufValueType::Bool:
            v.i = loadAs<uint8_t>(p);
            break;
        case GgufValueType::String:
        case GgufValueType::Array:
            assert(!"not a scalar");
            break;
    }
}

// Reads an array body (element type, count, elements); nested arrays are refused, as ggml does.
Status readArray(GgufReader& r, GgufValue& v) {
    uint32_t rawType = 0;
    if (!r.read(rawType)) return fail(truncatedAt(r, "array element type"));
    const ValueTypeInfo* elem = valueTypeInfo(rawType);
    if (!elem) return fail("unknown array element type " + std::to_string(rawType));
    if (elem->type == GgufValueType::Array) return fail("nested arrays are not supported");
    if (!r.read(v.arrayCount)) return fail(truncatedAt(r, "array count"));
    if (v.arrayCount > r.left() / elem->minSize) {
        return fail("array count " + std::to_string(v.arrayCount) + " of " + elem->name +
                    " does not fit in the " + std::to_string(r.left()) + " bytes left");
    }
    v.arrayType = elem->type;
    v.arrayData = r.here();
    if (elem->type != GgufValueType::String) {
        r.skip(v.arrayCount * elem->size);  // fits: checked above
        return {};
    }
    // Walk the strings once so that getStringArray() can trust every length later. (No message
    // strings are built per element: vocabularies hold ~150k of them.)
    for (uint64_t i = 0; i < v.arrayCount; ++i) {
        uint64_t len = 0;
        if (!r.read(len)) return fail(truncatedAt(r, "array element " + std::to_string(i)));
        if (!r.skip(len)) {
            return fail("array element " + std::to_string(i) + " length " + std::to_string(len) +
                        " exceeds the " + std::to_string(r.left()) + " bytes left in the file");
        }
    }
    return {};
}

Status readValue(GgufReader& r, GgufValueType type, GgufValue& v) {
    v.type = type;
    if (type == GgufValueType::Array) return readArray(r, v);
    if (type == GgufValueType::String) return readString(r, "string value", UINT64_MAX, v.s);
    const ValueTypeInfo& info = valueTypeInfo(type);
    if (r.left() < info.size) return fail(truncatedAt(r, std::string(info.name) + " value"));
    decodeScalar(type, r.here(), v);
    r.skip(info.size);
    if (type == GgufValueType::Bool && v.i > 1) {
        return fail("bool value " + std::to_string(v.i) + " is neither 0 nor 1");
    }
    return {};
}

Status withContext(const std::string& context, const Status& s) {
    return fail(context + ": " + s.message());
}

uint64_t alignUp(uint64_t x, uint64_t alignment) {
    return (x + alignment - 1) / alignment * alignment;
}

// Element count and byte size of a tensor, refusing overflow and partial blocks.
Status computeSize(GgufTensor& t, const TypeInfo& info) {
    int64_t n = 1;
    for (int d = 0; d < kMaxDims; ++d) {
        if (__builtin_mul_overflow(n, t.ne[d], &n)) return fail("element count overflows int64");
    }
    if (t.ne[0] % info.blockSize != 0) {
        return fail("ne[0] = " + std::to_string(t.ne[0]) + " is not a multiple of the " +
                    std::string(info.name) + " block size " + std::to_string(info.blockSize));
    }
    const int64_t rows = n == 0 ? 0 : n / t.ne[0];
    int64_t rowBytes = 0;
    int64_t total = 0;
    if (__builtin_mul_overflow(t.ne[0] / info.blockSize, int64_t{info.blockBytes}, &rowBytes) ||
        __builtin_mul_overflow(rowBytes, rows, &total)) {
        return fail("byte size overflows int64");
    }
    t.nbytes = static_cast<uint64_t>(total);
    return {};
}

}  // namespace

Status GgufFile::parseHeader(GgufReader& r, uint64_t& nTensors, uint64_t& nKv) {
    if (m_size == 0) return fail("empty file (0 bytes)");
    uint32_t magic = 0;
    if (!r.read(magic)) {
        return fail("file of " + std::to_string(m_size) + " bytes is too small for the magic");
    }
    if (magic != kMagic) return fail("bad magic (not a GGUF file)");
    if (!r.read(m_version)) return fail(truncatedAt(r, "version"));
    if (m_version == 1) {
        return fail("version 1 is not supported (obsolete GGUF v1: convert the model again)");
    }
    if (m_version == 0x02000000u || m_version == 0x03000000u) {
        return fail("version field looks big-endian; big-endian GGUF files are not supported");
    }
    if (m_version != 2 && m_version != 3) {
        return fail("unsupported version " + std::to_string(m_version) + " (expected 2 or 3)");
    }
    if (!r.read(nTensors)) return fail(truncatedAt(r, "tensor count"));
    if (!r.read(nKv)) return fail(truncatedAt(r, "kv count"));
    const uint64_t left = r.left();
    if (nKv > left / kMinKvBytes) {
        return fail("kv count " + std::to_string(nKv) + " cannot fit in the " +
                    std::to_string(left) + " bytes after the header");
    }
    if (nTensors > (left - nKv * kMinKvBytes) / kMinTensorInfoBytes) {
        return fail("tensor count " + std::to_string(nTensors) + " cannot fit in the " +
                    std::to_string(left) + " bytes after the header");
    }
    return {};
}

Status GgufFile::parseKv(GgufReader& r, uint64_t index) {
    std::string_view key;
    const std::string where = "kv #" + std::to_string(index);
    Status st = readString(r, where + " key", kMaxNameBytes, key);
    if (!st) return st;
    if (key.empty()) return fail(where + ": empty key");
    const std::string context = "key " + quoted(key);
    if (m_kvIndex.count(key)) return fail(context + ": duplicate key");
    uint32_t rawType = 0;
    if (!r.read(rawType)) return fail(context + ": " + truncatedAt(r, "value type"));
    const ValueTypeInfo* info = valueTypeInfo(rawType);
    if (!info) return fail(context + ": unknown value type " + std::to_string(rawType));
    GgufValue value;
    st = readValue(r, info->type, value);
    if (!st) return withContext(context, st);
    m_kvIndex.emplace(key, m_kv.size());
    m_kv.emplace_back(key, value);
    return {};
}

Status GgufFile::resolveAlignment() {
    m_alignment = kDefaultAlignment;
    const GgufValue* v = find("general.alignment");
    if (!v) return {};
    const std::string context = "key 'general.alignment'";
    if (!valueTypeInfo(v->type).isInteger) {
        return fail(context + ": type " + valueTypeInfo(v->type).name + " is not an integer");
    }
    const uint64_t a = static_cast<uint64_t>(v->i);
    if (a == 0 || a > kMaxAlignment || (a & (a - 1)) != 0 ||
        (v->i < 0 && v->type != GgufValueType::UInt64)) {
        return fail(context + ": " + std::to_string(v->i) +
                    " is not a power of two between 1 and " + std::to_string(kMaxAlignment));
    }
    m_alignment = a;
    return {};
}

Status GgufFile::parseTensorInfo(GgufReader& r, uint64_t index) {
    GgufTensor t;
    const std::string where = "tensor #" + std::to_string(index);
    Status st = readString(r, where + " name", kMaxNameBytes, t.name);
    if (!st) return st;
    if (t.name.empty()) return fail(where + ": empty name");
    const std::string context = "tensor " + quoted(t.name);
    if (m_tensorIndex.count(t.name)) return fail(context + ": duplicate tensor name");
    uint32_t nDims = 0;
    if (!r.read(nDims)) return fail(context + ": " + truncatedAt(r, "n_dims"));
    if (nDims < 1 || nDims > kMaxDims) {
        return fail(context + ": n_dims " + std::to_string(nDims) + " is outside 1.." +
                    std::to_string(kMaxDims));
    }
    t.nDims = static_cast<int>(nDims);
    for (int d = 0; d < t.nDims; ++d) {
        const std::string dim = "ne[" + std::to_string(d) + "]";
        if (!r.read(t.ne[d])) return fail(context + ": " + truncatedAt(r, dim));
        if (t.ne[d] < 0) {
            return fail(context + ": dimension " + dim + " is negative (" +
                        std::to_string(t.ne[d]) + ")");
        }
    }
    uint32_t rawType = 0;
    if (!r.read(rawType)) return fail(context + ": " + truncatedAt(r, "type"));
    const TypeInfo* info = typeInfo(rawType);
    if (!info) return fail(context + ": unknown tensor type " + std::to_string(rawType));
    t.type = info->type;
    if (!r.read(t.offset)) return fail(context + ": " + truncatedAt(r, "offset"));
    st = computeSize(t, *info);
    if (!st) return withContext(context, st);
    m_tensorIndex.emplace(t.name, m_tensors.size());
    m_tensors.push_back(t);
    return {};
}

Status GgufFile::layoutTensors(uint64_t infoEnd) {
    m_dataOffset = alignUp(infoEnd, m_alignment);
    if (m_tensors.empty()) return {};
    if (m_dataOffset > m_size) {
        return fail("data section starts at byte " + std::to_string(m_dataOffset) +
                    ", past the end of the file (" + std::to_string(m_size) + " bytes)");
    }
    const uint64_t dataSize = m_size - m_dataOffset;
    for (GgufTensor& t : m_tensors) {
        const std::string context = "tensor " + quoted(t.name);
        if (t.offset % m_alignment != 0) {
            return fail(context + ": offset " + std::to_string(t.offset) + " not aligned to " +
                        std::to_string(m_alignment));
        }
        if (t.offset > dataSize || t.nbytes > dataSize - t.offset) {
            return fail(context + ": data at offset " + std::to_string(t.offset) + " (" +
                        std::to_string(t.nbytes) + " bytes) runs past the end of the data " +
                        "section (" + std::to_string(dataSize) + " bytes)");
        }
        t.data = m_data + m_dataOffset + t.offset;
    }
    std::vector<const GgufTensor*> byOffset;
    byOffset.reserve(m_tensors.size());
    for (const GgufTensor& t : m_tensors) byOffset.push_back(&t);
    std::sort(byOffset.begin(), byOffset.end(),
              [](const GgufTensor* a, const GgufTensor* b) { return a->offset < b->offset; });
    for (size_t i = 1; i < byOffset.size(); ++i) {
        const GgufTensor& prev = *byOffset[i - 1];
        const GgufTensor& cur = *byOffset[i];
        if (prev.offset + prev.nbytes > cur.offset) {
            return fail("tensor " + quoted(cur.name) + ": data at offset " +
                        std::to_string(cur.offset) + " overlaps tensor " + quoted(prev.name) +
                        " (offset " + std::to_string(prev.offset) + ", " +
                        std::to_string(prev.nbytes) + " bytes)");
        }
    }
    return {};
}

Status GgufFile::parse() {
    GgufReader r(m_data, m_size);
    uint64_t nTensors = 0;
    uint64_t nKv = 0;
    Status st = parseHeader(r, nTensors, nKv);
    if (!st) return st;
    // Vectors grow with the entries actually parsed (each consumed >= kMin*Bytes of the file),
    // so a lying count cannot make us allocate ahead of the data.
    for (uint64_t i = 0; i < nKv; ++i) {
        st = parseKv(r, i);
        if (!st) return st;
    }
    st = resolveAlignment();
    if (!st) return st;
    for (uint64_t i = 0; i < nTensors; ++i) {
        st = parseTensorInfo(r, i);
        if (!st) return st;
    }
    return layoutTensors(r.pos());
}

Expected<std::unique_ptr<GgufFile>> GgufFile::fromMemory(const uint8_t* data, size_t size) {
    std::unique_ptr<GgufFile> file(new GgufFile());
    file->m_data = data;
    file->m_size = size;
    Status st = file->parse();
    if (!st) return fail("gguf: " + st.message());
    return file;
}

Expected<std::unique_ptr<GgufFile>> GgufFile::open(const std::string& path) {
    const std::string prefix = "gguf: " + path + ": ";
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(prefix + std::generic_category().message(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        return fail(prefix + std::generic_category().message(e));
    }
    if (S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return fail(prefix + (S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file"));
    }
    if (st.st_size == 0) {
        ::close(fd);
        return fail(prefix + "empty file (0 bytes)");
    }
    const size_t size = static_cast<size_t>(st.st_size);
    // Read-only private mapping: pages are loaded lazily, so opening does not read tensor data.
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    const int mapErrno = errno;
    ::close(fd);  // the mapping keeps the file referenced
    if (map == MAP_FAILED)
        return fail(prefix + "mmap failed: " + std::generic_category().message(mapErrno));
    std::unique_ptr<GgufFile> file(new GgufFile());
    file->m_mapping = map;
    file->m_data = static_cast<const uint8_t*>(map);
    file->m_size = size;
    Status parsed = file->parse();
    if (!parsed) return fail(prefix + parsed.message());
    return file;
}

void GgufFile::adviseRandomAccess(const GgufTensor& t) const {
    if (!m_mapping || t.nbytes == 0) return;
    const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto begin = reinterpret_cast<uintptr_t>(t.data);
    const uintptr_t first = begin / page * page;
    const uintptr_t end = begin + t.nbytes;
    ::madvise(reinterpret_cast<void*>(first), end - first, MADV_RANDOM);
}

GgufFile::~GgufFile() {
    if (m_mapping) ::munmap(m_mapping, m_size);
}

}  // namespace folio
