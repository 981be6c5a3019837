//! Unit tests of `.dockerignore` parsing and matching, one per rule of docker's matcher.

use super::*;

fn ig(text: &str) -> Ignore {
    Ignore::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

fn ex(text: &str, path: &str) -> bool {
    ig(text).excluded(path, false)
}

#[test]
fn comments_blank_lines_and_trimming() {
    let i = ig("# comment\n\n   \n  *.log  \n #not a comment\n");
    assert!(i.excluded("a.log", false));
    // A `#` after leading spaces is a pattern, as in docker.
    assert!(i.excluded("#not a comment", false));
    assert!(!i.excluded("a.txt", false));
}

#[test]
fn paths_are_cleaned_and_leading_slash_dropped() {
    assert!(ex("/build", "build"));
    assert!(ex("./build/", "build/x"));
    assert!(ex("a/../b", "b"));
    assert!(ex("a//b", "a/b"));
    assert_eq!(clean("a/./b/../c/"), "a/c");
    assert_eq!(clean("/../x"), "/x");
    assert_eq!(clean("../x"), "../x");
    assert_eq!(clean(""), ".");
}

#[test]
fn star_does_not_cross_directories() {
    assert!(ex("*.md", "README.md"));
    assert!(!ex("*.md", "docs/README.md"));
    assert!(ex("*/*.md", "docs/README.md"));
    assert!(!ex("*/*.md", "a/b/README.md"));
}

#[test]
fn question_mark_is_one_character_but_slash() {
    assert!(ex("file?.txt", "file1.txt"));
    assert!(!ex("file?.txt", "file10.txt"));
    assert!(!ex("a?b", "a/b"));
}

#[test]
fn character_classes() {
    assert!(ex("file[0-9].txt", "file3.txt"));
    assert!(!ex("file[0-9].txt", "filex.txt"));
    assert!(ex("file[^0-9].txt", "filex.txt"));
    assert!(ex("[ab]", "a"));
    assert!(!ex("[ab]", "c"));
    assert!(Ignore::parse("file[").is_err());
}

#[test]
fn double_star_matches_any_number_of_directories() {
    assert!(ex("**/*.go", "main.go"));
    assert!(ex("**/*.go", "a/b/c/main.go"));
    assert!(ex("**/node_modules", "node_modules"));
    assert!(ex("**/node_modules", "web/app/node_modules/x/y.js"));
    assert!(ex("docs/**", "docs/a/b.md"));
    assert!(ex("a/**/b", "a/b"));
    assert!(ex("a/**/b", "a/x/y/b"));
    assert!(!ex("a/**/b", "c/a/x/b"));
    assert!(ex("**", "anything/at/all"));
}

#[test]
fn parent_directory_match_excludes_children() {
    let i = ig("build\n");
    assert!(i.excluded("build", true));
    assert!(i.excluded("build/out/bin", false));
    assert!(!i.excluded("src/build", true));
}

#[test]
fn last_matching_pattern_wins() {
    let i = ig("*.md\n!README.md\n");
    assert!(i.excluded("CHANGES.md", false));
    assert!(!i.excluded("README.md", false));
    let i = ig("!README.md\n*.md\n");
    assert!(i.excluded("README.md", false));
}

#[test]
fn exception_inside_excluded_directory() {
    let i = ig("docs\n!docs/keep.md\n");
    assert!(i.excluded("docs", true));
    assert!(i.excluded("docs/other.md", false));
    assert!(!i.excluded("docs/keep.md", false));
    assert!(i.may_include_below("docs"));
    assert!(!i.may_include_below("other"));
}

#[test]
fn wildcard_exception_forces_descent() {
    let i = ig("*\n!**/*.go\n");
    assert!(i.excluded("vendor", true));
    assert!(!i.excluded("vendor/x/lib.go", false));
    assert!(i.excluded("vendor/x/lib.c", false));
    assert!(i.may_include_below("vendor"));
}

#[test]
fn no_exception_no_descent() {
    let i = ig("node_modules\n.git\n");
    assert!(!i.may_include_below("node_modules"));
}

#[test]
fn exclude_everything_but_a_directory() {
    let i = ig("*\n!src\n!Cargo.toml\n");
    assert!(!i.excluded("src/main.rs", false));
    assert!(!i.excluded("src", true));
    assert!(!i.excluded("Cargo.toml", false));
    assert!(i.excluded("target/debug/x", false));
}

#[test]
fn exception_alone_is_an_error() {
    assert_eq!(
        Ignore::parse("!\n").unwrap_err().to_string(),
        "illegal exclusion pattern: \"!\""
    );
}

#[test]
fn escaped_wildcards_are_literal() {
    assert!(ex("a\\*b", "a*b"));
    assert!(!ex("a\\*b", "axb"));
}

#[test]
fn suffix_fast_path_as_docker() {
    // moby's matcher treats a leading `**` followed by literals as a suffix test.
    assert!(ex("**.log", "deep/dir/x.log"));
}

#[test]
fn dotfiles_are_ordinary() {
    assert!(ex(".*", ".env"));
    assert!(!ex(".*", "dir/.env"));
    assert!(ex("**/.env", "dir/.env"));
}

#[test]
fn byte_order_mark_and_crlf() {
    let i = ig("\u{feff}*.tmp\r\nlogs\r\n");
    assert!(i.excluded("a.tmp", false));
    assert!(i.excluded("logs/x", false));
}

#[test]
fn empty_file_excludes_nothing() {
    let i = ig("");
    assert!(i.is_empty());
    assert!(!i.excluded("anything", false));
}
