#!/usr/bin/env bash
# The cluster simulation (docs/scaling.md, "Measured at cluster scale"), for this tree ("new") and for the design before
# issue 12 ("old": the Redis package of commit c1d4c01, one channel for every message and every server's circuits on every
# server), alternating, same program. Output: one JSON line per measurement in $OUT (default /work/results/redis).
#   bench/scripts/cluster-simulation.sh scale "2 4 8" 2000
#   bench/scripts/cluster-simulation.sh mutate 4 2000 "1000,4000,0"
#   CLUSTER=1 bench/scripts/cluster-simulation.sh scale "2 4 8" 2000   (a real 3-master Redis Cluster; DESIGNS="new" to
#   run only this tree: the old design was never made for a cluster)
# Run it under the heavy lock (flock /tmp/livestate-heavy.lock ...), one invocation per hold.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
old_commit="${OLD_COMMIT:-c1d4c01}"
out="${OUT:-/work/results/redis}"
old_tree="${OLD_TREE:-/tmp/livestate-clustersim-old}"
mkdir -p "$out"

build() {
  dotnet build "$root/bench/ClusterSimulation" -c Release -warnaserror -v q -nologo >/dev/null
  if [ ! -d "$old_tree" ]; then
    mkdir -p "$old_tree"
    git -C "$root" archive "$old_commit" | tar -x -C "$old_tree"
  fi
  rm -rf "$old_tree/bench/ClusterSimulation" && mkdir -p "$old_tree/bench/ClusterSimulation"
  cp "$root/bench/ClusterSimulation/"*.cs "$root/bench/ClusterSimulation/"*.csproj "$old_tree/bench/ClusterSimulation/"
  # The old package shows its internals to its test assembly only: the simulation takes that name there.
  dotnet build "$old_tree/bench/ClusterSimulation" -c Release -v q -nologo \
    -p:ClusterSimulationDesign=old -p:ClusterSimulationAssemblyName=LiveState.Blazor.Redis.Tests >/dev/null
}

run() { # design args...
  local design="$1"; shift
  if [ "$design" = new ]; then
    dotnet "$root/bench/ClusterSimulation/bin/Release/net10.0/LiveState.Blazor.ClusterSimulation.dll" "$@"
  else
    dotnet "$old_tree/bench/ClusterSimulation/bin/Release/net10.0/LiveState.Blazor.Redis.Tests.dll" "$@"
  fi
}

build
mode="${1:-scale}"
if [ "$mode" = scale ]; then
  for s in ${2:-2 4 8}; do
    for design in ${DESIGNS:-old new}; do
      run "$design" scale --servers "$s" --circuits "${3:-2000}" ${CLUSTER:+--cluster} | tee -a "$out/scale.jsonl"
    done
  done
else
  for design in ${DESIGNS:-old new}; do
    run "$design" mutate --servers "${2:-4}" --circuits "${3:-2000}" --rates "${4:-1000,4000,0}" --seconds "${5:-5}" ${CLUSTER:+--cluster} | tee -a "$out/mutate.jsonl"
  done
fi
