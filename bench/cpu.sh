#!/usr/bin/env bash
# bench/cpu.sh: Folio's CPU speed against llama.cpp on the same machine, files and threads.
#
# 1. Builds llama.cpp's llama-bench and llama-quantize OUTSIDE the repository (in --peer-dir) from
#    the llama-cpp-python source distribution on PyPI; an existing build there is reused. Compiles
#    bench/peer/llama_depth_bench.cpp against it (a plain c++ command, into --peer-dir; it shares
#    engine/cli/bench_stats.h with folio-cli bench): the depth driver, which prefills a depth once
#    and decodes repetitions from it.
# 2. Builds folio-cli and membw with the release preset (build/release).
# 3. Makes the models: the default model (scripts/fetch-model, or --model FILE); a synthetic
#    Qwen3-0.6B-shaped f16 GGUF (scripts/make_synthetic_gguf.py) quantized by llama-quantize to
#    Q8_0 and Q4_K_M; with --with-8b a synthetic Qwen3-8B-shaped Q4_K_M (decode only); with
#    --with-bf16 the 0.6B shape in BF16 (prefill 512 and decode 128).
# 4. Measures memory read bandwidth, then runs llama-bench and `folio-cli bench --json`
#    alternately (bench/cpu_pairs.py): prefill 512 and 4096, decode 128, decode 128 at depths
#    8192 and 16384 (llama.cpp with flash attention on and off; one depth prefill per engine and
#    setting, then --pairs repetitions: `folio-cli bench -r`, the driver's -r), at 1 and 2
#    threads, --pairs pairs each after a warm-up. Writes raw.jsonl, results.json, results.md and
#    chart.png to --out.
#
# usage: bench/cpu.sh [--quick] [--model FILE] [--pairs N] [--threads 1,2] [--with-8b]
#                     [--no-synthetic] [--peer-dir DIR] [--models-dir DIR] [--out DIR]
#                     [--folio-build DIR] [--taskset CPUS] [--tests LIST] [--models LIST]
#                     [--prepare-only] [--folio-kv LIST] [--with-bf16] [--llama-fa LIST]
#   --quick   the default model only, 1 pair, prefill 128 / decode 32 / decode 32 at depth 1024:
#             a smoke run that finishes in minutes once the tools are built.
#   --tests   only these cells' tests, e.g. tg128@d8192,tg128@d16384 (any ppN, tgN, tgN@dD)
#   --models  only the models whose label contains one of these, e.g. q4_k_m,default (labels:
#             default, qwen3-0.6b-Q8_0, qwen3-0.6b-Q4_K_M, qwen3-8b-Q4_K_M, qwen3-0.6b-BF16;
#             case-insensitive)
#   --prepare-only  build the tools and make the models, then stop (no measurements)
#   --llama-fa LIST  llama.cpp's flash-attention settings in depth cells (default 0,1); e.g. 0
#             where "on" is known to be the slower one (at 8K it decodes at half the speed) and
#             its depth prefill would take most of the run
#   --folio-kv LIST  Folio's KV cache types to measure, e.g. f16,q8_0 (default f16): each type
#             after the first is one more Folio engine ("folio-q8_0") in every cell
# Environment: FOLIO_LLAMA_BIN=DIR uses llama-bench/llama-quantize from DIR instead of building
# (the depth driver then compiles against DIR/../.. when it holds include/llama.h, else against
# FOLIO_LLAMA_SRC).
# Network: PyPI only (pip download of llama-cpp-python's sdist, gguf/numpy/matplotlib).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/common.sh
source "$ROOT/scripts/common.sh"

LLAMA_PY_VERSION=0.3.36
quick=0 pairs=5 threads=1,2 with8b=0 withBf16=0 synthetic=1 model="" taskset="" tests="" models=""
prepareOnly=0 folioKv="" llamaFa=""
peerDir="${XDG_CACHE_HOME:-$HOME/.cache}/folio/peer"
modelsDir="${XDG_CACHE_HOME:-$HOME/.cache}/folio/bench-models"
outDir="$ROOT/build/bench-results/$(date +%Y%m%d-%H%M%S)"
folioBuild="$ROOT/build/release"
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1; shift ;;
        --model) model="$2"; shift 2 ;;
        --pairs) pairs="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --with-8b) with8b=1; shift ;;
        --with-bf16) withBf16=1; shift ;;
        --no-synthetic) synthetic=0; shift ;;
        --peer-dir) peerDir="$2"; shift 2 ;;
        --models-dir) modelsDir="$2"; shift 2 ;;
        --out) outDir="$2"; shift 2 ;;
        --folio-build) folioBuild="$2"; shift 2 ;;
        --taskset) taskset="$2"; shift 2 ;;
        --tests) tests="$2"; shift 2 ;;
        --models) models="$2"; shift 2 ;;
        --prepare-only) prepareOnly=1; shift ;;
        --folio-kv) folioKv="$2"; shift 2 ;;
        --llama-fa) llamaFa="$2"; shift 2 ;;
        -h | --help)
            awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"
            exit 0
            ;;
        *) folio_die "unknown argument '$1' (see --help)" ;;
    esac
done
[ "$quick" = 1 ] && pairs=1 synthetic=0 with8b=0 withBf16=0
mkdir -p "$peerDir" "$modelsDir" "$outDir"

# ---- 1. llama.cpp -------------------------------------------------------------------------------
# Whether AMX tile instructions run here. Some virtual machines list amx_tile in /proc/cpuinfo
# but do not enable the tile state, so llama.cpp's native build (which uses AMX for prefill when
# the compiler targets it) dies with SIGILL there: probe it with a tiny program first.
amxUsable() {
    grep -q -w amx_tile /proc/cpuinfo || return 1
    local probe="$peerDir/amx-probe"
    cat >"$probe.c" <<'PROBE'
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <immintrin.h>
int main(void) {
    /* ARCH_REQ_XCOMP_PERM (0x1023) for XFEATURE_XTILEDATA (18): Linux's opt-in to tile state. */
    if (syscall(SYS_arch_prctl, 0x1023, 18) != 0) return 1;
    struct { unsigned char palette, start, reserved[14]; unsigned short colsb[16];
             unsigned char rows[16]; } cfg __attribute__((aligned(64)));
    memset(&cfg, 0, sizeof cfg);
    cfg.palette = 1; cfg.colsb[0] = 64; cfg.rows[0] = 16;
    _tile_loadconfig(&cfg);
    _tile_zero(0);
    _tile_release();
    return 0;
}
PROBE
    cc -O1 -mamx-tile "$probe.c" -o "$probe" 2>/dev/null || return 1
    "$probe" 2>/dev/null
}

# The compiler flags llama.cpp is built with beyond its native ones: AMX off where it cannot run.
llamaExtraFlags() {
    if grep -q -w amx_tile /proc/cpuinfo && ! amxUsable; then
        echo "-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
    fi
}

buildLlama() {
    local src="$peerDir/llama_cpp_python-$LLAMA_PY_VERSION" build="$peerDir/build"
    if [ ! -d "$src/vendor/llama.cpp" ]; then
        folio_log "downloading llama-cpp-python==$LLAMA_PY_VERSION (source distribution)"
        python3 -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: \
            -d "$peerDir" "llama-cpp-python==$LLAMA_PY_VERSION" </dev/null ||
            folio_die "pip download llama-cpp-python failed (is PyPI reachable?)"
        tar -xzf "$peerDir/llama_cpp_python-$LLAMA_PY_VERSION.tar.gz" -C "$peerDir"
    fi
    folio_log "building llama-bench and llama-quantize in $build (native CPU flags${1:+, $1})"
    # GCC keeps explicit -mno-* ISA flags over the ones -march=native implies, whatever the order.
    cmake -S "$src/vendor/llama.cpp" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DGGML_NATIVE=ON -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
        -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_TOOLS=ON "-DCMAKE_C_FLAGS=$1" \
        "-DCMAKE_CXX_FLAGS=$1" >"$peerDir/cmake.log" 2>&1 ||
        folio_die "llama.cpp configure failed: see $peerDir/cmake.log"
    cmake --build "$build" -j "$(folio_jobs)" --target llama-bench llama-quantize \
        >"$peerDir/build.log" 2>&1 || folio_die "llama.cpp build failed: see $peerDir/build.log"
    echo "$1" >"$build/folio-extra-flags"
}
llamaBin="${FOLIO_LLAMA_BIN:-$peerDir/build/bin}"
if [ -z "${FOLIO_LLAMA_BIN:-}" ]; then
    extraFlags="$(llamaExtraFlags)"
    # Rebuilt when missing or built with other extra flags (a machine whose AMX state differs).
    if [ ! -x "$llamaBin/llama-bench" ] || [ ! -x "$llamaBin/llama-quantize" ] ||
        [ "$(cat "$peerDir/build/folio-extra-flags" 2>/dev/null)" != "$extraFlags" ]; then
        buildLlama "$extraFlags"
    fi
elif [ ! -x "$llamaBin/llama-bench" ]; then
    folio_die "FOLIO_LLAMA_BIN=$FOLIO_LLAMA_BIN has no llama-bench"
fi
folio_log "llama.cpp tools: $llamaBin"

# The depth driver: our own code against llama.h, built outside the repository next to the peer.
llamaSrc="${FOLIO_LLAMA_SRC:-}"
if [ -z "$llamaSrc" ]; then
    if [ -n "${FOLIO_LLAMA_BIN:-}" ] && [ -f "$llamaBin/../../include/llama.h" ]; then
        llamaSrc="$(cd "$llamaBin/../.." && pwd)"
    else
        llamaSrc="$peerDir/llama_cpp_python-$LLAMA_PY_VERSION/vendor/llama.cpp"
    fi
fi
depthDriver="$peerDir/llama_depth_bench"
driverSrc="$ROOT/bench/peer/llama_depth_bench.cpp"
driverHeader="$ROOT/engine/cli/bench_stats.h"  # shared with folio-cli bench
if [ ! -x "$depthDriver" ] || [ "$driverSrc" -nt "$depthDriver" ] ||
    [ "$driverHeader" -nt "$depthDriver" ]; then
    [ -f "$llamaSrc/include/llama.h" ] ||
        folio_die "no llama.h under $llamaSrc/include (set FOLIO_LLAMA_SRC to the llama.cpp tree)"
    folio_log "compiling $depthDriver against $llamaSrc"
    c++ -O2 -std=c++17 -I"$ROOT" -I"$llamaSrc/include" -I"$llamaSrc/ggml/include" "$driverSrc" \
        -o "$depthDriver" -L"$llamaBin" -lllama -lggml-cpu -lggml-base -lggml \
        -Wl,-rpath,"$llamaBin" || folio_die "compiling the depth driver failed"
fi

# ---- 2. Folio -----------------------------------------------------------------------------------
if [ ! -f "$folioBuild/CMakeCache.txt" ]; then
    if [ "$folioBuild" = "$ROOT/build/release" ]; then
        (cd "$ROOT" && cmake --preset release >"$outDir/folio-configure.log" 2>&1) ||
            folio_die "configure failed: see $outDir/folio-configure.log"
    else
        cmake -S "$ROOT" -B "$folioBuild" -G Ninja -DCMAKE_BUILD_TYPE=Release \
            >"$outDir/folio-configure.log" 2>&1 || folio_die "configure failed"
    fi
fi
grep -q 'CMAKE_BUILD_TYPE:STRING=Release' "$folioBuild/CMakeCache.txt" ||
    folio_log "warning: $folioBuild is not a Release build; numbers will be low"
folio_log "building folio-cli and membw in $folioBuild"
cmake --build "$folioBuild" -j "$(folio_jobs)" --target folio-cli membw \
    >"$outDir/folio-build.log" 2>&1 || folio_die "Folio build failed: see $outDir/folio-build.log"

# ---- 3. Models ----------------------------------------------------------------------------------
python3 -c 'import gguf, numpy' 2>/dev/null ||
    python3 -m pip install -q --disable-pip-version-check gguf numpy </dev/null
python3 -c 'import matplotlib' 2>/dev/null ||
    python3 -m pip install -q --disable-pip-version-check matplotlib </dev/null ||
    folio_log "matplotlib not installable: no chart"

# wanted LABEL: whether --models selects the model (all without --models).
wanted() {
    [ -z "$models" ] && return 0
    local m label
    label="$(echo "$1" | tr '[:upper:]' '[:lower:]')"
    for m in $(echo "$models" | tr '[:upper:]' '[:lower:]' | tr ',' ' '); do
        case "$label" in *"$m"*) return 0 ;; esac
    done
    return 1
}

if [ -z "$model" ] && wanted default; then
    model="${FOLIO_TEST_MODEL:-$FOLIO_MODEL_CACHE_DIR/$FOLIO_MODEL_FILE}"
    [ -f "$model" ] || "$ROOT/scripts/fetch-model"
fi
[ -z "$model" ] || [ -f "$model" ] || folio_die "no model file at $model"

tokenizerDir="${FOLIO_SHARED_DIR:-$ROOT/../shared}/data/qwen3-tokenizer"
freeGb() { df -P --block-size=1G "$modelsDir" | awk 'NR == 2 { print $4 }'; }
# makeSynthetic SHAPE PYTYPE OUT QUANT: python-gguf writes SHAPE in PYTYPE, llama-quantize
# converts it to QUANT; the intermediate file is deleted when it is larger than 4 GB.
makeSynthetic() {
    local shape="$1" pytype="$2" out="$3" quant="$4" base="$modelsDir/synthetic-$1-$2.gguf"
    [ -f "$out" ] && return 0
    [ -d "$tokenizerDir" ] || folio_die "no Qwen3 tokenizer at $tokenizerDir (set FOLIO_SHARED_DIR)"
    if [ ! -f "$base" ]; then
        folio_log "writing $base"
        python3 "$ROOT/scripts/make_synthetic_gguf.py" --shape "$shape" --type "$pytype" \
            --tokenizer "$tokenizerDir" --out "$base.part" && mv "$base.part" "$base"
    fi
    folio_log "llama-quantize $quant -> $out"
    "$llamaBin/llama-quantize" --allow-requantize "$base" "$out.part" "$quant" \
        >"$outDir/quantize-$shape-$quant.log" 2>&1 || folio_die "llama-quantize failed"
    mv "$out.part" "$out"
    if [ "$(stat -c %s "$base")" -gt $((4 << 30)) ]; then rm -f "$base"; fi
}

modelArgs=()
[ -n "$model" ] && modelArgs+=(--model "default=$model")
if [ "$synthetic" = 1 ] && { wanted qwen3-0.6b-Q8_0 || wanted qwen3-0.6b-Q4_K_M; }; then
    [ "$(freeGb)" -ge 4 ] || folio_die "need 4 GB free in $modelsDir for the 0.6B models"
    q8="$modelsDir/synthetic-qwen3-0.6b-q8_0.gguf"
    q4km="$modelsDir/synthetic-qwen3-0.6b-q4_k_m.gguf"
    makeSynthetic qwen3-0.6b f16 "$q8" Q8_0
    makeSynthetic qwen3-0.6b f16 "$q4km" Q4_K_M
    modelArgs+=(--model "qwen3-0.6b-Q8_0=$q8" --model "qwen3-0.6b-Q4_K_M=$q4km")
fi
if [ "$withBf16" = 1 ] && wanted qwen3-0.6b-BF16; then
    # BF16 weights: Folio's vdpbf16ps kernels (the avx512-bf16 level) against llama.cpp's.
    bf16="$modelsDir/synthetic-qwen3-0.6b-bf16.gguf"
    makeSynthetic qwen3-0.6b f16 "$bf16" BF16
    modelArgs+=(--model "qwen3-0.6b-BF16=$bf16:pp512,tg128")
fi
if [ "$with8b" = 1 ] && wanted qwen3-8b-Q4_K_M; then
    # The 8B f16 would be 16 GB on disk and in python-gguf's memory; q4_0 (4.6 GB) is written
    # instead and requantized: the weights are random, only the shapes and final types matter.
    q8b="$modelsDir/synthetic-qwen3-8b-q4_k_m.gguf"
    if [ ! -f "$q8b" ]; then
        [ "$(freeGb)" -ge 12 ] || folio_die "need 12 GB free in $modelsDir for the 8B model"
        makeSynthetic qwen3-8b q4_0 "$q8b" Q4_K_M
    fi
    modelArgs+=(--model "qwen3-8b-Q4_K_M=$q8b:tg128")
fi

if [ "$prepareOnly" = 1 ]; then
    folio_log "tools and models ready (--prepare-only): $llamaBin, $folioBuild/bin, $modelsDir"
    exit 0
fi

# ---- 4. Pairs -----------------------------------------------------------------------------------
pairArgs=(--llama-bench "$llamaBin/llama-bench" --folio-cli "$folioBuild/bin/folio-cli"
    --membw "$folioBuild/bin/membw" --out "$outDir" --pairs "$pairs" --threads "$threads"
    --llama-depth "$depthDriver")
[ "$quick" = 1 ] && pairArgs+=(--quick)
[ -n "$tests" ] && pairArgs+=(--tests "$tests")
[ -n "$models" ] && pairArgs+=(--models "$models")
[ -n "$folioKv" ] && pairArgs+=(--folio-kv "$folioKv")
[ -n "$llamaFa" ] && pairArgs+=(--llama-fa "$llamaFa")
[ "${#modelArgs[@]}" -gt 0 ] || folio_die "--models '$models' selects no model"
[ -n "$taskset" ] && pairArgs+=(--taskset "$taskset")
folio_log "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$ROOT/bench/cpu_pairs.py" "${pairArgs[@]}" "${modelArgs[@]}"
folio_log "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
