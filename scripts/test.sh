#!/usr/bin/env bash
# The test command: installs what the tests need, builds the solution once (warnings are errors),
# runs every test project under tests/, and ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages the suites need: Chromium for the browser tests, redis-server for the Redis tests.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    { echo "could not install ${missing[*]}"; echo "0 passed, 1 failed"; exit 1; }
fi

if ! dotnet build LiveState.sln -c Release -warnaserror -nologo -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0
failed=0
status=0
results="$PWD/TestResults"
mkdir -p "$results"
for project in $(find tests -mindepth 2 -maxdepth 2 -name '*.csproj' | sort); do
  name=$(basename "$project" .csproj)
  log="$results/$name.log"
  echo "== $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --results-directory "$results/$name" --logger "trx;LogFileName=$name.trx" \
    --blame-hang-timeout 10m 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  summary=$(grep -oE 'Failed: +[0-9]+, Passed: +[0-9]+' "$log" | tail -n 1)
  if [ -n "$summary" ]; then
    f=$(echo "$summary" | sed -E 's/Failed: +([0-9]+), Passed: +([0-9]+)/\1/')
    p=$(echo "$summary" | sed -E 's/Failed: +([0-9]+), Passed: +([0-9]+)/\2/')
    passed=$((passed + p))
    failed=$((failed + f))
    # A crashed or aborted run can print a summary and still fail: count that as a failure.
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi
  elif [ "$rc" -ne 0 ]; then
    failed=$((failed + 1))
  fi
  [ "$rc" -eq 0 ] || status=1
done

[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed"
exit "$status"
