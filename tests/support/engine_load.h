#pragma once
// Loads a model into a folio::Engine and waits for it: what the model suites do before their
// first request. Returns "" on success, else the loader's message (or a timeout message).
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

#include "engine/runtime/engine.h"

namespace folio::test {

inline std::string loadEngineBlocking(folio::Engine& engine, const folio::LoadOptions& load,
                                      std::chrono::seconds timeout = std::chrono::seconds(180)) {
    std::mutex m;
    std::condition_variable cv;
    bool loaded = false;
    std::string error;
    engine.load(load, {}, [&](folio::Expected<folio::ModelSummary> s) {
        std::lock_guard<std::mutex> l(m);
        if (!s) error = s.error().message;
        loaded = true;
        cv.notify_all();
    });
    std::unique_lock<std::mutex> l(m);
    if (!cv.wait_for(l, timeout, [&] { return loaded; })) return "the model did not load in time";
    return error;
}

}  // namespace folio::test
