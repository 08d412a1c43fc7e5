#!/usr/bin/env bash
# bench/docqa/run.sh: the document-QA benchmark (issue 19). Generates the documents and
# questions, renders them to PDF, asks every question through the app's pipeline with each model
# and pipeline, and scores the answers.
#
#   bench/docqa/run.sh [--models default,1.5b] [--pipelines baseline,full]
#                      [--split all|tune|heldout|long|longtune|scanned] [--threads N] [--out DIR] [--only TYPE,...]
#                      [--long-questions N]
#
# The long documents (retrieval mode) take minutes per question without the retrieval cap: each
# run asks the first --long-questions of them (default 4; the baseline 2).
# Models: "default" (scripts/model-manifest.txt) and "1.5b" (scripts/model-manifest-1.5b.txt),
# fetched with scripts/fetch-model when missing, or a path to a .gguf. Results: DIR/answers/
# <model>-<pipeline>.jsonl, DIR/scores.md and DIR/scores.json (default DIR build/docqa).
# Needs a release build (scripts/build release) for bench folio-docqa.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/common.sh"
cd "$FOLIO_ROOT"

models=default
pipelines=baseline,full
split=all
threads=0
out=build/docqa
only=
longQuestions=4
while [ $# -gt 0 ]; do
    case "$1" in
        --models) models="$2"; shift 2 ;;
        --pipelines) pipelines="$2"; shift 2 ;;
        --split) split="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --only) only="$2"; shift 2 ;;
        --long-questions) longQuestions="$2"; shift 2 ;;
        -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) folio_die "unknown argument '$1' (see --help)" ;;
    esac
done

docqa=build/release/bin/folio-docqa
[ -x "$docqa" ] || folio_die "no $docqa: run scripts/build release first"
mkdir -p "$out/specs" "$out/answers"
python3 bench/docqa/generate.py "$out/specs" --split "$split" >/dev/null
for spec in "$out"/specs/*.json; do
    pdf="${spec%.json}.pdf"
    [ "$pdf" -nt "$spec" ] || python3 bench/docqa/render.py "$spec" "$pdf"
done

modelPath() {
    case "$1" in
        default) scripts/fetch-model >&2; printf '%s' "$FOLIO_MODEL_DATA_DIR/$FOLIO_MODEL_FILE" ;;
        1.5b)
            scripts/fetch-model --manifest scripts/model-manifest-1.5b.txt >&2
            printf '%s' "$FOLIO_MODEL_DATA_DIR/$(sed -n 's/^file=//p' scripts/model-manifest-1.5b.txt)" ;;
        *) printf '%s' "$1" ;;
    esac
}

specs=()
longSpecs=()
for s in "$out"/specs/*.json; do
    case "$split" in all) ;; *) [[ "$(basename "$s")" == "$split"-* ]] || continue ;; esac
    if [[ "$(basename "$s")" == long* ]]; then longSpecs+=("$s"); else specs+=("$s"); fi
done
answers=()
IFS=, read -r -a modelList <<<"$models"
IFS=, read -r -a pipelineList <<<"$pipelines"
for model in "${modelList[@]}"; do
    path="$(modelPath "$model")"
    for pipeline in "${pipelineList[@]}"; do
        name="$(basename "$model" .gguf)-$pipeline"
        file="$out/answers/$name.jsonl"
        rm -f "$file"
        args=(--model "$path" --out "$file" --threads "$threads")
        [ "$pipeline" = baseline ] && args+=(--baseline)
        [ -n "$only" ] && args+=(--only "$only")
        if [ ${#specs[@]} -gt 0 ]; then
            folio_log "asking with $name (${#specs[@]} documents)"
            "$docqa" ask "${args[@]}" "${specs[@]}"
        fi
        if [ ${#longSpecs[@]} -gt 0 ]; then
            n="$longQuestions"
            [ "$pipeline" = baseline ] && n=$(((n + 1) / 2))
            folio_log "asking with $name (${#longSpecs[@]} long documents, $n questions each)"
            "$docqa" ask "${args[@]}" --max-questions "$n" "${longSpecs[@]}"
        fi
        answers+=("$file")
    done
done
python3 bench/docqa/score.py "$out/specs" "${answers[@]}" --json "$out/scores.json" --chart "$out/scores.png" --markdown |
    tee "$out/scores.md"
