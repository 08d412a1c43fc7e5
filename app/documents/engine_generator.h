#pragma once
// The SummaryGenerator that runs on the loaded model through the app's EngineWorker. Declared
// here, beside MapReduceSummarizer; defined in app/app_documents.cpp because EngineWorker lives
// in folio_core (so only folio_core and what links it may call this).
#include <QString>
#include <functional>
#include <memory>

#include "app/documents/map_reduce.h"

class EngineWorker;

namespace folio {

// worker must outlive the generator. modelKey: names the loaded model (e.g. its file path), so
// stored partial summaries of another model are not reused.
std::unique_ptr<SummaryGenerator> makeEngineWorkerGenerator(EngineWorker* worker,
                                                            std::function<QString()> modelKey);

}  // namespace folio
