#!/usr/bin/env bash
# Install the Debian 12 packages berth's tests, demo and benchmark need (as root). Sourced or run by
# scripts/test.sh, scripts/demo.sh and scripts/bench.sh. Runs `apt-get update` only when something is missing,
# so a machine that already has everything spends no time here.
#   usage: scripts/deps.sh [extra-package ...]
set -euo pipefail

# What each package is for:
#   docker-registry            the local registry the tests and the demo push to (distribution 2.8)
#   skopeo                     the independent client that pushes fixture images
#   busybox-static             the binary every fixture image is built from
#   uidmap                     newuidmap/newgidmap for rootless user namespaces
#   libseccomp-dev pkg-config gcc libc6-dev   building and linking the libseccomp crate
#   iproute2 iptables          bridge networking and its tests
#   apache2-utils              htpasswd (bcrypt) for the htpasswd registry
#   openssl                    the token server's key, certificate and JWT signatures
#   slirp4netns passt          rootless networking
#   fuse-overlayfs             rootless overlay fallback
#   util-linux passwd          setpriv/runuser, useradd/usermod for the rootless test user
#   procps curl time ca-certificates strace   ps/pgrep, HTTP probes, /usr/bin/time -v, debugging
#   hyperfine                  the benchmark
#   buildah                    the differential oracle of `build` (tests/build.rs)
BERTH_PACKAGES=(
    docker-registry skopeo busybox-static uidmap libseccomp-dev pkg-config gcc libc6-dev
    iproute2 iptables apache2-utils openssl slirp4netns passt fuse-overlayfs
    util-linux passwd procps curl time ca-certificates strace hyperfine buildah
    podman
)

berth_install_packages() {
    local missing=() p
    for p in "${BERTH_PACKAGES[@]}" "$@"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$p")
        fi
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        echo "berth: missing packages ${missing[*]}; run as root to install them" >&2
        return 1
    fi
    echo "berth: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # --no-install-recommends: podman and docker-registry recommend services we do not want started.
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Put rustup's cargo on PATH when the shell that called us did not (CI starts with a minimal environment).
berth_find_cargo() {
    if ! command -v cargo >/dev/null 2>&1; then
        for d in "${CARGO_HOME:-$HOME/.cargo}/bin" /root/.cargo/bin /usr/local/cargo/bin; do
            if [ -x "$d/cargo" ]; then
                export PATH="$d:$PATH"
                break
            fi
        done
    fi
    command -v cargo >/dev/null 2>&1 || { echo "berth: cargo not found (install Rust >= 1.89 with rustup)" >&2; return 1; }
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    berth_install_packages "$@"
fi
