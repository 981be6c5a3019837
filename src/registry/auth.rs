//! Registry authentication: parsing `WWW-Authenticate` challenges (RFC 7235/6750) and the bearer token
//! response of the distribution token spec.
//!
//! Pure parsing, no network: the client (`authorize.rs`, `transport.rs`) decides where a token may be
//! requested and which host may see it. Invariant: a malformed challenge yields no challenge, never a
//! guessed realm.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// One authentication challenge from a `WWW-Authenticate` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// Lowercased scheme: `bearer`, `basic`, ...
    pub scheme: String,
    /// Parameters with lowercased names (`realm`, `service`, `scope`, `error`).
    pub params: BTreeMap<String, String>,
}

impl Challenge {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }
}

/// Parse every challenge in a `WWW-Authenticate` value: `Bearer realm="a,b",service="s", Basic realm="x"`.
/// Quoted strings may contain commas and backslash escapes (RFC 7230 §3.2.6); several challenges may
/// share one header, separated by commas.
pub fn parse_challenges(header: &str) -> Vec<Challenge> {
    let s = header.as_bytes();
    let mut i = 0;
    let mut out: Vec<Challenge> = Vec::new();
    let skip_ws = |i: &mut usize| {
        while *i < s.len() && (s[*i] == b' ' || s[*i] == b'\t') {
            *i += 1;
        }
    };
    let token = |i: &mut usize| -> String {
        let start = *i;
        while *i < s.len() && !matches!(s[*i], b' ' | b'\t' | b',' | b'=' | b'"') {
            *i += 1;
        }
        header[start..*i].to_string()
    };
    while i < s.len() {
        skip_ws(&mut i);
        if i < s.len() && s[i] == b',' {
            i += 1;
            continue;
        }
        let name = token(&mut i);
        if name.is_empty() {
            // Stray byte (a quote or '=' where a name should be): give up rather than guess.
            break;
        }
        skip_ws(&mut i);
        if i < s.len() && s[i] == b'=' {
            // `name=value`: a parameter of the current challenge.
            i += 1;
            skip_ws(&mut i);
            let value = if i < s.len() && s[i] == b'"' {
                i += 1;
                let mut v = Vec::new();
                let mut closed = false;
                while i < s.len() {
                    match s[i] {
                        b'\\' if i + 1 < s.len() => {
                            v.push(s[i + 1]);
                            i += 2;
                        }
                        b'"' => {
                            i += 1;
                            closed = true;
                            break;
                        }
                        c => {
                            v.push(c);
                            i += 1;
                        }
                    }
                }
                if !closed {
                    return Vec::new();
                }
                String::from_utf8_lossy(&v).into_owned()
            } else {
                token(&mut i)
            };
            match out.last_mut() {
                Some(c) => {
                    c.params.insert(name.to_ascii_lowercase(), value);
                }
                None => return Vec::new(),
            }
        } else {
            out.push(Challenge {
                scheme: name.to_ascii_lowercase(),
                params: BTreeMap::new(),
            });
            // token68 form (`Negotiate abc==`) is not used by registries; a following bare token starts
            // the next challenge.
        }
    }
    out
}

/// Pick the challenge berth can answer: Bearer first, then Basic.
pub fn pick(challenges: &[Challenge]) -> Option<Challenge> {
    challenges
        .iter()
        .find(|c| c.scheme == "bearer" && c.param("realm").is_some())
        .or_else(|| challenges.iter().find(|c| c.scheme == "basic"))
        .cloned()
}

/// The challenge to answer among every `WWW-Authenticate` header of a 401 ([`pick`]'s choice).
pub fn challenge_of(headers: &reqwest::header::HeaderMap) -> Option<Challenge> {
    let all: Vec<Challenge> = headers
        .get_all(reqwest::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(parse_challenges)
        .collect();
    pick(&all)
}

/// A bearer token and when it stops being usable.
#[derive(Debug, Clone)]
pub struct Token {
    pub value: String,
    pub expires: Instant,
}

impl Token {
    pub fn fresh(&self) -> bool {
        Instant::now() < self.expires
    }
}

/// Parse a token endpoint response: `token` or `access_token`, `expires_in` (seconds; default 60 and
/// never below 60, distribution `docs/spec/auth/token.md`).
pub fn parse_token(body: &[u8]) -> Result<Token> {
    #[derive(Deserialize)]
    struct Resp {
        token: Option<String>,
        access_token: Option<String>,
        expires_in: Option<u64>,
    }
    let r: Resp = serde_json::from_slice(body).context("parsing token response")?;
    let value = r
        .token
        .filter(|t| !t.is_empty())
        .or(r.access_token.filter(|t| !t.is_empty()));
    let Some(value) = value else {
        bail!("token response has neither token nor access_token")
    };
    let secs = r.expires_in.unwrap_or(60).max(60);
    // Renew a little early so a token does not expire between the cache check and the request.
    let life = Duration::from_secs(secs).saturating_sub(Duration::from_secs(10));
    Ok(Token {
        value,
        expires: Instant::now() + life,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bearer_with_commas_inside_quotes() {
        let c = parse_challenges(
            r#"Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull,push""#,
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].scheme, "bearer");
        assert_eq!(c[0].param("scope"), Some("repository:a/b:pull,push"));
        assert_eq!(c[0].param("realm"), Some("https://auth.example/token"));
    }

    #[test]
    fn parses_several_challenges_and_escapes() {
        let c =
            parse_challenges(r#"Basic realm="a \"q\" b", Bearer realm="https://t/x", service=svc"#);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].param("realm"), Some(r#"a "q" b"#));
        assert_eq!(c[1].param("service"), Some("svc"));
        assert_eq!(pick(&c).unwrap().scheme, "bearer");
    }

    #[test]
    fn unterminated_quote_yields_nothing() {
        assert!(parse_challenges(r#"Bearer realm="https://x"#).is_empty());
        assert!(parse_challenges(r#"realm="x""#).is_empty());
    }

    #[test]
    fn token_accepts_access_token_and_clamps_expiry() {
        let t = parse_token(br#"{"access_token":"abc","expires_in":5}"#).unwrap();
        assert_eq!(t.value, "abc");
        assert!(t.expires > Instant::now() + Duration::from_secs(40));
        crate::testing::assert_err(
            parse_token(br#"{"token":""}"#),
            "neither token nor access_token",
        );
    }
}
