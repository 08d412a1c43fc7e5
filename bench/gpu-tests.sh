#!/usr/bin/env bash
# bench/gpu-tests.sh: runs the gpu-labelled Qt Test suites that bench/gpu-carry.sh built and
# packed on a machine with Qt (issue 6), on a machine without Qt (the lent GPU image).
# It unpacks ARCHIVE (default .gpu-carry/gpu-tests.tar.xz: bin/ with the suites and
# libfolio_cuda.so, lib/ with Qt6Core, Qt6Test, ICU 72 and the rest that image lacks) into
# OUT/carried, then runs each suite with LD_LIBRARY_PATH = the carried lib/ + the CUDA toolkit's
# (libcublas comes from the device's CUDA 13) and the environment ctest would give it.
# The suites write their synthetic models with scripts/make_synthetic_gguf.py: they need the
# Qwen3 tokenizer (--shared DIR holding data/qwen3-tokenizer) and Python's gguf + numpy
# (PYTHONPATH); that python runs without the carried LD_LIBRARY_PATH (a wrapper first in PATH).
# Writes OUT/NAME.log and OUT/NAME.rc per suite and OUT/gpu-tests.json
# ({"summary", "rc", "suites": {name: "passed"|"failed"|"skipped"|"not loadable"}}).
# Exit status: 0 when every suite passed (or, without --expect-device, skipped with 77); 1 when
# one failed, did not load (exit 127: a missing library) or was skipped under --expect-device.
#
# usage: bench/gpu-tests.sh [--archive FILE] [--out DIR] [--shared DIR] [--expect-device]
#                           [--timeout S]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
archive="$ROOT/.gpu-carry/gpu-tests.tar.xz"
out="$ROOT/build/bench-results/gpu-tests"
shared="$ROOT/.gpu-carry"
expect=0 limit=600
while [ $# -gt 0 ]; do
    case "$1" in
        --archive) archive="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --shared) shared="$2"; shift 2 ;;
        --expect-device) expect=1; shift ;;
        --timeout) limit="$2"; shift 2 ;;
        -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "gpu-tests.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[ -f "$archive" ] || { echo "gpu-tests.sh: no $archive (run bench/gpu-carry.sh on a machine with Qt)" >&2; exit 1; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
carried="$out/carried"
rm -rf "$carried"
mkdir -p "$carried/pybin"
tar -xJf "$archive" -C "$carried"
# python3 for the suites' model writer, without the carried libraries (their zlib, libgomp...).
real_python="$(command -v python3)"
printf '#!/bin/sh\nunset LD_LIBRARY_PATH\nexec %s "$@"\n' "$real_python" > "$carried/pybin/python3"
chmod +x "$carried/pybin/python3"
cuda_libs=""
for d in /usr/local/cuda/lib64 /usr/local/cuda/lib /usr/local/cuda/targets/x86_64-linux/lib; do
    [ -d "$d" ] && cuda_libs="$cuda_libs:$d"
done
summary=() passed=0 failed=0 skipped=0
for exe in "$carried"/bin/*_test; do
    name="$(basename "$exe")"
    rc=0
    env LD_LIBRARY_PATH="$carried/lib$cuda_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
        PATH="$carried/pybin:$PATH" QT_QPA_PLATFORM=offscreen FOLIO_SOURCE_DIR="$ROOT" \
        FOLIO_BINARY_DIR="$carried" FOLIO_SHARED_DIR="$shared" QTEST_FUNCTION_TIMEOUT=$((limit * 1000)) \
        timeout "$limit" "$exe" > "$out/$name.log" 2>&1 || rc=$?
    echo "$rc" > "$out/$name.rc"
    case "$rc" in
        0) state=passed; passed=$((passed + 1)) ;;
        77) state=skipped; skipped=$((skipped + 1)); [ "$expect" = 1 ] && failed=$((failed + 1)) ;;
        127) state="not loadable"; failed=$((failed + 1)) ;;
        *) state=failed; failed=$((failed + 1)) ;;
    esac
    echo "gpu-tests.sh: $name: $state (exit $rc)" >&2
    [ "$state" = passed ] || tail -15 "$out/$name.log" >&2
    summary+=("$name=$state")
done
total=${#summary[@]}
line="$passed of $total suites passed, $skipped skipped, $failed failed (carried build)"
echo "gpu-tests.sh: $line" >&2
status=0
[ "$total" -gt 0 ] && [ "$failed" = 0 ] || status=1
python3 -c 'import json, sys
suites = dict(s.split("=", 1) for s in sys.argv[4:])
json.dump({"summary": sys.argv[1], "rc": int(sys.argv[2]), "suites": suites}, open(sys.argv[3], "w"), indent=1)' \
    "$line" "$status" "$out/gpu-tests.json" "${summary[@]}"
exit "$status"
