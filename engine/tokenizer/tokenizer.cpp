#include "engine/tokenizer/tokenizer.h"

#include <algorithm>

#include "engine/tokenizer/tokenizer_data.h"
#include "engine/tokenizer/unicode.h"

namespace folio {
namespace {

// Texts that end a turn in the chat formats we know, besides the ids the model names.
constexpr std::string_view kEndOfGenerationTexts[] = {
    "<|im_end|>",    "<|endoftext|>", "<|eot_id|>", "<|eom_id|>", "<|end_of_text|>",
    "<end_of_turn>", "<|end|>",       "<|return|>", "<EOT>",      "<|END_OF_TURN_TOKEN|>",
};

bool isAddedType(TokenType t) {
    return t == TokenType::Control || t == TokenType::UserDefined || t == TokenType::Unknown;
}

}  // namespace

// ---- SpecialTrie ----

void SpecialTrie::insert(std::string_view text, int32_t id, bool control) {
    if (text.empty()) return;
    int32_t node = 0;
    for (char ch : text) {
        const auto b = static_cast<unsigned char>(ch);
        int32_t next = -1;
        for (const auto& [byte, child] : m_nodes[node].next)
            if (byte == b) next = child;
        if (next < 0) {
            next = int32_t(m_nodes.size());
            m_nodes[node].next.emplace_back(b, next);
            m_nodes.emplace_back();
        }
        node = next;
    }
    if (m_nodes[node].id < 0) {  // the first id with this text wins
        m_nodes[node].id = id;
        m_nodes[node].control = control;
    }
    m_first[static_cast<unsigned char>(text[0])] = true;
}

std::pair<int32_t, size_t> SpecialTrie::match(std::string_view text, size_t pos,
                                              bool allowControl) const {
    std::pair<int32_t, size_t> best{-1, 0};
    int32_t node = 0;
    for (size_t i = pos; i < text.size(); ++i) {
        const auto b = static_cast<unsigned char>(text[i]);
        int32_t next = -1;
        for (const auto& [byte, child] : m_nodes[node].next)
            if (byte == b) next = child;
        if (next < 0) break;
        node = next;
        const Node& n = m_nodes[node];
        if (n.id >= 0 && (allowControl || !n.control)) best = {n.id, i + 1 - pos};
    }
    return best;
}

// ---- TokenizerData ----

TokenizerData::TokenizerData() = default;
TokenizerData::~TokenizerData() = default;

void TokenizerData::finish() {
    textToId.clear();
    textToId.reserve(texts.size());
    for (size_t id = 0; id < texts.size(); ++id) textToId.emplace(texts[id], int32_t(id));
    endOfGeneration.assign(texts.size(), 0);
    for (int32_t id : {eos, eot, eom})
        if (id >= 0 && size_t(id) < texts.size()) endOfGeneration[id] = 1;
    for (size_t id = 0; id < texts.size(); ++id) {
        if (!isAddedType(types[id])) continue;
        added.insert(texts[id], int32_t(id), types[id] != TokenType::UserDefined);
        for (std::string_view t : kEndOfGenerationTexts)
            if (texts[id] == t) endOfGeneration[id] = 1;
    }
}

// ---- Tokenizer ----

namespace {

// Encoding state across fragments: SentencePiece prefixes a space to a text fragment at the
// start and after an added token (llama.cpp's rule).
struct EncodeState {
    std::vector<int32_t> ids;
    bool afterAdded = true;
};

void encodePlain(const TokenizerData& d, std::string_view text, EncodeState& st) {
    if (text.empty()) return;
    std::string normalized;
    if (d.nfc) {
        normalized = unicode::nfc(text);
        text = normalized;
    }
    if (d.kind == TokenizerData::Kind::Bpe) {
        d.bpe->encode(text, st.ids);
    } else {
        d.spm->encode(text, d.addSpacePrefix && st.afterAdded, st.ids);
    }
    st.afterAdded = false;
}

void encodeWithAdded(const TokenizerData& d, std::string_view text, bool parseSpecial,
                     EncodeState& st) {
    size_t plainStart = 0;
    for (size_t pos = 0; pos < text.size();) {
        if (!d.added.mayStart(static_cast<unsigned char>(text[pos]))) {
            ++pos;
            continue;
        }
        const auto [id, length] = d.added.match(text, pos, parseSpecial);
        if (id < 0) {
            ++pos;
            continue;
        }
        encodePlain(d, text.substr(plainStart, pos - plainStart), st);
        st.ids.push_back(id);
        st.afterAdded = true;
        pos += length;
        plainStart = pos;
    }
    encodePlain(d, text.substr(plainStart), st);
}

}  // namespace

Tokenizer::Tokenizer(std::unique_ptr<TokenizerData> data) : m_data(std::move(data)) {}
Tokenizer::~Tokenizer() = default;

std::vector<int32_t> Tokenizer::encode(std::string_view text, bool parseSpecial) const {
    EncodeState st;
    st.ids.reserve(text.size() / 3 + 1);
    encodeWithAdded(*m_data, text, parseSpecial, st);
    return std::move(st.ids);
}

std::vector<int32_t> Tokenizer::encodePrompt(const PromptText& prompt) const {
    EncodeState st;
    const std::string_view text = prompt.text;
    auto plain = [&](std::string_view segment) {
        if (segment.size() < kSegmentCacheMinBytes) {
            encodeWithAdded(*m_data, segment, false, st);
            return;
        }
        std::string key(segment);
        key.push_back(st.afterAdded ? '\1' : '\0');
        {
            std::lock_guard<std::mutex> lock(m_segmentMutex);
            auto it = m_segmentCache.find(key);
            if (it != m_segmentCache.end()) {
                st.ids.insert(st.ids.end(), it->second.ids.begin(), it->second.ids.end());
                st.afterAdded = it->second.afterAdded;
                return;
            }
        }
        const size_t first = st.ids.size();
        encodeWithAdded(*m_data, segment, false, st);
        std::lock_guard<std::mutex> lock(m_segmentMutex);
        if (m_segmentCacheBytes + key.size() > kSegmentCacheMaxBytes) {
            m_segmentCache.clear();
            m_segmentCacheBytes = 0;
        }
        m_segmentCacheBytes += key.size();
        m_segmentCache[std::move(key)] = SegmentIds{
            std::vector<int32_t>(st.ids.begin() + long(first), st.ids.end()), st.afterAdded};
    };
    size_t pos = 0;
    for (const SpecialSpan& span : prompt.specials) {
        if (span.offset < pos || span.offset > text.size() ||
            span.length > text.size() - span.offset)
            continue;  // malformed span: its text stays ordinary text
        plain(text.substr(pos, span.offset - pos));
        const std::string_view tokenText = text.substr(span.offset, span.length);
        auto it = m_data->textToId.find(tokenText);
        if (it != m_data->textToId.end() && isAddedType(m_data->types[it->second])) {
            st.ids.push_back(it->second);
            st.afterAdded = true;
        } else {
            encodeWithAdded(*m_data, tokenText, false, st);
        }
        pos = span.offset + span.length;
    }
    plain(text.substr(pos));
    return std::move(st.ids);
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids) const {
    std::string out;
    for (size_t i = 0; i < ids.size(); ++i) {
        const int32_t id = ids[i];
        if (id < 0 || id >= vocabSize()) continue;
        std::string_view piece = m_data->bytes[id];
        if (i == 0 && m_data->kind == TokenizerData::Kind::Spm && m_data->addSpacePrefix &&
            !isAddedType(m_data->types[id]) && !piece.empty() && piece[0] == ' ')
            piece.remove_prefix(1);
        out.append(piece);
    }
    return out;
}

std::string Tokenizer::tokenBytes(int32_t id) const {
    if (id < 0 || id >= vocabSize()) return {};
    return m_data->bytes[id];
}

std::optional<int32_t> Tokenizer::tokenId(std::string_view tokenText) const {
    auto it = m_data->textToId.find(tokenText);
    if (it == m_data->textToId.end()) return std::nullopt;
    return it->second;
}

int32_t Tokenizer::vocabSize() const {
    return int32_t(m_data->texts.size());
}
int32_t Tokenizer::bosId() const {
    return m_data->bos;
}
int32_t Tokenizer::eosId() const {
    return m_data->eos;
}
bool Tokenizer::addBosDefault() const {
    return m_data->addBos && m_data->bos >= 0;
}

bool Tokenizer::isEndOfGeneration(int32_t id) const {
    return id >= 0 && id < vocabSize() && m_data->endOfGeneration[id] != 0;
}

std::string_view Tokenizer::chatTemplate() const {
    return m_data->chatTemplate;
}

std::string Tokenizer::describe() const {
    if (m_data->kind == TokenizerData::Kind::Spm) return "spm";
    return "bpe/" + m_data->preName + (m_data->nfc ? "+nfc" : "");
}

// ---- StreamingDetokenizer ----

StreamingDetokenizer::StreamingDetokenizer(const Tokenizer& tokenizer) : m_tokenizer(tokenizer) {}

std::string StreamingDetokenizer::push(int32_t id) {
    m_pending += m_first ? m_tokenizer.decode({id}) : m_tokenizer.tokenBytes(id);
    m_first = false;
    const size_t complete = unicode::completeUtf8Prefix(m_pending);
    std::string out = unicode::sanitizeUtf8(std::string_view(m_pending).substr(0, complete));
    m_pending.erase(0, complete);
    return out;
}

std::string StreamingDetokenizer::flush() {
    std::string out = unicode::sanitizeUtf8(m_pending);
    m_pending.clear();
    m_first = true;
    return out;
}

}  // namespace folio
