//! docker's `--format`: one engine for every command (lists, `inspect`, `version`, `info`).
//!
//! Owns the Go text/template dialect docker exposes (on the pinned `gotmpl` crate), docker's extra
//! template functions, the `table` prefix with its header row and tabwriter alignment, and the
//! `json` shorthand. Must not depend on anything outside `cli`; callers hand in `serde_json` values
//! with docker's field names. Invariant: output is rendered completely before the first byte is
//! written, so a template error never leaves half a table on stdout (docker buffers the same way,
//! docker/cli `cli/command/formatter/formatter.go`).
//!
//! Where Go's typed structs and our untyped JSON differ:
//! - JSON objects keep their insertion order in `{{json .}}` (docker prints struct fields in
//!   declaration order): the producer's field order is the output order.
//! - `{{index .Config.Labels "missing"}}` gives `""`, as indexing a Go `map[string]string` does.
//! - A missing field in a list row (`{{.Nope}}`) is an error, as on docker's row structs; in
//!   `inspect` it prints `<no value>`, because berth cannot tell a struct from a map there and
//!   `{{.Config.Labels.missing}}` must keep working in scripts.
//! - An unknown function fails when the template is parsed, as in Go (gotmpl alone would only
//!   notice when it runs, so an empty list would hide the error).
//! - docker's one method with an argument, `{{.Label "key"}}` (ps, volume and network rows), is
//!   rewritten into a function call, since gotmpl has no methods.
//!
//! Known gaps: JSON `null` prints `<no value>` where Go prints a typed zero (`map[]`, `[]`); floats
//! print in Rust's shortest form, not Go's `%v` exponent form above 1e21.

use super::StatusError;
use anyhow::{Context, Result};
use gotmpl::{MissingKey, Template, TemplateError, Value};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::{Arc, Mutex};

mod funcs;
mod tabwriter;
#[cfg(test)]
mod tests;

use funcs::{docker_funcs, header_funcs};
use tabwriter::TabWriter;

/// docker's table prefix (`--format 'table {{.ID}}'`) and json shorthand (`--format json`).
const TABLE_KEY: &str = "table";
const JSON_KEY: &str = "json";

/// Render a list (`images`, `ps`, `volume ls`, ...) as docker does.
///
/// - `format` None, `""` or `"table"`: `default_table` (docker's default for the command, usually
///   `"table {{.Repository}}\t..."`; a default without the `table` prefix, such as `{{.ID}}` for
///   `-q`, is a plain per-row template).
/// - `"table <tmpl>"`: a header row made by running `<tmpl>` over the header names, then one row per
///   item, aligned with docker's tabwriter (min width 10, padding 3).
/// - `"json"`: `{{json .}}`, one object per line.
/// - anything else: the template once per row, each followed by a newline.
///
/// Literal `\t` and `\n` in the format become tab and newline. `headers` maps a field to its
/// column title (`("ID", "IMAGE ID")`); any other field is titled as docker would: upper case,
/// words split (`CreatedSince` → `CREATED SINCE`).
pub fn render_list(
    out: &mut dyn Write,
    format: Option<&str>,
    default_table: &str,
    rows: &[serde_json::Value],
    headers: &[(&str, &str)],
) -> Result<()> {
    let (is_table, body) = list_template(format, default_table);
    let order = KeyOrder::default();
    let tmpl = parse(&body, docker_funcs(&order), MissingKey::Error)
        .map_err(|e| anyhow::anyhow!("template parsing error: {}", go_error(&e)))?;
    let mut text = String::new();
    let substituted = substitution(&body).and_then(|pieces| {
        rows.iter()
            .try_for_each(|row| substitute(&pieces, row, &mut text))
    });
    if substituted.is_none() {
        text.clear();
        for row in rows {
            let data = order.convert(row);
            let line = tmpl
                .execute_to_string(&data)
                .map_err(|e| anyhow::anyhow!("template parsing error: {}", go_error(&e)))?;
            text.push_str(&line);
            text.push('\n');
        }
    }
    if is_table {
        let header_tmpl = parse(&body, header_funcs(&order), MissingKey::Invalid)
            .map_err(|e| anyhow::anyhow!("template parsing error: {}", go_error(&e)))?;
        let names = header_names(&body, rows, headers);
        let header = header_tmpl
            .execute_to_string(&order.convert(&names))
            .map_err(|e| anyhow::anyhow!("template parsing error: {}", go_error(&e)))?;
        let mut tw = TabWriter::docker();
        tw.write(&header);
        tw.write("\n");
        tw.write(&text);
        text = tw.flush();
    }
    out.write_all(text.as_bytes()).context("writing output")?;
    Ok(())
}

/// What a list command (`ps`, `pod ps`) prints: with `-q` only the IDs, else `--format` or the command's
/// default table.
pub struct ListFormat<'a> {
    format: Option<&'a str>,
    default_table: &'a str,
}

impl<'a> ListFormat<'a> {
    pub fn new(quiet: bool, format: Option<&'a str>, default_table: &'a str) -> ListFormat<'a> {
        if quiet {
            ListFormat {
                format: None,
                default_table: "{{.ID}}",
            }
        } else {
            ListFormat {
                format,
                default_table,
            }
        }
    }

    /// The row fields the output needs; see [`list_fields`].
    pub fn fields(&self) -> Option<Vec<String>> {
        list_fields(self.format, self.default_table)
    }

    pub fn render(
        &self,
        out: &mut dyn Write,
        rows: &[serde_json::Value],
        headers: &[(&str, &str)],
    ) -> Result<()> {
        render_list(out, self.format, self.default_table, rows, headers)
    }
}

/// The template a list renders (see [`render_list`]): whether it is a table, and its body with literal
/// `\t` and `\n` turned into tab and newline.
fn list_template(format: Option<&str>, default_table: &str) -> (bool, String) {
    let chosen = match format {
        None | Some("") | Some(TABLE_KEY) => default_table,
        Some(f) => f,
    };
    let (is_table, body) = if let Some(rest) = chosen.strip_prefix(TABLE_KEY) {
        (true, rest)
    } else if chosen == JSON_KEY {
        (false, "{{json .}}")
    } else {
        (false, chosen)
    };
    let body = body
        .trim_matches(' ')
        .replace("\\t", "\t")
        .replace("\\n", "\n");
    (is_table, body)
}

/// The row fields [`render_list`] needs for `format` (else `default_table`), when the template only
/// prints fields (`{{.ID}}\t{{.Names}}`); `None` when it may look at the whole row (`{{json .}}`,
/// functions, `range`). A command with costly fields computes only these (`ps` with 1000 containers).
pub fn list_fields(format: Option<&str>, default_table: &str) -> Option<Vec<String>> {
    let pieces = substitution(&list_template(format, default_table).1)?;
    Some(
        pieces
            .into_iter()
            .filter_map(|p| match p {
                Piece::Field(f) => Some(f.to_string()),
                Piece::Text(_) => None,
            })
            .collect(),
    )
}

/// A piece of a template that is only text and `{{.Field}}` actions.
enum Piece {
    Text(Arc<str>),
    Field(gotmpl::parse::SmolStr),
}

/// The pieces of `body` when it is only text and top-level `{{.Field}}` actions (docker's default
/// tables, `-q`, most user formats). Such a template prints a string field as it is, so rows can be
/// rendered by substitution, without converting each into template values: that conversion and the
/// template's execution were most of the time of `ps` with 1000 containers.
fn substitution(body: &str) -> Option<Vec<Piece>> {
    use gotmpl::parse::{Expr, Node, Parser};
    let (tree, defines) = Parser::new(body, "{{", "}}").ok()?.parse().ok()?;
    if !defines.is_empty() {
        return None;
    }
    tree.nodes
        .iter()
        .map(|n| match n {
            Node::Text(t) => Some(Piece::Text(t.text.clone())),
            Node::Action(a) if a.pipe.decl.is_empty() => match a.pipe.commands.as_slice() {
                [c] => match c.args.as_slice() {
                    [Expr::Field(_, path)] if path.len() == 1 => {
                        Some(Piece::Field(path[0].clone()))
                    }
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Append `row` rendered by `pieces` and a newline to `out`; `None` when a field is missing or not a
/// string (then the template engine renders, and reports a missing field in Go's words).
fn substitute(pieces: &[Piece], row: &serde_json::Value, out: &mut String) -> Option<()> {
    let obj = row.as_object()?;
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Field(f) => out.push_str(obj.get(f.as_str())?.as_str()?),
        }
    }
    out.push('\n');
    Some(())
}

/// Render `inspect` output as docker does.
///
/// - no format: the values as one JSON array indented by 4 spaces (docker's `json.Indent`), `[]`
///   when there are none.
/// - `"json"`: the same array on one line.
/// - a template: run once per value, each followed by a newline (a single empty line when there
///   are no values, as docker's inspector flushes).
///
/// A template that does not parse is a [`StatusError`] with code 64, docker's exit status for it
/// (docker/cli `cli/command/inspect/inspector.go`). A value the template fails on is skipped; the
/// others are still printed, then a [`StatusError`] with code 1 names every failure.
pub fn render_inspect(
    out: &mut dyn Write,
    format: Option<&str>,
    values: &[serde_json::Value],
) -> Result<()> {
    // Values whose template fails are reported after the others are printed (docker's inspect).
    let mut failed = Vec::new();
    let text = match format {
        None | Some("") => {
            let mut buf = Vec::new();
            let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
            let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
            serde::Serialize::serialize(values, &mut ser).context("encoding inspect output")?;
            buf.push(b'\n');
            String::from_utf8(buf).context("encoding inspect output")?
        }
        Some(JSON_KEY) => {
            let mut s = serde_json::to_string(values).context("encoding inspect output")?;
            s.push('\n');
            s
        }
        Some(f) => {
            let order = KeyOrder::default();
            let tmpl =
                parse(f, docker_funcs(&order), MissingKey::Invalid).map_err(|e| StatusError {
                    code: 64,
                    msg: format!("template parsing error: {}", go_error(&e)),
                })?;
            let mut s = String::new();
            for v in values {
                match tmpl.execute_to_string(&order.convert(v)) {
                    Ok(line) => {
                        s.push_str(&line);
                        s.push('\n');
                    }
                    Err(e) => failed.push(format!("template parsing error: {}", go_error(&e))),
                }
            }
            // docker's inspector flushes one empty line when nothing rendered.
            if s.is_empty() {
                s.push('\n');
            }
            s
        }
    };
    out.write_all(text.as_bytes()).context("writing output")?;
    if !failed.is_empty() {
        return Err(StatusError {
            code: 1,
            msg: failed.join("\n"),
        }
        .into());
    }
    Ok(())
}

/// Render one value (`version`, `info`) with `--format`: `"json"` is `{{json .}}`; a template runs
/// once and gets a newline, as `docker version --format` does. A missing field is an error, as on
/// docker's typed structs.
pub fn render_value(out: &mut dyn Write, format: &str, value: &serde_json::Value) -> Result<()> {
    let body = if format == JSON_KEY {
        "{{json .}}"
    } else {
        format
    };
    let order = KeyOrder::default();
    let tmpl = parse(body, docker_funcs(&order), MissingKey::Error)
        .map_err(|e| anyhow::anyhow!("template parsing error: {}", go_error(&e)))?;
    let mut text = tmpl
        .execute_to_string(&order.convert(value))
        .map_err(|e| anyhow::anyhow!("template parsing error: {}", go_error(&e)))?;
    text.push('\n');
    out.write_all(text.as_bytes()).context("writing output")?;
    Ok(())
}

/// The column title docker gives a field it has no explicit header for: upper case, with a space
/// at each word boundary (`CreatedSince` → `CREATED SINCE`, `IPAddress` → `IP ADDRESS`).
pub fn default_header(field: &str) -> String {
    let chars: Vec<char> = field.chars().collect();
    let mut s = String::with_capacity(field.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && c.is_uppercase() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                s.push(' ');
            }
        }
        s.extend(c.to_uppercase());
    }
    s
}

/// A parsed template; `entry` names the rewritten tree to run when method calls were rewritten.
struct Tmpl {
    t: Template,
    entry: Option<&'static str>,
}

impl Tmpl {
    fn execute_to_string(&self, data: &Value) -> gotmpl::Result<String> {
        match self.entry {
            Some(name) => self.t.execute_template_to_string(name, data),
            None => self.t.execute_to_string(data),
        }
    }
}

/// Name of the rewritten top-level tree; not a name a user template can collide with by accident.
const ENTRY: &str = "berth:format";

/// docker's context methods that take an argument (`{{.Label "com.example.k"}}` on ps, volume and
/// network rows), each served by the function `__method_<Name>(receiver, args...)`.
const METHODS: &[&str] = &["Label"];

fn parse(body: &str, funcs: gotmpl::FuncMap, missing: MissingKey) -> gotmpl::Result<Tmpl> {
    let (tree, defines, rewritten) = prepare(body, &funcs)?;
    let mut t = Template::new("")
        .funcs(funcs)
        .missing_key(missing)
        .parse(body)?;
    if !rewritten {
        return Ok(Tmpl { t, entry: None });
    }
    for d in defines {
        t = t.add_parse_tree(&d.name, d.body);
    }
    Ok(Tmpl {
        t: t.add_parse_tree(ENTRY, tree),
        entry: Some(ENTRY),
    })
}

/// Parse `body` into its tree and definitions, rewrite method calls with arguments
/// (`.Label "k"`, `$c.Label "k"`) into calls of their `__method_` function (gotmpl has no
/// methods), and check that every function exists. Returns whether anything was rewritten.
fn prepare(
    body: &str,
    funcs: &gotmpl::FuncMap,
) -> gotmpl::Result<(
    gotmpl::parse::ListNode,
    Vec<gotmpl::parse::DefineNode>,
    bool,
)> {
    use gotmpl::parse::{CommandNode, Expr, ListNode, Node, Parser, PipeNode, SmolStr};
    fn command(c: &mut CommandNode, changed: &mut bool) {
        if c.args.len() >= 2 {
            let rewritten = match &c.args[0] {
                Expr::Field(pos, path)
                    if path.last().is_some_and(|m| METHODS.contains(&m.as_str())) =>
                {
                    let recv = if path.len() == 1 {
                        Expr::Dot(*pos)
                    } else {
                        Expr::Field(*pos, path[..path.len() - 1].to_vec())
                    };
                    Some((*pos, path[path.len() - 1].clone(), recv))
                }
                Expr::Variable(pos, name, path)
                    if path.last().is_some_and(|m| METHODS.contains(&m.as_str())) =>
                {
                    let recv = Expr::Variable(*pos, name.clone(), path[..path.len() - 1].to_vec());
                    Some((*pos, path[path.len() - 1].clone(), recv))
                }
                _ => None,
            };
            if let Some((pos, method, recv)) = rewritten {
                c.args[0] = Expr::Identifier(pos, SmolStr::from(format!("__method_{method}")));
                c.args.insert(1, recv);
                *changed = true;
            }
        }
        for a in &mut c.args {
            expr(a, changed);
        }
    }
    fn pipe(p: &mut PipeNode, changed: &mut bool) {
        for c in &mut p.commands {
            command(c, changed);
        }
    }
    fn expr(e: &mut Expr, changed: &mut bool) {
        match e {
            Expr::Pipe(_, p) => pipe(p, changed),
            Expr::Chain(_, inner, _) => expr(inner, changed),
            _ => {}
        }
    }
    fn list(l: &mut ListNode, changed: &mut bool) {
        for n in &mut l.nodes {
            match n {
                Node::List(l) => list(l, changed),
                Node::Action(a) => pipe(&mut a.pipe, changed),
                Node::If(b) | Node::Range(b) | Node::With(b) => {
                    pipe(&mut b.pipe, changed);
                    list(&mut b.body, changed);
                    if let Some(e) = &mut b.else_body {
                        list(e, changed);
                    }
                }
                Node::Template(t) => {
                    if let Some(p) = &mut t.pipe {
                        pipe(p, changed);
                    }
                }
                Node::Define(d) => list(&mut d.body, changed),
                Node::Text(_) | Node::Break(_) | Node::Continue(_) => {}
            }
        }
    }
    let (mut tree, mut defines) = Parser::new(body, "{{", "}}")?.parse()?;
    let mut changed = false;
    list(&mut tree, &mut changed);
    for d in &mut defines {
        list(&mut d.body, &mut changed);
    }
    check_functions(&tree, &defines, funcs)?;
    Ok((tree, defines, changed))
}

/// Go's `text/template` builtins (gotmpl registers the same set).
const GO_BUILTINS: &[&str] = &[
    "and", "call", "eq", "ge", "gt", "html", "index", "js", "le", "len", "lt", "ne", "not", "or",
    "print", "printf", "println", "slice", "urlquery",
];

/// Go rejects a call of an unknown function when it parses the template (`template: :1: function
/// "nosuch" not defined`); gotmpl only notices when it runs it. Check at parse time, so an unknown
/// function fails even when there are no rows to render, as in docker.
fn check_functions(
    tree: &gotmpl::parse::ListNode,
    defines: &[gotmpl::parse::DefineNode],
    funcs: &gotmpl::FuncMap,
) -> gotmpl::Result<()> {
    use gotmpl::parse::{Expr, ListNode, Node, PipeNode};
    fn pipe(p: &PipeNode, f: &mut dyn FnMut(&str, usize)) {
        for c in &p.commands {
            for a in &c.args {
                expr(a, f);
            }
        }
    }
    fn expr(e: &Expr, f: &mut dyn FnMut(&str, usize)) {
        match e {
            Expr::Identifier(pos, name) => f(name, pos.line),
            Expr::Pipe(_, p) => pipe(p, f),
            Expr::Chain(_, inner, _) => expr(inner, f),
            _ => {}
        }
    }
    fn list(l: &ListNode, f: &mut dyn FnMut(&str, usize)) {
        for n in &l.nodes {
            match n {
                Node::List(l) => list(l, f),
                Node::Action(a) => pipe(&a.pipe, f),
                Node::If(b) | Node::Range(b) | Node::With(b) => {
                    pipe(&b.pipe, f);
                    list(&b.body, f);
                    if let Some(e) = &b.else_body {
                        list(e, f);
                    }
                }
                Node::Template(t) => {
                    if let Some(p) = &t.pipe {
                        pipe(p, f);
                    }
                }
                Node::Define(d) => list(&d.body, f),
                Node::Text(_) | Node::Break(_) | Node::Continue(_) => {}
            }
        }
    }
    let mut unknown: Option<(String, usize)> = None;
    let mut visit = |name: &str, line: usize| {
        if unknown.is_none() && !funcs.contains_key(name) && !GO_BUILTINS.contains(&name) {
            unknown = Some((name.to_string(), line));
        }
    };
    list(tree, &mut visit);
    for d in defines {
        list(&d.body, &mut visit);
    }
    match unknown {
        Some((name, line)) => Err(TemplateError::Parse {
            name: None,
            line,
            col: 0,
            message: format!("function {name:?} not defined"),
        }),
        None => Ok(()),
    }
}

/// Go's wording for template errors: `template: :LINE: MESSAGE` for parse errors (the template is
/// anonymous, as docker's is); execution errors carry no position in gotmpl.
fn go_error(e: &TemplateError) -> String {
    match e {
        TemplateError::Parse { line, message, .. } | TemplateError::Lex { line, message, .. } => {
            format!("template: :{line}: {message}")
        }
        other => format!("template: {other}"),
    }
}

/// The header row's data: every field the template names, the row's keys and the explicit
/// headers, each mapped to its column title.
fn header_names(
    body: &str,
    rows: &[serde_json::Value],
    headers: &[(&str, &str)],
) -> serde_json::Value {
    let mut names = serde_json::Map::new();
    for field in template_fields(body) {
        names.insert(field.clone(), default_header(&field).into());
    }
    if let Some(serde_json::Value::Object(first)) = rows.first() {
        for k in first.keys() {
            names.insert(k.clone(), default_header(k).into());
        }
    }
    for (field, title) in headers {
        names.insert((*field).to_string(), (*title).into());
    }
    serde_json::Value::Object(names)
}

/// Field names used as `.Name` in a template (the first segment of each field chain), so that a
/// header exists for them even when there are no rows.
fn template_fields(body: &str) -> Vec<String> {
    let b = body.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts_chain =
            b[i] == b'.' && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'));
        if starts_chain {
            let start = i + 1;
            let mut j = start;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            if j > start && !b[start].is_ascii_digit() {
                out.push(body[start..j].to_string());
            }
            // Skip the rest of the chain (`.A.B`): only the first segment is a row field.
            while j < b.len() && (b[j] == b'.' || b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The key order of every JSON object converted for one render, by the address of its map.
/// gotmpl's maps are sorted (Go ranges over maps in key order), but `{{json .}}` on a docker struct
/// prints fields in declaration order: this table lets `json` print the producer's order.
/// Converted values are kept alive here so an address is never reused within a render.
#[derive(Default, Clone)]
struct KeyOrder {
    inner: Arc<Mutex<KeyOrderInner>>,
}

#[derive(Default)]
struct KeyOrderInner {
    order: HashMap<usize, Vec<Arc<str>>>,
    keep: Vec<Value>,
}

impl KeyOrder {
    fn convert(&self, v: &serde_json::Value) -> Value {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let out = convert(v, &mut inner.order);
        inner.keep.push(out.clone());
        out
    }

    fn keys_of(&self, m: &Arc<BTreeMap<Arc<str>, Value>>) -> Option<Vec<Arc<str>>> {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.order.get(&map_addr(m)).cloned()
    }
}

fn map_addr(m: &Arc<BTreeMap<Arc<str>, Value>>) -> usize {
    Arc::as_ptr(m) as *const () as usize
}

fn convert(v: &serde_json::Value, order: &mut HashMap<usize, Vec<Arc<str>>>) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Int(i)
            } else if let Some(u) = n.as_u64() {
                Value::Uint(u)
            } else {
                Value::Float(n.as_f64().unwrap_or(0.0))
            }
        }
        serde_json::Value::String(s) => Value::String(s.as_str().into()),
        serde_json::Value::Array(a) => Value::List(
            a.iter()
                .map(|x| convert(x, order))
                .collect::<Vec<_>>()
                .into(),
        ),
        serde_json::Value::Object(o) => {
            let keys: Vec<Arc<str>> = o.keys().map(|k| Arc::from(k.as_str())).collect();
            let map: BTreeMap<Arc<str>, Value> = keys
                .iter()
                .cloned()
                .zip(o.values().map(|x| convert(x, order)))
                .collect();
            let map = Arc::new(map);
            order.insert(map_addr(&map), keys);
            Value::Map(map)
        }
    }
}
