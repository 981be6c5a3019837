//! Tests of the `--format` engine.

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
    let rows = vec![json!({"ID": "4f3c2b1a9e8d", "Names": "web", "RunningFor": "2 minutes ago"})];
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
        Some("{{range $r := slice (split \"a b\" \" \") 0 1}}{{$.Label \"tier\" | upper}}{{end}}"),
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
    let err = render_inspect(&mut out, Some("{{if .Id}}{{nosuch .Id}}{{end}}"), &[]).unwrap_err();
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
