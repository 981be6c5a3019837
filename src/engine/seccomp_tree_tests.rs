//! The binary-tree layout berth compiles seccomp filters in (`runtime/seccomp.rs` `Layout::Tree`) decides
//! every call as libseccomp's linear layout does: both programs of docker's default profile run through a small classic-BPF interpreter for every
//! syscall number of x86_64, x32 and i386 (and an architecture the profile does not name), with
//! arguments at zero, all ones and each value the profile's argument rules compare against.

use oci_spec::runtime::LinuxSeccomp;

/// `struct seccomp_data` as the kernel lays it out: nr, arch, instruction pointer, six arguments.
fn data(arch: u32, nr: u32, args: [u64; 6]) -> [u8; 64] {
    let mut d = [0u8; 64];
    d[0..4].copy_from_slice(&nr.to_ne_bytes());
    d[4..8].copy_from_slice(&arch.to_ne_bytes());
    for (i, a) in args.iter().enumerate() {
        d[16 + 8 * i..24 + 8 * i].copy_from_slice(&a.to_ne_bytes());
    }
    d
}

/// Runs a classic BPF program over `d` as the kernel's seccomp would: the filter's return value.
/// Panics on an instruction outside what libseccomp emits, so a new one shows up here.
fn run(prog: &[libc::sock_filter], d: &[u8; 64]) -> u32 {
    let (mut a, mut x, mut mem) = (0u32, 0u32, [0u32; 16]);
    let mut pc = 0usize;
    let word = |k: u32| {
        let k = k as usize;
        u32::from_ne_bytes(d[k..k + 4].try_into().unwrap())
    };
    loop {
        let i = prog[pc];
        pc += 1;
        let (k, op) = (i.k, i.code);
        let src = if op & 0x08 != 0 { x } else { k };
        let jump = |cond: bool| if cond { i.jt as usize } else { i.jf as usize };
        match op & 0x07 {
            // LD
            0x00 => match op {
                0x20 => a = word(k),
                0x60 => a = mem[k as usize],
                0x00 => a = k,
                _ => panic!("ld {op:#x}"),
            },
            // LDX
            0x01 => match op {
                0x61 => x = mem[k as usize],
                0x01 => x = k,
                _ => panic!("ldx {op:#x}"),
            },
            0x02 => mem[k as usize] = a,
            0x03 => mem[k as usize] = x,
            // ALU
            0x04 => {
                a = match op & 0xf0 {
                    0x00 => a.wrapping_add(src),
                    0x10 => a.wrapping_sub(src),
                    0x50 => a & src,
                    0x40 => a | src,
                    0x60 => a << src,
                    0x70 => a >> src,
                    0xa0 => a ^ src,
                    _ => panic!("alu {op:#x}"),
                }
            }
            // JMP
            0x05 => {
                pc += match op & 0xf0 {
                    0x00 => k as usize,
                    0x10 => jump(a == src),
                    0x20 => jump(a > src),
                    0x30 => jump(a >= src),
                    0x40 => jump(a & src != 0),
                    _ => panic!("jmp {op:#x}"),
                }
            }
            0x06 => return if op == 0x16 { a } else { k },
            0x07 => match op {
                0x07 => x = a,
                0x87 => a = x,
                _ => panic!("misc {op:#x}"),
            },
            _ => unreachable!(),
        }
    }
}

#[test]
fn the_tree_filter_decides_every_call_as_the_linear_one() {
    for caps in [&crate::spec::DEFAULT_CAPS[..], &crate::spec::ALL_CAPS[..]] {
        let caps: Vec<String> = caps.iter().map(|c| c.to_string()).collect();
        same_verdicts(&crate::spec::seccomp::default_profile(&caps));
    }
}

fn same_verdicts(profile: &LinuxSeccomp) {
    let [linear, tree] = crate::runtime::seccomp_programs_for_test(profile);
    assert_ne!(
        linear.iter().map(|i| (i.code, i.k)).collect::<Vec<_>>(),
        tree.iter().map(|i| (i.code, i.k)).collect::<Vec<_>>(),
        "libseccomp built the same program twice: the tree layout is not in use"
    );
    // Argument values worth trying: the extremes and every datum an argument rule compares against
    // (and its neighbours), at its argument's index.
    let mut arg_sets = vec![[0u64; 6], [u64::MAX; 6]];
    for rule in profile.syscalls().iter().flatten() {
        for c in rule.args().iter().flatten() {
            for v in [
                c.value(),
                c.value().wrapping_add(1),
                c.value().wrapping_sub(1),
            ] {
                let mut args = [0u64; 6];
                args[c.index()] = v;
                arg_sets.push(args);
            }
        }
    }
    const X86_64: u32 = 0xc000_003e;
    const I386: u32 = 0x4000_0003;
    const AARCH64: u32 = 0xc000_00b7;
    const X32_BIT: u32 = 0x4000_0000;
    let mut calls = Vec::new();
    for nr in 0..600 {
        calls.push((X86_64, nr));
        calls.push((X86_64, nr | X32_BIT));
        calls.push((I386, nr));
        calls.push((AARCH64, nr));
    }
    calls.push((X86_64, u32::MAX));
    let mut allowed = 0;
    for (arch, nr) in calls {
        for args in &arg_sets {
            let d = data(arch, nr, *args);
            let (l, t) = (run(&linear, &d), run(&tree, &d));
            assert_eq!(
                l, t,
                "arch {arch:#x} nr {nr} args {args:?}: linear {l:#x}, tree {t:#x}"
            );
            allowed += usize::from(l == libc::SECCOMP_RET_ALLOW);
        }
    }
    // The comparison is between real verdicts, not two programs that refuse everything.
    assert!(allowed > 1000, "{allowed} allowed calls");
}
