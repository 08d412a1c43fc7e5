#!/usr/bin/env python3
"""Regenerates the logit goldens in tests/data/goldens/ with llama.cpp (through llama-cpp-python)
as the reference. Each golden holds the token ids fed (teacher-forced), and for every position
the reference's top-k ids and logits, plus the perplexity of the text over those positions.

usage: make_logit_goldens.py --model FILE.gguf --name NAME [--positions 256] [--text FILE]
    (needs `pip install llama-cpp-python numpy`; the tests that read the goldens do not)
"""
import argparse
import json
import os

import numpy as np
from llama_cpp import Llama

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--name", required=True, help="golden file name, e.g. default-model")
    ap.add_argument("--positions", type=int, default=256)
    ap.add_argument("--top", type=int, default=8)
    ap.add_argument("--text", default=os.path.join(ROOT, "tests/data/parity_text.txt"))
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    llm = Llama(model_path=args.model, n_ctx=max(512, args.positions + 8), n_batch=512,
                n_threads=args.threads, logits_all=True, verbose=False)
    with open(args.text, "rb") as f:
        text = f.read()
    tokens = llm.tokenize(text, add_bos=False, special=False)[: args.positions]
    if len(tokens) < args.positions:
        raise SystemExit(f"text has only {len(tokens)} tokens")
    llm.reset()
    llm.eval(tokens)
    logits = np.array(llm.scores[: len(tokens)], dtype=np.float64)

    rows = []
    nll = 0.0
    for i, row in enumerate(logits):
        top = np.argsort(-row)[: args.top]
        rows.append({"ids": [int(t) for t in top], "logits": [round(float(row[t]), 5) for t in top]})
        if i + 1 < len(tokens):
            m = row.max()
            lse = m + np.log(np.exp(row - m).sum())
            nll += lse - row[tokens[i + 1]]
    ppl = float(np.exp(nll / (len(tokens) - 1)))
    out = {
        "reference": "llama.cpp via llama-cpp-python " + __import__("llama_cpp").__version__,
        "model": os.path.basename(args.model),
        "tokens": [int(t) for t in tokens],
        "top": rows,
        "perplexity": ppl,
    }
    path = os.path.join(ROOT, "tests/data/goldens", args.name + ".json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"wrote {path}: {len(tokens)} positions, perplexity {ppl:.4f}")


if __name__ == "__main__":
    main()
