//! Unit tests of the Dockerfile parser: one per rule of docker's reference and BuildKit's behaviour.

use super::*;

fn ok(text: &str) -> Dockerfile {
    parse(text).unwrap_or_else(|e| panic!("{e}\n---\n{text}"))
}

fn fail(text: &str) -> ParseError {
    match parse(text) {
        Ok(d) => panic!("parsed, expected an error: {d:?}"),
        Err(e) => e,
    }
}

/// The instructions of the only stage.
fn kinds(text: &str) -> Vec<Kind> {
    ok(text)
        .stages
        .pop()
        .expect("a stage")
        .instructions
        .into_iter()
        .map(|i| i.kind)
        .collect()
}

fn one(text: &str) -> Kind {
    let mut k = kinds(&format!("FROM scratch\n{text}"));
    assert_eq!(k.len(), 1, "{k:?}");
    k.remove(0)
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn run(text: &str) -> Run {
    match one(text) {
        Kind::Run(r) => r,
        k => panic!("{k:?}"),
    }
}

fn copy(text: &str) -> Copy {
    match one(text) {
        Kind::Copy(c) | Kind::Add(c) => c,
        k => panic!("{k:?}"),
    }
}

#[test]
fn error_display_is_buildkits() {
    let e = fail("FROM busybox\nFORM x\n");
    assert_eq!(
        e.to_string(),
        "dockerfile parse error on line 2: unknown instruction: FORM (did you mean FROM?)"
    );
}

#[test]
fn unknown_instruction_without_close_match() {
    let e = fail("FROM busybox\nFROBNICATE x\n");
    assert_eq!(e.message, "unknown instruction: FROBNICATE");
    let e = fail("FROM busybox\nrunn x\n");
    assert_eq!(e.message, "unknown instruction: runn (did you mean run?)");
}

#[test]
fn instructions_are_case_insensitive() {
    let d = ok("from busybox as Build\nrun echo hi\nWorkDir /x\n");
    assert_eq!(d.stages[0].name.as_deref(), Some("build"));
    assert_eq!(d.stages[0].original, "FROM busybox as Build");
    let i = &d.stages[0].instructions;
    assert_eq!(
        i[0].kind,
        Kind::Run(Run {
            command: Command::Shell("echo hi".into()),
            mounts: vec![],
            network: None,
            security: None,
            heredocs: vec![]
        })
    );
    assert_eq!(i[0].original, "RUN echo hi");
    assert_eq!(i[1].kind, Kind::Workdir("/x".into()));
}

#[test]
fn instruction_before_from_other_than_arg() {
    let e = fail("# comment\nRUN echo\nFROM busybox\n");
    assert_eq!(
        (e.line, e.message.as_str()),
        (2, "no build stage in current context")
    );
}

#[test]
fn global_args_before_from() {
    let d = ok("ARG BASE=busybox VERSION\nFROM ${BASE}:1\nARG VERSION\n");
    assert_eq!(
        d.global_args,
        vec![
            ArgDecl {
                name: "BASE".into(),
                default: Some("busybox".into())
            },
            ArgDecl {
                name: "VERSION".into(),
                default: None
            }
        ]
    );
    assert_eq!(d.stages[0].base, "${BASE}:1");
    assert_eq!(d.stages[0].instructions.len(), 1);
}

#[test]
fn empty_file_and_only_comments() {
    assert_eq!(fail("").message, "file with no instructions");
    assert_eq!(
        fail("# just a comment\n\n").message,
        "file with no instructions"
    );
    assert_eq!(
        fail("ARG A=1\n").message,
        "dockerfile contains no stages to build"
    );
}

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
fn comments_only_at_line_start() {
    let r = run("  # indented comment\nRUN echo a # not a comment\n");
    assert_eq!(r.command, Command::Shell("echo a # not a comment".into()));
}

#[test]
fn line_continuation_joins_lines() {
    let d = ok("FROM busybox\nRUN echo a \\\n    b \\\n  c\nRUN x\n");
    let i = &d.stages[0].instructions;
    assert_eq!(
        i[0].kind,
        Kind::Run(Run {
            command: Command::Shell("echo a     b   c".into()),
            mounts: vec![],
            network: None,
            security: None,
            heredocs: vec![]
        })
    );
    assert_eq!((i[0].line, i[0].end_line), (2, 4));
    assert_eq!(i[1].line, 5);
}

#[test]
fn continuation_skips_comment_and_empty_lines() {
    let d = ok(
        "FROM busybox\nRUN apt-get update && \\\n# a comment\n\n    apt-get install -y x\nUSER a\n",
    );
    let i = &d.stages[0].instructions;
    assert_eq!(
        i[0].kind,
        Kind::Run(Run {
            command: Command::Shell("apt-get update &&     apt-get install -y x".into()),
            mounts: vec![],
            network: None,
            security: None,
            heredocs: vec![]
        })
    );
    assert_eq!(i[1].line, 6);
}

#[test]
fn continuation_with_trailing_blanks_and_escaped_escape() {
    assert_eq!(
        run("RUN a \\  \t\nb\n").command,
        Command::Shell("a b".into())
    );
    // `\\` at the end is an escaped backslash, not a continuation.
    let k = kinds("FROM x\nRUN echo \\\\\nUSER b\n");
    assert_eq!(k.len(), 2);
}

#[test]
fn continuation_at_end_of_file() {
    assert_eq!(
        run("RUN echo a \\").command,
        Command::Shell("echo a".into())
    );
}

#[test]
fn crlf_line_endings() {
    let d = ok("FROM busybox\r\nRUN echo a \\\r\n b\r\nENV A=1\r\n");
    let i = &d.stages[0].instructions;
    assert_eq!(
        i[0].kind,
        Kind::Run(Run {
            command: Command::Shell("echo a  b".into()),
            mounts: vec![],
            network: None,
            security: None,
            heredocs: vec![]
        })
    );
    assert_eq!(i[1].kind, Kind::Env(pairs(&[("A", "1")])));
}

#[test]
fn byte_order_mark_is_ignored() {
    assert_eq!(ok("\u{feff}FROM busybox\n").stages[0].base, "busybox");
}

#[test]
fn escape_directive_backtick() {
    let d = ok("# escape=`\nFROM windows\nRUN dir `\n  c:\\\nCOPY a\\b c:\\\n");
    assert_eq!(d.escape, '`');
    let i = &d.stages[0].instructions;
    assert_eq!(
        i[0].kind,
        Kind::Run(Run {
            command: Command::Shell("dir   c:\\".into()),
            mounts: vec![],
            network: None,
            security: None,
            heredocs: vec![]
        })
    );
    match &i[1].kind {
        Kind::Copy(c) => assert_eq!((c.sources.clone(), c.dest.as_str()), (s(&["a\\b"]), "c:\\")),
        k => panic!("{k:?}"),
    }
}

#[test]
fn directives_only_at_the_top() {
    let d = ok("# syntax=docker/dockerfile:1\n# escape=`\n# check=skip=all\nFROM a\n");
    assert_eq!(
        (d.syntax.as_deref(), d.escape),
        (Some("docker/dockerfile:1"), '`')
    );
    // After an ordinary comment, `# escape=` is a comment.
    assert_eq!(ok("# hello\n# escape=`\nFROM a\n").escape, '\\');
    // After an empty line too.
    assert_eq!(ok("\n# escape=`\nFROM a\n").escape, '\\');
    // After an instruction too.
    assert_eq!(ok("FROM a\n# escape=`\nRUN x\n").escape, '\\');
    // Spaces and case in the directive.
    assert_eq!(ok("#  ESCAPE = `  \nFROM a\n").escape, '`');
}

#[test]
fn directive_errors() {
    assert_eq!(
        fail("# escape=x\nFROM a\n").message,
        "invalid escape token 'x' does not match ` or \\"
    );
    assert_eq!(
        fail("# escape=`\n# escape=\\\nFROM a\n").message,
        "only one escape parser directive can be used"
    );
    assert_eq!(fail("# escape=`\n# escape=\\\nFROM a\n").line, 2);
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
fn heredoc_run() {
    let r = run("RUN <<EOF\necho hello\necho $HOME\nEOF\n");
    assert_eq!(r.command, Command::Shell("<<EOF".into()));
    assert_eq!(
        r.heredocs,
        vec![Heredoc {
            name: "EOF".into(),
            content: "echo hello\necho $HOME\n".into(),
            expand: true
        }]
    );
}

#[test]
fn heredoc_with_shebang_and_following_instruction() {
    let d = ok("FROM a\nRUN <<EOT\n#!/usr/bin/env python3\nprint('hi')\nEOT\nUSER x\n");
    let i = &d.stages[0].instructions;
    match &i[0].kind {
        Kind::Run(r) => assert_eq!(
            r.heredocs[0].content,
            "#!/usr/bin/env python3\nprint('hi')\n"
        ),
        k => panic!("{k:?}"),
    }
    assert_eq!(
        (i[0].line, i[0].end_line, i[0].original.as_str()),
        (2, 5, "RUN <<EOT")
    );
    assert_eq!(i[1].line, 6);
}

#[test]
fn heredoc_chomp_strips_tabs() {
    let r = run("RUN <<-EOF\n\techo a\n\t\techo b\n\tEOF\n");
    assert_eq!(r.heredocs[0].content, "echo a\necho b\n");
    // Without `-`, tabs stay and a tab-indented terminator does not end the body.
    let r = run("RUN <<EOF\n\techo a\n\tEOF\nEOF\n");
    assert_eq!(r.heredocs[0].content, "\techo a\n\tEOF\n");
}

#[test]
fn heredoc_quoted_delimiter_disables_expansion() {
    assert!(!run("RUN <<'EOF'\n$A\nEOF\n").heredocs[0].expand);
    assert!(!run("RUN <<\"EOF\"\n$A\nEOF\n").heredocs[0].expand);
    assert!(!run("RUN <<E\"O\"F\n$A\nEOF\n").heredocs[0].expand);
    assert_eq!(run("RUN <<\"EOF\"\n$A\nEOF\n").heredocs[0].name, "EOF");
}

#[test]
fn several_heredocs_on_one_line() {
    let r = run("RUN cat <<A /dev/stdin <<-B > /out\nfirst\nA\n\tsecond\n\tB\n");
    assert_eq!(
        r.command,
        Command::Shell("cat <<A /dev/stdin <<-B > /out".into())
    );
    assert_eq!(r.heredocs.len(), 2);
    assert_eq!(
        (r.heredocs[0].name.as_str(), r.heredocs[0].content.as_str()),
        ("A", "first\n")
    );
    assert_eq!(
        (r.heredocs[1].name.as_str(), r.heredocs[1].content.as_str()),
        ("B", "second\n")
    );
}

#[test]
fn heredoc_copy() {
    let c = copy("COPY <<EOF /etc/app.conf\nkey=$VALUE\nEOF\n");
    assert_eq!(c.sources, s(&["<<EOF"]));
    assert_eq!(c.dest, "/etc/app.conf");
    assert_eq!(c.heredocs[0].content, "key=$VALUE\n");
    assert_eq!(
        heredoc_word(&c.sources[0]).map(|h| h.name),
        Some("EOF".to_string())
    );
    assert_eq!(
        fail("FROM a\nCOPY a <<EOF\nx\nEOF\n").message,
        "COPY cannot accept a heredoc as a destination"
    );
}

#[test]
fn heredoc_unterminated() {
    let e = fail("FROM a\nRUN <<EOF\necho\n");
    assert_eq!((e.line, e.message.as_str()), (2, "unterminated heredoc"));
}

#[test]
fn heredocs_only_for_run_copy_add_shell_form() {
    // CMD, and RUN in exec form, have no heredocs: the next line is an instruction.
    let k = kinds("FROM a\nCMD cat <<EOF\nUSER x\n");
    assert_eq!(k.len(), 2);
    let k = kinds("FROM a\nRUN [\"cat\", \"<<EOF\"]\nUSER x\n");
    assert_eq!(k.len(), 2);
    // `<<` alone or a here-string are not heredocs.
    assert!(run("RUN echo a <<< b").heredocs.is_empty());
}

#[test]
fn heredoc_words() {
    assert_eq!(
        heredoc_word("2<<-'END'"),
        Some(HeredocWord {
            name: "END".into(),
            chomp: true,
            expand: false,
            fd: 2
        })
    );
    assert_eq!(
        heredoc_word("<<EOF").map(|h| (h.chomp, h.expand)),
        Some((false, true))
    );
    assert_eq!(heredoc_word("<<"), None);
    assert_eq!(heredoc_word("file"), None);
    assert_eq!(heredoc_word("<<a<b"), None);
}

#[test]
fn original_keeps_text_and_uppercases_the_instruction() {
    let d = ok("FROM a\ncopy --chown=1:1  a  b\n");
    assert_eq!(
        d.stages[0].instructions[0].original,
        "COPY --chown=1:1  a  b"
    );
}

#[test]
fn stopsignal_and_arg_ignore_flags_as_buildkit_does() {
    assert_eq!(
        one("STOPSIGNAL --x SIGTERM"),
        Kind::StopSignal("SIGTERM".into())
    );
}

#[test]
fn realistic_multi_stage_dockerfile() {
    let text = r#"# syntax=docker/dockerfile:1.7
ARG GO_VERSION=1.22
ARG ALPINE=3.19

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS build
WORKDIR /src
# dependencies first, for the cache
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
ARG TARGETOS TARGETARCH
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app ./cmd/app

FROM alpine:${ALPINE} AS runtime
RUN apk add --no-cache ca-certificates tzdata \
 && addgroup -S app && adduser -S app -G app
COPY --from=build --chown=app:app /out/app /usr/local/bin/app
COPY <<EOF /etc/app/config.yaml
listen: :8080
EOF
ENV APP_ENV=production \
    TZ=UTC
EXPOSE 8080/tcp
USER app
HEALTHCHECK --interval=30s --timeout=3s CMD ["/usr/local/bin/app", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/app"]
CMD ["serve"]
LABEL org.opencontainers.image.source="https://example.com/app"
"#;
    let d = ok(text);
    assert_eq!(d.syntax.as_deref(), Some("docker/dockerfile:1.7"));
    assert_eq!(d.global_args.len(), 2);
    assert_eq!(d.stages.len(), 2);
    let build = &d.stages[0];
    assert_eq!(
        (build.name.as_deref(), build.base.as_str(), build.line),
        (Some("build"), "golang:${GO_VERSION}-alpine", 5)
    );
    assert_eq!(build.instructions.len(), 6);
    match &build.instructions[5].kind {
        Kind::Run(r) => {
            assert_eq!(r.mounts.len(), 2);
            assert_eq!(
                r.command,
                Command::Shell("CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app ./cmd/app".into())
            );
        }
        k => panic!("{k:?}"),
    }
    assert_eq!(
        (build.instructions[5].line, build.instructions[5].end_line),
        (13, 15)
    );
    let rt = &d.stages[1];
    assert_eq!(rt.instructions.len(), 10);
    match &rt.instructions[2].kind {
        Kind::Copy(c) => assert_eq!(c.heredocs[0].content, "listen: :8080\n"),
        k => panic!("{k:?}"),
    }
    assert_eq!(
        rt.instructions[3].kind,
        Kind::Env(pairs(&[("APP_ENV", "production"), ("TZ", "UTC")]))
    );
    assert_eq!(rt.instructions[9].line, 31);
}

#[test]
fn realistic_debian_dockerfile_with_apt() {
    let text = "FROM debian:bookworm-slim\n\
        ENV DEBIAN_FRONTEND=noninteractive\n\
        RUN set -eux; \\\n\
        \tapt-get update; \\\n\
        \tapt-get install -y --no-install-recommends \\\n\
        \t\tcurl \\\n\
        \t\tca-certificates \\\n\
        \t; \\\n\
        \trm -rf /var/lib/apt/lists/*\n\
        VOLUME [\"/var/lib/app\"]\n\
        STOPSIGNAL SIGQUIT\n\
        ONBUILD COPY . /app\n\
        SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n\
        RUN echo done | cat\n";
    let d = ok(text);
    let i = &d.stages[0].instructions;
    assert_eq!(i.len(), 7);
    match &i[1].kind {
        Kind::Run(r) => assert_eq!(
            r.command,
            Command::Shell(
                "set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tcurl \t\tca-certificates \t; \trm -rf /var/lib/apt/lists/*".into()
            )
        ),
        k => panic!("{k:?}"),
    }
}
