#!/usr/bin/env bash
# Installs Debian's PostgreSQL server for the PostgreSQL gradebook test when it is missing.
# Installs the package only: the test starts its own private server (initdb in a temporary
# folder, a Unix socket there, no TCP) and stops it; no system service is used.
set -u
for bin in /usr/lib/postgresql/*/bin/initdb; do
    if [ -x "$bin" ]; then
        exit 0
    fi
done
if command -v initdb >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "note: PostgreSQL is not installed and this is not a root Debian shell;" \
         "the PostgreSQL gradebook tests will be skipped (install Debian's 'postgresql')." >&2
    exit 0
fi
echo "installing Debian's postgresql for the gradebook tests..." >&2
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d: the package must not start its own cluster service (exit 101 = "not allowed")
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && made_policy=1
fi
apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null \
    || echo "warning: apt-get could not install postgresql; the PostgreSQL tests will be skipped." >&2
if [ "$made_policy" = 1 ]; then
    rm -f "$policy"
fi
exit 0
