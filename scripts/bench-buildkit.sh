# shellcheck shell=bash
# Part of section 4 of scripts/bench.sh (issue 10), sourced by it: the same builds with docker's BuildKit, for
# the ratio column (berth / BuildKit). Debian's docker.io (20.10, which has BuildKit) is installed here only
# (the tests do not need it), with its packaged services kept from starting; a dockerd is started for these
# rows only, its whole state in a temp dir (short: containerd's sockets live under it and sun_path holds 107
# bytes), without iptables or a bridge (the builds use --network none), and stopped by buildkit_stop (also
# from bench.sh's exit trap). /usr/bin/docker, not a newer CLI elsewhere on PATH. When dockerd cannot be
# installed or started, the rows say so and the benchmark goes on.
# Uses bench.sh's W, REGISTRY_HOST, BUSYBOX, BUILD_COLD, RESULTS, row, skip and note.

# The RSS column of a BuildKit row is the docker CLI's; the daemon's peak (dockerd runs BuildKit in-process;
# containerd and the RUN steps' runc are apart) is added to it once the rows are measured.
buildkit_install() {
    [ -x /usr/sbin/dockerd ] && [ -x /usr/bin/docker ] && return 0
    local made=0
    # policy-rc.d exit 101: invoke-rc.d starts no service of the packages (docker, containerd).
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made=1
    fi
    berth_install_packages docker.io || note "installing docker.io failed"
    if [ "$made" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
    [ -x /usr/sbin/dockerd ] && [ -x /usr/bin/docker ]
}

# Start dockerd with its state in $BK; DK is the CLI talking to it. Fails (with the daemon's last log lines)
# when it does not answer within 30 s.
buildkit_start() {
    BK=$(mktemp -d /tmp/bk.XXXXXX)
    echo '{}' >"$BK/daemon.json"
    # cgroupfs: the hosts are cgroup v1 (hybrid) without systemd as init.
    /usr/sbin/dockerd --config-file "$BK/daemon.json" --data-root "$BK/data" --exec-root "$BK/exec" \
        --pidfile "$BK/pid" -H "unix://$BK/sock" --iptables=false --ip-masq=false --bridge=none \
        --exec-opt native.cgroupdriver=cgroupfs --insecure-registry "$REGISTRY_HOST" >"$BK/log" 2>&1 &
    BK_PID=$!
    DK="/usr/bin/docker -H unix://$BK/sock"
    for _ in $(seq 150); do
        if $DK version >/dev/null 2>&1; then return 0; fi
        kill -0 "$BK_PID" 2>/dev/null || break
        sleep 0.2
    done
    note "dockerd did not start: $(tail -n 3 "$BK/log")"
    return 1
}

# Stop dockerd (and the containerd it started), unmount what it left under $BK, remove $BK.
buildkit_stop() {
    [ -n "${BK:-}" ] || return 0
    local ctr
    ctr=$(cat "$BK/exec/containerd/containerd.pid" 2>/dev/null || true)
    if [ -n "${BK_PID:-}" ] && kill -0 "$BK_PID" 2>/dev/null; then
        kill "$BK_PID" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$BK_PID" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$BK_PID" 2>/dev/null || true
    fi
    if [ -n "$ctr" ] && kill -0 "$ctr" 2>/dev/null; then
        kill "$ctr" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$ctr" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$ctr" 2>/dev/null || true
    fi
    { grep -o " $BK[^ ]*" /proc/self/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    rm -rf "$BK"
    BK= BK_PID=
}

if ! buildkit_install; then
    skip "$BUILD_COLD" buildkit "docker.io (dockerd 20.10) could not be installed"
elif ! buildkit_start; then
    skip "$BUILD_COLD" buildkit "dockerd did not start (see the note above)"
    buildkit_stop
elif ! $DK pull -q "$BUSYBOX" >/dev/null 2>&1; then
    skip "$BUILD_COLD" buildkit "dockerd could not pull the base image from the local registry"
    buildkit_stop
else
    DKB="env DOCKER_BUILDKIT=1 $DK build -q --network none -t bench-build $W/buildctx"
    row "$BUILD_COLD" buildkit true "$DKB --no-cache"
    $DKB >/dev/null 2>&1 || note "BuildKit build failed"
    row "build, all cached" buildkit true "$DKB"
    peak=$(awk '/^VmHWM/ {printf "%.1f MiB", $2/1024}' "/proc/$BK_PID/status" 2>/dev/null || true)
    if [ -n "$peak" ]; then
        sed -i "s/^\(| build[^|]* | buildkit | .*\) | \([0-9.]* MiB\) |\$/\1 | \2 + dockerd $peak |/" "$RESULTS"
    fi
    buildkit_stop
fi
