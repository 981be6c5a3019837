//! Integration tests: the pull's per-phase trace (`BERTH_TRACE=FILE`, issue 14) names every phase of a cold
//! pull, each layer's stages before its sync and commit, so the timings the benchmark work relies on stay in the code.

use crate::support::fixtures;
use crate::support::{Outcome, TestEnv, registry};
use std::collections::HashMap;

/// One trace line: (wall-clock ns, role, phase).
fn parse(text: &str) -> Vec<(u128, String, String)> {
    text.lines()
        .map(|l| {
            let mut f = l.split(' ');
            let wall: u128 = f.next().unwrap().parse().unwrap();
            let _pid = f.next().unwrap();
            let role = f.next().unwrap().to_string();
            let rest: Vec<&str> = f.collect();
            // The last field is the duration (+x.yms or =x.yms).
            let (dur, phase) = rest.split_last().unwrap();
            assert!(dur.starts_with(['+', '=']) && dur.ends_with("ms"), "{l}");
            (wall, role, phase.join(" "))
        })
        .collect()
}

#[test]
fn pull_trace_names_every_phase_of_each_layer_before_its_sync_and_commit() {
    let reg = registry::shared();
    let env = TestEnv::new();
    let name = reg.image(fixtures::BUSYBOX);
    let trace = env.dir().join("trace.txt");
    let mut cmd = env.berth();
    cmd.env("BERTH_TRACE", &trace).args(["pull", "-q", &name]);
    Outcome::of(&mut cmd).assert_ok();
    let lines = parse(&std::fs::read_to_string(&trace).unwrap());
    let at = |phase: &str| -> u128 {
        let hits: Vec<u128> = lines
            .iter()
            .filter(|(_, role, p)| role == "pull" && p == phase)
            .map(|(w, _, _)| *w)
            .collect();
        assert_eq!(hits.len(), 1, "one {phase:?} line in {lines:?}");
        hits[0]
    };
    let (manifest, config, stored, index) = (
        at("pull manifest"),
        at("pull config"),
        at("pull store manifest+config"),
        at("pull index"),
    );
    assert!(manifest <= config && config <= index && stored <= index);

    // Every layer the image has, by the short blob digest, with its five phases.
    let inspect = env.run([
        "image",
        "inspect",
        "--format",
        "{{len .RootFS.Layers}}",
        &name,
    ]);
    inspect.assert_ok();
    let want: usize = inspect.stdout().trim().parse().unwrap();
    let mut layers: HashMap<String, HashMap<String, u128>> = HashMap::new();
    for (wall, _, phase) in &lines {
        let mut w = phase.split(' ');
        if let (Some("layer"), Some(id), Some(step), None) =
            (w.next(), w.next(), w.next(), w.next())
        {
            let prev = layers
                .entry(id.to_string())
                .or_default()
                .insert(step.to_string(), *wall);
            assert!(prev.is_none(), "two {phase:?} lines");
        }
    }
    assert_eq!(layers.len(), want, "{lines:?}");
    for (id, steps) in &layers {
        let order = ["download", "inflate", "unpack", "sync", "commit"];
        let ends: Vec<u128> = order
            .iter()
            .map(|s| {
                *steps
                    .get(*s)
                    .unwrap_or_else(|| panic!("layer {id}: no {s} in {lines:?}"))
            })
            .collect();
        // The three stages run side by side and each drains its input after handing on its last chunk, so
        // their ends come in any order (each thread writes its line when it returns); all three are over
        // before the layer is synced, it is synced before it is named, and named before the image's record
        // is written.
        let streamed = ends[..3].iter().max().unwrap();
        assert!(
            *streamed <= ends[3] && ends[3] <= ends[4],
            "layer {id}: {steps:?}"
        );
        assert!(
            config <= ends[0] && ends[4] <= index,
            "layer {id}: {steps:?}"
        );
    }
}

/// A pulled layer's kept blob is read again only by push and save, so the pull writes it around the page
/// cache (`store/direct.rs`, docs/layout.md "Images"): of a 3 MiB incompressible layer, at most the last
/// partial MiB is cached once the pull is done, and the blob is whole (it is pushed back byte for byte
/// by the ship tests).
#[test]
fn a_pulled_layer_blob_is_written_around_the_page_cache() {
    use crate::support::fixtures::{Compression, LayerBuilder, Layout, image_config};
    // Incompressible: gzip leaves it at its size, so the blob is over 3 MiB.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let noise: Vec<u8> = (0..3 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let mut l = LayerBuilder::new();
    l.file("noise", 0o644, &noise);
    let tar = l.finish();
    let dir = crate::support::temp_dir("direct");
    let layout = Layout::create(dir.path());
    let config = image_config("amd64", None, serde_json::json!({"Cmd": ["sh"]}), &[&tar]);
    let m = layout.image(&config, &[(tar, Compression::Gzip)]);
    layout.tag(&m, "latest");
    let repo = format!("library/{}:latest", crate::support::unique("direct"));
    let reg = registry::shared();
    reg.skopeo_push(dir.path(), "latest", &repo, &[]);
    let env = TestEnv::new();
    env.run(["pull", "-q", &reg.image(&repo)]).assert_ok();

    let blobs = env.root().join("blobs/sha256");
    let (blob, size) = std::fs::read_dir(&blobs)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let n = p.metadata().unwrap().len();
            (p, n)
        })
        .max_by_key(|(_, n)| *n)
        .unwrap();
    assert!(size > 3 << 20, "the layer blob is {size} bytes");
    // ext4 and xfs take O_DIRECT; elsewhere the blob is written buffered and nothing is asserted.
    let fs = std::process::Command::new("stat")
        .args(["-f", "-c", "%T"])
        .arg(&blobs)
        .output()
        .unwrap();
    let fs = String::from_utf8_lossy(&fs.stdout).trim().to_string();
    if !["ext2/ext3", "xfs"].contains(&fs.as_str()) {
        eprintln!("skipping the page cache check on {fs}");
        return;
    }
    let res = std::process::Command::new("fincore")
        .args(["--bytes", "--noheadings", "--output", "RES"])
        .arg(&blob)
        .output()
        .unwrap();
    assert!(res.status.success(), "{res:?}");
    let cached: u64 = String::from_utf8_lossy(&res.stdout).trim().parse().unwrap();
    assert!(
        cached <= 1 << 20,
        "{cached} of the blob's {size} bytes are in the page cache after the pull"
    );
}
