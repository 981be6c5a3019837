//! Unit tests of the Dockerfile parser: one per rule of docker's reference and BuildKit's behaviour.

use super::*;
use crate::engine::build::ast::ArgDecl;

pub(super) fn ok(text: &str) -> Dockerfile {
    parse(text).unwrap_or_else(|e| panic!("{e}\n---\n{text}"))
}

pub(super) fn fail(text: &str) -> ParseError {
    match parse(text) {
        Ok(d) => panic!("parsed, expected an error: {d:?}"),
        Err(e) => e,
    }
}

/// The instructions of the only stage.
pub(super) fn kinds(text: &str) -> Vec<Kind> {
    ok(text)
        .stages
        .pop()
        .expect("a stage")
        .instructions
        .into_iter()
        .map(|i| i.kind)
        .collect()
}

pub(super) fn one(text: &str) -> Kind {
    let mut k = kinds(&format!("FROM scratch\n{text}"));
    assert_eq!(k.len(), 1, "{k:?}");
    k.remove(0)
}

pub(super) fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

pub(super) fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

pub(super) fn run(text: &str) -> Run {
    match one(text) {
        Kind::Run(r) => r,
        k => panic!("{k:?}"),
    }
}

pub(super) fn copy(text: &str) -> Copy {
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
    assert_eq!(fail("").message, "the Dockerfile cannot be empty");
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

/// BuildKit's own heredoc table (parser_heredoc_test.go), bodies after `<<-` stripping.
#[test]
fn heredoc_cases_as_buildkit() {
    let text = "FROM alpine:3.6\nENV NAME=me\nRUN ls\nUSER <<INVALID\nINVALID\nRUN <<EMPTY\nEMPTY\nRUN 3<<EMPTY2\nEMPTY2\n\
RUN \"<<NOHEREDOC\"\nRUN <<INDENT\n\tfoo\n\tbar\nINDENT\nRUN <<-UNINDENT\n\tbaz\n\tquux\nUNINDENT\n\
RUN <<-UNINDENT2\n\tbaz\n\tquux\n\tUNINDENT2\nRUN <<-EXPAND\n\texpand $NAME\nEXPAND\n\
RUN <<-'NOEXPAND'\n\tdon't expand $NAME\nNOEXPAND\nRUN <<COMMENT\n# internal comment\necho hi # trailing\nCOMMENT\n\
RUN --mount=type=cache,target=/foo <<MOUNT\necho hello\nMOUNT\nCOPY <<FILE1 <<FILE2 /dest\ncontent 1\nFILE1\ncontent 2\nFILE2\n\
COPY <<X <<Y /dest\nY\nX\nX\nY\nRUN <<eo'f'\necho foo\neof\nRUN <<eo\\'f\necho foo\neo'f\nRUN <<'e'o\\'f\necho foo\neo'f\n\
RUN <<'one two'\necho bar\none two\nRUN <<$EOF\n$EOF\nRUN <<  EOF\nEOF\nRUN <<  EOF  > foo\nEOF\n";
    let (nodes, _) = raw_nodes(text).unwrap();
    let got: Vec<Vec<(String, String, bool)>> = nodes[1..]
        .iter()
        .map(|n| {
            n.heredocs
                .iter()
                .map(|h| (h.name.clone(), h.content.clone(), h.expand))
                .collect()
        })
        .collect();
    let h = |n: &str, c: &str, e: bool| vec![(n.to_string(), c.to_string(), e)];
    let want = vec![
        vec![],
        vec![],
        vec![],
        vec![],
        h("EMPTY", "", true),
        h("EMPTY2", "", true),
        vec![],
        h("INDENT", "\tfoo\n\tbar\n", true),
        h("UNINDENT", "baz\nquux\n", true),
        h("UNINDENT2", "baz\nquux\n", true),
        h("EXPAND", "expand $NAME\n", true),
        h("NOEXPAND", "don't expand $NAME\n", false),
        h("COMMENT", "# internal comment\necho hi # trailing\n", true),
        h("MOUNT", "echo hello\n", true),
        [
            h("FILE1", "content 1\n", true),
            h("FILE2", "content 2\n", true),
        ]
        .concat(),
        [h("X", "Y\n", true), h("Y", "X\n", true)].concat(),
        h("eof", "echo foo\n", false),
        h("eo'f", "echo foo\n", true),
        h("eo'f", "echo foo\n", false),
        h("one two", "echo bar\n", false),
        h("$EOF", "", true),
        h("EOF", "", true),
        h("EOF", "", true),
    ];
    assert_eq!(got, want);
}
