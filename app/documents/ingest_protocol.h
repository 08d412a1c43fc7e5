#pragma once
// The contract between folio-ingest (the parser child process, app/ingest/main.cpp) and
// folio::Ingestor (the parent): exit codes and what each means to the user.
namespace folio {

enum class IngestExit : int {
    Ok = 0,
    Usage = 2,
    NotFound = 3,       // the file does not exist or cannot be read
    Corrupt = 4,        // not a PDF, or damaged beyond reading
    NeedsPassword = 5,  // encrypted and no password was given
    WrongPassword = 6,  // encrypted and the password given does not open it
};

}  // namespace folio
