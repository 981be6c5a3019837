//! Docker's default seccomp profile, as data: deny with EPERM, an allow-list of syscall names,
//! capability-gated entries, the clone namespace-flag filter, and clone3 answering ENOSYS.
//!
//! Written after moby's `profiles/seccomp/default.json` (docs/security.md 1H H3, 1L). Pure: no I/O.
//! Invariant: a container without CAP_SYS_ADMIN can never call mount, unshare, setns or clone with
//! namespace flags; keyctl, add_key, request_key, io_uring_*, userfaultfd and kexec_load are never allowed.
//! The runtime skips names its libseccomp does not know (older kernels), as runc does.

use oci_spec::runtime::LinuxSeccomp;
use serde_json::{Value, json};

/// Syscalls every default container may make (moby default.json, first and largest entry).
const ALLOWED: &[&str] = &[
    "accept",
    "accept4",
    "access",
    "adjtimex",
    "alarm",
    "bind",
    "brk",
    "cachestat",
    "capget",
    "capset",
    "chdir",
    "chmod",
    "chown",
    "chown32",
    "clock_adjtime",
    "clock_adjtime64",
    "clock_getres",
    "clock_getres_time64",
    "clock_gettime",
    "clock_gettime64",
    "clock_nanosleep",
    "clock_nanosleep_time64",
    "close",
    "close_range",
    "connect",
    "copy_file_range",
    "creat",
    "dup",
    "dup2",
    "dup3",
    "epoll_create",
    "epoll_create1",
    "epoll_ctl",
    "epoll_ctl_old",
    "epoll_pwait",
    "epoll_pwait2",
    "epoll_wait",
    "epoll_wait_old",
    "eventfd",
    "eventfd2",
    "execve",
    "execveat",
    "exit",
    "exit_group",
    "faccessat",
    "faccessat2",
    "fadvise64",
    "fadvise64_64",
    "fallocate",
    "fanotify_mark",
    "fchdir",
    "fchmod",
    "fchmodat",
    "fchmodat2",
    "fchown",
    "fchown32",
    "fchownat",
    "fcntl",
    "fcntl64",
    "fdatasync",
    "fgetxattr",
    "flistxattr",
    "flock",
    "fork",
    "fremovexattr",
    "fsetxattr",
    "fstat",
    "fstat64",
    "fstatat64",
    "fstatfs",
    "fstatfs64",
    "fsync",
    "ftruncate",
    "ftruncate64",
    "futex",
    "futex_requeue",
    "futex_time64",
    "futex_wait",
    "futex_waitv",
    "futex_wake",
    "futimesat",
    "getcpu",
    "getcwd",
    "getdents",
    "getdents64",
    "getegid",
    "getegid32",
    "geteuid",
    "geteuid32",
    "getgid",
    "getgid32",
    "getgroups",
    "getgroups32",
    "getitimer",
    "getpeername",
    "getpgid",
    "getpgrp",
    "getpid",
    "getppid",
    "getpriority",
    "getrandom",
    "getresgid",
    "getresgid32",
    "getresuid",
    "getresuid32",
    "getrlimit",
    "get_robust_list",
    "getrusage",
    "getsid",
    "getsockname",
    "getsockopt",
    "get_thread_area",
    "gettid",
    "gettimeofday",
    "getuid",
    "getuid32",
    "getxattr",
    "inotify_add_watch",
    "inotify_init",
    "inotify_init1",
    "inotify_rm_watch",
    "io_cancel",
    "ioctl",
    "io_destroy",
    "io_getevents",
    "io_pgetevents",
    "io_pgetevents_time64",
    "ioprio_get",
    "ioprio_set",
    "io_setup",
    "io_submit",
    "ipc",
    "kill",
    "landlock_add_rule",
    "landlock_create_ruleset",
    "landlock_restrict_self",
    "lchown",
    "lchown32",
    "lgetxattr",
    "link",
    "linkat",
    "listen",
    "listxattr",
    "llistxattr",
    "_llseek",
    "lremovexattr",
    "lseek",
    "lsetxattr",
    "lstat",
    "lstat64",
    "madvise",
    "membarrier",
    "memfd_create",
    "memfd_secret",
    "mincore",
    "mkdir",
    "mkdirat",
    "mknod",
    "mknodat",
    "mlock",
    "mlock2",
    "mlockall",
    "mmap",
    "mmap2",
    "mprotect",
    "mq_getsetattr",
    "mq_notify",
    "mq_open",
    "mq_timedreceive",
    "mq_timedreceive_time64",
    "mq_timedsend",
    "mq_timedsend_time64",
    "mq_unlink",
    "mremap",
    "msgctl",
    "msgget",
    "msgrcv",
    "msgsnd",
    "msync",
    "munlock",
    "munlockall",
    "munmap",
    "name_to_handle_at",
    "nanosleep",
    "newfstatat",
    "_newselect",
    "open",
    "openat",
    "openat2",
    "pause",
    "pidfd_open",
    "pidfd_send_signal",
    "pipe",
    "pipe2",
    "pkey_alloc",
    "pkey_free",
    "pkey_mprotect",
    "poll",
    "ppoll",
    "ppoll_time64",
    "prctl",
    "pread64",
    "preadv",
    "preadv2",
    "prlimit64",
    "process_mrelease",
    "pselect6",
    "pselect6_time64",
    "pwrite64",
    "pwritev",
    "pwritev2",
    "read",
    "readahead",
    "readlink",
    "readlinkat",
    "readv",
    "recv",
    "recvfrom",
    "recvmmsg",
    "recvmmsg_time64",
    "recvmsg",
    "remap_file_pages",
    "removexattr",
    "rename",
    "renameat",
    "renameat2",
    "restart_syscall",
    "rmdir",
    "rseq",
    "rt_sigaction",
    "rt_sigpending",
    "rt_sigprocmask",
    "rt_sigqueueinfo",
    "rt_sigreturn",
    "rt_sigsuspend",
    "rt_sigtimedwait",
    "rt_sigtimedwait_time64",
    "rt_tgsigqueueinfo",
    "sched_getaffinity",
    "sched_getattr",
    "sched_getparam",
    "sched_get_priority_max",
    "sched_get_priority_min",
    "sched_getscheduler",
    "sched_rr_get_interval",
    "sched_rr_get_interval_time64",
    "sched_setaffinity",
    "sched_setattr",
    "sched_setparam",
    "sched_setscheduler",
    "sched_yield",
    "seccomp",
    "select",
    "semctl",
    "semget",
    "semop",
    "semtimedop",
    "semtimedop_time64",
    "send",
    "sendfile",
    "sendfile64",
    "sendmmsg",
    "sendmsg",
    "sendto",
    "setfsgid",
    "setfsgid32",
    "setfsuid",
    "setfsuid32",
    "setgid",
    "setgid32",
    "setgroups",
    "setgroups32",
    "setitimer",
    "setpgid",
    "setpriority",
    "setregid",
    "setregid32",
    "setresgid",
    "setresgid32",
    "setresuid",
    "setresuid32",
    "setreuid",
    "setreuid32",
    "setrlimit",
    "set_robust_list",
    "setsid",
    "setsockopt",
    "set_thread_area",
    "set_tid_address",
    "setuid",
    "setuid32",
    "setxattr",
    "shmat",
    "shmctl",
    "shmdt",
    "shmget",
    "shutdown",
    "sigaltstack",
    "signalfd",
    "signalfd4",
    "sigprocmask",
    "sigreturn",
    "socketcall",
    "socketpair",
    "splice",
    "stat",
    "stat64",
    "statfs",
    "statfs64",
    "statx",
    "symlink",
    "symlinkat",
    "sync",
    "sync_file_range",
    "syncfs",
    "sysinfo",
    "tee",
    "tgkill",
    "time",
    "timer_create",
    "timer_delete",
    "timer_getoverrun",
    "timer_gettime",
    "timer_gettime64",
    "timer_settime",
    "timer_settime64",
    "timerfd_create",
    "timerfd_gettime",
    "timerfd_gettime64",
    "timerfd_settime",
    "timerfd_settime64",
    "times",
    "tkill",
    "truncate",
    "truncate64",
    "ugetrlimit",
    "umask",
    "uname",
    "unlink",
    "unlinkat",
    "utime",
    "utimensat",
    "utimensat_time64",
    "utimes",
    "vfork",
    "vmsplice",
    "wait4",
    "waitid",
    "waitpid",
    "write",
    "writev",
    // Allowed on kernels >= 4.8, where ptrace can no longer bypass seccomp (moby "minKernel": "4.8").
    "kcmp",
    "pidfd_getfd",
    "process_madvise",
    "process_vm_readv",
    "process_vm_writev",
    "ptrace",
    // amd64 only in moby ("arches": ["amd64", "x32"]); harmless names elsewhere.
    "arch_prctl",
];

/// Syscalls allowed only when the container holds the named capability (moby's "includes": {"caps": [...]}).
const CAP_GATED: &[(&str, &[&str])] = &[
    (
        "CAP_SYS_ADMIN",
        &[
            "bpf",
            "clone",
            "clone3",
            "fanotify_init",
            "fsconfig",
            "fsmount",
            "fsopen",
            "fspick",
            "lookup_dcookie",
            "mount",
            "mount_setattr",
            "move_mount",
            "open_tree",
            "perf_event_open",
            "quotactl",
            "quotactl_fd",
            "setdomainname",
            "sethostname",
            "setns",
            "syslog",
            "umount",
            "umount2",
            "unshare",
        ],
    ),
    ("CAP_SYS_BOOT", &["reboot"]),
    ("CAP_SYS_CHROOT", &["chroot"]),
    (
        "CAP_SYS_MODULE",
        &["delete_module", "init_module", "finit_module"],
    ),
    ("CAP_SYS_PACCT", &["acct"]),
    ("CAP_SYS_RAWIO", &["iopl", "ioperm"]),
    (
        "CAP_SYS_TIME",
        &["settimeofday", "stime", "clock_settime", "clock_settime64"],
    ),
    ("CAP_SYS_TTY_CONFIG", &["vhangup"]),
    (
        "CAP_SYS_NICE",
        &[
            "get_mempolicy",
            "mbind",
            "set_mempolicy",
            "set_mempolicy_home_node",
        ],
    ),
    ("CAP_SYSLOG", &["syslog"]),
    ("CAP_BPF", &["bpf"]),
    ("CAP_PERFMON", &["perf_event_open"]),
];

/// CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWTIME: clone is allowed without
/// CAP_SYS_ADMIN only when none of these bits is set (moby's 2114060288 mask, plus CLONE_NEWTIME).
pub const CLONE_NAMESPACE_FLAGS: u64 = 0x7E02_0080;

const EPERM: u32 = 1;
const ENOSYS: u32 = 38;
/// AF_VSOCK: moby blocks sockets of this family (host services reachable over vsock).
const AF_VSOCK: u64 = 40;

/// The default profile for a container holding `caps` (names like "CAP_SYS_ADMIN").
pub fn default_profile(caps: &[String]) -> LinuxSeccomp {
    let has = |c: &str| caps.iter().any(|x| x == c);
    let mut rules: Vec<Value> = vec![json!({"names": ALLOWED, "action": "SCMP_ACT_ALLOW"})];
    rules.push(json!({
        "names": ["socket"], "action": "SCMP_ACT_ALLOW",
        "args": [{"index": 0, "value": AF_VSOCK, "op": "SCMP_CMP_NE"}]
    }));
    // personality: only the execution domains moby allows (PER_LINUX, PER_LINUX32, UNAME26 variants, query).
    for v in [0u64, 8, 131072, 131080, 4294967295] {
        rules.push(json!({
            "names": ["personality"], "action": "SCMP_ACT_ALLOW",
            "args": [{"index": 0, "value": v, "op": "SCMP_CMP_EQ"}]
        }));
    }
    for (cap, names) in CAP_GATED {
        if has(cap) {
            rules.push(json!({"names": names, "action": "SCMP_ACT_ALLOW"}));
        }
    }
    if !has("CAP_SYS_ADMIN") {
        rules.push(json!({
            "names": ["clone"], "action": "SCMP_ACT_ALLOW",
            "args": [{"index": 0, "value": CLONE_NAMESPACE_FLAGS, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]
        }));
        // clone3 passes its flags in a struct seccomp cannot inspect: answer ENOSYS so libc falls back to
        // clone, whose flags the rule above filters (moby PR #42681).
        rules.push(json!({"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": ENOSYS}));
    }
    let profile = json!({
        "defaultAction": "SCMP_ACT_ERRNO",
        "defaultErrnoRet": EPERM,
        "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        "syscalls": rules,
    });
    serde_json::from_value(profile).expect("the built-in seccomp profile is valid OCI JSON")
}

/// A user-supplied profile in docker's format (`--security-opt seccomp=<file>`), for a container holding
/// `caps`. docker's conditional entries are evaluated here: an entry whose `includes.caps` are not all held,
/// or whose `excludes.caps` has one that is held, is dropped; `archMap` and the `includes`/`excludes`
/// keys are then removed so the rest parses as OCI. Unknown keys in a syscall entry are an error, so a
/// profile never loads weaker than written.
pub fn profile_from_json(data: &[u8], caps: &[String]) -> anyhow::Result<LinuxSeccomp> {
    use anyhow::{Context, bail};
    let mut v: Value = serde_json::from_slice(data).context("parsing seccomp profile")?;
    let obj = v
        .as_object_mut()
        .context("seccomp profile is not a JSON object")?;
    if let Some(Value::Array(maps)) = obj.remove("archMap")
        && !obj.contains_key("architectures")
    {
        let arches: Vec<Value> = maps
            .iter()
            .filter_map(|m| m.get("architecture").cloned())
            .collect();
        obj.insert("architectures".into(), Value::Array(arches));
    }
    let has = |list: Option<&Value>| -> Vec<String> {
        list.and_then(|l| l.get("caps"))
            .and_then(|c| c.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    if let Some(Value::Array(rules)) = obj.get_mut("syscalls") {
        let mut kept = Vec::new();
        for mut r in rules.drain(..) {
            let inc = has(r.get("includes"));
            let exc = has(r.get("excludes"));
            if !inc.iter().all(|c| caps.contains(c)) || exc.iter().any(|c| caps.contains(c)) {
                continue;
            }
            if let Some(m) = r.as_object_mut() {
                for k in ["includes", "excludes", "comment"] {
                    m.remove(k);
                }
                for k in m.keys() {
                    if !["names", "action", "args", "errnoRet"].contains(&k.as_str()) {
                        bail!("seccomp profile: unsupported key {k:?} in a syscall rule");
                    }
                }
            }
            kept.push(r);
        }
        *rules = kept;
    }
    serde_json::from_value(v).context("seccomp profile is not in the OCI format")
}

#[cfg(test)]
mod tests {
    use super::*;
    use oci_spec::runtime::LinuxSeccompAction;

    fn allowed_names(p: &LinuxSeccomp) -> Vec<String> {
        p.syscalls()
            .iter()
            .flatten()
            .filter(|s| s.action() == LinuxSeccompAction::ScmpActAllow && s.args().is_none())
            .flat_map(|s| s.names().clone())
            .collect()
    }

    #[test]
    fn default_profile_denies_with_eperm_and_allows_the_common_calls() {
        let p = default_profile(&[]);
        assert_eq!(p.default_action(), LinuxSeccompAction::ScmpActErrno);
        assert_eq!(p.default_errno_ret(), Some(1));
        let names = allowed_names(&p);
        for n in ["read", "write", "execve", "openat", "exit_group"] {
            assert!(names.iter().any(|x| x == n), "{n} missing");
        }
        assert!(names.len() > 300, "allow-list has {} names", names.len());
    }

    #[test]
    fn dangerous_calls_need_sys_admin_or_are_never_allowed() {
        let names = allowed_names(&default_profile(&[]));
        for n in [
            "mount",
            "unshare",
            "setns",
            "keyctl",
            "add_key",
            "io_uring_setup",
            "userfaultfd",
            "kexec_load",
        ] {
            assert!(
                !names.iter().any(|x| x == n),
                "{n} allowed without CAP_SYS_ADMIN"
            );
        }
        let admin = allowed_names(&default_profile(&["CAP_SYS_ADMIN".into()]));
        assert!(admin.iter().any(|x| x == "mount"));
        assert!(!admin.iter().any(|x| x == "keyctl"));
    }

    #[test]
    fn docker_format_profile_honours_cap_conditions() {
        let p =
            br#"{"defaultAction":"SCMP_ACT_ERRNO","archMap":[{"architecture":"SCMP_ARCH_X86_64"}],
            "syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},
            {"names":["mount"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_ADMIN"]}},
            {"names":["clone"],"action":"SCMP_ACT_ALLOW","excludes":{"caps":["CAP_SYS_ADMIN"]}}]}"#;
        let plain = profile_from_json(p, &[]).unwrap();
        let names = allowed_names(&plain);
        assert!(names.contains(&"read".to_string()) && !names.contains(&"mount".to_string()));
        let admin = allowed_names(&profile_from_json(p, &["CAP_SYS_ADMIN".into()]).unwrap());
        assert!(admin.contains(&"mount".to_string()) && !admin.contains(&"clone".to_string()));
        crate::testing::assert_err(profile_from_json(br#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW","bogus":1}]}"#, &[]), "unsupported key \"bogus\" in a syscall rule");
    }

    #[test]
    fn clone3_answers_enosys_without_sys_admin() {
        let p = default_profile(&[]);
        let r = p
            .syscalls()
            .iter()
            .flatten()
            .find(|s| s.names().iter().any(|n| n == "clone3"))
            .unwrap();
        assert_eq!(r.action(), LinuxSeccompAction::ScmpActErrno);
        assert_eq!(r.errno_ret(), Some(38));
    }
}
