#!/usr/bin/env bash
# Installs Debian's Chromium for the browser test when it is missing.
# Never downloads a browser build of its own: Debian's package or nothing.
set -u
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "note: Chromium is not installed and this is not a root Debian shell;" \
         "the browser test will be skipped (install Debian's 'chromium' to run it)." >&2
    exit 0
fi
echo "installing Debian's chromium for the browser test..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null \
    || echo "warning: apt-get could not install chromium; the browser test will be skipped." >&2
exit 0
