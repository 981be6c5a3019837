//! Integration tests: a container must never reach berth's own on-disk binary (docs/security.md F1,
//! CVE-2019-5736). The hostile images here name the runtime's binary as their payload (`/proc/self/exe`,
//! a symlink to it, a `#!/proc/self/exe` script) and, when berth is dynamically linked, carry a fake ELF
//! interpreter at berth's PT_INTERP path: if the kernel ever ran berth's binary in the container, it would
//! load that interpreter from the container's rootfs, and the fake reports what it reached. A statically
//! linked berth (the release build) has no interpreter: the payloads are given `--version`, which berth
//! would answer on stdout. Every berth process a container can see is checked by inode. Root only.

use crate::support::fixtures::{self, Compression, LayerBuilder, Layout};
use crate::support::{TestEnv, berth_bin, busybox_world, must_run, registry, temp_dir, unique};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Command;

/// A fake ELF interpreter without libc (it runs with the auxiliary vector of the program it was asked to
/// load, which a libc's start-up would misread): it prints what /proc/self/exe is and whether it opens
/// for writing (nothing is written), then exits 42.
const FAKE_INTERPRETER: &str = r#"
typedef unsigned long u64;
static long sys(long n, long a, long b, long c) {
  long r;
  __asm__ volatile ("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
}
static u64 len(const char *s) { u64 n = 0; while (s[n]) n++; return n; }
static void out(const char *s) { sys(1, 1, (long)s, len(s)); }
static void num(u64 v) {
  char b[24]; int i = 23; b[i] = 0;
  do { b[--i] = '0' + v % 10; v /= 10; } while (v);
  out(b + i);
}
struct kstat { u64 dev, ino, nlink; unsigned mode, uid, gid, pad; u64 rdev; long size, blksize, blocks; u64 rest[6]; };
__attribute__((force_align_arg_pointer)) void _start(void) {
  char buf[512]; long n = sys(89, (long)"/proc/self/exe", (long)buf, sizeof buf - 1);
  if (n < 0) n = 0;
  buf[n] = 0;
  struct kstat st; long s = sys(4, (long)"/proc/self/exe", (long)&st, 0);
  out("FAKE-INTERP exe="); out(buf);
  out(" ino="); num(s ? 0 : st.ino); out("\n");
  long fd = sys(2, (long)"/proc/self/exe", 01, 0);
  out("FAKE-INTERP write-open="); if (fd >= 0) out("ok"); else { out("errno "); num(-fd); } out("\n");
  sys(60, 42, 0, 0);
  for (;;) {}
}
"#;

/// The PT_INTERP path of an ELF file (64-bit little endian, as the berth binary under test is); None for a
/// static executable.
fn elf_interpreter(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut head = vec![0u8; 64 * 1024];
    let n = std::fs::File::open(path).unwrap().read(&mut head).unwrap();
    head.truncate(n);
    assert_eq!(&head[..4], b"\x7fELF", "{} is not ELF", path.display());
    let u64_at = |o: usize| u64::from_le_bytes(head[o..o + 8].try_into().unwrap()) as usize;
    let u16_at = |o: usize| u16::from_le_bytes(head[o..o + 2].try_into().unwrap()) as usize;
    let (phoff, phentsize, phnum) = (u64_at(0x20), u16_at(0x36), u16_at(0x38));
    for i in 0..phnum {
        let e = phoff + i * phentsize;
        if u32::from_le_bytes(head[e..e + 4].try_into().unwrap()) == 3 {
            let (off, size) = (u64_at(e + 8), u64_at(e + 32));
            let name = &head[off..off + size];
            let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
            return Some(String::from_utf8(name[..end].to_vec()).unwrap());
        }
    }
    None
}

/// Compile [`FAKE_INTERPRETER`] as a static program.
fn fake_interpreter() -> Vec<u8> {
    let dir = temp_dir("fake-interp");
    let src = dir.path().join("fake.c");
    let bin = dir.path().join("fake");
    std::fs::write(&src, FAKE_INTERPRETER).unwrap();
    must_run(Command::new("gcc").args([
        "-static",
        "-nostdlib",
        "-ffreestanding",
        "-fno-builtin",
        "-fno-stack-protector",
        "-O2",
        "-o",
        bin.to_str().unwrap(),
        src.to_str().unwrap(),
    ]));
    std::fs::read(&bin).unwrap()
}

/// Push busybox plus a layer with the fake interpreter at berth's PT_INTERP path (a dynamic berth), the
/// script `/evil.sh` (`#!/proc/self/exe`) and the symlink `/bin/berth-link` (to /proc/self/exe); returns
/// the image reference.
fn hostile_image() -> String {
    let base = fixtures::busybox_layer_tar();
    let mut l = LayerBuilder::new();
    if let Some(interp) = elf_interpreter(&berth_bin()) {
        let rel = interp.trim_start_matches('/');
        let mut dir = std::path::PathBuf::new();
        for c in Path::new(rel).parent().unwrap().components() {
            dir.push(c);
            l.dir(dir.to_str().unwrap(), 0o755);
        }
        l.file(rel, 0o755, &fake_interpreter());
    }
    l.file("evil.sh", 0o755, b"#!/proc/self/exe\n")
        .symlink("bin/berth-link", "/proc/self/exe");
    let evil = l.finish();
    let layout_dir = temp_dir("self-exe-image");
    let layout = Layout::create(layout_dir.path());
    let config = fixtures::image_config(
        "amd64",
        None,
        serde_json::json!({"Env": [fixtures::PATH_ENV], "Entrypoint": ["/proc/self/exe"],
            "Cmd": ["--version"]}),
        &[&base, &evil],
    );
    let m = layout.image(
        &config,
        &[(base, Compression::Gzip), (evil, Compression::Gzip)],
    );
    layout.tag(&m, "latest");
    let repo = format!("library/{}", unique("selfexe"));
    registry::shared().skopeo_push(layout_dir.path(), "latest", &format!("{repo}:latest"), &[]);
    registry::shared().image(&format!("{repo}:latest"))
}

/// Every way an image can name berth's own binary as its payload is refused with docker's
/// "permission denied" (126): neither the fake interpreter nor berth (`--version`) ever runs.
#[test]
fn a_payload_that_is_the_runtime_binary_is_refused_and_never_runs() {
    let image = hostile_image();
    let env = TestEnv::new();
    env.run(["pull", "-q", &image]).assert_ok();
    let cases: [&[&str]; 3] = [
        &["run", "--rm", &image],
        &[
            "run",
            "--rm",
            "--entrypoint",
            "/evil.sh",
            &image,
            "--version",
        ],
        &[
            "run",
            "--rm",
            "--entrypoint",
            "berth-link",
            &image,
            "--version",
        ],
    ];
    for args in cases {
        let out = env.run(args.iter().copied());
        assert!(
            out.stdout().is_empty() && !out.stderr().contains("FAKE-INTERP"),
            "berth's binary ran in the container ({args:?}):\n{}{}",
            out.stdout(),
            out.stderr()
        );
        out.assert_code(126)
            .assert_stderr_has("permission denied")
            .assert_stderr_has("runtime's own binary");
    }
    // The image itself is fine otherwise: its busybox runs.
    env.run(["run", "--rm", "--entrypoint", "echo", &image, "ok"])
        .assert_ok()
        .assert_stdout_eq("ok\n");
}

/// With `--init`, the container's PID 1 is berth's reaper: its /proc/1/exe must not be the on-disk berth
/// binary, and must not open for writing (the probe opens it in append mode and writes nothing); berth's
/// code in it comes from a sealed copy, and the command gets no descriptor of that copy.
#[test]
fn the_init_reaper_is_not_the_on_disk_binary_and_cannot_be_opened_for_writing() {
    let (env, image) = busybox_world();
    let host = std::fs::metadata(berth_bin()).unwrap();
    let probe = "stat -L -c '%d %i' /proc/1/exe; \
        if ( : >> /proc/1/exe ) 2>/dev/null; then echo WRITABLE; else echo refused; fi; \
        grep -c 'memfd:berth' /proc/1/maps; grep -c '/dev/.berth-init/berth' /proc/1/maps; \
        ls /proc/self/fd | tr '\\n' ' '; echo";
    let out = env.run(["run", "--rm", "--init", &image, "sh", "-c", probe]);
    out.assert_ok();
    let lines = out.lines();
    assert_eq!(lines.len(), 5, "{}", out.stdout());
    let ino: u64 = lines[0].split_whitespace().nth(1).unwrap().parse().unwrap();
    assert_ne!(
        ino,
        host.ino(),
        "PID 1 is berth's on-disk binary: {}",
        out.stdout()
    );
    assert_eq!(lines[1], "refused", "{}", out.stdout());
    // berth's code in PID 1 is mapped from the sealed copy, not from the bound on-disk file.
    assert_ne!(lines[2], "0", "no sealed copy mapped: {}", out.stdout());
    assert_eq!(
        lines[3],
        "0",
        "the on-disk binary is mapped: {}",
        out.stdout()
    );
    // Only stdio, and the directory fd ls reads /proc/self/fd through.
    let fds: Vec<&str> = lines[4].split_whitespace().collect();
    assert_eq!(fds, ["0", "1", "2", "3"], "{}", out.stdout());
}

/// In a pod sharing its PID namespace, PID 1 is the infra's pause, which is berth: it runs from a sealed
/// in-memory copy, so a member reaching /proc/1/exe finds neither the on-disk binary nor a writable file.
#[test]
fn a_shared_pid_pods_pause_runs_from_a_sealed_copy() {
    let (env, image) = busybox_world();
    let pod = unique("sealpod");
    env.run(["pod", "create", "--name", &pod, "--share", "+pid"])
        .assert_ok();
    let host = std::fs::metadata(berth_bin()).unwrap();
    let out = env.run([
        "run",
        "--rm",
        "--pod",
        &pod,
        &image,
        "sh",
        "-c",
        "cat /proc/1/cmdline | tr '\\0' ' '; echo; readlink /proc/1/exe; stat -L -c '%i' /proc/1/exe; \
         if ( : >> /proc/1/exe ) 2>/dev/null; then echo WRITABLE; else echo refused; fi",
    ]);
    env.run(["pod", "rm", "-f", &pod]).assert_ok();
    out.assert_ok();
    let lines = out.lines();
    assert_eq!(lines.len(), 4, "{}", out.stdout());
    assert_eq!(lines[0], "/berth internal pause ", "{}", out.stdout());
    assert!(lines[1].starts_with("/memfd:berth"), "{}", out.stdout());
    let ino: u64 = lines[2].trim().parse().unwrap();
    assert_ne!(
        ino,
        host.ino(),
        "the pause is berth's on-disk binary: {}",
        out.stdout()
    );
    assert_eq!(lines[3], "refused", "{}", out.stdout());
}

/// Rootless, the `--init` reaper also runs from the sealed copy and still reaps and reports CMD's status.
#[test]
fn rootless_init_reaper_runs_from_the_sealed_copy() {
    let (env, image) = TestEnv::rootless().with_image(fixtures::BUSYBOX);
    let out = env.run([
        "run",
        "--rm",
        "--init",
        &image,
        "sh",
        "-c",
        "grep -c 'memfd:berth' /proc/1/maps; exit 7",
    ]);
    out.assert_code(7);
    assert_ne!(out.stdout().trim(), "0", "{}", out.stdout());
}

/// A container without a PID namespace of its own (what `--pid host` writes: the spec has no pid entry)
/// sees its monitor: the monitor then runs from a sealed copy, never from the on-disk binary.
#[test]
fn a_monitor_in_the_containers_sight_runs_from_a_sealed_copy() {
    let (env, image) = busybox_world();
    let name = unique("pidhost");
    // CAP_SYS_PTRACE: without it the container could not read another process's exe link at all.
    let created = env.run([
        "create",
        "--name",
        &name,
        "--cap-add",
        "SYS_PTRACE",
        &image,
        "sleep",
        "60",
    ]);
    created.assert_ok();
    let id = created.stdout().trim().to_string();
    let cfg = env.root().join("containers").join(&id).join("config.json");
    let mut spec: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&cfg).unwrap()).unwrap();
    spec["linux"]["namespaces"]
        .as_array_mut()
        .unwrap()
        .retain(|n| n["type"] != "pid");
    std::fs::write(&cfg, spec.to_string()).unwrap();
    env.run(["start", &name]).assert_ok();
    let monitor = env
        .run_root()
        .join("containers")
        .join(&id)
        .join("monitor.json");
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&monitor).unwrap()).unwrap();
    let pid = record["pid"].as_i64().unwrap();
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap();
    let inside = env.run([
        "exec",
        &name,
        "sh",
        "-c",
        &format!("readlink /proc/{pid}/exe"),
    ]);
    env.run(["rm", "-f", &name]).assert_ok();
    assert!(
        exe.to_string_lossy().starts_with("/memfd:berth"),
        "the monitor runs {}",
        exe.display()
    );
    inside.assert_ok().assert_stdout_has("/memfd:berth");
}

/// No process a container can see is berth's on-disk binary, opens for writing or maps that file: in a
/// pod sharing its PID namespace, a member started with `--init` sees the pod's pause, its own reaper and
/// its command. A static berth's reaper runs from the sealed copy as the pause does; a dynamic one's is
/// the host's loader (bound read-only) mapping berth from the sealed copy.
#[test]
fn no_berth_process_a_container_sees_is_the_on_disk_binary() {
    let (env, image) = busybox_world();
    let pod = unique("sealall");
    env.run(["pod", "create", "--name", &pod, "--share", "+pid"])
        .assert_ok();
    let host = std::fs::metadata(berth_bin()).unwrap().ino();
    // Per process: exe's inode, whether exe opens for writing, how many mappings are of the host binary's
    // inode, where exe points, the process name.
    let probe = format!(
        "for p in /proc/[0-9]*; do \
           i=$(stat -L -c %i $p/exe 2>/dev/null) || continue; \
           w=refused; if ( : >> $p/exe ) 2>/dev/null; then w=WRITABLE; fi; \
           m=$(awk '$5 == {host}' $p/maps | wc -l); \
           echo \"$i $w $m $(readlink $p/exe) $(cat $p/comm 2>/dev/null)\"; \
         done"
    );
    let out = env.run([
        "run", "--rm", "--init", "--pod", &pod, &image, "sh", "-c", &probe,
    ]);
    env.run(["pod", "rm", "-f", &pod]).assert_ok();
    out.assert_ok();
    let lines = out.lines();
    let names: Vec<&str> = lines
        .iter()
        .map(|l| l.rsplit(' ').next().unwrap())
        .collect();
    assert!(names.contains(&"berth-pause"), "{}", out.stdout());
    assert!(names.contains(&"berth-init"), "{}", out.stdout());
    for l in &lines {
        let f: Vec<&str> = l.split_whitespace().collect();
        assert_ne!(
            f[0],
            host.to_string(),
            "on-disk berth in sight: {}",
            out.stdout()
        );
        assert_eq!(f[1], "refused", "{}", out.stdout());
        assert_eq!(
            f[2],
            "0",
            "the on-disk binary is mapped: {}{}",
            out.stdout(),
            out.stderr()
        );
        if f[4].starts_with("berth") {
            let sealed = f[3].starts_with("/memfd:berth");
            let loader = elf_interpreter(&berth_bin()).is_some() && f[3].contains("/lib/ld-");
            assert!(sealed || loader, "{}", out.stdout());
        }
    }
}
