#!/usr/bin/env bash
# Builds the "before" side of the real-render benchmarks: a scratch checkout of LiveState 0.1 (commit d8dcec8, the
# last commit before the component model of issue 11) with this tree's bench/ copied into it, so that before and
# after run the same harness against their own library. There the benchmark project finds no component model,
# defines LIVESTATE_0_1, and its only model is 0.1's CascadingSessionGroupState ("before"). See bench/README.md.
#
#   bash bench/scripts/before-tree.sh [directory]      (default /tmp/livestate-before)
#
# Run it again after changing bench/: it copies bench/ afresh (without bin/ and obj/) and rebuilds. The checkout is a
# detached git worktree of this repository; remove it with `git worktree remove <directory>`.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=${1:-/tmp/livestate-before}
commit=d8dcec8f2ef7b750486deca3d17651c926925511

if [ ! -e "$dir/.git" ]; then
  git -C "$repo" worktree add --detach "$dir" "$commit"
fi

head=$(git -C "$dir" rev-parse HEAD)
if [ "$head" != "$commit" ]; then
  echo "$dir is at $head, not at LiveState 0.1 ($commit)." >&2
  exit 1
fi

if [ -e "$dir/src/LiveState.Blazor/Components/LiveComponent.cs" ]; then
  echo "$dir has the component model: it cannot measure 'before'." >&2
  exit 1
fi

# Only bench/ is replaced; the library, tests and props files stay as 0.1 had them.
rm -rf "$dir/bench"
mkdir -p "$dir/bench"
tar -C "$repo/bench" --exclude=bin --exclude=obj -cf - . | tar -C "$dir/bench" -xf -

dotnet build "$dir/bench/LiveState.Blazor.Benchmarks" -c Release -warnaserror -nologo -v quiet
echo
echo "before: dotnet $dir/bench/LiveState.Blazor.Benchmarks/bin/Release/net10.0/LiveState.Blazor.Benchmarks.dll <command> (run from $dir)"
