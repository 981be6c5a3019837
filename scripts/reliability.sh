#!/usr/bin/env bash
# berth's reliability figures (issue 13), printed as one markdown table (also $REL_DIR/reliability.md):
#   1. soak: REL_WORKERS workers for REL_SECONDS seconds, each looping over `run --rm --network none`,
#      `run --rm` (default network) and `run -d` + `stop` + `rm`: operations, failures, and what leaked after
#      (containers, mounts, veths, cgroups, netns pins, processes).
#   2. kill -9 of a pull at a random moment, then a re-pull that must verify and run (REL_KILLS times).
#   3. kill -9 of a container's monitor, and of a foreground `run`, at random moments; `ps -a` must show
#      the container and `rm -f` must clean up everything (REL_KILLS times each).
#   4. 50 parallel `create --name x`: exactly one must win, the others fail with docker's conflict error.
#   5. a full disk during a pull (the root on a small loop-mounted ext4): a clear error, nothing half-written.
#
#   usage: bash scripts/reliability.sh     (as root on Debian 12)
# Environment (defaults): REL_WORKERS=4 REL_SECONDS=60 REL_KILLS=10 BERTH_BIN (default: cargo build-static)
#   REL_DIR (default: a temp dir, removed at the end)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/deps.sh
. scripts/deps.sh
# shellcheck source=scripts/oci.sh
. scripts/oci.sh

WORKERS=${REL_WORKERS:-4}
SECONDS_SOAK=${REL_SECONDS:-60}
KILLS=${REL_KILLS:-10}
if [ "$(id -u)" -ne 0 ]; then
    echo "reliability: run as root (it starts a registry, mounts a loop filesystem and runs containers)" >&2
    exit 1
fi
berth_install_packages e2fsprogs
if [ -z "${BERTH_BIN:-}" ]; then
    berth_find_cargo
    cargo build-static
    BERTH_BIN=$PWD/target/x86_64-unknown-linux-gnu/release/berth
fi
if [ -n "${REL_DIR:-}" ]; then
    W=$REL_DIR
    mkdir -p "$W"
    keep=1
else
    # Short: the attach socket path must fit in sun_path (docs/layout.md).
    W=$(mktemp -d /tmp/rl.XXXXXX)
    keep=0
fi
chmod 755 "$W"
B="$BERTH_BIN --root $W/root --run-root $W/r"
cleanup() {
    $B rm -f $($B ps -aq 2>/dev/null) >/dev/null 2>&1 || true
    oci_registry_stop
    { grep -o " $W[^ ]*" /proc/self/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    [ -n "${LOOPDEV:-}" ] && losetup -d "$LOOPDEV" 2>/dev/null || true
    if [ "$keep" = 0 ]; then rm -rf "$W"; fi
}
trap cleanup EXIT
note() { echo "reliability: $*" >&2; }
OUT=$W/reliability.md
printf '| check | runs | result | leaked afterwards |\n|---|---|---|---|\n' >"$OUT"
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" >>"$OUT"; }

# --- images: busybox, and a 60 MB image of 3 data layers over busybox to kill pulls of and to fill a disk with ---------------------
mkdir -p "$W/busybox-rootfs"
oci_rootfs_busybox "$W/busybox-rootfs"
oci_tar "$W/busybox-rootfs" "$W/busybox.tar"
oci_layout_image "$W/busybox-layout" latest '["sh"]' "$W/busybox.tar"
tars=()
for i in 1 2 3; do
    mkdir -p "$W/big/$i/data"
    head -c 20M /dev/urandom >"$W/big/$i/data/blob$i"
    # and many small files, so a kill lands inside an unpack as often as inside a download
    for j in $(seq 200); do echo "$i $j" >"$W/big/$i/data/f$j"; done
    oci_tar "$W/big/$i" "$W/big/$i.tar"
    tars+=("$W/big/$i.tar")
done
oci_layout_image "$W/big-layout" latest '["sh"]' "$W/busybox.tar" "${tars[@]}"
rm -rf "$W/big"
oci_registry_start "$W/registry"
oci_push "$W/busybox-layout" latest library/busybox:latest
oci_push "$W/big-layout" latest library/big:latest
BUSYBOX=$REGISTRY_HOST/library/busybox:latest
BIG=$REGISTRY_HOST/library/big:latest
$B pull -q "$BUSYBOX" >/dev/null

# What a berth process may leave on the host: counted before and after each check.
leaks() {
    local c m v g n p
    # (each count may come from a command that fails when there is nothing to count)
    c=$({ $B ps -aq 2>/dev/null || true; } | wc -l)
    m=$(grep -c " $W/" /proc/self/mounts || true)
    v=$({ ip -o link show type veth 2>/dev/null || true; } | wc -l)
    g=$({ find /sys/fs/cgroup -maxdepth 3 -type d -name 'berth*' 2>/dev/null || true; } | wc -l)
    n=$({ find "$W/r/netns" -mindepth 1 2>/dev/null || true; } | wc -l)
    p=$({ pgrep -f -- "--root $W/root" || true; } | wc -l)
    echo "$c $m $v $g $n $p"
}
diff_leaks() { # BEFORE AFTER -> "none" or "containers 2, mounts 1, ..."
    local names=(containers mounts veths cgroups netns processes) b a out="" i
    read -r -a b <<<"$1"
    read -r -a a <<<"$2"
    for i in 0 1 2 3 4 5; do
        if [ "${a[$i]}" -gt "${b[$i]}" ]; then out+="${out:+, }${names[$i]} $((a[i] - b[i]))"; fi
    done
    echo "${out:-none}"
}
# settle: a monitor finishes its cleanup just after its client returns; give stragglers a moment
settle() { for _ in $(seq 50); do pgrep -f -- "--root $W/root" >/dev/null || return 0; sleep 0.1; done; }

# --- 1. soak -----------------------------------------------------------------------------------------------
note "soak: $WORKERS workers for $SECONDS_SOAK s"
before=$(leaks)
end=$(($(date +%s) + SECONDS_SOAK))
# (`wait` on these pids only: a bare `wait` would also wait for the registry)
pids=()
for w in $(seq "$WORKERS"); do
    (
        ops=0 fails=0
        while [ "$(date +%s)" -lt "$end" ]; do
            $B run --rm --network none "$BUSYBOX" true >/dev/null 2>>"$W/soak.err" || fails=$((fails + 1))
            $B run --rm "$BUSYBOX" true >/dev/null 2>>"$W/soak.err" || fails=$((fails + 1))
            if id=$($B run -d "$BUSYBOX" sleep 30 2>>"$W/soak.err"); then
                $B stop -t 1 "$id" >/dev/null 2>>"$W/soak.err" || fails=$((fails + 1))
                $B rm "$id" >/dev/null 2>>"$W/soak.err" || fails=$((fails + 1))
            else
                fails=$((fails + 1))
            fi
            ops=$((ops + 4))
        done
        echo "$ops $fails" >"$W/soak.$w"
    ) &
    pids+=($!)
done
wait "${pids[@]}" || true  # (the status of the last pid: a refused create is expected)
settle
ops=0 fails=0
for w in $(seq "$WORKERS"); do read -r o f <"$W/soak.$w"; ops=$((ops + o)); fails=$((fails + f)); done
[ "$fails" -gt 0 ] && note "soak failures, first lines: $(head -n 3 "$W/soak.err")"
row "soak: $WORKERS workers × ${SECONDS_SOAK}s of run --rm (none, default network), run -d/stop/rm" \
    "$ops operations" "$fails failed" "$(diff_leaks "$before" "$(leaks)")"

# --- 2. kill -9 of a pull, then a re-pull that verifies ------------------------------------------------------
note "kill -9 of pull × $KILLS"
before=$(leaks)
ok=0
for _ in $(seq "$KILLS"); do
    $B rmi -f "$BIG" >/dev/null 2>&1 || true
    $B pull -q "$BIG" >/dev/null 2>&1 &
    pid=$!
    sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if $B pull -q "$BIG" >/dev/null 2>>"$W/pull.err" &&
        [ "$($B run --rm --network none "$BIG" sh -c 'cat /data/f7' 2>>"$W/pull.err")" = "3 7" ]; then
        ok=$((ok + 1))
    fi
done
settle
tmp=$({ find "$W/root" -name '.tmp-*' 2>/dev/null || true; } | wc -l)
row "kill -9 of a pull at a random moment, then pull + run" "$KILLS" "$ok re-pulls verified and ran; $tmp work dirs left" \
    "$(diff_leaks "$before" "$(leaks)")"

# --- 3. kill -9 of a monitor / of a foreground run ------------------------------------------------------------
note "kill -9 of monitors and of run × $KILLS"
before=$(leaks)
ok=0
for _ in $(seq "$KILLS"); do
    id=$($B run -d "$BUSYBOX" sleep 60)
    sleep "0.$((RANDOM % 5))"
    mon=$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' "$W/r/containers/$id/monitor.json" 2>/dev/null || true)
    [ -n "$mon" ] && kill -9 "$mon" 2>/dev/null || true
    if $B ps -a --no-trunc | grep -q "$id" && $B rm -f "$id" >/dev/null 2>>"$W/kill.err"; then ok=$((ok + 1)); fi
done
for k in $(seq "$KILLS"); do
    $B run --name "killed-run-$k" "$BUSYBOX" sleep 60 >/dev/null 2>&1 &
    pid=$!
    sleep "0.$((RANDOM % 10))"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    # the name may or may not exist, depending on when the kill landed; either way rm -f must clean up
    $B rm -f "killed-run-$k" >/dev/null 2>&1 || true
    if ! $B ps -a --format '{{.Names}}' | grep -qx "killed-run-$k"; then ok=$((ok + 1)); fi
done
settle
row "kill -9 of a monitor, then ps/rm -f; kill -9 of a foreground run, then rm -f" "$((KILLS * 2))" \
    "$ok cleaned up" "$(diff_leaks "$before" "$(leaks)")"

# --- 4. 50 parallel create --name x -----------------------------------------------------------------------
note "50 parallel create --name"
before=$(leaks)
pids=()
for i in $(seq 50); do
    ($B create --name racer "$BUSYBOX" true >/dev/null 2>"$W/race.$i" && echo won >"$W/race.$i.ok") &
    pids+=($!)
done
wait "${pids[@]}" || true  # (the status of the last pid: a refused create is expected)
won=$(find "$W" -maxdepth 1 -name 'race.*.ok' | wc -l)
conflicts=$({ grep -l 'is already in use' "$W"/race.* 2>/dev/null || true; } | wc -l)
$B rm -f racer >/dev/null 2>&1 || true
row "50 parallel \`create --name racer\`" 50 "$won won, $conflicts refused with the name conflict" \
    "$(diff_leaks "$before" "$(leaks)")"

# --- 5. full disk during a pull -----------------------------------------------------------------------------
note "full disk during a pull"
truncate -s 48M "$W/small.img"
mkfs.ext4 -q -F "$W/small.img"
mkdir -p "$W/small"
LOOPDEV=$(losetup -f --show "$W/small.img")
mount "$LOOPDEV" "$W/small"
S="$BERTH_BIN --root $W/small/root --run-root $W/r2"
set +e
msg=$($S pull -q "$BIG" 2>&1 >/dev/null)
rc=$?
set -e
imgs=$({ $S images -q 2>/dev/null || true; } | wc -l)
tmp=$({ find "$W/small/root" -name '.tmp-*' 2>/dev/null || true; } | wc -l)
used=$(du -sk "$W/small/root" | cut -f1)
after_ok=$($S pull -q "$BUSYBOX" >/dev/null 2>&1 && echo "a small pull then works" || echo "a small pull then FAILS")
row "pull of 60 MB onto a 48 MB filesystem" 1 \
    "exit $rc: \`$(echo "$msg" | tail -n 1 | cut -c1-110)\`; $imgs images, $tmp work dirs, ${used} KiB left; $after_ok" "-"
umount "$W/small" && losetup -d "$LOOPDEV" && LOOPDEV=

echo
cat "$OUT"
echo
echo "machine: $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%d); berth: $($BERTH_BIN --version 2>/dev/null)"
