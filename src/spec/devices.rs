//! `--device-cgroup-rule` and `--device` as OCI device entries: pure translation of what the cli
//! parsed and the engine resolved (the node's type and numbers are read from the host by the engine,
//! `engine::container::create`), with docker's rules (moby `daemon/devices_linux.go`).

use super::ContainerConfig;
use anyhow::{Result, bail};
use serde_json::{Value, json};

/// The allow rules of `--device-cgroup-rule 'TYPE MAJOR:MINOR PERMS'` (`*` for any number).
pub(super) fn cgroup_rules(opts: &ContainerConfig) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for r in &opts.device_cgroup_rules {
        let f: Vec<&str> = r.split(' ').collect();
        let [kind, nums, access] = f.as_slice() else {
            bail!("invalid device cgroup format '{r}'");
        };
        let Some((maj, min)) = nums.split_once(':') else {
            bail!("invalid device cgroup format '{r}'");
        };
        let mut rule = json!({"allow": true, "type": kind, "access": access});
        for (key, n) in [("major", maj), ("minor", min)] {
            if n != "*" {
                let Ok(n) = n.parse::<i64>() else {
                    bail!("invalid device cgroup format '{r}'");
                };
                rule[key] = json!(n);
            }
        }
        out.push(rule);
    }
    Ok(out)
}

/// A host device node the engine found for `--device` (its type, numbers and owner).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostDevice {
    pub path_in_container: String,
    /// `c` or `b`.
    pub kind: char,
    pub major: i64,
    pub minor: i64,
    pub file_mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// Some of `r`, `w`, `m`.
    pub permissions: String,
}

/// Add the nodes to `linux.devices` (the init creates them) and their allow rules to the cgroup's.
pub fn add_devices(spec: &mut Value, devs: &[HostDevice]) {
    for d in devs {
        let node = json!({
            "path": d.path_in_container, "type": d.kind.to_string(), "major": d.major,
            "minor": d.minor, "fileMode": d.file_mode, "uid": d.uid, "gid": d.gid,
        });
        match spec["linux"]["devices"].as_array_mut() {
            Some(list) => {
                list.retain(|e| e["path"] != d.path_in_container.as_str());
                list.push(node);
            }
            None => spec["linux"]["devices"] = json!([node]),
        }
        let rule = json!({"allow": true, "type": d.kind.to_string(), "major": d.major,
                          "minor": d.minor, "access": d.permissions});
        if let Some(list) = spec["linux"]["resources"]["devices"].as_array_mut() {
            list.push(rule);
        }
    }
}

/// One `--device-*-bps`/`--device-*-iops` throttle with the device's numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Throttle {
    /// The OCI key: `throttleReadBpsDevice`, `throttleWriteBpsDevice`, `throttleReadIOPSDevice`,
    /// `throttleWriteIOPSDevice`.
    pub key: &'static str,
    pub major: i64,
    pub minor: i64,
    pub rate: u64,
}

/// Add the throttles to `linux.resources.blockIO`.
pub fn add_throttles(spec: &mut Value, throttles: &[Throttle]) {
    if throttles.is_empty() {
        return;
    }
    let res = &mut spec["linux"]["resources"];
    if !res["blockIO"].is_object() {
        res["blockIO"] = json!({});
    }
    for t in throttles {
        let e = json!({"major": t.major, "minor": t.minor, "rate": t.rate});
        match res["blockIO"][t.key].as_array_mut() {
            Some(list) => list.push(e),
            None => res["blockIO"][t.key] = json!([e]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cgroup_rules_become_allow_entries() {
        let o = ContainerConfig {
            device_cgroup_rules: vec!["c 1:3 rwm".into(), "b *:* r".into()],
            ..Default::default()
        };
        assert_eq!(
            cgroup_rules(&o).unwrap(),
            vec![
                json!({"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}),
                json!({"allow": true, "type": "b", "access": "r"}),
            ]
        );
    }
}
