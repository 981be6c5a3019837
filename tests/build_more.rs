//! `berth build`, continued: what a killed build leaves (swept by the next one, never in `ps -a`),
//! `COPY --exclude`/`--parents`, `RUN --mount=type=bind,from=`, and the package-mirror rewrite against a
//! real local HTTP server.

use crate::build::{build, context, inspect};
use crate::support::{TestEnv, busybox_world, unique};
use std::fs;

/// How many containers the world's store holds (a build's step containers included, which `ps -a`
/// never shows).
pub(crate) fn step_containers(env: &TestEnv) -> usize {
    fs::read_dir(env.root().join("containers"))
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .count()
        })
        .unwrap_or(0)
}

/// Mount points under the world's root (overlay rootfs of a leaked step container).
fn mounts_under(env: &TestEnv) -> Vec<String> {
    let root = env.root().to_string_lossy().into_owned();
    fs::read_to_string("/proc/self/mountinfo")
        .unwrap()
        .lines()
        .filter_map(|l| l.split(' ').nth(4))
        .filter(|m| m.starts_with(&root))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_killed_build_leaks_nothing_the_next_build_does_not_sweep() {
    let (env, base) = busybox_world();
    let ctx = context(
        &env,
        &[("Dockerfile", &format!("FROM {base}\nRUN sleep 30\n"))],
    );
    let mut child = env
        .berth()
        .args(["build", "--progress", "plain", ctx.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    assert!(
        crate::support::eventually(60, || step_containers(&env) == 1),
        "the step never started"
    );
    // While it runs, the step's container is not one of the user's.
    assert_eq!(env.run(["ps", "-a", "-q"]).stdout(), "");
    let id = fs::read_dir(env.root().join("containers"))
        .unwrap()
        .flatten()
        .find(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .unwrap()
        .file_name()
        .to_string_lossy()
        .into_owned();
    let state = env.root().join("containers").join(&id).join("state.json");
    assert!(
        crate::support::eventually(60, || fs::read_to_string(&state)
            .is_ok_and(|s| s.contains("running"))),
        "the step never ran"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(step_containers(&env), 1, "the killed build's container");
    assert_eq!(env.run(["ps", "-a", "-q"]).stdout(), "");
    let next = env.run_with_stdin(["build", "-q", "-"], format!("FROM {base}\n").as_bytes());
    next.assert_ok();
    let rec = fs::read_to_string(
        env.root()
            .join("containers")
            .join(&id)
            .join("container.json"),
    );
    assert_eq!(
        step_containers(&env),
        0,
        "the next build swept it: {} {rec:?}",
        next.stderr()
    );
    assert_eq!(mounts_under(&env), Vec::<String>::new());
    let cgroups = std::process::Command::new("find")
        .args(["/sys/fs/cgroup", "-maxdepth", "8", "-type", "d", "-name"])
        .arg(format!("*{id}*"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&cgroups.stdout), "", "cgroup left");
    let tmp: Vec<_> = fs::read_dir(env.root().join("buildcache/tmp"))
        .map(|rd| rd.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(tmp.is_empty(), "{tmp:?}");
}

/// What a build (or `run`) killed inside `create` leaves: a container directory without its record. The
/// next build removes it once its creator's lock is gone, and never touches one whose creator still holds it.
#[test]
fn a_creation_killed_before_its_record_is_swept_unless_its_creator_lives() {
    let (env, base) = busybox_world();
    let containers = env.root().join("containers");
    let dead = "d".repeat(64);
    let busy = "b".repeat(64);
    for id in [&dead, &busy] {
        for sub in ["upper", "work", "rootfs"] {
            fs::create_dir_all(containers.join(id).join(sub)).unwrap();
        }
    }
    // A creator still at work: it holds the directory's lock (as `create` does until the record exists).
    // -o: the lock stays with flock itself, so killing it releases the lock (sleep does not inherit it).
    let mut holder = std::process::Command::new("flock")
        .arg("-o")
        .arg(containers.join(&busy))
        .args(["sleep", "60"])
        .spawn()
        .unwrap();
    // A `.new-` directory of a creator killed before its rename, over a minute old.
    let new_dir = containers.join(format!(".new-{}", "e".repeat(64)));
    fs::create_dir_all(&new_dir).unwrap();
    let old = std::process::Command::new("touch")
        .args(["-d", "2 minutes ago"])
        .arg(&new_dir)
        .status()
        .unwrap();
    assert!(old.success());
    std::thread::sleep(std::time::Duration::from_millis(300));
    env.run_with_stdin(["build", "-q", "-"], format!("FROM {base}\n").as_bytes())
        .assert_ok();
    assert!(
        !containers.join(&dead).exists(),
        "the dead creation was left"
    );
    assert!(!new_dir.exists(), "the killed .new- directory was left");
    assert!(
        containers.join(&busy).join("upper").is_dir(),
        "a live creation was removed"
    );
    holder.kill().unwrap();
    holder.wait().unwrap();
    // Its creator gone, `container prune` removes it too.
    env.run(["container", "prune", "-f"]).assert_ok();
    assert!(
        !containers.join(&busy).exists(),
        "prune left the dead creation"
    );
    // A normal create is not disturbed by the lock it holds.
    env.run(["create", "--name", "fine", &base, "true"])
        .assert_ok();
    env.run(["rm", "fine"]).assert_ok();
}

#[test]
fn copy_exclude_leaves_out_what_its_patterns_match() {
    let (env, base) = busybox_world();
    let tag = unique("exclude");
    let ctx = context(
        &env,
        &[
            (
                "Dockerfile",
                &format!("FROM {base}\nCOPY --exclude=*.log --exclude=sub/skip dir/ /data/\n"),
            ),
            ("dir/a.txt", "a\n"),
            ("dir/b.log", "b\n"),
            ("dir/sub/c.txt", "c\n"),
            ("dir/sub/skip/d.txt", "d\n"),
        ],
    );
    build(&env, &["-t", &tag, ctx.to_str().unwrap()]).assert_ok();
    let run = env.run(["run", "--rm", &tag, "find", "/data"]);
    run.assert_ok();
    let mut found: Vec<&str> = run.stdout().lines().collect();
    found.sort();
    assert_eq!(
        found,
        ["/data", "/data/a.txt", "/data/sub", "/data/sub/c.txt"]
    );
}

#[test]
fn run_mount_bind_from_a_stage_or_an_image_sees_its_files() {
    let (env, base) = busybox_world();
    let tag = unique("bindfrom");
    let dockerfile = format!(
        "FROM {base} AS tools\nRUN mkdir -p /opt/t && echo tool > /opt/t/x\n\
         FROM {base}\n\
         RUN --mount=type=bind,from=tools,source=/opt/t,target=/mnt cat /mnt/x > /copied\n\
         RUN --mount=type=bind,from={base},target=/b test -d /b/bin && echo image > /img\n"
    );
    let ctx = context(&env, &[("Dockerfile", &dockerfile)]);
    build(&env, &["-t", &tag, ctx.to_str().unwrap()]).assert_ok();
    let run = env.run([
        "run",
        "--rm",
        &tag,
        "sh",
        "-c",
        "cat /copied /img; ls /mnt /b | wc -l",
    ]);
    run.assert_ok();
    assert_eq!(run.stdout(), "tool\nimage\n0\n");
    // The bound copies are gone with the step: nothing left in the build's work dir.
    let tmp: Vec<_> = fs::read_dir(env.root().join("buildcache/tmp"))
        .map(|rd| rd.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(tmp.is_empty(), "{tmp:?}");
    let first = inspect(&env, &tag, "{{.Id}}");
    let again = build(&env, &["-t", &tag, ctx.to_str().unwrap()]);
    again.assert_ok();
    assert_eq!(
        again.stderr().matches("CACHED").count(),
        3,
        "{}",
        again.stderr()
    );
    assert_eq!(inspect(&env, &tag, "{{.Id}}"), first);
}

#[test]
fn copy_parents_keeps_the_sources_directories() {
    let (env, base) = busybox_world();
    let tag = unique("parents");
    let ctx = context(
        &env,
        &[
            (
                "Dockerfile",
                &format!(
                    "FROM {base}\nCOPY --parents a/b/c.txt a/*.txt /dest/\nCOPY --parents ./x/./y/z.txt /piv/\n"
                ),
            ),
            ("a/b/c.txt", "c\n"),
            ("a/d.txt", "d\n"),
            ("x/y/z.txt", "z\n"),
        ],
    );
    build(&env, &["-t", &tag, ctx.to_str().unwrap()]).assert_ok();
    let run = env.run(["run", "--rm", &tag, "find", "/dest", "/piv", "-type", "f"]);
    run.assert_ok();
    let mut found: Vec<&str> = run.stdout().lines().collect();
    found.sort();
    assert_eq!(found, ["/dest/a/b/c.txt", "/dest/a/d.txt", "/piv/y/z.txt"]);
}

/// A one-thread HTTP server on 127.0.0.1 standing in for a package mirror: answers every GET with
/// `body` and records the request paths.
fn mirror_server(body: &'static [u8]) -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut first = String::new();
            if reader.read_line(&mut first).is_err() {
                continue;
            }
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).map_or(true, |n| n == 0) || h.trim().is_empty() {
                    break;
                }
            }
            if let Some(path) = first.split_whitespace().nth(1) {
                log.lock().unwrap().push(path.to_string());
            }
            let _ = write!(
                conn,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = conn.write_all(body);
        }
    });
    (port, seen)
}

#[test]
fn a_run_step_fetches_from_a_local_package_mirror_and_the_image_keeps_its_sources() {
    let (env, base) = busybox_world();
    let (port, seen) = mirror_server(b"index from the mirror\n");
    let tag = unique("mirror-http");
    let repos = "https://dl-cdn.alpinelinux.org/alpine/v3.19/main\nhttps://dl-cdn.alpinelinux.org/alpine/v3.19/community\n";
    let dockerfile = format!(
        "FROM {base}\nCOPY repositories /etc/apk/repositories\n\
         RUN wget -q -O /index \"$(head -1 /etc/apk/repositories)/x86_64/APKINDEX.tar.gz\"\n"
    );
    let ctx = context(
        &env,
        &[("Dockerfile", &dockerfile), ("repositories", repos)],
    );
    let mirror = format!("alpine=http://127.0.0.1:{port}/alpine");
    build(
        &env,
        &[
            "--network",
            "host",
            "--package-mirror",
            &mirror,
            "-t",
            &tag,
            ctx.to_str().unwrap(),
        ],
    )
    .assert_ok();
    assert_eq!(
        *seen.lock().unwrap(),
        ["/alpine/v3.19/main/x86_64/APKINDEX.tar.gz"]
    );
    let run = env.run(["run", "--rm", &tag, "cat", "/index"]);
    run.assert_ok();
    assert_eq!(run.stdout(), "index from the mirror\n");
    let run = env.run(["run", "--rm", &tag, "cat", "/etc/apk/repositories"]);
    run.assert_ok();
    assert_eq!(
        run.stdout(),
        repos,
        "the image's sources are byte for byte the original"
    );
}

#[test]
fn add_of_a_url_downloads_it_checks_its_checksum_and_caches_by_content() {
    use sha2::Digest;
    let (env, base) = busybox_world();
    let body: &'static [u8] = b"a release tarball, as far as the test is concerned\n";
    let (port, seen) = mirror_server(body);
    let sum = format!("sha256:{}", hex::encode(sha2::Sha256::digest(body)));
    let url = format!("http://127.0.0.1:{port}/files/tool-1.0.txt");
    let tag = unique("add-url");
    let ctx = context(
        &env,
        &[(
            "Dockerfile",
            &format!("FROM {base}\nADD --checksum={sum} {url} /opt/\nADD {url} /named\n"),
        )],
    );
    build(&env, &["-t", &tag, ctx.to_str().unwrap()]).assert_ok();
    assert_eq!(seen.lock().unwrap().len(), 2);
    // docker: the URL's file name under a directory destination, mode 0600, the body as served.
    let run = env.run([
        "run",
        "--rm",
        &tag,
        "sh",
        "-c",
        "stat -c '%a %u:%g' /opt/tool-1.0.txt /named; cat /named",
    ]);
    run.assert_ok();
    assert_eq!(
        run.stdout(),
        format!("600 0:0\n600 0:0\n{}", String::from_utf8_lossy(body))
    );
    // The same content again: both steps cached, same image.
    let id = inspect(&env, &tag, "{{.Id}}");
    let again = build(&env, &["-t", &tag, ctx.to_str().unwrap()]);
    again.assert_ok();
    assert_eq!(inspect(&env, &tag, "{{.Id}}"), id);
    // A checksum that does not match fails the build with BuildKit's words and moves no tag.
    let bad = format!("sha256:{}", "0".repeat(64));
    let ctx2 = context(
        &env,
        &[(
            "Dockerfile",
            &format!("FROM {base}\nADD --checksum={bad} {url} /x\n"),
        )],
    );
    let out = build(&env, &["-t", &tag, ctx2.to_str().unwrap()]);
    out.assert_code(1);
    assert!(
        out.stderr()
            .contains(&format!("digest mismatch {sum}: {bad}")),
        "{}",
        out.stderr()
    );
    assert_eq!(inspect(&env, &tag, "{{.Id}}"), id);
    // COPY takes no URL.
    let ctx3 = context(
        &env,
        &[("Dockerfile", &format!("FROM {base}\nCOPY {url} /x\n"))],
    );
    let out = build(&env, &[ctx3.to_str().unwrap()]);
    out.assert_code(1);
    assert!(
        out.stderr().contains("source can't be a URL for COPY"),
        "{}",
        out.stderr()
    );
}

/// Rootless, a RUN step has a network: on the default network it gets the rootless interface and its
/// default route (the namespace of pasta or slirp4netns), and `RUN --network=host` reaches a server on the
/// host's loopback (here a stand-in package mirror), as a build that fetches packages needs.
#[test]
fn rootless_run_steps_have_the_default_network_and_host_network_reaches_a_local_server() {
    let env = crate::support::TestEnv::rootless();
    let image = crate::support::registry::shared().image(crate::support::fixtures::BUSYBOX);
    env.run(["pull", "-q", &image]).assert_ok();
    let (port, seen) = mirror_server(b"a package\n");
    let tag = unique("rlnet");
    let dockerfile = format!(
        "FROM {image}\n\
         RUN ip -o -4 addr show > /net.txt && cat /proc/net/route >> /net.txt\n\
         RUN --network=host wget -q -O /fetched http://127.0.0.1:{port}/pool/p.deb\n"
    );
    let ctx = context(&env, &[("Dockerfile", &dockerfile)]);
    build(&env, &["-t", &tag, ctx.to_str().unwrap()]).assert_ok();
    assert_eq!(*seen.lock().unwrap(), ["/pool/p.deb"]);
    let run = env.run([
        "run",
        "--rm",
        "--network",
        "none",
        &tag,
        "cat",
        "/net.txt",
        "/fetched",
    ]);
    run.assert_ok();
    let out = run.stdout();
    assert!(out.contains("inet 10.0.2.100/24"), "{out}");
    assert!(
        out.lines().any(|l| l.contains("\t00000000\t0202000A\t")),
        "no default route in the step: {out}"
    );
    assert!(out.ends_with("a package\n"), "{out}");
}
