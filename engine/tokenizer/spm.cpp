// SentencePiece models (tokenizer.ggml.model "llama") through libsentencepiece. The GGUF holds
// the pieces, scores and types; we serialise them into a ModelProto by hand (the protobuf
// schema header is not installed with libsentencepiece-dev) and load that.
#include <cstring>

#include "engine/tokenizer/tokenizer_data.h"

#ifdef FOLIO_HAVE_SENTENCEPIECE
#include <sentencepiece_processor.h>
#endif

namespace folio {

#ifdef FOLIO_HAVE_SENTENCEPIECE
namespace {

// Minimal protobuf writer: varints, fixed32 and length-delimited fields.
class ProtoWriter {
public:
    void varint(uint64_t v) {
        while (v >= 0x80) {
            m_out.push_back(char(v | 0x80));
            v >>= 7;
        }
        m_out.push_back(char(v));
    }
    void tag(uint32_t field, uint32_t wireType) { varint((uint64_t(field) << 3) | wireType); }
    void intField(uint32_t field, int64_t v) {  // int32/enum/bool; negatives are sign-extended
        tag(field, 0);
        varint(uint64_t(v));
    }
    void floatField(uint32_t field, float v) {
        tag(field, 5);
        char b[4];
        std::memcpy(b, &v, 4);  // little-endian hosts only (x86-64, arm64)
        m_out.append(b, 4);
    }
    void bytesField(uint32_t field, std::string_view v) {
        tag(field, 2);
        varint(v.size());
        m_out.append(v);
    }
    const std::string& data() const { return m_out; }

private:
    std::string m_out;
};

// Field numbers from sentencepiece_model.proto.
enum : uint32_t {
    kModelPieces = 1,
    kModelTrainerSpec = 2,
    kModelNormalizerSpec = 3,
    kPieceText = 1,
    kPieceScore = 2,
    kPieceType = 3,
    kTrainerModelType = 3,
    kTrainerVocabSize = 4,
    kTrainerByteFallback = 35,
    kTrainerUnkId = 40,
    kTrainerBosId = 41,
    kTrainerEosId = 42,
    kTrainerPadId = 43,
    kNormName = 1,
    kNormAddDummyPrefix = 3,
    kNormRemoveExtraSpaces = 4,
    kNormEscapeSpaces = 5,
};
constexpr int kModelTypeBpe = 2;

std::string serializeModel(const TokenizerData& d) {
    ProtoWriter model;
    bool hasBytes = false;
    for (size_t id = 0; id < d.texts.size(); ++id) {
        ProtoWriter piece;
        piece.bytesField(kPieceText, d.texts[id]);
        piece.floatField(kPieceScore, id < d.scores.size() ? d.scores[id] : 0.0f);
        TokenType type = d.types[id];
        if (type == TokenType::Undefined) type = TokenType::Normal;
        hasBytes |= type == TokenType::Byte;
        piece.intField(kPieceType, int64_t(type));
        model.bytesField(kModelPieces, piece.data());
    }
    ProtoWriter trainer;
    trainer.intField(kTrainerModelType, kModelTypeBpe);
    trainer.intField(kTrainerVocabSize, int64_t(d.texts.size()));
    trainer.intField(kTrainerByteFallback, hasBytes ? 1 : 0);
    trainer.intField(kTrainerUnkId, d.unk);
    trainer.intField(kTrainerBosId, d.bos);
    trainer.intField(kTrainerEosId, d.eos);
    trainer.intField(kTrainerPadId, -1);
    model.bytesField(kModelTrainerSpec, trainer.data());
    // The space prefix is added by SpmModel::encode (per fragment, as llama.cpp does), so the
    // normaliser only escapes spaces as U+2581 and otherwise leaves the text alone.
    ProtoWriter norm;
    norm.bytesField(kNormName, "identity");
    norm.intField(kNormAddDummyPrefix, 0);
    norm.intField(kNormRemoveExtraSpaces, 0);
    norm.intField(kNormEscapeSpaces, 1);
    model.bytesField(kModelNormalizerSpec, norm.data());
    return model.data();
}

}  // namespace

struct SpmModel::Impl {
    sentencepiece::SentencePieceProcessor processor;
};

Expected<std::unique_ptr<SpmModel>> SpmModel::create(const TokenizerData& data) {
    if (data.unk < 0)
        return makeError("SentencePiece vocabulary has no unknown token (token_type 2)");
    std::unique_ptr<SpmModel> m(new SpmModel());
    m->m_impl = std::make_unique<Impl>();
    const auto status = m->m_impl->processor.LoadFromSerializedProto(serializeModel(data));
    if (!status.ok())
        return makeError("SentencePiece rejected the vocabulary: " + std::string(status.message()));
    return m;
}

SpmModel::~SpmModel() = default;

void SpmModel::encode(std::string_view text, bool addSpacePrefix, std::vector<int32_t>& out) const {
    std::string input;
    input.reserve(text.size() + 1);
    if (addSpacePrefix) input.push_back(' ');
    input.append(text);
    std::vector<int> ids;
    if (!m_impl->processor.Encode(input, &ids).ok()) return;
    out.insert(out.end(), ids.begin(), ids.end());
}

#else  // !FOLIO_HAVE_SENTENCEPIECE

struct SpmModel::Impl {};

Expected<std::unique_ptr<SpmModel>> SpmModel::create(const TokenizerData&) {
    return makeError("this build has no SentencePiece support (libsentencepiece not found)");
}

SpmModel::~SpmModel() = default;

void SpmModel::encode(std::string_view, bool, std::vector<int32_t>&) const {}

#endif

}  // namespace folio
