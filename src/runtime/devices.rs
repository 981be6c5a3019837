//! The cgroup v2 device filter: the spec's device rules (`linux.resources.devices`) compiled to a
//! `BPF_PROG_TYPE_CGROUP_DEVICE` program and attached to the container's v2 cgroup with `BPF_CGROUP_DEVICE`.
//!
//! cgroup v2 has no devices.allow/devices.deny files; the kernel asks the programs attached to a task's v2
//! cgroup (and, with `BPF_F_ALLOW_MULTI`, its ancestors') on every open, mknod and write of a device node
//! (Documentation/admin-guide/cgroup-v2.rst "Device controller"). runc (`libcontainer/cgroups/devices`) and crun
//! (`src/libcrun/ebpf.c`) do the same; this is written from the kernel's UAPI (`include/uapi/linux/bpf.h`).
//! Depends on libc and oci_spec only. Invariant: a rule list compiles to a program that the kernel verifier
//! accepts and that answers like the v1 device controller given the same rules (the last matching rule wins;
//! when none matches the access is allowed, as in a new v1 cgroup before docker's leading `deny a`); attaching replaces what was attached before, so a cgroup never carries two
//! berth programs and an update is never more permissive in between (old and new both run until the old one
//! is detached, and every attached program must allow).

use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use anyhow::{Context, Result, bail};
use oci_spec::runtime::{LinuxDeviceCgroup, LinuxDeviceType};

// include/uapi/linux/bpf.h
const BPF_PROG_LOAD: libc::c_long = 5;
const BPF_PROG_ATTACH: libc::c_long = 8;
const BPF_PROG_DETACH: libc::c_long = 9;
const BPF_PROG_GET_FD_BY_ID: libc::c_long = 13;
const BPF_PROG_QUERY: libc::c_long = 16;
const BPF_PROG_TYPE_CGROUP_DEVICE: u32 = 15;
const BPF_CGROUP_DEVICE: u32 = 6;
const BPF_F_ALLOW_MULTI: u32 = 1 << 1;
const BPF_F_REPLACE: u32 = 1 << 2;
// struct bpf_cgroup_dev_ctx: access_type = (BPF_DEVCG_ACC_* << 16) | BPF_DEVCG_DEV_*, major, minor.
const ACC_MKNOD: i32 = 1;
const ACC_READ: i32 = 2;
const ACC_WRITE: i32 = 4;
const DEV_BLOCK: i32 = 1;
const DEV_CHAR: i32 = 2;

/// One eBPF instruction (`struct bpf_insn`): opcode, dst (low nibble) and src (high nibble) registers, offset,
/// immediate.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Insn {
    pub code: u8,
    pub regs: u8,
    pub off: i16,
    pub imm: i32,
}

// Opcodes used (class | op | source), include/uapi/linux/bpf_common.h and bpf.h.
const LDX_MEM_W: u8 = 0x61; // BPF_LDX | BPF_MEM | BPF_W
const ALU32_AND_K: u8 = 0x54; // BPF_ALU | BPF_AND | BPF_K
const ALU32_RSH_K: u8 = 0x74; // BPF_ALU | BPF_RSH | BPF_K
const ALU64_MOV_K: u8 = 0xb7; // BPF_ALU64 | BPF_MOV | BPF_K
const ALU64_MOV_X: u8 = 0xbf; // BPF_ALU64 | BPF_MOV | BPF_X
const JMP_JEQ_K: u8 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const JMP_JNE_K: u8 = 0x55; // BPF_JMP | BPF_JNE | BPF_K
const JMP_JNE_X: u8 = 0x5d; // BPF_JMP | BPF_JNE | BPF_X
const JMP_EXIT: u8 = 0x95; // BPF_JMP | BPF_EXIT

fn insn(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> Insn {
    Insn {
        code,
        regs: (src << 4) | (dst & 0x0f),
        off,
        imm,
    }
}

// Registers: r1 holds the context on entry; the prologue leaves type in r2, access in r3, major in r4,
// minor in r5; r1 is scratch afterwards; r0 is the answer (1 allow, 0 deny).
const R0: u8 = 0;
const R1: u8 = 1;
const R2: u8 = 2;
const R3: u8 = 3;
const R4: u8 = 4;
const R5: u8 = 5;

/// A rule reduced to what the program tests: `None` is a wildcard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rule {
    allow: bool,
    kind: Option<i32>,
    major: Option<i32>,
    minor: Option<i32>,
    /// ACC_* bits; all three when the spec leaves access empty (the rule is about the device, not an access).
    access: i32,
}

fn access_bits(access: Option<&str>) -> Result<i32> {
    let s = access.unwrap_or("");
    if s.is_empty() {
        return Ok(ACC_MKNOD | ACC_READ | ACC_WRITE);
    }
    let mut bits = 0;
    for c in s.chars() {
        bits |= match c {
            'r' => ACC_READ,
            'w' => ACC_WRITE,
            'm' => ACC_MKNOD,
            other => bail!("device rule access {s:?}: unknown permission {other:?}"),
        };
    }
    Ok(bits)
}

fn number(what: &str, v: Option<i64>) -> Result<Option<i32>> {
    match v {
        None => Ok(None),
        // The OCI spec writes a wildcard as a missing number; runc also takes -1.
        Some(n) if n < 0 => Ok(None),
        Some(n) => i32::try_from(n)
            .map(Some)
            .map_err(|_| anyhow::anyhow!("device rule {what} {n} is out of range")),
    }
}

/// The rules that can match a device (FIFO rules never do: the device controller sees only char and block).
fn rules(spec: &[LinuxDeviceCgroup]) -> Result<Vec<Rule>> {
    let mut out = Vec::new();
    for r in spec {
        let kind = match r.typ().unwrap_or(LinuxDeviceType::A) {
            LinuxDeviceType::A => None,
            LinuxDeviceType::B => Some(DEV_BLOCK),
            LinuxDeviceType::C | LinuxDeviceType::U => Some(DEV_CHAR),
            LinuxDeviceType::P => continue,
        };
        out.push(Rule {
            allow: r.allow(),
            kind,
            major: number("major", r.major())?,
            minor: number("minor", r.minor())?,
            access: access_bits(r.access().as_deref())?,
        });
    }
    Ok(out)
}

/// Compiles the rules into a program. Rules are tested last first, so the last matching rule decides, as the
/// v1 controller's exception list does when the rules are written in order (a `deny a` rule clears what came
/// before it). An allow rule matches when it grants every requested access (v1 `match_exception` needs one
/// exception covering the whole request); a deny rule matches when it names any requested access, so a deny
/// of `w` also refuses an open for `rw`. Nothing matching means allow, as on v1 (see the end of the program).
pub fn compile(spec: &[LinuxDeviceCgroup]) -> Result<Vec<Insn>> {
    let mut p = vec![
        insn(LDX_MEM_W, R2, R1, 0, 0),
        insn(ALU32_AND_K, R2, 0, 0, 0xffff),
        insn(LDX_MEM_W, R3, R1, 0, 0),
        insn(ALU32_RSH_K, R3, 0, 0, 16),
        insn(LDX_MEM_W, R4, R1, 4, 0),
        insn(LDX_MEM_W, R5, R1, 8, 0),
    ];
    for r in rules(spec)?.iter().rev() {
        // Each test jumps over the rest of this rule's block when it does not match.
        let mut tests: Vec<Vec<Insn>> = Vec::new();
        if let Some(k) = r.kind {
            tests.push(vec![insn(JMP_JNE_K, R2, 0, 0, k)]);
        }
        let all = ACC_MKNOD | ACC_READ | ACC_WRITE;
        if r.access & all != all {
            let skip = if r.allow {
                // (access & rule) != access: something requested is not granted.
                insn(JMP_JNE_X, R1, R3, 0, 0)
            } else {
                // (access & rule) == 0: nothing requested is denied by this rule.
                insn(JMP_JEQ_K, R1, 0, 0, 0)
            };
            tests.push(vec![
                insn(ALU64_MOV_X, R1, R3, 0, 0),
                insn(ALU32_AND_K, R1, 0, 0, r.access),
                skip,
            ]);
        }
        if let Some(m) = r.major {
            tests.push(vec![insn(JMP_JNE_K, R4, 0, 0, m)]);
        }
        if let Some(m) = r.minor {
            tests.push(vec![insn(JMP_JNE_K, R5, 0, 0, m)]);
        }
        let unconditional = tests.is_empty();
        let mut block: Vec<Insn> = tests.into_iter().flatten().collect();
        block.push(insn(ALU64_MOV_K, R0, 0, 0, i32::from(r.allow)));
        block.push(insn(JMP_EXIT, 0, 0, 0, 0));
        let len = block.len();
        for (i, ins) in block.iter_mut().enumerate() {
            if matches!(ins.code, JMP_JNE_K | JMP_JNE_X | JMP_JEQ_K) {
                ins.off = i16::try_from(len - i - 1).context("device rule block too long")?;
            }
        }
        p.extend(block);
        if unconditional {
            // Rules before a catch-all can never decide; the verifier also refuses unreachable code.
            return Ok(p);
        }
    }
    // No rule matched: allow, as a new v1 devices cgroup does (it starts with its parent's allow-all until a
    // `deny a` rule, docker's first, makes it a whitelist). An empty list therefore restricts nothing, as on v1.
    p.push(insn(ALU64_MOV_K, R0, 0, 0, 1));
    p.push(insn(JMP_EXIT, 0, 0, 0, 0));
    Ok(p)
}

fn bpf<T>(cmd: libc::c_long, attr: &mut T) -> std::io::Result<libc::c_long> {
    // SAFETY: bpf(2) with a command and a pointer to a properly laid out, initialised attribute struct we own
    // (every field the kernel reads is set; size is that of the struct, the kernel zero-extends the rest).
    let rc = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            cmd,
            attr as *mut T as *mut libc::c_void,
            std::mem::size_of::<T>(),
        )
    };
    if rc < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

fn owned(fd: libc::c_long) -> OwnedFd {
    // SAFETY: the kernel just returned this fd to us and nothing else owns it.
    unsafe { OwnedFd::from_raw_fd(fd as RawFd) }
}

#[repr(C)]
#[derive(Default)]
struct ProgLoadAttr {
    prog_type: u32,
    insn_cnt: u32,
    insns: u64,
    license: u64,
    log_level: u32,
    log_size: u32,
    log_buf: u64,
    kern_version: u32,
    prog_flags: u32,
    prog_name: [u8; 16],
    prog_ifindex: u32,
    expected_attach_type: u32,
}

/// Loads a device program. On refusal the error carries the verifier's log.
pub fn load(prog: &[Insn]) -> Result<OwnedFd> {
    let license = c"Apache-2.0";
    let mut name = [0u8; 16];
    name[..12].copy_from_slice(b"berth_device");
    let mut attr = ProgLoadAttr {
        prog_type: BPF_PROG_TYPE_CGROUP_DEVICE,
        insn_cnt: u32::try_from(prog.len()).context("device program too long")?,
        insns: prog.as_ptr() as u64,
        license: license.as_ptr() as u64,
        prog_name: name,
        expected_attach_type: BPF_CGROUP_DEVICE,
        ..Default::default()
    };
    match bpf(BPF_PROG_LOAD, &mut attr) {
        Ok(fd) => Ok(owned(fd)),
        Err(e) => {
            // Load again with the log on, so the error says why (the first try skips the cost of logging).
            let mut log = vec![0u8; 256 * 1024];
            attr.log_level = 1;
            attr.log_size = log.len() as u32;
            attr.log_buf = log.as_mut_ptr() as u64;
            let again = bpf(BPF_PROG_LOAD, &mut attr);
            if let Ok(fd) = again {
                return Ok(owned(fd));
            }
            let end = log.iter().position(|b| *b == 0).unwrap_or(log.len());
            let text = String::from_utf8_lossy(&log[..end]);
            let text = text.trim();
            if text.is_empty() {
                Err(e).context("loading the cgroup device program (bpf BPF_PROG_LOAD)")
            } else {
                Err(e).with_context(|| {
                    format!(
                        "loading the cgroup device program (bpf BPF_PROG_LOAD); verifier log:\n{text}"
                    )
                })
            }
        }
    }
}

#[repr(C)]
#[derive(Default)]
struct AttachAttr {
    target_fd: u32,
    attach_bpf_fd: u32,
    attach_type: u32,
    attach_flags: u32,
    replace_bpf_fd: u32,
}

#[repr(C)]
#[derive(Default)]
struct QueryAttr {
    target_fd: u32,
    attach_type: u32,
    query_flags: u32,
    attach_flags: u32,
    prog_ids: u64,
    prog_cnt: u32,
    _pad: u32,
}

#[repr(C)]
#[derive(Default)]
struct GetFdAttr {
    prog_id: u32,
    next_id: u32,
    open_flags: u32,
}

fn open_cgroup(dir: &Path) -> Result<OwnedFd> {
    let c = CString::new(dir.as_os_str().as_bytes()).context("cgroup path contains a NUL byte")?;
    // SAFETY: open(2) with a valid C string; the result is checked.
    let fd = unsafe {
        libc::open(
            c.as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(std::io::Error::last_os_error())
            .with_context(|| format!("opening cgroup {}", dir.display()));
    }
    Ok(owned(fd as libc::c_long))
}

fn query(cgroup: RawFd) -> std::io::Result<Vec<u32>> {
    let mut ids = vec![0u32; 64];
    let mut attr = QueryAttr {
        target_fd: cgroup as u32,
        attach_type: BPF_CGROUP_DEVICE,
        prog_ids: ids.as_mut_ptr() as u64,
        prog_cnt: ids.len() as u32,
        ..Default::default()
    };
    bpf(BPF_PROG_QUERY, &mut attr)?;
    ids.truncate(attr.prog_cnt as usize);
    Ok(ids)
}

/// Ids of the device programs attached to the cgroup directory itself (not its ancestors').
pub fn attached(dir: &Path) -> Result<Vec<u32>> {
    let cg = open_cgroup(dir)?;
    query(cg.as_raw_fd()).with_context(|| {
        format!(
            "querying the device programs of cgroup {} (bpf BPF_PROG_QUERY)",
            dir.display()
        )
    })
}

fn prog_fd(id: u32) -> std::io::Result<OwnedFd> {
    let mut attr = GetFdAttr {
        prog_id: id,
        ..Default::default()
    };
    bpf(BPF_PROG_GET_FD_BY_ID, &mut attr).map(owned)
}

/// Compiles `spec`, loads it and attaches it to the v2 cgroup `dir`, replacing the device programs attached
/// there before (`BPF_F_REPLACE` when there is one, else attach then detach the old ones). The cgroup holds
/// the program: it is released when the cgroup is removed.
pub fn apply(dir: &Path, spec: &[LinuxDeviceCgroup]) -> Result<()> {
    let prog = load(&compile(spec)?)?;
    let cg = open_cgroup(dir)?;
    let ctx = || {
        format!(
            "attaching the device program to cgroup {} (bpf BPF_PROG_ATTACH)",
            dir.display()
        )
    };
    let old = query(cg.as_raw_fd()).with_context(ctx)?;
    let mut attr = AttachAttr {
        target_fd: cg.as_raw_fd() as u32,
        attach_bpf_fd: prog.as_raw_fd() as u32,
        attach_type: BPF_CGROUP_DEVICE,
        attach_flags: BPF_F_ALLOW_MULTI,
        ..Default::default()
    };
    let mut replaced = false;
    if let [one] = old.as_slice()
        && let Ok(old_fd) = prog_fd(*one)
    {
        attr.attach_flags |= BPF_F_REPLACE;
        attr.replace_bpf_fd = old_fd.as_raw_fd() as u32;
        // EINVAL on kernels before 5.6 (no BPF_F_REPLACE): fall back to attach, then detach.
        replaced = bpf(BPF_PROG_ATTACH, &mut attr).is_ok();
        attr.attach_flags = BPF_F_ALLOW_MULTI;
        attr.replace_bpf_fd = 0;
    }
    if !replaced {
        bpf(BPF_PROG_ATTACH, &mut attr).with_context(ctx)?;
        for id in old {
            let Ok(fd) = prog_fd(id) else { continue };
            let mut d = AttachAttr {
                target_fd: cg.as_raw_fd() as u32,
                attach_bpf_fd: fd.as_raw_fd() as u32,
                attach_type: BPF_CGROUP_DEVICE,
                ..Default::default()
            };
            bpf(BPF_PROG_DETACH, &mut d).with_context(|| {
                format!(
                    "detaching the previous device program {id} from cgroup {}",
                    dir.display()
                )
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use oci_spec::runtime::LinuxDeviceCgroupBuilder;

    fn rule(
        allow: bool,
        t: Option<LinuxDeviceType>,
        maj: Option<i64>,
        min: Option<i64>,
        a: &str,
    ) -> LinuxDeviceCgroup {
        let mut b = LinuxDeviceCgroupBuilder::default().allow(allow).access(a);
        if let Some(t) = t {
            b = b.typ(t);
        }
        if let Some(m) = maj {
            b = b.major(m);
        }
        if let Some(m) = min {
            b = b.minor(m);
        }
        b.build().unwrap()
    }

    /// docker's default list, as `spec::resources` writes it.
    fn docker_default() -> Vec<LinuxDeviceCgroup> {
        use LinuxDeviceType::C;
        let mut v = vec![
            rule(false, None, None, None, "rwm"),
            rule(true, Some(C), None, None, "m"),
            rule(true, Some(LinuxDeviceType::B), None, None, "m"),
        ];
        for (maj, min) in [(1, 3), (1, 8), (1, 7), (5, 0), (1, 5), (1, 9), (5, 2)] {
            v.push(rule(true, Some(C), Some(maj), Some(min), "rwm"));
        }
        v.push(rule(true, Some(C), Some(136), None, "rwm"));
        v
    }

    /// Runs the program the way the kernel would, for the instructions `compile` emits.
    fn run(p: &[Insn], kind: i32, access: i32, major: i32, minor: i32) -> u64 {
        let ctx = [((access << 16) | kind) as u32, major as u32, minor as u32];
        let mut r = [0u64; 11];
        let mut pc = 0usize;
        loop {
            let i = p[pc];
            let (dst, src) = ((i.regs & 0x0f) as usize, (i.regs >> 4) as usize);
            let jump = |cond: bool, pc: &mut usize| {
                if cond {
                    *pc = (*pc as isize + i.off as isize) as usize;
                }
            };
            match i.code {
                LDX_MEM_W => r[dst] = u64::from(ctx[(i.off / 4) as usize]),
                ALU32_AND_K => r[dst] = u64::from((r[dst] as u32) & (i.imm as u32)),
                ALU32_RSH_K => r[dst] = u64::from((r[dst] as u32) >> i.imm),
                ALU64_MOV_K => r[dst] = i.imm as i64 as u64,
                ALU64_MOV_X => r[dst] = r[src],
                JMP_JEQ_K => jump(r[dst] == i.imm as i64 as u64, &mut pc),
                JMP_JNE_K => jump(r[dst] != i.imm as i64 as u64, &mut pc),
                JMP_JNE_X => jump(r[dst] != r[src], &mut pc),
                JMP_EXIT => return r[0],
                other => panic!("unexpected opcode {other:#x}"),
            }
            pc += 1;
        }
    }

    const RW: i32 = ACC_READ | ACC_WRITE;

    #[test]
    fn docker_default_rules_allow_the_standard_nodes_and_deny_disks_and_memory() {
        let p = compile(&docker_default()).unwrap();
        assert_eq!(run(&p, DEV_CHAR, RW, 1, 3), 1, "/dev/null");
        assert_eq!(run(&p, DEV_CHAR, ACC_READ, 1, 9), 1, "/dev/urandom");
        assert_eq!(run(&p, DEV_CHAR, RW, 136, 4), 1, "/dev/pts/4");
        assert_eq!(run(&p, DEV_CHAR, RW, 5, 2), 1, "/dev/ptmx");
        assert_eq!(run(&p, DEV_BLOCK, ACC_READ, 8, 0), 0, "/dev/sda");
        assert_eq!(run(&p, DEV_CHAR, ACC_READ, 1, 1), 0, "/dev/mem");
        assert_eq!(run(&p, DEV_CHAR, ACC_READ, 1, 11), 0, "/dev/kmsg");
        assert_eq!(run(&p, DEV_CHAR, RW, 10, 229), 0, "/dev/fuse");
        // mknod of anything is allowed (docker's `c *:* m`, `b *:* m`), opening it is not.
        assert_eq!(run(&p, DEV_BLOCK, ACC_MKNOD, 8, 0), 1);
        assert_eq!(run(&p, DEV_BLOCK, ACC_MKNOD | ACC_READ, 8, 0), 0);
    }

    #[test]
    fn the_last_matching_rule_wins_and_deny_matches_any_requested_access() {
        use LinuxDeviceType::C;
        let rules = vec![
            rule(false, None, None, None, "rwm"),
            rule(true, Some(C), Some(10), Some(229), "rw"),
            rule(false, Some(C), Some(10), Some(229), "w"),
        ];
        let p = compile(&rules).unwrap();
        assert_eq!(run(&p, DEV_CHAR, ACC_READ, 10, 229), 1);
        assert_eq!(run(&p, DEV_CHAR, ACC_WRITE, 10, 229), 0);
        assert_eq!(run(&p, DEV_CHAR, RW, 10, 229), 0);
        // An allow rule must cover the whole request.
        let p = compile(&rules[..2]).unwrap();
        assert_eq!(run(&p, DEV_CHAR, RW, 10, 229), 1);
        assert_eq!(run(&p, DEV_CHAR, RW | ACC_MKNOD, 10, 229), 0);
    }

    #[test]
    fn privileged_allows_everything_and_no_rules_restrict_nothing_as_on_v1() {
        let p = compile(&[rule(true, None, None, None, "rwm")]).unwrap();
        assert_eq!(run(&p, DEV_BLOCK, RW, 8, 0), 1);
        // oci-spec's default resources carry an empty list; v1 then writes nothing and allows everything.
        let p = compile(&[]).unwrap();
        assert_eq!(run(&p, DEV_CHAR, ACC_MKNOD, 1, 3), 1);
        assert_eq!(run(&p, DEV_BLOCK, RW, 8, 0), 1);
        // Without a leading deny-all, only what is denied is refused.
        let p = compile(&[rule(
            false,
            Some(LinuxDeviceType::C),
            Some(1),
            Some(1),
            "rwm",
        )])
        .unwrap();
        assert_eq!(run(&p, DEV_CHAR, ACC_READ, 1, 1), 0);
        assert_eq!(run(&p, DEV_CHAR, ACC_READ, 1, 3), 1);
        // A catch-all after other rules makes them unreachable: they are not emitted.
        let p = compile(&[
            rule(true, None, Some(1), Some(3), "rwm"),
            rule(false, None, None, None, ""),
        ])
        .unwrap();
        assert_eq!(p.len(), 8);
        assert_eq!(run(&p, DEV_CHAR, ACC_READ, 1, 3), 0);
    }

    #[test]
    fn bad_access_letters_are_refused() {
        let e = compile(&[rule(true, None, None, None, "rx")]).unwrap_err();
        assert!(format!("{e:#}").contains("unknown permission 'x'"), "{e:#}");
    }

    #[test]
    fn the_kernel_verifier_accepts_the_compiled_programs() {
        // Root only: loading any cgroup program needs CAP_BPF or CAP_SYS_ADMIN (CI runs as root).
        assert!(
            nix::unistd::geteuid().is_root(),
            "this test loads eBPF programs and needs root"
        );
        for rules in [
            docker_default(),
            vec![rule(true, None, None, None, "rwm")],
            vec![],
        ] {
            load(&compile(&rules).unwrap()).unwrap();
        }
    }

    #[test]
    fn a_refused_program_reports_the_verifier_log() {
        assert!(
            nix::unistd::geteuid().is_root(),
            "this test loads eBPF programs and needs root"
        );
        // Reads r0 before anything wrote it.
        let bad = [insn(ALU64_MOV_X, R1, R0, 0, 0), insn(JMP_EXIT, 0, 0, 0, 0)];
        let e = load(&bad).unwrap_err();
        let msg = format!("{e:#}");
        assert!(msg.contains("verifier log"), "{msg}");
        assert!(msg.contains("R0 !read_ok"), "{msg}");
    }
}
