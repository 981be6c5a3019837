//! Unit tests of BuildKit's image-free Dockerfile checks.

use super::*;

fn warnings(text: &str) -> Vec<String> {
    parse_with_warnings(text)
        .unwrap_or_else(|e| panic!("{e}"))
        .warnings
        .iter()
        .map(|w| w.to_string())
        .collect()
}

#[test]
fn clean_dockerfile_has_no_warnings() {
    assert!(warnings("FROM busybox AS build\nWORKDIR /src\nCMD [\"sh\"]\n").is_empty());
}

#[test]
fn json_args_recommended_for_cmd_and_entrypoint() {
    assert_eq!(
        warnings("FROM busybox\nCMD echo hi\nENTRYPOINT [\"sh\"]\n"),
        vec![
            "JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals (line 2)"
        ]
    );
    // Not after a SHELL instruction.
    assert!(warnings("FROM busybox\nSHELL [\"/bin/bash\", \"-c\"]\nCMD echo hi\n").is_empty());
}

#[test]
fn stage_name_and_from_as_casing() {
    assert_eq!(
        warnings("FROM busybox as Build\n"),
        vec![
            "StageNameCasing: Stage name 'Build' should be lowercase (line 1)",
            "FromAsCasing: 'FROM' and 'as' keywords' casing do not match (line 1)",
        ]
    );
}

#[test]
fn duplicate_and_reserved_stage_names() {
    assert_eq!(
        warnings("FROM a AS x\nFROM b AS x\nFROM c AS scratch\n"),
        vec![
            "DuplicateStageName: Duplicate stage name \"x\", stage names should be unique (line 2)",
            "ReservedStageName: Stage name should not use the same name as reserved stage \"scratch\" (line 3)",
        ]
    );
}

#[test]
fn consistent_instruction_casing() {
    assert_eq!(
        warnings("from a\nrun true\nRUN false\n"),
        vec![
            "ConsistentInstructionCasing: Command 'RUN' should match the case of the command majority (lowercase) (line 3)"
        ]
    );
}

#[test]
fn legacy_key_value_and_maintainer() {
    assert_eq!(
        warnings("FROM a\nENV A b\nMAINTAINER me\n"),
        vec![
            "LegacyKeyValueFormat: \"ENV key=value\" should be used instead of legacy \"ENV key value\" format (line 2)",
            "MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label (line 3)",
        ]
    );
}

#[test]
fn multiple_cmd_reports_the_ignored_one() {
    assert_eq!(
        warnings("FROM a\nCMD [\"a\"]\nCMD [\"b\"]\nFROM b\nCMD [\"c\"]\n"),
        vec![
            "MultipleInstructionsDisallowed: Multiple CMD instructions should not be used in the same stage because only the last one will be used (line 2)"
        ]
    );
}

#[test]
fn empty_continuation_line() {
    assert_eq!(
        warnings("FROM a\nRUN echo \\\n\n  hi\n"),
        vec!["NoEmptyContinuation: Empty continuation line (line 2)"]
    );
}

#[test]
fn secrets_in_arg_or_env() {
    assert_eq!(
        warnings("FROM a\nARG GITHUB_TOKEN\nENV API_KEY=x KEY_FILE=/k PUBLIC_KEY=y\n"),
        vec![
            "SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data (ARG \"GITHUB_TOKEN\") (line 2)",
            "SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data (ENV \"API_KEY\") (line 3)",
        ]
    );
}

#[test]
fn relative_workdir_and_expose_format() {
    assert_eq!(
        warnings("FROM a\nWORKDIR app\nWORKDIR sub\nEXPOSE 80/TCP 8080:80\n"),
        vec![
            "WorkdirRelativePath: Relative workdir \"app\" can have unexpected results if the base image changes (line 2)",
            "ExposeProtoCasing: Defined protocol '80/TCP' in EXPOSE instruction should be lowercase (line 4)",
            "ExposeInvalidFormat: EXPOSE instruction should not define an IP address or host-port mapping, found '8080:80' (line 4)",
        ]
    );
}

#[test]
fn check_directive_skips_and_errors() {
    assert!(warnings("# check=skip=all\nFROM a\nCMD x\n").is_empty());
    assert!(
        warnings(
            "# check=skip=JSONArgsRecommended,MaintainerDeprecated\nFROM a\nCMD x\nMAINTAINER me\n"
        )
        .is_empty()
    );
    let p = parse_with_warnings("# check=error=true\nFROM a\nCMD x\n").unwrap();
    assert_eq!(
        p.lint_error().as_deref(),
        Some("lint violation found for rules: JSONArgsRecommended")
    );
    assert_eq!(
        parse_with_warnings("FROM a\nCMD x\n").unwrap().lint_error(),
        None
    );
}

#[test]
fn warnings_carry_their_stage() {
    let p = parse_with_warnings("FROM a\nCMD x\nFROM b\nENTRYPOINT y\n").unwrap();
    assert_eq!(
        p.warnings.iter().map(|w| w.stage).collect::<Vec<_>>(),
        vec![Some(0), Some(1)]
    );
}

#[test]
fn empty_dockerfile() {
    assert_eq!(
        parse("").unwrap_err().message,
        "the Dockerfile cannot be empty"
    );
    assert_eq!(
        parse("\n").unwrap_err().message,
        "file with no instructions"
    );
}
