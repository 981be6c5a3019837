//! docker's `--filter key=value` on list commands (`ps`, `pod ps`): the rule that every filter must
//! match, the `key=value` syntax error, and label matching.
//!
//! Must not be used below `cli`. Invariant: a filter is checked only against rows still listed, as
//! docker's daemon does: an unknown key is reported when there is a row to test it on.

use anyhow::{Context, Result};
use std::collections::BTreeMap;

/// Keep the rows that match every filter. `matches(row, key, value)` decides one filter and fails on a
/// key it does not know.
pub fn retain<T>(
    mut rows: Vec<T>,
    filters: &[String],
    matches: impl Fn(&T, &str, &str) -> Result<bool>,
) -> Result<Vec<T>> {
    for f in filters {
        if rows.is_empty() {
            break;
        }
        let (k, v) = f
            .split_once('=')
            .context("bad format of filter (expected name=value)")?;
        let mut kept = Vec::with_capacity(rows.len());
        for r in rows {
            if matches(&r, k, v)? {
                kept.push(r);
            }
        }
        rows = kept;
    }
    Ok(rows)
}

/// `label=KEY` (the label is set) or `label=KEY=VALUE` (set to VALUE).
pub fn label_matches(labels: &BTreeMap<String, String>, v: &str) -> bool {
    match v.split_once('=') {
        Some((k, want)) => labels.get(k).is_some_and(|x| x == want),
        None => labels.contains_key(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(rows: &[&str], filters: &[&str]) -> Result<Vec<String>> {
        let rows: Vec<String> = rows.iter().map(|s| s.to_string()).collect();
        let filters: Vec<String> = filters.iter().map(|s| s.to_string()).collect();
        retain(rows, &filters, |r, k, v| match k {
            "name" => Ok(r.contains(v)),
            _ => anyhow::bail!("invalid filter '{k}'"),
        })
    }

    #[test]
    fn every_filter_must_match() {
        assert_eq!(
            names(&["web1", "web2", "db"], &["name=web", "name=2"]).unwrap(),
            ["web2"]
        );
    }

    #[test]
    fn bad_filters_fail_only_when_a_row_reaches_them() {
        let e = names(&["web"], &["nope"]).unwrap_err();
        assert_eq!(e.to_string(), "bad format of filter (expected name=value)");
        let e = names(&["web"], &["size=1"]).unwrap_err();
        assert_eq!(e.to_string(), "invalid filter 'size'");
        assert!(names(&[], &["size=1"]).unwrap().is_empty());
        assert!(names(&["web"], &["name=db", "size=1"]).unwrap().is_empty());
    }

    #[test]
    fn labels_match_by_key_or_key_and_value() {
        let l = BTreeMap::from([("k".to_string(), "v".to_string())]);
        assert!(label_matches(&l, "k"));
        assert!(label_matches(&l, "k=v"));
        assert!(!label_matches(&l, "k=w"));
        assert!(!label_matches(&l, "x"));
    }
}
