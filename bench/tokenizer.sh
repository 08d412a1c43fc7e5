#!/usr/bin/env bash
# bench/tokenizer.sh [BUILD_DIR]: Folio's tokenizer against HF tokenizers on a 1 MB mixed
# Chinese/English text, single thread, alternating runs, with Qwen3's tokenizer.json.
# Needs ../shared/data/qwen3-tokenizer and the venv's `tokenizers` (scripts/setup).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build/release}"
tokjson="${FOLIO_QWEN3_TOKENIZER:-$root/../shared/data/qwen3-tokenizer/tokenizer.json}"
py="$root/.venv/bin/python3"; [ -x "$py" ] || py=python3
[ -f "$tokjson" ] || { echo "missing $tokjson" >&2; exit 1; }
cmake --build "$build" --target tokenizer_bench >/dev/null
text="$(mktemp --suffix=.txt)"
trap 'rm -f "$text"' EXIT
# ~1 MB: the parity text (contract clauses in zh/en, code) and the tokenizer's own test strings,
# shuffled by line with a fixed seed so the word cache does not see one paragraph repeated.
"$py" - "$root/tests/data/parity_text.txt" "$root/tests/data/tokenizer/qwen3_oracle.jsonl" "$text" <<'PY'
import json, random, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
for l in open(sys.argv[2], encoding="utf-8"):
    o = json.loads(l)
    if "t" in o:
        lines.append(o["t"])
random.seed(7)
out, size = [], 0
while size < 1_000_000:
    l = random.choice(lines)
    out.append(l)
    size += len(l.encode("utf-8")) + 1
open(sys.argv[3], "w", encoding="utf-8", newline="").write("\n".join(out))
PY
for i in 1 2 3; do
    "$build/bin/tokenizer_bench" "$tokjson" "$text" 5
    "$py" "$root/bench/tokenizer_hf.py" "$tokjson" "$text" 5
done
