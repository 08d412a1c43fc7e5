#!/usr/bin/env python3
"""Writes a synthetic Qwen3-family GGUF: random weights (seeded, reproducible byte for byte) in the
exact tensor shapes of a real model, with the real Qwen3 tokenizer. Used for parity tests against
llama.cpp and for speed benchmarks where no real weights of that shape are available.

usage: make_synthetic_gguf.py --shape tiny|qwen3-0.6b|qwen3-8b --type f32|f16|q8_0|q4_0 \
          --tokenizer DIR_WITH_tokenizer.json --out FILE.gguf [--seed N]

Types that python-gguf cannot quantize (Q4_K, Q6_K) are produced from the f16 file with
llama.cpp's llama-quantize (bench/ does that outside the repo).
"""
import argparse
import json
import os
import sys

import numpy as np
import gguf

SHAPES = {
    # name: (layers, embd, heads, kv_heads, head_dim, ffn, ctx)
    "tiny": (2, 128, 4, 2, 32, 256, 4096),
    "qwen3-0.6b": (28, 1024, 16, 8, 128, 3072, 40960),
    "qwen3-8b": (36, 4096, 32, 8, 128, 12288, 40960),
}
TYPES = {
    "f32": gguf.GGMLQuantizationType.F32,
    "f16": gguf.GGMLQuantizationType.F16,
    "q8_0": gguf.GGMLQuantizationType.Q8_0,
    "q4_0": gguf.GGMLQuantizationType.Q4_0,
}
FILE_TYPES = {"f32": 0, "f16": 1, "q8_0": 7, "q4_0": 2}


def load_tokenizer(directory):
    with open(os.path.join(directory, "tokenizer.json"), encoding="utf-8") as f:
        tj = json.load(f)
    vocab = tj["model"]["vocab"]
    added = {t["id"]: t for t in tj.get("added_tokens", [])}
    # Real Qwen3 checkpoints pad the vocabulary to 151936 rows; do the same.
    n = max(max(vocab.values()), max(added) if added else 0) + 1
    n = max(n, 151936)
    tokens = [f"[PAD{i}]" for i in range(n)]
    types = [gguf.TokenType.UNUSED] * n
    for text, i in vocab.items():
        tokens[i] = text
        types[i] = gguf.TokenType.NORMAL
    for i, t in added.items():
        tokens[i] = t["content"]
        types[i] = gguf.TokenType.CONTROL if t.get("special") else gguf.TokenType.USER_DEFINED
    merges = [m if isinstance(m, str) else " ".join(m) for m in tj["model"]["merges"]]
    template = ""
    cfg_path = os.path.join(directory, "tokenizer_config.json")
    if os.path.exists(cfg_path):
        with open(cfg_path, encoding="utf-8") as f:
            template = json.load(f).get("chat_template", "") or ""
    return tokens, types, merges, template


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shape", choices=SHAPES, required=True)
    ap.add_argument("--type", choices=TYPES, required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()

    n_layer, n_embd, n_head, n_kv, head_dim, n_ff, n_ctx = SHAPES[args.shape]
    tokens, types, merges, template = load_tokenizer(args.tokenizer)
    n_vocab = len(tokens)
    qtype = TYPES[args.type]
    rng = np.random.default_rng(args.seed)

    w = gguf.GGUFWriter(args.out, "qwen3")
    w.add_name(f"synthetic-{args.shape}-{args.type}")
    w.add_block_count(n_layer)
    w.add_context_length(n_ctx)
    w.add_embedding_length(n_embd)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_kv)
    w.add_key_length(head_dim)
    w.add_value_length(head_dim)
    w.add_rope_freq_base(1000000.0)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_file_type(FILE_TYPES[args.type])
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("qwen2")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    w.add_eos_token_id(151645 if n_vocab > 151645 else n_vocab - 1)
    w.add_pad_token_id(151643 if n_vocab > 151643 else 0)
    w.add_bos_token_id(151643 if n_vocab > 151643 else 0)
    w.add_add_bos_token(False)
    if template:
        w.add_chat_template(template)

    def matrix(name, rows, cols, scale):
        # Row-major [rows][cols] -> GGUF ne = [cols, rows].
        a = (rng.standard_normal((rows, cols), dtype=np.float32) * scale).astype(np.float32)
        if qtype == gguf.GGMLQuantizationType.F32:
            w.add_tensor(name, a)
        elif qtype == gguf.GGMLQuantizationType.F16:
            w.add_tensor(name, a.astype(np.float16))
        else:
            w.add_tensor(name, gguf.quants.quantize(a, qtype), raw_dtype=qtype)

    def vector(name, n, base=1.0, scale=0.1):
        w.add_tensor(name, (base + rng.standard_normal(n, dtype=np.float32) * scale).astype(np.float32))

    s = 1.0 / np.sqrt(n_embd)
    matrix("token_embd.weight", n_vocab, n_embd, 1.0)
    vector("output_norm.weight", n_embd)
    matrix("output.weight", n_vocab, n_embd, s)
    for l in range(n_layer):
        p = f"blk.{l}."
        vector(p + "attn_norm.weight", n_embd)
        matrix(p + "attn_q.weight", n_head * head_dim, n_embd, s)
        matrix(p + "attn_k.weight", n_kv * head_dim, n_embd, s)
        matrix(p + "attn_v.weight", n_kv * head_dim, n_embd, s)
        vector(p + "attn_q_norm.weight", head_dim)
        vector(p + "attn_k_norm.weight", head_dim)
        matrix(p + "attn_output.weight", n_embd, n_head * head_dim, 1.0 / np.sqrt(n_head * head_dim))
        vector(p + "ffn_norm.weight", n_embd)
        matrix(p + "ffn_gate.weight", n_ff, n_embd, s)
        matrix(p + "ffn_up.weight", n_ff, n_embd, s)
        matrix(p + "ffn_down.weight", n_embd, n_ff, 1.0 / np.sqrt(n_ff))

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(f"wrote {args.out}: {args.shape} {args.type}, vocab {n_vocab}", file=sys.stderr)


if __name__ == "__main__":
    main()
