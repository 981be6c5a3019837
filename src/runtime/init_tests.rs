//! The init's step order, checked with the recording [`Syscall`] on a plain directory as the rootfs: no
//! root needed, nothing of the test process changes (every state-changing call is recorded, not made).

use super::*;
use crate::runtime::sys::fake::Recorder;
use oci_spec::runtime::{
    LinuxBuilder, LinuxCapabilitiesBuilder, MountBuilder, PosixRlimitBuilder, ProcessBuilder,
    RootBuilder, SpecBuilder, UserBuilder,
};
use std::collections::HashMap;

fn caps(names: &[&str]) -> oci_spec::runtime::Capabilities {
    names
        .iter()
        .map(|n| n.trim_start_matches("CAP_").parse().unwrap())
        .collect()
}

fn spec() -> Spec {
    let kept = caps(&["CAP_CHOWN", "CAP_KILL"]);
    let process = ProcessBuilder::default()
        .args(vec![
            "/bin/sh".to_string(),
            "-c".to_string(),
            "true".to_string(),
        ])
        .env(vec!["PATH=/bin".to_string()])
        .cwd("/")
        .user(
            UserBuilder::default()
                .uid(1000u32)
                .gid(1000u32)
                .additional_gids(vec![29u32])
                .build()
                .unwrap(),
        )
        .capabilities(
            LinuxCapabilitiesBuilder::default()
                .bounding(kept.clone())
                .effective(kept.clone())
                .permitted(kept)
                .inheritable(caps(&[]))
                .ambient(caps(&[]))
                .build()
                .unwrap(),
        )
        .rlimits(vec![
            PosixRlimitBuilder::default()
                .typ(PosixRlimitType::RlimitNofile)
                .soft(1024u64)
                .hard(2048u64)
                .build()
                .unwrap(),
        ])
        .oom_score_adj(100)
        .no_new_privileges(true)
        .build()
        .unwrap();
    let linux = LinuxBuilder::default()
        .sysctl(HashMap::from([(
            "net.ipv4.ip_forward".to_string(),
            "1".to_string(),
        )]))
        .masked_paths(Vec::<String>::new())
        .readonly_paths(Vec::<String>::new())
        .build()
        .unwrap();
    let mounts = vec![
        MountBuilder::default()
            .destination("/proc")
            .typ("proc")
            .source("proc")
            .build()
            .unwrap(),
        MountBuilder::default()
            .destination("/dev")
            .typ("tmpfs")
            .source("tmpfs")
            .options(vec!["mode=755".to_string()])
            .build()
            .unwrap(),
    ];
    SpecBuilder::default()
        .process(process)
        .linux(linux)
        .mounts(mounts)
        .hostname("box")
        .root(RootBuilder::default().readonly(true).build().unwrap())
        .build()
        .unwrap()
}

#[test]
fn the_init_runs_its_steps_in_the_documented_order() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let spec = spec();
    let rootfs = Rootfs::Dir(root.clone());
    let (a, b) = crate::runtime::sys::socketpair().unwrap();
    let rec = Recorder {
        root: Some(root.clone()),
        caps: ["CAP_CHOWN", "CAP_KILL", "CAP_SYS_ADMIN"]
            .iter()
            .map(|c| c.parse().unwrap())
            .collect(),
        ..Default::default()
    };
    let ctx = InitCtx {
        spec: &spec,
        rootfs: &rootfs,
        rootless: false,
        in_userns: false,
        stdio: InitStdio::Fds { stdin_null: true },
        cgroup_dirs: Vec::new(),
        new_cgroup_ns: false,
        sock: a.as_raw_fd(),
        wait_for_hook: false,
        seccomp: None,
    };
    let fail = match container_init_steps(&rec, &ctx) {
        Ok(never) => match never {},
        Err(f) => f,
    };
    // The fake's execve fails with ENOSYS: the init reports the step.
    assert!(
        matches!(&fail, Fail::Step { step, .. } if step == "execve /bin/sh"),
        "{fail:?}"
    );
    // The caller hears "about to exec" just before the execve.
    assert!(matches!(
        crate::runtime::msg::recv(b.as_raw_fd()).unwrap(),
        Some(Msg::Exec)
    ));
    let calls = rec.calls();
    let drops = calls
        .iter()
        .filter(|c| c.starts_with("drop bounding"))
        .count();
    assert!(calls.contains(&"drop bounding CAP_SYS_ADMIN".to_string()));
    assert!(
        !calls
            .iter()
            .any(|c| c == "drop bounding CAP_CHOWN" || c == "drop bounding CAP_KILL")
    );
    assert_eq!(drops, caps::runtime::thread_all_supported().len() - 2);
    let (setns_flags, rest): (Vec<&String>, Vec<&String>) =
        calls.iter().partition(|c| c.starts_with("drop bounding"));
    assert!(!setns_flags.is_empty());
    let mut got: Vec<String> = rest.into_iter().cloned().collect();
    // The read-only root keeps the flags the mount already has (they vary with the host's /).
    let ro = got
        .iter()
        .rposition(|c| c.starts_with("mount - / - "))
        .expect("the root is remounted read-only");
    got[ro] = "mount - / - <remount ro>".into();
    let dev = |n: &str, ma: u32, mi: u32| {
        [
            format!("mknod <root>/dev/{n} {:o} {ma}:{mi}", libc::S_IFCHR | 0o666),
            format!("chown <root>/dev/{n} 0:0"),
        ]
    };
    let mut want: Vec<String> = vec![
        "umask 0".into(),
        // 2. propagation, 3. the rootfs, 4. spec mounts, 5. /dev content
        format!("mount - / - {:#x} -", libc::MS_SLAVE | libc::MS_REC),
        format!(
            "mount <root> <root> - {:#x} -",
            libc::MS_BIND | libc::MS_REC
        ),
        "mount proc <root>/proc proc 0x0 -".into(),
        "mount tmpfs <root>/dev tmpfs 0x0 mode=755".into(),
    ];
    for (n, ma, mi) in [
        ("null", 1, 3),
        ("zero", 1, 5),
        ("full", 1, 7),
        ("random", 1, 8),
        ("urandom", 1, 9),
        ("tty", 5, 0),
    ] {
        want.extend(dev(n, ma, mi));
    }
    want.extend([
        // 6. pivot_root
        "chdir <root>".into(),
        "pivot_root".into(),
        format!("mount - . - {:#x} -", libc::MS_SLAVE | libc::MS_REC),
        "umount .".into(),
        "chdir /".into(),
        // 7. stdio
        "setsid".into(),
        "dup2 /dev/null 0".into(),
        // 8. sysctls, hostname; 9. read-only root
        "write /proc/sys/net/ipv4/ip_forward 1".into(),
        "sethostname box".into(),
        "mount - / - <remount ro>".into(),
        // 10. rlimits, cwd, oom_score_adj
        format!("setrlimit {} 1024 2048", libc::RLIMIT_NOFILE),
        "fchdir /".into(),
        "write /proc/<pid>/oom_score_adj 100".into(),
        // 11. user, caps, seccomp, fds, execve (bounding drops come first, checked above)
        "prctl keepcaps 1".into(),
        "setgroups [29]".into(),
        "setresgid 1000".into(),
        "setresuid 1000".into(),
        "prctl keepcaps 0".into(),
        "chdir /".into(),
        "prctl no_new_privs 1".into(),
        "capset Ambient []".into(),
        "capset Effective [CAP_CHOWN,CAP_KILL]".into(),
        "capset Inheritable []".into(),
        "capset Permitted [CAP_CHOWN,CAP_KILL]".into(),
        "capset Effective [CAP_CHOWN,CAP_KILL]".into(),
        "umask 22".into(),
        "close_range cloexec".into(),
        r#"execve /bin/sh ["/bin/sh", "-c", "true"]"#.into(),
    ]);
    assert_eq!(got, want);
    // The bounding set is dropped after oom_score_adj and before keepcaps.
    let first_drop = calls
        .iter()
        .position(|c| c.starts_with("drop bounding"))
        .unwrap();
    let oom = calls
        .iter()
        .position(|c| c.contains("oom_score_adj"))
        .unwrap();
    let keep = calls.iter().position(|c| c == "prctl keepcaps 1").unwrap();
    assert!(oom < first_drop && first_drop < keep, "{calls:#?}");
}

#[test]
fn without_no_new_privs_seccomp_loads_with_raised_caps_before_the_final_capset() {
    let rec = Recorder {
        caps: ["CAP_SYS_ADMIN"]
            .iter()
            .map(|c| c.parse().unwrap())
            .collect(),
        ..Default::default()
    };
    let mut spec = spec();
    let mut process = spec.process().clone().unwrap();
    process.set_no_new_privileges(Some(false));
    process.set_rlimits(None);
    process.set_oom_score_adj(None);
    spec.set_process(Some(process.clone()));
    let profile = oci_spec::runtime::LinuxSeccompBuilder::default()
        .default_action(oci_spec::runtime::LinuxSeccompAction::ScmpActAllow)
        .build()
        .unwrap();
    let filter = crate::runtime::seccomp::prepare(&profile, None).unwrap();
    let (a, _b) = crate::runtime::sys::socketpair().unwrap();
    let fail = match finish(&rec, &process, Some(&filter), a.as_raw_fd()) {
        Ok(never) => match never {},
        Err(f) => f,
    };
    assert!(matches!(fail, Fail::Step { .. }));
    let calls: Vec<String> = rec
        .calls()
        .into_iter()
        .filter(|c| !c.starts_with("drop bounding"))
        .collect();
    let at = |s: &str| {
        calls
            .iter()
            .position(|c| c == s)
            .unwrap_or_else(|| panic!("{s} missing: {calls:#?}"))
    };
    assert!(!calls.iter().any(|c| c.starts_with("prctl no_new_privs")));
    let raise = at("capset Effective [CAP_SYS_ADMIN]");
    let load = at("seccomp");
    let last = at("capset Permitted [CAP_CHOWN,CAP_KILL]");
    assert!(
        at("setresuid 1000") < raise && raise < load && load < last,
        "{calls:#?}"
    );
}
