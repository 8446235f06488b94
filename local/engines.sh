#!/usr/bin/env bash
# A4C's local fleet of real Docker engines on one Debian machine (root, no systemd).
#
#   h1       the root network namespace's dockerd, unix:///var/run/docker.sock
#   h2..hN   one dockerd per network namespace a4c-hK, unix:///run/a4c/hK.sock, address 10.250.0.K
#   registry Debian's docker-registry on 10.250.0.1:5000 (bridge a4cbr0), insecure (plain HTTP) on
#            every engine, with htpasswd auth: user a4c, its password in /var/lib/a4c/registry-credentials
#
# Every subcommand is idempotent. Progress goes to stderr; `up` prints one line to stdout,
# A4C_DOCKER_HOSTS=h1=...,h2=..., so callers can read it. See docs/local-engines.md.
set -euo pipefail

readonly NET=10.250.0
readonly BRIDGE=a4cbr0
readonly REGISTRY="$NET.1:5000"
readonly RUN_DIR=/run/a4c
readonly STATE_DIR=/var/lib/a4c
readonly ROOT_SOCK=/var/run/docker.sock
readonly ROOT_PIDFILE=/var/run/docker.pid
readonly ROOT_LOG=/var/log/dockerd.log
readonly ROOT_CMDLINE=/run/a4c/h1.cmdline
readonly DAEMON_JSON=/etc/docker/daemon.json
readonly REGISTRY_CONFIG="$STATE_DIR/registry.yml"
readonly REGISTRY_PIDFILE="$RUN_DIR/registry.pid"
readonly REGISTRY_LOG=/var/log/a4c-registry.log
readonly REGISTRY_USER=a4c
# user:password, for the local runtime and the tests (root alone reads it); the registry itself
# reads only the bcrypt hash in REGISTRY_HTPASSWD.
readonly REGISTRY_CREDENTIALS="${A4C_REGISTRY_CREDENTIALS_FILE:-$STATE_DIR/registry-credentials}"
readonly REGISTRY_HTPASSWD="$STATE_DIR/registry.htpasswd"
readonly BASE_IMAGE=a4c-base:busybox
readonly DEBIAN_IMAGE=a4c-base:bookworm
readonly DEBIAN_ROOT=/var/cache/a4c/bookworm
# What the Debian base holds beyond minbase: the README's project tools (openssh-server, git, vim)
# so that its image builds on any host without network (h2..hN have none), and ca-certificates
# (git over https) and less (git's pager). Kept sorted: it is the cache key.
readonly DEBIAN_PACKAGES=ca-certificates,git,less,openssh-server,vim
# The image's label says what it was made from, so that `debian-base` replaces an image made by an
# older recipe: the packages, and what the import leaves out (apt's package lists, 49 MB that
# any `apt-get install` refreshes first anyway, and sshd's host keys).
readonly DEBIAN_LABEL=io.a4c.base.recipe
readonly DEBIAN_RECIPE="packages=$DEBIAN_PACKAGES;apt-lists=no;ssh-host-keys=no"
# Workspace subnets: host K's workspaces get 10.251.K.0/24 (the daemon's A4C_WORKSPACE_SUBNET, on
# Docker network a4c-workspaces, bridge device WS_BRIDGE), routed here via 10.250.0.K.
readonly WS_NET=10.251
readonly WS_BRIDGE=a4c-ws
readonly WS_PORTS=22
readonly WAIT_SECONDS="${A4C_ENGINE_WAIT_SECONDS:-60}"
readonly MAX_HOSTS=200

# The fleet's traffic stays on its own LAN, even when a proxy is configured for the rest.
if [[ -n "${http_proxy:-}${HTTP_PROXY:-}${https_proxy:-}${HTTPS_PROXY:-}" ]]; then
  export no_proxy="${no_proxy:+$no_proxy,}$NET.1,$NET.0/24"
  export NO_PROXY="${NO_PROXY:+$NO_PROXY,}$NET.1,$NET.0/24"
fi

log() { printf 'engines: %s\n' "$*" >&2; }
die() {
  printf 'engines: error: %s\n' "$*" >&2
  exit 1
}

usage() {
  cat <<EOF
usage: local/engines.sh COMMAND

  install          apt-get install what is missing (docker.io docker-registry apache2-utils
                   busybox-static iproute2 git dnsutils openssh-client, maven if mvn is missing, nodejs and npm if node
                   is missing, chromium (the dashboard's browser tests) if missing, Debian's newest JDK >= $MIN_JAVA if no JDK >= $MIN_JAVA is found and
                   the release has one; else it stops saying what to install); no apt call when
                   all is present; npm ci of local/ses (the local SES endpoint, aws-ses-v2-local)
                   and of local/dynoxide (Dynoxide, the local DynamoDB engine, for this
                   machine's arch) when missing
  up [N]           run hosts h1..hN (default 1), the bridge $BRIDGE and the registry $REGISTRY
                   (htpasswd auth; user:password in $REGISTRY_CREDENTIALS, made once),
                   make sure $BASE_IMAGE is on every host, print A4C_DOCKER_HOSTS=...
  stop HOST [--kill]
                   stop one host's dockerd (SIGTERM, or SIGKILL with --kill to simulate a crash)
  start HOST       start one host's dockerd again and wait until it answers
  down             stop h2..hN and the registry, delete namespaces, veths and bridge (h1 stays)
  status           one line per host and for the registry: up or down (exit 1 if any is down)
  debian-base      debootstrap bookworm (cached in $DEBIAN_ROOT) and import it as
                   $DEBIAN_IMAGE on every running host
  runtime-group PID...
                   put the processes in the runtime's CPU cgroup $RUNTIME_CGROUP (what they start
                   later inherits it); \`./a4c run\`, \`test\` and \`bench\` do it for themselves

The runtime's processes and the fleet's (the engines, the registry; placed by up and start) each
weigh as one when the CPU is short: A4C_RUNTIME_CPU_SHARES (default 2048) and
A4C_FLEET_CPU_SHARES (default 1024), cgroup v1 shares (an ordinary process has 1024; scaled to
cpu.weight on cgroup v2); 0 leaves that side in the root group.
EOF
}

# ---- naming -----------------------------------------------------------------------------

host_index() { # h3 -> 3
  [[ "$1" =~ ^h([1-9][0-9]*)$ ]] || die "bad host name '$1': expected h1, h2, ..."
  local k="${BASH_REMATCH[1]}"
  ((k <= MAX_HOSTS)) || die "host $1: at most $MAX_HOSTS hosts"
  echo "$k"
}
netns_of() { echo "a4c-h$1"; }
sock_of() { if (($1 == 1)); then echo "$ROOT_SOCK"; else echo "$RUN_DIR/h$1.sock"; fi; }
url_of() { echo "unix://$(sock_of "$1")"; }
pidfile_of() { if (($1 == 1)); then echo "$ROOT_PIDFILE"; else echo "$RUN_DIR/h$1.pid"; fi; }
log_of() { if (($1 == 1)); then echo "$ROOT_LOG"; else echo "/var/log/a4c-h$1.log"; fi; }
dk() { # dk K docker-args...
  local k="$1"
  shift
  docker -H "$(url_of "$k")" "$@"
}

# Host indexes that have any trace (namespace or pidfile), sorted; h1 always.
known_hosts() {
  {
    echo 1
    local f
    for f in /run/netns/a4c-h* "$RUN_DIR"/h*.pid; do
      [[ -e "$f" ]] || continue
      f="${f##*/}"
      f="${f#a4c-}"
      f="${f%.pid}"
      if [[ "$f" =~ ^h([0-9]+)$ ]]; then echo "${BASH_REMATCH[1]}"; fi
    done
  } | sort -nu
}

# ---- processes --------------------------------------------------------------------------

# Starts a daemon in the background, in a session of its own, its output appended to LOG, holding
# no file descriptor of ours but 0-2: a daemon that kept our caller's lock (a CI job's flock, the
# fleet lock below) or pipe would hold it for as long as it runs. $! is the daemon's pid once
# setsid has exec'd it (a background subshell leads no process group, so setsid does not fork).
detached() {
  local log="$1"
  shift
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd="${fd##*/}"
      ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null
    done
    exec setsid "$@" >>"$log" 2>&1 </dev/null
  ) &
}

# True if PID runs (a zombie does not: a killed daemon's parent, pid 1, may reap it late).
running() {
  local stat
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != [ZX] ]]
}

# Prints the pid in PIDFILE if that process runs and its command is NAME.
live_pid() {
  local pidfile="$1" name="$2" pid comm
  read -r pid 2>/dev/null <"$pidfile" || [[ -n "${pid:-}" ]] || return 1 # dockerd writes no newline
  [[ "$pid" =~ ^[0-9]+$ ]] && running "$pid" || return 1
  read -r comm 2>/dev/null <"/proc/$pid/comm" || return 1
  [[ "$comm" == "$name" ]] || return 1
  echo "$pid"
}

# Removes PIDFILE unless the process it names runs: dockerd refuses to start while the pid in
# its pidfile exists (and waits for a containerd whose pid exists), and a SIGKILLed dockerd, with
# the containerd that dies along with it, stays a zombie until pid 1 reaps it, seconds later.
drop_stale_pidfile() {
  local pid
  read -r pid 2>/dev/null <"$1" || [[ -n "${pid:-}" ]] || return 0
  [[ "$pid" =~ ^[0-9]+$ ]] && running "$pid" && return 0
  rm -f "$1"
}

# Sends SIGTERM (or the given signal) and waits for the process to exit; SIGKILL after 30 s.
terminate() {
  local pid="$1" sig="${2:-TERM}" i
  kill "-$sig" "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 300; i++)); do
    running "$pid" || return 0
    sleep 0.1
  done
  log "pid $pid ignored SIG$sig for 30 s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}

engine_answers() { dk "$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

log_tail() { tail -n "${2:-5}" "$1" 2>/dev/null | tr '\n' ' '; }

# Waits until host K answers; returns 1 if it does not within WAIT_SECONDS, fails naming the log
# if its dockerd died.
await_answer() {
  local k="$1" i
  for ((i = 0; i < WAIT_SECONDS * 5; i++)); do
    engine_answers "$k" && return 0
    if ((i > 10)) && ! live_pid "$(pidfile_of "$k")" dockerd >/dev/null; then
      die "dockerd of h$k exited; see $(log_of "$k") (last lines: $(log_tail "$(log_of "$k")" 3))"
    fi
    sleep 0.2
  done
  return 1
}

# Waits until host K answers. A namespace host's dockerd that runs but never answers (seen once on
# a clean CI machine, h3 of three started together) is stopped and started again, once, with what
# its log said printed first; h1 may be the machine's own dockerd and is never restarted here.
wait_engine() {
  local k="$1"
  await_answer "$k" && return 0
  if ((k > 1)); then
    log "h$k did not answer on $(url_of "$k") within ${WAIT_SECONDS}s (log: $(log_tail "$(log_of "$k")")); restarting it"
    stop_ns_engine "$k" TERM
    launch_ns_engine "$k"
    await_answer "$k" && return 0
  fi
  die "h$k did not answer on $(url_of "$k") within ${WAIT_SECONDS}s; see $(log_of "$k") (last lines: $(log_tail "$(log_of "$k")"))"
}

# ---- install ----------------------------------------------------------------------------

installed() { [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]; }

cmd_install() {
  local missing=() p
  # The JDK first: whether Debian has one >= 21 depends on the release (see local/jdk.sh).
  ensure_jdk >/dev/null
  # dnsutils: dig, which the DNS tests ask the runtime's DNS server with; openssh-client: ssh,
  # which the SSH tests log into workspaces with.
  for p in docker.io docker-registry apache2-utils busybox-static iproute2 git dnsutils openssh-client; do
    installed "$p" || missing+=("$p")
  done
  command -v mvn >/dev/null || missing+=(maven)
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  # The dashboard's end-to-end tests drive Debian's Chromium (web/e2e, through playwright-core).
  command -v chromium >/dev/null || missing+=(chromium)
  if ((${#missing[@]} == 0)); then
    log "install: all packages present"
  else
    log "install: apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt_get update -q
    apt_get install -y -q --no-install-recommends "${missing[@]}"
  fi
  if [[ "${A4C_DRY_RUN:-}" != 1 ]]; then
    install_ses
    install_dynoxide
  fi
}

# The JDK: finding one, and Debian's package when there is none (./a4c sources it too).
# shellcheck source=local/jdk.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/jdk.sh"

# The local SES endpoint the runtime starts for build emails, pinned by local/ses/package-lock.json.
install_ses() {
  local dir
  dir="$(dirname "$(readlink -f "$0")")/ses"
  if [[ -f "$dir/node_modules/aws-ses-v2-local/dist/cli.js" ]]; then
    return 0
  fi
  log "install: npm ci in $dir (aws-ses-v2-local)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
}

# Dynoxide, the local DynamoDB engine, pinned by local/dynoxide/package-lock.json. Its binary is
# per arch: the lock pins the x64 package; on arm64 the same version of the arm64 package is added.
readonly DYNOXIDE_VERSION=1.2.1
install_dynoxide() {
  local dir arch pkg
  dir="$(dirname "$(readlink -f "$0")")/dynoxide"
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "install: Dynoxide ships for linux x64 and arm64 only, not $(uname -m)" ;;
  esac
  pkg="@dynoxide/linux-$arch"
  [[ -x "$dir/node_modules/$pkg/dynoxide" ]] && return 0
  log "install: npm ci in $dir ($pkg $DYNOXIDE_VERSION)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
  if [[ "$arch" != x64 ]]; then
    (cd "$dir" && npm install --no-save --no-audit --no-fund --loglevel=error "$pkg@$DYNOXIDE_VERSION") >&2
  fi
  [[ -x "$dir/node_modules/$pkg/dynoxide" ]] || die "install: npm put no $pkg binary under $dir/node_modules"
}

require_tools() {
  local t
  for t in docker dockerd docker-registry htpasswd nsenter ip busybox; do
    command -v "$t" >/dev/null || die "$t is missing: run local/engines.sh install"
  done
  [[ $EUID -eq 0 ]] || die "must run as root"
}

# ---- h1: the root namespace's dockerd ----------------------------------------------------

registry_allowed() { # K: does host K's dockerd treat the registry as insecure?
  local info
  info="$(dk "$1" info 2>/dev/null)" || return 1
  grep -qE "^[[:space:]]+${REGISTRY//./\\.}\$" <<<"$info"
}

# Adds the registry to insecure-registries in daemon.json, keeping what is there.
ensure_daemon_json() {
  mkdir -p "${DAEMON_JSON%/*}"
  if [[ ! -s "$DAEMON_JSON" ]]; then
    printf '{\n  "insecure-registries": ["%s"]\n}\n' "$REGISTRY" >"$DAEMON_JSON"
    log "wrote $DAEMON_JSON"
  elif ! grep -qF "\"$REGISTRY\"" "$DAEMON_JSON"; then
    command -v jq >/dev/null ||
      die "$DAEMON_JSON exists: add \"$REGISTRY\" to its insecure-registries (or install jq)"
    jq --arg r "$REGISTRY" '.["insecure-registries"] = ((.["insecure-registries"] // []) + [$r] | unique)' \
      "$DAEMON_JSON" >"$DAEMON_JSON.a4c.tmp"
    mv "$DAEMON_JSON.a4c.tmp" "$DAEMON_JSON"
    log "added $REGISTRY to $DAEMON_JSON"
  fi
}

# Starts h1 with the command line it had when stop_root_engine stopped it, else plain dockerd.
start_root_engine() {
  local argv=(dockerd)
  [[ -s "$ROOT_CMDLINE" ]] && mapfile -d '' -t argv <"$ROOT_CMDLINE"
  ensure_daemon_json
  drop_stale_pidfile "$ROOT_PIDFILE"
  drop_stale_pidfile /var/run/docker/containerd/containerd.pid
  log "starting h1 (${argv[*]}, log $ROOT_LOG)"
  detached "$ROOT_LOG" "${argv[@]}"
}

stop_root_engine() {
  local sig="$1" pid
  if pid="$(live_pid "$ROOT_PIDFILE" dockerd)"; then
    mkdir -p "$RUN_DIR"
    cp "/proc/$pid/cmdline" "$ROOT_CMDLINE"
    log "stopping h1 (pid $pid, SIG$sig)"
    terminate "$pid" "$sig"
  fi
  drop_stale_pidfile "$ROOT_PIDFILE"
}

# h1 may already run without the registry setting (started by hand or by the package's init
# script). insecure-registries is one of the options dockerd reloads on SIGHUP, so try that
# before a restart, which would stop h1's containers.
ensure_root_engine() {
  if ! engine_answers 1; then
    live_pid "$ROOT_PIDFILE" dockerd >/dev/null || start_root_engine
    wait_engine 1
  fi
  registry_allowed 1 && return 0
  local pid cmdline i
  pid="$(live_pid "$ROOT_PIDFILE" dockerd)" || die "h1 answers but $ROOT_PIDFILE names no dockerd"
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
  if [[ "$cmdline" == *insecure-registr* || "$cmdline" == *config-file* ]]; then
    die "h1 runs as '$cmdline': add --insecure-registry $REGISTRY to it and restart it"
  fi
  ensure_daemon_json
  log "h1 does not allow $REGISTRY yet: reloading its configuration (SIGHUP)"
  kill -HUP "$pid"
  for ((i = 0; i < 25; i++)); do
    registry_allowed 1 && return 0
    sleep 0.2
  done
  log "reload did not take; restarting h1"
  stop_root_engine TERM
  start_root_engine
  wait_engine 1
  registry_allowed 1 || die "h1 still does not list $REGISTRY as insecure; see $ROOT_LOG"
}

# ---- the fleet's LAN --------------------------------------------------------------------

ensure_bridge() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
  fi
  if [[ "$(ip -4 -o addr show dev "$BRIDGE")" != *" $NET.1/24 "* ]]; then
    ip addr add "$NET.1/24" dev "$BRIDGE"
  fi
  ip link set "$BRIDGE" up
  # With br_netfilter loaded (dockerd loads it), host-to-host frames on the bridge traverse the
  # root namespace's FORWARD chain, whose policy dockerd sets to DROP.
  if command -v iptables >/dev/null && ! iptables -C FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null; then
    iptables -I FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
  fi
}

# Namespace a4c-hK with lo up and eth0 = 10.250.0.K, whose peer a4c-hK sits on the bridge.
ensure_host_net() {
  local k="$1" ns veth
  ns="$(netns_of "$k")"
  veth="a4c-h$k"
  [[ -e "/run/netns/$ns" ]] || ip netns add "$ns"
  ip -n "$ns" link set lo up
  if ! ip link show "$veth" >/dev/null 2>&1; then
    ip -n "$ns" link del eth0 2>/dev/null || true
    ip link add "$veth" type veth peer name "$veth-in" netns "$ns"
    ip -n "$ns" link set "$veth-in" name eth0
  fi
  ip link set "$veth" master "$BRIDGE"
  ip link set "$veth" up
  if [[ "$(ip -n "$ns" -4 -o addr show dev eth0)" != *" $NET.$k/24 "* ]]; then
    ip -n "$ns" addr add "$NET.$k/24" dev eth0
  fi
  ip -n "$ns" link set eth0 up
}

# ---- workspace subnets: routes from the developer's namespace -----------------------------

# iptables in host K's namespace (nsenter, as for dockerd: `ip netns exec` remounts /sys).
ns_iptables() {
  local k="$1"
  shift
  nsenter --net="/run/netns/$(netns_of "$k")" iptables "$@"
}

# Host K (K >= 2) gets a route for its workspace subnet in the root namespace, and its own
# firewall lets the developer (10.250.0.1, the root namespace on the fleet's LAN) open connections
# to the workspaces' SSH port alone: everything else a developer wants goes through SSH (-L, -D,
# scp), and nothing else on the fleet's LAN (another host, the registry) has any business opening
# connections to a workspace. Replies to the workspaces' own connections still come in. The rules
# live in a chain of their own, A4C-WORKSPACES (refilled on every call, so their order holds), jumped
# to from DOCKER-USER, the chain dockerd keeps and runs before its own FORWARD rules; DOCKER-USER
# exists once hK's dockerd has started. (The namespaces' FORWARD policy is ACCEPT: dockerd sets DROP
# only when it turns on forwarding itself.) h1's subnet is on a bridge of the root namespace itself:
# no route, and the developer's traffic to it is local, not forwarded.
ensure_workspace_route() {
  local k="$1" subnet
  subnet="$WS_NET.$k.0/24"
  ip route replace "$subnet" via "$NET.$k" dev "$BRIDGE"
  command -v iptables-restore >/dev/null || return 0
  # One atomic replace of the chain (restore --noflush empties only the chains it declares), so
  # a repeated `up` never leaves a moment without the rules.
  nsenter --net="/run/netns/$(netns_of "$k")" iptables-restore --noflush <<EOF
*filter
:A4C-WORKSPACES - [0:0]
-A A4C-WORKSPACES -i eth0 -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN
-A A4C-WORKSPACES -i eth0 -s $NET.1 -d $subnet -p tcp -m multiport --dports $WS_PORTS -j ACCEPT
-A A4C-WORKSPACES -i eth0 -j DROP
COMMIT
EOF
  ns_iptables "$k" -C DOCKER-USER -o "$WS_BRIDGE" -j A4C-WORKSPACES 2>/dev/null ||
    ns_iptables "$k" -I DOCKER-USER -o "$WS_BRIDGE" -j A4C-WORKSPACES
}

# Containers of h1 (the root namespace's engine) must not reach other hosts' workspaces through
# the routes above: forwarded traffic from anything but the fleet's LAN into the workspace subnets
# is dropped, in the root namespace's DOCKER-USER chain (so before dockerd's own accepts). The
# developer's own traffic is local (OUTPUT), not forwarded, and is not affected.
ensure_workspace_isolation() {
  command -v iptables >/dev/null || return 0
  iptables -n -L DOCKER-USER >/dev/null 2>&1 || iptables -N DOCKER-USER
  local rule=(! -i "$BRIDGE" -o "$BRIDGE" -d "$WS_NET.0.0/16" -j DROP)
  iptables -C DOCKER-USER "${rule[@]}" 2>/dev/null || iptables -I DOCKER-USER "${rule[@]}"
}

drop_workspace_routes() {
  local k="$1"
  ip route del "$WS_NET.$k.0/24" 2>/dev/null || true
}

# ---- registry ---------------------------------------------------------------------------

# The status code of GET /v2/ (with the credentials as basic auth when given), through bash's
# /dev/tcp: no client to install, no proxy settings consulted (busybox 1.35's `wget -T` segfaults).
registry_status() {
  local auth="" status
  [[ -n "${1:-}" ]] && auth="Authorization: Basic $(printf '%s' "$1" | base64 -w0)"$'\r\n'
  # shellcheck disable=SC2016
  status="$(timeout 3 bash -c 'exec 3<>"/dev/tcp/${1%:*}/${1#*:}" &&
    printf "GET /v2/ HTTP/1.0\r\nHost: %s\r\n%s\r\n" "$1" "$2" >&3 && head -n 1 <&3' _ "$REGISTRY" "$auth" 2>/dev/null)" ||
    return 1
  [[ "$status" =~ ^HTTP/1\..\ ([0-9]{3}) ]] || return 1
  echo "${BASH_REMATCH[1]}"
}

# Up: it answers, with 401 to a request without credentials (or 200 while it has no auth yet).
registry_answers() {
  local status
  status="$(registry_status)" || return 1
  [[ "$status" == 200 || "$status" == 401 ]]
}

# The registry's user:password line, made once (random) and reused, and its htpasswd file.
ensure_registry_credentials() {
  local line="" password
  read -r line 2>/dev/null <"$REGISTRY_CREDENTIALS" || true
  if [[ ! "$line" =~ ^${REGISTRY_USER}:[A-Za-z0-9]{20,}$ ]]; then
    password="$(head -c 48 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9' | head -c 32)"
    line="$REGISTRY_USER:$password"
    mkdir -p "${REGISTRY_CREDENTIALS%/*}"
    (umask 077 && printf '%s\n' "$line" >"$REGISTRY_CREDENTIALS.tmp")
    mv "$REGISTRY_CREDENTIALS.tmp" "$REGISTRY_CREDENTIALS"
    rm -f "$REGISTRY_HTPASSWD"
    log "made a registry password for user $REGISTRY_USER in $REGISTRY_CREDENTIALS"
  fi
  chmod 600 "$REGISTRY_CREDENTIALS"
  password="${line#*:}"
  # -i: the password on stdin, not on a command line other processes can read.
  if ! printf '%s' "$password" | htpasswd -vi "$REGISTRY_HTPASSWD" "$REGISTRY_USER" >/dev/null 2>&1; then
    (umask 077 && printf '%s' "$password" | htpasswd -iBn "$REGISTRY_USER" >"$REGISTRY_HTPASSWD.tmp")
    mv "$REGISTRY_HTPASSWD.tmp" "$REGISTRY_HTPASSWD"
  fi
  REGISTRY_LOGIN="$line"
}

ensure_registry() {
  ensure_registry_credentials
  # Running with auth and this password: nothing to do. A registry that answers 200 without
  # credentials predates auth (or lost its config): it is restarted with the config below.
  if [[ "$(registry_status)" == 401 && "$(registry_status "$REGISTRY_LOGIN")" == 200 ]]; then
    return 0
  fi
  mkdir -p "$STATE_DIR/registry" "$RUN_DIR"
  cat >"$REGISTRY_CONFIG" <<EOF
# Generated by local/engines.sh: the local fleet's image registry (stands in for ECR).
version: 0.1
log:
  level: info
  fields:
    service: a4c-registry
storage:
  filesystem:
    rootdirectory: $STATE_DIR/registry
  delete:
    enabled: true
auth:
  htpasswd:
    realm: a4c-registry
    path: $REGISTRY_HTPASSWD
http:
  addr: $REGISTRY
EOF
  local pid i
  if pid="$(live_pid "$REGISTRY_PIDFILE" docker-registry)"; then
    log "restarting the registry (pid $pid) with htpasswd auth"
    terminate "$pid"
  fi
  log "starting registry on $REGISTRY (log $REGISTRY_LOG)"
  detached "$REGISTRY_LOG" docker-registry serve "$REGISTRY_CONFIG"
  echo $! >"$REGISTRY_PIDFILE"
  for ((i = 0; i < WAIT_SECONDS * 5; i++)); do
    if [[ "$(registry_status)" == 401 ]]; then
      [[ "$(registry_status "$REGISTRY_LOGIN")" == 200 ]] && return 0
      die "the registry refuses the credentials in $REGISTRY_CREDENTIALS; see $REGISTRY_LOG"
    fi
    # ($! is setsid until it execs the registry.)
    ((i < 5)) || live_pid "$REGISTRY_PIDFILE" docker-registry >/dev/null ||
      die "registry exited; see $REGISTRY_LOG (last lines: $(tail -n 3 "$REGISTRY_LOG" | tr '\n' ' '))"
    sleep 0.2
  done
  die "registry did not answer on http://$REGISTRY/v2/ with 401 (auth on) within ${WAIT_SECONDS}s; see $REGISTRY_LOG (another registry without auth on $REGISTRY?)"
}

stop_registry() {
  local pid
  if pid="$(live_pid "$REGISTRY_PIDFILE" docker-registry)"; then
    log "stopping registry (pid $pid)"
    terminate "$pid"
  fi
  rm -f "$REGISTRY_PIDFILE"
}

# ---- h2..hN: one dockerd per network namespace -------------------------------------------

# Launches host K's dockerd unless it runs; does not wait (callers wait, so hosts start in parallel).
launch_ns_engine() {
  local k="$1" ns cfg
  live_pid "$(pidfile_of "$k")" dockerd >/dev/null && return 0
  drop_stale_pidfile "$(pidfile_of "$k")"
  drop_stale_pidfile "$RUN_DIR/h$k-exec/containerd/containerd.pid"
  ns="$(netns_of "$k")"
  cfg="$STATE_DIR/h$k.json"
  mkdir -p "$RUN_DIR" "$STATE_DIR/h$k" "$RUN_DIR/h$k-exec"
  # Its own config file: dockerd would otherwise read /etc/docker/daemon.json, and it refuses
  # to start when an option is set both there and on the command line.
  printf '{\n  "insecure-registries": ["%s"]\n}\n' "$REGISTRY" >"$cfg"
  log "starting h$k in namespace $ns (log $(log_of "$k"))"
  # nsenter, not `ip netns exec`: the latter remounts /sys and dockerd then fails with
  # "Devices cgroup isn't mounted".
  detached "$(log_of "$k")" nsenter --net="/run/netns/$ns" \
    dockerd --config-file "$cfg" \
    --host "$(url_of "$k")" \
    --data-root "$STATE_DIR/h$k" \
    --exec-root "$RUN_DIR/h$k-exec" \
    --pidfile "$(pidfile_of "$k")"
}

# Stops host K's dockerd, then anything still running in its namespace (containerd and shims
# left behind by a SIGKILL).
stop_ns_engine() {
  local k="$1" sig="$2" pid
  if pid="$(live_pid "$(pidfile_of "$k")" dockerd)"; then
    log "stopping h$k (pid $pid, SIG$sig)"
    terminate "$pid" "$sig"
  fi
  drop_stale_pidfile "$(pidfile_of "$k")"
  [[ "$sig" == KILL ]] && return 0 # a crash leaves containerd and the containers behind
  stop_leftovers "$k"
  unmount_leftovers "$k"
}

# After a crash: the shims and containers that outlived host K's dockerd.
stop_leftovers() {
  local k="$1" ns
  ns="$(netns_of "$k")"
  [[ -e "/run/netns/$ns" ]] || return 0
  local left i id runc_root="$RUN_DIR/h$k-exec/runtime-runc/moby"
  mapfile -t left < <(ip netns pids "$ns" 2>/dev/null)
  ((${#left[@]})) || return 0
  # Shims left by a crash: their containers live in namespaces of their own, so remove the
  # containers through runc first, or they would outlive their shims.
  if [[ -d "$runc_root" ]] && command -v runc >/dev/null; then
    for id in $(runc --root "$runc_root" list -q 2>/dev/null); do
      log "removing container ${id:0:12} left on h$k"
      runc --root "$runc_root" delete --force "$id" 2>/dev/null || true
    done
  fi
  log "stopping what is left in $ns: ${left[*]}"
  kill -TERM "${left[@]}" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    mapfile -t left < <(ip netns pids "$ns" 2>/dev/null)
    ((${#left[@]})) || return 0
    sleep 0.1
  done
  kill -KILL "${left[@]}" 2>/dev/null || true
}

# After a crash: the mounts a stopped dockerd of host K did not take down (its data root, bound
# on itself, and its containers' layers), deepest first, so that its directories can go.
unmount_leftovers() {
  local k="$1" mnt mnts=()
  while read -r _ mnt _; do
    case "$mnt" in
      "$STATE_DIR/h$k" | "$STATE_DIR/h$k/"* | "$RUN_DIR/h$k-exec/"*) mnts+=("$mnt") ;;
    esac
  done </proc/self/mounts
  ((${#mnts[@]})) || return 0
  log "unmounting ${#mnts[@]} mount(s) left by h$k"
  printf '%s\n' "${mnts[@]}" | sort -r | while read -r mnt; do
    umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
  done
}

# ---- base images ------------------------------------------------------------------------

has_image() { dk "$1" image inspect "$2" >/dev/null 2>&1; }

build_busybox_image() { # on host K
  local k="$1" root busybox applet
  busybox="$(command -v busybox)"
  root="$(mktemp -d /tmp/a4c-busybox.XXXXXX)"
  mkdir -p "$root"/{bin,etc,tmp,root}
  cp "$busybox" "$root/bin/busybox"
  for applet in $("$busybox" --list); do
    [[ "$applet" == busybox ]] || ln -s busybox "$root/bin/$applet"
  done
  mkdir -p "$root/usr"
  ln -s ../bin "$root/usr/bin"
  ln -s bin "$root/sbin"
  ln -s ../bin "$root/usr/sbin"
  chmod 1777 "$root/tmp"
  chmod 700 "$root/root"
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
  log "building $BASE_IMAGE on h$k from $busybox"
  tar -C "$root" -c . | dk "$k" import -c 'CMD ["/bin/sh"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$root"
}

# Makes IMAGE present on every host in the list, copying it from the first host that has it
# (save | load keeps the image id the same everywhere). BUILD is called when none has it.
spread_image() {
  local image="$1" build="$2" k source=""
  shift 2
  for k in "$@"; do
    if has_image "$k" "$image"; then
      source="$k"
      break
    fi
  done
  if [[ -z "$source" ]]; then
    source="$1"
    "$build" "$source"
  fi
  for k in "$@"; do
    has_image "$k" "$image" && continue
    log "copying $image from h$source to h$k"
    dk "$source" save "$image" | dk "$k" load >/dev/null
  done
}

# ---- commands ---------------------------------------------------------------------------

# ---- CPU weights: the runtime's and the fleet's -------------------------------------------

# In AWS the hosts are machines of their own and the API runs elsewhere; here the fleet shares this
# machine's cores with the runtime (the API, the tables, the queues, the hosts' daemons). Left to
# the kernel, every thread weighs the same, so a burst of builds (each engine's dockerd with its
# containerd and what they start: a build's layer commits and archives, the shims) slows every API
# call several times over, and a busy runtime with many threads could starve the engines. So each
# side gets a CPU cgroup whose weight bounds its share when both want more than there is, and which
# takes all of it otherwise:
#   a4c-runtime  A4C_RUNTIME_CPU_SHARES (default 2048): `./a4c run`, `./a4c test` and `./a4c bench`
#                join it before they start Java (`runtime-group PID`), and everything they start
#                inherits it (Dynoxide, the SES endpoint, Maven's test JVMs);
#   a4c-fleet    A4C_FLEET_CPU_SHARES (default 1024): the engines' processes and the registry,
#                placed by `up` and `start`.
# The containers stay in the cgroups their engine gives them (on cgroup v1 `docker`, at an ordinary
# weight; within it a build step's 256 shares, a workspace's own). So when all three want the CPU
# the runtime gets half and the engines and containers a quarter each. Weights are cgroup v1
# cpu.shares (an ordinary process has 1024), scaled to cpu.weight on v2; 0 leaves that side in the
# root group (taken out of its group if an earlier call put it there).
readonly FLEET_CGROUP=a4c-fleet
readonly FLEET_CPU_SHARES="${A4C_FLEET_CPU_SHARES:-1024}"
readonly RUNTIME_CGROUP=a4c-runtime
readonly RUNTIME_CPU_SHARES="${A4C_RUNTIME_CPU_SHARES:-2048}"

# Prints the directory of the hierarchy's root (v1: the cpu controller's; v2: the unified one);
# fails when this machine has no CPU controller to weigh with.
cpu_cgroup_root() {
  if [[ -f /sys/fs/cgroup/cpu/cpu.shares ]]; then
    echo /sys/fs/cgroup/cpu
  elif grep -qw cpu /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
    echo /sys/fs/cgroup
  else
    return 1
  fi
}

# Dies unless VALUE (of the setting NAME) is a weight: 0, or 2..262144.
check_shares() {
  local name="$1" value="$2"
  [[ "$value" =~ ^[0-9]+$ ]] && ((value == 0 || (value >= 2 && value <= 262144))) ||
    die "$name must be 0 or 2..262144 (cgroup v1 shares; an ordinary process has 1024), got '$value'"
}

# Makes the cgroup NAME under ROOT with weight SHARES and prints its directory.
cpu_group() {
  local root="$1" dir="$1/$2" shares="$3" weight
  if [[ -f "$root/cpu.shares" ]]; then
    mkdir -p "$dir" && echo "$shares" >"$dir/cpu.shares" || return 1
  else
    grep -qw cpu "$root/cgroup.subtree_control" || echo +cpu >"$root/cgroup.subtree_control" || return 1
    weight=$(((shares * 100 + 512) / 1024))
    ((weight < 1)) && weight=1
    ((weight > 10000)) && weight=10000
    mkdir -p "$dir" && echo "$weight" >"$dir/cpu.weight" || return 1
  fi
  echo "$dir"
}

# Moves PIDs into the cgroup NAME of weight SHARES (or back into the root group when SHARES is 0);
# processes they start later inherit it. A machine without a CPU controller is left as it is.
join_cpu_group() {
  local name="$1" shares="$2" what="$3" root dir pid
  shift 3
  if ! root="$(cpu_cgroup_root)"; then
    log "no CPU cgroup controller here: $what weighs as much as any other process"
    return 0
  fi
  if ((shares == 0)); then
    [[ -d "$root/$name" ]] || return 0
    dir="$root"
  elif ! dir="$(cpu_group "$root" "$name" "$shares" 2>/dev/null)"; then
    log "could not make the CPU cgroup $root/$name: $what weighs as much as any other process"
    return 0
  fi
  for pid in "$@"; do
    grep -qx "$pid" "$dir/cgroup.procs" 2>/dev/null || echo "$pid" >"$dir/cgroup.procs" 2>/dev/null || true
  done
}

# The fleet's processes: every engine's dockerd and its descendants (containerd), the registry.
fleet_pids() {
  local k pid f stat ppid grew
  local -A fleet=() parent=()
  for k in $(known_hosts); do
    pid="$(live_pid "$(pidfile_of "$k")" dockerd)" && fleet[$pid]=1
  done
  pid="$(live_pid "$REGISTRY_PIDFILE" docker-registry)" && fleet[$pid]=1
  for f in /proc/[0-9]*/stat; do
    read -r stat 2>/dev/null <"$f" || continue # exited meanwhile
    stat="${stat##*) }"                         # after the command: state, ppid, ...
    ppid="${stat#* }"
    pid="${f#/proc/}"
    parent[${pid%/stat}]="${ppid%% *}"
  done
  grew=1
  while ((grew)); do
    grew=0
    for pid in "${!parent[@]}"; do
      if [[ -z "${fleet[$pid]:-}" && -n "${fleet[${parent[$pid]}]:-}" ]]; then
        fleet[$pid]=1
        grew=1
      fi
    done
  done
  printf '%s\n' "${!fleet[@]}"
}

# Puts the fleet's processes in a4c-fleet (or back in the root group with A4C_FLEET_CPU_SHARES=0).
ensure_fleet_weight() {
  check_shares A4C_FLEET_CPU_SHARES "$FLEET_CPU_SHARES"
  # shellcheck disable=SC2046 # one pid per word
  join_cpu_group "$FLEET_CGROUP" "$FLEET_CPU_SHARES" "the fleet's engines" $(fleet_pids)
}

cmd_runtime_group() {
  (($# > 0)) || die "runtime-group: which process? (PID...)"
  local pid
  for pid in "$@"; do
    [[ "$pid" =~ ^[1-9][0-9]*$ && -d "/proc/$pid" ]] || die "runtime-group: no process '$pid'"
  done
  check_shares A4C_RUNTIME_CPU_SHARES "$RUNTIME_CPU_SHARES"
  join_cpu_group "$RUNTIME_CGROUP" "$RUNTIME_CPU_SHARES" "the runtime" "$@"
}

cmd_up() {
  local n="${1:-1}" k
  if ! [[ "$n" =~ ^[1-9][0-9]*$ ]] || ((n > MAX_HOSTS)); then
    die "up: N must be 1..$MAX_HOSTS, got '$n'"
  fi
  require_tools
  mkdir -p "$RUN_DIR" "$STATE_DIR"
  ensure_root_engine
  ensure_bridge
  ensure_registry
  for ((k = 2; k <= n; k++)); do
    ensure_host_net "$k"
    launch_ns_engine "$k"
  done
  ensure_workspace_isolation
  for ((k = 2; k <= n; k++)); do
    wait_engine "$k"
    registry_allowed "$k" || die "h$k does not list $REGISTRY as insecure; see $(log_of "$k")"
    ensure_workspace_route "$k"
  done
  ensure_fleet_weight
  spread_image "$BASE_IMAGE" build_busybox_image $(seq 1 "$n")
  local hosts=""
  for ((k = 1; k <= n; k++)); do
    hosts+="${hosts:+,}h$k=$(url_of "$k")"
  done
  echo "A4C_DOCKER_HOSTS=$hosts"
}

cmd_stop() {
  local k sig=TERM
  k="$(host_index "${1:?stop: which host? (h1, h2, ...)}")"
  [[ "${2:-}" == --kill ]] && sig=KILL
  [[ -z "${2:-}" || "${2:-}" == --kill ]] || die "stop: unknown option '$2'"
  if ((k == 1)); then
    stop_root_engine "$sig"
  else
    stop_ns_engine "$k" "$sig"
  fi
}

cmd_start() {
  local k
  k="$(host_index "${1:?start: which host? (h1, h2, ...)}")"
  require_tools
  if ((k == 1)); then
    engine_answers 1 || start_root_engine
  else
    ensure_bridge
    ensure_host_net "$k"
    launch_ns_engine "$k"
  fi
  wait_engine "$k"
  if ((k > 1)); then
    ensure_workspace_isolation
    ensure_workspace_route "$k"
  fi
  ensure_fleet_weight
  log "h$k up on $(url_of "$k")"
}

cmd_down() {
  local k ns
  for k in $(known_hosts); do
    ((k == 1)) && continue
    ns="$(netns_of "$k")"
    stop_ns_engine "$k" TERM
    drop_workspace_routes "$k"
    ip link del "a4c-h$k" 2>/dev/null || true
    [[ -e "/run/netns/$ns" ]] && ip netns del "$ns"
    rm -f "$(pidfile_of "$k")"
  done
  stop_registry
  if command -v iptables >/dev/null; then
    iptables -D FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null || true
    iptables -D DOCKER-USER ! -i "$BRIDGE" -o "$BRIDGE" -d "$WS_NET.0.0/16" -j DROP 2>/dev/null || true
  fi
  ip link del "$BRIDGE" 2>/dev/null || true
  log "down: h1 left running; images stay in $STATE_DIR"
}

cmd_status() {
  local k rc=0 state
  for k in $(known_hosts); do
    if engine_answers "$k"; then state=up; else state=down rc=1; fi
    printf 'h%s %s %s\n' "$k" "$state" "$(url_of "$k")"
  done
  if registry_answers; then state=up; else state=down rc=1; fi
  printf 'registry %s %s\n' "$state" "$REGISTRY"
  return "$rc"
}

# The cached root is complete when its marker names exactly these packages: changing the list
# makes the next `debian-base` debootstrap again (and re-import the image, whose label says the same).
debian_marker() { printf 'packages=%s\n' "$DEBIAN_PACKAGES"; }

debootstrap_root() {
  [[ "$(cat "$DEBIAN_ROOT/.a4c-complete" 2>/dev/null)" == "$(debian_marker)" ]] && return 0
  if ! command -v debootstrap >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >&2 ||
      { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >&2; }
  fi
  log "debootstrap minbase bookworm with $DEBIAN_PACKAGES into $DEBIAN_ROOT (a few minutes)"
  rm -rf "$DEBIAN_ROOT.tmp"
  mkdir -p "${DEBIAN_ROOT%/*}"
  debootstrap --variant=minbase --include="$DEBIAN_PACKAGES" \
    bookworm "$DEBIAN_ROOT.tmp" http://deb.debian.org/debian >&2
  # Downloaded .debs (tens of MB) are of no use in the image.
  rm -f "$DEBIAN_ROOT.tmp"/var/cache/apt/archives/*.deb
  rm -rf "$DEBIAN_ROOT"
  mv "$DEBIAN_ROOT.tmp" "$DEBIAN_ROOT"
  debian_marker >"$DEBIAN_ROOT/.a4c-complete"
}

# openssh-server's postinst made host keys in the root: every container of the image would share
# them, and A4C gives each workspace its own; they stay out of the image.
import_debian_image() {
  log "importing $DEBIAN_IMAGE on h$1"
  tar -C "$DEBIAN_ROOT" --exclude=./.a4c-complete --exclude='./etc/ssh/ssh_host_*' \
    --exclude='./var/lib/apt/lists/*' -c . |
    dk "$1" import -c 'CMD ["/bin/bash"]' -c "LABEL $DEBIAN_LABEL=$DEBIAN_RECIPE" - "$DEBIAN_IMAGE" >/dev/null
}

# Host K has the Debian image of the current recipe (an older one is replaced).
has_current_debian_image() {
  [[ "$(dk "$1" image inspect --format "{{index .Config.Labels \"$DEBIAN_LABEL\"}}" "$DEBIAN_IMAGE" 2>/dev/null)" == "$DEBIAN_RECIPE" ]]
}

cmd_debian_base() {
  require_tools
  # The debootstrap (minutes, the first time) holds a lock of its own, not the fleet's, so that
  # `up` and `start` of other callers are not held up meanwhile.
  mkdir -p "${DEBIAN_ROOT%/*}"
  (
    flock -w 900 8 || die "another debian-base has held ${DEBIAN_ROOT%/*}/debootstrap.lock for 15 minutes"
    debootstrap_root
  ) 8>"${DEBIAN_ROOT%/*}/debootstrap.lock"
  lock
  local k running=()
  for k in $(known_hosts); do
    engine_answers "$k" && running+=("$k")
  done
  ((${#running[@]})) || die "no host is running: run local/engines.sh up first"
  for k in "${running[@]}"; do
    if has_image "$k" "$DEBIAN_IMAGE" && ! has_current_debian_image "$k"; then
      log "h$k has an older $DEBIAN_IMAGE (not $DEBIAN_RECIPE): replacing it"
      dk "$k" rmi -f "$DEBIAN_IMAGE" >/dev/null
    fi
  done
  spread_image "$DEBIAN_IMAGE" import_debian_image "${running[@]}"
}

# Commands that change the fleet take a lock, so that two callers (say, two `./a4c test`) do
# not start the same dockerd twice. The daemons started get fd 9 closed, or they would hold it.
lock() {
  mkdir -p "$RUN_DIR"
  exec 9>"$RUN_DIR/engines.lock"
  flock -w 300 9 || die "another local/engines.sh has held $RUN_DIR/engines.lock for 5 minutes"
}

main() {
  local cmd="${1:-help}"
  shift || true
  case "$cmd" in
    up | stop | start | down) lock ;;
  esac
  case "$cmd" in
    install) cmd_install "$@" ;;
    up) cmd_up "$@" ;;
    stop) cmd_stop "$@" ;;
    start) cmd_start "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    debian-base) cmd_debian_base "$@" ;;
    runtime-group) cmd_runtime_group "$@" ;;
    help | -h | --help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
