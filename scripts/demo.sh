#!/usr/bin/env bash
# The README's build-and-run command: build berth (release) and show its main job against a local registry.
# Starts Debian's docker-registry on 127.0.0.1, pushes a busybox image built from busybox-static with skopeo,
# then `berth pull`, `berth images`, and (once berth has it) `berth run`. Everything lives in a temp dir
# (its own --root and --run-root), removed at the end; nothing of the machine's berth store is touched.
#   usage: bash scripts/demo.sh          (as root on Debian 12; BERTH_BIN=path skips the build)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/deps.sh
. scripts/deps.sh
# shellcheck source=scripts/oci.sh
. scripts/oci.sh

if [ "$(id -u)" -eq 0 ]; then
    berth_install_packages
fi
if [ -z "${BERTH_BIN:-}" ]; then
    berth_find_cargo
    cargo build-static
    BERTH_BIN=$PWD/target/x86_64-unknown-linux-gnu/release/berth
fi

work=$(mktemp -d /tmp/berth-demo.XXXXXX)
cleanup() {
    oci_registry_stop
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/rootfs"
oci_rootfs_busybox "$work/rootfs"
oci_tar "$work/rootfs" "$work/layer.tar"
oci_layout_image "$work/layout" latest '["sh"]' "$work/layer.tar"
oci_registry_start "$work/registry"
oci_push "$work/layout" latest library/busybox:latest
echo "local registry at $REGISTRY_HOST holds library/busybox:latest"

berth() {
    echo "+ berth $*" >&2
    "$BERTH_BIN" --root "$work/root" --run-root "$work/run" "$@"
}

berth version
berth pull "$REGISTRY_HOST/library/busybox:latest"
berth images
img="$REGISTRY_HOST/library/busybox:latest"
berth run --rm "$img" echo "hello from a berth container"
berth run -d --name web -p 127.0.0.1:18080:80 "$img" sh -c 'echo berth > /tmp/index.html; httpd -f -p 80 -h /tmp'
sleep 0.5
echo "+ wget http://127.0.0.1:18080/ (from the host)" >&2
busybox wget -qO- http://127.0.0.1:18080/
berth ps
berth rm -f web
berth pod create --name app --share +pid
berth run --rm --pod app "$img" sh -c 'echo "PID 1 of the pod: $(cat /proc/1/cmdline | tr "\0" " ")"'
berth pod rm -f app
