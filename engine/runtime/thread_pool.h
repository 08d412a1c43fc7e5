#pragma once
// A persistent pool of worker threads for the compute kernels. The calling thread takes part in
// every parallelFor, so a pool of size N uses N-1 helper threads. Workers spin briefly after a
// job and then sleep on a condition variable, keeping dispatch cheap during decode without
// burning a core while idle.
//
// Thread-safety: one thread at a time may call parallelFor (the engine thread). Not reentrant.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace folio {

class ThreadPool {
public:
    explicit ThreadPool(int nThreads);  // nThreads <= 0: physical cores
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return m_nThreads; }

    // Runs fn(threadIndex, nThreads) on every thread of the pool (threadIndex 0 is the caller)
    // and returns when all have finished.
    void run(const std::function<void(int threadIndex, int nThreads)>& fn);

    // Splits [0, n) into contiguous ranges of at least `grain` items, one per thread, and calls
    // fn(begin, end) for each non-empty range.
    void parallelFor(int64_t n, int64_t grain, const std::function<void(int64_t begin, int64_t end)>& fn);

    static int physicalCores();

private:
    void workerLoop(int index);

    int m_nThreads = 1;
    std::vector<std::thread> m_workers;
    const std::function<void(int, int)>* m_job = nullptr;
    std::atomic<uint64_t> m_generation{0};
    std::atomic<int> m_pending{0};
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex;
    std::condition_variable m_wake;
};

}  // namespace folio
