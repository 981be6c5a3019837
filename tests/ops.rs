//! Integration tests of the store's housekeeping verbs (issue 11): `events` (past, filtered, followed,
//! the log's rotation bound), `history`, `system df` and every `prune` with docker's filters and
//! prompt. Root only (containers need namespaces), each test in its own world.

use crate::support::{TestEnv, busybox_world, eventually, fixtures, unique};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Now as docker's `--since`/`--until` take a Unix time with nanoseconds.
fn unix_now() -> String {
    let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    format!("{}.{:09}", d.as_secs(), d.subsec_nanos())
}

/// `events --since since --until now --format '{{json .}}'` with extra args, parsed.
fn past_events(env: &TestEnv, since: &str, extra: &[&str]) -> Vec<Value> {
    let until = unix_now();
    let mut args = vec![
        "events",
        "--since",
        since,
        "--until",
        &until,
        "--format",
        "{{json .}}",
    ];
    args.extend_from_slice(extra);
    env.run(&args)
        .assert_ok()
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

fn actions(evs: &[Value]) -> Vec<String> {
    evs.iter()
        .map(|e| e["Action"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn events_record_a_container_lifecycle_with_docker_attributes() {
    let (env, image) = busybox_world();
    let name = unique("ev");
    let t0 = unix_now();
    env.run([
        "run",
        "--name",
        &name,
        "--label",
        "tier=front",
        &image,
        "sh",
        "-c",
        "exit 3",
    ])
    .assert_code(3);
    let id = env
        .run(["inspect", "-f", "{{.Id}}", &name])
        .assert_ok()
        .stdout()
        .trim()
        .to_string();
    let mid = unix_now();
    env.run(["rm", &name]).assert_ok();

    let evs = past_events(&env, &t0, &["--filter", &format!("container={name}")]);
    assert_eq!(
        actions(&evs),
        ["create", "attach", "start", "die", "destroy"]
    );
    let die = &evs[3];
    assert_eq!(die["Type"], "container");
    assert_eq!(die["status"], "die");
    assert_eq!(die["id"], id.as_str());
    assert_eq!(die["from"], image.as_str());
    assert_eq!(die["scope"], "local");
    assert_eq!(die["Actor"]["ID"], id.as_str());
    let attrs = &die["Actor"]["Attributes"];
    assert_eq!(attrs["exitCode"], "3");
    assert_eq!(attrs["name"], name.as_str());
    assert_eq!(attrs["image"], image.as_str());
    assert_eq!(attrs["tier"], "front");
    let nano = die["timeNano"].as_i64().unwrap();
    assert_eq!(die["time"].as_i64().unwrap(), nano / 1_000_000_000);

    // --until bounds the past: the removal came after `mid`.
    let bounded = env
        .run([
            "events",
            "--since",
            &t0,
            "--until",
            &mid,
            "--filter",
            &format!("container={id}"),
            "--format",
            "{{.Action}}",
        ])
        .assert_ok()
        .stdout()
        .to_string();
    assert_eq!(bounded, "create\nattach\nstart\ndie\n");

    // Filters of different keys all hold; the text form is docker's.
    let text = env
        .run([
            "system",
            "events",
            "--since",
            &t0,
            "--until",
            &unix_now(),
            "--filter",
            "type=container",
            "--filter",
            "event=die",
            "--filter",
            "label=tier=front",
        ])
        .assert_ok()
        .stdout()
        .to_string();
    let line = text.lines().find(|l| l.contains(&name)).expect(&text);
    let expected_tail =
        format!(" container die {id} (exitCode=3, image={image}, name={name}, tier=front)");
    assert!(line.ends_with(&expected_tail), "{line}");
    assert_eq!(line.as_bytes()[10], b'T', "{line}");
    assert_eq!(&line[19..20], ".", "nine fraction digits: {line}");
    assert!(line[20..29].bytes().all(|b| b.is_ascii_digit()), "{line}");

    env.run(["events", "--filter", "bogus=1", "--until", "1s"])
        .assert_code(1)
        .assert_stderr_has("invalid filter 'bogus'");
}

#[test]
fn events_follow_prints_what_happens_after_it_started() {
    let env = TestEnv::new();
    let vol = unique("fv");
    let mut child = env
        .berth()
        .args([
            "events",
            "--filter",
            "type=volume",
            "--format",
            "{{.Action}} {{.Actor.ID}}",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for l in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    // The follower is reading once an event written now reaches it: create volumes until one shows.
    let mut seen = Vec::new();
    let mut i = 0;
    let ok = eventually(30, || {
        i += 1;
        env.run(["volume", "create", &format!("{vol}-{i}")])
            .assert_ok();
        while let Ok(l) = rx.recv_timeout(Duration::from_millis(300)) {
            seen.push(l);
        }
        seen.iter()
            .any(|l| l.starts_with(&format!("create {vol}-")))
    });
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        ok,
        "the follower never printed the volume's creation: {seen:?}"
    );
}

#[test]
fn the_events_log_rotates_and_both_generations_are_read() {
    let env = TestEnv::new();
    let dir = env.run_root().join("events");
    std::fs::create_dir_all(&dir).unwrap();
    // A log just over the rotation size (docs/layout.md "Events": 1 MiB), of old volume events.
    let mut big = String::new();
    let mut n = 0;
    while big.len() <= 1 << 20 {
        big.push_str(&format!(
            "{{\"type\":\"volume\",\"action\":\"create\",\"id\":\"old{n}\",\"attributes\":{{\"driver\":\"local\"}},\"time_nano\":{}}}\n",
            1_000_000_000 + n
        ));
        n += 1;
    }
    std::fs::write(dir.join("events.log"), &big).unwrap();
    let vol = unique("rv");
    env.run(["volume", "create", &vol]).assert_ok();
    let old = std::fs::metadata(dir.join("events.log.1")).unwrap().len();
    let new = std::fs::metadata(dir.join("events.log")).unwrap().len();
    assert_eq!(
        old,
        big.len() as u64,
        "the full log became the previous generation"
    );
    assert!(new < 4096, "the new log holds only the new event: {new}");
    let ids: Vec<String> = past_events(&env, "0.5", &["--filter", "type=volume"])
        .iter()
        .map(|e| e["Actor"]["ID"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), n as usize + 1);
    assert_eq!(ids[0], "old0");
    assert_eq!(ids.last().unwrap(), &vol);
}

#[test]
fn history_shows_the_config_history_newest_first() {
    let (env, image) = busybox_world();
    let id = env
        .run(["image", "inspect", "-f", "{{.Id}}", &image])
        .assert_ok()
        .stdout()
        .trim()
        .to_string();
    let total: u64 = env
        .run(["image", "inspect", "-f", "{{.Size}}", &image])
        .assert_ok()
        .stdout()
        .trim()
        .parse()
        .unwrap();
    let out = env
        .run([
            "history",
            "--no-trunc",
            "--human=false",
            "--format",
            "{{.ID}}|{{.CreatedBy}}|{{.Size}}|{{.CreatedSince}}",
            &image,
        ])
        .assert_ok()
        .stdout()
        .to_string();
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('|').collect()).collect();
    assert!(!rows.is_empty());
    assert_eq!(rows[0][0], id);
    assert!(rows[1..].iter().all(|r| r[0] == "<missing>"), "{out}");
    // The fixture's config names its steps "berth fixture layer N", oldest first.
    let n = rows.len();
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r[1], format!("berth fixture layer {}", n - i));
        assert!(r[3].ends_with('Z') || r[3].contains('+') || r[3].matches('-').count() == 3);
    }
    let sum: u64 = rows.iter().map(|r| r[2].parse::<u64>().unwrap()).sum();
    assert_eq!(sum, total, "the layers' sizes add up to the image's");

    let table = env
        .run(["history", &image])
        .assert_ok()
        .stdout()
        .to_string();
    let mut lines = table.lines();
    let header = lines.next().unwrap();
    for col in ["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"] {
        assert!(header.contains(col), "{header}");
    }
    assert!(lines.next().unwrap().starts_with(&id[7..19]));
    let quiet = env
        .run(["history", "-q", &image])
        .assert_ok()
        .stdout()
        .to_string();
    assert_eq!(quiet.lines().next().unwrap(), &id[7..19]);
    assert_eq!(quiet.lines().count(), n);

    env.run(["history", "nope:1"]).assert_code(1);
}

#[test]
fn history_of_an_import_shows_its_comment_uncut() {
    let env = TestEnv::new();
    let tar = fixtures::busybox_layer_tar();
    let tag = format!("{}:1", unique("imp"));
    env.run_with_stdin(["import", "-m", &"x".repeat(60), "-", &tag], &tar)
        .assert_ok();
    let out = env
        .run([
            "history",
            "--format",
            "{{.ID}}|{{.Comment}}|{{.CreatedBy}}",
            &tag,
        ])
        .assert_ok()
        .stdout()
        .to_string();
    let row: Vec<&str> = out.trim_end().split('|').collect();
    assert_eq!(row[1], "x".repeat(60), "comments are never cut");
    assert_eq!(row[2], "");
}

/// `system df --format '{{json .}}'` rows by type.
fn df(env: &TestEnv) -> std::collections::BTreeMap<String, Value> {
    env.run(["system", "df", "--format", "{{json .}}"])
        .assert_ok()
        .stdout()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["Type"].as_str().unwrap().to_string(), v)
        })
        .collect()
}

#[test]
fn system_df_agrees_with_images_and_ps() {
    let (env, image) = busybox_world();
    let name = unique("df");
    env.run([
        "run",
        "--name",
        &name,
        &image,
        "sh",
        "-c",
        "dd if=/dev/zero of=/blob bs=1000 count=300",
    ])
    .assert_ok();
    let vol = unique("dv");
    env.run(["volume", "create", &vol]).assert_ok();
    let rows = df(&env);
    assert_eq!(rows["Images"]["TotalCount"], "1");
    assert_eq!(rows["Images"]["Active"], "1");
    assert_eq!(rows["Containers"]["TotalCount"], "1");
    assert_eq!(rows["Containers"]["Active"], "0");
    assert_eq!(rows["Local Volumes"]["TotalCount"], "1");
    assert_eq!(rows["Local Volumes"]["Active"], "0");
    assert_eq!(rows["Build Cache"]["Size"], "0B");
    // The stopped container's 300 kB are all reclaimable.
    assert_eq!(rows["Containers"]["Size"], "300kB");
    assert_eq!(rows["Containers"]["Reclaimable"], "300kB (100%)");
    // The image is used: nothing of it is reclaimable.
    assert!(
        rows["Images"]["Reclaimable"]
            .as_str()
            .unwrap()
            .starts_with("0B")
    );

    let verbose = env
        .run(["system", "df", "-v"])
        .assert_ok()
        .stdout()
        .to_string();
    let img_size = env
        .run(["images", "--format", "{{.Size}}"])
        .assert_ok()
        .stdout()
        .trim()
        .to_string();
    let ps_size = env
        .run(["ps", "-a", "-s", "--format", "{{.Size}}"])
        .assert_ok()
        .stdout()
        .trim()
        .to_string();
    let img_line = verbose
        .lines()
        .find(|l| l.contains("ago") && !l.contains(&name))
        .expect(&verbose);
    assert!(
        img_line.contains(&format!(" {img_size} ")),
        "{img_line} vs {img_size}"
    );
    let ctr_line = verbose
        .lines()
        .find(|l| l.ends_with(&name))
        .expect(&verbose);
    let ctr_size = ps_size.split(' ').next().unwrap();
    assert!(
        ctr_line.contains(&format!(" {ctr_size} ")),
        "{ctr_line} vs {ps_size}"
    );
    for title in [
        "Images space usage:",
        "Containers space usage:",
        "Local Volumes space usage:",
        "Build cache usage: 0B",
    ] {
        assert!(verbose.contains(title), "{verbose}");
    }
    assert!(verbose.lines().any(|l| l.starts_with(&vol)), "{verbose}");
}

#[test]
fn system_df_verbose_lists_the_build_cache_records() {
    let (env, base) = busybox_world();
    let dockerfile = format!(
        "FROM {base}\nRUN --mount=type=cache,target=/c echo x > /c/f; echo hi > /hi\nCOPY a.txt /a.txt\nENV K=v\n"
    );
    let ctx = crate::build::context(&env, &[("Dockerfile", &dockerfile), ("a.txt", "a\n")]);
    let c = ctx.to_str().unwrap();
    crate::build::build(&env, &["-q", c]).assert_ok();
    crate::build::build(&env, &["-q", c]).assert_ok();
    let rows = df(&env);
    // Two steps made layers (ENV made none), plus the cache mount.
    assert_eq!(rows["Build Cache"]["TotalCount"], "3");
    assert_eq!(rows["Build Cache"]["Active"], "0");
    assert_ne!(rows["Build Cache"]["Size"], "0B");

    let verbose = env
        .run(["system", "df", "-v"])
        .assert_ok()
        .stdout()
        .to_string();
    let section: Vec<&str> = verbose
        .lines()
        .skip_while(|l| !l.starts_with("Build cache usage: "))
        .skip(2)
        .collect();
    let cols = |l: &str| -> Vec<String> {
        l.split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        cols(section[0]),
        [
            "CACHE ID",
            "CACHE TYPE",
            "SIZE",
            "CREATED",
            "LAST USED",
            "USAGE",
            "SHARED"
        ],
        "{verbose}"
    );
    let records: Vec<Vec<String>> = section[1..]
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| cols(l))
        .collect();
    assert_eq!(records.len(), 3, "{verbose}");
    let regular: Vec<&Vec<String>> = records.iter().filter(|r| r[1] == "regular").collect();
    assert_eq!(regular.len(), 2, "{verbose}");
    for r in &regular {
        assert_eq!(r[0].len(), 12, "{r:?}");
        assert!(r[3].ends_with(" ago") && r[4].ends_with(" ago"), "{r:?}");
        // Made by the first build, used by the second.
        assert_eq!(r[5], "2", "{r:?}");
        assert_eq!(r[6], "false", "{r:?}");
    }
    assert_eq!(
        records.iter().filter(|r| r[1] == "exec.cachemount").count(),
        1,
        "{verbose}"
    );
    // `builder prune -a` empties it.
    env.run(["builder", "prune", "-a", "-f"]).assert_ok();
    assert_eq!(df(&env)["Build Cache"]["TotalCount"], "0");
}

fn names(env: &TestEnv, args: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = env
        .run(args)
        .assert_ok()
        .stdout()
        .lines()
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

#[test]
fn prunes_remove_exactly_what_their_filters_allow() {
    let (env, image) = busybox_world();
    let keep = unique("keep");
    let gone = unique("gone");
    env.run([
        "create", "--name", &keep, "--label", "keep=yes", &image, "true",
    ])
    .assert_ok();
    env.run(["create", "--name", &gone, &image, "true"])
        .assert_ok();
    // Everything is younger than an hour: `until=1h` spares it all.
    env.run(["container", "prune", "-f", "--filter", "until=1h"])
        .assert_ok()
        .assert_stdout_eq("Total reclaimed space: 0B\n");
    let out = env
        .run(["container", "prune", "-f", "--filter", "label!=keep"])
        .assert_ok()
        .stdout()
        .to_string();
    let gone_id = out.lines().nth(1).unwrap().to_string();
    assert!(out.starts_with("Deleted Containers:\n"), "{out}");
    assert!(out.ends_with("\nTotal reclaimed space: 0B\n"), "{out}");
    assert_eq!(gone_id.len(), 64);
    assert_eq!(names(&env, &["ps", "-a", "--format", "{{.Names}}"]), [keep]);

    // Volumes: label filters; docker's volume prune has no `until`.
    let (va, vb) = (unique("va"), unique("vb"));
    env.run(["volume", "create", "--label", "tmp=1", &va])
        .assert_ok();
    env.run(["volume", "create", &vb]).assert_ok();
    env.run(["volume", "prune", "-f", "--filter", "until=1h"])
        .assert_code(1)
        .assert_stderr_has("invalid filter 'until'");
    env.run(["volume", "prune", "-f", "-a", "--filter", "label=tmp=1"])
        .assert_ok()
        .assert_stdout_has(&format!("Deleted Volumes:\n{va}\n"));
    assert_eq!(names(&env, &["volume", "ls", "-q"]), [vb]);

    // Networks: `until` in the future takes what was created before it.
    let (na, nb) = (unique("na"), unique("nb"));
    env.run(["network", "create", "--label", "x=1", &na])
        .assert_ok();
    env.run(["network", "create", &nb]).assert_ok();
    env.run(["network", "prune", "-f", "--filter", "label=x"])
        .assert_ok()
        .assert_stdout_eq(&format!("Deleted Networks:\n{na}\n\n"));
    let later = (SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600)
        .to_string();
    env.run(["network", "prune", "-f", "--filter", "until=1h"])
        .assert_ok()
        .assert_stdout_eq("");
    env.run([
        "network",
        "prune",
        "-f",
        "--filter",
        &format!("until={later}"),
    ])
    .assert_ok()
    .assert_stdout_eq(&format!("Deleted Networks:\n{nb}\n\n"));

    // Images: an unused dangling import is pruned unless `until` spares it.
    let tar = fixtures::busybox_layer_tar();
    let imported = env
        .run_with_stdin(["import", "-"], &tar)
        .assert_ok()
        .stdout()
        .trim()
        .to_string();
    env.run(["image", "prune", "-f", "--filter", "until=1h"])
        .assert_ok()
        .assert_stdout_eq("Total reclaimed space: 0B\n");
    let out = env
        .run(["image", "prune", "-f"])
        .assert_ok()
        .stdout()
        .to_string();
    assert!(
        out.starts_with(&format!("Deleted Images:\ndeleted: {imported}\n")),
        "{out}"
    );
    env.run(["image", "inspect", &imported]).assert_code(1);
    // The used image stays.
    env.run(["image", "inspect", &image]).assert_ok();
}

#[test]
fn system_prune_asks_first_and_removes_every_kind() {
    let (env, image) = busybox_world();
    let c = unique("sp");
    env.run(["create", "--name", &c, &image, "true"])
        .assert_ok();
    env.run(["run", "-v", "/data", &image, "true"]).assert_ok();
    let mounts = past_events(
        &env,
        "0.5",
        &["--filter", "type=volume", "--filter", "event=mount"],
    );
    assert_eq!(mounts.len(), 1, "{mounts:?}");
    assert_eq!(mounts[0]["Actor"]["Attributes"]["destination"], "/data");
    assert_eq!(mounts[0]["Actor"]["Attributes"]["read/write"], "true");
    // No answer on stdin: docker's prompt, then nothing removed.
    let out = env
        .run(["system", "prune", "--volumes"])
        .assert_ok()
        .stdout()
        .to_string();
    assert_eq!(
        out,
        "WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n  - all anonymous volumes not used by at least one container\n  - all dangling images\n  - unused build cache\n\nAre you sure you want to continue? [y/N] "
    );
    assert_eq!(names(&env, &["ps", "-aq"]).len(), 2);
    env.run(["system", "prune", "--volumes", "--filter", "until=1h"])
        .assert_code(1)
        .assert_stderr_has("ERROR: The \"until\" filter is not supported with \"--volumes\"");
    // `y` on stdin proceeds, as docker's prompt reads it.
    let out = env
        .run_with_stdin(["system", "prune", "-a", "--volumes"], b"y\n")
        .assert_ok()
        .stdout()
        .to_string();
    assert!(out.contains("Deleted Containers:\n"), "{out}");
    assert!(out.contains("Deleted Volumes:\n"), "{out}");
    assert!(out.contains("Deleted Images:\nuntagged: "), "{out}");
    assert!(
        out.lines()
            .last()
            .unwrap()
            .starts_with("Total reclaimed space: "),
        "{out}"
    );
    assert!(names(&env, &["ps", "-aq"]).is_empty());
    assert!(names(&env, &["images", "-q"]).is_empty());
    assert!(names(&env, &["volume", "ls", "-q"]).is_empty());
    // The image went with events: untag, then delete.
    let evs = past_events(
        &env,
        "0.5",
        &["--filter", "type=image", "--filter", "event=delete"],
    );
    assert_eq!(evs.len(), 1, "{evs:?}");
}

#[test]
fn events_of_execs_images_networks_and_pods_carry_docker_attributes() {
    let (env, image) = busybox_world();
    let t0 = unix_now();
    let c = unique("ex");
    env.run(["run", "-d", "--name", &c, &image, "sleep", "60"])
        .assert_ok();
    env.run(["exec", &c, "sh", "-c", "exit 4"]).assert_code(4);
    let execs = past_events(&env, &t0, &["--filter", "event=exec_die"]);
    assert_eq!(execs.len(), 1, "{execs:?}");
    assert_eq!(execs[0]["Actor"]["Attributes"]["exitCode"], "4");
    assert_eq!(execs[0]["Actor"]["Attributes"]["name"], c.as_str());
    let starts = past_events(&env, &t0, &["--filter", "event=exec_start"]);
    assert_eq!(starts[0]["Action"], "exec_start: sh -c exit 4");
    env.run(["kill", &c]).assert_ok();
    let kills = past_events(&env, &t0, &["--filter", "event=kill"]);
    assert_eq!(kills[0]["Actor"]["Attributes"]["signal"], "9");

    let tag = format!("{}:2", unique("tagged"));
    env.run(["tag", &image, &tag]).assert_ok();
    env.run(["rmi", &tag]).assert_ok();
    let imgs = past_events(&env, &t0, &["--filter", "type=image"]);
    assert_eq!(actions(&imgs), ["tag", "untag"]);
    assert_eq!(imgs[0]["Actor"]["Attributes"]["name"], tag.as_str());
    assert!(
        imgs[0]["Actor"]["ID"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );

    let net = unique("en");
    env.run(["network", "create", &net]).assert_ok();
    env.run(["network", "rm", &net]).assert_ok();
    let nets = past_events(&env, &t0, &["--filter", &format!("network={net}")]);
    assert_eq!(actions(&nets), ["create", "destroy"]);
    assert_eq!(nets[0]["Actor"]["Attributes"]["type"], "bridge");

    let pod = unique("ep");
    env.run(["pod", "create", "--name", &pod]).assert_ok();
    env.run(["pod", "rm", &pod]).assert_ok();
    let pods = past_events(&env, &t0, &["--filter", "type=pod"]);
    assert_eq!(actions(&pods), ["create", "remove"]);
    assert_eq!(pods[0]["Actor"]["Attributes"]["name"], pod.as_str());
}

#[test]
fn rootless_containers_record_their_lifecycle_too() {
    let (env, image) = TestEnv::rootless().with_image(fixtures::BUSYBOX);
    let t0 = unix_now();
    let name = unique("rl");
    env.run(["run", "--rm", "--name", &name, &image, "true"])
        .assert_ok();
    let evs = past_events(&env, &t0, &["--filter", &format!("container={name}")]);
    assert_eq!(
        actions(&evs),
        ["create", "attach", "start", "die", "destroy"]
    );
}

/// `events --since t0 --until now --format '{{.Type}} {{.Action}}'`, one string per event.
fn typed_actions(env: &TestEnv, since: &str) -> Vec<String> {
    let until = unix_now();
    let args = [
        "events",
        "--since",
        since,
        "--until",
        &until,
        "--format",
        "{{.Type}} {{.Action}}",
    ];
    let out = env.run(args).assert_ok().stdout().to_string();
    out.lines().map(str::to_string).collect()
}

#[test]
fn a_run_records_docker_sequence_of_container_network_and_volume_events() {
    let (env, image) = busybox_world();
    let t0 = unix_now();
    let name = unique("seq");
    env.run([
        "run", "--rm", "-v", "/data", "--name", &name, &image, "true",
    ])
    .assert_ok();
    assert_eq!(
        typed_actions(&env, &t0),
        [
            "volume create",
            "container create",
            "container attach",
            "network connect",
            "volume mount",
            "container start",
            "container die",
            "network disconnect",
            "volume unmount",
            "volume destroy",
            "container destroy",
        ]
    );
    // The network events name the container, the network and its driver, as docker's.
    let connects = past_events(&env, &t0, &["--filter", "event=connect"]);
    let attrs = &connects[0]["Actor"]["Attributes"];
    assert_eq!(attrs["name"], "bridge");
    assert_eq!(attrs["type"], "bridge");
    let id = attrs["container"].as_str().unwrap();
    assert_eq!(id.len(), 64, "{attrs}");
    let destroyed = past_events(&env, &t0, &["--filter", "type=container"]);
    assert_eq!(destroyed.last().unwrap()["id"], id);

    // Detached, on a user network; `rm -v` destroys the anonymous volume before the container.
    let net = unique("sqn");
    env.run(["network", "create", &net]).assert_ok();
    let t1 = unix_now();
    let d = unique("seqd");
    env.run([
        "run",
        "-d",
        "-v",
        "/data",
        "--network",
        &net,
        "--name",
        &d,
        &image,
        "true",
    ])
    .assert_ok();
    assert!(eventually(10, || {
        typed_actions(&env, &t1).contains(&"volume unmount".to_string())
    }));
    env.run(["rm", "-v", &d]).assert_ok();
    assert_eq!(
        typed_actions(&env, &t1),
        [
            "volume create",
            "container create",
            "network connect",
            "volume mount",
            "container start",
            "container die",
            "network disconnect",
            "volume unmount",
            "volume destroy",
            "container destroy",
        ]
    );
    let nets = past_events(&env, &t1, &["--filter", &format!("network={net}")]);
    assert_eq!(actions(&nets), ["connect", "disconnect"]);
    env.run(["network", "rm", &net]).assert_ok();

    // `--network none` is on docker's predefined `none` network (driver `null`), under the id `network
    // inspect` shows.
    let t2 = unix_now();
    env.run(["run", "--rm", "--network", "none", &image, "true"])
        .assert_ok();
    let nets = past_events(&env, &t2, &["--filter", "type=network"]);
    assert_eq!(actions(&nets), ["connect", "disconnect"]);
    assert_eq!(nets[0]["Actor"]["Attributes"]["name"], "none");
    assert_eq!(nets[0]["Actor"]["Attributes"]["type"], "null");
    let none = env.run(["network", "inspect", "-f", "{{.Id}}", "none"]);
    assert_eq!(nets[0]["Actor"]["ID"], none.assert_ok().stdout().trim());
}

#[test]
fn pod_kill_pause_and_unpause_are_recorded_with_podman_names() {
    let (env, image) = busybox_world();
    let pod = unique("pk");
    env.run(["pod", "create", "--name", &pod]).assert_ok();
    env.run(["run", "-d", "--pod", &pod, &image, "sleep", "60"])
        .assert_ok();
    let t0 = unix_now();
    env.run(["pod", "pause", &pod]).assert_ok();
    env.run(["pod", "unpause", &pod]).assert_ok();
    env.run(["pod", "kill", &pod]).assert_ok();
    let pods = past_events(&env, &t0, &["--filter", "type=pod"]);
    assert_eq!(actions(&pods), ["pause", "unpause", "kill"]);
    assert_eq!(pods[2]["Actor"]["Attributes"]["name"], pod.as_str());
    env.run(["pod", "rm", "-f", &pod]).assert_ok();
}
