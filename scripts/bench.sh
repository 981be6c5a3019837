#!/usr/bin/env bash
# berth's benchmark, side by side with podman, skopeo and crun, on a local registry (issues 2, 3 and 4):
#   1. `run --rm busybox true`: berth (--network none and the default network) vs podman --network none vs
#      crun run of a prepared bundle; then the same rootless (as the test user berthtest).
#   2. `ps -a` with 100 and 1000 containers, and `rm` of all of them: berth vs podman.
#   3. cold pull of a multi-layer ~200 MB image (random data, gzip): berth pull vs podman pull vs skopeo copy
#      (download only, to an OCI layout), taking turns for BENCH_RUNS rounds; medians and peak RSS (/usr/bin/time).
#      The same for an image unlike the fixtures (issue 14): 6 layers of ~4,600 small files, half random and
#      half compressible text (~210 MB unpacked, ~120 MB gzip). After the starts: see section 1.
#   4. `build` of a multi-stage Dockerfile with a 20 MB COPY: cold (--no-cache) and all cached, berth vs podman
#      and vs docker's BuildKit (a dockerd of its own, scripts/bench-buildkit.sh).
#   5. push of the big image to an empty repository of a second local registry (wiped before each run, so
#      nothing is mounted or already there), and a save + load round trip into an empty store: berth vs podman.
#   6. `compose up -d` and `down` of 3 services with a healthcheck dependency: berth vs podman-compose (bench-compose.sh).
# Sections whose berth command does not exist yet print "skipped: ..." instead of failing.
# Prints a markdown table (also written to $BENCH_DIR/results.md) for the README; its last column gives each berth
# row's median as a ratio to its peers' medians measured in the same run (pull: podman, skopeo; run: crun, podman).
#
#   usage: bash scripts/bench.sh             (as root on Debian 12; installs podman, crun, jq for the comparison)
# Environment (defaults): BENCH_RUNS=5  BENCH_LAYERS=5  BENCH_LAYER_MB=40  BENCH_PS_COUNTS="100 1000"
#   BENCH_SMALL_FILES=4600  BENCH_SMALL_KB=45  BENCH_SMALL_LAYERS=6 (the many-small-files image)
#   BERTH_BIN (default: cargo build-static)  BENCH_DIR (default: a temp dir, removed at the end)
#   BENCH_NO_PODMAN=1 skips podman.  A quick trial: BENCH_RUNS=2 BENCH_LAYER_MB=2 BENCH_PS_COUNTS=10
#   BENCH_SMALL_FILES=120 BENCH_SMALL_KB=4
#   BENCH_ONLY="build ship" runs only the named sections (pull run ps build ship compose; default: all).
#   BENCH_NO_BUILDKIT=1 skips docker's BuildKit in the build section (it installs docker.io otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/deps.sh
. scripts/deps.sh
# shellcheck source=scripts/oci.sh
. scripts/oci.sh

RUNS=${BENCH_RUNS:-5}
LAYERS=${BENCH_LAYERS:-5}
LAYER_MB=${BENCH_LAYER_MB:-40}
PS_COUNTS=${BENCH_PS_COUNTS:-100 1000}
SMALL_FILES=${BENCH_SMALL_FILES:-4600}
SMALL_KB=${BENCH_SMALL_KB:-45}
SMALL_LAYERS=${BENCH_SMALL_LAYERS:-6}
PODMAN=1
[ "${BENCH_NO_PODMAN:-0}" = 1 ] && PODMAN=0

if [ "$(id -u)" -ne 0 ]; then
    echo "bench: run as root (it starts a registry, installs podman and runs containers)" >&2
    exit 1
fi
extra=(jq)
[ "$PODMAN" = 1 ] && extra+=(podman crun)
berth_install_packages "${extra[@]}"
if [ -z "${BERTH_BIN:-}" ]; then
    berth_find_cargo
    cargo build-static
    BERTH_BIN=$PWD/target/x86_64-unknown-linux-gnu/release/berth
fi

if [ -n "${BENCH_DIR:-}" ]; then
    W=$BENCH_DIR
    mkdir -p "$W"
    keep=1
else
    # Short: berth's sockets live at <run-root>/containers/<64-hex id>/attach.sock, and sun_path holds 107 bytes.
    W=$(mktemp -d /tmp/bb.XXXXXX)
    keep=0
fi
chmod 755 "$W"
# Every container that ends leaves its memory cgroup "dying" while page cache charged to it stays cached
# (the directory blocks its overlay mount made, files it read first): crun left one for 7 runs in 20 here,
# berth 13, podman 4 in 10. After a day of tests this machine had 611 of them, and every tool started
# containers about a tenth slower (crun 10.0 -> 9.2 ms, berth 13.2 -> 11.7 once they were gone). Dropping
# the caches first releases them, so each run of the benchmark starts from the same machine.
if [ -w /proc/sys/vm/drop_caches ]; then
    sync
    echo 3 >/proc/sys/vm/drop_caches
fi
# The run roots (volatile state: locks, pids, sockets) live on a tmpfs, as every tool's default does (berth
# /run/berth or $XDG_RUNTIME_DIR/berth, podman /run/containers/storage or $XDG_RUNTIME_DIR/containers,
# crun /run/crun or $XDG_RUNTIME_DIR/crun); the stores stay on the disk under $W.
T=$W/t
mkdir -p "$T"
mountpoint -q "$T" || mount -t tmpfs -o mode=755 bench-run "$T"
cleanup() {
    # A run that stopped early still shows the rows it measured.
    if [ "${BENCH_DONE:-0}" = 0 ] && [ -s "$W/results.md" ]; then
        echo "bench: stopped early; the rows measured so far:" >&2
        cat "$W/results.md" >&2
    fi
    # Containers first (they hold mounts under $W), then the registry, then the files.
    if [ -n "${BK:-}" ]; then buildkit_stop; fi
    if [ "$PODMAN" = 1 ] && [ -d "$T/p" ]; then
        pm rm -a -f >/dev/null 2>&1 || true
    fi
    oci_registry_stop
    if [ -n "${REG2_PID:-}" ]; then kill "$REG2_PID" 2>/dev/null || true; fi
    # berth's rootless user namespace holder of this run's run root (it would end by itself once the run
    # root is gone, but a kept BENCH_DIR keeps it).
    pkill -f -- "berth:\[userns\] --run-root ${RT:-$W}/" 2>/dev/null || true
    umount -l "$T" 2>/dev/null || true
    if [ -n "${RT:-}" ]; then rm -rf "$RT"; fi
    # podman's cgroupfs manager leaves empty libpod_parent cgroups at the hierarchy roots.
    for d in /sys/fs/cgroup/*/libpod_parent; do
        [ -d "$d" ] && { find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true; }
    done
    if [ "$keep" = 0 ]; then
        { grep -o " $W[^ ]*" /proc/self/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
        rm -rf "$W"
    fi
}
trap cleanup EXIT

RESULTS=$W/results.md
printf '| benchmark | tool | median | min | max | peak RSS |\n|---|---|---|---|---|---|\n' >"$RESULTS"
note() { echo "bench: $*" >&2; }
skip() {
    note "skipped: $*"
    printf '| %s | %s | skipped: %s | | | |\n' "$1" "$2" "$3" >>"$RESULTS"
}
# want SECTION: whether BENCH_ONLY (a list of section names) selects it; every section when unset.
want() { [ -z "${BENCH_ONLY:-}" ] || [[ " ${BENCH_ONLY//,/ } " == *" $1 "* ]]; }

# row BENCHMARK TOOL PREPARE COMMAND: hyperfine medians over RUNS runs (PREPARE before each), then one more
# run under /usr/bin/time for the peak RSS of the command and its children.
row() {
    local bench=$1 tool=$2 prep=$3 cmd=$4 json=$W/hf.json rss
    note "$bench: $tool"
    if ! hyperfine --style none --runs "${ROW_RUNS:-$RUNS}" --prepare "$prep" --export-json "$json" "$cmd" >"$W/hf.log" 2>&1; then
        # hyperfine hides the command's output: run it once more to show why it failed.
        note "failed: $tool: $(bash -c "$cmd" 2>&1 | tail -n 3)"
        printf '| %s | %s | failed | | | |\n' "$bench" "$tool" >>"$RESULTS"
        return 0
    fi
    bash -c "$prep" >/dev/null 2>&1 || true
    rss=$(/usr/bin/time -f %M -o "$W/rss" bash -c "$cmd" >/dev/null 2>&1 && awk '{printf "%.1f MiB", $1/1024}' "$W/rss" || echo "?")
    jq -r --arg b "$bench" --arg t "$tool" --arg rss "$rss" \
        'def ms: . * 10000 | floor / 10; .results[0] | "| \($b) | \($t) | \(.median|ms) ms | \(.min|ms) ms | \(.max|ms) ms | \($rss) |"' \
        "$json" >>"$RESULTS"
}

# turns BENCHMARK ROUNDS BATCH TOOL PREPARE COMMAND [TOOL PREPARE COMMAND ...]: the tools take turns, ROUNDS
# rounds, each round starting with the next tool: the machine's speed drifts by tens of percent over minutes
# (a shared host), so runs of one tool back to back, then the next's, compared the tools at different
# moments; taking turns, every tool sees the same drift. BATCH 0: one run a turn, timed here, after PREPARE
# and a `sync` (the pulls: what the previous tool left unwritten, podman's and skopeo's copies are not all
# synced, would otherwise make the next tool's syncs wait). BATCH N: a hyperfine batch of N runs a turn,
# after one warm-up run (the starts: the first run after another tool's took two to three times as long,
# crun 19-34 ms against 9). Then each tool's row (median, min and max of all its runs) and one more run
# under /usr/bin/time for its peak RSS.
turns() {
    local bench=$1 rounds=$2 batch=$3 json=$W/hf.json i r k n t0 t1 rss
    shift 3
    local -a tools=() preps=() cmds=()
    while [ $# -ge 3 ]; do tools+=("$1"); preps+=("$2"); cmds+=("$3"); shift 3; done
    n=${#tools[@]}
    for i in $(seq 0 $((n - 1))); do : >"$W/tt.$i"; rm -f "$W/tt.$i.failed"; done
    for r in $(seq 0 $((rounds - 1))); do
        for k in $(seq 0 $((n - 1))); do
            i=$(( (r + k) % n ))
            [ -e "$W/tt.$i.failed" ] && continue
            note "$bench: ${tools[$i]} (round $((r + 1)) of $rounds)"
            if [ "$batch" = 0 ]; then
                bash -c "${preps[$i]}" >/dev/null 2>&1 || true
                sync
                t0=$(date +%s%N)
                if bash -c "${cmds[$i]}" >"$W/tt.out" 2>&1; then
                    t1=$(date +%s%N)
                    awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.9f\n", ns / 1e9 }' >>"$W/tt.$i"
                else
                    note "failed: ${tools[$i]}: $(tail -n 3 "$W/tt.out")"
                    touch "$W/tt.$i.failed"
                fi
            elif hyperfine --style none --warmup 1 --runs "$batch" --prepare "${preps[$i]}" --export-json "$json" "${cmds[$i]}" >"$W/hf.log" 2>&1; then
                jq -r '.results[0].times[]' "$json" >>"$W/tt.$i"
            else
                note "failed: ${tools[$i]}: $(bash -c "${cmds[$i]}" 2>&1 | tail -n 3)"
                touch "$W/tt.$i.failed"
            fi
        done
    done
    for i in $(seq 0 $((n - 1))); do
        if [ -e "$W/tt.$i.failed" ]; then
            printf '| %s | %s | failed | | | |\n' "$bench" "${tools[$i]}" >>"$RESULTS"
            rm -f "$W/tt.$i.failed"
            continue
        fi
        bash -c "${preps[$i]}" >/dev/null 2>&1 || true
        rss=$(/usr/bin/time -f %M -o "$W/rss" bash -c "${cmds[$i]}" >/dev/null 2>&1 && awk '{printf "%.1f MiB", $1/1024}' "$W/rss" || echo "?")
        sort -g "$W/tt.$i" | awk -v b="$bench" -v t="${tools[$i]}" -v rss="$rss" '
            function ms(x) { return int(x * 10000) / 10 }
            { v[NR] = $1 }
            END {
                med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                printf "| %s | %s | %s ms | %s ms | %s ms | %s |\n", b, t, ms(med), ms(v[1]), ms(v[NR]), rss
            }' >>"$RESULTS"
    done
}

# rows BENCHMARK TOOL PREPARE COMMAND [...]: like `row` for several tools, taking turns (`turns`) in
# BENCH_ROUNDS (4) rounds of a batch each.
rows() {
    local bench=$1 rounds=${BENCH_ROUNDS:-4}
    shift
    turns "$bench" "$rounds" $(( (${ROW_RUNS:-$RUNS} + rounds - 1) / rounds )) "$@"
}

has_berth() { "$BERTH_BIN" "$1" --help >/dev/null 2>&1; }
B="$BERTH_BIN --root $W/root --run-root $T/b"

# podman with its own store and config, so the machine's podman (if any) is untouched. default_ulimits: these
# machines give podman default ulimits above root's hard limit, and its runs then fail (issue 2).
# podman (conmon) runs crun with RLIMIT_NPROC lowered to 32768, so asking for more fails with EPERM when root
# lacks CAP_SYS_RESOURCE, as here.
nofile=$(ulimit -Hn)
nproc=$(ulimit -Hu)
if [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; then nproc=32768; fi
cat >"$W/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
pm() {
    CONTAINERS_CONF=$W/containers.conf CONTAINERS_REGISTRIES_CONF=$W/registries.conf \
        podman --root "$W/podman-root" --runroot "$T/p" --storage-driver overlay "$@"
}
PM="env CONTAINERS_CONF=$W/containers.conf CONTAINERS_REGISTRIES_CONF=$W/registries.conf podman --root $W/podman-root --runroot $T/p --storage-driver overlay"

# --- fixtures: busybox and a big image of random layers, pushed to a local registry -------------------------
# A reused BENCH_DIR keeps the layouts of earlier runs: rebuild them, so their size is this image's.
rm -rf "$W/busybox-layout" "$W/big-layout" "$W/big"
mkdir -p "$W/busybox-rootfs"
oci_rootfs_busybox "$W/busybox-rootfs"
oci_tar "$W/busybox-rootfs" "$W/busybox.tar"
oci_layout_image "$W/busybox-layout" latest '["sh"]' "$W/busybox.tar"
# The big image serves pull and ship, the many-small-files one pull only.
if want pull || want ship; then
big_tars=()
for i in $(seq "$LAYERS"); do
    mkdir -p "$W/big/$i/data"
    head -c "${LAYER_MB}M" /dev/urandom >"$W/big/$i/data/blob$i"
    oci_tar "$W/big/$i" "$W/big/$i.tar"
    rm -rf "${W:?}/big/$i"
    big_tars+=("$W/big/$i.tar")
done
note "building big image: $LAYERS layers of $LAYER_MB MB"
oci_layout_image "$W/big-layout" latest '["sh"]' "${big_tars[@]}"
rm -f "${big_tars[@]}"
fi # big image
oci_registry_start "$W/registry"
oci_push "$W/busybox-layout" latest library/busybox:latest
if want pull || want ship; then oci_push "$W/big-layout" latest library/big:latest; fi
if want pull; then
# The many-small-files image (issue 14): SMALL_FILES files of SMALL_KB KiB over SMALL_LAYERS layers. Its
# source trees stay until the end of the benchmark, so no mass deletion comes right before the rows that
# follow (on journal-less ext4 files created in the next half minute may recheck the freed inodes, see
# section 1).
rm -rf "$W/many-layout" "$W/many"
many_tars=()
for i in $(seq "$SMALL_LAYERS"); do
    oci_small_files "$W/many/$i/usr/share/many$i" $((SMALL_FILES / SMALL_LAYERS)) "$SMALL_KB"
    oci_tar "$W/many/$i" "$W/many/$i.tar"
    many_tars+=("$W/many/$i.tar")
done
note "building many-small-files image: $SMALL_FILES files of $SMALL_KB KiB in $SMALL_LAYERS layers"
oci_layout_image "$W/many-layout" latest '["sh"]' "${many_tars[@]}"
rm -f "${many_tars[@]}"
oci_push "$W/many-layout" latest library/many:latest
MANY=$REGISTRY_HOST/library/many:latest
MANYPULL="cold pull $(du -sm "$W/many-layout" | cut -f1) MB gzip, $((SMALL_FILES * SMALL_KB / 1024)) MB unpacked, $SMALL_FILES small files"
fi # many-small-files image
printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REGISTRY_HOST" >"$W/registries.conf"
BIG=$REGISTRY_HOST/library/big:latest
BUSYBOX=$REGISTRY_HOST/library/busybox:latest
size_mb=$(du -sm "$W/big-layout" 2>/dev/null | cut -f1 || true)
PULL="cold pull ${size_mb} MB, $LAYERS layers"


# --- 1. run --rm busybox true -------------------------------------------------------------------------------
# crun (podman's runtime here too) refuses a hybrid cgroup layout while the cgroup2 at /sys/fs/cgroup/unified
# lists a controller ("cgroups in hybrid mode not supported"); on these machines it lists hugetlb. As issue 3
# allows, give each such controller its own v1 hierarchy, which empties the cgroup2 (left so afterwards).
if [ "$PODMAN" = 1 ]; then
    for c in $(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null); do
        note "moving cgroup controller $c from the cgroup2 to its own v1 hierarchy for crun"
        mkdir -p "/sys/fs/cgroup/$c" && mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c" || note "could not mount $c"
    done
fi
RUNB="run --rm busybox true"
if want run; then
# Starts come first, before the pulls: those write and then wipe hundreds of thousands of files, and on ext4
# without a journal every file created in the next minutes (a `run` makes a dozen, crun's prepared bundle
# none) first rechecks the recently freed inodes, which measured 22 ms runs at 70 ms (README). The fixtures
# above leave dirty pages: flush them first, or every tool's fsyncs wait behind them. Starts take tens of
# milliseconds and vary more than pulls do, so they get more runs.
sync
ROW_RUNS=${BENCH_RUN_RUNS:-20}
# Every tool of a row group takes turns (`rows`): the ratios compare runs made minutes apart otherwise.
group=()
if has_berth run; then
    $B pull -q "$BUSYBOX" >/dev/null
    group+=("berth --network none" true "$B run --rm --network none $BUSYBOX true"
        "berth (default network)" true "$B run --rm $BUSYBOX true")
else
    skip "$RUNB" berth "berth run not available yet"
fi
if [ "$PODMAN" = 1 ]; then
    pm pull -q --tls-verify=false "$BUSYBOX" >/dev/null
    group+=("podman --network none" true "$PM run --rm --network none $BUSYBOX true"
        "podman (default network)" true "$PM run --rm $BUSYBOX true")
    if [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" ]; then
        skip "$RUNB" crun "cgroup2 at /sys/fs/cgroup/unified still has controllers; crun refuses this hybrid layout"
    else
        rm -rf "$W/bundle" && mkdir -p "$W/bundle"
        cp -a "$W/busybox-rootfs" "$W/bundle/rootfs"
        (cd "$W/bundle" && crun spec)
        jq '.process.terminal=false | .process.args=["true"]' \
            "$W/bundle/config.json" >"$W/bundle/c.json" && mv "$W/bundle/c.json" "$W/bundle/config.json"
        group+=("crun run (prepared bundle)" true "crun run -b $W/bundle bench-$$")
    fi
fi
if [ ${#group[@]} -gt 0 ]; then rows "$RUNB" "${group[@]}"; fi
# Rootless: as the unprivileged test user (created like the tests do, scripts/rootless-user.sh).
if has_berth run; then
    bash scripts/rootless-user.sh >/dev/null
    uid=$(id -u berthtest)
    RL="setpriv --reuid=$uid --regid=$(id -g berthtest) --init-groups env HOME=/home/berthtest XDG_RUNTIME_DIR=/run/user/$uid"
    # The rootless run roots go under the user's runtime dir (a tmpfs everywhere): rootless podman works in the
    # mount namespace of its pause process, which may predate the tmpfs at $T.
    RT=/run/user/$uid/bench.$$
    mkdir -p "$W/rootless" "$RT/rb" "$RT/rp" "$RT/rc" && chown -R berthtest: "$W/rootless" "$RT"
    RB="$RL $BERTH_BIN --root $W/rootless/root --run-root $RT/rb"
    group=()
    if $RB pull -q "$BUSYBOX" >/dev/null 2>&1; then
        group+=("berth --network none" true "$RB run --rm --network none $BUSYBOX true")
    else
        skip "$RUNB (rootless)" berth "rootless berth pull failed"
    fi
    if [ "$PODMAN" = 1 ]; then
        RP="$RL podman --root $W/rootless/podman --runroot $RT/rp --storage-driver vfs"
        if $RP pull -q --tls-verify=false "$BUSYBOX" >/dev/null 2>&1; then
            group+=("podman --network none" true "$RP run --rm --network none $BUSYBOX true")
        else
            skip "$RUNB (rootless)" podman "rootless podman pull failed"
        fi
        # crun rootless: `crun spec --rootless` (user, pid, network, ipc, uts and mount namespaces, the
        # user's own id mapped) over a bundle the user owns; no cgroup (v1 is not the user's to write).
        rm -rf "$W/rootless/bundle" && mkdir -p "$W/rootless/bundle"
        cp -a "$W/busybox-rootfs" "$W/rootless/bundle/rootfs"
        chown -R berthtest: "$W/rootless/bundle"
        if (cd "$W/rootless/bundle" && $RL crun spec --rootless) &&
            jq '.process.terminal=false | .process.args=["true"]' "$W/rootless/bundle/config.json" \
                >"$W/rootless/c.json"; then
            mv "$W/rootless/c.json" "$W/rootless/bundle/config.json"
            chown berthtest: "$W/rootless/bundle/config.json"
            group+=("crun run (prepared bundle)" true "$RL crun --root $RT/rc run -b $W/rootless/bundle bench-rl-$$")
        else
            skip "$RUNB (rootless)" crun "crun spec --rootless failed"
        fi
    fi
    if [ ${#group[@]} -gt 0 ]; then rows "$RUNB (rootless)" "${group[@]}"; fi
fi
fi # run

ROW_RUNS=

# once BENCHMARK TOOL COMMAND: a single timed run (for commands that consume their input, like rm of all).
once() {
    local bench=$1 tool=$2 cmd=$3
    note "$bench: $tool (one run)"
    if /usr/bin/time -f "%e %M" -o "$W/once" bash -c "$cmd" >/dev/null 2>"$W/once.log"; then
        awk -v b="$bench" -v t="$tool" '{printf "| %s | %s | %d ms (1 run) | | | %.1f MiB |\n", b, t, $1*1000, $2/1024}' \
            "$W/once" >>"$RESULTS"
    else
        note "failed: $tool: $(tail -n 5 "$W/once.log")"
        printf '| %s | %s | failed | | | |\n' "$bench" "$tool" >>"$RESULTS"
    fi
}

# --- 2. ps -a and rm with many containers -------------------------------------------------------------------
want ps || PS_COUNTS=
for n in $PS_COUNTS; do
    if has_berth create && has_berth ps; then
        $B pull -q "$BUSYBOX" >/dev/null
        note "creating $n berth containers"
        for _ in $(seq "$n"); do $B create "$BUSYBOX" true >/dev/null; done
        row "ps -a, $n containers" berth true "$B ps -a"
        if has_berth rm; then
            once "rm, $n containers (one command)" berth "$B rm -f \$($B ps -aq)"
        fi
        $B rm -f $($B ps -aq) >/dev/null 2>&1 || true
    else
        skip "ps -a, $n containers" berth "berth create/ps not available yet"
    fi
    if [ "$PODMAN" = 1 ]; then
        note "creating $n podman containers"
        for _ in $(seq "$n"); do pm create "$BUSYBOX" true >/dev/null; done
        row "ps -a, $n containers" podman true "$PM ps -a"
        once "rm, $n containers (one command)" podman "$PM rm -f \$($PM ps -aq)"
        pm rm -a -f >/dev/null 2>&1 || true
    fi
done

# --- 3. cold pull ------------------------------------------------------------------------------------------
if want pull; then
# pull_rows BENCHMARK REF: berth, podman and skopeo's download-only copy of REF, each into an empty store,
# taking turns (see `turns`), one run a turn.
# The previous run's store is moved aside, not deleted, before each run, and all of them are deleted once the
# rows are measured: on ext4 without a journal every file created in the minute after a mass deletion first
# rechecks the freed inodes one by one, so deleting 4,600 files right before a pull charged the next pull
# for the previous one's cleanup (berth's and podman's stores, not skopeo's single blob directory).
pull_rows() {
    local bench=$1 ref=$2 aside="mkdir -p $W/old && mv -T"
    local -a args=()
    mkdir -p "$W/old"
    if has_berth pull; then
        args+=(berth "$aside $W/root $W/old/root.\$(date +%s%N) 2>/dev/null; rm -rf $T/b" "$B pull -q $ref")
    else
        skip "$bench" berth "berth pull not available yet"
    fi
    if [ "$PODMAN" = 1 ]; then
        args+=(podman "$aside $W/podman-root $W/old/pr.\$(date +%s%N) 2>/dev/null; rm -rf $T/p; true"
            "$PM pull -q --tls-verify=false $ref")
    fi
    args+=("skopeo copy (no unpack)" "$aside $W/skopeo-oci $W/old/sk.\$(date +%s%N) 2>/dev/null; true"
        "skopeo --insecure-policy copy -q --src-tls-verify=false docker://$ref oci:$W/skopeo-oci:latest")
    turns "$bench" "$RUNS" 0 "${args[@]}"
    rm -rf "$W/skopeo-oci" "$W/root" "$T/b" "$W/old"
    [ "$PODMAN" = 1 ] && { pm rmi -a -f >/dev/null 2>&1 || true; }
    sync
}
pull_rows "$PULL" "$BIG"
pull_rows "$MANYPULL" "$MANY"
fi # pull

# --- 4. build: a multi-stage Dockerfile with a 20 MB COPY, small files and RUN steps (issue 10) -----------
# Cold: the base image present, no build cache (--no-cache); cached: the same build again, nothing changed.
if want build; then
mkdir -p "$W/buildctx/src"
head -c 20M /dev/urandom >"$W/buildctx/big.bin"
for i in $(seq 20); do echo "file $i" >"$W/buildctx/src/f$i.txt"; done
printf '%s\n' "FROM $BUSYBOX AS build" 'COPY big.bin /big.bin' 'COPY src/ /src/' \
    'RUN sha256sum /big.bin > /sum && cat /src/*.txt > /all' "FROM $BUSYBOX" \
    'COPY --from=build /sum /all /out/' 'RUN ls /out > /listing' 'CMD ["cat", "/out/sum"]' \
    >"$W/buildctx/Dockerfile"
BUILD_COLD="build cold (20 MB COPY, 2 stages)"
if has_berth build; then
    $B pull -q "$BUSYBOX" >/dev/null
    row "$BUILD_COLD" berth true "$B build -q --no-cache --network none -t bench-build $W/buildctx"
    $B build -q --network none -t bench-build "$W/buildctx" >/dev/null || note "berth build failed"
    row "build, all cached" berth true "$B build -q --network none -t bench-build $W/buildctx"
else
    skip "$BUILD_COLD" berth "berth build not available yet"
fi
if [ "$PODMAN" = 1 ]; then
    pm pull -q --tls-verify=false "$BUSYBOX" >/dev/null
    row "$BUILD_COLD" podman true "$PM build -q --no-cache --network none -t bench-build $W/buildctx"
    pm build -q --network none -t bench-build "$W/buildctx" >/dev/null || note "podman build failed"
    row "build, all cached" podman true "$PM build -q --network none -t bench-build $W/buildctx"
fi
# shellcheck source=scripts/bench-buildkit.sh
if [ "${BENCH_NO_BUILDKIT:-0}" != 1 ]; then . scripts/bench-buildkit.sh; fi
fi # build

# A ratio column: each berth row's median over the median of each peer (the first word of a tool: podman,
# skopeo, crun) in the same benchmark of this run; among a peer's rows, the one named like the berth row
# (`--network none`, `(default network)`). Rows that failed or were skipped keep their place, without a ratio.
add_ratios() {
    awk -F'|' '
        function trim(s) { gsub(/^ +| +$/, "", s); return s }
        NR == FNR {
            if (FNR > 2 && trim($4) ~ /^[0-9.]+ ms/) {
                b = trim($2); t = trim($3); split(trim($4), m, " ")
                med[b SUBSEP t] = m[1]; n[b]++; tool[b, n[b]] = t
            }
            next
        }
        FNR == 1 { print $0 " ratio |"; next }
        FNR == 2 { print $0 "---|"; next }
        {
            b = trim($2); t = trim($3); r = ""
            if (t ~ /^berth/ && ((b SUBSEP t) in med) && med[b SUBSEP t] > 0) {
                rest = t; sub(/^berth */, "", rest)
                split("", best); nf = 0
                for (i = 1; i <= n[b]; i++) {
                    p = tool[b, i]
                    if (p ~ /^berth/) continue
                    fam = p; sub(/ .*/, "", fam); prest = p; sub(/^[^ ]* */, "", prest)
                    if (!(fam in best)) fams[++nf] = fam
                    if (!(fam in best) || prest == rest) best[fam] = p
                }
                for (i = 1; i <= nf; i++) {
                    pm = med[b SUBSEP best[fams[i]]]
                    if (pm <= 0) continue
                    q = med[b SUBSEP t] / pm
                    # Below 0.5, also the inverse ("12.7x faster"): two decimals of 0.08 hide a tenth of it.
                    r = r (r == "" ? "" : ", ") sprintf("%.2f× %s", q, fams[i]) (q < 0.5 ? sprintf(" (%.1f× faster)", 1 / q) : "")
                }
            }
            print $0 " " r " |"
        }' "$RESULTS" "$RESULTS" >"$W/results-ratios.md"
    mv "$W/results-ratios.md" "$RESULTS"
}
# --- 5. push, save + load ----------------------------------------------------------------------------------
if ! want ship; then
    :
elif has_berth push && has_berth save && has_berth load; then
    keep_pid=$REGISTRY_PID keep_host=$REGISTRY_HOST
    oci_registry_start "$W/registry2"
    REG2_PID=$REGISTRY_PID REG2=$REGISTRY_HOST
    REGISTRY_PID=$keep_pid REGISTRY_HOST=$keep_host
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REG2" >>"$W/registries.conf"
    WIPE="rm -rf $W/registry2/storage/docker"
    PUSH="push ${size_mb} MB, $LAYERS layers, empty registry"
    ROUND="save + load ${size_mb} MB, $LAYERS layers"
    $B pull -q "$BIG" >/dev/null
    $B tag "$BIG" "$REG2/bench/big:latest"
    row "$PUSH" berth "$WIPE" "$B push -q $REG2/bench/big:latest"
    # The floor: curl -T of the same blobs, all at once, each a POST then one PUT ?digest= (no manifest).
    cat >"$W/curl-push.sh" <<'EOF'
up() {
    loc=$(curl -fsS -X POST -o /dev/null -D - "http://$1/v2/$2/blobs/uploads/" | tr -d '\r' |
        awk 'tolower($1) == "location:" { print $2 }')
    case $loc in http*) ;; *) loc=http://$1$loc ;; esac
    case $loc in *\?*) loc="$loc&" ;; *) loc="$loc?" ;; esac
    curl -fsS -o /dev/null -T "$3" -H 'Content-Type: application/octet-stream' "${loc}digest=sha256:${3##*/}"
}
for f in "$3"/blobs/sha256/*; do up "$1" "$2" "$f" & done
wait
EOF
    row "$PUSH" "floor (curl -T, blobs in parallel)" "$WIPE" "bash $W/curl-push.sh $REG2 bench/big $W/big-layout"
    B2="$BERTH_BIN --root $W/root2 --run-root $W/r2"
    row "$ROUND" berth "rm -rf $W/root2 $W/r2 $W/berth-save.tar" \
        "$B save -o $W/berth-save.tar $BIG && $B2 load -q -i $W/berth-save.tar"
    if [ "$PODMAN" = 1 ]; then
        pm pull -q --tls-verify=false "$BIG" >/dev/null
        pm tag "$BIG" "$REG2/bench/big:latest"
        row "$PUSH" podman "$WIPE" "$PM push -q --tls-verify=false $REG2/bench/big:latest"
        PM2="env CONTAINERS_CONF=$W/containers.conf podman --root $W/podman-root2 --runroot $W/podman-run-root2 --storage-driver overlay"
        row "$ROUND" podman "$PM2 rmi -a -f; rm -rf $W/podman-root2 $W/podman-save.tar" \
            "$PM save -q -o $W/podman-save.tar $BIG && $PM2 load -q -i $W/podman-save.tar"
        $PM2 rmi -a -f >/dev/null 2>&1 || true
    fi
    kill "$REG2_PID" 2>/dev/null || true
    REG2_PID=
    rm -rf "$W/root2" "$W/r2" "$W/berth-save.tar" "$W/podman-save.tar" "$W/podman-root2"
else
    skip "push, save + load" berth "berth push/save/load not available yet"
fi

# --- 6. compose up -d and down (issue 12) -------------------------------------------------------------------
# shellcheck source=scripts/bench-compose.sh
if want compose; then . scripts/bench-compose.sh; fi

rm -rf "${W:?}/many"
add_ratios

BENCH_DONE=1
echo
cat "$RESULTS"
echo
echo "machine: $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%d); runs per row: $RUNS; berth: $($BERTH_BIN --version 2>/dev/null)"
