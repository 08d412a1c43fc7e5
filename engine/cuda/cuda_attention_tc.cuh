#pragma once
// The tensor-core causal prefill attention kernel (cuda_attention_tc.cu), internal to
// engine/cuda: cuda_attention.cu chooses between it and the scalar reference kernel.
#include "engine/cuda/cuda_util.cuh"

namespace folio::cuda {

// True when the tensor-core kernel has an instantiation for layout.headDim (64, 128), its shared
// memory fits the current device's opt-in limit (D=128 needs 110 KiB: sm_80 and sm_90 yes,
// sm_86/sm_89 no) and the pool and strides allow 16-byte loads. Auto falls back to the scalar
// kernel otherwise.
bool tensorCorePrefillSupports(const __half* pool, const PagedKvLayout& layout);

// Same contract as launchPrefillAttention (layout and heads already validated by the caller):
// q, out: [nTok][nHead][headDim] f32 device pointers; the pool is read through blockTable. An
// Error when the head size is not compiled, when the pool offsets are not 16-byte aligned (the
// kernel reads K/V rows as 16-byte vectors) or when the shared-memory opt-in fails.
Status launchPrefillTensorCore(const __half* pool, const PagedKvLayout& layout,
                               const int32_t* blockTable, const float* q, int nTok, int startPos,
                               int nHead, float scale, float* out, cudaStream_t stream);

}  // namespace folio::cuda
