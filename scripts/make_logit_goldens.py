#!/usr/bin/env python3
"""Regenerates the logit goldens in tests/data/goldens/ with llama.cpp (through llama-cpp-python)
as the reference. Each golden holds the token ids fed (teacher-forced), and for every position
the reference's top-k ids and logits, plus the perplexity of the text over those positions.

usage: make_logit_goldens.py --model FILE.gguf --name NAME [--positions 256] [--text FILE]
    (needs `pip install llama-cpp-python numpy`; the tests that read the goldens do not)
"""
import argparse
import ctypes
import json
import os

import numpy as np
from llama_cpp import Llama

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def check_dequantization(model_path):
    """Decodes every quantized tensor of the file with llama.cpp's own ggml (type traits'
    to_float) and with python-gguf's numpy decoder, and fails unless they agree exactly. This
    validates the numpy quantizers of make_synthetic_gguf.py: llama.cpp reads their bytes as
    intended. Returns the number of tensors checked."""
    import gguf

    lib_dir = os.environ.get("LLAMA_CPP_LIB_PATH", "")
    ggml = ctypes.CDLL(os.path.join(lib_dir, "libggml-base.so"))

    class Traits(ctypes.Structure):  # struct ggml_type_traits (ggml.h)
        _fields_ = [("type_name", ctypes.c_char_p), ("blck_size", ctypes.c_int64),
                    ("blck_size_interleave", ctypes.c_int64), ("type_size", ctypes.c_size_t),
                    ("is_quantized", ctypes.c_bool), ("to_float", ctypes.c_void_p),
                    ("from_float_ref", ctypes.c_void_p)]

    ggml.ggml_get_type_traits.restype = ctypes.POINTER(Traits)
    to_float_t = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(ctypes.c_float), ctypes.c_int64)
    checked = 0
    for t in gguf.GGUFReader(model_path).tensors:
        if t.tensor_type in (gguf.GGMLQuantizationType.F32, gguf.GGMLQuantizationType.F16):
            continue
        raw = np.ascontiguousarray(t.data)
        ours = gguf.quants.dequantize(raw, t.tensor_type).astype(np.float32).ravel()
        theirs = np.empty(ours.size, dtype=np.float32)
        traits = ggml.ggml_get_type_traits(int(t.tensor_type)).contents
        to_float_t(traits.to_float)(raw.ctypes.data, theirs.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
                                    ours.size)
        diff = float(np.abs(ours - theirs).max())
        if diff > 0:
            raise SystemExit(f"{t.name} ({t.tensor_type.name}): llama.cpp decodes differently, max diff {diff}")
        checked += 1
    return checked


def teacher_forced(args, flash_attn):
    """Tokens of the text (first args.positions) and llama.cpp's logits [positions][n_vocab]."""
    llm = Llama(model_path=args.model, n_ctx=max(512, args.positions + 8), n_batch=512,
                n_threads=args.threads, logits_all=True, flash_attn=flash_attn, verbose=False)
    with open(args.text, "rb") as f:
        text = f.read()
    tokens = llm.tokenize(text, add_bos=False, special=False)[: args.positions]
    if len(tokens) < args.positions:
        raise SystemExit(f"text has only {len(tokens)} tokens")
    llm.reset()
    llm.eval(tokens)
    return tokens, np.array(llm.scores[: len(tokens)], dtype=np.float64)


def relative_differences(rows, logits):
    """The parity test's measure per position: the largest |other - reference| at the reference's
    top-k ids, relative to the largest |reference logit| of that position."""
    out = []
    for row, other in zip(rows, logits):
        ref = np.array(row["logits"])
        scale = max(np.abs(ref).max(), 1e-6)
        out.append(float(np.abs(other[row["ids"]] - ref).max() / scale))
    return np.array(out)


def top1_agreement(rows, logits):
    """The parity test's top-1 rule: other's argmax equals the reference's top-1, or its runner-up
    when the reference's margin is a near-tie (< 0.5% of the logit). Returns (agreed, strict)."""
    agreed = strict = 0
    for row, other in zip(rows, logits):
        best = int(np.argmax(other))
        ids, ref = row["ids"], row["logits"]
        near_tie = abs(ref[0] - ref[1]) < 5e-3 * abs(ref[0])
        strict += best == ids[0]
        agreed += best == ids[0] or (near_tie and best == ids[1])
    return agreed, strict


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--name", required=True, help="golden file name, e.g. default-model")
    ap.add_argument("--positions", type=int, default=256)
    ap.add_argument("--top", type=int, default=8)
    ap.add_argument("--text", default=os.path.join(ROOT, "tests/data/parity_text.txt"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--noise-floor", action="store_true",
                    help="also run with flash attention and record llama.cpp's own difference")
    args = ap.parse_args()
    print(f"dequantization matches llama.cpp on {check_dequantization(args.model)} tensors")

    tokens, logits = teacher_forced(args, flash_attn=False)
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
    if args.noise_floor:
        del logits
        other = teacher_forced(args, True)[1]
        rel = relative_differences(rows, other)
        out["noise_floor_flash_attn"] = float(rel.max())
        out["noise_floor_flash_attn_mean"] = float(rel.mean())
        out["noise_floor_flash_attn_top1"] = top1_agreement(rows, other)
        print(f"llama.cpp flash attention on vs off: max relative difference "
              f"{out['noise_floor_flash_attn']:.3g} (mean {out['noise_floor_flash_attn_mean']:.3g}), top-1 agreement (near-tie rule, strict) "
              f"{out['noise_floor_flash_attn_top1']} of {len(rows)}")
    path = os.path.join(ROOT, "tests/data/goldens", args.name + ".json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"wrote {path}: {len(tokens)} positions, perplexity {ppl:.4f}")


if __name__ == "__main__":
    main()
