#!/usr/bin/env bash
# Synthesizes the A4C CDK app with the pinned aws-cdk CLI from npm, as CI does.
#
#   infra/cdk/synth.sh [--no-build] [cdk synth options, e.g. -c env=prod -c jwtIssuer=...]
#
# By default it first installs the sibling modules whose names the app uses (events, functions,
# host-daemon) and builds the functions' shaded jar, so the template points at the real code.
# --no-build skips that when a previous step already ran `mvn install` (without the jar, a dev
# synth uses a placeholder and says so; a prod synth refuses).
# Without -c options it synthesizes the dev stack with example context values.
# The cloud assembly is written to infra/cdk/cdk.out.
set -euo pipefail

CDK_CLI_VERSION=2.1148.1
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
# jsii runs on the machine's Node 20 and would print an end-of-life banner on every call.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export CDK_DISABLE_CLI_TELEMETRY=true

build=1
if [[ "${1:-}" == "--no-build" ]]; then
  build=0
  shift
fi

if (( build )); then
  echo "synth: installing events, functions, host-daemon (tests skipped) ..." >&2
  (cd "$root" && mvn -B -q install -DskipTests -pl events,functions,host-daemon -am)
fi

context=("$@")
if (( ${#context[@]} == 0 )); then
  context=(
    -c env=dev
    -c jwtIssuer=https://issuer.example.com/
    -c jwtAudience=a4c
    -c senderEmail=builds@example.com
    -c hosts=h1,h2
  )
fi

cd "$here"
rm -rf cdk.out
npx --yes "aws-cdk@${CDK_CLI_VERSION}" synth --quiet --no-notices -o cdk.out "${context[@]}"

templates=(cdk.out/*.template.json)
if [[ ! -s "${templates[0]}" ]]; then
  echo "synth: no template was written to infra/cdk/cdk.out" >&2
  exit 1
fi
for template in "${templates[@]}"; do
  resources=$(node -e 'console.log(Object.keys(require(process.argv[1]).Resources).length)' \
    "$here/$template")
  echo "synth: $template ($resources resources)"
done
