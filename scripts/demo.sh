#!/usr/bin/env bash
# `npm run demo`: build, make sure the pulumi CLI and its Node.js language host exist (built once
# into ~/.cache/pulumi-phala when no installation of our version is found), then run the CLI session
# of scripts/demo.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
bash scripts/pulumi-cli.sh >/dev/null
exec node --import tsx scripts/demo.ts
