#pragma once
// A persistent pool of worker threads for the compute kernels. The calling thread takes part in
// every job, so a pool of size N uses N-1 helper threads.
//
// A job is a list of tasks that threads claim one at a time from one atomic word, so a thread the
// OS has descheduled (other processes, more threads than cores) delays a job by at most the task
// it holds: the caller and any running worker take the rest. A worker that wakes after all tasks
// are claimed finds nothing to do and never touches the finished job. Workers spin briefly after
// a job and then sleep on a condition variable, keeping dispatch cheap during decode (~170 jobs
// per token) without burning a core while idle.
//
// Thread-safety: one thread at a time may call run/parallelFor (the engine thread). Not reentrant:
// a task must not start another job on the same pool.
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

    // Calls fn(index, nThreads) exactly once for every index in [0, nThreads) and returns when all
    // calls have finished. The index is a task slot, not a thread identity: calls run
    // concurrently on different threads, and one thread may run several slots one after another
    // (the caller runs them all when the workers are busy elsewhere). Per-slot scratch indexed by
    // `index` is therefore safe; thread_local state is not a per-slot store.
    void run(const std::function<void(int index, int nThreads)>& fn);

    // Splits [0, n) into contiguous ranges of at least `grain` items (a few per thread, so that
    // threads that run faster take more of them) and calls fn(begin, end) once per range.
    void parallelFor(int64_t n, int64_t grain,
                     const std::function<void(int64_t begin, int64_t end)>& fn);

    static int physicalCores();

private:
    // Runs task(i) for i in [0, nTasks), nTasks <= kMaxTasks; returns when all have finished.
    void runTasks(int nTasks, const std::function<void(int)>& task);
    // Claims and runs tasks of the job published in m_claim until none is left.
    void drainTasks();
    void workerLoop();

    static constexpr int kMaxTasks = 0xFFFF;

    int m_nThreads = 1;
    std::vector<std::thread> m_workers;
    // The job: [63..32] job number, [31..16] task count, [15..0] next unclaimed task. A thread
    // claims task i by a CAS from i to i + 1 while i < count; success guarantees that m_task
    // still belongs to that job (it is only replaced after all of the job's tasks finished).
    std::atomic<uint64_t> m_claim{0};
    std::atomic<const std::function<void(int)>*> m_task{nullptr};  // replaced only between jobs
    std::atomic<int> m_unfinished{0};  // tasks of the current job not yet done
    std::atomic<int> m_sleepers{0};    // workers waiting on m_wake
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex;
    std::condition_variable m_wake;
};

}  // namespace folio
