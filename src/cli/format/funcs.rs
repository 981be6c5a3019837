//! Template functions (docker/cli `templates/templates.go`).

use super::KeyOrder;
use gotmpl::{TemplateError, Value};
use std::sync::Arc;

pub(super) fn exec_err(msg: String) -> TemplateError {
    TemplateError::Exec(msg)
}

pub(super) fn want_args(name: &str, args: &[Value], n: usize) -> gotmpl::Result<()> {
    if args.len() != n {
        return Err(TemplateError::ArgCount {
            name: name.to_string(),
            expected: n,
            got: args.len(),
        });
    }
    Ok(())
}

pub(super) fn str_arg(name: &str, v: &Value) -> gotmpl::Result<Arc<str>> {
    match v {
        Value::String(s) => Ok(s.clone()),
        other => Err(exec_err(format!(
            "error calling {name}: wrong type for value; expected string; got {}",
            other.type_name()
        ))),
    }
}

pub(super) fn int_arg(name: &str, v: &Value) -> gotmpl::Result<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Uint(u) => i64::try_from(*u)
            .map_err(|_| exec_err(format!("error calling {name}: {u} overflows int"))),
        other => Err(exec_err(format!(
            "error calling {name}: wrong type for value; expected int; got {}",
            other.type_name()
        ))),
    }
}

pub(super) fn string_fn(
    f: fn(&str) -> String,
) -> impl Fn(&[Value]) -> gotmpl::Result<Value> + Send + Sync + 'static {
    move |args: &[Value]| {
        want_args("string function", args, 1)?;
        Ok(Value::String(
            f(&str_arg("string function", &args[0])?).into(),
        ))
    }
}

pub(super) fn insert(
    m: &mut gotmpl::FuncMap,
    name: &str,
    f: impl Fn(&[Value]) -> gotmpl::Result<Value> + Send + Sync + 'static,
) {
    m.insert(name.to_string(), Arc::new(f));
}

/// docker's function set on top of Go's builtins.
pub(super) fn docker_funcs(order: &KeyOrder) -> gotmpl::FuncMap {
    let mut m = gotmpl::FuncMap::new();
    let o = order.clone();
    insert(&mut m, "json", move |args| {
        want_args("json", args, 1)?;
        let mut s = String::new();
        write_json(&mut s, &args[0], &o);
        Ok(Value::String(s.into()))
    });
    insert(&mut m, "split", |args| {
        want_args("split", args, 2)?;
        let s = str_arg("split", &args[0])?;
        let sep = str_arg("split", &args[1])?;
        let parts: Vec<Value> = if sep.is_empty() {
            // strings.Split with an empty separator splits after each UTF-8 sequence.
            s.chars()
                .map(|c| Value::String(c.to_string().into()))
                .collect()
        } else {
            s.split(&*sep).map(|p| Value::String(p.into())).collect()
        };
        Ok(Value::List(parts.into()))
    });
    insert(&mut m, "join", |args| {
        want_args("join", args, 2)?;
        let sep = str_arg("join", &args[1])?;
        match &args[0] {
            Value::List(items) => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|v| match v {
                        Value::String(s) => s.to_string(),
                        other => other.to_string(),
                    })
                    .collect();
                Ok(Value::String(parts.join(&sep).into()))
            }
            Value::Nil => Ok(Value::String("".into())),
            other => Err(exec_err(format!(
                "error calling join: wrong type for value; expected []string; got {}",
                other.type_name()
            ))),
        }
    });
    insert(&mut m, "title", string_fn(go_title));
    insert(&mut m, "lower", string_fn(str::to_lowercase));
    insert(&mut m, "upper", string_fn(str::to_uppercase));
    insert(&mut m, "pad", |args| {
        want_args("pad", args, 3)?;
        let s = str_arg("pad", &args[0])?;
        if s.is_empty() {
            return Ok(Value::String(s));
        }
        let pre = int_arg("pad", &args[1])?.max(0) as usize;
        let post = int_arg("pad", &args[2])?.max(0) as usize;
        Ok(Value::String(
            format!("{}{}{}", " ".repeat(pre), s, " ".repeat(post)).into(),
        ))
    });
    insert(&mut m, "truncate", |args| {
        want_args("truncate", args, 2)?;
        let s = str_arg("truncate", &args[0])?;
        let n = int_arg("truncate", &args[1])?;
        if n < 0 {
            return Err(exec_err(format!(
                "error calling truncate: slice bounds out of range [:{n}]"
            )));
        }
        let n = n as usize;
        if s.len() < n {
            return Ok(Value::String(s));
        }
        // Go slices bytes; stop at the last whole character so the result stays UTF-8.
        let mut end = n;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        Ok(Value::String(s[..end].into()))
    });
    insert(&mut m, "index", go_index);
    insert(&mut m, "__method_Label", method_label);
    m
}

/// docker's `HeaderFunctions`: the string functions return their argument unchanged so the header
/// row shows the column title (`pad` is kept, to stay aligned with the rows).
pub(super) fn header_funcs(order: &KeyOrder) -> gotmpl::FuncMap {
    let mut m = docker_funcs(order);
    insert(&mut m, "__method_Label", |_| {
        Ok(Value::String("LABEL".into()))
    });
    for name in [
        "json", "split", "join", "title", "lower", "upper", "truncate",
    ] {
        insert(&mut m, name, |args| {
            Ok(args.first().cloned().unwrap_or(Value::Nil))
        });
    }
    m
}

/// `strings.Title`: upper-case the first letter of each word (a word starts after a separator:
/// anything but a letter, digit, underscore or mark).
pub(super) fn go_title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_sep = true;
    for c in s.chars() {
        if prev_sep {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev_sep = !(c.is_alphanumeric() || c == '_');
    }
    out
}

/// docker's `{{.Label "key"}}` on ps/volume/network rows: the value of one label, `""` when unset.
/// The row's `Labels` is a map, or docker's comma-joined `k=v,k2=v2` string.
pub(super) fn method_label(args: &[Value]) -> gotmpl::Result<Value> {
    want_args("Label", args, 2)?;
    let key = str_arg("Label", &args[1])?;
    let found = match args[0].field("Labels") {
        Some(Value::Map(m)) => m.get(key.as_ref()).map(|v| match v {
            Value::String(s) => s.to_string(),
            other => other.to_string(),
        }),
        Some(Value::String(s)) => s
            .split(',')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == key.as_ref())
            .map(|(_, v)| v.to_string()),
        _ => None,
    };
    Ok(Value::String(found.unwrap_or_default().into()))
}

/// Go's `index`, with the zero value of a Go `map[string]string` (`""`) for a missing key in a map
/// of strings or a null map: `{{index .Config.Labels "k"}}` prints nothing when the label is unset,
/// as on docker.
pub(super) fn go_index(args: &[Value]) -> gotmpl::Result<Value> {
    let Some((first, keys)) = args.split_first() else {
        return Err(TemplateError::ArgCount {
            name: "index".into(),
            expected: 1,
            got: 0,
        });
    };
    let mut cur = first.clone();
    for k in keys {
        cur = match (&cur, k) {
            (Value::Map(m), Value::String(key)) => match m.get(key.as_ref()) {
                Some(v) => v.clone(),
                None if m.values().all(|v| matches!(v, Value::String(_))) => {
                    Value::String("".into())
                }
                None => Value::Nil,
            },
            (Value::Nil, Value::String(_)) => Value::String("".into()),
            (Value::Nil, _) => {
                return Err(exec_err("error calling index: index of untyped nil".into()));
            }
            _ => cur
                .index(k)
                .map_err(|e| exec_err(format!("error calling index: {e}")))?,
        };
    }
    Ok(cur)
}

/// Encode like Go's `json.Encoder` with `SetEscapeHTML(false)`: objects in the producer's key order
/// (sorted when unknown, as Go sorts map keys), U+2028/U+2029 escaped as Go does.
pub(super) fn write_json(s: &mut String, v: &Value, order: &KeyOrder) {
    match v {
        Value::Nil => s.push_str("null"),
        Value::Bool(b) => s.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => s.push_str(&i.to_string()),
        Value::Uint(u) => s.push_str(&u.to_string()),
        Value::Float(f) => match serde_json::Number::from_f64(*f) {
            Some(n) => s.push_str(&n.to_string()),
            None => s.push_str("null"),
        },
        Value::String(st) => write_json_str(s, st),
        Value::List(items) => {
            s.push('[');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                write_json(s, it, order);
            }
            s.push(']');
        }
        Value::Map(m) => {
            let keys = order
                .keys_of(m)
                .unwrap_or_else(|| m.keys().cloned().collect());
            s.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                write_json_str(s, k);
                s.push(':');
                write_json(s, m.get(k).unwrap_or(&Value::Nil), order);
            }
            s.push('}');
        }
        Value::Function(_) => s.push_str("null"),
    }
}

pub(super) fn write_json_str(s: &mut String, st: &str) {
    s.push('"');
    for c in st.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            '\u{8}' => s.push_str("\\b"),
            '\u{c}' => s.push_str("\\f"),
            '\u{2028}' => s.push_str("\\u2028"),
            '\u{2029}' => s.push_str("\\u2029"),
            c if (c as u32) < 0x20 => s.push_str(&format!("\\u{:04x}", c as u32)),
            c => s.push(c),
        }
    }
    s.push('"');
}
