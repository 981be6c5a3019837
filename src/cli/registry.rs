//! Registry commands: `login` and `logout`, with docker's flags and messages
//! (docker/cli `cli/command/registry/login.go`, `logout.go`).
//! Only parsing, prompting and printing live here; verification and storage are `engine::login`.

use super::GlobalOpts;
use crate::engine::login as engine;
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use std::io::{BufRead, IsTerminal, Write};

#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Log in to a registry
    Login {
        /// Username
        #[arg(short, long)]
        username: Option<String>,
        /// Password or personal access token
        #[arg(short, long)]
        password: Option<String>,
        /// Take the password from stdin
        #[arg(long)]
        password_stdin: bool,
        /// Registry (default docker.io)
        server: Option<String>,
    },
    /// Log out from a registry
    Logout {
        /// Registry (default docker.io)
        server: Option<String>,
    },
}

fn load_config(g: &GlobalOpts) -> Result<crate::config::Config> {
    let rootless = !nix::unistd::geteuid().is_root();
    let (cfg, warnings) = crate::config::Config::load(g.config.as_deref(), rootless)?;
    for w in warnings {
        eprintln!("WARNING: {w}");
    }
    Ok(cfg)
}

/// Read a password from the terminal without echo.
fn prompt_password() -> Result<String> {
    use nix::sys::termios::{LocalFlags, SetArg, tcgetattr, tcsetattr};
    let stdin = std::io::stdin();
    // docker prompts on stdout (docker/cli `internal/prompt`).
    print!("Password: ");
    let _ = std::io::stdout().flush();
    let saved = tcgetattr(&stdin).context("reading terminal settings")?;
    let mut quiet = saved.clone();
    quiet.local_flags.remove(LocalFlags::ECHO);
    tcsetattr(&stdin, SetArg::TCSANOW, &quiet).context("turning off terminal echo")?;
    let mut line = String::new();
    let res = stdin.lock().read_line(&mut line);
    let _ = tcsetattr(&stdin, SetArg::TCSANOW, &saved);
    println!();
    res.context("reading password")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

pub fn run(cmd: RegistryCommand, g: &GlobalOpts) -> Result<i32> {
    match cmd {
        RegistryCommand::Login {
            username,
            password,
            password_stdin,
            server,
        } => {
            let cfg = load_config(g)?;
            let mut password = password;
            if password.is_some() {
                if password_stdin {
                    bail!("--password and --password-stdin are mutually exclusive");
                }
                eprintln!(
                    "WARNING! Using --password via the CLI is insecure. Use --password-stdin."
                );
            }
            if password_stdin {
                if username.is_none() {
                    bail!("Must provide --username with --password-stdin");
                }
                let mut p = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut p)
                    .context("reading password from stdin")?;
                password = Some(p.trim_end_matches(['\n', '\r']).to_string());
            }
            let interactive = std::io::stdin().is_terminal();
            let username = match username {
                Some(u) => u,
                None if interactive => {
                    print!("Username: ");
                    let _ = std::io::stdout().flush();
                    let mut u = String::new();
                    std::io::stdin()
                        .lock()
                        .read_line(&mut u)
                        .context("reading username")?;
                    u.trim().to_string()
                }
                None => bail!("Cannot perform an interactive login from a non TTY device"),
            };
            if username.is_empty() {
                bail!("Username is required");
            }
            let password = match password {
                Some(p) => p,
                None if interactive => prompt_password()?,
                None => bail!("Cannot perform an interactive login from a non TTY device"),
            };
            if password.is_empty() {
                bail!("Password is required");
            }
            let report = engine::login(&cfg, server.as_deref(), &username, &password)?;
            if let Some(file) = report.plaintext_file {
                // docker/cli `cli/command/registry/login.go` (unencryptedWarning), on stderr.
                eprint!(
                    "\nWARNING! Your credentials are stored unencrypted in '{}'.\n\
                     Configure a credential helper to remove this warning. See\n\
                     https://docs.docker.com/go/credential-store/\n",
                    file.display()
                );
            }
            println!("Login Succeeded");
            Ok(0)
        }
        RegistryCommand::Logout { server } => {
            let cfg = load_config(g)?;
            let report = engine::logout(&cfg, server.as_deref())?;
            if report.removed {
                println!("Removing login credentials for {}", report.server);
            } else {
                println!("Not logged in to {}", report.server);
            }
            Ok(0)
        }
    }
}
