#!/usr/bin/env bash
# Builds the dashboard into web/dist: `npm ci` from package-lock.json when node_modules is
# missing or older than the lock file, then the types from docs/openapi.yaml, the type check and
# Vite's build. The local module's Maven build runs it (and copies dist/ into the runtime's jar);
# `test` also runs the unit tests (node's test runner).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"
command -v npm >/dev/null || {
  echo "web: npm is missing: run local/engines.sh install" >&2
  exit 1
}
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if ((node_major < 20)); then
  echo "web: Node.js $(node --version) is too old for Vite: 20.19 or newer is needed" >&2
  exit 1
fi
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
case "${1:-build}" in
  build) npm run --silent build ;;
  test) npm test ;;
  *)
    echo "usage: web/build.sh [build|test]" >&2
    exit 2
    ;;
esac
