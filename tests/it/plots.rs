//! Charts show exactly their query's answer: for every plot-worthy catalog query, the data
//! series of its chart are compared with the rows of the answer (not pixels), and the SVG
//! and PNG renderings are produced.

use std::path::Path;

use datafusion::arrow::array::{Array, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::arrow::util::display::array_value_to_string;
use pcapq::cli::TrackArgs;
use pcapq::query::{catalog, session};
use pcapq::report::chart::{self, Kind, Spec};
use pcapq::report::draw;
use pcapq::source::InputSpec;

fn floats(batches: &[RecordBatch], col: &str) -> Vec<Option<f64>> {
    let mut out = Vec::new();
    for b in batches {
        let a = b.column_by_name(col).unwrap();
        let a = if matches!(a.data_type(), DataType::Timestamp(_, _)) {
            let ns = cast(a, &DataType::Timestamp(TimeUnit::Nanosecond, None)).unwrap();
            let f = cast(&cast(&ns, &DataType::Int64).unwrap(), &DataType::Float64).unwrap();
            let f = f
                .as_any()
                .downcast_ref::<datafusion::arrow::array::Float64Array>()
                .unwrap()
                .clone();
            out.extend((0..f.len()).map(|i| (!f.is_null(i)).then(|| f.value(i) / 1e9)));
            continue;
        } else {
            cast(a, &DataType::Float64).unwrap()
        };
        let a = a
            .as_any()
            .downcast_ref::<datafusion::arrow::array::Float64Array>()
            .unwrap();
        out.extend((0..a.len()).map(|i| (!a.is_null(i)).then(|| a.value(i))));
    }
    out
}

fn strings(batches: &[RecordBatch], col: &str) -> Vec<String> {
    let mut out = Vec::new();
    for b in batches {
        let a = b.column_by_name(col).unwrap();
        out.extend((0..a.len()).map(|i| {
            if a.is_null(i) {
                "(none)".to_string()
            } else {
                array_value_to_string(a, i).unwrap()
            }
        }));
    }
    out
}

#[test]
fn every_chart_shows_its_answer() {
    // The example capture; the application questions over the application captures (the
    // example has no TLS or QUIC).
    let example = vec![InputSpec::File(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example.pcap"),
    )];
    let app: Vec<InputSpec> = crate::support::shared_with_in(&["app"], ".capinfos.tsv")
        .into_iter()
        .map(InputSpec::File)
        .collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let session_of = |inputs: Vec<InputSpec>| {
        let sink =
            pcapq::commands::data::convert_in_memory(inputs, &TrackArgs::default(), None).unwrap();
        let ctx = rt.block_on(session::from_memory(sink)).unwrap();
        crate::support::with_geo_dbs(&ctx);
        ctx
    };
    let (example_ctx, app_ctx) = (session_of(example), session_of(app));
    let out_dir = tempfile::tempdir().unwrap();
    let mut charted = 0;
    for q in catalog::all() {
        let Some(spec_text) = &q.chart else { continue };
        let spec = Spec::parse(spec_text).unwrap();
        let ctx = if q.section == "Applications" {
            &app_ctx
        } else {
            &example_ctx
        };
        let (_, batches, _) = rt.block_on(q.run(ctx, &[])).unwrap();
        let c = chart::build(&q.question, &spec, &batches).unwrap();
        assert_eq!(c.title, q.question);
        match spec.kind {
            Kind::Box => {
                let b = c.boxplot.unwrap();
                for (key, value) in [
                    ("min", b.min),
                    ("q1", b.q1),
                    ("median", b.median),
                    ("q3", b.q3),
                    ("max", b.max),
                ] {
                    assert_eq!(
                        Some(value),
                        floats(&batches, spec.get(key).unwrap())[0],
                        "{}: {key}",
                        q.id
                    );
                }
            }
            Kind::Cdf => {
                let xs = floats(&batches, spec.get("x").unwrap());
                let ys = floats(&batches, spec.get("y").unwrap());
                let points: Vec<(f64, f64)> = c.panels[0]
                    .series
                    .iter()
                    .flat_map(|s| s.points.clone())
                    .collect();
                let expected: Vec<(f64, f64)> = xs
                    .iter()
                    .zip(&ys)
                    .filter_map(|(x, y)| Some(((*x)?, (*y)?)))
                    .collect();
                let (mut a, mut b) = (points, expected);
                a.sort_by(|p, q| p.partial_cmp(q).unwrap());
                b.sort_by(|p, q| p.partial_cmp(q).unwrap());
                assert_eq!(a, b, "{}: CDF points", q.id);
                if let Some(series) = spec.get("series") {
                    let mut names: Vec<String> = strings(&batches, series);
                    names.dedup();
                    assert_eq!(
                        c.panels[0].series.len(),
                        names.len(),
                        "{}: one line per {series}",
                        q.id
                    );
                }
            }
            Kind::Line => {
                let xs = floats(&batches, spec.get("x").unwrap());
                for (panel, y) in c.panels.iter().zip(spec.get("y").unwrap().split(',')) {
                    let ys = floats(&batches, y);
                    let expected: Vec<(f64, f64)> = xs
                        .iter()
                        .zip(&ys)
                        .filter_map(|(x, y)| Some(((*x)?, (*y)?)))
                        .collect();
                    assert_eq!(panel.series[0].points, expected, "{}: {y} over time", q.id);
                }
                assert!(c.x_is_time, "{}: time axis", q.id);
            }
            Kind::Bar | Kind::Rank => {
                let labels = strings(&batches, spec.get("x").unwrap());
                let y_cols: Vec<&str> = spec.get("y").unwrap().split(',').collect();
                let groups = spec.get("series").map(|s| strings(&batches, s));
                let mut panel = c.panels.iter();
                let group_names: Vec<String> = match &groups {
                    Some(g) => {
                        let mut seen: Vec<String> = Vec::new();
                        for v in g {
                            if !seen.contains(v) {
                                seen.push(v.clone());
                            }
                        }
                        seen
                    }
                    None => vec![String::new()],
                };
                for g in &group_names {
                    let rows: Vec<usize> = (0..labels.len())
                        .filter(|&i| groups.as_ref().is_none_or(|gs| &gs[i] == g))
                        .collect();
                    for y in &y_cols {
                        let p = panel.next().unwrap();
                        let ys = floats(&batches, y);
                        let rows_with_y: Vec<usize> =
                            rows.iter().copied().filter(|&i| ys[i].is_some()).collect();
                        let want_labels: Vec<String> =
                            rows_with_y.iter().map(|&i| labels[i].clone()).collect();
                        let want_values: Vec<f64> =
                            rows_with_y.iter().map(|&i| ys[i].unwrap()).collect();
                        assert_eq!(p.categories, want_labels, "{}: categories", q.id);
                        assert_eq!(
                            p.series[0].points.iter().map(|p| p.1).collect::<Vec<_>>(),
                            want_values,
                            "{}: {y}",
                            q.id
                        );
                    }
                }
                assert!(panel.next().is_none(), "{}: extra panels", q.id);
            }
        }
        let svg = draw::svg(&c).unwrap();
        assert!(svg.contains("<svg") && svg.len() > 1000, "{}: SVG", q.id);
        let png = out_dir.path().join(format!("{}.png", q.id));
        draw::png(&c, &png).unwrap();
        assert!(
            std::fs::metadata(&png).unwrap().len() > 1000,
            "{}: PNG",
            q.id
        );
        charted += 1;
    }
    assert!(charted >= 15, "only {charted} plot-worthy queries");
}

#[test]
fn plot_command_writes_svg_and_png_and_refuses_tables() {
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example.pcap");
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_pcapq"))
            .args(args)
            .output()
            .unwrap()
    };
    let svg = dir.path().join("cdf.svg");
    let o = run(&[
        "plot",
        "-i",
        capture.to_str().unwrap(),
        "packet-size-cdf",
        "-o",
        svg.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        std::fs::read_to_string(&svg)
            .unwrap()
            .contains("fraction of packets")
    );
    let png = dir.path().join("ranks.png");
    let o = run(&[
        "plot",
        "-i",
        capture.to_str().unwrap(),
        "pair-flow-ranks",
        "--log-y",
        "-o",
        png.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(&std::fs::read(&png).unwrap()[1..4], b"PNG");
    let o = run(&[
        "plot",
        "-i",
        capture.to_str().unwrap(),
        "tcp-general",
        "-o",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a picture"));
}

#[test]
fn report_has_every_section_and_no_external_references() {
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example.pcap");
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_pcapq"))
        .args([
            "report",
            capture.to_str().unwrap(),
            "-o",
            html.to_str().unwrap(),
        ])
        .env(
            "PCAPQ_GEOIP",
            crate::support::geo_dbs().join("country.mmdb"),
        )
        .env("PCAPQ_ASN", crate::support::geo_dbs().join("asn.csv"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&html).unwrap();
    for heading in [
        "Captures",
        "Capture overview",
        "Hosts, networks, ports",
        "Flows",
        "TCP connections",
    ] {
        assert!(
            text.contains(&format!(">{heading}</h2>")),
            "section {heading}"
        );
    }
    for q in catalog::all() {
        assert!(
            text.contains(&format!("id=\"q-{}\"", q.id)),
            "answer {}",
            q.id
        );
    }
    // Self-contained: nothing to fetch (the SVG namespace name is an identifier, not a fetch).
    let text = text.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for needle in ["http://", "https://", "src=", "@import", "url("] {
        assert!(
            !text.contains(needle),
            "external reference {needle:?} in the report"
        );
    }
    let md = dir.path().join("r.md");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_pcapq"))
        .args([
            "report",
            capture.to_str().unwrap(),
            "--format",
            "md",
            "-o",
            md.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    let md_text = std::fs::read_to_string(&md).unwrap();
    assert!(md_text.contains("![") && dir.path().join("r_files/packet-size-cdf.png").exists());
}
