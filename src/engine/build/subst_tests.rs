//! Unit tests of docker's variable substitution (BuildKit's shell lexer).

use super::*;
use crate::engine::build::ast::{Copy, Heredoc};

fn env(name: &str) -> Option<String> {
    match name {
        "A" => Some("a".into()),
        "EMPTY" => Some(String::new()),
        "SP" => Some("x y".into()),
        "PORTS" => Some("80 443/udp".into()),
        "PATHV" => Some("/usr/local/bin:/usr/bin:/bin".into()),
        "FILE" => Some("archive.tar.gz".into()),
        _ => None,
    }
}

fn w(word: &str) -> String {
    expand_word(word, '\\', &env).unwrap_or_else(|e| panic!("{e}"))
}

fn e(word: &str) -> String {
    expand_word(word, '\\', &env)
        .expect_err("an error")
        .to_string()
}

#[test]
fn plain_and_braced_variables() {
    assert_eq!(w("$A"), "a");
    assert_eq!(w("${A}"), "a");
    assert_eq!(w("x$A-y"), "xa-y");
    assert_eq!(w("${A}b"), "ab");
    assert_eq!(w("$Ab"), "");
    assert_eq!(w("$UNSET"), "");
    assert_eq!(w("a$"), "a$");
    assert_eq!(w("$ x"), "$ x");
    assert_eq!(w("$1"), "");
}

#[test]
fn default_and_alternative_values() {
    assert_eq!(w("${UNSET:-def}"), "def");
    assert_eq!(w("${EMPTY:-def}"), "def");
    assert_eq!(w("${EMPTY-def}"), "");
    assert_eq!(w("${UNSET-def}"), "def");
    assert_eq!(w("${A:-def}"), "a");
    assert_eq!(w("${A:+alt}"), "alt");
    assert_eq!(w("${EMPTY:+alt}"), "");
    assert_eq!(w("${EMPTY+alt}"), "alt");
    assert_eq!(w("${UNSET+alt}"), "");
    assert_eq!(w("${UNSET:-$A}"), "a");
    assert_eq!(w("${UNSET:-${A}x}"), "ax");
    assert_eq!(w("${UNSET:-a b}"), "a b");
}

#[test]
fn required_values() {
    assert_eq!(w("${A:?}"), "a");
    assert_eq!(
        e("${UNSET:?}"),
        "failed to process \"${UNSET:?}\": UNSET: is not allowed to be unset"
    );
    assert_eq!(
        e("${UNSET?must be set}"),
        "failed to process \"${UNSET?must be set}\": UNSET: must be set"
    );
    assert_eq!(
        e("${EMPTY:?}"),
        "failed to process \"${EMPTY:?}\": EMPTY: is not allowed to be empty"
    );
    assert_eq!(w("${EMPTY?}"), "");
}

#[test]
fn syntax_errors() {
    assert_eq!(
        e("${A"),
        "failed to process \"${A\": syntax error: missing '}'"
    );
    assert_eq!(
        e("${"),
        "failed to process \"${\": syntax error: missing '}'"
    );
    assert_eq!(
        e("${}"),
        "failed to process \"${}\": syntax error: bad substitution"
    );
    assert_eq!(
        e("${:-x}"),
        "failed to process \"${:-x}\": syntax error: bad substitution"
    );
    assert_eq!(
        e("${A:-x"),
        "failed to process \"${A:-x\": syntax error: missing '}'"
    );
    assert_eq!(
        e("${A^^}"),
        "failed to process \"${A^^}\": unsupported modifier (^) in substitution"
    );
    assert_eq!(
        e("${A:#x}"),
        "failed to process \"${A:#x}\": unsupported modifier (:#) in substitution"
    );
}

#[test]
fn escapes() {
    assert_eq!(w("\\$A"), "$A");
    assert_eq!(w("a\\ b"), "a b");
    assert_eq!(w("\\\\"), "\\");
    assert_eq!(w("a\\"), "a");
    assert_eq!(expand_word("`$A", '`', &env).unwrap(), "$A");
    // With the backtick escape, a backslash is an ordinary character.
    assert_eq!(expand_word("c:\\$A", '`', &env).unwrap(), "c:\\a");
}

#[test]
fn quotes_are_removed_and_single_quotes_stop_expansion() {
    assert_eq!(w("'$A'"), "$A");
    assert_eq!(w("\"$A\""), "a");
    assert_eq!(w("\"a b\""), "a b");
    assert_eq!(w("'a'\"b\"c"), "abc");
    assert_eq!(w("\"it's\""), "it's");
    assert_eq!(w("'say \"hi\"'"), "say \"hi\"");
    assert_eq!(w("\"\\$A \\\" \\\\ \\n\""), "$A \" \\ \\n");
    // Unlike bash, BuildKit removes quotes inside a default, even within double quotes.
    assert_eq!(w("\"${UNSET:-'q'}\""), "q");
    assert_eq!(
        e("'abc"),
        "failed to process \"'abc\": unexpected end of statement while looking for matching single-quote"
    );
    assert_eq!(
        e("\"abc"),
        "failed to process \"\\\"abc\": unexpected end of statement while looking for matching double-quote"
    );
}

#[test]
fn pattern_trimming() {
    assert_eq!(w("${FILE%.*}"), "archive.tar");
    assert_eq!(w("${FILE%%.*}"), "archive");
    assert_eq!(w("${FILE#*.}"), "tar.gz");
    assert_eq!(w("${FILE##*.}"), "gz");
    assert_eq!(w("${FILE#nomatch}"), "archive.tar.gz");
    assert_eq!(w("${PATHV#/usr/local/bin:}"), "/usr/bin:/bin");
    assert_eq!(w("${FILE%.t?r.gz}"), "archive");
}

#[test]
fn pattern_replacement() {
    assert_eq!(w("${PATHV/bin/sbin}"), "/usr/local/sbin:/usr/bin:/bin");
    assert_eq!(w("${PATHV//bin/sbin}"), "/usr/local/sbin:/usr/sbin:/sbin");
    assert_eq!(w("${PATHV//:/ }"), "/usr/local/bin /usr/bin /bin");
    assert_eq!(w("${FILE/.*/}"), "archive");
    assert_eq!(w("${UNSET/a/b}"), "");
    assert_eq!(
        e("${A/x}"),
        "failed to process \"${A/x}\": syntax error: missing '/' in ${}"
    );
}

#[test]
fn words_split_after_substitution() {
    let ws = |s: &str| expand_words(s, '\\', &env).unwrap();
    assert_eq!(ws("$PORTS 8080"), vec!["80", "443/udp", "8080"]);
    assert_eq!(ws("\"a b\" c"), vec!["a b", "c"]);
    assert_eq!(ws("'$SP'"), vec!["$SP"]);
    assert_eq!(ws("\"$SP\""), vec!["x y"]);
    assert_eq!(ws("  "), Vec::<String>::new());
    assert_eq!(ws("a\\ b"), vec!["a b"]);
}

#[test]
fn heredoc_bodies_keep_quotes() {
    let h = |s: &str| expand_heredoc(s, &env).unwrap();
    assert_eq!(h("A=$A\n'$A' \"$A\"\n"), "A=a\n'a' \"a\"\n");
    assert_eq!(h("\\$A\n"), "$A\n");
}

#[test]
fn referenced_variables() {
    assert_eq!(
        referenced_vars("$A ${B:-$C} '$D' \"$E\" ${A}", '\\'),
        vec!["A", "C", "B", "E"]
    );
    assert_eq!(referenced_vars("\\$X ${Y:?} plain", '\\'), vec!["Y"]);
    assert!(referenced_vars("no vars", '\\').is_empty());
    // A syntax error still reports what came before it.
    assert_eq!(referenced_vars("$A ${", '\\'), vec!["A"]);
}

#[test]
fn skip_unset_keeps_references() {
    let lex = Lexer {
        skip_unset_env: true,
        ..Lexer::new('\\')
    };
    assert_eq!(
        lex.process_word("$A $U ${U} ${U:-x}", &env).unwrap(),
        "a $U ${U} ${U:-x}"
    );
}

#[test]
fn raw_quotes_and_escapes() {
    let lex = Lexer {
        raw_quotes: true,
        raw_escapes: true,
        ..Lexer::new('\\')
    };
    assert_eq!(
        lex.process_word("'a' \"b\" \\c", &env).unwrap(),
        "'a' \"b\" \\c"
    );
}

#[test]
fn which_instructions_expand() {
    assert!(expands(&Kind::Workdir("/$A".into())));
    assert!(expands(&Kind::Env(vec![])));
    assert!(!expands(&Kind::Cmd(
        crate::engine::build::ast::Command::Shell("echo $A".into())
    )));
    assert!(!expands(&Kind::Onbuild("RUN $A".into())));
    assert!(!expands(&Kind::Run(Run {
        command: crate::engine::build::ast::Command::Shell("echo $A".into()),
        mounts: vec![],
        network: None,
        security: None,
        heredocs: vec![]
    })));
}

#[test]
fn expand_instruction_applies_the_table() {
    let kv = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert_eq!(
        expand_instruction(&Kind::Env(vec![kv("K_$A", "\"$SP z\"")]), '\\', &env).unwrap(),
        Kind::Env(vec![kv("K_a", "x y z")])
    );
    assert_eq!(
        expand_instruction(
            &Kind::Expose(vec!["$PORTS".into(), "9000".into()]),
            '\\',
            &env
        )
        .unwrap(),
        Kind::Expose(vec!["80".into(), "443/udp".into(), "9000".into()])
    );
    assert_eq!(
        expand_instruction(&Kind::Workdir("/srv/$A".into()), '\\', &env).unwrap(),
        Kind::Workdir("/srv/a".into())
    );
    let c = Copy {
        is_add: false,
        sources: vec!["src/$A".into(), "<<EOF".into()],
        dest: "/dst/${A}/".into(),
        from: None,
        chown: Some("${UNSET:-1000}".into()),
        chmod: None,
        link: false,
        checksum: None,
        exclude: vec![],
        parents: false,
        keep_git_dir: None,
        unpack: None,
        heredocs: vec![Heredoc {
            name: "EOF".into(),
            content: "v=$A\n".into(),
            expand: true,
        }],
    };
    match expand_instruction(&Kind::Copy(c), '\\', &env).unwrap() {
        Kind::Copy(c) => {
            assert_eq!(c.sources, vec!["src/a", "<<EOF"]);
            assert_eq!(c.dest, "/dst/a/");
            assert_eq!(c.chown.as_deref(), Some("1000"));
            assert_eq!(c.heredocs[0].content, "v=a\n");
        }
        k => panic!("{k:?}"),
    }
    let r = Run {
        command: crate::engine::build::ast::Command::Shell("echo $A".into()),
        mounts: vec!["type=cache,target=/cache/$A".into()],
        network: None,
        security: None,
        heredocs: vec![],
    };
    match expand_instruction(&Kind::Run(r), '\\', &env).unwrap() {
        Kind::Run(r) => {
            assert_eq!(r.mounts, vec!["type=cache,target=/cache/a"]);
            assert_eq!(
                r.command,
                crate::engine::build::ast::Command::Shell("echo $A".into())
            );
        }
        k => panic!("{k:?}"),
    }
}
