#!/usr/bin/env python3
"""HF tokenizers' encode throughput on the same file, single-threaded, same JSON shape as
tokenizer_bench. usage: tokenizer_hf.py TOKENIZER.json TEXT [REPEATS]"""
import json
import os
import statistics
import sys
import time

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
from tokenizers import Tokenizer  # noqa: E402

tok = Tokenizer.from_file(sys.argv[1])
text = open(sys.argv[2], encoding="utf-8", newline="").read()  # keep \r as is
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
t0 = time.perf_counter()
n = len(tok.encode(text, add_special_tokens=False).ids)  # cold (first) encode
cold = time.perf_counter() - t0
times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    n = len(tok.encode(text, add_special_tokens=False).ids)
    times.append(time.perf_counter() - t0)
size = len(text.encode("utf-8"))
med = statistics.median(times)
print(json.dumps({"impl": "hf-tokenizers", "bytes": size, "tokens": n, "cold_s": round(cold, 4), "best_s": round(min(times), 4),
                  "median_s": round(med, 4), "mb_per_s": round(size / med / 1e6, 2)}))
