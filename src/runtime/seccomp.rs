//! Seccomp: `spec.linux.seccomp` (docker's profile format as OCI carries it) compiled with libseccomp.
//!
//! Owns the translation of actions, architectures, syscall names and argument conditions.
//! Depends on oci_spec and libseccomp only. Invariant: a profile that cannot be built or loaded is an error,
//! never a silently unconfined container (SECURITY.md H3); only syscall names unknown on this architecture
//! are skipped, as runc and docker do (profiles list syscalls of every architecture).

use anyhow::{Context, Result};
use libseccomp::{
    ScmpAction, ScmpArch, ScmpArgCompare, ScmpCompareOp, ScmpFilterContext, ScmpSyscall,
};
use oci_spec::runtime::{LinuxSeccomp, LinuxSeccompAction, LinuxSeccompOperator};

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
    let default = action(s.default_action(), None, s.default_errno_ret());
    let mut ctx = ScmpFilterContext::new(default).context("creating seccomp filter")?;
    // no_new_privs is the spec's decision (process.noNewPrivileges), not libseccomp's default.
    ctx.set_ctl_nnp(false)
        .context("seccomp: leaving no_new_privs to the spec")?;
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
}
