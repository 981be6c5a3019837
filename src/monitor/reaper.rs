//! docker's `--init` reaper: `berth internal init -- CMD...` ([`run_reaper`]), the container's PID 1 when
//! `run --init` is given (engine::pod::add_init binds berth and its libraries into the container for it,
//! as docker binds docker-init/tini). It starts CMD as its child, forwards every signal to it, reaps every
//! orphan, and exits with CMD's status. Not to be confused with the container's setup (`runtime::init`),
//! which never outlives its execve.
//!
//! Depends on libc only; no allocation after the fork. Invariant: it exits only once CMD has exited, after
//! reaping every child already dead.

/// `berth internal init -- CMD...`: docker's `--init` (tini) made of the same parts. It runs as the
/// container's PID 1, starts CMD as its child, forwards every signal it receives to it, reaps every
/// orphan, and exits with CMD's status (128+signal when CMD was killed) once CMD has exited.
pub fn run_reaper(args: &[String]) -> i32 {
    use std::ffi::CString;
    let Some(prog) = args.first() else {
        eprintln!("berth init: no command given");
        return 125;
    };
    let Ok(cargs) = args
        .iter()
        .map(|a| CString::new(a.as_bytes()))
        .collect::<Result<Vec<_>, _>>()
    else {
        eprintln!("berth init: argument with a NUL byte");
        return 125;
    };
    let mut argv: Vec<*const libc::c_char> = cargs.iter().map(|c| c.as_ptr()).collect();
    argv.push(std::ptr::null());
    let prog_c = &cargs[0];
    // SAFETY: sigset and sigaction values live on the stack; fork is called while single-threaded (the
    // CLI dispatches here before starting any thread) and the child only calls async-signal-safe
    // functions (sigprocmask, execvp, write, _exit) with pointers prepared before the fork; close_range
    // only sets flags on this process's descriptors.
    unsafe {
        libc::prctl(libc::PR_SET_NAME, c"berth-init".as_ptr(), 0, 0, 0);
        // CMD gets 0, 1 and 2 only, as from the container's init: not the descriptor of the sealed copy
        // of berth this process was mapped from (runtime::seal::seal_reaper_args).
        libc::syscall(
            libc::SYS_close_range,
            3u32,
            u32::MAX,
            libc::CLOSE_RANGE_CLOEXEC,
        );
        let mut all: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        let mut old: libc::sigset_t = std::mem::zeroed();
        // Blocked signals are queued for PID 1 even with the default disposition (kernel sig_ignored()).
        libc::sigprocmask(libc::SIG_SETMASK, &all, &mut old);
        let child = libc::fork();
        if child < 0 {
            eprintln!("berth init: fork: {}", std::io::Error::last_os_error());
            return 125;
        }
        if child == 0 {
            libc::sigprocmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
            libc::execvp(prog_c.as_ptr(), argv.as_ptr());
            let err = *libc::__errno_location();
            let msg = b"berth init: cannot run the command\n";
            libc::write(2, msg.as_ptr().cast(), msg.len());
            libc::_exit(if err == libc::ENOENT { 127 } else { 126 });
        }
        let _ = prog;
        loop {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            let sig = libc::sigwaitinfo(&all, &mut info);
            if sig < 0 {
                continue;
            }
            if sig != libc::SIGCHLD {
                libc::kill(child, sig);
                continue;
            }
            loop {
                let mut status = 0;
                let r = libc::waitpid(-1, &mut status, libc::WNOHANG);
                if r <= 0 {
                    break;
                }
                if r == child {
                    // Reap what is already dead, then leave: the kernel kills the rest with PID 1.
                    reap_all();
                    return if libc::WIFEXITED(status) {
                        libc::WEXITSTATUS(status)
                    } else if libc::WIFSIGNALED(status) {
                        128 + libc::WTERMSIG(status)
                    } else {
                        255
                    };
                }
            }
        }
    }
}

/// Waits for every exited child without blocking (SIGCHLD is not queued per child).
pub(super) fn reap_all() {
    loop {
        let mut status = 0;
        // SAFETY: waitpid with a valid status pointer.
        let r = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if r <= 0 {
            break;
        }
    }
}
