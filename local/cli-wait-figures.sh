#!/usr/bin/env bash
# What a developer waits for with `a4c-cli workspaces create --wait` (docs/benchmarks.md): starts
# the local runtime (./a4c run, its own data directory under local/target), puts two projects of
# a4c-base:bookworm, one without a warm pool and one with a pool of 2, then ROUNDS times (default
# 10) creates a workspace of each with every CLI jar given (default cli/target/a4c-cli.jar;
# alternated, e.g. an older build against the current one), reads the time the CLI's progress line
# gives when it shows RUNNING (from the POST's answer), and deletes it with --wait. Prints each
# time, then the median per project and jar without each's first create (a warm-up).
# Usage: local/cli-wait-figures.sh [ROUNDS] [JAR...]; needs the engines (local/engines.sh up 3),
# port 8080 free, and root, as ./a4c run does. The runtime runs on ./a4c run's hosts (h1 unless
# A4C_DOCKER_HOSTS says otherwise).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
rounds="${1:-10}"
shift || true
jars=("$@")
((${#jars[@]})) || jars=(cli/target/a4c-cli.jar)
for jar in "${jars[@]}"; do [[ -f "$jar" ]] || { echo "no CLI jar $jar (mvn -pl cli package)" >&2; exit 2; }; done
work="$PWD/local/target/cli-wait-figures"
rm -rf "$work" && mkdir -p "$work/config"
# In a process group of its own, so stopping it also stops a build ./a4c run may be running first.
A4C_DATA_DIR="$work/data" setsid ./a4c run >"$work/runtime.log" 2>&1 &
runtime=$!
admin=""
# Before the runtime stops: the pooled project asks for no pool, and the runtime drains its members
# (containers and homes) rather than leave them running on the engines.
finish() {
  set +e # whatever fails here, the runtime is stopped below
  if [[ -n "$admin" ]]; then
    local sockets=() socket members=() left
    for socket in /var/run/docker.sock /run/a4c/h*.sock; do [[ -S "$socket" ]] && sockets+=("unix://$socket"); done
    # the pool's members now (a refill after this would be drained as well, by the same size 0)
    for socket in "${sockets[@]}"; do
      members+=($(docker -H "$socket" ps -a --filter label=io.a4c.pool=cliwait2#main#amd64 \
        --format '{{.Label "io.a4c.workspace-id"}}'))
    done
    put_project 2 0
    for _ in $(seq 1 90); do
      left=0
      for socket in "${sockets[@]}"; do
        left=$((left + $(docker -H "$socket" ps -aq --filter label=io.a4c.pool=cliwait2#main#amd64 | wc -l)))
        for member in "${members[@]}"; do
          docker -H "$socket" volume inspect "a4c-home-$member" >/dev/null 2>&1 && left=$((left + 1))
        done
      done
      ((left == 0)) && break
      sleep 1
    done
    ((left == 0)) || echo "warm pool members or their homes still on the engines after 90 s" >&2
  fi
  kill -- "-$runtime" 2>/dev/null || true
  wait "$runtime" 2>/dev/null || true
}
trap finish EXIT
# up to 15 minutes: ./a4c run builds the jar first when a source is newer
for _ in $(seq 1 900); do
  grep -q "local runtime is up" "$work/runtime.log" && break
  kill -0 "$runtime" 2>/dev/null || break
  sleep 1
done
grep -q "local runtime is up" "$work/runtime.log" || { echo "the runtime did not start: $work/runtime.log" >&2; exit 1; }
api=http://127.0.0.1:8080
token() {
  curl -sf -X POST "$api/local/tokens" -H 'content-type: application/json' -d "{\"sub\":\"$1\",\"admin\":$2}" |
    sed -E 's/.*"token" *: *"([^"]+)".*/\1/'
}
# put_project NAME_SUFFIX POOL_SIZE: project cliwait<suffix> of a4c-base:bookworm
put_project() {
  curl -sf -o /dev/null -X PUT "$api/v1/projects/cliwait$1" -H "authorization: Bearer $admin" \
    -H 'content-type: application/json' -d '{"source": {"type": "git", "url": "file:///nonexistent"},
      "baseImage": "a4c-base:bookworm", "tools": [], "parents": ["main"], "setup": [],
      "quotas": {"maxWorkspacesPerUser": 100}, "warmPool": {"size": '"$2"'}}'
}
admin="$(token cli-wait-admin true)"
user="$(token cli-wait false)"
for pool in 0 2; do
  put_project "$pool" "$pool"
  curl -sf -o /dev/null -X POST "$api/v1/projects/cliwait$pool/images" -H "authorization: Bearer $admin" \
    -H 'content-type: application/json' \
    -d '{"parentName": "main", "arch": "amd64", "change": "1", "imageRef": "a4c-base:bookworm"}'
done
export XDG_CONFIG_HOME="$work/config" HOME="$work/config"
java -jar "${jars[0]}" login --url "$api" --token "$user" >/dev/null
sleep 15 # the pool fills
results="$work/results.txt"
: >"$results"
for ((round = 1; round <= rounds; round++)); do
  for pool in 0 2; do
    for jar in "${jars[@]}"; do
      out="$(java -jar "$jar" workspaces create "cliwait$pool" --wait 2>&1)" || { echo "$out" >&2; exit 1; }
      seconds="$(grep -oE 'RUNNING +[0-9.]+ s' <<<"$out" | tail -1 | grep -oE '[0-9.]+' || true)"
      id="$(grep -oE 'ws-[0-9a-z]{26}' <<<"$out" | head -1 || true)"
      [[ -n "$id" ]] || { echo "no workspace id in: $out" >&2; exit 1; }
      echo "pool=$pool $jar ${seconds:-?} s" | tee -a "$results"
      out="$(java -jar "${jars[0]}" workspaces delete "$id" --wait 2>&1)" || { echo "$out" >&2; exit 1; }
      sleep 3 # the pool refills
    done
  done
done
echo "median without the first create of each:"
for pool in 0 2; do
  for jar in "${jars[@]}"; do
    times="$(awk -v k="pool=$pool $jar" '$1 " " $2 == k { print $3 }' "$results" | tail -n +2 | sort -n)"
    count="$(grep -c . <<<"$times" || true)"
    if ((count)); then
      echo "  pool=$pool $jar: $(sed -n "$(((count + 1) / 2))p" <<<"$times") s over $count"
    fi
  done
done
