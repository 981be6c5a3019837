//! The pod's infra ("pause") process: `berth internal pause`, run inside the pod's namespaces as the infra
//! container's payload. It holds the namespaces (a namespace lives while a process is in it), reaps every
//! child it is given, and exits 0 on SIGINT or SIGTERM, as Kubernetes' pause (kubernetes
//! `build/pause/linux/pause.c`) and podman's `catatonit -P` do.
//!
//! When the pod shares its PID namespace, this process is PID 1 there, so the kernel re-parents every
//! orphan of every member to it: reaping on SIGCHLD is what keeps the pod free of zombies.
//! Depends on libc only; never allocates after setup, prints nothing. Invariant: after any SIGCHLD, every
//! exited child has been waited for before the process sleeps again.

/// A no-op handler. Signals sent to a namespace's PID 1 with the default disposition are dropped by the
/// kernel (pid_namespaces(7): "only signals for which the init process has established a handler"), so
/// a real handler is installed even though the signals are taken with sigwaitinfo.
extern "C" fn noop(_: libc::c_int) {}

/// Run the pause loop; returns the exit code (0 after SIGINT/SIGTERM).
pub fn run() -> i32 {
    // SAFETY: plain libc calls on stack-allocated sigset/sigaction values; no Rust state is shared with
    // the handler (it does nothing).
    unsafe {
        libc::prctl(libc::PR_SET_NAME, c"berth-pause".as_ptr(), 0, 0, 0);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for s in [libc::SIGCHLD, libc::SIGINT, libc::SIGTERM] {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = noop as *const () as usize;
            sa.sa_flags = libc::SA_RESTART;
            libc::sigaction(s, &sa, std::ptr::null_mut());
            libc::sigaddset(&mut set, s);
        }
        // Blocked signals stay pending until sigwaitinfo takes them, so none is lost between two waits.
        libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        // Children may have exited before the mask was set.
        reap_all();
        loop {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            let sig = libc::sigwaitinfo(&set, &mut info);
            match sig {
                libc::SIGINT | libc::SIGTERM => {
                    reap_all();
                    return 0;
                }
                // SIGCHLD is not queued per child: one signal can stand for many exits, so wait in a loop.
                _ => reap_all(),
            }
        }
    }
}

fn reap_all() {
    loop {
        let mut status = 0;
        // SAFETY: waitpid with a valid status pointer.
        let r = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if r <= 0 {
            break;
        }
    }
}

/// `berth internal init -- CMD...`: docker's `--init` (tini) made of the same parts. It runs as the
/// container's PID 1, starts CMD as its child, forwards every signal it receives to it, reaps every
/// orphan, and exits with CMD's status (128+signal when CMD was killed) once CMD has exited.
pub fn run_init(args: &[String]) -> i32 {
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
    // functions (sigprocmask, execvp, write, _exit) with pointers prepared before the fork.
    unsafe {
        libc::prctl(libc::PR_SET_NAME, c"berth-init".as_ptr(), 0, 0, 0);
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
