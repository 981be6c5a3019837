#!/usr/bin/env bash
# Create (idempotently, as root) the unprivileged user `berthtest` that rootless tests and the benchmark run as:
# a home, subordinate uid/gid ranges for newuidmap/newgidmap, /run/user/<uid> (0700), and /dev/net/tun usable
# by unprivileged users (slirp4netns and pasta open it). Mirrors tests/support/rootless.rs.
set -euo pipefail
user=berthtest
if ! id -u "$user" >/dev/null 2>&1; then
    useradd --create-home --user-group --shell /bin/sh "$user" || id -u "$user" >/dev/null
fi
uid=$(id -u "$user")
grep -qE "^($user|$uid):" /etc/subuid 2>/dev/null || usermod --add-subuids 200000-265535 "$user"
grep -qE "^($user|$uid):" /etc/subgid 2>/dev/null || usermod --add-subgids 200000-265535 "$user"
install -d -m 0700 -o "$user" -g "$(id -g "$user")" "/run/user/$uid"
if [ -e /dev/net/tun ]; then
    chmod 0666 /dev/net/tun
fi
echo "$user $uid"
