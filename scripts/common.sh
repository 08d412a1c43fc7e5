# Shared by the scripts in scripts/: sourced, never run. Defines the repository root, log helpers
# and the model locations that scripts/fetch-model writes and the build passes to the tests.
# shellcheck shell=bash

FOLIO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The default model's file name; its checksum and size are pinned in scripts/model-manifest.txt.
FOLIO_MODEL_FILE="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
# Where the app looks for models (XDG data) and where the tests look (XDG cache, a hard link).
FOLIO_MODEL_DATA_DIR="${XDG_DATA_HOME:-$HOME/.local/share}/folio/models"
FOLIO_MODEL_CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/folio/models"

folio_log() { printf '[%s] %s\n' "$(basename "$0")" "$*"; }
folio_die() {
    printf '[%s] error: %s\n' "$(basename "$0")" "$*" >&2
    exit 1
}

# The number of cores to build with (all of them).
folio_jobs() { nproc 2>/dev/null || echo 2; }
