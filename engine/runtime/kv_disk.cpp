#include "engine/runtime/kv_disk.h"

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

#include "engine/runtime/hash64.h"

namespace folio {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'F', 'O', 'L', 'I', 'O', 'K', 'V', 'B'};
constexpr const char* kExtension = ".kvb";
constexpr const char* kTagIndex = "tags.idx";
constexpr size_t kIdentityBytes = size_t(4) << 20;  // the model file's first 4 MiB
constexpr double kEvictTo = 0.9;                    // of maxBytes, after going over it

struct FileHeader {
    char magic[8];
    uint32_t version;
    uint32_t blockTokens;
    uint64_t identity;
    uint64_t key;
    uint64_t payloadBytes;
    uint64_t hash;  // hashBytes over the ids, then the payload
};

// A fast 64-bit hash of bytes, 8 at a time (not cryptographic: it catches damage, not attacks;
// the files live in the user's own cache folder).
uint64_t hashBytes(uint64_t h, const uint8_t* data, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        std::memcpy(&w, data + i, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15ull;
        h ^= h >> 29;
    }
    for (; i < n; ++i) h = (h ^ data[i]) * 0x100000001b3ull;
    return mix64(h ^ n);
}

std::string hex(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
    return buf;
}

void warn(const std::string& path, const char* why) {
    std::fprintf(stderr, "folio: saved KV block %s ignored: %s\n", path.c_str(), why);
}

struct SavedFile {
    fs::path path;
    fs::file_time_type time;
    int64_t size;
};

// Every saved block under root (all identities).
std::vector<SavedFile> listSaved(const std::string& root) {
    std::vector<SavedFile> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec) || it->path().extension() != kExtension) continue;
        const auto size = it->file_size(ec);
        const auto time = it->last_write_time(ec);
        if (!ec) out.push_back({it->path(), time, int64_t(size)});
    }
    return out;
}

using TagMap = std::unordered_map<uint64_t, std::vector<std::string>>;

// One line per tagged block: "<key in hex> tag tag...". Lines that do not parse are skipped:
// the index only narrows what forget() deletes, a block missing from it counts as untagged.
TagMap readTagIndex(const fs::path& folder) {
    TagMap out;
    std::ifstream in(folder / kTagIndex);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string key;
        fields >> key;
        char* end = nullptr;
        const uint64_t k = std::strtoull(key.c_str(), &end, 16);
        if (key.empty() || *end != '\0') continue;
        std::vector<std::string> tags;
        for (std::string t; fields >> t;) tags.push_back(t);
        tags = KvDiskCache::normalizeTags(std::move(tags));
        if (!tags.empty()) out[k] = std::move(tags);
    }
    return out;
}

void writeTagIndex(const fs::path& folder, const TagMap& tags) {
    const fs::path path = folder / kTagIndex;
    const fs::path tmp = folder / (std::string(kTagIndex) + ".tmp");
    {
        std::ofstream out(tmp, std::ios::trunc);
        for (const auto& [key, list] : tags) {
            out << hex(key);
            for (const std::string& t : list) out << ' ' << t;
            out << '\n';
        }
        if (!out.flush()) {
            std::fprintf(stderr, "folio: could not write %s\n", tmp.string().c_str());
            return;
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
}

struct Forgotten {
    int files = 0;
    int64_t bytes = 0;
    std::vector<uint64_t> keys;
};

// Deletes the blocks of one identity folder whose tags include tag, and their index lines.
Forgotten forgetInFolder(const fs::path& folder, TagMap& tags, const std::string& tag) {
    Forgotten f;
    for (auto it = tags.begin(); it != tags.end();) {
        if (!std::binary_search(it->second.begin(), it->second.end(), tag)) {
            ++it;
            continue;
        }
        const fs::path file = folder / (hex(it->first) + kExtension);
        std::error_code ec;
        const auto size = fs::file_size(file, ec);
        const int64_t bytes = ec ? 0 : int64_t(size);
        if (fs::remove(file, ec)) {
            ++f.files;
            f.bytes += bytes;
        }
        f.keys.push_back(it->first);
        it = tags.erase(it);
    }
    if (!f.keys.empty()) writeTagIndex(folder, tags);
    return f;
}

std::vector<fs::path> identityFolders(const std::string& root) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec)) out.push_back(it->path());
    return out;
}

}  // namespace

std::vector<std::string> KvDiskCache::normalizeTags(std::vector<std::string> tags) {
    for (std::string& t : tags)
        for (char& c : t)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
    tags.erase(std::remove(tags.begin(), tags.end(), std::string()), tags.end());
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    return tags;
}

int forgetKvDiskTag(const std::string& directory, const std::string& tag) {
    const std::vector<std::string> t = KvDiskCache::normalizeTags({tag});
    if (t.empty()) return 0;
    int files = 0;
    for (const fs::path& folder : identityFolders(directory)) {
        TagMap tags = readTagIndex(folder);
        files += forgetInFolder(folder, tags, t[0]).files;
    }
    return files;
}

Expected<uint64_t> kvDiskIdentity(const std::string& modelPath, const std::vector<int64_t>& shape) {
    std::ifstream in(modelPath, std::ios::binary);
    if (!in) return makeError("cannot read " + modelPath);
    std::vector<uint8_t> head(kIdentityBytes);
    in.read(reinterpret_cast<char*>(head.data()), std::streamsize(head.size()));
    head.resize(size_t(in.gcount()));
    std::error_code ec;
    const auto size = fs::file_size(modelPath, ec);
    if (ec) return makeError("cannot read the size of " + modelPath);
    uint64_t h = hashBytes(KvDiskCache::kFormatVersion, head.data(), head.size());
    h = mix64(h ^ uint64_t(size));
    for (int64_t v : shape) h = mix64(h ^ uint64_t(v));
    return h;
}

Expected<std::unique_ptr<KvDiskCache>> KvDiskCache::open(const std::string& directory,
                                                         const KvDiskLayout& layout,
                                                         int64_t maxBytes) {
    if (directory.empty() || layout.blockTokens <= 0 || layout.blockBytes == 0 || maxBytes <= 0)
        return makeError("invalid KV disk cache settings");
    const std::string folder = (fs::path(directory) / hex(layout.identity)).string();
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) return makeError("cannot create " + folder + ": " + ec.message());
    return std::unique_ptr<KvDiskCache>(new KvDiskCache(directory, folder, layout, maxBytes));
}

KvDiskCache::KvDiskCache(std::string root, std::string folder, const KvDiskLayout& layout,
                         int64_t maxBytes)
    : m_root(std::move(root)), m_folder(std::move(folder)), m_layout(layout), m_maxBytes(maxBytes) {
    for (const SavedFile& f : listSaved(m_root)) {
        m_used += f.size;
        if (f.path.parent_path() == fs::path(m_folder)) {
            const std::string stem = f.path.stem().string();
            m_known.insert(std::strtoull(stem.c_str(), nullptr, 16));
        }
    }
    m_tags = readTagIndex(m_folder);
    for (auto it = m_tags.begin(); it != m_tags.end();) {
        if (m_known.count(it->first) != 0) {
            ++it;
            continue;
        }
        it = m_tags.erase(it);  // evicted or deleted since
        m_tagsChanged = true;
    }
    m_writer = std::thread([this] { writerLoop(); });
}

KvDiskCache::~KvDiskCache() {
    flush();
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_writer.join();
}

std::string KvDiskCache::pathFor(uint64_t key) const {
    return (fs::path(m_folder) / (hex(key) + kExtension)).string();
}

bool KvDiskCache::contains(uint64_t key) const {
    return m_known.count(key) != 0;
}

bool KvDiskCache::load(uint64_t key, const int32_t* ids, uint8_t* out) {
    if (!contains(key)) return false;
    const std::string path = pathFor(key);
    std::ifstream in(path, std::ios::binary);
    auto reject = [&](const char* why) {
        if (why) warn(path, why);
        in.close();
        std::error_code ec;
        fs::remove(path, ec);
        m_known.erase(key);
        return false;
    };
    if (!in) return reject(nullptr);  // evicted meanwhile
    FileHeader h{};
    const size_t idBytes = sizeof(int32_t) * size_t(m_layout.blockTokens);
    std::vector<int32_t> saved(size_t(m_layout.blockTokens));
    if (!in.read(reinterpret_cast<char*>(&h), sizeof h)) return reject("short header");
    if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) return reject("not a Folio KV block");
    if (h.version != kFormatVersion) return reject("another format version");
    if (h.identity != m_layout.identity || h.key != key ||
        h.blockTokens != uint32_t(m_layout.blockTokens) || h.payloadBytes != m_layout.blockBytes)
        return reject("made for another model, cache type or block");
    if (!in.read(reinterpret_cast<char*>(saved.data()), std::streamsize(idBytes)) ||
        !in.read(reinterpret_cast<char*>(out), std::streamsize(m_layout.blockBytes)))
        return reject("truncated");
    if (in.peek() != std::char_traits<char>::eof()) return reject("bytes after the block");
    const uint64_t hash =
        hashBytes(hashBytes(0, reinterpret_cast<const uint8_t*>(saved.data()), idBytes), out,
                  m_layout.blockBytes);
    if (hash != h.hash) return reject("checksum mismatch");
    if (!std::equal(saved.begin(), saved.end(), ids)) return reject("other tokens, same key");
    std::error_code ec;
    fs::last_write_time(path, fs::file_time_type::clock::now(), ec);  // recently used
    return true;
}

void KvDiskCache::storeAsync(uint64_t key, std::vector<int32_t> ids, std::vector<uint8_t> bytes,
                             const std::vector<std::string>& tags) {
    if (contains(key) || ids.size() != size_t(m_layout.blockTokens) ||
        bytes.size() != m_layout.blockBytes)
        return;
    m_known.insert(key);
    if (!tags.empty()) {
        m_tags[key] = tags;
        m_tagsChanged = true;
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_jobs.push_back({key, std::move(ids), std::move(bytes)});
    }
    m_wake.notify_one();
}

void KvDiskCache::noteUse(uint64_t key, const std::vector<std::string>& tags) {
    auto it = m_tags.find(key);
    if (it == m_tags.end()) return;  // untagged: some prompt without tags used it already
    std::vector<std::string> common;
    std::set_intersection(it->second.begin(), it->second.end(), tags.begin(), tags.end(),
                          std::back_inserter(common));
    if (common.size() == it->second.size()) return;
    m_tagsChanged = true;
    if (common.empty())
        m_tags.erase(it);
    else
        it->second = std::move(common);
}

void KvDiskCache::saveTags() {
    if (!m_tagsChanged) return;
    writeTagIndex(m_folder, m_tags);
    m_tagsChanged = false;
}

int KvDiskCache::forget(const std::string& tag) {
    const std::vector<std::string> t = normalizeTags({tag});
    if (t.empty()) return 0;
    flush();  // no queued block may land after its tag is forgotten
    int files = 0;
    int64_t bytes = 0;
    for (const fs::path& folder : identityFolders(m_root)) {
        const bool own = folder == fs::path(m_folder);
        TagMap other = own ? TagMap() : readTagIndex(folder);
        const Forgotten f = forgetInFolder(folder, own ? m_tags : other, t[0]);
        if (own)
            for (uint64_t key : f.keys) m_known.erase(key);
        files += f.files;
        bytes += f.bytes;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    m_used = std::max<int64_t>(0, m_used - bytes);
    return files;
}

void KvDiskCache::flush() {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_idle.wait(lock, [this] { return m_jobs.empty() && !m_writing; });
}

int64_t KvDiskCache::usedBytes() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_used;
}

void KvDiskCache::clear() {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_jobs.clear();
    m_idle.wait(lock, [this] { return !m_writing; });
    for (const SavedFile& f : listSaved(m_root)) {
        std::error_code ec;
        fs::remove(f.path, ec);
    }
    for (const fs::path& folder : identityFolders(m_root)) {
        std::error_code ec;
        fs::remove(folder / kTagIndex, ec);
    }
    m_used = 0;
    m_known.clear();
    m_tags.clear();
    m_tagsChanged = false;
}

void KvDiskCache::writerLoop() {
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
        if (m_jobs.empty()) return;  // stopping, nothing left
        Job job = std::move(m_jobs.front());
        m_jobs.pop_front();
        m_writing = true;
        lock.unlock();
        write(job.key, job.ids, job.bytes);
        lock.lock();
        m_writing = false;
        if (m_jobs.empty()) m_idle.notify_all();
    }
}

// On the writer thread: the file under a temporary name, then renamed (a crash leaves no
// half-written block under a real name).
void KvDiskCache::write(uint64_t key, const std::vector<int32_t>& ids,
                        const std::vector<uint8_t>& bytes) {
    const size_t idBytes = sizeof(int32_t) * ids.size();
    FileHeader h{};
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    h.version = kFormatVersion;
    h.blockTokens = uint32_t(ids.size());
    h.identity = m_layout.identity;
    h.key = key;
    h.payloadBytes = bytes.size();
    h.hash = hashBytes(hashBytes(0, reinterpret_cast<const uint8_t*>(ids.data()), idBytes),
                       bytes.data(), bytes.size());
    const std::string path = pathFor(key);
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(&h), sizeof h);
        out.write(reinterpret_cast<const char*>(ids.data()), std::streamsize(idBytes));
        out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
        if (!out.flush()) {
            std::error_code ec;
            fs::remove(tmp, ec);
            std::fprintf(stderr, "folio: could not save a KV block to %s\n", tmp.c_str());
            return;
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        return;
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_used += int64_t(sizeof h + idBytes + bytes.size());
        if (m_used <= m_maxBytes) return;
    }
    evictOverCap();
}

// Deletes the least recently used saved blocks until the directory holds kEvictTo of the cap.
// (Blocks of the running prompt may go too: they are loaded again from the memory cache.)
void KvDiskCache::evictOverCap() {
    std::vector<SavedFile> files = listSaved(m_root);
    std::sort(files.begin(), files.end(),
              [](const SavedFile& a, const SavedFile& b) { return a.time < b.time; });
    int64_t used = 0;
    for (const SavedFile& f : files) used += f.size;
    const int64_t target = int64_t(double(m_maxBytes) * kEvictTo);
    for (const SavedFile& f : files) {
        if (used <= target) break;
        std::error_code ec;
        if (fs::remove(f.path, ec)) used -= f.size;
    }
    std::lock_guard<std::mutex> lock(m_mutex);
    m_used = used;
}

}  // namespace folio
