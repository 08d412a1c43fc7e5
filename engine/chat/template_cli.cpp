#include "engine/chat/template_cli.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "engine/chat/chat_format.h"
#include "engine/chat/json.h"
#include "engine/gguf/gguf.h"

namespace folio {

namespace {

constexpr const char* kUsage =
    "usage: folio-cli template -m MODEL --messages FILE.json [--no-think] "
    "[--add-generation-prompt] [--format NAME] [--date DATE]\n";

Expected<std::string> readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError("cannot open " + path.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return makeError("cannot read " + path.string());
    return ss.str();
}

// tokenizer_config.json's chat_template is a string, or a list of {"name", "template"} of which
// "default" is the chat template.
std::string chatTemplateOf(const JsonValue& config) {
    const JsonValue* t = config.find("chat_template");
    if (t == nullptr) return {};
    if (t->isString()) return t->asString();
    for (const JsonValue& item : t->items())
        if (item.stringAt("name") == "default")
            return std::string(item.stringAt("template").value_or(""));
    return {};
}

Expected<ModelTemplateInfo> readTokenizerDirectory(const std::filesystem::path& dir) {
    ModelTemplateInfo info;
    auto configText = readFile(dir / "tokenizer_config.json");
    if (!configText) return configText.error();
    auto config = parseJson(*configText);
    if (!config) return makeError("tokenizer_config.json: " + config.error().message);
    info.chatTemplate = chatTemplateOf(*config);
    // config.json is optional; it only helps when the template has no known markers.
    if (auto modelText = readFile(dir / "config.json")) {
        if (auto model = parseJson(*modelText))
            info.architecture = std::string(model->stringAt("model_type").value_or(""));
    }
    return info;
}

struct CliOptions {
    std::string model;
    std::string messages;
    std::string format;
    ChatTemplateOptions render;
};

// Returns an error message for bad usage, or nullopt.
std::optional<std::string> parseArgs(int argc, char** argv, CliOptions& o) {
    o.render.addGenerationPrompt = false;
    const std::pair<const char*, std::string*> valued[] = {{"-m", &o.model},
                                                           {"--model", &o.model},
                                                           {"--messages", &o.messages},
                                                           {"--format", &o.format},
                                                           {"--date", &o.render.dateString}};
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--no-think") {
            o.render.enableThinking = false;
            continue;
        }
        if (arg == "--add-generation-prompt") {
            o.render.addGenerationPrompt = true;
            continue;
        }
        bool known = false;
        for (const auto& [name, target] : valued) {
            if (arg != name) continue;
            if (i + 1 >= argc) return std::string(name) + " needs a value";
            *target = argv[++i];
            known = true;
        }
        if (!known) return "unknown option " + std::string(arg);
    }
    if (o.model.empty() && o.format.empty())
        return std::string("-m MODEL (or --format NAME) is required");
    if (o.messages.empty()) return std::string("--messages FILE.json is required");
    return std::nullopt;
}

}  // namespace

Expected<std::vector<ChatMessage>> parseChatMessages(std::string_view json) {
    auto doc = parseJson(json);
    if (!doc) return doc.error();
    const JsonValue* list = doc->isObject() ? doc->find("messages") : &*doc;
    if (list == nullptr || !list->isArray())
        return makeError("messages: expected an array of {\"role\", \"content\"} objects");
    std::vector<ChatMessage> messages;
    for (size_t i = 0; i < list->items().size(); ++i) {
        const JsonValue& item = list->items()[i];
        const std::string where = "messages[" + std::to_string(i) + "]";
        auto role = item.stringAt("role");
        if (!role) return makeError(where + ".role: missing or not a string");
        const JsonValue* content = item.find("content");
        if (content != nullptr && !content->isString() && !content->isNull())
            return makeError(where + ".content: not a string");
        messages.push_back({std::string(*role), content ? content->asString() : std::string()});
    }
    return messages;
}

Expected<ModelTemplateInfo> readModelTemplate(const std::string& modelPath) {
    namespace fs = std::filesystem;
    const fs::path path(modelPath);
    if (path.extension() == ".json") return readTokenizerDirectory(path.parent_path());
    std::error_code ec;
    if (fs::is_directory(path, ec)) return readTokenizerDirectory(path);
    auto file = GgufFile::open(modelPath);
    if (!file) return file.error();
    ModelTemplateInfo info;
    info.architecture = std::string((*file)->getString("general.architecture").value_or(""));
    info.chatTemplate = std::string((*file)->getString("tokenizer.chat_template").value_or(""));
    return info;
}

int runTemplate(int argc, char** argv) {
    CliOptions o;
    if (auto usage = parseArgs(argc, argv, o)) {
        std::fprintf(stderr, "folio-cli template: %s\n%s", usage->c_str(), kUsage);
        return 2;
    }
    auto text = readFile(o.messages);
    auto messages =
        text ? parseChatMessages(*text) : Expected<std::vector<ChatMessage>>(text.error());
    if (!messages) {
        std::fprintf(stderr, "folio-cli template: %s: %s\n", o.messages.c_str(),
                     messages.error().message.c_str());
        return 1;
    }
    std::unique_ptr<ChatFormatter> formatter;
    if (!o.format.empty()) {
        formatter = makeChatFormatter(o.format);
        if (!formatter) {
            std::fprintf(stderr, "folio-cli template: unknown --format %s\n", o.format.c_str());
            return 2;
        }
    } else {
        auto info = readModelTemplate(o.model);
        if (!info) {
            std::fprintf(stderr, "folio-cli template: %s: %s\n", o.model.c_str(),
                         info.error().message.c_str());
            return 1;
        }
        formatter = selectChatFormatter(info->architecture, info->chatTemplate);
    }
    std::fprintf(stderr, "folio-cli template: format %.*s\n", int(formatter->name().size()),
                 formatter->name().data());
    const PromptText prompt = formatter->render(*messages, o.render);
    std::fwrite(prompt.text.data(), 1, prompt.text.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace folio
