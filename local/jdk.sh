# The JDK A4C builds and runs with, sourced by ./a4c and local/engines.sh (bash; needs log and die).
#
# A JDK >= MIN_JAVA is looked for in $JAVA_HOME, PREFERRED_JDK and $A4C_JVM_DIR/* (default
# /usr/lib/jvm). When there is none, Debian's newest openjdk-N-jdk-headless with N >= MIN_JAVA is
# installed if this release has one (trixie has 21 and 25; bookworm has none, only 17); otherwise
# the message names a route that works on this machine, never a package apt cannot install.
# A4C_DRY_RUN=1 prints the apt-get commands instead of running them (the tests use it with a fake
# apt-cache on PATH).

MIN_JAVA=21
JVM_DIR="${A4C_JVM_DIR:-/usr/lib/jvm}"
PREFERRED_JDK="$JVM_DIR/temurin-25-jdk-amd64"

# Prints the feature version of a java binary (17, 21, 25; 8 for 1.8), or nothing.
java_major() {
  local out v
  out="$("$1" -version 2>&1)" || return 0
  v="$(sed -n 's/^[^"]* version "\([^"]*\)".*/\1/p' <<<"$out")"
  v="${v%%$'\n'*}"
  v="${v#1.}"
  echo "${v%%[^0-9]*}"
}

# Prints the first JDK >= MIN_JAVA (a directory with bin/java and bin/javac) among $JAVA_HOME,
# PREFERRED_JDK and $JVM_DIR/*; fails when there is none.
find_jdk() {
  local candidates=() dir major
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
  candidates+=("$PREFERRED_JDK")
  for dir in "$JVM_DIR"/*/; do [[ -d "$dir" ]] && candidates+=("${dir%/}"); done
  for dir in "${candidates[@]}"; do
    [[ -x "$dir/bin/java" && -x "$dir/bin/javac" ]] || continue
    major="$(java_major "$dir/bin/java")"
    if [[ -n "$major" ]] && ((major >= MIN_JAVA)); then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

jdk_found() { find_jdk >/dev/null; }

# Prints the newest openjdk-N-jdk-headless (N >= MIN_JAVA) apt can install here, from the
# current package index (run apt-get update first); fails when the release has none.
jdk_package() {
  local name best=0 n candidate
  while read -r name; do
    [[ "$name" =~ ^openjdk-([0-9]+)-jdk-headless$ ]] || continue
    n="${BASH_REMATCH[1]}"
    ((n >= MIN_JAVA && n > best)) || continue
    candidate="$(apt-cache policy "$name" 2>/dev/null | sed -n 's/^ *Candidate: *//p')"
    [[ -n "$candidate" && "$candidate" != "(none)" ]] && best="$n"
  done < <(apt-cache pkgnames openjdk- 2>/dev/null)
  ((best > 0)) || return 1
  echo "openjdk-$best-jdk-headless"
}

# Where Debian's openjdk-N-jdk-headless puts the JDK.
debian_jdk_dir() {
  local n="${1#openjdk-}"
  echo "$JVM_DIR/java-${n%%-*}-openjdk-$(dpkg --print-architecture 2>/dev/null || echo amd64)"
}

# What to do when no JDK >= MIN_JAVA is here and this release packages none.
no_jdk_message() {
  local release="this Debian release"
  if [[ -r /etc/os-release ]]; then
    release="$(. /etc/os-release && echo "${PRETTY_NAME:-$release}")"
  fi
  printf '%s' "no JDK >= $MIN_JAVA found (looked at \$JAVA_HOME=${JAVA_HOME:-unset}, $PREFERRED_JDK" \
    " and $JVM_DIR/*), and $release has no JDK >= $MIN_JAVA package (Debian 12 bookworm ships" \
    " only openjdk-17; Debian 13 trixie has openjdk-21 and openjdk-25). Install Eclipse Temurin" \
    " 21 or 25 from Adoptium's apt repository (https://adoptium.net/installation/linux/, then" \
    " apt-get install temurin-25-jdk), or point JAVA_HOME at any JDK >= $MIN_JAVA, and run this" \
    " again"
}

# Installs Debian's newest JDK >= MIN_JAVA when none is here; stops with no_jdk_message when the
# release has none. Prints the JDK's directory.
ensure_jdk() {
  local dir package
  if dir="$(find_jdk)"; then
    echo "$dir"
    return 0
  fi
  [[ "${A4C_DRY_RUN:-}" == 1 || $EUID -eq 0 ]] ||
    die "no JDK >= $MIN_JAVA found: run as root to install Debian's, or point JAVA_HOME at one"
  apt_get update -q
  package="$(jdk_package)" || die "$(no_jdk_message)"
  log "no JDK >= $MIN_JAVA found: installing Debian's $package"
  DEBIAN_FRONTEND=noninteractive apt_get install -y -q --no-install-recommends "$package"
  if [[ "${A4C_DRY_RUN:-}" == 1 ]]; then
    debian_jdk_dir "$package"
    return 0
  fi
  dir="$(find_jdk)" || die "$package is installed but no JDK >= $MIN_JAVA is in $JVM_DIR"
  echo "$dir"
}

# apt-get (its output on stderr), or its command line on stderr with A4C_DRY_RUN=1.
apt_get() {
  if [[ "${A4C_DRY_RUN:-}" == 1 ]]; then
    printf '+ apt-get %s\n' "$*" >&2
  else
    apt-get "$@" >&2
  fi
}
