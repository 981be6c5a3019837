//! Unit tests of the instruction rules: arguments, flags and BuildKit's messages per instruction.

use super::tests::{copy, fail, ok, one, pairs, run, s};
use super::*;
use crate::engine::build::ast::ArgDecl;

#[test]
fn from_forms() {
    let d = ok(
        "FROM --platform=$BUILDPLATFORM golang:1.22 AS build-env.1\nFROM build-env.1\nFROM scratch\n",
    );
    assert_eq!(d.stages.len(), 3);
    assert_eq!(d.stages[0].platform.as_deref(), Some("$BUILDPLATFORM"));
    assert_eq!(d.stages[0].name.as_deref(), Some("build-env.1"));
    assert_eq!(
        (
            d.stages[1].index,
            d.stages[1].base.as_str(),
            d.stages[1].line
        ),
        (1, "build-env.1", 2)
    );
    assert_eq!(
        fail("FROM a b\n").message,
        "FROM requires either one or three arguments"
    );
    assert_eq!(
        fail("FROM\n").message,
        "FROM requires either one or three arguments"
    );
    assert_eq!(
        fail("FROM a AS b c\n").message,
        "FROM requires either one or three arguments"
    );
    assert_eq!(
        fail("FROM a IS b\n").message,
        "FROM requires either one or three arguments"
    );
    assert_eq!(
        fail("FROM a AS 1st\n").message,
        "invalid name for build stage: \"1st\", name can't start with a number or contain symbols"
    );
    assert_eq!(
        fail("FROM a AS b@c\n").message,
        "invalid name for build stage: \"b@c\", name can't start with a number or contain symbols"
    );
    assert_eq!(
        fail("FROM --platfrom=x a\n").message,
        "unknown flag: --platfrom (did you mean platform?)"
    );
}

#[test]
fn exec_form_and_shell_form() {
    assert_eq!(
        run("RUN [\"echo\", \"a b\"]").command,
        Command::Exec(s(&["echo", "a b"]))
    );
    // Not valid JSON: shell form, brackets and all.
    assert_eq!(
        run("RUN [echo, a]").command,
        Command::Shell("[echo, a]".into())
    );
    assert_eq!(
        run("RUN ['echo']").command,
        Command::Shell("['echo']".into())
    );
    assert_eq!(
        fail("FROM a\nRUN [\"echo\", 1]\n").message,
        "when using JSON array syntax, arrays must be comprised of strings only"
    );
    assert_eq!(
        one("CMD [\"a\",\"b\"]"),
        Kind::Cmd(Command::Exec(s(&["a", "b"])))
    );
    assert_eq!(
        one("CMD echo $HOME"),
        Kind::Cmd(Command::Shell("echo $HOME".into()))
    );
    assert_eq!(
        one("ENTRYPOINT [\"/bin/app\"]"),
        Kind::Entrypoint(Command::Exec(s(&["/bin/app"])))
    );
    assert_eq!(
        one("ENTRYPOINT []"),
        Kind::Entrypoint(Command::Exec(vec![]))
    );
    assert_eq!(one("CMD []"), Kind::Cmd(Command::Exec(vec![])));
    assert_eq!(
        one("CMD [\"a\\\"b\", \"\\u00e9\"]"),
        Kind::Cmd(Command::Exec(s(&["a\"b", "é"])))
    );
}

#[test]
fn run_flags() {
    let r = run(
        "RUN --mount=type=cache,target=/root/.cache --mount=type=secret,id=npm --network=none echo",
    );
    assert_eq!(
        r.mounts,
        s(&["type=cache,target=/root/.cache", "type=secret,id=npm"])
    );
    assert_eq!(r.network.as_deref(), Some("none"));
    assert_eq!(r.command, Command::Shell("echo".into()));
    assert_eq!(
        run("RUN --security=insecure id").security.as_deref(),
        Some("insecure")
    );
    assert_eq!(
        fail("FROM a\nRUN --foo echo\n").message,
        "unknown flag: --foo"
    );
    assert_eq!(
        fail("FROM a\nRUN --mout=type=cache echo\n").message,
        "unknown flag: --mout (did you mean mount?)"
    );
    assert_eq!(
        fail("FROM a\nRUN --network=bridge echo\n").message,
        "invalid network mode \"bridge\""
    );
    assert_eq!(
        fail("FROM a\nRUN --network echo\n").message,
        "missing a value on flag: --network"
    );
    assert_eq!(
        fail("FROM a\nRUN --network=host --network=none echo\n").message,
        "duplicate flag specified: --network"
    );
    assert_eq!(
        fail("FROM a\nRUN --security=x echo\n").message,
        "security \"x\" is not valid"
    );
    assert_eq!(
        fail("FROM a\nRUN\n").message,
        "RUN requires at least one argument"
    );
}

#[test]
fn flag_words_with_quotes_and_double_dash() {
    let r = run("RUN --mount=\"type=bind,source=a b\" echo");
    assert_eq!(r.mounts, s(&["type=bind,source=a b"]));
    // `--` ends the flags.
    assert_eq!(
        run("RUN -- --version").command,
        Command::Shell("--version".into())
    );
    // A single dash is not a flag.
    assert_eq!(run("RUN -x").command, Command::Shell("-x".into()));
}

#[test]
fn copy_and_add_flags() {
    let c = copy(
        "COPY --from=build --chown=1000:1000 --chmod=0755 --link --parents --exclude=*.md --exclude=.git a b* /dst/",
    );
    assert_eq!(c.from.as_deref(), Some("build"));
    assert_eq!(c.chown.as_deref(), Some("1000:1000"));
    assert_eq!(c.chmod.as_deref(), Some("0755"));
    assert!(c.link && c.parents && !c.is_add);
    assert_eq!(c.exclude, s(&["*.md", ".git"]));
    assert_eq!(c.sources, s(&["a", "b*"]));
    assert_eq!(c.dest, "/dst/");
    let a = copy("ADD --checksum=sha256:abc --keep-git-dir=true --link=false https://x/y.tgz /");
    assert!(a.is_add && !a.link);
    assert_eq!(a.checksum.as_deref(), Some("sha256:abc"));
    assert_eq!(a.keep_git_dir, Some(true));
    assert_eq!(
        fail("FROM a\nCOPY --checksum=x a b\n").message,
        "unknown flag: --checksum"
    );
    assert_eq!(
        fail("FROM a\nADD --from=x a b\n").message,
        "unknown flag: --from"
    );
    assert_eq!(
        fail("FROM a\nCOPY --chwon=1 a b\n").message,
        "unknown flag: --chwon (did you mean chown?)"
    );
    assert_eq!(
        fail("FROM a\nCOPY --link=yes a b\n").message,
        "expecting boolean value for flag --link, not: yes"
    );
    assert_eq!(
        fail("FROM a\nCOPY --link= a b\n").message,
        "missing a value on flag: --link"
    );
}

#[test]
fn copy_needs_a_destination() {
    assert_eq!(
        fail("FROM a\nCOPY a\n").message,
        "COPY requires at least two arguments, but only one was provided. Destination could not be determined"
    );
    assert_eq!(
        fail("FROM a\nADD\n").message,
        "ADD requires at least two arguments, but only one was provided. Destination could not be determined"
    );
}

#[test]
fn copy_json_form() {
    let c = copy("COPY [\"a b\", \"c\", \"/d e/\"]");
    assert_eq!((c.sources, c.dest), (s(&["a b", "c"]), "/d e/".to_string()));
}

#[test]
fn copy_from_refuses_variables() {
    assert_eq!(
        fail("FROM a\nCOPY --from=$X a b\n").message,
        "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround"
    );
    assert_eq!(copy("COPY --from=0 a b").from.as_deref(), Some("0"));
}

#[test]
fn env_forms() {
    assert_eq!(
        one("ENV A=1 B=\"two words\" C=c\\ d"),
        Kind::Env(pairs(&[("A", "1"), ("B", "\"two words\""), ("C", "c\\ d")]))
    );
    // Legacy form: the rest of the line is the value.
    assert_eq!(one("ENV A b c  d"), Kind::Env(pairs(&[("A", "b c  d")])));
    assert_eq!(one("ENV A=\n"), Kind::Env(pairs(&[("A", "")])));
    assert_eq!(
        one("ENV A='x y' B=\"$A\""),
        Kind::Env(pairs(&[("A", "'x y'"), ("B", "\"$A\"")]))
    );
    assert_eq!(
        fail("FROM a\nENV A\n").message,
        "ENV must have two arguments"
    );
    assert_eq!(
        fail("FROM a\nENV\n").message,
        "ENV requires at least one argument"
    );
    assert_eq!(
        fail("FROM a\nENV A=1 B\n").message,
        "Syntax error - can't find = in \"B\". Must be of the form: name=value"
    );
    assert_eq!(
        fail("FROM a\nENV =1\n").message,
        "ENV names can not be blank"
    );
    assert_eq!(fail("FROM a\nENV --x A=1\n").message, "unknown flag: --x");
}

#[test]
fn label_forms() {
    assert_eq!(
        one("LABEL org.opencontainers.image.title=\"My app\" version=1.0"),
        Kind::Label(pairs(&[
            ("org.opencontainers.image.title", "\"My app\""),
            ("version", "1.0")
        ]))
    );
    assert_eq!(
        one("LABEL \"quoted key\"=v"),
        Kind::Label(pairs(&[("\"quoted key\"", "v")]))
    );
    assert_eq!(
        one("LABEL description This text"),
        Kind::Label(pairs(&[("description", "This text")]))
    );
    assert_eq!(
        fail("FROM a\nLABEL\n").message,
        "LABEL requires at least one argument"
    );
}

#[test]
fn arg_forms() {
    assert_eq!(
        one("ARG A B=2 C=\"x y\""),
        Kind::Arg(vec![
            ArgDecl {
                name: "A".into(),
                default: None
            },
            ArgDecl {
                name: "B".into(),
                default: Some("2".into())
            },
            ArgDecl {
                name: "C".into(),
                default: Some("\"x y\"".into())
            },
        ])
    );
    assert_eq!(
        one("ARG E="),
        Kind::Arg(vec![ArgDecl {
            name: "E".into(),
            default: Some(String::new())
        }])
    );
    assert_eq!(
        fail("FROM a\nARG\n").message,
        "ARG requires at least one argument"
    );
    assert_eq!(
        fail("FROM a\nARG =x\n").message,
        "ARG names can not be blank"
    );
}

#[test]
fn expose_and_volume() {
    assert_eq!(
        one("EXPOSE 80/tcp  443 ${PORT}"),
        Kind::Expose(s(&["80/tcp", "443", "${PORT}"]))
    );
    assert_eq!(
        fail("FROM a\nEXPOSE\n").message,
        "EXPOSE requires at least one argument"
    );
    assert_eq!(
        one("VOLUME /data /logs"),
        Kind::Volume(s(&["/data", "/logs"]))
    );
    assert_eq!(
        one("VOLUME [\"/a b\", \"/c\"]"),
        Kind::Volume(s(&["/a b", "/c"]))
    );
    assert_eq!(
        fail("FROM a\nVOLUME []\n").message,
        "VOLUME requires at least one argument"
    );
    assert_eq!(
        fail("FROM a\nVOLUME [\" \"]\n").message,
        "VOLUME specified can not be an empty string"
    );
}

#[test]
fn single_word_instructions() {
    assert_eq!(one("USER app:app"), Kind::User("app:app".into()));
    assert_eq!(one("WORKDIR /a b"), Kind::Workdir("/a b".into()));
    assert_eq!(
        one("STOPSIGNAL SIGKILL"),
        Kind::StopSignal("SIGKILL".into())
    );
    assert_eq!(
        one("MAINTAINER Jane Doe <jane@example.com>"),
        Kind::Maintainer("Jane Doe <jane@example.com>".into())
    );
    assert_eq!(
        fail("FROM a\nUSER\n").message,
        "USER requires exactly one argument"
    );
    assert_eq!(
        fail("FROM a\nWORKDIR\n").message,
        "WORKDIR requires exactly one argument"
    );
    assert_eq!(
        fail("FROM a\nSTOPSIGNAL\n").message,
        "STOPSIGNAL requires exactly one argument"
    );
    assert_eq!(
        fail("FROM a\nMAINTAINER\n").message,
        "MAINTAINER requires exactly one argument"
    );
    assert_eq!(fail("FROM a\nUSER --x a\n").message, "unknown flag: --x");
}

#[test]
fn shell_must_be_json() {
    assert_eq!(
        one("SHELL [\"/bin/bash\", \"-c\"]"),
        Kind::Shell(s(&["/bin/bash", "-c"]))
    );
    assert_eq!(
        fail("FROM a\nSHELL /bin/bash -c\n").message,
        "SHELL requires the arguments to be in JSON form"
    );
    assert_eq!(
        fail("FROM a\nSHELL []\n").message,
        "SHELL requires at least one argument"
    );
}

#[test]
fn onbuild() {
    assert_eq!(
        one("ONBUILD RUN echo hi"),
        Kind::Onbuild("RUN echo hi".into())
    );
    assert_eq!(
        one("onbuild  copy --chown=1 . /app"),
        Kind::Onbuild("copy --chown=1 . /app".into())
    );
    assert_eq!(
        fail("FROM a\nONBUILD ONBUILD RUN x\n").message,
        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"
    );
    assert_eq!(
        fail("FROM a\nONBUILD FROM x\n").message,
        "FROM isn't allowed as an ONBUILD trigger"
    );
    assert_eq!(
        fail("FROM a\nONBUILD maintainer x\n").message,
        "MAINTAINER isn't allowed as an ONBUILD trigger"
    );
    assert_eq!(
        fail("FROM a\nONBUILD\n").message,
        "ONBUILD requires at least one argument"
    );
}

#[test]
fn onbuild_with_heredoc_keeps_the_body() {
    assert_eq!(
        one("ONBUILD RUN <<EOF\necho hi\nEOF\n"),
        Kind::Onbuild("RUN <<EOF\necho hi\nEOF".into())
    );
}

#[test]
fn healthcheck() {
    assert_eq!(
        one("HEALTHCHECK NONE"),
        Kind::Healthcheck(Healthcheck::None)
    );
    assert_eq!(
        one(
            "HEALTHCHECK --interval=30s --timeout=1m30s --start-period=500ms --start-interval=1s --retries=3 CMD curl -f http://localhost/"
        ),
        Kind::Healthcheck(Healthcheck::Check {
            test: Command::Shell("curl -f http://localhost/".into()),
            interval: Some("30s".into()),
            timeout: Some("1m30s".into()),
            start_period: Some("500ms".into()),
            start_interval: Some("1s".into()),
            retries: Some(3),
        })
    );
    assert_eq!(
        one("HEALTHCHECK cmd [\"/bin/check\", \"-q\"]"),
        Kind::Healthcheck(Healthcheck::Check {
            test: Command::Exec(s(&["/bin/check", "-q"])),
            interval: None,
            timeout: None,
            start_period: None,
            start_interval: None,
            retries: None,
        })
    );
}

#[test]
fn healthcheck_errors() {
    assert_eq!(
        fail("FROM a\nHEALTHCHECK\n").message,
        "HEALTHCHECK requires at least one argument"
    );
    assert_eq!(
        fail("FROM a\nHEALTHCHECK NONE x\n").message,
        "HEALTHCHECK NONE takes no arguments"
    );
    assert_eq!(
        fail("FROM a\nHEALTHCHECK CMD\n").message,
        "Missing command after HEALTHCHECK CMD"
    );
    assert_eq!(
        fail("FROM a\nHEALTHCHECK RUN x\n").message,
        "Unknown type \"RUN\" in HEALTHCHECK (try CMD)"
    );
    assert_eq!(
        fail("FROM a\nHEALTHCHECK --interval=5 CMD x\n").message,
        "time: missing unit in duration \"5\""
    );
    assert_eq!(
        fail("FROM a\nHEALTHCHECK --interval=abc CMD x\n").message,
        "time: invalid duration \"abc\""
    );
    assert_eq!(
        fail("FROM a\nHEALTHCHECK --timeout=5y CMD x\n").message,
        "time: unknown unit \"y\" in duration \"5y\""
    );
    assert_eq!(
        fail("FROM a\nHEALTHCHECK --interval=10us CMD x\n").message,
        "Interval \"interval\" cannot be less than 1ms"
    );
    assert_eq!(
        fail("FROM a\nHEALTHCHECK --retries=-1 CMD x\n").message,
        "--retries cannot be negative (-1)"
    );
    assert_eq!(
        fail("FROM a\nHEALTHCHECK --retries=x CMD x\n").message,
        "strconv.ParseInt: parsing \"x\": invalid syntax"
    );
    assert_eq!(
        fail("FROM a\nHEALTHCHECK --intervl=1s CMD x\n").message,
        "unknown flag: --intervl (did you mean interval?)"
    );
}

#[test]
fn go_durations() {
    use std::time::Duration;
    assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
    assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
    assert_eq!(parse_duration("1.5h"), Ok(Duration::from_secs(5400)));
    assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
    assert_eq!(
        parse_duration("2h45m10.5s"),
        Ok(Duration::from_millis(9_910_500))
    );
    assert_eq!(parse_duration("10µs"), Ok(Duration::from_micros(10)));
    assert!(parse_duration("").is_err());
    assert!(parse_duration("1.2.3s").is_err());
    assert!(parse_duration(".s").is_err());
}

#[test]
fn stopsignal_and_arg_ignore_flags_as_buildkit_does() {
    assert_eq!(
        one("STOPSIGNAL --x SIGTERM"),
        Kind::StopSignal("SIGTERM".into())
    );
}
