//! `berth build` against what docker's BuildKit does for the same Dockerfile (observed with docker
//! 20.10's BuildKit side by side): the COPY/ADD corner cases users hit — a symlink named as a source is
//! followed, `--chown` owns the directories the copy creates, ADD unpacks xz and bzip2 archives with their own
//! owners and leaves a compressed non-tar file as it is —, WORKDIR made as the stage's USER, and RUN
//! heredocs the shell completes.

use crate::build::{build, context};
use crate::support::{busybox_world, unique};
use std::fs;
use std::process::Command;

fn sh(cmd: &str) {
    let st = Command::new("sh").args(["-c", cmd]).status().unwrap();
    assert!(st.success(), "{cmd}");
}

#[test]
fn copy_and_add_follow_buildkits_rules_for_links_owners_and_archives() {
    let (env, base) = busybox_world();
    let dockerfile = format!(
        r#"FROM {base}
COPY dir/link /dd/
COPY dlink /ff
COPY --chown=nobody:nogroup dir/a.txt /p1/p2/f
COPY --chown=nobody:nogroup dir /app
RUN mkdir /exist
COPY --chown=nobody:nogroup dir /exist/
ADD owned.tar /o/
ADD arc.tar.xz /txz/
ADD arc.tar.bz2 /tbz/
ADD plain.gz /gz/
"#
    );
    let ctx = context(&env, &[("Dockerfile", &dockerfile), ("dir/a.txt", "a\n")]);
    let c = ctx.to_str().unwrap();
    sh(&format!(
        "cd {c} && ln -s a.txt dir/link && ln -s dir dlink && mkdir -p t/sub && echo q > t/sub/q \
         && echo s > t/sub/s && chmod 4755 t/sub/s && ln t/sub/s t/sub/s2 \
         && tar --owner=1234 --group=5678 --numeric-owner -C t -cf owned.tar . \
         && tar --owner=0 --group=0 -C dir -cJf arc.tar.xz a.txt && echo plain | gzip > plain.gz"
    ));
    let mut tar = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(2);
    h.set_mode(0o644);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(1_700_000_000);
    tar.append_data(&mut h, "b.txt", &b"b\n"[..]).unwrap();
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    std::io::Write::write_all(&mut bz, &tar.into_inner().unwrap()).unwrap();
    fs::write(ctx.join("arc.tar.bz2"), bz.finish().unwrap()).unwrap();
    let tag = unique("peer");
    build(&env, &["-t", &tag, c]).assert_ok();
    let run = env.run([
        "run",
        "--rm",
        &tag,
        "stat",
        "-c",
        "%F %u:%g %n",
        "/dd/link",
        "/ff",
        "/ff/a.txt",
        "/p1",
        "/p1/p2",
        "/p1/p2/f",
        "/app",
        "/exist",
        "/o",
        "/o/sub",
        "/o/sub/q",
        "/txz/a.txt",
        "/tbz/b.txt",
        "/gz/plain.gz",
    ]);
    run.assert_ok();
    assert_eq!(
        run.stdout(),
        "regular file 0:0 /dd/link
directory 0:0 /ff
regular file 0:0 /ff/a.txt
directory 65534:65534 /p1
directory 65534:65534 /p1/p2
regular file 65534:65534 /p1/p2/f
directory 65534:65534 /app
directory 0:0 /exist
directory 0:0 /o
directory 1234:5678 /o/sub
regular file 1234:5678 /o/sub/q
regular file 0:0 /txz/a.txt
regular file 0:0 /tbz/b.txt
regular file 0:0 /gz/plain.gz
"
    );
    // chown clears setuid: the archive's mode is put back after it (hard links too).
    let suid = env.run([
        "run",
        "--rm",
        &tag,
        "stat",
        "-c",
        "%a %u",
        "/o/sub/s",
        "/o/sub/s2",
    ]);
    assert_eq!(suid.stdout(), "4755 1234\n4755 1234\n");
    let gz = env.run(["run", "--rm", &tag, "sh", "-c", "gunzip -c /gz/plain.gz"]);
    gz.assert_ok();
    assert_eq!(gz.stdout(), "plain\n");
    // A link whose target is outside the context is not found, as in BuildKit.
    fs::write(
        ctx.join("Dockerfile"),
        format!("FROM {base}\nCOPY abslink /x\n"),
    )
    .unwrap();
    sh(&format!("cd {c} && ln -s /etc/passwd abslink"));
    let out = build(&env, &[c]);
    assert!(!out.status.success());
    assert!(
        out.stderr().contains("\"/abslink\": not found"),
        "{}",
        out.stderr()
    );
}

#[test]
fn run_heredocs_with_other_words_or_a_shebang_run_as_buildkit_runs_them() {
    let (env, base) = busybox_world();
    let dockerfile = format!(
        "FROM {base}
RUN cat <<EOF > /one
x $HOME
EOF
RUN <<-EOT sh
\techo tabbed > /two
\tEOT
RUN cat <<A > /three && cat <<'B' >> /three
first
A
second $HOME
B
RUN <<EOF
#!/bin/sh -e
echo \"script $0\" > /four
EOF
"
    );
    let ctx = context(&env, &[("Dockerfile", &dockerfile)]);
    let tag = unique("heredoc");
    build(&env, &["-t", &tag, ctx.to_str().unwrap()]).assert_ok();
    let run = env.run([
        "run", "--rm", &tag, "cat", "/one", "/two", "/three", "/four",
    ]);
    run.assert_ok();
    assert_eq!(
        run.stdout(),
        "x /root\ntabbed\nfirst\nsecond $HOME\nscript /dev/pipes/EOF\n"
    );
    // The script's body is part of the step's key: a changed body reruns it.
    fs::write(
        ctx.join("Dockerfile"),
        dockerfile.replace("script $0", "changed $0"),
    )
    .unwrap();
    build(&env, &["-t", &tag, ctx.to_str().unwrap()]).assert_ok();
    let run = env.run(["run", "--rm", &tag, "cat", "/four"]);
    assert_eq!(run.stdout(), "changed /dev/pipes/EOF\n");
}

#[test]
fn workdir_is_created_as_the_stages_user_so_it_can_write_there() {
    let (env, base) = busybox_world();
    let dockerfile = format!(
        "FROM {base}
USER nobody
WORKDIR /srv/app
RUN touch made-by-nobody
USER 4343
WORKDIR /num
USER ghost
WORKDIR /ghost
USER root
WORKDIR /root-owned
COPY --chown=4242 Dockerfile /chowned
"
    );
    let ctx = context(&env, &[("Dockerfile", &dockerfile)]);
    let tag = unique("workdir");
    build(&env, &["-t", &tag, ctx.to_str().unwrap()]).assert_ok();
    let run = env.run([
        "run",
        "--rm",
        &tag,
        "stat",
        "-c",
        "%u:%g %n",
        "/srv",
        "/srv/app",
        "/srv/app/made-by-nobody",
        "/num",
        "/ghost",
        "/root-owned",
        "/chowned",
    ]);
    run.assert_ok();
    // A numeric user owns with its uid as gid (BuildKit's file ops); a user the image does not know
    // leaves the dir root's.
    assert_eq!(
        run.stdout(),
        "65534:65534 /srv\n65534:65534 /srv/app\n65534:65534 /srv/app/made-by-nobody\n\
         4343:4343 /num\n0:0 /ghost\n0:0 /root-owned\n4242:4242 /chowned\n"
    );
}

#[test]
fn onbuild_sets_the_config_and_writes_no_history_entry() {
    let (env, base) = busybox_world();
    let ctx = context(
        &env,
        &[(
            "Dockerfile",
            &format!("FROM {base}\nONBUILD RUN echo trig > /trig\nLABEL after=onbuild\n"),
        )],
    );
    let tag = unique("onbuild");
    build(&env, &["-t", &tag, ctx.to_str().unwrap()]).assert_ok();
    let hist = env.run(["history", "--no-trunc", "--format", "{{.CreatedBy}}", &tag]);
    hist.assert_ok();
    let lines: Vec<&str> = hist.stdout().lines().collect();
    assert_eq!(lines[0], "LABEL after=onbuild", "{lines:?}");
    assert!(!hist.stdout().contains("ONBUILD"), "{lines:?}");
    let onbuild = env.run([
        "image",
        "inspect",
        "--format",
        "{{json .Config.OnBuild}}",
        &tag,
    ]);
    assert_eq!(onbuild.stdout().trim(), r#"["RUN echo trig > /trig"]"#);
}

#[test]
fn copy_keeps_hard_links_and_leaves_out_excluded_dirs_nothing_is_re_included_from() {
    let (env, base) = busybox_world();
    let ctx = context(
        &env,
        &[
            ("Dockerfile", &format!("FROM {base}\nCOPY . /c/\n")),
            (".dockerignore", "**/*.md\n!keep/**/*.md\nsub\n"),
            ("keep/in/k.md", "k\n"),
            ("sub/x.txt", "x\n"),
            ("hl1", "h\n"),
        ],
    );
    let c = ctx.to_str().unwrap();
    sh(&format!("cd {c} && ln hl1 hl2"));
    let tag = unique("links");
    build(&env, &["-t", &tag, c]).assert_ok();
    let run = env.run([
        "run",
        "--rm",
        &tag,
        "sh",
        "-c",
        "cd /c && ls -a && stat -c %h hl1 && [ $(stat -c %i hl1) = $(stat -c %i hl2) ] && echo same",
    ]);
    run.assert_ok();
    assert_eq!(
        run.stdout(),
        ".\n..\n.dockerignore\nDockerfile\nhl1\nhl2\nkeep\n2\nsame\n"
    );
}

#[test]
fn buildkits_platform_args_are_predefined_for_from_lines_and_declaring_stages() {
    let (env, base) = busybox_world();
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    let local = unique("plat");
    env.run(["tag", &base, &format!("{local}-{arch}")])
        .assert_ok();
    let dockerfile = format!(
        "FROM --platform=$BUILDPLATFORM {local}-$TARGETARCH
ARG TARGETARCH
ARG TARGETPLATFORM
RUN echo \"$TARGETARCH $TARGETPLATFORM [$BUILDARCH]\" > /plat
"
    );
    let ctx = context(&env, &[("Dockerfile", &dockerfile)]);
    let tag = unique("platform");
    build(&env, &["-t", &tag, ctx.to_str().unwrap()]).assert_ok();
    let run = env.run(["run", "--rm", &tag, "cat", "/plat"]);
    run.assert_ok();
    // BUILDARCH was not declared in the stage: not set there, as in BuildKit.
    assert_eq!(run.stdout(), format!("{arch} linux/{arch} []\n"));
}

#[test]
fn copy_history_names_the_flags_buildkit_names() {
    let (env, base) = busybox_world();
    let dockerfile = format!(
        "FROM {base} AS src
RUN echo s > /s
FROM {base}
COPY --from=src --chmod=640 --chown=1:2 /s /s
COPY --exclude=*.md --parents a/./b /p/
"
    );
    let ctx = context(&env, &[("Dockerfile", &dockerfile), ("a/b", "b\n")]);
    let tag = unique("copyhist");
    build(&env, &["-t", &tag, ctx.to_str().unwrap()]).assert_ok();
    let hist = env.run(["history", "--no-trunc", "--format", "{{.CreatedBy}}", &tag]);
    hist.assert_ok();
    let lines: Vec<&str> = hist.stdout().lines().take(2).collect();
    assert_eq!(
        lines,
        [
            "COPY --parents a/./b /p/ # buildkit",
            "COPY --chown=1:2 --chmod=640 /s /s # buildkit",
        ]
    );
}

#[test]
fn rootless_builds_keep_archive_owners_run_shebang_heredocs_and_own_workdirs() {
    let env = crate::support::TestEnv::rootless();
    let image = crate::support::registry::shared().image(crate::support::fixtures::BUSYBOX);
    env.run(["pull", "-q", &image]).assert_ok();
    let dockerfile = format!(
        "FROM {image}
ADD owned.tar /o/
COPY --chown=7:8 f.txt /made/by/copy/
USER 9:10
WORKDIR /w
RUN <<EOF
#!/bin/sh
echo \"$0 $(id -u)\" > /w/script
EOF
"
    );
    let ctx = context(
        &env,
        &[
            ("Dockerfile", &dockerfile),
            ("f.txt", "f\n"),
            ("t/q", "q\n"),
        ],
    );
    let c = ctx.to_str().unwrap();
    sh(&format!(
        "cd {c} && tar --owner=1234 --group=5678 --numeric-owner -C t -cf owned.tar q"
    ));
    let tag = unique("rootless-peer");
    build(&env, &["--network", "none", "-t", &tag, c]).assert_ok();
    let run = env.run([
        "run",
        "--rm",
        "--network",
        "none",
        &tag,
        "sh",
        "-c",
        "stat -c '%u:%g %n' /o/q /made /made/by/copy/f.txt /w && cat /w/script",
    ]);
    run.assert_ok();
    assert_eq!(
        run.stdout(),
        "1234:5678 /o/q\n7:8 /made\n7:8 /made/by/copy/f.txt\n9:10 /w\n/dev/pipes/EOF 9\n"
    );
}

#[test]
fn an_image_from_scratch_has_buildkits_empty_image_config() {
    let (env, _) = busybox_world();
    let ctx = context(
        &env,
        &[("Dockerfile", "FROM scratch\nCOPY f /f\n"), ("f", "f\n")],
    );
    let tag = unique("scratch");
    build(&env, &["-t", &tag, ctx.to_str().unwrap()]).assert_ok();
    let cfg = env.run([
        "image",
        "inspect",
        "--format",
        "{{json .Config.WorkingDir}} {{json .Config.Env}}",
        &tag,
    ]);
    cfg.assert_ok();
    assert_eq!(
        cfg.stdout().trim(),
        r#""/" ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]"#
    );
}

#[test]
fn wildcards_may_match_nothing_and_match_in_copy_from_stages() {
    let (env, base) = busybox_world();
    let dockerfile = format!(
        "FROM {base} AS build
RUN mkdir -p /out/sub && echo a > /out/a.whl && echo b > /out/b.whl && echo c > /out/c.txt \
 && echo d > /out/sub/d.whl && ln -s /etc /out/etc
FROM {base}
WORKDIR /app
COPY package*.json yarn.lock* ./
COPY --from=build /out/*.whl /wheels/
COPY --from=build /out/*/*.whl /deep/
COPY --from=build /out/none* /none/
COPY --from=build /out/et*/pass* /via-link/
"
    );
    let ctx = context(
        &env,
        &[("Dockerfile", &dockerfile), ("package.json", "{}\n")],
    );
    let tag = unique("wild");
    build(&env, &["-t", &tag, ctx.to_str().unwrap()]).assert_ok();
    let run = env.run([
        "run",
        "--rm",
        &tag,
        "sh",
        "-c",
        "ls /app /wheels /deep /via-link; ls -d /none 2>&1 | grep -c 'No such'",
    ]);
    run.assert_ok();
    assert_eq!(
        run.stdout(),
        "/app:\npackage.json\n\n/deep:\nd.whl\n\n/via-link:\npasswd\n\n/wheels:\na.whl\nb.whl\n1\n"
    );
}

#[test]
fn an_arg_declared_after_an_env_of_its_name_wins_until_the_next_env() {
    let (env, base) = busybox_world();
    let dockerfile = format!(
        "FROM {base}
ENV V=env
ARG V=arg
RUN echo \"$V\" > /v1
ENV W=${{V}}
ENV V=env2
ARG V
RUN echo \"$V $W\" > /v2
"
    );
    let ctx = context(&env, &[("Dockerfile", &dockerfile)]);
    let tag = unique("argenv");
    build(&env, &["-t", &tag, ctx.to_str().unwrap()]).assert_ok();
    let run = env.run(["run", "--rm", &tag, "cat", "/v1", "/v2"]);
    run.assert_ok();
    assert_eq!(run.stdout(), "arg\nenv2 arg\n");
    let cfg = env.run(["image", "inspect", "--format", "{{json .Config.Env}}", &tag]);
    assert!(
        cfg.stdout().contains(r#""V=env2","W=arg""#),
        "{}",
        cfg.stdout()
    );
}
