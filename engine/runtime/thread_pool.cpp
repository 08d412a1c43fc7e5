#include "engine/runtime/thread_pool.h"

#include <algorithm>
#include <cassert>
#include <fstream>
#include <set>
#include <string>
#include <utility>

namespace folio {

namespace {
// Spin iterations (with a pause each, ~0.3-1 ms in all) before a worker sleeps: a decode step
// starts a job every few tens of microseconds, so workers stay awake through a token.
constexpr int kSpinIterations = 20000;
// Caller spins this often for the last tasks before it starts yielding its core.
constexpr int kWaitSpins = 2000;
// Ranges per thread in parallelFor: more lets fast threads take over a slow one's share. At the
// end of a job one thread idles for up to a range, so 8 halves that loss against 4 (decode runs
// ~140 jobs per token); a claim costs one CAS, far below a range of kRowGrain decode rows.
constexpr int64_t kRangesPerThread = 8;

inline void cpuPause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

constexpr uint64_t jobNumber(uint64_t claim) {
    return claim >> 32;
}
constexpr int taskCount(uint64_t claim) {
    return int((claim >> 16) & 0xFFFF);
}
constexpr int nextTask(uint64_t claim) {
    return int(claim & 0xFFFF);
}
}  // namespace

int ThreadPool::physicalCores() {
    // Count distinct (physical id, core id) pairs; fall back to hardware_concurrency.
    std::ifstream in("/proc/cpuinfo");
    std::set<std::pair<std::string, std::string>> cores;
    std::string line, physical = "0";
    while (std::getline(in, line)) {
        auto value = [&line] {
            auto p = line.find(':');
            return p == std::string::npos ? std::string() : line.substr(p + 1);
        };
        if (line.rfind("physical id", 0) == 0) physical = value();
        if (line.rfind("core id", 0) == 0) cores.insert({physical, value()});
    }
    int n = static_cast<int>(cores.size());
    if (n <= 0) n = static_cast<int>(std::thread::hardware_concurrency());
    return std::max(1, n);
}

ThreadPool::ThreadPool(int nThreads) {
    m_nThreads = nThreads > 0 ? nThreads : physicalCores();
    for (int i = 1; i < m_nThreads; ++i) m_workers.emplace_back([this] { workerLoop(); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop.store(true);
    }
    m_wake.notify_all();
    for (auto& t : m_workers) t.join();
}

void ThreadPool::drainTasks() {
    uint64_t claim = m_claim.load(std::memory_order_acquire);
    for (;;) {
        if (nextTask(claim) >= taskCount(claim)) return;
        if (!m_claim.compare_exchange_weak(claim, claim + 1, std::memory_order_acq_rel,
                                           std::memory_order_acquire))
            continue;  // `claim` now holds the current word: retry (or stop if it is done)
        // The job cannot finish before this task does, so m_task is this job's.
        (*m_task.load(std::memory_order_relaxed))(nextTask(claim));
        m_unfinished.fetch_sub(1, std::memory_order_acq_rel);
        claim = m_claim.load(std::memory_order_acquire);
    }
}

void ThreadPool::runTasks(int nTasks, const std::function<void(int)>& task) {
    assert(nTasks > 0 && nTasks <= kMaxTasks);
    if (m_nThreads == 1 || nTasks == 1) {
        for (int i = 0; i < nTasks; ++i) task(i);
        return;
    }
    // No worker can hold a claim here (the previous job's tasks all finished), so these plain
    // stores race with nothing; the seq_cst store of m_claim publishes them.
    m_task.store(&task, std::memory_order_relaxed);
    m_unfinished.store(nTasks, std::memory_order_relaxed);
    const uint64_t job = jobNumber(m_claim.load(std::memory_order_relaxed)) + 1;
    m_claim.store((job << 32) | (uint64_t(nTasks) << 16), std::memory_order_seq_cst);
    if (m_sleepers.load(std::memory_order_seq_cst) > 0) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_wake.notify_all();
    }
    drainTasks();
    for (int spins = 0; m_unfinished.load(std::memory_order_acquire) != 0; ++spins) {
        if (spins < kWaitSpins)
            cpuPause();
        else
            std::this_thread::yield();
    }
}

void ThreadPool::run(const std::function<void(int, int)>& fn) {
    const int n = m_nThreads;
    runTasks(n, [&](int i) { fn(i, n); });
}

void ThreadPool::parallelFor(int64_t n, int64_t grain,
                             const std::function<void(int64_t, int64_t)>& fn) {
    if (n <= 0) return;
    grain = std::max<int64_t>(1, grain);
    const int64_t maxParts = (n + grain - 1) / grain;
    if (maxParts <= 1 || m_nThreads == 1) {
        fn(0, n);
        return;
    }
    const int64_t parts = std::min<int64_t>({maxParts, m_nThreads * kRangesPerThread, kMaxTasks});
    runTasks(int(parts), [&](int i) {
        const int64_t begin = n * i / parts, end = n * (i + 1) / parts;
        if (begin < end) fn(begin, end);
    });
}

void ThreadPool::workerLoop() {
    uint64_t seenJob = 0;
    for (;;) {
        // Wait for a job newer than the last one seen: spin first, then sleep.
        int spins = 0;
        while (jobNumber(m_claim.load(std::memory_order_acquire)) == seenJob &&
               spins < kSpinIterations && !m_stop.load(std::memory_order_relaxed)) {
            ++spins;
            cpuPause();
        }
        if (jobNumber(m_claim.load(std::memory_order_seq_cst)) == seenJob) {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_sleepers.fetch_add(1, std::memory_order_seq_cst);
            m_wake.wait(lock, [&] {
                return m_stop.load() ||
                       jobNumber(m_claim.load(std::memory_order_seq_cst)) != seenJob;
            });
            m_sleepers.fetch_sub(1, std::memory_order_seq_cst);
        }
        if (m_stop.load()) return;
        seenJob = jobNumber(m_claim.load(std::memory_order_acquire));
        drainTasks();
    }
}

}  // namespace folio
