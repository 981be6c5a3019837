//! The metadata instructions' effect on the image config and their history line, as docker's
//! BuildKit writes them (`ENV A=b`, `CMD ["sh" "-c" "x"]`, `EXPOSE map[80/tcp:{}]`, ...).

use super::ast::{Command, Healthcheck, Kind};
use super::image_config::{State, go_list, go_set};
use anyhow::{Context as _, Result, bail};
use serde_json::{Value, json};

/// Apply a metadata instruction (already substituted) to `state`; returns its `created_by`.
/// `cmd_set`: whether this stage set CMD (ENTRYPOINT then keeps it; otherwise it clears the base's).
pub fn apply(state: &mut State, kind: &Kind, cmd_set: &mut bool) -> Result<String> {
    Ok(match kind {
        Kind::Cmd(c) => {
            let v = command(state, c);
            set_list(state, "Cmd", &v);
            *cmd_set = true;
            format!("CMD {}", go_list(&v))
        }
        Kind::Entrypoint(c) => {
            let v = command(state, c);
            set_list(state, "Entrypoint", &v);
            // Dockerfile reference: an ENTRYPOINT resets a CMD inherited from the base image.
            if !*cmd_set {
                state.cfg().remove("Cmd");
            }
            format!("ENTRYPOINT {}", go_list(&v))
        }
        Kind::Shell(v) => {
            state.cfg().insert("Shell".into(), json!(v));
            format!("SHELL [{}]", v.join(" "))
        }
        Kind::Env(pairs) => {
            for (k, v) in pairs {
                state.set_env(k, v);
            }
            let kv: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("ENV {}", kv.join(" "))
        }
        Kind::Label(pairs) => {
            let labels = state.cfg().entry("Labels").or_insert_with(|| json!({}));
            if !labels.is_object() {
                *labels = json!({});
            }
            for (k, v) in pairs {
                labels[k] = json!(v);
            }
            let kv: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("LABEL {}", kv.join(" "))
        }
        Kind::Expose(ports) => {
            let mut keys = Vec::new();
            for p in ports {
                keys.extend(exposed(p)?);
            }
            set_keys(state, "ExposedPorts", &keys);
            format!("EXPOSE {}", go_set(&keys))
        }
        Kind::Volume(v) => {
            set_keys(state, "Volumes", v);
            format!("VOLUME [{}]", v.join(" "))
        }
        Kind::User(u) => {
            state.cfg().insert("User".into(), json!(u));
            format!("USER {u}")
        }
        Kind::StopSignal(s) => {
            state.cfg().insert("StopSignal".into(), json!(s));
            format!("STOPSIGNAL {s}")
        }
        Kind::Healthcheck(h) => {
            let hc = healthcheck(state, h)?;
            let text = format!("HEALTHCHECK {}", hc_history(&hc));
            state.cfg().insert("Healthcheck".into(), hc);
            text
        }
        Kind::Onbuild(t) => {
            let list = state.cfg().entry("OnBuild").or_insert_with(|| json!([]));
            if !list.is_array() {
                *list = json!([]);
            }
            if let Some(a) = list.as_array_mut() {
                a.push(json!(t));
            }
            format!("ONBUILD {t}")
        }
        Kind::Maintainer(m) => {
            state.config["author"] = json!(m);
            format!("MAINTAINER {m}")
        }
        other => bail!("{other:?} is not a metadata instruction"),
    })
}

/// CMD/ENTRYPOINT/HEALTHCHECK's command: exec form as given, shell form through the stage's SHELL.
pub fn command(state: &State, c: &Command) -> Vec<String> {
    match c {
        Command::Exec(v) => v.clone(),
        Command::Shell(s) => {
            let mut v = state.shell();
            v.push(s.clone());
            v
        }
    }
}

fn set_keys(state: &mut State, key: &str, keys: &[String]) {
    let map = state.cfg().entry(key).or_insert_with(|| json!({}));
    if !map.is_object() {
        *map = json!({});
    }
    for k in keys {
        map[k] = json!({});
    }
}

/// docker's `config.Healthcheck`: `Test` (`["CMD-SHELL", cmd]`, `["CMD", ...]` or `["NONE"]`) and the
/// durations in nanoseconds, zero ones left out.
fn healthcheck(state: &State, h: &Healthcheck) -> Result<Value> {
    let Healthcheck::Check {
        test,
        interval,
        timeout,
        start_period,
        start_interval,
        retries,
    } = h
    else {
        return Ok(json!({"Test": ["NONE"]}));
    };
    let _ = state;
    let t: Vec<String> = match test {
        Command::Exec(v) => std::iter::once("CMD".to_string())
            .chain(v.iter().cloned())
            .collect(),
        Command::Shell(s) => vec!["CMD-SHELL".into(), s.clone()],
    };
    let mut hc = json!({"Test": t});
    for (k, v) in [
        ("Interval", interval),
        ("Timeout", timeout),
        ("StartPeriod", start_period),
        ("StartInterval", start_interval),
    ] {
        if let Some(s) = v {
            let d = super::dockerfile::parse_duration(s)
                .map_err(anyhow::Error::msg)
                .with_context(|| format!("HEALTHCHECK --{}", k.to_ascii_lowercase()))?;
            if !d.is_zero() {
                hc[k] = json!(d.as_nanos() as u64);
            }
        }
    }
    if let Some(r) = retries
        && *r > 0
    {
        hc["Retries"] = json!(r);
    }
    Ok(hc)
}

fn hc_history(hc: &Value) -> String {
    let test = super::image_config::strings(&hc["Test"]);
    let ns = |k: &str| hc[k].as_u64().unwrap_or(0);
    let secs = |n: u64| super::run_step::go_duration(std::time::Duration::from_nanos(n));
    format!(
        "&{{{} \"{}\" \"{}\" \"{}\" \"{}\" '\\x{:02x}'}}",
        go_list(&test),
        secs(ns("Interval")),
        secs(ns("Timeout")),
        secs(ns("StartPeriod")),
        secs(ns("StartInterval")),
        hc["Retries"].as_u64().unwrap_or(0)
    )
}

/// `CMD []` / `ENTRYPOINT []` clear the field: BuildKit's config leaves an empty list out (null).
fn set_list(state: &mut State, key: &str, v: &[String]) {
    if v.is_empty() {
        state.cfg().remove(key);
    } else {
        state.cfg().insert(key.into(), json!(v));
    }
}

/// One EXPOSE word as docker's port parser reads it: `80`, `53/udp`, a range `8000-8002/tcp`
/// expanded to one entry per port; a host part (`8080:80`, which the checks warn about) is dropped.
fn exposed(word: &str) -> Result<Vec<String>> {
    let (port, proto) = match word.rsplit_once('/') {
        Some((p, proto)) => (p, proto.to_ascii_lowercase()),
        None => (word, "tcp".to_string()),
    };
    let port = port.rsplit_once(':').map_or(port, |(_, p)| p);
    let bad = || anyhow::anyhow!("invalid containerPort: {port}");
    let num = |s: &str| s.parse::<u16>().map_err(|_| bad());
    let (start, end) = match port.split_once('-') {
        Some((a, b)) => (num(a)?, num(b)?),
        None => (num(port)?, num(port)?),
    };
    if end < start {
        bail!("invalid range specified for containerPort: {port}");
    }
    Ok((start..=end).map(|n| format!("{n}/{proto}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_follows_docker() {
        let mut s = State::scratch();
        let mut cmd_set = false;
        let h = apply(
            &mut s,
            &Kind::Cmd(Command::Shell("echo hi".into())),
            &mut cmd_set,
        )
        .unwrap();
        assert_eq!(h, r#"CMD ["/bin/sh" "-c" "echo hi"]"#);
        apply(
            &mut s,
            &Kind::Expose(vec![
                "80".into(),
                "53/UDP".into(),
                "8000-8002".into(),
                "8080:81".into(),
            ]),
            &mut cmd_set,
        )
        .unwrap();
        assert_eq!(
            s.config["config"]["ExposedPorts"],
            json!({"80/tcp": {}, "53/udp": {}, "81/tcp": {}, "8000/tcp": {}, "8001/tcp": {}, "8002/tcp": {}})
        );
        for bad in ["http", "80-70", "70000"] {
            assert!(apply(&mut s, &Kind::Expose(vec![bad.into()]), &mut cmd_set).is_err());
        }
        apply(
            &mut s,
            &Kind::Cmd(Command::Exec(vec!["x".into()])),
            &mut cmd_set,
        )
        .unwrap();
        apply(&mut s, &Kind::Cmd(Command::Exec(vec![])), &mut cmd_set).unwrap();
        apply(
            &mut s,
            &Kind::Entrypoint(Command::Exec(vec![])),
            &mut cmd_set,
        )
        .unwrap();
        assert!(s.config["config"]["Cmd"].is_null());
        assert!(s.config["config"]["Entrypoint"].is_null());
        let hc = Healthcheck::Check {
            test: Command::Shell("true".into()),
            interval: Some("30s".into()),
            timeout: None,
            start_period: None,
            start_interval: None,
            retries: Some(3),
        };
        apply(&mut s, &Kind::Healthcheck(hc), &mut cmd_set).unwrap();
        assert_eq!(
            s.config["config"]["Healthcheck"],
            json!({"Test": ["CMD-SHELL", "true"], "Interval": 30_000_000_000u64, "Retries": 3})
        );
        // A base image's CMD goes with a new ENTRYPOINT; this stage's own stays.
        let mut fresh = false;
        apply(
            &mut s,
            &Kind::Entrypoint(Command::Exec(vec!["/e".into()])),
            &mut fresh,
        )
        .unwrap();
        assert!(s.config["config"].get("Cmd").is_none());
    }
}
