#!/usr/bin/env bash
# Shell helpers shared by scripts/demo.sh and scripts/bench.sh (sourced, not run): build OCI image layouts from
# directories with GNU tar, gzip and sha256sum, start Debian's docker-registry on a free 127.0.0.1 port, and push
# with skopeo. The Rust test support (tests/support/fixtures.rs) builds the test fixtures itself; these helpers
# only serve the demo and the benchmark, which must not depend on the test binary.

# oci_rootfs_busybox DIR: a busybox root filesystem (applets as symlinks, passwd/group, /tmp 1777).
oci_rootfs_busybox() {
    local r=$1 a
    mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,dev,proc,sys,run,var,root,home,tmp}
    chmod 1777 "$r/tmp"
    chmod 700 "$r/root"
    cp /bin/busybox "$r/bin/busybox"
    for a in $(/bin/busybox --list-full); do
        [ "$a" = bin/busybox ] || ln -sf /bin/busybox "$r/$a"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$r/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
}

# oci_tar DIR OUT: a deterministic tar of DIR's content (sorted names, fixed mtime and owners).
oci_tar() {
    tar --sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner --format=gnu \
        -C "$1" -cf "$2" .
}

# oci_layout_image LAYOUT TAG CMD_JSON LAYER.tar...: write an OCI layout (gzip layers, linux/amd64) tagged TAG.
oci_layout_image() {
    local layout=$1 tag=$2 cmd=$3
    shift 3
    mkdir -p "$layout/blobs/sha256"
    printf '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
    local diff_ids="" layers="" history="" t diff gz dg size
    for t in "$@"; do
        diff=$(sha256sum "$t" | cut -d' ' -f1)
        gz="$layout/blobs/sha256/tmp.gz"
        gzip -n -c "$t" >"$gz"
        dg=$(sha256sum "$gz" | cut -d' ' -f1)
        size=$(stat -c %s "$gz")
        mv "$gz" "$layout/blobs/sha256/$dg"
        diff_ids+="${diff_ids:+,}\"sha256:$diff\""
        # one history entry per layer, as every real image has (podman 4.3's build fails on a base without)
        history+="${history:+,}{\"created\":\"2023-11-14T22:13:20Z\",\"created_by\":\"layer $(basename "$t")\"}"
        layers+="${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$dg\",\"size\":$size}"
    done
    local config
    config="{\"created\":\"2023-11-14T22:13:20Z\",\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"],\"Cmd\":$cmd},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[$diff_ids]},\"history\":[$history]}"
    local cdg csize
    cdg=$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)
    csize=$(printf '%s' "$config" | wc -c)
    printf '%s' "$config" >"$layout/blobs/sha256/$cdg"
    local manifest mdg msize
    manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:$cdg\",\"size\":$csize},\"layers\":[$layers]}"
    mdg=$(printf '%s' "$manifest" | sha256sum | cut -d' ' -f1)
    msize=$(printf '%s' "$manifest" | wc -c)
    printf '%s' "$manifest" >"$layout/blobs/sha256/$mdg"
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
        "$mdg" "$msize" "$tag" >"$layout/index.json"
}

# oci_registry_start DIR: start docker-registry with storage in DIR on a free port; sets REGISTRY_PID and
# REGISTRY_HOST (127.0.0.1:PORT). The caller stops it with oci_registry_stop (e.g. from an EXIT trap).
oci_registry_start() {
    local dir=$1 port i
    mkdir -p "$dir/storage"
    for i in 1 2 3 4 5; do
        port=$(( (RANDOM % 20000) + 30000 ))
        cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  secret: berth-local
EOF
        env -i PATH=/usr/bin:/bin /usr/bin/docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
        REGISTRY_PID=$!
        REGISTRY_HOST=127.0.0.1:$port
        for _ in $(seq 100); do
            if curl -fsS "http://$REGISTRY_HOST/v2/" >/dev/null 2>&1; then
                return 0
            fi
            kill -0 "$REGISTRY_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill "$REGISTRY_PID" 2>/dev/null || true
        wait "$REGISTRY_PID" 2>/dev/null || true
    done
    echo "docker-registry did not start:" >&2
    cat "$dir/registry.log" >&2
    return 1
}

oci_registry_stop() {
    if [ -n "${REGISTRY_PID:-}" ]; then
        kill "$REGISTRY_PID" 2>/dev/null || true
        wait "$REGISTRY_PID" 2>/dev/null || true
        REGISTRY_PID=
    fi
}

# oci_push LAYOUT TAG NAME: skopeo copy oci:LAYOUT:TAG to docker://$REGISTRY_HOST/NAME (byte for byte).
oci_push() {
    skopeo --insecure-policy copy --quiet --preserve-digests --dest-tls-verify=false \
        "oci:$1:$2" "docker://$REGISTRY_HOST/$3"
}

# oci_small_files DIR FILES KB: FILES files of KB KiB each under DIR/sub<N>/ (64 a directory), half of them
# random data and half compressible text (numbered lines of a few words, as source code and logs are;
# gzip makes about an eighth of it), for
# a layer with many small files (issue 14's image unlike the fixtures). Uses split, so it is quick.
oci_small_files() {
    local dir=$1 files=$2 kb=$3 half
    half=$((files / 2))
    mkdir -p "$dir/flat"
    head -c $((half * kb * 1024)) /dev/urandom | split -a 5 -b "${kb}K" - "$dir/flat/r"
    # awk writes exactly the bytes asked for and ends by itself: a `head -c` would kill it with SIGPIPE, which
    # `set -o pipefail` callers (bench.sh) take for a failure.
    awk -v seed="$RANDOM" -v want=$(((files - half) * kb * 1024)) 'BEGIN { srand(seed)
        split("alpha beta gamma delta return value index buffer layer image", w, " ")
        for (i = 0; got < want; i++) {
            l = sprintf("%08d %s = compute(%s, buffer, %d);\n", i, w[int(rand()*10)+1], w[int(rand()*10)+1], int(rand()*10))
            if (got + length(l) > want) l = substr(l, 1, want - got)
            printf "%s", l; got += length(l)
        } }' | split -a 5 -b "${kb}K" - "$dir/flat/t"
    perl -e 'my ($d) = @ARGV; opendir(my $h, "$d/flat") or die; my $n = 0;
        for my $f (sort grep { !/^\./ } readdir $h) { my $s = sprintf("%s/sub%03d", $d, int($n++ / 64));
            mkdir $s; rename("$d/flat/$f", "$s/$f") or die "$f: $!" }' "$dir"
    rmdir "$dir/flat"
}
