#!/usr/bin/env bash
# Runs the test suite N times in a row on a warm build and prints one line per run: wall clock, CPU time and the
# passed/failed/skipped counts over every test assembly. Stops at the first failed run, keeping its log.
#   bench/suite/runs.sh 10                               # the whole suite, as CI runs it
#   bench/suite/runs.sh 10 --filter "Category!=Slow"     # the quick loop
# How #17's "10 consecutive runs green" was checked; the figures are in README.md, "The test suite".
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:?usage: bench/suite/runs.sh RUNS [dotnet test options]}
shift
dotnet build TriggerPlugins.sln -v:q -nologo >/dev/null
log=$(mktemp)
echo "# $(date -u +%FT%TZ) $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; dotnet test TriggerPlugins.sln --no-build $*"
for run in $(seq 1 "$runs"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  # Busy CPU time of the whole machine (user + nice + system, /proc/stat ticks): /usr/bin/time only counts the
  # children dotnet test waits for, and its test hosts and their processes are not all among them.
  busy_before=$(awk '/^cpu /{ print $2 + $3 + $4 }' /proc/stat)
  status=0
  /usr/bin/time -f "%e" -o "$log.time" dotnet test TriggerPlugins.sln --no-build "$@" >"$log" 2>&1 || status=$?
  wall=$(tail -n 1 "$log.time")
  busy=$(awk -v before="$busy_before" -v hz="$(getconf CLK_TCK)" '/^cpu /{ printf "%.1f", ($2 + $3 + $4 - before) / hz }' /proc/stat)
  counts=$(awk -f .ci/test-counts.awk "$log")
  echo "run $run: ${wall} s wall, ${busy} s CPU (machine), load $load at start: $counts, exit $status"
  if [ "$status" -ne 0 ]; then
    echo "run $run failed: its log is $log"
    exit 1
  fi
done
rm -f "$log" "$log.time"
