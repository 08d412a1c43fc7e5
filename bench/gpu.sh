#!/usr/bin/env bash
# bench/gpu.sh: the CUDA backend on an NVIDIA GPU, against PyTorch on the same shapes (issue 6).
#
# Needs: nvidia-smi, a CUDA toolkit (nvcc), cmake + ninja + g++, Python with torch. No network.
# 1. Builds Folio with FOLIO_CUDA=ON for this GPU's architecture (from nvidia-smi's compute
#    capability) in build/gpu-bench; with Qt6 present also the test suites, else only the bench.
# 2. Runs `ctest -L gpu` (CPU-parity of every CUDA kernel) and memory_plan_test.
# 3. Runs build/gpu-bench/bin/folio-gpu-bench for Q4_K, Q4_0 and BF16 weights of the Qwen3-8B
#    shape: decode step time at context 512 and 32K (bytes read per step / step time, against the
#    measured device-to-device copy bandwidth) and a 32K-token prefill. KERNEL-LEVEL: Folio has no
#    CUDA forward pass yet, so a "decode step" is all matvecs of all layers + output matrix +
#    norms/RoPE/SwiGLU + paged split-K attention, and prefill is one layer measured x 36.
#    Weights are synthesised in GPU memory (same bytes per weight as the GGUF types).
# 4. Runs bench/gpu_torch_peer.py: the same shapes in bf16 through torch matmuls and
#    scaled_dot_product_attention (and transformers' Qwen3ForCausalLM when installed).
# 5. Writes results.json and results.md (for docs/benchmarks.md) to --out.
# With --models TOKENIZER_DIR it also writes synthetic Qwen3-8B GGUF files (q4_0 and f16) with
# scripts/make_synthetic_gguf.py, for a future end-to-end run; off by default (16+ GB, minutes).
# Q4_K_M files need llama-quantize, which such a machine usually lacks: Q4_K is benchmarked on
# synthesised weights instead.
#
# usage: bench/gpu.sh [--quick] [--out DIR] [--models TOKENIZER_DIR] [--no-torch] [--no-tests]
#   --quick  contexts 512,4096, prefill 4096, 5 steps (a smoke run)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$ROOT/build/bench-results/gpu-$(date +%Y%m%d-%H%M%S)"
contexts=512,32768 prefill=32768 steps=20 tokenizer="" torch=1 tests=1
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) contexts=512,4096 prefill=4096 steps=5; shift ;;
        --out) out="$2"; shift 2 ;;
        --models) tokenizer="$2"; shift 2 ;;
        --no-torch) torch=0; shift ;;
        --no-tests) tests=0; shift ;;
        -h | --help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "gpu.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
mkdir -p "$out"
log() { echo "[gpu.sh $(date +%H:%M:%S)] $*" >&2; }
start=$(date +%s)

command -v nvidia-smi > /dev/null || { echo "gpu.sh: nvidia-smi not found: no NVIDIA driver" >&2; exit 1; }
nvidia-smi --query-gpu=name,compute_cap,memory.total,driver_version --format=csv | tee "$out/nvidia-smi.csv"
arch=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d ' .')
[ -n "$arch" ] || { echo "gpu.sh: could not read the compute capability" >&2; exit 1; }
export PATH="$PATH:/usr/local/cuda/bin"
jobs=$(nproc)

build="$ROOT/build/gpu-bench"
log "configure (sm_$arch) in $build"
common=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DFOLIO_CUDA=ON -DFOLIO_CUDA_ARCHITECTURES="$arch")
targets=(folio-gpu-bench)
if [ "$tests" = 1 ] && cmake -S "$ROOT" -B "$build" "${common[@]}" -DFOLIO_BUILD_APP=ON > "$out/configure.log" 2>&1; then
    targets+=(cuda_parity_test cuda_attention_test memory_plan_test)
else
    [ "$tests" = 1 ] && log "configure with Qt failed (see configure.log); building the bench only"
    tests=0
    rm -f "$build/CMakeCache.txt"
    cmake -S "$ROOT" -B "$build" "${common[@]}" -DFOLIO_BUILD_APP=OFF > "$out/configure.log" 2>&1 \
        || { tail -20 "$out/configure.log"; exit 1; }
fi
log "build ${targets[*]}"
ninja -C "$build" -j"$jobs" "${targets[@]}" > "$out/build.log" 2>&1 || { tail -40 "$out/build.log"; exit 1; }

files=()
if [ "$tests" = 1 ]; then
    log "ctest -L gpu + memory_plan_test"
    set +e
    ctest --test-dir "$build" -R "cuda_|memory_plan" --output-on-failure > "$out/ctest.log" 2>&1
    rc=$?
    set -e
    summary=$(grep -E "tests passed|tests failed" "$out/ctest.log" | tail -1 || true)
    tail -25 "$out/ctest.log"
    python3 -c 'import json,sys; json.dump({"summary": sys.argv[1], "rc": int(sys.argv[2])}, open(sys.argv[3], "w"))' \
        "$summary" "$rc" "$out/ctest.json"
    files+=("$out/ctest.json")
fi

if [ -n "$tokenizer" ]; then
    for t in q4_0 f16; do
        log "synthetic qwen3-8b $t GGUF"
        python3 "$ROOT/scripts/make_synthetic_gguf.py" --shape qwen3-8b --type "$t" \
            --tokenizer "$tokenizer" --out "$out/qwen3-8b-$t.gguf" || log "make_synthetic_gguf $t failed"
    done
fi

for t in q4_k q4_0 bf16; do
    log "folio-gpu-bench qwen3-8b $t"
    if "$build/bin/folio-gpu-bench" --shape qwen3-8b --type "$t" --contexts "$contexts" \
        --prefill "$prefill" --steps "$steps" --out "$out/folio-$t.json" > "$out/folio-$t.log" 2>&1; then
        files+=("$out/folio-$t.json")
    else
        log "folio-gpu-bench $t failed:"; tail -5 "$out/folio-$t.log" >&2
    fi
done

if [ "$torch" = 1 ]; then
    log "PyTorch peer (bf16)"
    if python3 "$ROOT/bench/gpu_torch_peer.py" --shape qwen3-8b --contexts "$contexts" \
        --prefill "$prefill" --steps "$steps" --transformers --out "$out/torch-bf16.json" \
        > "$out/torch.log" 2>&1; then
        files+=("$out/torch-bf16.json")
    else
        log "torch peer failed:"; tail -5 "$out/torch.log" >&2
    fi
fi

[ ${#files[@]} -gt 0 ] && python3 "$ROOT/bench/gpu_report.py" --out "$out" "${files[@]}"
log "done in $(( $(date +%s) - start )) s; results in $out"
