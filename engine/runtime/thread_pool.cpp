#include "engine/runtime/thread_pool.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <utility>

namespace folio {

namespace {
// Spin iterations before a worker sleeps; a decode step dispatches every few microseconds.
constexpr int kSpinIterations = 20000;
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
    for (int i = 1; i < m_nThreads; ++i) m_workers.emplace_back([this, i] { workerLoop(i); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop.store(true);
        m_generation.fetch_add(1);
    }
    m_wake.notify_all();
    for (auto& t : m_workers) t.join();
}

void ThreadPool::run(const std::function<void(int, int)>& fn) {
    if (m_nThreads == 1) {
        fn(0, 1);
        return;
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_job = &fn;
        m_pending.store(m_nThreads - 1);
        m_generation.fetch_add(1, std::memory_order_release);
    }
    m_wake.notify_all();
    fn(0, m_nThreads);
    while (m_pending.load(std::memory_order_acquire) != 0) std::this_thread::yield();
}

void ThreadPool::parallelFor(int64_t n, int64_t grain,
                             const std::function<void(int64_t, int64_t)>& fn) {
    if (n <= 0) return;
    grain = std::max<int64_t>(1, grain);
    int64_t maxParts = (n + grain - 1) / grain;
    if (maxParts <= 1 || m_nThreads == 1) {
        fn(0, n);
        return;
    }
    run([&](int index, int count) {
        int64_t parts = std::min<int64_t>(count, maxParts);
        if (index >= parts) return;
        int64_t begin = n * index / parts, end = n * (index + 1) / parts;
        if (begin < end) fn(begin, end);
    });
}

void ThreadPool::workerLoop(int index) {
    uint64_t seen = 0;
    for (;;) {
        int spins = 0;
        while (m_generation.load(std::memory_order_acquire) == seen && spins < kSpinIterations) {
            ++spins;
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();
#endif
        }
        if (m_generation.load(std::memory_order_acquire) == seen) {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [&] { return m_generation.load() != seen; });
        }
        seen = m_generation.load(std::memory_order_acquire);
        if (m_stop.load()) return;
        const std::function<void(int, int)>* job;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            job = m_job;
        }
        (*job)(index, m_nThreads);
        m_pending.fetch_sub(1, std::memory_order_release);
    }
}

}  // namespace folio
