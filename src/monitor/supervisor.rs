//! One supervised run of a container's payload: the monitor's script ([`supervise`]), in order:
//! become the session leader and subreaper, prepare the container's run dir, seal a copy of berth when
//! the payload is berth (the pod's pause, the `--init` reaper), open the attach socket,
//! make the payload's stdio, launch (network first), record the running state and answer the CLI, relay
//! output, input, resizes and signals until the payload exits, record the exit, tear down.
//!
//! Owns the monitor's poll loop ([`Relay`]), the SIGCHLD self-pipe, and the failure paths of a launch
//! ([`Supervisor::launch_failed`]) and of the teardown ([`Supervisor::tear_down`]): a cleanup step that
//! fails is reported (returned, or written to monitor.err where the run must still count as done), never
//! dropped. Depends on runtime, network, state and store (docs/architecture.md, process model).
//! Invariant: once the payload started, its exit is recorded before anything is torn down, and every
//! attached client gets the exit frame whatever the teardown did.

mod relay;

use super::{ExitHook, Ready, cgroup_name, health, launch_exit_code, rootfs_of};
use crate::runtime::{self, Launch, Launched, Rootfs, Stdio};
use crate::state::attach::{self, Decoder};
use crate::state::{self, ContainerRecord, Containers, ExitRecord, MonitorRecord, Status};
use crate::store::Paths;
use crate::time::{ZERO_TIME, rfc3339_nano};
use anyhow::{Context, Result, anyhow};
pub(super) use relay::forget_sigchld_pipe;
use relay::{Client, Clients, Pipes, Relay};
use std::fs::File;
use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::time::SystemTime;

/// One supervised run, as a short ordered script. `ready` is the CLI's pipe (first run only).
pub(super) fn supervise(
    paths: &Paths,
    id: &str,
    wait_attach: bool,
    ready: &mut Option<File>,
    on_exit: ExitHook,
) -> Result<()> {
    use crate::trace::mark;
    become_session_leader();
    let s = Supervisor::prepare(paths, id, on_exit)?;
    mark("record loaded");
    let mut spec = s.load_spec()?;
    mark("spec loaded");
    let has_health = crate::state::health::active_healthcheck(&s.rec).is_some();
    seal_berth_payload(&spec, has_health)?;
    let mut clients = s.open_attach(wait_attach)?;
    let (stdio, pipes) = Pipes::new(&s.rec)?;
    mark("attach socket");
    let net = s.set_up_network(&mut spec)?;
    mark("network");
    let dns = match super::dns::open_for(paths, id, &net, &s.rec.config.net.dns) {
        Ok(d) => d,
        Err(e) => return s.launch_failed(&e, ready, &clients),
    };
    let launched = match s.launch(spec, stdio, net.needs_rootless_attach) {
        Ok(l) => l,
        Err(e) => return s.launch_failed(&e, ready, &clients),
    };
    // Before the CLI hears of the start: from then on `inspect` shows `starting`, as docker's.
    let checker = if has_health {
        s.health_checker(launched.pid)
    } else {
        None
    };
    mark("launched");
    s.record_running(&launched, ready)?;
    mark("running recorded");
    let code = Relay::new(&s, launched, pipes, &mut clients, checker, dns)?.run();
    mark("payload exited");
    let (result, trash) = s.tear_down(code);
    clients.send_exit(code);
    drop(clients);
    mark("exit sent");
    // The container is gone for everyone already; its files go after the client has its answer, at the
    // lowest CPU priority: the deletion (a dozen threads; `trash/` in docs/layout.md) must not take a core from
    // the next command, which in a script is often the next `run` (issue 14).
    if let Some(t) = trash
        && let Err(e) = {
            lower_priority();
            t.delete()
        }
    {
        s.report(&e.context("deleting the removed container's files"));
    }
    mark("files deleted");
    result
}

/// No berth process a container can see runs from the on-disk binary (docs/security.md F1): when the
/// payload is berth itself (the pod's pause, the `--init` reaper), the sealed copy it will run from is
/// made before the launch; when the container does not get a PID namespace of its own (host's, or
/// joined), this monitor, visible in it (or forking the init that joins it), re-executes itself from a
/// sealed copy first, as `exec` does; so does the monitor of a container with a health check, whose
/// checks it starts as `exec` does (`monitor::health`). The re-execution keeps the CLI's pipes (fds 3
/// and 4 are not close-on-exec yet) and drops `--wait-go`, whose byte was read.
fn seal_berth_payload(spec: &oci_spec::runtime::Spec, execs: bool) -> Result<()> {
    if execs || !has_own_pid_namespace(spec) {
        runtime::seal::ensure_sealed_without(&["--wait-go"])?;
    }
    let args = spec.process().as_ref().and_then(|p| p.args().clone());
    runtime::seal::prepare_sealed_self(&args.unwrap_or_default())
}

/// True when the container gets a PID namespace of its own: the spec creates one (no path).
fn has_own_pid_namespace(spec: &oci_spec::runtime::Spec) -> bool {
    let namespaces = spec.linux().as_ref().and_then(|l| l.namespaces().as_ref());
    namespaces
        .into_iter()
        .flatten()
        .any(|n| n.typ() == oci_spec::runtime::LinuxNamespaceType::Pid && n.path().is_none())
}

/// Nice 19 for this thread and the threads it starts from now on (Linux keeps the nice value per thread).
fn lower_priority() {
    // SAFETY: setpriority with constant arguments; affects only the calling thread.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}

/// A session of our own (the CLI's terminal session ends with the CLI), orphans of the container
/// re-parented to us, and a name `ps` shows.
fn become_session_leader() {
    // Fails only when we already lead a process group, which a freshly spawned monitor does not.
    let _ = nix::unistd::setsid();
    // SAFETY: prctl with constant arguments; affects only this process.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        libc::prctl(libc::PR_SET_NAME, c"berth:[monitor]".as_ptr(), 0, 0, 0);
    }
}

/// The container being supervised and where its files are.
struct Supervisor<'a> {
    paths: &'a Paths,
    id: &'a str,
    containers: Containers,
    rec: ContainerRecord,
    /// The container's directory under the data root.
    dir: PathBuf,
    run_dir: PathBuf,
    rootfs: Rootfs,
    cgroup: String,
    on_exit: ExitHook<'a>,
}

impl<'a> Supervisor<'a> {
    /// Loads the record, creates the run dir and the rootfs dirs, and records this monitor.
    fn prepare(paths: &'a Paths, id: &'a str, on_exit: ExitHook<'a>) -> Result<Self> {
        let containers = Containers::new(paths);
        let rec = containers.load_record(id)?;
        let run_dir = containers.run_dir(id);
        crate::store::create_private_dir(&run_dir)?;
        let me = std::process::id() as i32;
        containers.write_monitor(
            id,
            &MonitorRecord {
                pid: me,
                start_time: state::process_start_time(me).unwrap_or(0),
            },
        )?;
        remove_if_present(&run_dir.join("exit.json")).context("removing the last exit record")?;
        let dir = containers.dir(id);
        for d in ["upper", "work", "rootfs"] {
            std::fs::create_dir_all(dir.join(d)).with_context(|| format!("creating {d} dir"))?;
        }
        Ok(Supervisor {
            paths,
            id,
            dir,
            rootfs: rootfs_of(&containers, &rec),
            cgroup: cgroup_name(&rec),
            containers,
            rec,
            run_dir,
            on_exit,
        })
    }

    /// Binds the attach socket; with `--attach`, the foreground client is the first one.
    fn open_attach(&self, wait_attach: bool) -> Result<Clients> {
        let sock_path = self.containers.attach_socket(self.id);
        remove_if_present(&sock_path).context("removing a stale attach socket")?;
        let (_sock_dir, short) =
            attach::short_socket_path(&sock_path).context("opening the run dir")?;
        let listener = UnixListener::bind(&short)
            .with_context(|| format!("binding {}", sock_path.display()))?;
        let mut clients = Vec::new();
        if wait_attach {
            // SAFETY: the CLI placed its socketpair end at ATTACH_FD before exec (with --attach only); we
            // own it.
            let s = unsafe { UnixStream::from_raw_fd(super::ATTACH_FD) };
            // Not inherited by the stage and init children.
            // SAFETY: fcntl on the fd we own.
            unsafe { libc::fcntl(s.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) };
            clients.push(Client {
                stream: s,
                dec: Decoder::default(),
                stdin: self.rec.config.interactive,
            });
        }
        listener
            .set_nonblocking(true)
            .context("configuring attach socket")?;
        Ok(Clients {
            listener,
            sock_path,
            list: clients,
        })
    }

    /// The OCI spec `create` wrote.
    fn load_spec(&self) -> Result<oci_spec::runtime::Spec> {
        let path = self.dir.join("config.json");
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        serde_json::from_slice(&bytes).with_context(|| format!("parsing {}", path.display()))
    }

    fn network(&self) -> crate::network::MonitorNet<'_> {
        crate::network::MonitorNet {
            id: self.id,
            name: &self.rec.name,
            network: &self.rec.config.network,
            hostname: &self.rec.hostname,
            opts: &self.rec.config.net,
            exposed: &self.rec.image_config.exposed_ports,
            files_dir: &self.dir,
        }
    }

    /// The network comes before the container, which joins its namespace (issue 4).
    fn set_up_network(
        &self,
        spec: &mut oci_spec::runtime::Spec,
    ) -> Result<crate::network::Prepared> {
        let resolve = |r: &str| -> Result<(String, i32)> {
            let other = self.containers.lookup(r)?;
            Ok((other.clone(), self.containers.refresh(&other)?.pid))
        };
        crate::network::setup_for_monitor(self.paths, self.network(), resolve, spec)
    }

    /// Launches the payload. Rootless (`rootless_attach`), pasta/slirp4netns configure the namespace
    /// before the payload runs (issue 4: a `run --rm -p ... wget` payload must see its network from its
    /// first instruction).
    fn launch(
        &self,
        spec: oci_spec::runtime::Spec,
        stdio: Stdio,
        rootless_attach: bool,
    ) -> Result<Launched> {
        let attach = |ns: &runtime::Namespaces| {
            crate::network::attach_rootless_for_monitor(
                self.paths,
                self.network(),
                ns.holder,
                &self.run_dir,
            )
            .map(drop)
        };
        runtime::launch(Launch {
            id: self.id.to_string(),
            spec,
            rootfs: self.rootfs.clone(),
            stdio,
            cgroup: Some(self.cgroup.clone()),
            rootless: self.paths.rootless,
            on_namespaces: rootless_attach.then(|| Box::new(attach) as runtime::NamespacesHook),
            seccomp_cache: Some(self.paths.seccomp_cache()),
        })
    }

    /// The payload did not start: undo the launch, leave the container "created" with the error and
    /// docker's exit code (as docker does), and tell the CLI. The run counts as done (Ok): a cleanup
    /// failure here is written to monitor.err.
    fn launch_failed(
        &self,
        e: &anyhow::Error,
        ready: &mut Option<File>,
        clients: &Clients,
    ) -> Result<()> {
        let code = launch_exit_code(e, super::Start::Run);
        let mut cleanup = Vec::new();
        if let Err(d) = runtime::destroy(self.id, &self.rootfs, Some(&self.cgroup)) {
            cleanup.push(d.context("cleaning up after the failed start"));
        }
        if let Err(n) = crate::network::teardown(self.paths, self.id) {
            cleanup.push(n.context("tearing down the network after the failed start"));
        }
        let message = format!("{e:#}");
        // The CLI that started us holds the container lock until it reads Ready: write without it.
        // No state means the container was removed meanwhile: nothing to record.
        if let Ok(mut st) = self.containers.load_state(self.id) {
            st.status = Status::Created;
            st.exit_code = code;
            st.error = message.clone();
            if let Err(s) = self.containers.save_state(self.id, &st) {
                cleanup.push(s.context("recording the failed start"));
            }
        }
        if self.rec.config.auto_remove
            && let Err(r) = self.containers.remove_files(&self.rec, true)
        {
            cleanup.push(r.context("removing the container (--rm)"));
        }
        if let Some(mut r) = ready.take() {
            let msg = serde_json::to_vec(&Ready::Failed { code, message }).unwrap_or_default();
            if let Err(w) = r.write_all(&msg) {
                cleanup.push(anyhow::Error::new(w).context("reporting the failed start"));
            }
        }
        if let Err(s) = remove_if_present(&clients.sock_path) {
            cleanup.push(anyhow::Error::new(s).context("removing the attach socket"));
        }
        for c in cleanup {
            self.report(&c);
        }
        Ok(())
    }

    /// The health checks of this run (a container with a health check only); one that cannot be
    /// set up is reported in monitor.err and the container runs without checks.
    fn health_checker(&self, pid: i32) -> Option<health::Checker> {
        health::Checker::new(self.paths, &self.rec, &self.cgroup, pid).unwrap_or_else(|e| {
            self.report(&e.context("setting up the health check"));
            None
        })
    }

    /// The payload runs: record it and answer the CLI that started us.
    fn record_running(&self, launched: &Launched, ready: &mut Option<File>) -> Result<()> {
        // The CLI that started us holds the container lock until it reads Ready, so write without it.
        let mut st = self.containers.load_state(self.id)?;
        st.status = Status::Running;
        st.pid = launched.pid;
        st.start_time = launched.start_time;
        st.started_at = rfc3339_nano(SystemTime::now());
        st.finished_at = ZERO_TIME.into();
        st.exit_code = 0;
        st.oom_killed = false;
        st.error.clear();
        if self.rec.config.auto_remove {
            // Deleted at its exit; after a power cut its state is stale either way (docs/layout.md).
            self.containers.save_state_volatile(self.id, &st)?;
        } else {
            self.containers.save_state(self.id, &st)?;
        }
        let nets = super::net_events::attached(self.paths, self.id, &self.rec.config.network);
        super::net_events::emit(self.paths, "connect", self.id, &nets);
        self.emit_volume_events("mount");
        self.emit(self.event("start"));
        if let Some(mut r) = ready.take() {
            let msg = Ready::Started {
                pid: launched.pid,
                warnings: launched.warnings.clone(),
            };
            r.write_all(&serde_json::to_vec(&msg).unwrap_or_default())
                .context("reporting start")?;
        }
        Ok(())
    }

    /// Records the exit, then destroys what the runtime and the network set up, runs the exit hook and
    /// honours `--rm` (the directory goes to the trash here, its deletion after the clients have their
    /// answer). Every step runs whatever the others did; the first failure is returned with the others
    /// named in it, and written to monitor.err.
    fn tear_down(&self, code: i32) -> (Result<()>, Option<state::Trash>) {
        let mut failures: Vec<anyhow::Error> = Vec::new();
        if let Err(e) = self.record_exit(code) {
            // Without an exit record the container must not look stopped: nothing is torn down.
            return (Err(e), None);
        }
        crate::trace::mark("exit recorded");
        if let Err(e) = runtime::destroy(self.id, &self.rootfs, Some(&self.cgroup)) {
            failures.push(e.context("cleaning up the container"));
        }
        crate::trace::mark("runtime destroyed");
        let nets = super::net_events::attached(self.paths, self.id, &self.rec.config.network);
        match crate::network::teardown(self.paths, self.id) {
            Ok(()) => super::net_events::emit(self.paths, "disconnect", self.id, &nets),
            Err(e) => failures.push(e.context("tearing down the container's network")),
        }
        crate::trace::mark("network torn down");
        self.emit_volume_events("unmount");
        if let Err(e) = (self.on_exit)(&self.rec) {
            failures.push(e.context("after the container's exit"));
        }
        let mut trash = None;
        if self.rec.config.auto_remove {
            let removed = self
                .containers
                .lock(self.id)
                .and_then(|_l| self.containers.remove_files_deferred(&self.rec, true));
            match removed {
                Ok(t) => {
                    self.emit(self.event("destroy"));
                    crate::trace::mark("removed (--rm)");
                    trash = t
                }
                Err(e) => failures.push(e.context("removing the container (--rm)")),
            }
        } else {
            let sock = self.containers.attach_socket(self.id);
            if let Err(e) = remove_if_present(&sock) {
                failures.push(anyhow::Error::new(e).context("removing the attach socket"));
            }
            // With a restart policy the restart loop still owns the container; it removes the record.
            if self.rec.config.restart.is_none()
                && let Err(e) = remove_if_present(&self.run_dir.join("monitor.json"))
            {
                failures.push(anyhow::Error::new(e).context("removing the monitor record"));
            }
        }
        let result = combine(failures);
        if let Err(e) = &result {
            self.report(e);
        }
        (result, trash)
    }

    /// The exit record, and the state for a container that stays (an --rm container's state.json is
    /// deleted by the teardown: until then readers take the exit from exit.json).
    fn record_exit(&self, code: i32) -> Result<()> {
        let exit = ExitRecord {
            exit_code: code,
            finished_at: rfc3339_nano(SystemTime::now()),
            oom_killed: runtime::cgroup::oom_killed(&self.cgroup),
            error: String::new(),
        };
        self.containers.write_exit(self.id, &exit)?;
        if exit.oom_killed {
            self.emit(self.event("oom"));
        }
        self.emit(self.event("die").attr("exitCode", code.to_string()));
        if !self.rec.config.auto_remove {
            let _l = self.containers.lock(self.id)?;
            let mut st = self.containers.load_state(self.id)?;
            state::apply_exit(&mut st, &exit);
            self.containers.save_state(self.id, &st)?;
        }
        Ok(())
    }

    /// A container event about this container, with docker's attributes (docs/layout.md "Events").
    fn event(&self, action: &str) -> crate::store::events::Event {
        crate::store::events::Event::container(
            action,
            self.id,
            &self.rec.name,
            &self.rec.image,
            [&self.rec.image_config.labels, &self.rec.config.labels],
        )
    }

    /// docker's `volume mount` (`unmount`) events, one per volume the container mounts (the volume's
    /// name is the directory above its `_data`, docs/layout.md).
    fn emit_volume_events(&self, action: &str) {
        for m in &self.rec.mounts {
            if m.kind != crate::types::MountKind::Volume {
                continue;
            }
            let path = std::path::Path::new(&m.source);
            let Some(name) = path.parent().and_then(|p| p.file_name()) else {
                continue;
            };
            let ev = crate::store::events::Event::new("volume", action, &name.to_string_lossy())
                .attr("container", self.id)
                .attr("driver", "local");
            self.emit(match action {
                "mount" => ev
                    .attr("destination", m.destination.as_str())
                    .attr("propagation", "")
                    .attr("read/write", (!m.readonly).to_string()),
                _ => ev,
            });
        }
    }

    /// Records `ev`; a failure must not disturb the supervision (the event log is a record only).
    fn emit(&self, ev: crate::store::events::Event) {
        crate::store::events::emit(self.paths, ev);
    }

    /// Appends a failure to monitor.err (docs/layout.md), where `start` and the user find why a monitor
    /// failed. Nothing else can be done with an error of the file that reports errors.
    fn report(&self, e: &anyhow::Error) {
        let path = self.run_dir.join("monitor.err");
        let _ = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut f| f.write_all(format!("{e:#}\n").as_bytes()));
    }
}

/// The first failure, with the later ones named in its message.
fn combine(failures: Vec<anyhow::Error>) -> Result<()> {
    let mut all = failures.into_iter();
    let Some(first) = all.next() else {
        return Ok(());
    };
    let rest: Vec<String> = all.map(|e| format!("{e:#}")).collect();
    if rest.is_empty() {
        return Err(first);
    }
    Err(anyhow!("{first:#}; also: {}", rest.join("; ")))
}

/// remove_file, where a file already gone is no failure.
fn remove_if_present(path: &std::path::Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_with_pid(pid: serde_json::Value) -> oci_spec::runtime::Spec {
        let mut namespaces = vec![serde_json::json!({"type": "mount"})];
        if !pid.is_null() {
            namespaces.push(pid);
        }
        serde_json::from_value(serde_json::json!({
            "ociVersion": "1.0.2",
            "root": {"path": "rootfs"},
            "linux": {"namespaces": namespaces},
        }))
        .unwrap()
    }

    #[test]
    fn only_a_created_pid_namespace_is_the_containers_own() {
        assert!(has_own_pid_namespace(&spec_with_pid(
            serde_json::json!({"type": "pid"})
        )));
        // --pid host: no PID namespace at all.
        assert!(!has_own_pid_namespace(&spec_with_pid(
            serde_json::Value::Null
        )));
        // --pid container:X, a pod sharing its PID namespace: joined by path.
        assert!(!has_own_pid_namespace(&spec_with_pid(
            serde_json::json!({"type": "pid", "path": "/proc/42/ns/pid"})
        )));
    }

    #[test]
    fn cleanup_failures_are_combined_first_one_leading() {
        assert!(combine(Vec::new()).is_ok());
        let one = combine(vec![anyhow!("a")]).unwrap_err();
        assert_eq!(format!("{one:#}"), "a");
        let all = combine(vec![anyhow!("a"), anyhow!("b").context("c")]).unwrap_err();
        assert_eq!(format!("{all:#}"), "a; also: c: b");
    }
}
