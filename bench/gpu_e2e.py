#!/usr/bin/env python3
"""End-to-end checks of Folio's CUDA backend through folio-cli, for bench/gpu.sh (issue 6).
Needs numpy only (and the gguf package for the bandwidth summary); no Qt, no network.

  gpu_e2e.py parity --cli BIN --model M.gguf [--model ...] [--gpu-device cuda] --out parity.json
      Teacher-forced logits of 256 random tokens with `folio-cli logits --all` on --device cpu
      and --device cuda; per model: top-1 agreement (issue 6: >= 0.99) and the max relative
      difference (max |gpu - cpu| / max |cpu| per position, the max over positions). Exit 1 when
      a model fails the agreement or the CUDA run fails. --gpu-device cpu (bench/gpu.sh
      --dry-run) compares the CPU backend with itself: it checks the plumbing, not CUDA.
  gpu_e2e.py summary --model M.gguf --copy-gbs X --bench A.json [B.json ...] --out e2e.json --md e2e.md
      Folio's real decode/prefill numbers (folio-cli bench --json) with the bytes one decode step
      reads (weights + KV at that depth) as a fraction of the measured device copy bandwidth.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

POSITIONS = 256
MIN_TOP1 = 0.99


def run_logits(cli, model, tokens, device, out):
    cmd = [cli, "logits", "-m", model, "-c", "1024", "--all", "--device", device, "--out", out,
           "--tokens"] + [str(t) for t in tokens]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError(f"folio-cli logits --device {device} failed ({p.returncode}): "
                           f"{p.stderr.strip()[-800:]}")
    return np.fromfile(out, dtype=np.float32), p.stderr


def vocab_size(model):
    import gguf  # noqa: PLC0415 (only the summary and vocab need it)
    r = gguf.GGUFReader(model)
    f = r.fields["tokenizer.ggml.tokens"]
    return len(f.data)


def parity(a):
    results, ok = [], True
    for model in a.model:
        rng = np.random.default_rng(42)
        name = os.path.basename(model)
        try:
            n_vocab = vocab_size(model)
            tokens = rng.integers(0, min(n_vocab, 150000), POSITIONS).tolist()
            tmp = a.out + ".tmp"
            cpu, _ = run_logits(a.cli, model, tokens, "cpu", tmp)
            gpu, err = run_logits(a.cli, model, tokens, a.gpu_device, tmp)
            os.remove(tmp)
            cpu = cpu.reshape(POSITIONS, -1)
            gpu = gpu.reshape(POSITIONS, -1)
            top1 = float(np.mean(cpu.argmax(1) == gpu.argmax(1)))
            rel = float(np.max(np.abs(gpu - cpu).max(1) / np.maximum(np.abs(cpu).max(1), 1e-30)))
            r = {"model": name, "device": a.gpu_device, "positions": POSITIONS, "top1_agreement": top1,
                 "max_relative_difference": rel, "finite": bool(np.isfinite(gpu).all()),
                 "device_line": next((l for l in err.splitlines() if l.startswith("device:")), "")}
            r["pass"] = r["finite"] and top1 >= MIN_TOP1
        except Exception as e:  # a failed run is a result too: report it, keep going
            r = {"model": name, "error": str(e), "pass": False}
        print(f"PARITY {json.dumps(r)}", flush=True)
        ok &= r["pass"]
        results.append(r)
    with open(a.out, "w") as f:
        json.dump({"parity": results, "pass": ok}, f, indent=1)
    return 0 if ok else 1


def kv_bytes_per_token(model):
    import gguf  # noqa: PLC0415
    r = gguf.GGUFReader(model)
    arch = bytes(r.fields["general.architecture"].parts[-1]).decode()

    def val(key):
        f = r.fields[f"{arch}.{key}"]
        return int(f.parts[f.data[0]][0])
    head_dim = (val("attention.key_length") if f"{arch}.attention.key_length" in r.fields
                else val("embedding_length") // val("attention.head_count"))
    return 2 * val("block_count") * val("attention.head_count_kv") * head_dim * 2  # K+V, f16


def weight_bytes_per_step(model):
    """Bytes of the tensors one decode step reads: all but token_embd.weight, of which a step
    reads one row (the file's size would count the whole embedding table and the metadata)."""
    import gguf  # noqa: PLC0415
    r = gguf.GGUFReader(model)
    names = {t.name for t in r.tensors}
    tied = "output.weight" not in names  # then the embedding table is the output matrix
    return sum(int(t.n_bytes) for t in r.tensors if tied or t.name != "token_embd.weight")


def summary(a):
    weights = weight_bytes_per_step(a.model)
    kv = kv_bytes_per_token(a.model)
    rows = []
    for path in a.bench:
        with open(path) as f:
            b = json.load(f)
        step_bytes = weights + kv * b["depth"]  # decode runs after `depth` context tokens
        gbs = step_bytes * b["decode_tps"] / 1e9
        rows.append(dict(b, step_bytes=step_bytes, decode_gbs=gbs,
                         fraction_of_copy=gbs / a.copy_gbs if a.copy_gbs else None))
    with open(a.out, "w") as f:
        json.dump({"model": os.path.basename(a.model), "weight_bytes": weights,
                   "kv_bytes_per_token": kv, "copy_bandwidth_gbs": a.copy_gbs, "runs": rows}, f,
                  indent=1)
    devices = sorted({str(r.get("device", "?")) for r in rows})
    lines = ["", f"Folio end to end (folio-cli bench --device {'/'.join(devices)}, "
             f"{os.path.basename(a.model)}):", "",
             "| prompt | depth | TTFT (s) | prefill tok/s | decode tok/s | GB/s read | of copy bw |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        frac = f"{r['fraction_of_copy']:.0%}" if r["fraction_of_copy"] else "?"
        lines.append(f"| {r['n_prompt']} | {r['depth']} | {r['ttft_ms'] / 1000:.2f} | "
                     f"{r['prefill_tps']:.0f} | {r['decode_tps']:.1f} | {r['decode_gbs']:.0f} | {frac} |")
    with open(a.md, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("parity")
    p.add_argument("--cli", required=True)
    p.add_argument("--model", action="append", required=True)
    p.add_argument("--gpu-device", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--out", required=True)
    s = sub.add_parser("summary")
    s.add_argument("--model", required=True)
    s.add_argument("--copy-gbs", type=float, default=0.0)
    s.add_argument("--bench", nargs="+", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--md", required=True)
    a = ap.parse_args()
    return parity(a) if a.cmd == "parity" else summary(a)


if __name__ == "__main__":
    sys.exit(main())
