#!/usr/bin/env bash
# Ensures a `pulumi` CLI and its Node.js language host `pulumi-language-nodejs`, both of the
# @pulumi/pulumi version in package.json, side by side in one directory, and prints that directory
# (last line of stdout). Progress goes to stderr: a few lines with the elapsed time; the Go
# toolchain's own output goes to a log file, whose path is printed when a step fails.
#
# A `pulumi` on PATH is used when its version matches and the language host of that version sits
# next to it (as in every regular installation). Otherwise both are built into a cache directory
# outside the clone (PULUMI_PHALA_CACHE, default ~/.cache/pulumi-phala): the CLI from the Go module
# proxy, the language host from its upstream source (PULUMI_LANGUAGE_NODEJS_SRC, default
# ../shared/third_party/pulumi-language-nodejs), because its nested Go module has no tagged versions
# on the module proxy. Idempotent: what is built is reused, and only what is missing is built.
# The dynamic-provider plugin `pulumi-resource-pulumi-nodejs` is a shell launcher written next to
# the CLI.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
ver=$(node -p 'require(process.argv[1]).devDependencies["@pulumi/pulumi"].replace(/^[^0-9]*/, "")' "$here/package.json")
started=$(date +%s)
elapsed() { local s=$(($(date +%s) - started)); printf '%d:%02d' $((s / 60)) $((s % 60)); }
log() { echo "[pulumi-cli $(elapsed)] $*" >&2; }
host_version() { "$1/pulumi-language-nodejs" -version 2>/dev/null | sed 's/^v//'; }

if command -v pulumi >/dev/null 2>&1; then
  have=$(pulumi version 2>/dev/null | sed 's/^v//')
  dir=$(dirname "$(command -v pulumi)")
  if [ "$have" = "$ver" ] && [ -x "$dir/pulumi-language-nodejs" ] && [ "$(host_version "$dir")" = "$ver" ]; then
    log "using pulumi v$have and its Node.js language host from $dir"
    echo "$dir"
    exit 0
  fi
  log "pulumi on PATH is v$have (need v$ver with its Node.js language host): using the cache"
fi

cache=${PULUMI_PHALA_CACHE:-$HOME/.cache/pulumi-phala}
root="$cache/pulumi-v$ver"
bin="$root/bin"
buildlog="$root/build.log"
mkdir -p "$bin"

# Runs one build step with its output in the log; prints a line every minute while it runs.
step() {
  local what=$1
  shift
  log "$what"
  echo "=== $what: $*" >>"$buildlog"
  "$@" >>"$buildlog" 2>&1 &
  local pid=$! beat=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    beat=$((beat + 1))
    if [ $((beat % 60)) -eq 0 ]; then log "  … still $what"; fi
  done
  if ! wait "$pid"; then
    log "failed: $what. Last lines of the log:"
    tail -n 15 "$buildlog" | sed 's/^/    /' >&2
    log "full log: $buildlog"
    exit 1
  fi
}

need_go() {
  command -v go >/dev/null 2>&1 || { log "no Go toolchain to build $1 (install Go 1.25+, or put pulumi v$ver with its language host on PATH)"; exit 1; }
  export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
  # The checksum database is out of reach from this network (lookups answer 404); the module proxy
  # itself is reached over TLS.
  export GOSUMDB=${GOSUMDB:-off}
}

build_cli() {
  need_go "the pulumi CLI"
  local work="$root/build"
  mkdir -p "$work"
  cd "$work"
  # Replace directives in dependencies are ignored, so copy the non-local ones into the wrapper.
  log "building pulumi v$ver from the Go module proxy (about 10 minutes on 2 cores; log: $buildlog)"
  local replaces
  replaces=$(for m in "github.com/pulumi/pulumi/pkg/v3@v$ver" "github.com/pulumi/pulumi/sdk/v3@v$ver"; do
    f=$(go mod download -json "$m" 2>>"$buildlog" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
    grep -h '=>' "$f" || true
  done | grep -v '=> \.' | sed 's/^replace //; s/^[[:space:]]*//' | sort -u)
  rm -f go.mod go.sum
  go mod init local/pulumi-build >>"$buildlog" 2>&1
  { echo "replace ("; echo "$replaces" | sed 's/^/\t/'; echo ")"; } >>go.mod

  step "fetching modules (a few hundred on the first run)" \
    sh -c "go get -tool 'github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$ver' && go get 'github.com/pulumi/pulumi/sdk/v3@v$ver' && go mod tidy"
  local got_versions
  got_versions=$(go list -m github.com/pulumi/pulumi/pkg/v3 github.com/pulumi/pulumi/sdk/v3 | awk '{print $2}' | sort -u)
  [ "$got_versions" = "v$ver" ] || { log "pkg and sdk resolved to '$got_versions', want v$ver"; exit 1; }

  step "compiling pulumi" go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$ver" \
    -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

build_language_host() {
  local src=${PULUMI_LANGUAGE_NODEJS_SRC:-$here/../shared/third_party/pulumi-language-nodejs}
  src=$(cd "$src" 2>/dev/null && pwd || echo "$src")
  if [ ! -f "$src/main.go" ] || [ ! -f "$src/go.mod" ]; then
    log "no Node.js language host v$ver: neither next to a pulumi v$ver on PATH nor its source in"
    log "  $src"
    log "Put the upstream source of github.com/pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs at"
    log "  tag v$ver there (go.mod pinning pkg/v3 and sdk/v3 to v$ver; see ../shared/third_party/README.md),"
    log "  or set PULUMI_LANGUAGE_NODEJS_SRC to such a directory, or install pulumi v$ver."
    exit 1
  fi
  need_go "the Node.js language host"
  # The source may be read-only: build in a writable copy (go.sum may gain entries).
  local work="$root/language-host"
  rm -rf "$work"
  mkdir -p "$work"
  cp -R "$src/." "$work/"
  chmod -R u+w "$work"
  cd "$work"
  step "compiling pulumi-language-nodejs from $src" go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$ver" \
    -o "$bin/pulumi-language-nodejs" .
}

built=false
if [ ! -x "$bin/pulumi" ]; then
  build_cli
  built=true
fi

# The dynamic-provider launcher is a shell script: resolve @pulumi/pulumi from the program dir.
if [ ! -x "$bin/pulumi-resource-pulumi-nodejs" ]; then
  cat >"$bin/pulumi-resource-pulumi-nodejs" <<'LAUNCHER'
#!/bin/sh
host=$(node -e 'process.stdout.write(require.resolve("@pulumi/pulumi/cmd/dynamic-provider"))') || exit 1
exec node "$host" "$@"
LAUNCHER
  chmod +x "$bin/pulumi-resource-pulumi-nodejs"
fi

if [ ! -x "$bin/pulumi-language-nodejs" ] || [ "$(host_version "$bin")" != "$ver" ]; then
  build_language_host
  built=true
  log "built pulumi-language-nodejs $("$bin/pulumi-language-nodejs" -version)"
fi

if $built; then
  log "ready: $("$bin/pulumi" version) and its Node.js language host in $bin"
else
  log "using pulumi v$ver and its Node.js language host from $bin"
fi
echo "$bin"
