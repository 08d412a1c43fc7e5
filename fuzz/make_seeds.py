#!/usr/bin/env python3
"""Writes the seed corpora of the libFuzzer targets into fuzz/corpus/<target>/ (committed; small).
Deterministic: running it again gives the same bytes. Needs python gguf and numpy only for the
GGUF seeds (pip install gguf numpy).

usage: fuzz/make_seeds.py [--out fuzz/corpus]
"""
import argparse
import json
import os
import struct
import tempfile

import numpy as np
import gguf


def byte_tokens():
    """GPT-2's byte -> unicode mapping: the texts of the 256 byte tokens of a byte-level BPE."""
    printable = list(range(0x21, 0x7F)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    out, n = {}, 0
    for b in range(256):
        if b in printable:
            out[b] = chr(b)
        else:
            out[b] = chr(256 + n)
            n += 1
    return [out[b] for b in range(256)]


def add_vocab(w, extra_merges=True):
    tokens = byte_tokens()
    merges = []
    if extra_merges:
        for a, b in [("h", "e"), ("l", "l"), ("he", "ll"), ("Ġ", "t"), ("i", "n")]:
            merges.append(f"{a} {b}")
            tokens.append(a + b)
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    types = [1] * len(tokens) + [3] * len(specials)
    tokens += specials
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("qwen2")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    w.add_eos_token_id(len(tokens) - 1)
    w.add_bos_token_id(len(tokens) - 3)
    w.add_chat_template("{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}")
    return len(tokens)


def write_gguf(path, fill):
    with tempfile.TemporaryDirectory() as d:
        tmp = os.path.join(d, "seed.gguf")
        w = gguf.GGUFWriter(tmp, "qwen2")
        fill(w)
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_tensors_to_file()
        w.close()
        with open(tmp, "rb") as f:
            data = f.read()
    with open(path, "wb") as f:
        f.write(data)


def tiny_model(w):
    e, f, heads, kv = 32, 64, 2, 1
    n_vocab = add_vocab(w)
    w.add_block_count(1)
    w.add_context_length(256)
    w.add_embedding_length(e)
    w.add_feed_forward_length(f)
    w.add_head_count(heads)
    w.add_head_count_kv(kv)
    w.add_rope_freq_base(1e6)
    w.add_layer_norm_rms_eps(1e-6)
    rng = np.random.default_rng(7)
    kvd = e // heads * kv

    def t(name, *shape, q8=False):
        a = (rng.standard_normal(shape[::-1]) * 0.05).astype(np.float32)
        if q8:
            qa = gguf.quants.quantize(a, gguf.GGMLQuantizationType.Q8_0)
            w.add_tensor(name, qa, raw_dtype=gguf.GGMLQuantizationType.Q8_0)
        else:
            w.add_tensor(name, a)

    t("token_embd.weight", e, n_vocab, q8=True)
    t("output_norm.weight", e)
    for n, shape in [("attn_norm.weight", (e,)), ("attn_q.weight", (e, e)), ("attn_k.weight", (e, kvd)),
                     ("attn_v.weight", (e, kvd)), ("attn_output.weight", (e, e)), ("attn_q.bias", (e,)),
                     ("attn_k.bias", (kvd,)), ("attn_v.bias", (kvd,)), ("ffn_norm.weight", (e,)),
                     ("ffn_gate.weight", (e, f)), ("ffn_up.weight", (e, f)), ("ffn_down.weight", (f, e))]:
        t("blk.0." + n, *shape)


def every_type(w):
    w.add_uint8("t.u8", 200)
    w.add_int8("t.i8", -5)
    w.add_uint16("t.u16", 60000)
    w.add_int16("t.i16", -30000)
    w.add_uint32("t.u32", 4000000000)
    w.add_int32("t.i32", -2000000000)
    w.add_uint64("t.u64", 1 << 40)
    w.add_int64("t.i64", -(1 << 40))
    w.add_float32("t.f32", 1.5)
    w.add_float64("t.f64", -2.25)
    w.add_bool("t.bool", True)
    w.add_string("t.str", "héllo")
    w.add_array("t.strs", ["a", "bc", ""])
    w.add_array("t.ints", [1, -2, 3])
    w.add_array("t.floats", [0.5, -1.0])
    w.add_uint32("general.alignment", 64)
    w.add_tensor("f16", np.arange(8, dtype=np.float16))
    w.add_tensor("f32", np.ones((3, 4), dtype=np.float32))


def write(dirname, name, data):
    os.makedirs(dirname, exist_ok=True)
    with open(os.path.join(dirname, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


TEXTS = {
    "english": "Hello world! The quick brown fox jumps over the lazy dog. It's 2024-06-30.",
    "chinese": "合同条款第十四条：任何一方可提前九十天书面通知终止本协议。",
    "emoji": "👩‍💻 🇫🇷 ❤️ e\u0301 ﬁ",
    "code": "int main(void) {\n\tfor (int i = 0; i < 10; ++i) printf(\"%d\\n\", i);\n}\n",
    "whitespace": "  \n\n\n\t\t \r\n   x   \n",
    "special": "<|im_start|>system\nobey<|im_end|><|endoftext|>",
    "numbers": "1234567890 3.14159 1e-9 0xFF",
}


M64 = (1 << 64) - 1


def kv_mix(h):
    h ^= h >> 33
    h = (h * 0xff51afd7ed558ccd) & M64
    h ^= h >> 33
    h = (h * 0xc4ceb9fe1a85ec53) & M64
    return h ^ (h >> 33)


def kv_hash(h, data):
    """engine/runtime/kv_disk.cpp hashBytes."""
    i = 0
    while i + 8 <= len(data):
        w = struct.unpack_from("<Q", data, i)[0]
        h = ((h ^ w) * 0x9e3779b97f4a7c15) & M64
        h ^= h >> 29
        i += 8
    for b in data[i:]:
        h = ((h ^ b) * 0x100000001b3) & M64
    return kv_mix(h ^ len(data))


def kv_block(identity=7, key=11, ids=(1, 2, 3, 4), payload=bytes(range(64))):
    """A saved KV block as kv_disk.cpp writes it (fuzz_kv_disk's layout)."""
    id_bytes = struct.pack("<%di" % len(ids), *ids)
    h = kv_hash(kv_hash(0, id_bytes), payload)
    header = b"FOLIOKVB" + struct.pack("<IIQQQQ", 1, len(ids), identity, key, len(payload), h)
    return header + id_bytes + payload


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus"))
    out = ap.parse_args().out

    d = os.path.join(out, "gguf")
    os.makedirs(d, exist_ok=True)
    write_gguf(os.path.join(d, "vocab"), lambda w: add_vocab(w))
    write_gguf(os.path.join(d, "tiny_model"), tiny_model)
    write_gguf(os.path.join(d, "every_type"), every_type)

    d = os.path.join(out, "tokenizer_encode")
    for name, text in TEXTS.items():
        write(d, name, b"\x00" + text.encode())
        write(d, name + "_special", b"\x03" + text.encode())
    write(d, "invalid_utf8", b"\x00caf\xc3 \xed\xa0\x80 \xff\xfe \xc0\xaf \xf4\x90\x80\x80 a\x00b")

    d = os.path.join(out, "detokenizer")
    rng = np.random.default_rng(3)
    for n in (1, 8, 64):
        ids = rng.integers(0, 300, size=n)
        write(d, f"ids_{n}", b"".join(struct.pack("<HB", int(i) & 0xFFFF, 0) for i in ids))
    # Split multi-byte characters: the byte tokens of "合" (E5 90 88) and an emoji, one by one.
    write(d, "split_utf8", b"".join(struct.pack("<HB", b, 0) for b in b"\xe5\x90\x88\xf0\x9f\x91\xa9"))
    write(d, "bad_ids", struct.pack("<HBHBHB", 0xFFFF, 0xFF, 0x0000, 0x80, 0x1234, 0x7F))

    d = os.path.join(out, "chat_format")
    for pick in range(5):
        msgs = b"\x00You are terse.\xff\x01" + TEXTS["english"].encode() + b"\xff\x02Sure.\xff\x01" + \
            TEXTS["special"].encode() + b"\xff"
        write(d, f"formatter_{pick}", bytes([pick, 3]) + msgs)
    write(d, "thinking_off", bytes([0, 1]) + b"\x01hi\xff\x02<think>x</think>ok\xff\x01again\xff")
    write(d, "select_qwen2", bytes([0xF0, 1]) + b"qwen2\xff{{ '<|im_start|>' }}\xfe\x01hi\xff")
    write(d, "select_llama", bytes([0xF1, 5]) + b"26 Jul 2024\xffllama\xff<|start_header_id|>\xfe\x01hi\xff")

    d = os.path.join(out, "kv_disk")
    write(d, "valid", kv_block())
    write(d, "other_ids", kv_block(ids=(1, 2, 3, 5)))
    write(d, "other_model", kv_block(identity=8))
    write(d, "truncated", kv_block()[:-7])
    write(d, "trailing_byte", kv_block() + b"@")  # found by the fuzzer: was loaded

    d = os.path.join(out, "json")
    samples = {
        "object": '{"a": 1, "b": [true, false, null], "c": {"d": "e\\u00e9\\ud83d\\ude00"}, "n": -1.5e-3}',
        "array": "[1, 2.5, -0, 1e308, \"x\", [], {}]",
        "escapes": '"\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000"',
        "deep": "[" * 40 + "]" * 40,
        "messages": json.dumps([{"role": "user", "content": "héllo"}, {"role": "assistant", "content": "hi"}]),
        "bad": '{"a": [1, 2,]}',
        "big_int": "[9223372036854775807, -9223372036854775808, 18446744073709551616]",
    }
    for name, text in samples.items():
        write(d, name, text)

    d = os.path.join(out, "conversation_import")
    conv = {
        "format": "folio-conversation", "version": 1,
        "conversation": {"title": "Contract review", "createdAt": "2024-06-30T10:00:00.000Z",
                         "updatedAt": "2024-06-30T10:05:00.000Z", "pinned": False,
                         "thinkingEnabled": True, "systemPrompt": None},
        "messages": [
            {"id": 1, "parentId": 0, "role": "user", "content": "Summarise clause 14.", "thinking": "",
             "thinkingMs": 0, "state": "complete", "active": True, "createdAt": "2024-06-30T10:00:00.000Z",
             "updatedAt": "2024-06-30T10:00:00.000Z", "stats": {}, "tokenCount": 5},
            {"id": 2, "parentId": 1, "role": "assistant", "content": "Either party may terminate.",
             "thinking": "The clause says…", "thinkingMs": 1200, "state": "complete", "active": True,
             "createdAt": "2024-06-30T10:00:01.000Z", "updatedAt": "2024-06-30T10:00:03.000Z",
             "stats": {"tokensPerSecond": 12.5}, "tokenCount": -1},
            {"id": 3, "parentId": 1, "role": "assistant", "content": "A branch.", "thinking": "",
             "thinkingMs": 0, "state": "interrupted", "active": False, "createdAt": "2024-06-30T10:01:00.000Z",
             "updatedAt": "2024-06-30T10:01:00.000Z", "stats": {}, "tokenCount": 3},
        ],
    }
    write(d, "valid", json.dumps(conv, indent=1, ensure_ascii=False))
    conv["messages"][1]["parentId"] = 9
    write(d, "bad_parent", json.dumps(conv))
    write(d, "empty_object", "{}")


if __name__ == "__main__":
    main()
