#pragma once
// Plain data shared by the engine API, the sampler and the chat formatter.
#include <cstdint>
#include <string>
#include <vector>

namespace folio {

// Gpu = the CUDA backend; Auto = CUDA when it loads and the model fits, else the CPU.
enum class Device { Cpu, Gpu, Auto };

// How the KV cache stores K and V (kv_cache.h). F16 is the default. Q8_0 stores each row as int8
// in groups of kKvQ8Group values with one f32 scale per group (attention_kernels.h: value =
// q * scale): 1.125 bytes per value instead of 2, so decode at depth, which streams every K/V
// byte per token, reads 44% less. The CUDA backend keeps its own f16 KV whatever this says.
enum class KvType { F32, F16, Q8_0 };

struct ChatMessage {
    std::string role;     // "system", "user" or "assistant"
    std::string content;  // UTF-8; never parsed for special tokens
};

// Sampling settings. Defaults are Qwen3's non-thinking recommendation.
struct SamplingParams {
    float temperature = 0.7f;  // <= 0 means greedy
    int topK = 20;             // <= 0 disables
    float topP = 0.8f;         // >= 1 disables
    float minP = 0.0f;         // <= 0 disables
    float presencePenalty = 0.0f;
    float repetitionPenalty = 1.0f;  // 1 disables
    int penaltyLastN = 64;           // tokens looked back for the penalties
    uint64_t seed = 0;               // 0 = random seed
    std::vector<std::string> stopStrings;

    static SamplingParams qwen3Thinking() { return {0.6f, 20, 0.95f, 0.0f, 0, 1.0f, 64, 0, {}}; }
    static SamplingParams qwen3NonThinking() { return {0.7f, 20, 0.8f, 0.0f, 0, 1.0f, 64, 0, {}}; }
    static SamplingParams greedy() { return {0.0f, 1, 1.0f, 0.0f, 0, 1.0f, 64, 1, {}}; }
};

enum class FinishReason { EndOfText, StopString, Length, Cancelled, Error };

struct GenerationResult {
    FinishReason reason = FinishReason::EndOfText;
    std::string error;  // set when reason == Error (e.g. prompt does not fit)
    int promptTokens = 0;
    int reusedPromptTokens = 0;    // served from the KV prefix cache (memory or disk)
    int restoredPromptTokens = 0;  // of those, loaded from the disk tier (kv_disk.h)
    int generatedTokens = 0;
    double timeToFirstTokenMs = 0;
    double prefillTokensPerSecond = 0;
    double decodeTokensPerSecond = 0;
};

}  // namespace folio
