#!/usr/bin/env bash
# bench/gpu-carry.sh: on this (Qt) machine, builds the gpu-labelled Qt Test suites for sm_90 and
# packs them for the lent GPU machine, whose image has CUDA 13 but no Qt (issue 6).
# Writes .gpu-carry/gpu-tests.tar.xz (ignored; .gpu-carry/ is in .git/info/exclude):
#   bin/  cuda_parity_test, cuda_attention_test, cuda_backend_parity_test, libfolio_cuda.so
#   lib/  every shared library they load (ldd) except glibc's, libstdc++, libgcc_s and CUDA's
#         own (libcublas*, libcudart*: the device's CUDA 13 has them; cudart is linked static)
# all stripped, xz-compressed (ICU's 31 MB data library is most of it). bench/gpu-tests.sh
# unpacks and runs them there; bench/gpu.sh does that when it finds no Qt.
# Checks that the archive plus the rest of .gpu-carry/ stays under the run tool's carry limit
# (--max-mib, 55) and, unless --no-check, that every suite starts with only the carried
# libraries and exits 77 (no device here): a missing library would show as exit 127.
#
# usage: bench/gpu-carry.sh [--build DIR] [--arch N] [--max-mib N] [--no-check]
#   --build  the FOLIO_CUDA=ON build folder (default build/cuda; configured when it has no cache)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$ROOT/build/cuda" arch=90 max_mib=55 check=1
while [ $# -gt 0 ]; do
    case "$1" in
        --build) build="$(realpath -m "$2")"; shift 2 ;;
        --arch) arch="$2"; shift 2 ;;
        --max-mib) max_mib="$2"; shift 2 ;;
        --no-check) check=0; shift ;;
        -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "gpu-carry.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
die() { echo "gpu-carry.sh: FAILED: $*" >&2; exit 1; }
suites=(cuda_parity_test cuda_attention_test cuda_backend_parity_test)
export PATH="$PATH:/usr/local/cuda/bin"

if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFOLIO_CUDA=ON \
        -DFOLIO_CUDA_ARCHITECTURES="$arch" -DCMAKE_CUDA_ARCHITECTURES="$arch" -DFOLIO_BUILD_APP=ON \
        || die "configure"
fi
grep -q "^FOLIO_CUDA_ARCHITECTURES:STRING=.*$arch" "$build/CMakeCache.txt" \
    || die "$build is not configured for sm_$arch (FOLIO_CUDA_ARCHITECTURES)"
nice -n 5 ninja -C "$build" -j2 "${suites[@]}" folio_cuda || die "build"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib"
for s in "${suites[@]}"; do cp "$build/bin/$s" "$stage/bin/"; done
cp "$build/bin/libfolio_cuda.so" "$stage/bin/"
# Libraries the device image has itself (glibc, the compiler's runtime) or must supply (CUDA).
skip='^(linux-vdso|ld-linux|libc|libm|libdl|libpthread|librt|libresolv|libutil|libstdc\+\+|libgcc_s|libcublas|libcublasLt|libcudart|libcuda|libnvidia)\.'
ldd "$stage"/bin/* | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' | sort -u |
    while read -r soname path; do
        [[ "$soname" =~ $skip ]] && continue
        cp -L "$path" "$stage/lib/$soname"
    done
ldd "$stage"/bin/* | grep -q "not found" && { ldd "$stage"/bin/* | grep "not found" >&2; die "unresolved libraries"; }
strip --strip-unneeded "$stage"/bin/* "$stage"/lib/*
echo "gpu-carry.sh: carried libraries: $(cd "$stage/lib" && echo *)" >&2
du -sh "$stage/bin" "$stage/lib" >&2
mkdir -p "$ROOT/.gpu-carry"
tar -cJf "$ROOT/.gpu-carry/gpu-tests.tar.xz" -C "$stage" bin lib
total=$(du -sm "$ROOT/.gpu-carry" | cut -f1)
echo "gpu-carry.sh: .gpu-carry/gpu-tests.tar.xz $(du -h "$ROOT/.gpu-carry/gpu-tests.tar.xz" | cut -f1); .gpu-carry/ ${total} MiB in all" >&2
[ "$total" -lt "$max_mib" ] || die ".gpu-carry/ is ${total} MiB, over --max-mib $max_mib"

if [ "$check" = 1 ]; then
    # Only the carried libraries and glibc/libstdc++ from the system: the loader's trace must
    # resolve every library in the stage (or CUDA's folder), and each suite must start and skip.
    mkdir -p "$stage/sys"
    for l in libc.so.6 libm.so.6 libstdc++.so.6 libgcc_s.so.1 libdl.so.2 libpthread.so.0 librt.so.1; do
        cp -L "/lib/x86_64-linux-gnu/$l" "$stage/sys/"
    done
    for f in "$stage"/bin/*; do  # where each library resolves: only the stage or CUDA's folder
        stray=$(env -i LD_LIBRARY_PATH="$stage/lib:$stage/sys:/usr/local/cuda/lib" LD_TRACE_LOADED_OBJECTS=1 \
            /lib64/ld-linux-x86-64.so.2 --inhibit-cache "$f" | awk '$2 == "=>" { print $3 }' |
            grep -v -e "^$stage/" -e "^/usr/local/cuda/" || true)
        [ -z "$stray" ] || die "$(basename "$f") loads libraries that are not carried: $stray"
    done
    set +e
    for s in "${suites[@]}"; do
        env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$stage/lib:$stage/sys:/usr/local/cuda/lib" \
            "$stage/bin/$s" > "$stage/$s.log" 2>&1  # directly: it finds libfolio_cuda.so beside it
        rc=$?
        grep -q "not installed" "$stage/$s.log" && rc="$rc (libfolio_cuda.so not found)"
        echo "gpu-carry.sh: check $s: exit $rc: $(head -1 "$stage/$s.log")" >&2
        [ "$rc" = 77 ] || { cat "$stage/$s.log" >&2; die "$s did not start and skip (exit $rc, not 77)"; }
    done
    set -e
fi
echo "gpu-carry.sh: done" >&2
