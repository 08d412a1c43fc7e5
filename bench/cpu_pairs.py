#!/usr/bin/env python3
"""Runs llama.cpp's llama-bench and `folio-cli bench --json` alternately on the same GGUF files and
summarises the pairs. Driven by bench/cpu.sh (which builds the tools and makes the models); usable
alone when the binaries and models exist.

Protocol, per (model, threads): one warm-up run of each engine (discarded; it pulls the file into
the page cache), then per test `--pairs` pairs. Within a pair the engines run back to back and the
order alternates from pair to pair, so slow drifts of machine load hit both sides alike. Each run is
a fresh process; its peak RSS comes from wait4() (the kernel's ru_maxrss, what /usr/bin/time -v
prints). The 1-minute load average is recorded before every run.

Depth tests (decode after D tokens of context) would re-prefill D tokens for every run, so with
--llama-depth (bench/peer/llama_depth_bench.cpp) each engine and setting runs ONE process that
prefills the depth once and then decodes `--pairs` repetitions from it (`folio-cli bench -r`, the
driver's -r); repetition i of Folio pairs with repetition i of llama.cpp. The engines' processes
run one after another, their order rotating from cell to cell. Each repetition also reports its
CPU time per token (getrusage of the process, all threads); "cpu tok/s" = 1000 / CPU ms per
token, which at 1 thread is insensitive to other load on the machine.

--folio-kv f16,q8_0 measures Folio once per KV cache type in every cell: the first type is the
engine "folio", each further one an engine "folio-TYPE" (e.g. folio-q8_0) that takes its turn in
the same pairs (depth cells: one more process); each Folio engine gets its own table row, its
ratio against the same llama.cpp runs, and its bandwidth fraction counts its cache's bytes.

Outputs in --out: raw.jsonl (one line per run), results.json (medians, ratios), results.md (the
table) and chart.png (when matplotlib imports).

usage: cpu_pairs.py --llama-bench BIN --folio-cli BIN --out DIR --model LABEL=PATH[:tests] ...
                    [--pairs 5] [--threads 1,2] [--quick] [--membw BIN] [--taskset CPUS]
                    [--llama-depth BIN] [--tests pp512,tg128@d8192] [--models q4_k_m,default]
                    [--folio-kv f16,q8_0]
  --tests   run only these tests (any ppN, tgN or tgN@dD, also ones not in the default set)
  --from-raw  run nothing: summarise --out's raw.jsonl again (an interrupted run, whose
            results.md was never written) with the bandwidth the run saved in bandwidth.json
  --models  run only the models whose label contains one of these (case-insensitive)
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

# Tests: name -> (kind, n_prompt, n_gen, depth). Prefill measures n_prompt tokens; decode measures
# n_gen tokens generated after `depth` tokens of context.
FULL_TESTS = {
    "pp512": ("prefill", 512, 0, 0),
    "pp4096": ("prefill", 4096, 0, 0),
    "tg128": ("decode", 0, 128, 0),
    "tg128@d8192": ("decode", 0, 128, 8192),
    "tg128@d16384": ("decode", 0, 128, 16384),
}
QUICK_TESTS = {
    "pp128": ("prefill", 128, 0, 0),
    "tg32": ("decode", 0, 32, 0),
    "tg32@d1024": ("decode", 0, 32, 1024),
}
# The per-(model, threads) warm-up: a short decode without depth (cheap whatever the tests are).
WARMUP_TEST = ("decode", 0, 32, 0)
# Bytes one cached K or V value takes, by Folio KV cache type (q8_0: int8 plus an f32 scale per
# group of 32), for the bandwidth fraction; llama.cpp runs use its default f16 cache.
KV_VALUE_BYTES = {"f16": 2.0, "q8_0": 1.0 + 4.0 / 32.0, "f32": 4.0}


def parse_test(name):
    """'pp512' -> prefill 512; 'tg128' -> decode 128; 'tg128@d8192' -> decode 128 at depth 8192."""
    m = re.fullmatch(r"pp(\d+)|tg(\d+)(?:@d(\d+))?", name)
    if not m:
        raise ValueError(f"test '{name}' is not ppN, tgN or tgN@dD")
    if m.group(1):
        return ("prefill", int(m.group(1)), 0, 0)
    return ("decode", 0, int(m.group(2)), int(m.group(3) or 0))


def load_avg():
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            return float(f.read().split()[0])
    except OSError:
        return -1.0


def run_measured(cmd, log):
    """Runs cmd; returns (stdout, peak RSS in MiB, wall seconds, exit code)."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True)
    out = proc.stdout.read()
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return out, usage.ru_maxrss / 1024.0, time.monotonic() - t0, proc.returncode


def llama_cmd(args, model, test, threads, fa):
    kind, n_prompt, n_gen, depth = test
    cmd = [args.llama_bench, "-m", model, "-t", str(threads), "-r", "1", "-o", "json"]
    if kind == "prefill":
        # No in-process warm-up: folio-cli times its first prefill too (see docs/benchmarks.md).
        cmd += ["-p", str(n_prompt), "-n", "0", "--no-warmup"]
    else:
        cmd += ["-p", "0", "-n", str(n_gen)]
    if depth:
        cmd += ["-d", str(depth)]
    if fa is not None:
        cmd += ["-fa", str(fa)]
    return cmd


def folio_engines(args):
    """[(engine name, KV type or None)]: "folio" first, then "folio-TYPE" per further type."""
    if not args.folio_kv:
        return [("folio", None)]
    return [("folio" if i == 0 else f"folio-{t}", t) for i, t in enumerate(args.folio_kv)]


def is_folio(engine):
    return engine == "folio" or engine.startswith("folio-")


def folio_cmd(args, model, test, threads, kv_type=None):
    kind, n_prompt, n_gen, depth = test
    # The CPU backend, as llama.cpp's CPU build: "auto" would also load (and, without a GPU,
    # unload) the CUDA plugin.
    cmd = [args.folio_cli, "bench", "-m", model, "-t", str(threads), "--device", "cpu", "--json"]
    if kv_type:
        cmd += ["--kv-type", kv_type]
    if kind == "prefill":
        cmd += ["-p", str(n_prompt), "-n", "0"]
    else:
        cmd += ["-p", "1", "-n", str(n_gen), "--depth", str(depth)]
    return cmd


def parse_tps(engine, kind, out):
    """Tokens per second from one run's stdout, or None when the run printed no result."""
    try:
        if engine == "folio":
            doc = json.loads(out.strip().splitlines()[-1])
            return float(doc["prefill_tps"] if kind == "prefill" else doc["decode_tps"])
        rows = json.loads(out)
        return float(rows[-1]["avg_ts"])
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def variants(args, test):
    """The llama.cpp settings measured for a test: at depth, flash attention as --llama-fa says
    (both ways by default)."""
    return [(f"llama-fa{fa}", fa) for fa in args.llama_fa] if test[3] else [("llama", None)]


def one_run(args, engine, setting, model, test, threads, log):
    """setting: the KV type of a Folio engine, llama.cpp's flash-attention flag otherwise."""
    cmd = folio_cmd(args, model, test, threads, setting) if is_folio(engine) else \
        llama_cmd(args, model, test, threads, setting)
    if args.taskset:
        cmd = ["taskset", "-c", args.taskset] + cmd
    load = load_avg()
    print("  $ " + " ".join(cmd), file=log, flush=True)
    out, rss, wall, rc = run_measured(cmd, log)
    tps = parse_tps("folio" if is_folio(engine) else "llama", test[0], out) if rc == 0 else None
    if tps is None:
        print(f"  run failed (exit {rc}): {' '.join(cmd)}", file=sys.stderr)
    return {"tps": tps, "rss_mb": round(rss, 1), "wall_s": round(wall, 2), "load1": load,
            "exit": rc}


def run_case(args, label, model, test_name, test, threads, raw, log):
    engines = folio_engines(args) + variants(args, test)
    runs = {name: [] for name, _ in engines}
    n_folio = len(folio_engines(args))
    for pair in range(args.pairs):
        order = engines
        if pair % 2 == 0:  # llama.cpp first in even pairs, Folio first in odd ones
            order = engines[n_folio:] + engines[:n_folio]
        for engine, fa in order:
            r = one_run(args, engine, fa, model, test, threads, log)
            r.update({"model": label, "test": test_name, "threads": threads, "engine": engine,
                      "pair": pair})
            raw.write(json.dumps(r) + "\n")
            raw.flush()
            runs[engine].append(r)
            tps = f"{r['tps']:.2f}" if r["tps"] is not None else "FAILED"
            print(f"    {label} {test_name} t={threads} pair {pair} {engine}: {tps} tok/s "
                  f"rss {r['rss_mb']:.0f} MiB load {r['load1']:.1f}", flush=True)
    return runs


def depth_cmd(args, engine, setting, model, test, threads):
    """One process that prefills the depth once and decodes --pairs repetitions from it."""
    _, _, n_gen, depth = test
    if is_folio(engine):
        return folio_cmd(args, model, test, threads, setting) + ["-r", str(args.pairs)]
    return [args.llama_depth, "-m", model, "-d", str(depth), "-n", str(n_gen), "-r",
            str(args.pairs), "-t", str(threads), "-fa", str(setting)]


def parse_depth(out):
    """(decode tok/s per repetition, CPU ms per token per repetition, depth prefill tok/s)."""
    try:
        doc = json.loads(out.strip().splitlines()[-1])
        return ([float(x) for x in doc["decode_tps_runs"]],
                [float(x) for x in doc["decode_cpu_ms_per_tok_runs"]],
                float(doc["depth_prefill_tps"]))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def run_depth_case(args, label, model, test_name, test, threads, raw, log, rotation):
    """A depth cell: one process per engine and setting (see the module docstring)."""
    order = folio_engines(args) + variants(args, test)
    order = order[rotation % len(order):] + order[:rotation % len(order)]
    runs = {name: [] for name, _ in order}
    for engine, setting in order:
        cmd = depth_cmd(args, engine, setting, model, test, threads)
        if args.taskset:
            cmd = ["taskset", "-c", args.taskset] + cmd
        load = load_avg()
        print("  $ " + " ".join(cmd), file=log, flush=True)
        out, rss, wall, rc = run_measured(cmd, log)
        parsed = parse_depth(out) if rc == 0 else None
        if parsed is None:
            print(f"  run failed (exit {rc}): {' '.join(cmd)}", file=sys.stderr)
            parsed = ([None], [None], None)
        tps, cpu_ms, prefill = parsed
        for i, (t, c) in enumerate(zip(tps, cpu_ms)):
            r = {"tps": t, "cpu_tps": 1000.0 / c if c else None, "depth_prefill_tps": prefill,
                 "rss_mb": round(rss, 1), "wall_s": round(wall, 2), "load1": load, "exit": rc,
                 "model": label, "test": test_name, "threads": threads, "engine": engine,
                 "pair": i}
            raw.write(json.dumps(r) + "\n")
            runs[engine].append(r)
        raw.flush()
        text = ", ".join("FAILED" if t is None else f"{t:.2f}" for t in tps)
        cpu = median_or_none([r["cpu_tps"] for r in runs[engine]])
        print(f"    {label} {test_name} t={threads} {engine}: depth prefill {fmt(prefill)} tok/s; "
              f"decode {text} tok/s; cpu {fmt(cpu)} tok/s rss {rss:.0f} MiB load {load:.1f}",
              flush=True)
    return runs


def median_or_none(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def summarise_all(args, label, info, test_name, test, threads, runs, bandwidth):
    """One summary per Folio engine, each against all llama.cpp runs of the cell."""
    llama = {n: r for n, r in runs.items() if not is_folio(n)}
    out = []
    for engine, kv_type in folio_engines(args):
        row_label = label if engine == "folio" and not kv_type else f"{label} (KV {kv_type})"
        kv_bytes = KV_VALUE_BYTES.get(kv_type or "f16", 2.0)
        out.append(summarise(row_label, info, test_name, test, threads,
                             {**llama, "folio": runs[engine]}, bandwidth, kv_bytes))
    return out


def summarise(label, model_info, test_name, test, threads, runs, bandwidth, folio_kv_bytes=2.0):
    """runs: the llama.cpp engines' runs and one Folio engine's as "folio"; folio_kv_bytes: bytes
    per cached value of that engine's KV cache (for its bandwidth fraction)."""
    llama_names = [n for n in runs if n != "folio"]
    med = {n: median_or_none([r["tps"] for r in runs[n]]) for n in runs}
    best = max(llama_names, key=lambda n: med[n] or 0.0)
    ratios = []
    for f, l in zip(runs["folio"], runs[best]):
        if f["tps"] and l["tps"]:
            ratios.append(f["tps"] / l["tps"])
    # Depth cells: CPU-time tok/s per repetition, and the depth prefill's tok/s.
    cpu_med = {n: median_or_none([r.get("cpu_tps") for r in runs[n]]) for n in runs}
    cpu_best = max(llama_names, key=lambda n: cpu_med[n] or 0.0)
    cpu_ratios = [f["cpu_tps"] / l["cpu_tps"] for f, l in zip(runs["folio"], runs[cpu_best])
                  if f.get("cpu_tps") and l.get("cpu_tps")]
    summary = {
        "model": label, "test": test_name, "threads": threads, "kind": test[0],
        "median_tps": med, "llama_best": best,
        "ratio_median": statistics.median(ratios) if ratios else None,
        "ratio_min": min(ratios) if ratios else None,
        "ratio_max": max(ratios) if ratios else None,
        "pairs": len(ratios),
        "rss_mb": {n: median_or_none([r["rss_mb"] for r in runs[n]]) for n in runs},
        "load1_mean": statistics.mean([r["load1"] for n in runs for r in runs[n]]),
    }
    if cpu_ratios:
        summary.update({
            "median_cpu_tps": cpu_med, "llama_best_cpu": cpu_best,
            "cpu_ratio_median": statistics.median(cpu_ratios),
            "depth_prefill_tps": {n: median_or_none([r.get("depth_prefill_tps") for r in runs[n]])
                                  for n in runs}})
    gbps = bandwidth.get(str(threads)) if bandwidth else None
    if test[0] == "decode" and gbps and model_info:
        # Bytes one decode step reads: every weight once, plus K and V of all earlier positions
        # (at the mean depth of the generated tokens); llama.cpp's cache is f16.
        positions = test[3] + test[2] / 2

        def per_token(value_bytes):
            return model_info["weight_bytes"] + \
                model_info["kv_values_per_pos"] * value_bytes * positions

        summary["bytes_per_token"] = {n: per_token(folio_kv_bytes if n == "folio" else 2.0)
                                      for n in runs}
        summary["bandwidth_gbps"] = gbps
        summary["bw_fraction"] = {
            n: (med[n] * summary["bytes_per_token"][n] / (gbps * 1e9) if med[n] else None)
            for n in runs}
    return summary


def summaries_from_raw(args, bandwidth):
    """The summaries of the cells in --out's raw.jsonl (in file order); cells that lack a
    llama.cpp engine or one of the --folio-kv Folio engines (cut off mid-cell) are left out."""
    paths = {}
    for spec in args.model:
        label, _, rest = spec.partition("=")
        paths[label] = rest.partition(":")[0]
    cells = {}
    with open(os.path.join(args.out, "raw.jsonl"), encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            cell = cells.setdefault((r["model"], r["test"], r["threads"]), {})
            cell.setdefault(r["engine"], []).append(r)
    infos = {}
    summaries = []
    for (label, name, threads), runs in cells.items():
        complete = any(not is_folio(e) for e in runs) and \
            all(e in runs for e, _ in folio_engines(args))
        if not complete:
            print(f"left out (incomplete): {label} {name} t={threads}", file=sys.stderr)
            continue
        if label not in infos:
            infos[label] = model_info(paths[label]) if label in paths else None
        summaries += summarise_all(args, label, infos[label], name, parse_test(name), threads,
                                   runs, bandwidth)
    return summaries


def model_info(path):
    """model_info_here(path), computed in a child process: the GGUF reader maps the file, and a
    forked benchmark would inherit that resident memory into its peak RSS (ru_maxrss)."""
    code = ("import json, sys; sys.path.insert(0, sys.argv[2]); import cpu_pairs; "
            "print(json.dumps(cpu_pairs.model_info_here(sys.argv[1])))")
    out = subprocess.run([sys.executable, "-c", code, path, os.path.dirname(__file__)],
                         capture_output=True, text=True, check=False).stdout
    try:
        return json.loads(out)
    except ValueError:
        return None


def model_info_here(path):
    """Weight bytes read per decode step and K+V values per cached position."""
    try:
        import gguf  # noqa: PLC0415 (optional: only for the bandwidth fraction)
    except ImportError:
        return None
    reader = gguf.GGUFReader(path)
    names = {t.name: int(t.n_bytes) for t in reader.tensors}
    weight = sum(b for n, b in names.items() if n != "token_embd.weight")
    if "output.weight" not in names:  # tied embeddings: the output matmul reads the table
        weight += names.get("token_embd.weight", 0)

    def field(key):
        f = reader.fields.get(key)
        return int(f.parts[f.data[0]][0]) if f else None

    arch_field = reader.fields["general.architecture"]
    arch = bytes(arch_field.parts[arch_field.data[0]]).decode()
    n_layer = field(f"{arch}.block_count")
    n_head = field(f"{arch}.attention.head_count")
    n_kv = field(f"{arch}.attention.head_count_kv") or n_head
    head_dim = field(f"{arch}.attention.key_length") or field(f"{arch}.embedding_length") // n_head
    return {"weight_bytes": weight, "kv_values_per_pos": 2 * n_layer * n_kv * head_dim,
            "file_bytes": os.path.getsize(path)}


def fmt(x, spec=".2f"):
    return "—" if x is None else format(x, spec)


def markdown(summaries, meta):
    lines = [
        f"Machine: {meta['cpu']}, {meta['cores']} cores; memory read bandwidth "
        f"{meta['bandwidth']} GB/s (threads: GB/s). Pairs per cell: {meta['pairs']}; "
        f"mean 1-min load average during the runs: {meta['load_mean']:.1f}.",
        "",
        "| model | test | threads | llama.cpp tok/s | Folio tok/s | Folio/llama.cpp (median, min–max) "
        "| peak RSS MiB llama / Folio | decode BW fraction llama / Folio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in summaries:
        med = s["median_tps"]
        llama = " / ".join(f"{n.replace('llama-', '')} {fmt(med[n])}" for n in med if n != "folio") \
            if len(med) > 2 else fmt(med[s["llama_best"]])
        bw = s.get("bw_fraction")
        bw_text = f"{fmt(bw[s['llama_best']], '.0%')} / {fmt(bw['folio'], '.0%')}" if bw else "—"
        lines.append(
            f"| {s['model']} | {s['test']} | {s['threads']} | {llama} | {fmt(med['folio'])} | "
            f"**{fmt(s['ratio_median'])}x** ({fmt(s['ratio_min'])}–{fmt(s['ratio_max'])}) | "
            f"{fmt(s['rss_mb'][s['llama_best']], '.0f')} / {fmt(s['rss_mb']['folio'], '.0f')} | "
            f"{bw_text} |")
    depth_rows = [s for s in summaries if "cpu_ratio_median" in s]
    if depth_rows:
        lines += [
            "", "Depth cells (one depth prefill per engine and setting, then the repetitions; "
            "cpu tok/s = 1000 / CPU ms per token):", "",
            "| model | test | threads | depth prefill tok/s | cpu tok/s | "
            "Folio/llama.cpp by CPU time (best llama setting) |",
            "|---|---|---|---|---|---|"]
        for s in depth_rows:
            pre = " / ".join(f"{n.replace('llama-', '')} {fmt(v, '.1f')}"
                             for n, v in s["depth_prefill_tps"].items())
            cpu = " / ".join(f"{n.replace('llama-', '')} {fmt(v)}"
                             for n, v in s["median_cpu_tps"].items())
            lines.append(f"| {s['model']} | {s['test']} | {s['threads']} | {pre} | {cpu} | "
                         f"**{fmt(s['cpu_ratio_median'])}x** vs "
                         f"{s['llama_best_cpu'].replace('llama-', '')} |")
    return "\n".join(lines) + "\n"


def chart(summaries, path):
    try:
        import matplotlib  # noqa: PLC0415
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError:
        return "matplotlib not importable: no chart"
    rows = [s for s in summaries if s["ratio_median"] is not None]
    if not rows:
        return "no successful pairs: no chart"
    labels = [f"{s['model']}\n{s['test']} t{s['threads']}" for s in rows]
    values = [s["ratio_median"] for s in rows]
    errs = [[v - s["ratio_min"] for v, s in zip(values, rows)],
            [s["ratio_max"] - v for v, s in zip(values, rows)]]
    colors = ["#2a7" if v >= 1.0 else "#c44" for v in values]
    fig, ax = plt.subplots(figsize=(max(6, 0.7 * len(rows) + 2), 4.5))
    ax.bar(range(len(rows)), values, yerr=errs, color=colors, capsize=3)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=7)
    ax.set_ylabel("Folio / llama.cpp tokens/s (median of pairs)")
    ax.set_title("Folio vs llama.cpp on CPU (bars: min–max of pairs)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return None


def cpu_name():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--llama-bench")
    ap.add_argument("--folio-cli")
    ap.add_argument("--from-raw", action="store_true",
                    help="summarise --out's raw.jsonl again instead of running")
    ap.add_argument("--membw")
    ap.add_argument("--out", required=True)
    ap.add_argument("--model", action="append", required=True,
                    help="LABEL=PATH or LABEL=PATH:test,test (a subset of the tests)")
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--taskset", help="CPU list for taskset -c (both engines)")
    ap.add_argument("--llama-depth", help="bench/peer/llama_depth_bench binary: depth tests "
                    "prefill once per engine and setting (else llama-bench re-prefills per run)")
    ap.add_argument("--tests", help="comma-separated tests to run (ppN, tgN, tgN@dD)")
    ap.add_argument("--models", help="comma-separated label substrings: run only those models")
    ap.add_argument("--folio-kv", help="comma-separated Folio KV cache types (f16, q8_0, f32): "
                    "one Folio engine per type in every cell")
    ap.add_argument("--llama-fa", default="0,1",
                    help="llama.cpp's flash-attention settings at depth, e.g. 0 (default 0,1)")
    args = ap.parse_args()
    args.llama_fa = [int(x) for x in args.llama_fa.split(",") if x]
    if not args.from_raw and not (args.llama_bench and args.folio_cli):
        ap.error("--llama-bench and --folio-cli are required (except with --from-raw)")
    args.folio_kv = [t for t in args.folio_kv.split(",") if t] if args.folio_kv else []
    unknown = [t for t in args.folio_kv if t not in KV_VALUE_BYTES]
    if unknown:
        ap.error(f"--folio-kv: unknown type(s) {', '.join(unknown)} "
                 f"(known: {', '.join(KV_VALUE_BYTES)})")
    os.makedirs(args.out, exist_ok=True)
    tests = QUICK_TESTS if args.quick else FULL_TESTS
    if args.tests:
        try:
            tests = {name: parse_test(name) for name in args.tests.split(",") if name}
        except ValueError as e:
            ap.error(str(e))
    model_filter = [m.lower() for m in args.models.split(",") if m] if args.models else None
    threads = [int(t) for t in args.threads.split(",") if t]

    bandwidth = {}
    bandwidth_file = os.path.join(args.out, "bandwidth.json")
    if args.from_raw:
        if os.path.exists(bandwidth_file):
            with open(bandwidth_file, encoding="utf-8") as f:
                bandwidth = json.load(f)
        write_results(args, summaries_from_raw(args, bandwidth), bandwidth)
        return
    if args.membw:
        out = subprocess.run([args.membw, "--threads", args.threads, "--json"], check=True,
                             capture_output=True, text=True).stdout
        bandwidth = json.loads(out)["gbps"]
        print(f"memory read bandwidth (GB/s by threads): {bandwidth}", flush=True)
        with open(bandwidth_file, "w", encoding="utf-8") as f:
            json.dump(bandwidth, f)

    summaries = []
    with open(os.path.join(args.out, "raw.jsonl"), "w", encoding="utf-8") as raw, \
            open(os.path.join(args.out, "runs.log"), "w", encoding="utf-8") as log:
        cell = 0
        for spec in args.model:
            label, _, rest = spec.partition("=")
            path, _, subset = rest.partition(":")
            if model_filter and not any(m in label.lower() for m in model_filter):
                continue
            wanted = [t for t in (subset.split(",") if subset else tests) if t in tests]
            if not wanted:
                continue
            info = model_info(path)
            for t in threads:
                print(f"== {label} ({path}), {t} thread(s): warm-up", flush=True)
                for engine, fa in [("llama", None), ("folio", None)]:
                    one_run(args, engine, fa, path, WARMUP_TEST, t, log)
                for name in wanted:
                    test = tests[name]
                    if test[3] and args.llama_depth:
                        runs = run_depth_case(args, label, path, name, test, t, raw, log, cell)
                    else:
                        runs = run_case(args, label, path, name, test, t, raw, log)
                    cell += 1
                    summaries += summarise_all(args, label, info, name, test, t, runs, bandwidth)
    write_results(args, summaries, bandwidth)


def write_results(args, summaries, bandwidth):
    """results.json, results.md and chart.png in --out; prints the table."""
    meta = {"cpu": cpu_name(), "cores": os.cpu_count(), "bandwidth": bandwidth,
            "folio_kv": args.folio_kv or ["f16"],
            "pairs": max((s["pairs"] for s in summaries), default=0) if args.from_raw
            else args.pairs, "quick": args.quick, "date": time.strftime("%Y-%m-%d %H:%M"),
            "load_mean": statistics.mean([s["load1_mean"] for s in summaries]) if summaries else 0}
    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as f:
        json.dump({"meta": meta, "results": summaries}, f, indent=1)
    table = markdown(summaries, meta)
    with open(os.path.join(args.out, "results.md"), "w", encoding="utf-8") as f:
        f.write(table)
    note = chart(summaries, os.path.join(args.out, "chart.png"))
    print("\n" + table)
    if note:
        print(f"({note})")
    print(f"results in {args.out}")


if __name__ == "__main__":
    main()
