#!/usr/bin/env python3
"""Scores document-QA answers (folio-docqa ask) against the generated questions.

    score.py SPEC_DIR ANSWERS.jsonl... [--markdown] [--json OUT.json]

Each ANSWERS file is one run (one model, one pipeline). Prints per split (tune, heldout): answer
accuracy per question type, conflict recall and precision, page-citation accuracy and coverage,
and time to first token (first question of a document, follow-ups).

Rules (the same for every model and pipeline):
- correctness is judged on the model's own text ("raw"); the clauses the app appends to a conflict
  answer do not count for it;
- citations are read from the answer as shown ("answer"), except those marked unverified;
- a look-up / number / multi-hop answer is right when every expected group has one alternative in
  it (commas, spaces and full-width forms ignored);
- "not stated": the answer says so (未提及, not stated, does not specify...);
- a conflict question: the yes/no reading of the answer matches; recall counts planted conflicts
  answered "yes" with both values named; a list-all question finds a planted conflict when both
  of its values are named;
- citation accuracy: of the answers that cite a page and have expected pages, the share citing
  at least one expected page; coverage: the share of answers with expected pages that cite one.
"""
import argparse
import glob
import json
import os
import re
import statistics
import sys

NOT_STATED = re.compile(
    r"未提及|没有提及|未提到|没有提到|未规定|没有规定|未约定|没有约定|未说明|没有说明|未明确|没有明确|"
    r"无法确定|无法得知|无法回答|没有相关|未涉及|没有涉及|未载明|未列明|没有找到|未找到|不清楚|并未|无相关|"
    r"not (?:explicitly )?(?:stated|specified|mentioned|provided|given|included|found|say)|"
    r"does(?: not|n't) (?:say|state|specify|mention|include|provide|contain)|no (?:information|mention)|"
    r"cannot be determined|isn't (?:stated|specified|mentioned)|is not (?:stated|specified|mentioned)",
    re.I)
CONFLICT_NO = re.compile(
    r"不存在(?:任何)?(?:冲突|矛盾)|没有(?:任何)?(?:冲突|矛盾)|无冲突|不冲突|并不冲突|不矛盾|并不矛盾|是一致的|"
    r"一致。|相一致|保持一致|没有不一致|没有发现相互矛盾|未发现相互矛盾|没有发现冲突|"
    r"\bno (?:conflict|contradiction|inconsistenc)|do(?:es)? not (?:conflict|contradict)|"
    r"don't (?:conflict|contradict)|doesn't (?:conflict|contradict)|are consistent|is consistent|"
    r"\bconsistent with\b|give the same|are the same|is the same|not in conflict|"
    r"found no clauses that contradict|no clauses (?:that )?contradict", re.I)
CONFLICT_YES = re.compile(
    r"存在(?:冲突|矛盾)|有冲突|有矛盾|相互矛盾|相矛盾|冲突|矛盾|不一致|不同|不相同|"
    r"inconsisten|\bconflict|contradict|differ|not the same|discrepanc|mismatch", re.I)
CITATION = re.compile(r"\[(?:(?:document|doc)\.?\s*\d+\s*[,:;]?\s*)?(?:pp?\.|pages?)\s*(\d+)"
                      r"(?:\s*[-–]\s*(\d+))?\](\s*(?:\(unverified\)|（未核实）))?|第\s*(\d+)\s*页", re.I)


def norm(text):
    text = text.replace("，", ",").replace("％", "%").replace("．", ".")
    return re.sub(r"[\s,]", "", text).lower()


def has_groups(text, groups):
    t = norm(text)
    return all(any(norm(alt) in t for alt in group) for group in groups)


def conflict_reading(text):
    """True (says conflict), False (says none) or None (neither)."""
    if CONFLICT_NO.search(text):
        # "不存在冲突" also contains "冲突": the negative form wins only where it comes first.
        no = CONFLICT_NO.search(text).start()
        yes = CONFLICT_YES.search(re.sub(CONFLICT_NO, "", text))
        return False if yes is None or no <= 40 else True
    return True if CONFLICT_YES.search(text) else None


def cited_pages(answer):
    pages = []
    for m in CITATION.finditer(answer):
        if m.group(3):  # marked unverified
            continue
        first = int(m.group(1) or m.group(4))
        last = int(m.group(2)) if m.group(2) else first
        pages.extend(range(first, min(last, first + 20) + 1))
    return pages


def judge(q, line):
    raw = line.get("raw", "")
    expect = q["expect"]
    if "any" in expect:
        return has_groups(raw, expect["any"])
    if expect.get("not_stated"):
        return bool(NOT_STATED.search(raw))
    if "conflict" in expect:
        reading = conflict_reading(raw)
        if expect["conflict"]:
            return reading is True and has_groups(raw, expect["values"])
        return reading is False
    if "conflicts" in expect:
        if not expect["conflicts"]:
            return conflict_reading(raw) is False or bool(NOT_STATED.search(raw))
        return all(has_groups(raw, c) for c in expect["conflicts"])
    return False


def score_run(specs, lines):
    by_id = {l["id"]: l for l in lines}
    out = {}
    for split in ("tune", "heldout", "long", "longtune", "scanned"):
        rows = {}
        conflict = {"planted": 0, "found": 0, "claimed": 0, "claimed_true": 0}
        cites = {"with_pages": 0, "citing": 0, "right": 0}
        first_ttft, follow_ttft, docs = [], [], 0
        for spec in specs:
            if spec["split"] != split:
                continue
            asked = [q for q in spec["questions"] if q["id"] in by_id]
            if not asked:
                continue
            docs += 1
            for i, q in enumerate(asked):
                line = by_id[q["id"]]
                ok = judge(q, line)
                rows.setdefault(q["type"], []).append(ok)
                ttft = line["stats"].get("ttftMs", 0) / 1000
                (first_ttft if i == 0 else follow_ttft).append(ttft)
                expect = q["expect"]
                if "conflict" in expect:
                    says = conflict_reading(line.get("raw", "")) is True
                    conflict["claimed"] += says
                    if expect["conflict"]:
                        conflict["planted"] += 1
                        conflict["found"] += ok
                        conflict["claimed_true"] += says
                if "conflicts" in expect:
                    for c in expect["conflicts"]:
                        conflict["planted"] += 1
                        conflict["found"] += has_groups(line.get("raw", ""), c)
                if q["pages"]:
                    pages = cited_pages(line.get("answer", ""))
                    cites["with_pages"] += 1
                    if pages:
                        cites["citing"] += 1
                        cites["right"] += any(p in q["pages"] for p in pages)
        if not docs:
            continue
        all_ok = [x for v in rows.values() for x in v]
        out[split] = {
            "documents": docs,
            "questions": len(all_ok),
            "accuracy": sum(all_ok) / len(all_ok),
            "by_type": {k: [sum(v), len(v)] for k, v in sorted(rows.items())},
            "conflict_recall": conflict["found"] / conflict["planted"] if conflict["planted"] else None,
            "conflict_precision": (conflict["claimed_true"] / conflict["claimed"]
                                   if conflict["claimed"] else None),
            "citation_accuracy": cites["right"] / cites["citing"] if cites["citing"] else 0.0,
            "citation_coverage": cites["citing"] / cites["with_pages"] if cites["with_pages"] else 0.0,
            "ttft_first_s": statistics.median(first_ttft) if first_ttft else None,
            "ttft_followup_s": statistics.median(follow_ttft) if follow_ttft else None,
        }
    return out


def pct(x):
    return "–" if x is None else "%.0f%%" % (100 * x)


def markdown(name, result):
    rows = []
    for split, r in result.items():
        types = " · ".join("%s %d/%d" % (k, v[0], v[1]) for k, v in r["by_type"].items())
        rows.append("| %s | %s | %d / %d | %s | %s | %s | %s | %s | %.1f s | %.1f s | %s |" % (
            name, split, r["documents"], r["questions"], pct(r["accuracy"]),
            pct(r["conflict_recall"]), pct(r["conflict_precision"]), pct(r["citation_accuracy"]),
            pct(r["citation_coverage"]), r["ttft_first_s"] or 0, r["ttft_followup_s"] or 0, types))
    return "\n".join(rows)


HEADER = ("| run | split | docs / questions | accuracy | conflict recall | conflict precision | "
          "citation accuracy | citation coverage | TTFT first | TTFT follow-up | by type (right/asked) |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|")


def chart(results, path):
    """Grouped bars: each run and split, four measures (matplotlib; skipped when missing)."""
    try:
        import matplotlib  # noqa: PLC0415
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError:
        print("matplotlib is not installed: no chart", file=sys.stderr)
        return
    measures = [("accuracy", "answer accuracy"), ("conflict_recall", "conflict recall"),
                ("citation_coverage", "answers citing a page"), ("not_stated", '"not stated" right')]
    labels, values = [], []
    for name, r in results.items():
        for split, v in r.items():
            labels.append("%s\n%s" % (name, split))
            ns = v["by_type"].get("not_stated", [0, 0])
            row = dict(v, not_stated=ns[0] / ns[1] if ns[1] else None)
            values.append([100 * (row[m] or 0) for m, _ in measures])
    fig, ax = plt.subplots(figsize=(max(8, 1.3 * len(labels)), 4.5))
    width = 0.8 / len(measures)
    for i, (_, title) in enumerate(measures):
        ax.bar([x + i * width for x in range(len(labels))], [v[i] for v in values], width, label=title)
    ax.set_xticks([x + 0.4 - width / 2 for x in range(len(labels))])
    ax.set_xticklabels(labels, fontsize=7)
    ax.set_ylabel("%")
    ax.set_ylim(0, 105)
    ax.legend(fontsize=8, ncol=4, loc="upper center", bbox_to_anchor=(0.5, 1.12))
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("specs")
    ap.add_argument("answers", nargs="+")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--json")
    ap.add_argument("--chart", help="write a PNG chart (needs matplotlib)")
    args = ap.parse_args()
    specs = [json.load(open(p, encoding="utf-8"))
             for p in sorted(glob.glob(os.path.join(args.specs, "*.json")))]
    results = {}
    for path in args.answers:
        lines = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
        results[os.path.basename(path).rsplit(".", 1)[0]] = score_run(specs, lines)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    if args.chart:
        chart(results, args.chart)
    if args.markdown:
        print(HEADER)
        for name, r in results.items():
            print(markdown(name, r))
    else:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
