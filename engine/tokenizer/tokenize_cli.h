#pragma once
// Command-line helpers for folio-cli (no Qt). argv[0] is the subcommand name.
//   folio-cli tokenize -m MODEL [--parse-special] [--add-special] [-f FILE | TEXT]
//       prints the ids, space-separated, on one line
//   folio-cli detokenize -m MODEL ID...
//       prints the decoded text
// MODEL is a .gguf or a tokenizer.json. Errors go to stderr; the return value is the exit code
// (0 on success, 1 on any error).
namespace folio {

int runTokenize(int argc, char** argv);
int runDetokenize(int argc, char** argv);

}  // namespace folio
