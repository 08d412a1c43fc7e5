#!/usr/bin/env python3
"""The PyTorch peer of bench/gpu.sh: the same kernel-level work as folio-gpu-bench, in bf16.

Decode step: every layer's matmuls (x @ W^T, bf16 weights, distinct per layer), RMSNorm, SiLU and
scaled_dot_product_attention over a contiguous bf16 KV cache of the given context (GQA via
enable_gqa when this torch has it, else repeat_interleave), plus the output matrix; captured in a
CUDA graph like Folio's. Prefill: one layer at the full prompt length (matmuls + causal SDPA,
which picks flash attention on tensor cores) times the number of layers. With --transformers and
transformers installed, also a Qwen3ForCausalLM of the same shape (random init) for prefill and
decode. Prints/writes one JSON object.

usage: gpu_torch_peer.py [--shape qwen3-8b] [--contexts 512,32768] [--prefill 32768]
                         [--steps 20] [--transformers] --out FILE
"""
import argparse
import json
import sys
import time

import torch
import torch.nn.functional as F

SHAPES = {  # n_layer, n_embd, n_head, n_kv, head_dim, n_ff, n_vocab
    "qwen3-8b": (36, 4096, 32, 8, 128, 12288, 151936),
    "qwen3-0.6b": (28, 1024, 16, 8, 128, 3072, 151936),
}


def timed(fn, reps=1):
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(reps):
        fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / reps  # ms


def sdpa(q, k, v, causal):
    try:
        return F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=True)
    except TypeError:  # torch < 2.5: no enable_gqa
        g = q.shape[1] // k.shape[1]
        return F.scaled_dot_product_attention(q, k.repeat_interleave(g, 1),
                                              v.repeat_interleave(g, 1), is_causal=causal)


def rms(x, w):
    return x * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + 1e-6).to(x.dtype) * w


def kernel_level(shape, contexts, prefill, steps):
    nl, ne, nh, nkv, hd, nff, nv = SHAPES[shape]
    dev, dt = "cuda", torch.bfloat16
    mk = lambda r, c: torch.full((r, c), 0.01, device=dev, dtype=dt)
    layers = [dict(q=mk(nh * hd, ne), k=mk(nkv * hd, ne), v=mk(nkv * hd, ne), o=mk(ne, nh * hd),
                   g=mk(nff, ne), u=mk(nff, ne), d=mk(ne, nff)) for _ in range(nl)]
    out_w = mk(nv, ne)
    norm = torch.ones(ne, device=dev, dtype=dt)
    weight_bytes = sum(t.numel() * 2 for L in layers for t in L.values()) + out_w.numel() * 2
    result = {"measured": "torch bf16 kernel-level decode step and one-layer prefill",
              "torch": torch.__version__, "shape": shape, "type": "bf16",
              "weight_bytes": weight_bytes, "decode": []}
    max_ctx = max(contexts)
    kcache = [torch.full((1, nkv, max_ctx, hd), 0.01, device=dev, dtype=dt) for _ in range(nl)]
    vcache = [torch.full((1, nkv, max_ctx, hd), 0.01, device=dev, dtype=dt) for _ in range(nl)]
    x = torch.zeros(1, ne, device=dev, dtype=dt)
    for ctx in contexts:
        def step():
            h = x
            for i, L in enumerate(layers):
                hn = rms(h, norm)
                q = (hn @ L["q"].T).view(1, nh, 1, hd)
                _k, _v = hn @ L["k"].T, hn @ L["v"].T
                a = sdpa(q, kcache[i][:, :, :ctx], vcache[i][:, :, :ctx], False)
                h = h + a.reshape(1, nh * hd) @ L["o"].T
                hn = rms(h, norm)
                h = h + (F.silu(hn @ L["g"].T) * (hn @ L["u"].T)) @ L["d"].T
            return rms(h, norm[:ne]) @ out_w.T
        step()
        torch.cuda.synchronize()
        eager_ms = timed(step, steps)
        graph = torch.cuda.CUDAGraph()
        s = torch.cuda.Stream()
        s.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(s):
            step()
        torch.cuda.current_stream().wait_stream(s)
        with torch.cuda.graph(graph):
            step()
        ms = timed(graph.replay, steps)
        b = weight_bytes + nl * ctx * 2 * nkv * hd * 2
        result["decode"].append({"context": ctx, "step_ms": ms, "step_ms_no_graph": eager_ms,
                                 "tokens_per_s": 1000 / ms, "bytes_per_step": b,
                                 "bandwidth_gbs": b / (ms * 1e-3) / 1e9})
    if prefill:
        L = layers[0]
        X = torch.zeros(prefill, ne, device=dev, dtype=dt)

        def mat():
            hn = rms(X, norm)
            q, k, v = hn @ L["q"].T, hn @ L["k"].T, hn @ L["v"].T
            h = X + torch.zeros(prefill, nh * hd, device=dev, dtype=dt) @ L["o"].T
            hn = rms(h, norm)
            return (F.silu(hn @ L["g"].T) * (hn @ L["u"].T)) @ L["d"].T, q, k, v

        _, q, k, v = mat()
        q = q.view(prefill, nh, hd).transpose(0, 1).unsqueeze(0)
        k = k.view(prefill, nkv, hd).transpose(0, 1).unsqueeze(0)
        v = v.view(prefill, nkv, hd).transpose(0, 1).unsqueeze(0)
        sdpa(q, k, v, True)
        mat_ms = timed(mat)
        att_ms = timed(lambda: sdpa(q, k, v, True))
        result["prefill"] = {"tokens": prefill, "method": "one layer measured x nLayer",
                             "layer_matmul_ms": mat_ms, "layer_attention_ms": att_ms,
                             "time_to_first_token_s": (mat_ms + att_ms) * nl / 1000}
    del layers, kcache, vcache
    torch.cuda.empty_cache()
    return result


def transformers_peer(shape, prefill, steps):
    try:
        from transformers import Qwen3Config, Qwen3ForCausalLM
    except Exception as e:  # not installed, or too old for Qwen3
        return {"skipped": f"transformers unavailable: {e}"}
    nl, ne, nh, nkv, hd, nff, nv = SHAPES[shape]
    cfg = Qwen3Config(num_hidden_layers=nl, hidden_size=ne, num_attention_heads=nh,
                      num_key_value_heads=nkv, head_dim=hd, intermediate_size=nff, vocab_size=nv,
                      max_position_embeddings=max(40960, prefill + steps + 8),
                      attn_implementation="sdpa", torch_dtype=torch.bfloat16)
    t0 = time.time()
    with torch.device("cuda"):
        model = Qwen3ForCausalLM(cfg).to(torch.bfloat16).eval()
    init_s = time.time() - t0
    ids = torch.randint(0, nv, (1, prefill), device="cuda")
    with torch.no_grad():
        model(ids[:, :128])  # warm-up
        torch.cuda.synchronize()
        t0 = time.time()
        out = model(ids, use_cache=True, logits_to_keep=1)
        torch.cuda.synchronize()
        ttft = time.time() - t0
        past, tok = out.past_key_values, ids[:, -1:]
        t0 = time.time()
        for _ in range(steps):
            out = model(tok, past_key_values=past, use_cache=True)
            past = out.past_key_values
        torch.cuda.synchronize()
        decode_ms = (time.time() - t0) * 1000 / steps
    return {"init_s": init_s, "prefill_tokens": prefill, "time_to_first_token_s": ttft,
            "decode_context": prefill, "decode_step_ms": decode_ms,
            "decode_tokens_per_s": 1000 / decode_ms}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shape", default="qwen3-8b", choices=SHAPES)
    ap.add_argument("--contexts", default="512,32768")
    ap.add_argument("--prefill", type=int, default=32768)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--transformers", action="store_true")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if not torch.cuda.is_available():
        print("gpu_torch_peer: no CUDA device for torch", file=sys.stderr)
        return 1
    contexts = [int(c) for c in a.contexts.split(",")]
    res = kernel_level(a.shape, contexts, a.prefill, a.steps)
    res["device"] = torch.cuda.get_device_name(0)
    if a.transformers:
        try:
            res["transformers"] = transformers_peer(a.shape, a.prefill, a.steps)
        except Exception as e:  # OOM or API drift: recorded, never fatal for the bench
            res["transformers"] = {"error": repr(e)}
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
