#!/usr/bin/env python3
"""Merges the JSON files of bench/gpu.sh (folio-gpu-bench per weight type, the torch peer, the
ctest summary, parity.json and e2e.json of gpu_e2e.py) into results.json and a Markdown table
results.md for docs/benchmarks.md. Each file's key in results.json is its name without .json.

usage: gpu_report.py [--dry-run] --out DIR FILE.json...
  --dry-run  marks both outputs as CPU numbers from bench/gpu.sh --dry-run (not for the docs)
"""
import argparse
import json
import os


def row(engine, r):
    cells = []
    copy = r.get("copy_bandwidth_gbs")
    for d in r.get("decode", []):
        frac = d["bandwidth_gbs"] / copy if copy else None
        cells.append((d["context"], d["tokens_per_s"], d["bandwidth_gbs"], frac))
    pre = r.get("prefill", {})
    return engine, r.get("type", "?"), cells, pre.get("time_to_first_token_s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    results = {"dry_run": True} if a.dry_run else {}
    for path in a.files:
        with open(path) as f:
            results[os.path.splitext(os.path.basename(path))[0]] = json.load(f)
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    entries = {k: v for k, v in results.items() if isinstance(v, dict)}
    copy = next((r["copy_bandwidth_gbs"] for r in entries.values() if r.get("copy_bandwidth_gbs")),
                None)
    dev = next((r["device"] for r in entries.values() if "decode" in r and "device" in r), "?")
    lines = ["**DRY RUN (bench/gpu.sh --dry-run): CPU-backend numbers on a machine without a GPU; "
             "not GPU results.**", ""] if a.dry_run else []
    lines += [f"GPU: {dev}; device-to-device copy bandwidth {copy:.0f} GB/s (read+write)." if copy
              else f"GPU: {dev}.",
              "",
              "Kernel-level measurements on synthetic Qwen3-8B-shaped weights (no full forward "
              "pass): a decode step is every matvec of every layer + the output matrix + attention "
              "over the paged KV; prefill is one layer at the prompt length x 36 layers.",
              "",
              "| engine | weights | context | decode tok/s | GB/s read | of copy bw | prefill (s) |",
              "|---|---|---|---|---|---|---|"]
    for name, r in entries.items():
        if "decode" not in r:
            continue
        engine = "PyTorch" if name.startswith("torch") else "Folio"
        eng, typ, cells, ttft = row(engine, r)
        for i, (ctx, tps, bw, _) in enumerate(cells):
            frac = bw / copy if copy else None
            lines.append(f"| {eng} | {typ} | {ctx} | {tps:.1f} | {bw:.0f} | "
                         f"{'' if frac is None else f'{100 * frac:.0f}%'} | "
                         f"{'' if i or ttft is None else f'{ttft:.2f}'} |")
        tf = r.get("transformers")
        if tf and "decode_tokens_per_s" in tf:
            lines.append(f"| transformers | bf16 | {tf['decode_context']} | "
                         f"{tf['decode_tokens_per_s']:.1f} | | | {tf['time_to_first_token_s']:.2f} |")
    tests = results.get("ctest")
    if tests:
        lines += ["", f"gpu tests: {tests.get('summary', '?')}"]
    for p in results.get("parity", {}).get("parity", []):
        if "error" in p:
            lines.append(f"parity {p['model']}: FAILED: {p['error']}")
        else:
            lines.append(f"parity {p['model']} ({p.get('device', 'cuda')} vs cpu, "
                         f"{p['positions']} positions): top-1 agreement "
                         f"{100 * p['top1_agreement']:.1f}%, max relative difference "
                         f"{p['max_relative_difference']:.2e}{'' if p['pass'] else ' FAILED'}")
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
