//! The sealed binary: defence against CVE-2019-5736 (a container overwriting the host runtime through
//! /proc/<pid>/exe of a runtime process that joined its namespaces).
//!
//! Owns re-executing berth from a sealed memfd copy of itself, as runc does since 0a8e4117e (now
//! `libcontainer/exeseal`) and youki with `pentacle::ensure_sealed()` (`crates/youki/src/main.rs`).
//! After [`ensure_sealed`], /proc/self/exe is a memfd with F_SEAL_WRITE|SHRINK|GROW|SEAL: a container that
//! reaches it can neither write it nor reach the on-disk binary's inode.
//! Also owns the check that keeps a container's init from executing the runtime's own binary
//! ([`runs_own_binary`], [`is_own_binary`]; docs/security.md F1): a payload naming it (`/proc/self/exe`, a
//! link, a script or ELF whose interpreter it is) is refused, as runc's and crun's launchers never run it.
//! Depends on std and libc only. Invariant: `is_sealed()` is true only for a memfd carrying all four seals.

use std::ffi::{CString, OsString};
use std::fs::File;
use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd};
use std::os::unix::ffi::OsStringExt;
use std::sync::atomic::{AtomicI32, Ordering};

use anyhow::{Context, Result, bail};

const SEALS: libc::c_int =
    libc::F_SEAL_SEAL | libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_WRITE;

/// True when the running binary is a memfd carrying all the seals.
pub fn is_sealed() -> bool {
    let Ok(f) = File::open("/proc/self/exe") else {
        return false;
    };
    // SAFETY: fcntl on an fd we own; F_GET_SEALS takes no pointer.
    let seals = unsafe { libc::fcntl(f.as_raw_fd(), libc::F_GET_SEALS) };
    seals >= 0 && seals & SEALS == SEALS
}

/// Re-executes the current process from a sealed in-memory copy of its binary, with the same arguments and
/// environment, unless it already runs from one. Returns only when already sealed (or on error).
/// Call it first thing in `main`, before threads exist (execve would kill them anyway).
pub fn ensure_sealed() -> Result<()> {
    ensure_sealed_without(&[])
}

/// The command line a process that was forked rather than executed (`run`'s monitor) stands for: what
/// [`ensure_sealed`] re-executes it with instead of its argument strings (written over by its title).
static OWN_ARGS: std::sync::OnceLock<Vec<OsString>> = std::sync::OnceLock::new();

/// Sets this process's command line for [`ensure_sealed`] (see [`OWN_ARGS`]); the first call wins.
pub fn set_own_args(args: Vec<OsString>) {
    let _ = OWN_ARGS.set(args);
}

/// As [`ensure_sealed`], re-executing without the arguments equal to one of `dropped`: flags whose effect
/// the first execution already consumed (the monitor's `--wait-go`: its pipe was read and closed).
pub fn ensure_sealed_without(dropped: &[&str]) -> Result<()> {
    if is_sealed() {
        sealed_from();
        return Ok(());
    }
    let src = File::open("/proc/self/exe").context("opening /proc/self/exe")?;
    let mem = sealed_copy(&src)?;
    let own = OWN_ARGS.get().cloned();
    let args: Vec<CString> = own
        .unwrap_or_else(|| std::env::args_os().collect())
        .into_iter()
        .filter(|a| !dropped.iter().any(|d| a.as_os_str() == *d))
        .map(cstring)
        .collect::<Result<_>>()?;
    let from = src.metadata().ok().and_then(file_id);
    let env: Vec<CString> = std::env::vars_os()
        .filter(|(k, _)| k != SEALED_FROM)
        .chain(from.map(|(dev, ino)| (SEALED_FROM.into(), format!("{dev}:{ino}").into())))
        .map(|(k, v)| {
            let mut kv = k;
            kv.push("=");
            kv.push(v);
            cstring(kv)
        })
        .collect::<Result<_>>()?;
    let mut argv: Vec<*const libc::c_char> = args.iter().map(|a| a.as_ptr()).collect();
    argv.push(std::ptr::null());
    let mut envp: Vec<*const libc::c_char> = env.iter().map(|a| a.as_ptr()).collect();
    envp.push(std::ptr::null());
    // SAFETY: execveat with AT_EMPTY_PATH on our memfd; argv and envp are NULL-terminated arrays of pointers
    // into CStrings that outlive the call (it only returns on failure).
    unsafe {
        libc::syscall(
            libc::SYS_execveat,
            mem.as_raw_fd(),
            c"".as_ptr(),
            argv.as_ptr(),
            envp.as_ptr(),
            libc::AT_EMPTY_PATH,
        )
    };
    Err(std::io::Error::last_os_error())
        .context("re-executing from the sealed memfd copy of the binary")
}

/// A memfd holding a copy of `src` (read from its start), with all the seals.
fn sealed_copy(src: &File) -> Result<File> {
    let len = src
        .metadata()
        .context("reading the size of the binary")?
        .len();
    // SAFETY: memfd_create with a static name; the returned fd is checked and then owned by a File.
    let fd = unsafe {
        libc::memfd_create(
            c"berth".as_ptr(),
            libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING,
        )
    };
    if fd < 0 {
        return Err(std::io::Error::last_os_error())
            .context("memfd_create for the sealed binary copy");
    }
    // SAFETY: fd was just returned by memfd_create and is owned by nobody else.
    let mem = unsafe { File::from_raw_fd(fd) };
    let mut copied: u64 = 0;
    while copied < len {
        // SAFETY: sendfile between two fds we own, with a null offset (uses the file positions).
        let n = unsafe {
            libc::sendfile(
                mem.as_raw_fd(),
                src.as_raw_fd(),
                std::ptr::null_mut(),
                (len - copied) as usize,
            )
        };
        if n < 0 {
            return Err(std::io::Error::last_os_error())
                .context("copying the binary into the memfd");
        }
        if n == 0 {
            bail!("the binary shrank while being copied into the memfd");
        }
        copied += n as u64;
    }
    // F_SEAL_WRITE fails with EBUSY while anything in the kernel holds a page of the file (the kernel waits
    // ~150 ms for it first): seen once in a test run on a loaded two-core machine, where page scanners
    // (DAMON, compaction) take such references for a moment. Nothing else can reach this fresh memfd, so
    // trying again a little later is safe; a lasting pin still fails after about a second.
    let mut tries = 0;
    loop {
        // SAFETY: fcntl F_ADD_SEALS on our memfd with an integer argument.
        if unsafe { libc::fcntl(mem.as_raw_fd(), libc::F_ADD_SEALS, SEALS) } == 0 {
            return Ok(mem);
        }
        let e = std::io::Error::last_os_error();
        tries += 1;
        if e.raw_os_error() != Some(libc::EBUSY) || tries >= 5 {
            return Err(e).context("sealing the memfd copy of the binary");
        }
        std::thread::sleep(std::time::Duration::from_millis(50 * tries));
    }
}

fn cstring(s: OsString) -> Result<CString> {
    CString::new(s.into_vec()).context("argument or environment entry contains a NUL byte")
}

/// A payload that may be berth's own binary (with the static reaper, [`is_static_reaper`]): the pod infra's pause process (`<berth> internal
/// pause`, engine::pod), which holds the pod's namespaces and is PID 1 of a pod sharing its PID namespace.
/// It runs from a sealed copy ([`exec_sealed_copy`]), never from the on-disk file.
pub(crate) fn is_pod_pause(args: &[String]) -> bool {
    args.len() == 3 && args[1] == "internal" && args[2] == "pause"
}

/// docker's `--init` as engine::container::pod_member::add_init writes it for a dynamically linked berth:
/// `<loader> --library-path <dir> <berth> internal init -- CMD...`, berth run by the host's dynamic loader
/// (bound into the container with berth's libraries). The loader maps berth from a sealed copy instead
/// ([`seal_reaper_args`]).
pub(crate) fn is_init_reaper(args: &[String]) -> bool {
    args.len() >= 7
        && args[1] == "--library-path"
        && args[4] == "internal"
        && args[5] == "init"
        && args[6] == "--"
}

/// docker's `--init` as add_init writes it for a statically linked berth: `<berth> internal init --
/// CMD...`. Like the pod's pause, it needs no loader and runs from the sealed copy ([`exec_sealed_copy`]).
pub(crate) fn is_static_reaper(args: &[String]) -> bool {
    args.len() >= 4 && args[1] == "internal" && args[2] == "init" && args[3] == "--"
}

/// The payloads that are berth itself and run from the sealed copy when their path is berth's binary:
/// the pod's pause and the static build's `--init` reaper (docs/security.md F1).
pub(crate) fn runs_from_sealed_copy(args: &[String]) -> bool {
    is_pod_pause(args) || is_static_reaper(args)
}

/// The sealed copy of berth a container's berth process runs from (the pod's pause, the `--init`
/// reaper), made by the container's monitor ([`prepare_sealed_self`]) and inherited by the init it forks;
/// -1 when none was made.
static SEALED_SELF: AtomicI32 = AtomicI32::new(-1);

/// For the monitor of a container whose payload (`args`) is a berth process (the pod's pause, the `--init`
/// reaper), before the launch: makes the sealed copy it will run from. Made here, its pages are charged
/// to the monitor's memory cgroup, not to the container's, whose `--memory` would otherwise have to hold
/// the whole binary. Kept for relaunches.
pub fn prepare_sealed_self(args: &[String]) -> Result<()> {
    sealed_from();
    if !(runs_from_sealed_copy(args) || is_init_reaper(args))
        || SEALED_SELF.load(Ordering::Relaxed) >= 0
    {
        return Ok(());
    }
    let src = File::open("/proc/self/exe").context("opening /proc/self/exe")?;
    let mem = sealed_copy(&src).context("making the sealed copy of berth for the container")?;
    SEALED_SELF.store(mem.into_raw_fd(), Ordering::Relaxed);
    Ok(())
}

/// For the `--init` reaper's args whose berth path is the runtime's own binary: the same args with that
/// path replaced by `/proc/self/fd/N`, N an inherited descriptor of the monitor's sealed copy (the loader
/// opens it by that path; the reaper marks it close-on-exec for CMD). None when `args` are not the
/// reaper's, or no copy was made (the caller then runs them as they are).
pub(crate) fn seal_reaper_args(args: &[String]) -> Option<Vec<String>> {
    let copy = SEALED_SELF.load(Ordering::Relaxed);
    if copy < 0 || !is_init_reaper(args) || !is_own_binary_path(std::path::Path::new(&args[3])) {
        return None;
    }
    // SAFETY: F_DUPFD on the monitor's memfd, which stays open; the duplicate is not close-on-exec, so
    // the loader inherits it.
    let inherited = unsafe { libc::fcntl(copy, libc::F_DUPFD, 3) };
    if inherited < 0 {
        return None;
    }
    let mut sealed = args.to_vec();
    sealed[3] = format!("/proc/self/fd/{inherited}");
    Some(sealed)
}

/// Executes a sealed memfd copy of the open file `f` (an O_PATH fd will do; the monitor's copy when it
/// made one) with `argv` and `envp` (NULL-terminated); returns only on failure. The container then
/// reaches the copy, never the file.
pub(crate) fn exec_sealed_copy(
    f: &File,
    argv: &[*const libc::c_char],
    envp: &[*const libc::c_char],
) -> std::io::Error {
    // The monitor's copy is open (close-on-exec) for as long as the monitor lives: used as is.
    let made = SEALED_SELF.load(Ordering::Relaxed);
    let mut own_copy = None;
    let fd = if made >= 0 {
        made
    } else {
        let copy = File::open(format!("/proc/self/fd/{}", f.as_raw_fd()))
            .map_err(anyhow::Error::from)
            .and_then(|src| sealed_copy(&src));
        match copy {
            Ok(m) => own_copy.insert(m).as_raw_fd(),
            Err(e) => {
                return e
                    .downcast::<std::io::Error>()
                    .unwrap_or_else(|_| std::io::Error::from_raw_os_error(libc::EIO));
            }
        }
    };
    // SAFETY: execveat with AT_EMPTY_PATH on our memfd; argv and envp are NULL-terminated arrays of
    // pointers the caller keeps alive; returns only on failure.
    unsafe {
        libc::syscall(
            libc::SYS_execveat,
            fd,
            c"".as_ptr(),
            argv.as_ptr(),
            envp.as_ptr(),
            libc::AT_EMPTY_PATH,
        )
    };
    std::io::Error::last_os_error()
}

/// The identity (st_dev, st_ino) of a file.
type FileId = (u64, u64);

/// Set by [`ensure_sealed_without`] for the sealed process: `<st_dev>:<st_ino>` of the on-disk binary it
/// was copied from. A sealed monitor forks the container's init, whose /proc/self/exe is then the memfd:
/// the on-disk binary bound into the container (`--init`) must still be known as berth's own.
const SEALED_FROM: &str = "_BERTH_SEALED_FROM";

/// [`SEALED_FROM`], read once: the container's init scrubs its environment before it resolves the payload
/// (runtime::stage), so the monitor reads it first ([`ensure_sealed_without`], [`prepare_sealed_self`]).
fn sealed_from() -> Option<FileId> {
    static FROM: std::sync::OnceLock<Option<FileId>> = std::sync::OnceLock::new();
    *FROM.get_or_init(|| {
        let v = std::env::var(SEALED_FROM).ok()?;
        let (dev, ino) = v.split_once(':')?;
        Some((dev.parse().ok()?, ino.parse().ok()?))
    })
}

/// The identities of the running binary and, when it is a sealed copy, of the on-disk binary it was copied
/// from, through a verified procfs (a /proc the image provides is no witness). Empty when no procfs is
/// mounted at /proc: then the container cannot name the running binary through a magic link either.
fn own_binary() -> Vec<FileId> {
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: statfs with a static C string and a buffer we own.
    if unsafe { libc::statfs(c"/proc".as_ptr(), &mut st) } != 0
        || st.f_type != libc::PROC_SUPER_MAGIC
    {
        return Vec::new();
    }
    let mut own: Vec<FileId> = std::fs::metadata("/proc/self/exe")
        .ok()
        .and_then(file_id)
        .into_iter()
        .collect();
    if let Some(from) = sealed_from().filter(|_| !own.is_empty() && is_sealed()) {
        own.push(from);
    }
    own
}

fn file_id(md: std::fs::Metadata) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    Some((md.dev(), md.ino()))
}

/// True when running `path` would run the runtime's own binary (docs/security.md F1, CVE-2019-5736): the
/// path is that binary, or the kernel would load it as the script interpreter (`#!/proc/self/exe`) or as
/// the ELF interpreter (PT_INTERP), following chains as deep as the kernel does. A container must never
/// get a process whose /proc/<pid>/exe or mappings are the host's on-disk runtime.
pub(crate) fn runs_own_binary(path: &std::path::Path) -> bool {
    let own = own_binary();
    !own.is_empty() && reaches(path, &own, 0)
}

/// True when `path` is the runtime's own binary itself (no interpreter followed).
pub(crate) fn is_own_binary_path(path: &std::path::Path) -> bool {
    let own = std::fs::metadata(path).ok().and_then(file_id);
    own.is_some_and(|id| own_binary().contains(&id))
}

/// True when the open file `f` is the runtime's own binary (the check repeated on the fd that is executed).
pub(crate) fn is_own_binary(f: &File) -> bool {
    let own = f.metadata().ok().and_then(file_id);
    own.is_some_and(|id| own_binary().contains(&id))
}

/// binfmt_script's and binfmt_elf's recursion: the kernel follows at most 5 interpreters.
const MAX_INTERPRETERS: u32 = 5;

fn reaches(path: &std::path::Path, own: &[FileId], depth: u32) -> bool {
    if depth > MAX_INTERPRETERS {
        return false;
    }
    let Ok(md) = std::fs::metadata(path) else {
        return false;
    };
    if file_id(md.clone()).is_some_and(|id| own.contains(&id)) {
        return true;
    }
    // Only a regular file is executed (and opening a fifo could block).
    if !md.is_file() {
        return false;
    }
    // A file the caller cannot read is passed over: the caller is then not uid 0 (whose capabilities are
    // all still effective when the init resolves its payload), so it could not write the host's binary
    // through any process it reached.
    let Ok(f) = File::open(path) else {
        return false;
    };
    if f.metadata().ok().and_then(file_id) != file_id(md) {
        return false;
    }
    match interpreter(&f) {
        Some(interp) => reaches(&interp, own, depth + 1),
        None => false,
    }
}

/// The interpreter the kernel would load for the file: a script's `#!` path or an ELF's PT_INTERP.
fn interpreter(f: &File) -> Option<std::path::PathBuf> {
    use std::os::unix::fs::FileExt;
    let mut head = [0u8; 256];
    let n = f.read_at(&mut head, 0).ok()?;
    let head = &head[..n];
    if let Some(rest) = head.strip_prefix(b"#!") {
        let line = rest.split(|&b| b == b'\n').next()?;
        let word = line
            .split(|&b| b == b' ' || b == b'\t')
            .find(|w| !w.is_empty())?;
        return Some(std::path::PathBuf::from(OsString::from_vec(word.to_vec())));
    }
    elf_interp(f, head)
}

/// PT_INTERP of an ELF file (32 or 64 bit, little or big endian), read from its program headers.
fn elf_interp(f: &File, head: &[u8]) -> Option<std::path::PathBuf> {
    use std::os::unix::fs::FileExt;
    if head.len() < 52 || &head[..4] != b"\x7fELF" {
        return None;
    }
    let wide = head[4] == 2;
    let big = head[5] == 2;
    let u16_at = |b: &[u8], o: usize| -> Option<u64> {
        let v: [u8; 2] = b.get(o..o + 2)?.try_into().ok()?;
        Some(if big {
            u16::from_be_bytes(v)
        } else {
            u16::from_le_bytes(v)
        } as u64)
    };
    let u32_at = |b: &[u8], o: usize| -> Option<u64> {
        let v: [u8; 4] = b.get(o..o + 4)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(v)
        } else {
            u32::from_le_bytes(v)
        } as u64)
    };
    let u64_at = |b: &[u8], o: usize| -> Option<u64> {
        let v: [u8; 8] = b.get(o..o + 8)?.try_into().ok()?;
        Some(if big {
            u64::from_be_bytes(v)
        } else {
            u64::from_le_bytes(v)
        })
    };
    let word = |b: &[u8], o32: usize, o64: usize| {
        if wide { u64_at(b, o64) } else { u32_at(b, o32) }
    };
    let phoff = word(head, 0x1c, 0x20)?;
    let (phentsize, phnum) = if wide {
        (u16_at(head, 0x36)?, u16_at(head, 0x38)?)
    } else {
        (u16_at(head, 0x2a)?, u16_at(head, 0x2c)?)
    };
    let size = phentsize.checked_mul(phnum)?;
    if size == 0 || size > 64 * 1024 {
        return None;
    }
    let mut ph = vec![0u8; size as usize];
    f.read_exact_at(&mut ph, phoff).ok()?;
    for entry in ph.chunks(phentsize as usize) {
        const PT_INTERP: u64 = 3;
        if u32_at(entry, 0)? != PT_INTERP {
            continue;
        }
        let offset = word(entry, 4, 8)?;
        let filesz = word(entry, 16, 32)?;
        if filesz == 0 || filesz > 4096 {
            return None;
        }
        let mut name = vec![0u8; filesz as usize];
        f.read_exact_at(&mut name, offset).ok()?;
        let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
        name.truncate(end);
        return Some(std::path::PathBuf::from(OsString::from_vec(name)));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn interpreter_reads_a_scripts_shebang_and_an_elfs_pt_interp() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("s");
        std::fs::write(&script, b"#!  /proc/self/exe -x\necho\n").unwrap();
        let f = File::open(&script).unwrap();
        assert_eq!(
            interpreter(&f).as_deref(),
            Some(Path::new("/proc/self/exe"))
        );
        // The test binary itself is a dynamically linked ELF: its interpreter is the system's loader.
        let me = File::open("/proc/self/exe").unwrap();
        let interp = interpreter(&me).expect("the test binary has a PT_INTERP");
        assert!(
            interp.is_absolute() && interp.exists(),
            "{}",
            interp.display()
        );
        let plain = dir.path().join("p");
        std::fs::write(&plain, b"just data").unwrap();
        assert_eq!(interpreter(&File::open(&plain).unwrap()), None);
    }

    #[test]
    fn runs_own_binary_follows_links_and_interpreters() {
        let dir = tempfile::tempdir().unwrap();
        assert!(runs_own_binary(Path::new("/proc/self/exe")));
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("/proc/self/exe", &link).unwrap();
        assert!(runs_own_binary(&link));
        let script = dir.path().join("s");
        std::fs::write(&script, format!("#!{}\n", link.display())).unwrap();
        assert!(runs_own_binary(&script));
        assert!(!runs_own_binary(Path::new("/bin/sh")));
        assert!(is_own_binary(&File::open("/proc/self/exe").unwrap()));
        assert!(!is_own_binary(&File::open("/bin/sh").unwrap()));
    }
}
