//! Unit tests of the package-mirror rewrites.

use super::*;

fn m(pairs: &[(&str, &str)]) -> Mirrors {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn all() -> Mirrors {
    m(&[
        ("debian", "http://mirror.internal/debian"),
        ("debian-security", "http://mirror.internal/debian-security/"),
        ("ubuntu", "https://ubuntu.mirror.internal/ubuntu"),
        ("alpine", "http://mirror.internal/alpine"),
    ])
}

#[test]
fn apt_one_line_debian() {
    let text = "# comment http://deb.debian.org/debian\n\
                deb http://deb.debian.org/debian bookworm main\n\
                deb-src http://deb.debian.org/debian/ bookworm main\n\
                deb http://security.debian.org/debian-security bookworm-security main\n\
                deb http://example.com/other stable main\n";
    let out = rewrite_apt_list(text, &all()).unwrap();
    assert_eq!(
        out,
        "# comment http://deb.debian.org/debian\n\
         deb http://mirror.internal/debian bookworm main\n\
         deb-src http://mirror.internal/debian/ bookworm main\n\
         deb http://mirror.internal/debian-security bookworm-security main\n\
         deb http://example.com/other stable main\n"
    );
}

#[test]
fn apt_one_line_options_and_spacing_kept() {
    let text = "deb  [arch=amd64 signed-by=/usr/share/keyrings/k.gpg]   http://ftp.de.debian.org/debian  bullseye main contrib\r\n";
    let out = rewrite_apt_list(text, &all()).unwrap();
    assert_eq!(
        out,
        "deb  [arch=amd64 signed-by=/usr/share/keyrings/k.gpg]   http://mirror.internal/debian  bullseye main contrib\r\n"
    );
}

#[test]
fn apt_old_security_root_form() {
    let text = "deb http://security.debian.org/ stretch/updates main\n";
    assert_eq!(
        rewrite_apt_list(text, &all()).unwrap(),
        "deb http://mirror.internal/debian-security/ stretch/updates main\n"
    );
}

#[test]
fn apt_ubuntu() {
    let text = "deb http://archive.ubuntu.com/ubuntu/ jammy main restricted\n\
                deb http://us.archive.ubuntu.com/ubuntu/ jammy-updates main\n\
                deb http://security.ubuntu.com/ubuntu/ jammy-security main\n\
                deb http://ports.ubuntu.com/ubuntu-ports/ jammy main\n";
    let out = rewrite_apt_list(text, &all()).unwrap();
    assert_eq!(
        out,
        "deb https://ubuntu.mirror.internal/ubuntu/ jammy main restricted\n\
         deb https://ubuntu.mirror.internal/ubuntu/ jammy-updates main\n\
         deb https://ubuntu.mirror.internal/ubuntu/ jammy-security main\n\
         deb http://ports.ubuntu.com/ubuntu-ports/ jammy main\n"
    );
}

#[test]
fn only_configured_keys_are_rewritten() {
    let text = "deb http://deb.debian.org/debian bookworm main\ndeb http://deb.debian.org/debian-security bookworm-security main\n";
    let out =
        rewrite_apt_list(text, &m(&[("debian-security", "http://s/debian-security")])).unwrap();
    assert_eq!(
        out,
        "deb http://deb.debian.org/debian bookworm main\ndeb http://s/debian-security bookworm-security main\n"
    );
    assert_eq!(
        rewrite_apt_list(text, &m(&[("alpine", "http://a/alpine")])),
        None
    );
}

#[test]
fn nothing_to_change_is_none() {
    assert_eq!(
        rewrite_apt_list("deb http://example.com/debian stable main\n", &all()),
        None
    );
    assert_eq!(rewrite_apt_list("", &all()), None);
    // Already pointing at the mirror: nothing to do.
    let mirrors = m(&[("alpine", "http://dl-cdn.alpinelinux.org/alpine")]);
    assert_eq!(
        rewrite_apk(
            "http://dl-cdn.alpinelinux.org/alpine/v3.19/main\n",
            &mirrors
        ),
        None
    );
}

#[test]
fn deb822_sources() {
    let text = "Types: deb\n\
                URIs: http://deb.debian.org/debian\n\
                Suites: bookworm bookworm-updates\n\
                Components: main\n\
                Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\
                \n\
                Types: deb\n\
                uris: http://deb.debian.org/debian-security\n\
                Suites: bookworm-security\n\
                Components: main\n";
    let out = rewrite_deb822(text, &all()).unwrap();
    assert_eq!(
        out,
        "Types: deb\n\
         URIs: http://mirror.internal/debian\n\
         Suites: bookworm bookworm-updates\n\
         Components: main\n\
         Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\
         \n\
         Types: deb\n\
         uris: http://mirror.internal/debian-security\n\
         Suites: bookworm-security\n\
         Components: main\n"
    );
}

#[test]
fn deb822_several_uris_and_continuation() {
    let text = "URIs: http://deb.debian.org/debian http://example.com/x\n http://ftp.us.debian.org/debian\nSuites: stable\n# URIs: http://deb.debian.org/debian\n";
    let out = rewrite_deb822(text, &all()).unwrap();
    assert_eq!(
        out,
        "URIs: http://mirror.internal/debian http://example.com/x\n http://mirror.internal/debian\nSuites: stable\n# URIs: http://deb.debian.org/debian\n"
    );
}

#[test]
fn apk_repositories() {
    let text = "https://dl-cdn.alpinelinux.org/alpine/v3.19/main\n\
                https://dl-cdn.alpinelinux.org/alpine/v3.19/community\n\
                #https://dl-cdn.alpinelinux.org/alpine/edge/testing\n\
                @edge http://dl-4.alpinelinux.org/alpine/edge/main\n\
                /media/cdrom/apks\n";
    let out = rewrite_apk(text, &all()).unwrap();
    assert_eq!(
        out,
        "http://mirror.internal/alpine/v3.19/main\n\
         http://mirror.internal/alpine/v3.19/community\n\
         #https://dl-cdn.alpinelinux.org/alpine/edge/testing\n\
         @edge http://mirror.internal/alpine/edge/main\n\
         /media/cdrom/apks\n"
    );
}

#[test]
fn rewrite_file_dispatches_and_describes() {
    let r = rewrite_file(
        "/etc/apk/repositories",
        "https://dl-cdn.alpinelinux.org/alpine/v3.19/main\n",
        &all(),
    )
    .unwrap();
    assert_eq!(
        r.describe("/etc/apk/repositories"),
        vec![
            "/etc/apk/repositories:1: https://dl-cdn.alpinelinux.org/alpine/v3.19/main -> http://mirror.internal/alpine/v3.19/main"
        ]
    );
    let r = rewrite_file(
        "/etc/apt/sources.list.d/debian.sources",
        "URIs: http://deb.debian.org/debian\n",
        &all(),
    )
    .unwrap();
    assert_eq!(
        r.changes,
        vec![Change {
            line: 1,
            from: "http://deb.debian.org/debian".into(),
            to: "http://mirror.internal/debian".into()
        }]
    );
    assert!(
        rewrite_file(
            "/etc/apt/sources.list.d/x.list",
            "deb http://deb.debian.org/debian a b\n",
            &all()
        )
        .is_some()
    );
    assert!(rewrite_file("/etc/hosts", "http://deb.debian.org/debian\n", &all()).is_none());
}

#[test]
fn mirror_configuration_is_checked() {
    assert_eq!(check_mirror("debian", "http://m/debian"), Ok(()));
    assert_eq!(check_mirror("alpine", "https://m:8443/alpine"), Ok(()));
    assert_eq!(
        check_mirror("fedora", "http://m/").unwrap_err(),
        "unknown package mirror \"fedora\" (known: debian, debian-security, ubuntu, alpine)"
    );
    assert!(check_mirror("debian", "ftp://m/debian").is_err());
    assert!(check_mirror("debian", "http://").is_err());
}
