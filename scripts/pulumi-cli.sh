#!/usr/bin/env bash
# Ensures a `pulumi` CLI whose version equals the @pulumi/pulumi version in package.json and
# prints the directory that holds it (last line of stdout).
#
# A `pulumi` already on PATH is used when its version matches. Otherwise the CLI is built from the
# Go module proxy into a cache directory outside the clone (PULUMI_PHALA_CACHE, default
# ~/.cache/pulumi-phala). Idempotent: a finished build is reused.
#
# Programs run through the Automation API's inline mode, whose language server lives in the
# Node.js process, so the separate `pulumi-language-nodejs` host is not needed (its nested Go
# module has no tagged versions on the module proxy). The dynamic-provider plugin
# `pulumi-resource-pulumi-nodejs` is a shell launcher written next to the CLI.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
ver=$(node -p 'require(process.argv[1]).devDependencies["@pulumi/pulumi"].replace(/^[^0-9]*/, "")' "$here/package.json")
log() { echo "[pulumi-cli] $*" >&2; }

if command -v pulumi >/dev/null 2>&1; then
  have=$(pulumi version 2>/dev/null | sed 's/^v//')
  if [ "$have" = "$ver" ]; then
    log "using pulumi v$have from PATH"
    dirname "$(command -v pulumi)"
    exit 0
  fi
  log "pulumi on PATH is v$have, need v$ver: building v$ver"
fi

cache=${PULUMI_PHALA_CACHE:-$HOME/.cache/pulumi-phala}
root="$cache/pulumi-v$ver"
bin="$root/bin"
if [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-resource-pulumi-nodejs" ]; then
  log "using cached pulumi v$ver in $bin"
  echo "$bin"
  exit 0
fi

command -v go >/dev/null 2>&1 || { log "no pulumi v$ver on PATH and no Go toolchain to build it"; exit 1; }

started=$(date +%s)
work="$root/build"
mkdir -p "$work" "$bin"
cd "$work"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
# The checksum database is out of reach from this network (lookups answer 404); the module proxy
# itself is reached over TLS.
export GOSUMDB=${GOSUMDB:-off}

# Replace directives in dependencies are ignored, so copy the non-local ones into the wrapper.
log "resolving github.com/pulumi/pulumi/pkg/v3@v$ver"
replaces=$(for m in "github.com/pulumi/pulumi/pkg/v3@v$ver" "github.com/pulumi/pulumi/sdk/v3@v$ver"; do
  f=$(go mod download -json "$m" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  grep -h '=>' "$f" || true
done | grep -v '=> \.' | sed 's/^replace //; s/^[[:space:]]*//' | sort -u)

rm -f go.mod go.sum
go mod init local/pulumi-build >/dev/null 2>&1
{ echo "replace ("; echo "$replaces" | sed 's/^/\t/'; echo ")"; } >> go.mod

log "fetching modules (first run downloads a few hundred modules)"
go get -tool "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$ver"
go get "github.com/pulumi/pulumi/sdk/v3@v$ver"
go mod tidy
got_versions=$(go list -m github.com/pulumi/pulumi/pkg/v3 github.com/pulumi/pulumi/sdk/v3 | awk '{print $2}' | sort -u)
[ "$got_versions" = "v$ver" ] || { log "pkg and sdk resolved to '$got_versions', want v$ver"; exit 1; }

log "compiling pulumi (several minutes on 2 cores)"
CGO_ENABLED=0 go build -trimpath -tags osusergo,grpcnotrace \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$ver" \
  -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

# The dynamic-provider launcher is a shell script: resolve @pulumi/pulumi from the program dir.
cat > "$bin/pulumi-resource-pulumi-nodejs" <<'LAUNCHER'
#!/bin/sh
host=$(node -e 'process.stdout.write(require.resolve("@pulumi/pulumi/cmd/dynamic-provider"))') || exit 1
exec node "$host" "$@"
LAUNCHER
chmod +x "$bin/pulumi-resource-pulumi-nodejs"

log "built pulumi $("$bin/pulumi" version) in $(( $(date +%s) - started ))s"
echo "$bin"
