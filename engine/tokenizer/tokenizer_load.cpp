// Tokenizer loaders: GGUF metadata (tokenizer.ggml.*) and HF tokenizer.json.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "engine/chat/json.h"
#include "engine/gguf/gguf.h"
#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/tokenizer_data.h"

namespace folio {
namespace {

constexpr size_t kMaxVocab = 16 * 1024 * 1024;          // sanity bound on ids read from files
constexpr std::string_view kSpmSpace = "\xE2\x96\x81";  // U+2581, SentencePiece's space

using Merges = std::vector<std::pair<std::string_view, std::string_view>>;

// Raw bytes of each token: byte-level BPE texts are decoded, added tokens are literal.
void computeBpeBytes(TokenizerData& d) {
    d.bytes.resize(d.texts.size());
    for (size_t id = 0; id < d.texts.size(); ++id) {
        const TokenType t = d.types[id];
        const bool literal =
            t == TokenType::Control || t == TokenType::UserDefined || t == TokenType::Unknown;
        if (literal || !byteLevelDecode(d.texts[id], d.bytes[id])) d.bytes[id] = d.texts[id];
    }
}

// SentencePiece: <0xNN> byte tokens are that byte, U+2581 is a space.
void computeSpmBytes(TokenizerData& d) {
    d.bytes.resize(d.texts.size());
    for (size_t id = 0; id < d.texts.size(); ++id) {
        const std::string& t = d.texts[id];
        std::string& out = d.bytes[id];
        if (d.types[id] == TokenType::Byte && t.size() == 6 && t.compare(0, 3, "<0x") == 0 &&
            t[5] == '>') {
            out.assign(1, char(std::stoi(t.substr(3, 2), nullptr, 16)));
            continue;
        }
        out.clear();
        for (size_t pos = 0; pos < t.size();) {
            if (t.compare(pos, kSpmSpace.size(), kSpmSpace) == 0) {
                out.push_back(' ');
                pos += kSpmSpace.size();
            } else {
                out.push_back(t[pos++]);
            }
        }
    }
}

Status readGgufIds(const GgufFile& f, TokenizerData& d) {
    const auto n = int64_t(d.texts.size());
    struct Key {
        const char* name;
        int32_t* target;
        bool required;  // out of range is an error (otherwise the id is ignored)
    };
    const Key keys[] = {
        {"tokenizer.ggml.bos_token_id", &d.bos, true},
        {"tokenizer.ggml.eos_token_id", &d.eos, true},
        {"tokenizer.ggml.eot_token_id", &d.eot, false},
        {"tokenizer.ggml.eom_token_id", &d.eom, false},
    };
    for (const Key& k : keys) {
        const auto v = f.getInt(k.name);
        if (!v) continue;
        if (*v >= 0 && *v < n) {
            *k.target = int32_t(*v);
        } else if (k.required && *v != -1) {
            return makeError(std::string(k.name) + " = " + std::to_string(*v) +
                             " is outside the vocabulary (" + std::to_string(n) + " tokens)");
        }
    }
    return {};
}

Expected<std::unique_ptr<Tokenizer>> finishBpe(std::unique_ptr<TokenizerData> d,
                                               const Merges& merges, const PreTokenizerInfo& pre);

}  // namespace

// Friend-free construction: Tokenizer's constructor is private, so the loaders go through this.
struct TokenizerFactory {
    static std::unique_ptr<Tokenizer> make(std::unique_ptr<TokenizerData> d) {
        return std::unique_ptr<Tokenizer>(new Tokenizer(std::move(d)));
    }
};

namespace {

Expected<std::unique_ptr<Tokenizer>> finishBpe(std::unique_ptr<TokenizerData> d,
                                               const Merges& merges, const PreTokenizerInfo& pre) {
    computeBpeBytes(*d);
    d->finish();
    auto bpe = BpeModel::create(*d, merges, pre);
    if (!bpe) return bpe.error();
    d->bpe = std::move(*bpe);
    return TokenizerFactory::make(std::move(d));
}

}  // namespace

Expected<std::unique_ptr<Tokenizer>> Tokenizer::fromGguf(const GgufFile& f) {
    const auto model = f.getString("tokenizer.ggml.model");
    if (!model) return makeError("GGUF has no tokenizer.ggml.model");
    auto tokens = f.getStringArray("tokenizer.ggml.tokens");
    if (!tokens || tokens->empty()) return makeError("GGUF has no tokenizer.ggml.tokens array");
    if (tokens->size() > kMaxVocab) return makeError("tokenizer.ggml.tokens is implausibly large");
    auto d = std::make_unique<TokenizerData>();
    d->texts.assign(tokens->begin(), tokens->end());
    d->types.assign(d->texts.size(), TokenType::Normal);
    if (auto types = f.getIntArray("tokenizer.ggml.token_type")) {
        if (types->size() != d->texts.size())
            return makeError("tokenizer.ggml.token_type has " + std::to_string(types->size()) +
                             " entries for " + std::to_string(d->texts.size()) + " tokens");
        for (size_t i = 0; i < types->size(); ++i) {
            const int64_t t = (*types)[i];
            d->types[i] = t >= 0 && t <= 6 ? TokenType(t) : TokenType::Normal;
        }
    }
    if (Status s = readGgufIds(f, *d); !s) return makeError(s.message());
    if (auto t = f.getString("tokenizer.chat_template")) d->chatTemplate = std::string(*t);
    d->addSpacePrefix = f.getBool("tokenizer.ggml.add_space_prefix").value_or(true);

    if (*model == "gpt2") {
        d->kind = TokenizerData::Kind::Bpe;
        d->addBos = f.getBool("tokenizer.ggml.add_bos_token").value_or(false);
        const std::string_view preName = f.getString("tokenizer.ggml.pre").value_or("");
        const PreTokenizerInfo* pre = findPreTokenizer(preName);
        if (!pre)
            return makeError("tokenizer.ggml.pre '" + std::string(preName) +
                             "' is not a supported pre-tokenizer");
        d->preName = std::string(preName);
        auto mergeTexts = f.getStringArray("tokenizer.ggml.merges");
        if (!mergeTexts) return makeError("GGUF has no tokenizer.ggml.merges array");
        Merges merges;
        merges.reserve(mergeTexts->size());
        for (std::string_view m : *mergeTexts) {
            const size_t space = m.find(' ', 1);
            if (space == std::string_view::npos)
                return makeError("tokenizer.ggml.merges entry '" + std::string(m) +
                                 "' is not two tokens separated by a space");
            merges.emplace_back(m.substr(0, space), m.substr(space + 1));
        }
        return finishBpe(std::move(d), merges, *pre);
    }
    if (*model == "llama") {
        d->kind = TokenizerData::Kind::Spm;
        d->addBos = f.getBool("tokenizer.ggml.add_bos_token").value_or(true);
        if (auto scores = f.getFloatArray("tokenizer.ggml.scores")) {
            if (scores->size() != d->texts.size())
                return makeError("tokenizer.ggml.scores does not match tokenizer.ggml.tokens");
            d->scores = std::move(*scores);
        }
        for (size_t i = 0; i < d->types.size() && d->unk < 0; ++i)
            if (d->types[i] == TokenType::Unknown) d->unk = int32_t(i);
        computeSpmBytes(*d);
        d->finish();
        auto spm = SpmModel::create(*d);
        if (!spm) return spm.error();
        d->spm = std::move(*spm);
        return TokenizerFactory::make(std::move(d));
    }
    return makeError("tokenizer.ggml.model '" + std::string(*model) + "' is not supported");
}

namespace {

Expected<std::string> readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError("cannot open '" + path + "'");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return makeError("cannot read '" + path + "'");
    return ss.str();
}

// A token named in tokenizer_config.json: a string or {"content": ...}.
std::string_view configTokenText(const JsonValue* v) {
    if (!v) return {};
    if (v->isString()) return v->asString();
    if (v->isObject()) return v->stringOr("content", "");
    return {};
}

std::string directoryOf(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

// Reads model.vocab and added_tokens into texts/types.
Status readJsonVocab(const JsonValue& root, const JsonValue& model, TokenizerData& d) {
    const JsonValue* vocab = model.find("vocab");
    if (!vocab || !vocab->isObject()) return makeError("tokenizer.json: model.vocab is missing");
    const JsonValue* added = root.find("added_tokens");
    size_t size = 0;
    auto checkId = [&](const JsonValue* id) -> int64_t {
        if (!id || !id->isNumber() || id->asDouble() < 0 || id->asDouble() >= double(kMaxVocab))
            return -1;
        size = std::max(size, size_t(id->asDouble()) + 1);
        return int64_t(id->asDouble());
    };
    for (const auto& [text, id] : vocab->members())
        if (checkId(&id) < 0)
            return makeError("tokenizer.json: bad id for vocab entry '" + text + "'");
    if (added && added->isArray())
        for (const JsonValue& a : added->items())
            if (checkId(a.find("id")) < 0)
                return makeError("tokenizer.json: added token with a bad id");
    d.texts.assign(size, std::string());
    d.types.assign(size, TokenType::Unused);
    for (const auto& [text, id] : vocab->members()) {
        d.texts[size_t(id.asDouble())] = text;
        d.types[size_t(id.asDouble())] = TokenType::Normal;
    }
    if (added && added->isArray()) {
        for (const JsonValue& a : added->items()) {
            const auto id = size_t(a.find("id")->asDouble());
            d.texts[id] = std::string(a.stringOr("content", ""));
            d.types[id] = a.boolOr("special", false) ? TokenType::Control : TokenType::UserDefined;
        }
    }
    return {};
}

Status readJsonMerges(const JsonValue& model, Merges& merges) {
    const JsonValue* list = model.find("merges");
    if (!list || !list->isArray()) return makeError("tokenizer.json: model.merges is missing");
    merges.reserve(list->items().size());
    for (const JsonValue& m : list->items()) {
        if (m.isString()) {
            const std::string_view s = m.asString();
            const size_t space = s.find(' ', 1);
            if (space == std::string_view::npos)
                return makeError("tokenizer.json: merge '" + m.asString() + "' has no space");
            merges.emplace_back(s.substr(0, space), s.substr(space + 1));
        } else if (m.isArray() && m.items().size() == 2 && m.items()[0].isString() &&
                   m.items()[1].isString()) {
            merges.emplace_back(m.items()[0].asString(), m.items()[1].asString());
        } else {
            return makeError("tokenizer.json: a merge is neither \"a b\" nor [a, b]");
        }
    }
    return {};
}

// Maps normalizer + pre_tokenizer to a registered variant; nullptr (and a message) if unknown.
const PreTokenizerInfo* jsonPreTokenizer(const JsonValue& root, bool* nfc, std::string* why) {
    const JsonValue* norm = root.find("normalizer");
    *nfc = false;
    if (norm && !norm->isNull()) {
        if (norm->stringOr("type", "") != "NFC") {
            *why = "tokenizer.json: normalizer '" + std::string(norm->stringOr("type", "?")) +
                   "' is not supported (null or NFC)";
            return nullptr;
        }
        *nfc = true;
    }
    const JsonValue* pre = root.find("pre_tokenizer");
    const std::string_view type = pre ? pre->stringOr("type", "") : "";
    if (type == "ByteLevel" && pre->boolOr("use_regex", true) &&
        !pre->boolOr("add_prefix_space", false))
        return findPreTokenizer("gpt-2");
    if (type == "Sequence") {
        const JsonValue* list = pre->find("pretokenizers");
        if (list && list->isArray() && list->items().size() == 2) {
            const JsonValue& split = list->items()[0];
            const JsonValue& byteLevel = list->items()[1];
            const JsonValue* pattern = split.find("pattern");
            const std::string_view regex = pattern ? pattern->stringOr("Regex", "") : "";
            if (split.stringOr("type", "") == "Split" &&
                split.stringOr("behavior", "") == "Isolated" && !split.boolOr("invert", false) &&
                byteLevel.stringOr("type", "") == "ByteLevel" &&
                !byteLevel.boolOr("use_regex", true) &&
                !byteLevel.boolOr("add_prefix_space", false)) {
                if (const PreTokenizerInfo* info = findPreTokenizerByRegex(regex)) return info;
                *why = "tokenizer.json: pre-tokenizer regex is not one we implement: " +
                       std::string(regex);
                return nullptr;
            }
        }
    }
    *why = "tokenizer.json: pre_tokenizer '" + std::string(type) + "' is not supported";
    return nullptr;
}

// tokenizer_config.json: chat template, bos/eos, add_bos_token.
void readTokenizerConfig(const JsonValue& cfg, TokenizerData& d) {
    if (const JsonValue* t = cfg.find("chat_template")) {
        if (t->isString()) {
            d.chatTemplate = t->asString();
        } else if (t->isArray()) {  // [{"name": "default", "template": ...}, ...]
            for (const JsonValue& e : t->items())
                if (e.stringOr("name", "") == "default")
                    d.chatTemplate = e.stringOr("template", "");
        }
    }
    auto idOf = [&](std::string_view text) -> int32_t {
        auto it = d.textToId.find(text);
        return text.empty() || it == d.textToId.end() ? -1 : it->second;
    };
    d.bos = idOf(configTokenText(cfg.find("bos_token")));
    d.eos = idOf(configTokenText(cfg.find("eos_token")));
    d.addBos = cfg.boolOr("add_bos_token", false);
}

}  // namespace

Expected<std::unique_ptr<Tokenizer>> Tokenizer::fromTokenizerJson(const std::string& path) {
    auto text = readFile(path);
    if (!text) return text.error();
    auto parsed = parseJson(*text);
    if (!parsed) return makeError(path + ": " + parsed.error().message);
    const JsonValue& root = *parsed;
    const JsonValue* model = root.find("model");
    if (!model || model->stringOr("type", "") != "BPE")
        return makeError("tokenizer.json: only BPE models are supported (model.type)");
    if (model->boolOr("byte_fallback", false))
        return makeError("tokenizer.json: byte_fallback BPE is not supported");
    auto d = std::make_unique<TokenizerData>();
    d->kind = TokenizerData::Kind::Bpe;
    std::string why;
    const PreTokenizerInfo* found = jsonPreTokenizer(root, &d->nfc, &why);
    if (!found) return makeError(why);
    PreTokenizerInfo pre = *found;
    pre.ignoreMerges = model->boolOr("ignore_merges", false);
    d->preName = std::string(pre.ggufName);
    if (Status s = readJsonVocab(root, *model, *d); !s) return makeError(s.message());
    Merges merges;
    if (Status s = readJsonMerges(*model, merges); !s) return makeError(s.message());
    d->finish();  // textToId for the config lookups; finishBpe rebuilds it
    const std::string configPath = directoryOf(path) + "/tokenizer_config.json";
    if (std::ifstream(configPath).good()) {
        auto cfgText = readFile(configPath);
        if (!cfgText) return cfgText.error();
        auto cfg = parseJson(*cfgText);
        if (!cfg) return makeError(configPath + ": " + cfg.error().message);
        readTokenizerConfig(*cfg, *d);
    }
    d->added = SpecialTrie();
    return finishBpe(std::move(d), merges, pre);
}

Expected<std::unique_ptr<Tokenizer>> Tokenizer::load(const std::string& path) {
    auto endsWith = [&](std::string_view s) {
        return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
    };
    if (endsWith(".json")) return fromTokenizerJson(path);
    if (endsWith(".gguf")) {
        auto file = GgufFile::open(path);
        if (!file) return file.error();
        return fromGguf(**file);
    }
    return makeError("'" + path + "' is neither a .gguf nor a tokenizer .json file");
}

}  // namespace folio
