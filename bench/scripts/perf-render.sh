#!/usr/bin/env bash
# Profiles one side of one real-render case with perf (cpu-clock samples with call stacks, JIT-compiled methods named
# through the runtime's perf map), then splits its CPU per operation by where it went (perf-categories.py).
#
#   bash bench/scripts/perf-render.sh <group|update|all> <baseline1|baseline2|live> [seconds] [N] [out] [dll]
#   bash bench/scripts/perf-render.sh group live 12 100 /tmp/prof/group-live
#
# dll defaults to this tree's benchmark (build it first); pass the 0.1 checkout's to profile "before". Takes
# /tmp/livestate-heavy.lock for the run. Needs perf (linux-perf) and python3.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
case=$1
side=$2
seconds=${3:-12}
n=${4:-1000}
out=${5:-/tmp/livestate-perf/$case-$side-$n}
dll=${6:-$repo/bench/LiveState.Blazor.Benchmarks/bin/Release/net10.0/LiveState.Blazor.Benchmarks.dll}
mkdir -p "$(dirname "$out")"

exec 9>/tmp/livestate-heavy.lock
flock 9

# The perf map names JIT-compiled code; W^X double mapping would hide it from perf.
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 dotnet "$dll" render-profile "$case" "$side" "$seconds" "$n" >"$out.txt" 2>"$out.log" &
pid=$!
until grep -q '\[profile\] start' "$out.log" 2>/dev/null; do
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$out.log" >&2
    exit 1
  fi
  sleep 0.2
done

# Sample the steady part only (the run ends a little after the recording).
perf record -e cpu-clock -F 1999 -g -p "$pid" -o "$out.data" -- sleep "$((seconds - 1))" >/dev/null 2>&1
wait "$pid"
perf script -i "$out.data" >"$out.script" 2>/dev/null
cat "$out.txt"
python3 "$repo/bench/scripts/perf-categories.py" "$out.script" "$out.txt"
