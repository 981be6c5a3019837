//! The pod's infra ("pause") process: `berth internal pause`, run inside the pod's namespaces as the infra
//! container's payload. It holds the namespaces (a namespace lives while a process is in it), reaps every
//! child it is given, and exits 0 on SIGINT or SIGTERM, as Kubernetes' pause (kubernetes
//! `build/pause/linux/pause.c`) and podman's `catatonit -P` do.
//!
//! When the pod shares its PID namespace, this process is PID 1 there, so the kernel re-parents every
//! orphan of every member to it: reaping on SIGCHLD is what keeps the pod free of zombies.
//! Depends on libc and [`super::reaper::reap_all`] only; never allocates after setup, prints nothing. Invariant: after any SIGCHLD, every
//! exited child has been waited for before the process sleeps again.

/// A no-op handler. Signals sent to a namespace's PID 1 with the default disposition are dropped by the
/// kernel (pid_namespaces(7): "only signals for which the init process has established a handler"), so
/// a real handler is installed even though the signals are taken with sigwaitinfo.
extern "C" fn noop(_: libc::c_int) {}

/// The pod's pause process (`berth internal pause`); returns the exit code (0 after SIGINT/SIGTERM).
pub fn run_pause() -> i32 {
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
        super::reaper::reap_all();
        loop {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            let sig = libc::sigwaitinfo(&set, &mut info);
            match sig {
                libc::SIGINT | libc::SIGTERM => {
                    super::reaper::reap_all();
                    return 0;
                }
                // SIGCHLD is not queued per child: one signal can stand for many exits, so wait in a loop.
                _ => super::reaper::reap_all(),
            }
        }
    }
}
