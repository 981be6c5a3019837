# shellcheck shell=bash
# Section 5 of scripts/bench.sh (issue 12), sourced by it: `compose up -d` and `compose down` of a 3-service
# project whose web service waits for a healthy db, berth vs podman-compose 1.x (from the Python package
# index, in a venv under the bench dir, driving the bench's own podman store through a wrapper).
# Uses bench.sh's W, B, PM, PODMAN, BUSYBOX, row and skip. No start_interval: podman 4.3 has no such flag.
COMPOSE_UP="compose up -d, 3 services (1 healthcheck dependency)"
COMPOSE_DOWN="compose down, 3 services"
mkdir -p "$W/compose-bench"
cat >"$W/compose-bench/compose.yaml" <<EOF
services:
  db:
    image: $BUSYBOX
    command: ["sleep", "600"]
    stop_signal: SIGKILL
    healthcheck:
      test: ["CMD", "true"]
      interval: 200ms
  web:
    image: $BUSYBOX
    command: ["sleep", "600"]
    stop_signal: SIGKILL
    depends_on:
      db:
        condition: service_healthy
  worker:
    image: $BUSYBOX
    command: ["sleep", "600"]
    stop_signal: SIGKILL
EOF
CF="-f $W/compose-bench/compose.yaml -p benchc"
if has_berth compose; then
    $B pull -q "$BUSYBOX" >/dev/null
    row "$COMPOSE_UP" berth "$B compose $CF down >/dev/null 2>&1 || true" "$B compose $CF up -d"
    row "$COMPOSE_DOWN" berth "$B compose $CF up -d" "$B compose $CF down"
    $B compose $CF down >/dev/null 2>&1 || true
else
    skip "$COMPOSE_UP" berth "berth compose not available yet"
fi
if [ "$PODMAN" = 1 ]; then
    berth_install_packages python3-venv
    if [ ! -x "$W/pc-venv/bin/podman-compose" ]; then
        python3 -m venv "$W/pc-venv" && "$W/pc-venv/bin/pip" install -q 'podman-compose>=1,<2' >&2 ||
            note "could not install podman-compose"
    fi
    printf '#!/bin/sh\nexec %s "$@"\n' "$PM" >"$W/podman-wrap" && chmod +x "$W/podman-wrap"
    if [ -x "$W/pc-venv/bin/podman-compose" ]; then
        pm pull -q --tls-verify=false "$BUSYBOX" >/dev/null
        PC="$W/pc-venv/bin/podman-compose --podman-path $W/podman-wrap $CF"
        row "$COMPOSE_UP" "podman-compose $("$W/pc-venv/bin/pip" show podman-compose 2>/dev/null | awk '/^Version/{print $2}')" \
            "$PC down >/dev/null 2>&1 || true" "$PC up -d"
        row "$COMPOSE_DOWN" podman-compose "$PC up -d" "$PC down"
        $PC down >/dev/null 2>&1 || true
    else
        skip "$COMPOSE_UP" podman-compose "pip install podman-compose failed"
    fi
fi
