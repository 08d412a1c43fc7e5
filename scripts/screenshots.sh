#!/usr/bin/env bash
# Renders the Folio window for light/dark x en/zh_CN into docs/screenshots/*.png, offscreen
# (folio --screenshot grabs the first frames; --demo fills it with sample chats, not saved).
# Usage: scripts/screenshots.sh [path/to/folio]   (default: build/dev/bin/folio)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
folio="${1:-$here/build/dev/bin/folio}"
out="$here/docs/screenshots"
[[ -x "$folio" ]] || { echo "screenshots: no folio binary at $folio (build it first)" >&2; exit 1; }
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Keep the user's own settings out of it: fresh data and config dirs per shot.
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
export QT_QPA_PLATFORM=offscreen
for theme in light dark; do
  for lang in en zh_CN; do
    file="$out/folio-$theme-$lang.png"
    "$folio" --data-dir "$work/$theme-$lang" --theme "$theme" --language "$lang" --demo \
             --screenshot "$file"
    echo "wrote $file"
  done
done
