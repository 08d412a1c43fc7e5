#!/usr/bin/env bash
# Runs each libFuzzer target of fuzz/ for N seconds on its committed seed corpus.
#
#   scripts/fuzz.sh [--bin DIR] [--seconds N] [--jobs N] [--only NAME] [--skip-missing] [-- ARGS]
#
# DIR is the bin/ folder of a FOLIO_FUZZ=ON build (default build/fuzz/bin; build it with
#   CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DFOLIO_FUZZ=ON -DFOLIO_CUDA=OFF \
#       -DFOLIO_BUILD_TESTS=OFF && ninja -C build/fuzz folio_fuzzers).
# New inputs go to a scratch corpus WORK/NAME (WORK: $FOLIO_FUZZ_WORK, default build/fuzz-work),
# never into fuzz/corpus/; crashes are written to WORK/NAME/crash-*, and each run's log (with the
# final cov/ft/exec figures) to WORK/NAME.log. Exit status: 0 all clean, 1 a target crashed,
# failed or is not built, 77 no fuzz build and --skip-missing (CTest's skip code) unless
# FOLIO_REQUIRE_FUZZ=1 (CI: a missing fuzz build fails).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/build/fuzz/bin"
seconds=30
jobs=1
only=""
skip_missing=0
extra=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --bin) bin="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        --only) only="$2"; shift 2 ;;
        --skip-missing) skip_missing=1; shift ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "fuzz.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

targets=(fuzz_gguf fuzz_tokenizer_encode fuzz_detokenizer fuzz_chat_format fuzz_json
         fuzz_kv_disk fuzz_conversation_import fuzz_pdf)
if [[ -n "$only" ]]; then
    known=0
    for t in "${targets[@]}"; do [[ "$t" == "$only" ]] && known=1; done
    [[ $known -eq 1 ]] || { echo "fuzz.sh: unknown target '$only'" >&2; exit 2; }
    targets=("$only")
fi
found=0
for t in "${targets[@]}"; do [[ -x "$bin/$t" ]] && found=1; done
if [[ $found -eq 0 ]]; then
    echo "fuzz.sh: no fuzz targets in $bin (configure a clang build with -DFOLIO_FUZZ=ON)" >&2
    [[ $skip_missing -eq 1 && "${FOLIO_REQUIRE_FUZZ:-0}" != 1 ]] && exit 77
    exit 1
fi

work="${FOLIO_FUZZ_WORK:-$root/build/fuzz-work}"
status=0
for t in "${targets[@]}"; do
    if [[ ! -x "$bin/$t" ]]; then
        echo "fuzz.sh: $t not built in $bin" >&2
        status=1
        continue
    fi
    seeds="$root/fuzz/corpus/${t#fuzz_}"
    scratch="$work/$t"
    mkdir -p "$scratch"
    log="$work/$t.log"
    echo "== $t: ${seconds}s, seeds $seeds"
    # -rss_limit_mb / -malloc_limit_mb: an allocation the input size does not justify is a bug.
    parallel=()
    # -jobs=1 would still switch libFuzzer to job mode (output in fuzz-N.log): only use it for >1.
    [[ "$jobs" -gt 1 ]] && parallel=(-jobs="$jobs" -workers="$jobs")
    if ! "$bin/$t" "$scratch" "$seeds" -max_total_time="$seconds" "${parallel[@]}" \
            -max_len=65536 -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=20 \
            -artifact_prefix="$scratch/" -print_final_stats=1 "${extra[@]}" >"$log" 2>&1; then
        echo "   FAILED (see $log)"
        grep -E "^(==[0-9]+==ERROR|SUMMARY|fuzz contract)" "$log" | head -5 || true
        status=1
    fi
    grep -E "^#[0-9]+.*(DONE|pulse|NEW)" "$log" | tail -1 || true
    grep -E "^stat::number_of_executed_units" "$log" | tail -1 || true
done
exit $status
