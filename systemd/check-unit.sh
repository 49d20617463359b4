#!/bin/sh
# ctest check of the generated unit: systemd-analyze verify must be silent, and
# systemd-analyze security --offline must rate the sandbox at or below MAX_EXPOSURE.
# Usage: check-unit.sh UNIT EXPECTED_EXECSTART MAX_EXPOSURE [SYSUSERS_FILE]
# Exit 77 (ctest SKIP_RETURN_CODE) only when systemd-analyze is not installed.
set -eu

unit=$1
expected_exec=$2
max_exposure=$3
sysusers=${4:-}

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "systemd-analyze not found (Debian package systemd); skipping"
    exit 77
fi

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

grep -qx "ExecStart=$expected_exec" "$unit" || fail "ExecStart is not '$expected_exec' in $unit"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# verify insists that ExecStart's binary exists; in a build tree it is not installed yet, so
# check a copy whose ExecStart names an executable that does exist. Everything else is as shipped.
stand_in=$(command -v true)
sed "s|^ExecStart=[^ ]*|ExecStart=$stand_in|" "$unit" >"$tmp/zipcatcher.service"

# --man=no: the man page is not installed in a build tree either.
if ! systemd-analyze verify --man=no "$tmp/zipcatcher.service" >"$tmp/verify.log" 2>&1; then
    cat "$tmp/verify.log" >&2
    fail "systemd-analyze verify failed"
fi
if grep -q . "$tmp/verify.log"; then
    cat "$tmp/verify.log" >&2
    fail "systemd-analyze verify printed warnings"
fi
echo "systemd-analyze verify: clean"

systemd-analyze security --offline=yes --no-pager "$tmp/zipcatcher.service" >"$tmp/security.log" 2>&1 || true
exposure=$(sed -n 's/.*Overall exposure level for zipcatcher\.service: \([0-9.]*\).*/\1/p' "$tmp/security.log")
if [ -z "$exposure" ]; then
    cat "$tmp/security.log" >&2
    fail "could not read the exposure level from systemd-analyze security"
fi
echo "systemd-analyze security --offline: exposure $exposure (limit $max_exposure)"
if awk -v e="$exposure" -v m="$max_exposure" 'BEGIN { exit !(e > m) }'; then
    grep -v '^✓' "$tmp/security.log" >&2 || true
    fail "exposure $exposure is above $max_exposure"
fi

# The sysusers.d file: systemd-sysusers must accept it and create the account in a scratch root.
if [ -n "$sysusers" ] && command -v systemd-sysusers >/dev/null 2>&1; then
    # With --root, files are looked up inside the root, so stage it where the package puts it.
    mkdir -p "$tmp/root/etc" "$tmp/root/usr/lib/sysusers.d"
    cp "$sysusers" "$tmp/root/usr/lib/sysusers.d/zipcatcher.conf"
    systemd-sysusers --root="$tmp/root" >"$tmp/sysusers.log" 2>&1 ||
        { cat "$tmp/sysusers.log" >&2; fail "systemd-sysusers rejected $sysusers"; }
    grep -q '^zipcatcher:' "$tmp/root/etc/passwd" || fail "$sysusers did not create user zipcatcher"
    grep -q '^zipcatcher:' "$tmp/root/etc/group" || fail "$sysusers did not create group zipcatcher"
    echo "systemd-sysusers: creates zipcatcher:zipcatcher"
fi
