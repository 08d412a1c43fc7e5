#pragma once
// The disk tier of the KV prefix cache: full blocks of a prompt's K/V written to files, so that
// a prompt read once (a long document block) is not read again after a restart, a model switch
// and back, or in another chat with the same document. A later prompt that starts with a saved
// prefix loads those blocks instead of computing them; only the rest is prefilled.
//
// Keys. A block's file is named by its prefix-cache chain key (kv_pages.h: a hash of all tokens
// up to the end of the block), inside a folder named by the identity of everything else the
// bytes depend on: the model file (size and a hash of its first bytes: header, metadata and the
// first tensors), the KV type, block size and shape, and kFormatVersion. Another model, KV type
// or format therefore never sees the files.
//
// Integrity. Each file carries a header (magic, version, identity, key, sizes), the block's
// token ids (compared with the prompt's: a hash collision cannot serve wrong K/V) and a hash of
// ids and payload. A file that is short, corrupt or from elsewhere is ignored with a line on
// stderr, deleted, and the block is computed instead: never a crash, never wrong logits.
//
// Tags. A prompt may carry tags naming where its text came from (the app: "conv-12", "doc-7").
// Each saved block remembers the tags that EVERY prompt using it carried (the intersection), in
// <identity>/tags.idx, so forget(tag) deletes exactly the blocks that hold text of that source:
// a deleted document or chat leaves nothing of itself on disk, while a block shared with other
// chats (a system prompt, a document also attached elsewhere) stays. Tags are [A-Za-z0-9_-];
// other characters are replaced by '_'.
//
// Writes run on a background thread (the engine thread only copies the bytes out); files are
// written to a temporary name and renamed. The folder is kept under maxBytes by deleting the
// least recently used files (a load touches a file's time).
//
// Thread-safety: load/contains/storeAsync/usedBytes/clear from one thread (the engine thread);
// the writer thread is internal.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/status.h"

namespace folio {

struct KvDiskLayout {
    uint64_t identity = 0;  // see kvDiskIdentity
    int blockTokens = 0;
    size_t blockBytes = 0;  // KvCache::blockBytes()
};

// What the saved bytes depend on besides the tokens. modelPath is read (its size and first
// 4 MiB); shape: anything else that changes the K/V bytes (KV type, layers, heads, head size,
// block size). Error when the model file cannot be read.
Expected<uint64_t> kvDiskIdentity(const std::string& modelPath, const std::vector<int64_t>& shape);

// KvDiskCache::forget for a directory no open cache uses (any thread that no open cache of the
// directory runs beside). Returns how many files were deleted.
int forgetKvDiskTag(const std::string& directory, const std::string& tag);

class KvDiskCache {
public:
    static constexpr uint32_t kFormatVersion = 1;

    // Opens (creating) <directory>/<identity in hex>/ and counts what the directory holds.
    static Expected<std::unique_ptr<KvDiskCache>> open(const std::string& directory,
                                                       const KvDiskLayout& layout,
                                                       int64_t maxBytes);
    ~KvDiskCache();  // finishes the queued writes
    KvDiskCache(const KvDiskCache&) = delete;
    KvDiskCache& operator=(const KvDiskCache&) = delete;

    // Whether a file for this key was seen (written, queued or listed at open).
    bool contains(uint64_t key) const;
    // Reads the block saved under key into out[0..blockBytes) when it is there, intact and holds
    // exactly ids[0..blockTokens). False otherwise (a bad file is deleted).
    bool load(uint64_t key, const int32_t* ids, uint8_t* out);
    // Queues the block for writing (ids: blockTokens of them; bytes: blockBytes), remembering
    // the prompt's tags (sorted, unique: normalizeTags) for it.
    void storeAsync(uint64_t key, std::vector<int32_t> ids, std::vector<uint8_t> bytes,
                    const std::vector<std::string>& tags = {});
    // A prompt with these tags (normalized) used the saved block: its tags become the common
    // part. saveTags() then writes what changed.
    void noteUse(uint64_t key, const std::vector<std::string>& tags);
    void saveTags();
    // Deletes the saved blocks whose tags include tag, in every identity folder (waits for the
    // queued writes first). Returns how many files were deleted.
    int forget(const std::string& tag);
    // Waits until every queued block is written (tests, shutdown).
    void flush();
    // Bytes of saved blocks in the whole directory (every identity).
    int64_t usedBytes() const;
    // Deletes every saved block (every identity).
    void clear();

    // Sorted, unique, each made of [A-Za-z0-9_-].
    static std::vector<std::string> normalizeTags(std::vector<std::string> tags);

    const std::string& folder() const { return m_folder; }
    const std::string& root() const { return m_root; }

private:
    KvDiskCache(std::string root, std::string folder, const KvDiskLayout& layout, int64_t maxBytes);
    std::string pathFor(uint64_t key) const;
    void writerLoop();
    void write(uint64_t key, const std::vector<int32_t>& ids, const std::vector<uint8_t>& bytes);
    void evictOverCap();

    struct Job {
        uint64_t key;
        std::vector<int32_t> ids;
        std::vector<uint8_t> bytes;
    };

    std::string m_root;    // the directory given to open()
    std::string m_folder;  // m_root/<identity>
    KvDiskLayout m_layout;
    int64_t m_maxBytes;
    std::unordered_set<uint64_t> m_known;                           // engine thread only
    std::unordered_map<uint64_t, std::vector<std::string>> m_tags;  // engine thread only
    bool m_tagsChanged = false;

    mutable std::mutex m_mutex;  // guards everything below
    std::condition_variable m_wake;
    std::condition_variable m_idle;
    std::deque<Job> m_jobs;
    bool m_writing = false;
    bool m_stop = false;
    int64_t m_used = 0;
    std::thread m_writer;
};

}  // namespace folio
