#pragma once
// `folio-cli template`: renders a conversation with a model's chat template and prints the prompt.
//   folio-cli template -m MODEL --messages FILE.json [--no-think] [--add-generation-prompt]
//                      [--format NAME] [--date "26 Jul 2024"]
// MODEL is a .gguf file (general.architecture + tokenizer.chat_template) or a tokenizer.json
// (its directory's tokenizer_config.json "chat_template" and config.json "model_type").
// FILE.json is an array of {"role", "content"} objects, or an object with such a "messages" array.
// Without --add-generation-prompt no assistant turn is opened (as HF apply_chat_template).
#include <string>
#include <string_view>
#include <vector>

#include "engine/runtime/types.h"
#include "engine/status.h"

namespace folio {

// argv[0] is the subcommand name. Returns the exit code: 0 ok, 1 bad input, 2 bad usage.
int runTemplate(int argc, char** argv);

// The messages of a messages file (see above). A null content is read as "".
Expected<std::vector<ChatMessage>> parseChatMessages(std::string_view json);

struct ModelTemplateInfo {
    std::string architecture;  // GGUF general.architecture or config.json model_type; may be ""
    std::string chatTemplate;  // the Jinja source; may be "" when the model has none
};
Expected<ModelTemplateInfo> readModelTemplate(const std::string& modelPath);

}  // namespace folio
