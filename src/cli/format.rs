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

// ---------------------------------------------------------------------------------------------
// Template functions (docker/cli `templates/templates.go`).

fn exec_err(msg: String) -> TemplateError {
    TemplateError::Exec(msg)
}

fn want_args(name: &str, args: &[Value], n: usize) -> gotmpl::Result<()> {
    if args.len() != n {
        return Err(TemplateError::ArgCount {
            name: name.to_string(),
            expected: n,
            got: args.len(),
        });
    }
    Ok(())
}

fn str_arg(name: &str, v: &Value) -> gotmpl::Result<Arc<str>> {
    match v {
        Value::String(s) => Ok(s.clone()),
        other => Err(exec_err(format!(
            "error calling {name}: wrong type for value; expected string; got {}",
            other.type_name()
        ))),
    }
}

fn int_arg(name: &str, v: &Value) -> gotmpl::Result<i64> {
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

fn string_fn(
    f: fn(&str) -> String,
) -> impl Fn(&[Value]) -> gotmpl::Result<Value> + Send + Sync + 'static {
    move |args: &[Value]| {
        want_args("string function", args, 1)?;
        Ok(Value::String(
            f(&str_arg("string function", &args[0])?).into(),
        ))
    }
}

fn insert(
    m: &mut gotmpl::FuncMap,
    name: &str,
    f: impl Fn(&[Value]) -> gotmpl::Result<Value> + Send + Sync + 'static,
) {
    m.insert(name.to_string(), Arc::new(f));
}

/// docker's function set on top of Go's builtins.
fn docker_funcs(order: &KeyOrder) -> gotmpl::FuncMap {
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
fn header_funcs(order: &KeyOrder) -> gotmpl::FuncMap {
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
fn go_title(s: &str) -> String {
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
fn method_label(args: &[Value]) -> gotmpl::Result<Value> {
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
fn go_index(args: &[Value]) -> gotmpl::Result<Value> {
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
fn write_json(s: &mut String, v: &Value, order: &KeyOrder) {
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

fn write_json_str(s: &mut String, st: &str) {
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

// ---------------------------------------------------------------------------------------------
// Elastic tabstops, as Go's text/tabwriter (docker's copy in cli/command/formatter/tabwriter),
// configured as docker's tables: minwidth 10, tabwidth 1, padding 3, pad with spaces, no flags.
// Cells are terminated by '\t'; the text after the last tab of a line is not part of a column.

struct Cell {
    text: String,
    width: usize,
}

struct TabWriter {
    minwidth: usize,
    padding: usize,
    lines: Vec<Vec<Cell>>,
    cell: String,
    widths: Vec<usize>,
    out: String,
}

impl TabWriter {
    fn docker() -> TabWriter {
        TabWriter {
            minwidth: 10,
            padding: 3,
            lines: vec![Vec::new()],
            cell: String::new(),
            widths: Vec::new(),
            out: String::new(),
        }
    }

    fn terminate_cell(&mut self) -> usize {
        let text = std::mem::take(&mut self.cell);
        let width = unicode_width::UnicodeWidthStr::width(text.as_str());
        let line = self
            .lines
            .last_mut()
            .expect("tabwriter always has a current line");
        line.push(Cell { text, width });
        line.len()
    }

    fn write(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '\t' | '\u{b}' | '\n' | '\u{c}' => {
                    let ncells = self.terminate_cell();
                    if c == '\n' || c == '\u{c}' {
                        self.lines.push(Vec::new());
                        // A line with a single cell cannot affect the columns below it: flush.
                        if c == '\u{c}' || ncells == 1 {
                            self.flush_lines();
                        }
                    }
                }
                c => self.cell.push(c),
            }
        }
    }

    fn flush_lines(&mut self) {
        if !self.cell.is_empty() {
            self.terminate_cell();
        }
        self.format(0, self.lines.len());
        self.lines = vec![Vec::new()];
        self.widths.clear();
    }

    fn flush(mut self) -> String {
        self.flush_lines();
        self.out
    }

    fn write_padding(&mut self, textw: usize, cellw: usize) {
        for _ in textw..cellw {
            self.out.push(' ');
        }
    }

    fn write_lines(&mut self, line0: usize, line1: usize) {
        for i in line0..line1 {
            let line = std::mem::take(&mut self.lines[i]);
            for (j, c) in line.iter().enumerate() {
                self.out.push_str(&c.text);
                if j < self.widths.len() {
                    self.write_padding(c.width, self.widths[j]);
                }
            }
            self.lines[i] = line;
            if i + 1 == self.lines.len() {
                let rest = std::mem::take(&mut self.cell);
                self.out.push_str(&rest);
            } else {
                self.out.push('\n');
            }
        }
    }

    fn format(&mut self, mut line0: usize, line1: usize) {
        let column = self.widths.len();
        let mut this = line0;
        while this < line1 {
            let len = self.lines[this].len();
            if len == 0 || column >= len - 1 {
                this += 1;
                continue;
            }
            // This line has a cell in this column: print what is above, then size the column
            // over the block of contiguous lines that have it.
            self.write_lines(line0, this);
            line0 = this;
            let mut width = self.minwidth;
            while this < line1 {
                let line = &self.lines[this];
                if line.is_empty() || column >= line.len() - 1 {
                    break;
                }
                width = width.max(line[column].width + self.padding);
                this += 1;
            }
            self.widths.push(width);
            self.format(line0, this);
            self.widths.pop();
            line0 = this;
            this += 1;
        }
        self.write_lines(line0, line1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn list(
        format: Option<&str>,
        default: &str,
        rows: &[serde_json::Value],
        headers: &[(&str, &str)],
    ) -> String {
        let mut out = Vec::new();
        render_list(&mut out, format, default, rows, headers).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn inspect(format: Option<&str>, values: &[serde_json::Value]) -> String {
        let mut out = Vec::new();
        render_inspect(&mut out, format, values).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn images() -> Vec<serde_json::Value> {
        vec![
            json!({"Repository": "busybox", "Tag": "latest", "ID": "a416a98b71e2", "CreatedSince": "2 weeks ago", "Size": "4.26MB"}),
            json!({"Repository": "127.0.0.1:5000/library/app", "Tag": "multi", "ID": "0123456789ab", "CreatedSince": "3 months ago", "Size": "12.1MB"}),
        ]
    }

    const IMAGES_TABLE: &str =
        "table {{.Repository}}\\t{{.Tag}}\\t{{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}";
    const IMAGE_HEADERS: &[(&str, &str)] = &[("ID", "IMAGE ID"), ("CreatedSince", "CREATED")];

    fn container() -> serde_json::Value {
        json!({
            "Id": "4f3c2b1a",
            "Name": "/web",
            "Args": ["-c", "echo hi"],
            "State": {"Status": "running", "Running": true, "ExitCode": 0, "Pid": 4242},
            "Config": {"Hostname": "4f3c2b1a", "Labels": {"k": "v", "a": "b"}, "Env": ["PATH=/bin"]},
            "NetworkSettings": {
                "Ports": {"6443/tcp": [{"HostIp": "127.0.0.1", "HostPort": "41234"}]},
                "Networks": {"bridge": {"IPAddress": "10.88.0.2"}, "other": {"IPAddress": "10.89.0.2"}}
            }
        })
    }

    #[test]
    fn default_images_table_is_aligned_like_docker() {
        let out = list(None, IMAGES_TABLE, &images(), IMAGE_HEADERS);
        assert_eq!(
            out,
            "REPOSITORY                   TAG       IMAGE ID       CREATED        SIZE\n\
             busybox                      latest    a416a98b71e2   2 weeks ago    4.26MB\n\
             127.0.0.1:5000/library/app   multi     0123456789ab   3 months ago   12.1MB\n"
        );
        assert_eq!(
            list(Some("table"), IMAGES_TABLE, &images(), IMAGE_HEADERS),
            out
        );
    }

    #[test]
    fn field_only_templates_print_what_the_template_engine_prints() {
        let rows = vec![
            json!({"ID": "4f3c2b1a9e8d", "Names": "web", "Command": "\"sh -c 'a\\tb' <c> &\"", "N": 3}),
            json!({"ID": "0123456789ab", "Names": "", "Command": "\"true\"", "N": 4}),
        ];
        for body in [
            "{{.ID}}",
            "{{.ID}}\t{{.Names}}:{{.Command}} x",
            "a {{- .Names -}} b {{/* c */}}{{ .ID }}",
            "",
            "{{.N}}",
            "{{.Names}}{{json .Names}}",
        ] {
            let order = KeyOrder::default();
            let engine = parse(body, docker_funcs(&order), MissingKey::Error).unwrap();
            let mut want = String::new();
            for r in &rows {
                want.push_str(&engine.execute_to_string(&order.convert(r)).unwrap());
                want.push('\n');
            }
            assert_eq!(list(Some(body), "", &rows, &[]), want, "{body}");
        }
        assert_eq!(
            list_fields(None, "table {{.ID}}\t{{.Names}}"),
            Some(vec!["ID".to_string(), "Names".to_string()])
        );
        assert_eq!(list_fields(Some("{{json .}}"), "table {{.ID}}"), None);
        assert_eq!(list_fields(Some("{{.Label \"k\"}}"), "table {{.ID}}"), None);
    }

    #[test]
    fn table_with_no_rows_prints_the_header() {
        let out = list(None, IMAGES_TABLE, &[], IMAGE_HEADERS);
        assert_eq!(out, "REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n");
    }

    #[test]
    fn custom_table_uses_headers_and_default_titles() {
        let rows =
            vec![json!({"ID": "4f3c2b1a9e8d", "Names": "web", "RunningFor": "2 minutes ago"})];
        let out = list(
            Some("table {{.ID}}\\t{{.Names}}\\t{{.RunningFor}}"),
            "",
            &rows,
            &[("ID", "CONTAINER ID")],
        );
        assert_eq!(
            out,
            "CONTAINER ID   NAMES     RUNNING FOR\n4f3c2b1a9e8d   web       2 minutes ago\n"
        );
    }

    #[test]
    fn header_keeps_functions_from_changing_titles() {
        let rows = vec![json!({"Names": "web"})];
        let out = list(
            Some("table {{upper .Names}}\\t{{json .Names}}"),
            "",
            &rows,
            &[],
        );
        assert_eq!(out, "NAMES     NAMES\nWEB       \"web\"\n");
    }

    #[test]
    fn raw_template_runs_once_per_row() {
        let out = list(
            Some("{{.Repository}}:{{.Tag}}"),
            IMAGES_TABLE,
            &images(),
            IMAGE_HEADERS,
        );
        assert_eq!(out, "busybox:latest\n127.0.0.1:5000/library/app:multi\n");
    }

    #[test]
    fn quiet_default_without_table_prefix_is_a_row_template() {
        let out = list(None, "{{.ID}}", &images(), IMAGE_HEADERS);
        assert_eq!(out, "a416a98b71e2\n0123456789ab\n");
    }

    #[test]
    fn json_format_prints_one_object_per_line_in_field_order() {
        let out = list(Some("json"), IMAGES_TABLE, &images()[..1], IMAGE_HEADERS);
        assert_eq!(
            out,
            "{\"Repository\":\"busybox\",\"Tag\":\"latest\",\"ID\":\"a416a98b71e2\",\"CreatedSince\":\"2 weeks ago\",\"Size\":\"4.26MB\"}\n"
        );
        assert_eq!(list(Some("{{json .}}"), "", &images()[..1], &[]), out);
    }

    #[test]
    fn json_function_does_not_escape_html() {
        let rows = vec![json!({"Command": "\"sh -c 'a && b <c>'\""})];
        assert_eq!(
            list(Some("{{json .Command}}"), "", &rows, &[]),
            "\"\\\"sh -c 'a && b <c>'\\\"\"\n"
        );
    }

    #[test]
    fn missing_field_in_a_row_is_an_error() {
        let mut out = Vec::new();
        let err = render_list(&mut out, Some("{{.Nope}}"), "", &images(), &[]).unwrap_err();
        assert!(
            format!("{err:#}").starts_with("template parsing error: template: "),
            "{err:#}"
        );
        assert!(out.is_empty());
    }

    #[test]
    fn parse_error_is_reported_like_go() {
        let mut out = Vec::new();
        let err = render_list(&mut out, Some("{{.ID"), "", &images(), &[]).unwrap_err();
        assert!(
            format!("{err:#}").starts_with("template parsing error: template: :1: "),
            "{err:#}"
        );
    }

    #[test]
    fn inspect_without_format_is_an_indented_array() {
        let out = inspect(
            None,
            &[json!({"Id": "abc", "RepoTags": ["busybox:latest"], "Size": 4261017, "Config": {}})],
        );
        assert_eq!(
            out,
            "[\n    {\n        \"Id\": \"abc\",\n        \"RepoTags\": [\n            \"busybox:latest\"\n        ],\n        \"Size\": 4261017,\n        \"Config\": {}\n    }\n]\n"
        );
        assert_eq!(inspect(None, &[]), "[]\n");
        assert_eq!(
            inspect(Some("json"), &[json!({"Id": "a"}), json!({"Id": "b"})]),
            "[{\"Id\":\"a\"},{\"Id\":\"b\"}]\n"
        );
    }

    #[test]
    fn inspect_templates_docker_users_write() {
        let c = [container()];
        let cases: &[(&str, &str)] = &[
            ("{{.State.Status}}", "running"),
            ("{{.State.ExitCode}}", "0"),
            ("{{.State.Pid}}", "4242"),
            (
                "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
                "10.88.0.210.89.0.2",
            ),
            (
                "{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}} {{end}}",
                "bridge=10.88.0.2 other=10.89.0.2 ",
            ),
            ("{{index .Config.Labels \"k\"}}", "v"),
            ("{{index .Config.Labels \"missing\"}}", ""),
            (
                "{{(index (index .NetworkSettings.Ports \"6443/tcp\") 0).HostPort}}",
                "41234",
            ),
            ("{{join .Args \",\"}}", "-c,echo hi"),
            ("{{upper .Name}}", "/WEB"),
            (
                "{{lower \"ABC\"}} {{title \"hello world\"}}",
                "abc Hello World",
            ),
            ("{{printf \"%-10s|\" .Name}}", "/web      |"),
            (
                "{{printf \"%d:%q:%v\" .State.Pid .Name .State.Running}}",
                "4242:\"/web\":true",
            ),
            (
                "{{if eq .State.Status \"running\"}}up{{else}}down{{end}}",
                "up",
            ),
            (
                "{{if and .State.Running (not (eq .State.ExitCode 1))}}ok{{end}}",
                "ok",
            ),
            (
                "{{json .Config}}",
                "{\"Hostname\":\"4f3c2b1a\",\"Labels\":{\"k\":\"v\",\"a\":\"b\"},\"Env\":[\"PATH=/bin\"]}",
            ),
            ("{{json .Config.Labels}}", "{\"k\":\"v\",\"a\":\"b\"}"),
            ("{{.Config.Labels}}", "map[a:b k:v]"),
            ("{{.Config.Env}}", "[PATH=/bin]"),
            ("{{len .Config.Env}} {{index .Args 1}}", "1 echo hi"),
            ("{{split \"a:b:c\" \":\"}}", "[a b c]"),
            ("{{pad \"x\" 2 1}}|{{pad \"\" 2 1}}|", "  x ||"),
            ("{{truncate .Id 4}}", "4f3c"),
            ("{{with .State}}{{.Status}}{{end}}", "running"),
            ("{{.Config.Labels.missing}}", "<no value>"),
            ("{{slice .Id 0 2}}", "4f"),
            ("{{println .Name}}", "/web\n"),
        ];
        for (tmpl, want) in cases {
            assert_eq!(
                inspect(Some(tmpl), &c),
                format!("{want}\n"),
                "template {tmpl}"
            );
        }
    }

    #[test]
    fn inspect_prints_the_values_a_template_works_on_then_fails() {
        let mut out = Vec::new();
        let values = [
            json!({"Id": "a", "State": {"Status": "running"}}),
            json!({"Id": "b", "State": "odd"}),
        ];
        let err = render_inspect(&mut out, Some("{{.State.Status}}"), &values).unwrap_err();
        assert_eq!(String::from_utf8(out).unwrap(), "running\n");
        let status = err.downcast_ref::<StatusError>().expect("a status error");
        assert_eq!(status.code, 1);
        assert!(
            status.msg.starts_with("template parsing error: template: "),
            "{}",
            status.msg
        );
    }

    #[test]
    fn inspect_parse_error_exits_64_like_docker() {
        let mut out = Vec::new();
        let err = render_inspect(&mut out, Some("{{.Id"), &[container()]).unwrap_err();
        let status = err.downcast_ref::<StatusError>().expect("a status error");
        assert_eq!(status.code, 64);
        assert!(
            status
                .msg
                .starts_with("template parsing error: template: :1: "),
            "{}",
            status.msg
        );
    }

    #[test]
    fn label_method_reads_one_label() {
        let rows = vec![
            json!({"Names": "web", "Labels": "com.example.app=shop,tier=front"}),
            json!({"Names": "db", "Labels": {"tier": "back"}}),
        ];
        let out = list(
            Some("table {{.Names}}\\t{{.Label \"tier\"}}\\t{{.Label \"com.example.app\"}}"),
            "",
            &rows,
            &[],
        );
        assert_eq!(
            out,
            "NAMES     LABEL     LABEL\nweb       front     shop\ndb        back      \n"
        );
        let out = list(
            Some(
                "{{range $r := slice (split \"a b\" \" \") 0 1}}{{$.Label \"tier\" | upper}}{{end}}",
            ),
            "",
            &rows,
            &[],
        );
        assert_eq!(out, "FRONT\nBACK\n");
        let out = list(
            Some("{{define \"t\"}}<{{.Label \"tier\"}}>{{end}}{{template \"t\" .}}"),
            "",
            &rows,
            &[],
        );
        assert_eq!(out, "<front>\n<back>\n");
    }

    #[test]
    fn unknown_function_is_a_parse_error_even_without_rows() {
        let mut out = Vec::new();
        let err =
            render_inspect(&mut out, Some("{{if .Id}}{{nosuch .Id}}{{end}}"), &[]).unwrap_err();
        let status = err.downcast_ref::<StatusError>().expect("a status error");
        assert_eq!(
            status.msg,
            "template parsing error: template: :1: function \"nosuch\" not defined"
        );
        let err = render_list(&mut out, Some("{{.ID | nosuch}}"), "", &[], &[]).unwrap_err();
        assert_eq!(
            format!("{err:#}"),
            "template parsing error: template: :1: function \"nosuch\" not defined"
        );
        assert!(out.is_empty());
    }

    #[test]
    fn render_value_supports_nested_fields_and_json() {
        let v = json!({"Client": {"Version": "0.1.0", "Os": "linux"}});
        let mut out = Vec::new();
        render_value(&mut out, "{{.Client.Version}}", &v).unwrap();
        render_value(&mut out, "json", &v).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0.1.0\n{\"Client\":{\"Version\":\"0.1.0\",\"Os\":\"linux\"}}\n"
        );
        crate::testing::assert_err(
            render_value(&mut Vec::new(), "{{.Client.Nope}}", &v),
            "map has no entry for key: Nope",
        );
    }

    #[test]
    fn default_header_splits_words() {
        assert_eq!(default_header("CreatedSince"), "CREATED SINCE");
        assert_eq!(default_header("ID"), "ID");
        assert_eq!(default_header("IPAddress"), "IP ADDRESS");
        assert_eq!(default_header("LocalVolumes"), "LOCAL VOLUMES");
    }

    #[test]
    fn tabwriter_matches_go_for_ragged_rows() {
        let mut tw = TabWriter::docker();
        tw.write("a\tbbbbbbbbbbbbbb\tc\nlonger-name\tb\n\nx\ty\n");
        assert_eq!(
            tw.flush(),
            "a             bbbbbbbbbbbbbb   c\nlonger-name   b\n\nx         y\n"
        );
    }

    #[test]
    fn tabwriter_counts_wide_characters_by_width() {
        let mut tw = TabWriter::docker();
        tw.write("名前\tx\nab\ty\n");
        assert_eq!(tw.flush(), "名前      x\nab        y\n");
    }
}
