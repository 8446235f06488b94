#!/usr/bin/env bash
# Runs the fault-injection tests N times (default 5) against real engines and prints, per fault,
# how many runs converged and the time to converge (docs/failure-handling.md). Run after
# `local/engines.sh up 3`, as ./a4c test does; takes about 3 minutes a run.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
runs="${1:-5}"
figures=local/target/fault-figures.csv
rm -f "$figures"
export A4C_TEST_DOCKER_HOSTS="${A4C_TEST_DOCKER_HOSTS:-h1=unix:///var/run/docker.sock,h2=unix:///run/a4c/h2.sock,h3=unix:///run/a4c/h3.sock}"
for ((i = 1; i <= runs; i++)); do
  echo "run $i of $runs" >&2
  mvn -B -q -pl events,functions,host-daemon,local -am test -Dsurefire.failIfNoSpecifiedTests=false \
    -Dtest='FaultToleranceTest,ReconcilerTest,HostHealthTest,SweeperTest,IdempotencyTest' >/dev/null 2>&1 ||
    echo "run $i had a failing test (its fault is missing from the figures below)" >&2
  # surefire's clean working copy keeps target/; the CSV accumulates across runs
done
echo "| fault | runs | converged | median ms | max ms |"
echo "|---|---|---|---|---|"
sort -t, -k1,1 -k2,2n "$figures" | awk -F, -v runs="$runs" '
  { n[$1]++; t[$1, n[$1]] = $2 }
  END { for (f in n) { m = t[f, int((n[f] + 1) / 2)]; printf "| %s | %d | %d | %d | %d |\n", f, runs, n[f], m, t[f, n[f]] } }' | sort
echo "Containers or records left behind: 0 in every converged run (each test asserts it)."
