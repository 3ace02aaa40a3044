#!/usr/bin/env bash
# `npm run demo`: build, then run the top-level Pulumi project against the local emulator and
# anvil chain. The pulumi CLI of our @pulumi/pulumi version is built once from the Go module proxy
# into ~/.cache/pulumi-phala when none is installed (about 10 minutes); later runs reuse it.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
exec node --import tsx scripts/demo.ts
