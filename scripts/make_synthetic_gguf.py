#!/usr/bin/env python3
"""Writes a synthetic GGUF: random weights (seeded, reproducible byte for byte) in the exact tensor
shapes of a real model, with a real tokenizer. Qwen3 shapes take the Qwen3 tokenizer (a directory
with tokenizer.json); llama shapes take a vocab-only GGUF such as llama.cpp's
ggml-vocab-llama-bpe.gguf, whose tokenizer metadata is copied as is. Used for parity tests against
llama.cpp and for speed benchmarks where no real weights of that shape are available.

usage: make_synthetic_gguf.py --shape tiny|tiny-k|qwen3-0.6b|qwen3-8b|tiny-llama|tiny-k-llama \
          --type f32|f16|q8_0|q4_0|q4_k_m --tokenizer DIR_OR_VOCAB.gguf --out FILE.gguf \
          [--seed N] [--ctx N]

q4_k_m mixes Q4_K and Q6_K the way llama.cpp's Q4_K_M does (see mixed_type); the K-quants are
written by the numpy quantizers below, so no llama.cpp is needed at test time. K-quant rows must be
multiples of 256 elements: use shape tiny-k (not tiny, whose rows are 128) for q4_k_m.
"""
import argparse
import json
import os
import sys

import numpy as np
import gguf

SHAPES = {
    # name: (architecture, layers, embd, heads, kv_heads, head_dim, ffn, ctx)
    "tiny": ("qwen3", 2, 128, 4, 2, 32, 256, 4096),
    # Smallest shape whose rows are all multiples of 256 (K-quants) and whose 4 layers give
    # Q4_K_M a mix of Q4_K and Q6_K attn_v/ffn_down.
    "tiny-k": ("qwen3", 4, 256, 4, 2, 64, 512, 4096),
    "qwen3-0.6b": ("qwen3", 28, 1024, 16, 8, 128, 3072, 40960),
    "qwen3-8b": ("qwen3", 36, 4096, 32, 8, 128, 12288, 40960),
    # Llama 3 style: no QK-norm, no QKV bias, interleaved (non-NeoX) RoPE, GQA.
    "tiny-llama": ("llama", 2, 128, 4, 2, 32, 256, 8192),
    "tiny-k-llama": ("llama", 4, 256, 4, 2, 64, 512, 8192),
}
# Per architecture: QK-norm weights, RoPE base, RMS-norm epsilon (as the real models have).
ARCHITECTURES = {
    "qwen3": {"qk_norm": True, "rope_theta": 1000000.0, "rms_eps": 1e-6},
    "llama": {"qk_norm": False, "rope_theta": 500000.0, "rms_eps": 1e-5},
}
TYPES = {
    "f32": gguf.GGMLQuantizationType.F32,
    "f16": gguf.GGMLQuantizationType.F16,
    "q8_0": gguf.GGMLQuantizationType.Q8_0,
    "q4_0": gguf.GGMLQuantizationType.Q4_0,
    "q4_k_m": gguf.GGMLQuantizationType.Q4_K,  # base type; see mixed_type
}
FILE_TYPES = {"f32": 0, "f16": 1, "q8_0": 7, "q4_0": 2, "q4_k_m": 15}

QK_K = 256


def _f16_round(a):
    return a.astype(np.float16).astype(np.float32)


def quantize_q4_k(a):
    """Q4_K: 256-element super-blocks of 144 bytes: f16 d, f16 dmin, 12 bytes of packed 6-bit
    sub-block scales and mins, 128 bytes of 4-bit values. Element x of sub-block j (32 elements)
    decodes as d*sc[j]*q - dmin*m[j], q in 0..15. A plain min/max fit per sub-block (no search):
    both engines decode the same bytes, so the fit only has to be reasonable, not optimal."""
    rows, cols = a.shape
    assert cols % QK_K == 0, "Q4_K needs rows of a multiple of 256"
    x = a.reshape(-1, 8, 32).astype(np.float32)             # [block][sub-block][element]
    lo = np.minimum(x.min(axis=2), 0.0)                      # sub-block minimum, <= 0
    hi = x.max(axis=2)
    scale = (hi - lo) / 15.0                                 # [block][8]
    mins = -lo
    d = _f16_round(scale.max(axis=1) / 63.0)                 # [block]
    dmin = _f16_round(mins.max(axis=1) / 63.0)
    safe = lambda v: np.where(v > 0, v, 1.0)
    sc = np.where(d[:, None] > 0, np.rint(scale / safe(d)[:, None]), 0).clip(0, 63).astype(np.uint8)
    mn = np.where(dmin[:, None] > 0, np.rint(mins / safe(dmin)[:, None]), 0).clip(0, 63).astype(np.uint8)
    step = d[:, None] * sc                                   # effective sub-block scale
    off = dmin[:, None] * mn
    q = np.rint((x + off[:, :, None]) / safe(step)[:, :, None])
    q = np.where(step[:, :, None] > 0, q, 0).clip(0, 15).astype(np.uint8)
    # 6-bit packing: bytes 0..3 hold sc[0..3] (+ top 2 bits of sc[4..7]), 4..7 hold mn[0..3]
    # (+ top 2 bits of mn[4..7]), 8..11 hold the low 4 bits of sc[4..7] and mn[4..7].
    packed = np.empty((x.shape[0], 12), dtype=np.uint8)
    packed[:, 0:4] = (sc[:, 0:4] & 63) | ((sc[:, 4:8] >> 4) << 6)
    packed[:, 4:8] = (mn[:, 0:4] & 63) | ((mn[:, 4:8] >> 4) << 6)
    packed[:, 8:12] = (sc[:, 4:8] & 15) | ((mn[:, 4:8] & 15) << 4)
    # Nibbles: each 32-byte group holds sub-block 2i in the low and 2i+1 in the high nibble.
    qs = (q[:, 0::2, :] | (q[:, 1::2, :] << 4)).reshape(-1, 128)
    out = np.concatenate([d.astype(np.float16).view(np.uint8).reshape(-1, 2),
                          dmin.astype(np.float16).view(np.uint8).reshape(-1, 2), packed, qs], axis=1)
    return out.reshape(rows, cols // QK_K * 144)


def quantize_q6_k(a):
    """Q6_K: 256-element super-blocks of 210 bytes: 128 bytes low 4 bits (ql), 64 bytes high 2
    bits (qh), 16 int8 sub-block scales, f16 d. Element x of sub-block j (16 elements) decodes as
    d*sc[j]*(q - 32), q in 0..63; symmetric fit per sub-block."""
    rows, cols = a.shape
    assert cols % QK_K == 0, "Q6_K needs rows of a multiple of 256"
    x = a.reshape(-1, 16, 16).astype(np.float32)             # [block][sub-block][element]
    scale = np.abs(x).max(axis=2) / 31.0                     # [block][16]
    d = _f16_round(scale.max(axis=1) / 127.0)
    safe = lambda v: np.where(v > 0, v, 1.0)
    sc = np.where(d[:, None] > 0, np.rint(scale / safe(d)[:, None]), 0).clip(-128, 127).astype(np.int8)
    step = d[:, None] * sc.astype(np.float32)
    q = np.rint(x / safe(step)[:, :, None])
    q = (np.where(step[:, :, None] != 0, q, 0).clip(-32, 31) + 32).astype(np.uint8)
    # Each 128-element half: element l (0..31) of quarter k goes to ql[l + 32*(k&1)] (nibble k>>1)
    # and to bits 2k..2k+1 of qh[l].
    q = q.reshape(-1, 2, 4, 32)                              # [block][half][quarter][l]
    lo = q & 15
    ql = np.concatenate([lo[:, :, 0] | (lo[:, :, 2] << 4), lo[:, :, 1] | (lo[:, :, 3] << 4)], axis=2)
    hi = q >> 4
    qh = hi[:, :, 0] | (hi[:, :, 1] << 2) | (hi[:, :, 2] << 4) | (hi[:, :, 3] << 6)
    out = np.concatenate([ql.reshape(-1, 128), qh.reshape(-1, 64), sc.view(np.uint8),
                          d.astype(np.float16).view(np.uint8).reshape(-1, 2)], axis=1)
    return out.reshape(rows, cols // QK_K * 210)


K_QUANTIZERS = {
    gguf.GGMLQuantizationType.Q4_K: quantize_q4_k,
    gguf.GGMLQuantizationType.Q6_K: quantize_q6_k,
}


def use_more_bits(i, n):
    # llama.cpp's Q4_K_M rule: the first and last eighth of the layers and every third in between.
    return i < n // 8 or i >= 7 * n // 8 or (i - n // 8) % 3 == 2


def mixed_type(name, n_layer, base):
    """Tensor type under a mix: Q4_K_M gives output.weight and the attn_v/ffn_down of the layers
    chosen by use_more_bits Q6_K, everything else Q4_K (as llama.cpp's llama-quantize does)."""
    if base != gguf.GGMLQuantizationType.Q4_K:
        return base
    if name == "output.weight":
        return gguf.GGMLQuantizationType.Q6_K
    if name.endswith(("attn_v.weight", "ffn_down.weight")):
        layer = int(name.split(".")[1])
        if use_more_bits(layer, n_layer):
            return gguf.GGMLQuantizationType.Q6_K
    return base


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


def load_vocab_gguf(path):
    """Tokenizer metadata of a (vocab-only) GGUF: tokenizer.ggml.* fields, copied unchanged."""
    reader = gguf.GGUFReader(path)
    fields = {}
    for key, field in reader.fields.items():
        if key.startswith("tokenizer."):
            fields[key] = (field.contents(), field.types)
    return fields


def add_vocab_fields(w, fields):
    """Writes the fields of load_vocab_gguf; returns the vocabulary size."""
    for key, (value, types) in fields.items():
        if types[0] == gguf.GGUFValueType.ARRAY:
            w.add_key_value(key, value, types[0], sub_type=types[-1])
        else:
            w.add_key_value(key, value, types[0])
    return len(fields["tokenizer.ggml.tokens"][0])


def add_qwen_tokenizer(w, directory):
    """The Qwen3 tokenizer from tokenizer.json; returns the vocabulary size."""
    tokens, types, merges, template = load_tokenizer(directory)
    n_vocab = len(tokens)
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
    return n_vocab


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shape", choices=SHAPES, required=True)
    ap.add_argument("--type", choices=TYPES, required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--ctx", type=int, default=0, help="context length in metadata (0: the shape's)")
    args = ap.parse_args()

    arch, n_layer, n_embd, n_head, n_kv, head_dim, n_ff, n_ctx = SHAPES[args.shape]
    traits = ARCHITECTURES[arch]
    if args.ctx > 0:
        n_ctx = args.ctx
    qtype = TYPES[args.type]
    rng = np.random.default_rng(args.seed)

    w = gguf.GGUFWriter(args.out, arch)
    w.add_name(f"synthetic-{args.shape}-{args.type}")
    w.add_block_count(n_layer)
    w.add_context_length(n_ctx)
    w.add_embedding_length(n_embd)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_kv)
    w.add_key_length(head_dim)
    w.add_value_length(head_dim)
    w.add_rope_dimension_count(head_dim)
    w.add_rope_freq_base(traits["rope_theta"])
    w.add_layer_norm_rms_eps(traits["rms_eps"])
    w.add_file_type(FILE_TYPES[args.type])
    if args.tokenizer.endswith(".gguf"):
        n_vocab = add_vocab_fields(w, load_vocab_gguf(args.tokenizer))
    else:
        n_vocab = add_qwen_tokenizer(w, args.tokenizer)

    def matrix(name, rows, cols, scale):
        # Row-major [rows][cols] -> GGUF ne = [cols, rows].
        a = (rng.standard_normal((rows, cols), dtype=np.float32) * scale).astype(np.float32)
        t = mixed_type(name, n_layer, qtype)
        if t in K_QUANTIZERS:
            if cols % QK_K != 0:
                raise SystemExit(f"{name}: rows of {cols} are not a multiple of 256 (use --shape tiny-k)")
            w.add_tensor(name, K_QUANTIZERS[t](a), raw_dtype=t)
        elif qtype == gguf.GGMLQuantizationType.F32:
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
        if traits["qk_norm"]:
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
