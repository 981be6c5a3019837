//! Helpers for the unit tests of every module (compiled only for tests).

use std::fmt::Display;

/// Assert that `result` failed, and with the error expected: its message (anyhow's `{:#}` form, causes
/// included) must contain `needle`. An `is_err()` check alone passes on any failure, including one
/// that has nothing to do with what the test is about.
#[track_caller]
pub fn assert_err<T, E: Display>(result: Result<T, E>, needle: &str) {
    match result {
        Ok(_) => panic!("expected an error containing {needle:?}, got Ok"),
        Err(e) => {
            let msg = format!("{e:#}");
            assert!(
                msg.contains(needle),
                "expected an error containing {needle:?}, got {msg:?}"
            );
        }
    }
}
