#!/usr/bin/env bash
# Runs one real-render command against LiveState 0.1 ("before", the checkout bench/scripts/before-tree.sh built) and
# against this tree ("after", the default model), alternating: before, after, before, after, ... Each run's output
# goes to <out>/<i>-before.txt and <out>/<i>-after.txt (progress lines to .err). Takes /tmp/livestate-heavy.lock once
# for the whole series, so that no other heavy run lands between the runs it pairs.
#
#   bash bench/scripts/before-after.sh <out> <pairs> <command> [arguments...]
#   bash bench/scripts/before-after.sh /tmp/render 2 render 10 100,1000
#
# Build both first: `dotnet build bench/LiveState.Blazor.Benchmarks -c Release` and bench/scripts/before-tree.sh.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
before=${LIVESTATE_BEFORE_DIR:-/tmp/livestate-before}
out=$1
pairs=$2
shift 2
dll=bench/LiveState.Blazor.Benchmarks/bin/Release/net10.0/LiveState.Blazor.Benchmarks.dll
for tree in "$before" "$repo"; do
  if [ ! -f "$tree/$dll" ]; then
    echo "$tree/$dll is missing: build it first (see the comment at the top of this script)." >&2
    exit 1
  fi
done

mkdir -p "$out"
exec 9>/tmp/livestate-heavy.lock
flock 9
for i in $(seq 1 "$pairs"); do
  echo "[$(date +%H:%M:%S)] pair $i: before" >&2
  (cd "$before" && dotnet "$dll" "$@" --model before >"$out/$i-before.txt" 2>"$out/$i-before.err")
  echo "[$(date +%H:%M:%S)] pair $i: after" >&2
  (cd "$repo" && dotnet "$dll" "$@" --model after >"$out/$i-after.txt" 2>"$out/$i-after.err")
done
echo "[$(date +%H:%M:%S)] done: $out" >&2
