//! Seccomp: `spec.linux.seccomp` (docker's profile format as OCI carries it) compiled with libseccomp.
//!
//! Owns the translation of actions, architectures, syscall names and argument conditions, and the cache of
//! compiled programs: libseccomp's BPF generation for docker's profile costs milliseconds of CPU on every
//! start (issue 3), so the program is compiled once per profile and loaded as is afterwards.
//! Depends on oci_spec, libseccomp, sha2 and libc only. Invariant: a profile that cannot be built or loaded
//! is an error, never a silently unconfined container (docs/security.md H3); only syscall names unknown on this
//! architecture are skipped, as runc and docker do (profiles list syscalls of every architecture).

use std::io::{Read, Seek};
use std::path::Path;

use anyhow::{Context, Result, bail};
use libseccomp::{
    ScmpAction, ScmpArch, ScmpArgCompare, ScmpCompareOp, ScmpFilterContext, ScmpSyscall,
    ScmpVersion,
};
use oci_spec::runtime::{LinuxSeccomp, LinuxSeccompAction, LinuxSeccompOperator};
use sha2::{Digest, Sha256};

/// A filter ready to load in the process it confines.
pub(crate) enum Filter {
    /// The compiled program (an array of `struct sock_filter`), loaded with seccomp(2) directly: what
    /// libseccomp's `seccomp_load` does for a filter without TSYNC, LOG, SPEC_ALLOW or a notify listener.
    Program(Vec<libc::sock_filter>),
    /// Loaded by libseccomp (profiles with a notify action need its listener handling; `exec`).
    Context(ScmpFilterContext),
}

impl Filter {
    pub(crate) fn load(&self) -> Result<()> {
        match self {
            Filter::Context(c) => c.load().context("seccomp load"),
            Filter::Program(p) => {
                let prog = libc::sock_fprog {
                    len: u16::try_from(p.len()).context("seccomp program too long")?,
                    filter: p.as_ptr().cast_mut(),
                };
                // SAFETY: seccomp(2) reads `prog` and the instructions it points to, both alive for the call.
                let rc = unsafe {
                    libc::syscall(
                        libc::SYS_seccomp,
                        libc::SECCOMP_SET_MODE_FILTER,
                        0,
                        &prog as *const libc::sock_fprog,
                    )
                };
                if rc < 0 {
                    return Err(std::io::Error::last_os_error()).context("seccomp load");
                }
                Ok(())
            }
        }
    }
}

fn uses_notify(s: &LinuxSeccomp) -> bool {
    s.default_action() == LinuxSeccompAction::ScmpActNotify
        || s.syscalls()
            .iter()
            .flatten()
            .any(|r| r.action() == LinuxSeccompAction::ScmpActNotify)
}

/// The filter for `s`. With `cache` (a directory private to the caller that a reboot clears: run_root),
/// the compiled program is taken from `<cache>/<key>.bpf`, or compiled and stored there. The key covers
/// the profile, the libseccomp version and API level (which depend on the kernel), the architecture and the
/// dispatch layout ([`Layout::Tree`]; programs cached before it was used are not taken), so
/// a program is only reused where libseccomp would generate the same one.
pub(crate) fn prepare(s: &LinuxSeccomp, cache: Option<&Path>) -> Result<Filter> {
    let Some(dir) = cache.filter(|_| !uses_notify(s)) else {
        return Ok(Filter::Context(build(s)?));
    };
    let v = ScmpVersion::current().context("reading the libseccomp version")?;
    let mut h = Sha256::new();
    h.update(serde_json::to_vec(s).context("encoding the seccomp profile")?);
    h.update(
        format!(
            "\0{}.{}.{} api {} {:?} tree",
            v.major,
            v.minor,
            v.micro,
            libseccomp::get_api(),
            ScmpArch::native()
        )
        .as_bytes(),
    );
    let path = dir.join(format!("{}.bpf", hex::encode(h.finalize())));
    if let Ok(bytes) = std::fs::read(&path)
        && let Some(p) = program(&bytes)
    {
        return Ok(Filter::Program(p));
    }
    let ctx = build(s)?;
    // A cache that cannot be written (full, read-only) costs speed, never the container: libseccomp
    // then loads the filter itself.
    match store_program(&ctx, dir, &path) {
        Ok(p) => Ok(Filter::Program(p)),
        Err(e) => {
            log::debug!("not caching the seccomp program: {e:#}");
            Ok(Filter::Context(ctx))
        }
    }
}

/// Exports the program of `ctx` into `path` (through a temp file renamed into place, so readers never
/// see half of it) and returns its instructions.
fn store_program(
    ctx: &ScmpFilterContext,
    dir: &Path,
    path: &Path,
) -> Result<Vec<libc::sock_filter>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let tmp = dir.join(format!(".seccomp.tmp-{}", std::process::id()));
    let res = (|| -> Result<Vec<libc::sock_filter>> {
        let mut f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .with_context(|| format!("creating {}", tmp.display()))?;
        let p = export_into(ctx, &mut f)?;
        std::fs::rename(&tmp, path).with_context(|| format!("renaming into {}", path.display()))?;
        Ok(p)
    })();
    if res.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    res
}

/// Exports the program of `ctx` into the empty file `f` and reads its instructions back.
fn export_into(ctx: &ScmpFilterContext, f: &mut std::fs::File) -> Result<Vec<libc::sock_filter>> {
    ctx.export_bpf(&*f)
        .context("exporting the seccomp program")?;
    f.rewind().context("reading the seccomp program back")?;
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)
        .context("reading the seccomp program back")?;
    match program(&bytes) {
        Some(p) => Ok(p),
        None => bail!("libseccomp exported a malformed seccomp program"),
    }
}

/// The instructions in an exported program: whole 8-byte `sock_filter`s, at least one.
fn program(bytes: &[u8]) -> Option<Vec<libc::sock_filter>> {
    const SIZE: usize = size_of::<libc::sock_filter>();
    if bytes.is_empty()
        || !bytes.len().is_multiple_of(SIZE)
        || bytes.len() / SIZE > u16::MAX as usize
    {
        return None;
    }
    Some(
        bytes
            .chunks_exact(SIZE)
            .map(|c| libc::sock_filter {
                code: u16::from_ne_bytes([c[0], c[1]]),
                jt: c[2],
                jf: c[3],
                k: u32::from_ne_bytes([c[4], c[5], c[6], c[7]]),
            })
            .collect(),
    )
}

fn action(a: LinuxSeccompAction, errno: Option<u32>, default_errno: Option<u32>) -> ScmpAction {
    match a {
        LinuxSeccompAction::ScmpActKill | LinuxSeccompAction::ScmpActKillThread => {
            ScmpAction::KillThread
        }
        LinuxSeccompAction::ScmpActKillProcess => ScmpAction::KillProcess,
        LinuxSeccompAction::ScmpActTrap => ScmpAction::Trap,
        // runtime-spec: errnoRet unset means EPERM.
        LinuxSeccompAction::ScmpActErrno => {
            ScmpAction::Errno(errno.or(default_errno).unwrap_or(libc::EPERM as u32) as i32)
        }
        LinuxSeccompAction::ScmpActNotify => ScmpAction::Notify,
        LinuxSeccompAction::ScmpActTrace => {
            ScmpAction::Trace(errno.or(default_errno).unwrap_or(libc::EPERM as u32) as u16)
        }
        LinuxSeccompAction::ScmpActLog => ScmpAction::Log,
        LinuxSeccompAction::ScmpActAllow => ScmpAction::Allow,
    }
}

/// Builds the filter (not loaded yet), so errors show up while the process can still report them.
pub(crate) fn build(s: &LinuxSeccomp) -> Result<ScmpFilterContext> {
    build_as(s, Layout::Tree)
}

/// How libseccomp lays out the syscall dispatch of a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// One comparison after another (libseccomp's default), kept for the comparison in
    /// `engine/seccomp_tree_tests.rs`.
    #[cfg(test)]
    Linear,
    /// A binary tree sorted by syscall number (libseccomp >= 2.5; older ones keep the linear layout).
    /// Docker's default profile allows ~350 calls: linear, its 995 instructions took 0.9 ms to load,
    /// most of it the kernel working out for every syscall number whether the filter always allows it
    /// (its action cache), and a syscall late in the list ran ~350 comparisons; as a tree, 0.3 ms and
    /// about 10 comparisons (issue 14). The same policy: `engine/seccomp_tree_tests.rs` compares both
    /// programs' verdicts.
    Tree,
}

/// The program of `s` as libseccomp exports it, in the linear and in the tree layout (for the test that
/// they decide alike).
#[cfg(test)]
pub(super) fn programs_for_test(s: &LinuxSeccomp) -> [Vec<libc::sock_filter>; 2] {
    [Layout::Linear, Layout::Tree].map(|layout| {
        let ctx = build_as(s, layout).unwrap();
        export_into(&ctx, &mut tempfile::tempfile().unwrap()).unwrap()
    })
}

fn build_as(s: &LinuxSeccomp, layout: Layout) -> Result<ScmpFilterContext> {
    let default = action(s.default_action(), None, s.default_errno_ret());
    let mut ctx = ScmpFilterContext::new(default).context("creating seccomp filter")?;
    // no_new_privs is the spec's decision (process.noNewPrivileges), not libseccomp's default.
    ctx.set_ctl_nnp(false)
        .context("seccomp: leaving no_new_privs to the spec")?;
    if layout == Layout::Tree {
        // An older libseccomp refuses the attribute and builds the linear filter.
        let _ = ctx.set_ctl_optimize(2);
    }
    for a in s.architectures().iter().flatten() {
        let name = a.to_string();
        let arch: ScmpArch = name
            .parse()
            .with_context(|| format!("seccomp architecture {name}"))?;
        if arch != ScmpArch::native() {
            ctx.add_arch(arch)
                .with_context(|| format!("adding seccomp architecture {name}"))?;
        }
    }
    for rule in s.syscalls().iter().flatten() {
        let act = action(rule.action(), rule.errno_ret(), s.default_errno_ret());
        if act == default {
            // libseccomp refuses rules equal to the default action; they change nothing.
            continue;
        }
        let conds: Vec<ScmpArgCompare> = rule
            .args()
            .iter()
            .flatten()
            .map(|a| {
                let op = match a.op() {
                    LinuxSeccompOperator::ScmpCmpNe => ScmpCompareOp::NotEqual,
                    LinuxSeccompOperator::ScmpCmpLt => ScmpCompareOp::Less,
                    LinuxSeccompOperator::ScmpCmpLe => ScmpCompareOp::LessOrEqual,
                    LinuxSeccompOperator::ScmpCmpEq => ScmpCompareOp::Equal,
                    LinuxSeccompOperator::ScmpCmpGe => ScmpCompareOp::GreaterEqual,
                    LinuxSeccompOperator::ScmpCmpGt => ScmpCompareOp::Greater,
                    LinuxSeccompOperator::ScmpCmpMaskedEq => ScmpCompareOp::MaskedEqual(a.value()),
                };
                let datum = match a.op() {
                    LinuxSeccompOperator::ScmpCmpMaskedEq => a.value_two().unwrap_or(0),
                    _ => a.value(),
                };
                ScmpArgCompare::new(a.index() as u32, op, datum)
            })
            .collect();
        for name in rule.names() {
            let Ok(sc) = ScmpSyscall::from_name(name) else {
                // Unknown on this architecture (profiles are multi-arch): skipped, as runc does.
                continue;
            };
            if conds.is_empty() {
                ctx.add_rule(act, sc)
            } else {
                ctx.add_rule_conditional(act, sc, &conds)
            }
            .with_context(|| format!("adding seccomp rule for {name}"))?;
        }
    }
    Ok(ctx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oci_spec::runtime::{LinuxSeccompBuilder, LinuxSyscallBuilder};

    #[test]
    fn profile_with_unknown_syscall_names_builds() {
        let s = LinuxSeccompBuilder::default()
            .default_action(LinuxSeccompAction::ScmpActErrno)
            .syscalls(vec![
                LinuxSyscallBuilder::default()
                    .names(vec!["read".to_string(), "no_such_syscall_here".to_string()])
                    .action(LinuxSeccompAction::ScmpActAllow)
                    .build()
                    .unwrap(),
            ])
            .build()
            .unwrap();
        assert!(build(&s).is_ok());
    }

    fn words(f: &Filter) -> Vec<(u16, u8, u8, u32)> {
        match f {
            Filter::Program(p) => p.iter().map(|i| (i.code, i.jt, i.jf, i.k)).collect(),
            Filter::Context(_) => panic!("expected a compiled program"),
        }
    }

    #[test]
    fn cached_program_is_the_one_libseccomp_generates_and_is_reused() {
        let s = LinuxSeccompBuilder::default()
            .default_action(LinuxSeccompAction::ScmpActAllow)
            .syscalls(vec![
                LinuxSyscallBuilder::default()
                    .names(vec!["keyctl".to_string()])
                    .action(LinuxSeccompAction::ScmpActErrno)
                    .build()
                    .unwrap(),
            ])
            .build()
            .unwrap();
        let d = tempfile::tempdir().unwrap();
        let first = prepare(&s, Some(d.path())).unwrap();
        let entries: Vec<_> = std::fs::read_dir(d.path()).unwrap().flatten().collect();
        assert_eq!(entries.len(), 1, "one cache entry, no temp file left");
        // What libseccomp itself would load, exported independently.
        let mut f = tempfile::tempfile().unwrap();
        build(&s).unwrap().export_bpf(&f).unwrap();
        f.rewind().unwrap();
        let mut fresh = Vec::new();
        f.read_to_end(&mut fresh).unwrap();
        assert_eq!(
            words(&first),
            words(&Filter::Program(program(&fresh).unwrap()))
        );
        // The second preparation reads the entry: a marker program written there is what comes back.
        let marker = [6u8, 0, 0, 0, 0, 0, 0xff, 0x7f]; // BPF_RET | BPF_K, SECCOMP_RET_ALLOW
        std::fs::write(entries[0].path(), marker).unwrap();
        assert_eq!(
            words(&prepare(&s, Some(d.path())).unwrap()),
            vec![(6, 0, 0, 0x7fff_0000)]
        );
        // A cache that cannot be written falls back to libseccomp's own load.
        let file = d.path().join("not-a-dir");
        std::fs::write(&file, b"").unwrap();
        assert!(matches!(
            prepare(&s, Some(&file)).unwrap(),
            Filter::Context(_)
        ));
        // A damaged entry is recompiled rather than loaded.
        std::fs::write(entries[0].path(), b"bad").unwrap();
        assert_eq!(words(&prepare(&s, Some(d.path())).unwrap()), words(&first));
    }
}
