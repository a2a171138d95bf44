"""Tests of the Python package `pcapq` (python/), installed with `pip install .` into a
clean virtual environment by tests/package.sh (run by `make test`).

Row counts are checked against capinfos (the .capinfos.tsv files beside tests/pcaps),
tables against the command line's own output on the same capture, types as pandas and
Polars see them, and errors against the command line's one-line messages.
"""

import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import pcapq

ROOT = Path(__file__).resolve().parents[2]
PCAPS = ROOT / "tests" / "pcaps"
EXAMPLE = ROOT / "examples" / "example.pcap"
PCAPQ = os.environ.get("PCAPQ") or str(ROOT / "target" / "release" / "pcapq")


def capinfos(capture: Path) -> dict:
    """What capinfos printed for a test capture (its .capinfos.tsv)."""
    header, row = (capture.parent / (capture.name + ".capinfos.tsv")).read_text().splitlines()[:2]
    return dict(zip(header.split("\t"), row.split("\t")))


def capinfos_packets(capture: Path) -> int:
    return int(capinfos(capture)["Number of packets"])


def with_capinfos():
    return sorted(
        p
        for p in PCAPS.glob("*/*")
        if p.suffix in (".pcap", ".pcapng") and (p.parent / (p.name + ".capinfos.tsv")).exists()
        and p.parent.name != "malformed"
    )


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PCAPQ, *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ds") / "example"
    pcapq.convert(EXAMPLE, out)
    return out


def test_the_test_captures_are_there():
    assert len(with_capinfos()) >= 40, f"{PCAPS}: the test captures are carried in the repository"


@pytest.mark.parametrize("capture", with_capinfos(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_packet_rows_equal_capinfos(capture):
    packets = pcapq.packets(capture)
    assert isinstance(packets, pa.Table)
    assert packets.num_rows == capinfos_packets(capture)


def test_tables_equal_the_command_lines_dataset(dataset, tmp_path):
    tables = pcapq.tables(EXAMPLE)
    assert set(tables) == {"packets", "flows", "dns", "http", "captures"}
    for name in ("packets", "flows", "dns", "http"):
        on_disk = pq.read_table(dataset / f"{name}.parquet")
        assert tables[name].schema.equals(on_disk.schema, check_metadata=False), name
        assert tables[name].equals(on_disk), name
    # The command line's own conversion of the same capture, too.
    assert cli("convert", str(EXAMPLE), "-o", str(tmp_path / "cli"), "--quiet").returncode == 0
    assert pq.read_table(tmp_path / "cli" / "flows.parquet").equals(tables["flows"])


def test_convert_reports_the_run(dataset, tmp_path):
    run = pcapq.convert([EXAMPLE], tmp_path / "ds")
    assert run["frames"] > 0
    assert run["frames"] == pq.read_metadata(tmp_path / "ds" / "packets.parquet").num_rows
    assert run["flows"] == pq.read_metadata(tmp_path / "ds" / "flows.parquet").num_rows
    assert run["warnings"] == [] and Path(run["dataset"]).is_dir()
    with pytest.raises(pcapq.PcapqError, match="exists"):
        pcapq.convert(EXAMPLE, tmp_path / "ds")
    assert pcapq.convert(EXAMPLE, tmp_path / "ds", force=True)["frames"] == run["frames"]


def test_convert_options_reach_the_command_line(dataset, tmp_path):
    run = pcapq.convert(EXAMPLE, tmp_path / "hourly", partition_by="hour")
    assert (tmp_path / "hourly" / "packets").is_dir()
    assert pcapq.query("summary", dataset=tmp_path / "hourly").equals(
        pcapq.query("summary", dataset=dataset))
    assert run["frames"] == pcapq.packets(EXAMPLE).num_rows


def test_convert_append_equals_one_conversion(tmp_path):
    """convert(append=True), one capture at a time in time order, holds what one
    conversion of both does (the command line's --append)."""
    captures = [PCAPS / "app" / "dns-edns-cookie.pcap", PCAPS / "app" / "dns-two-responses.pcap"]
    first, second = sorted(captures, key=lambda c: pcapq.packets(c).column("ts")[0].as_py())
    for capture in (first, second):
        pcapq.convert(capture, tmp_path / "appended", append=True)
    pcapq.convert([first, second], tmp_path / "whole")
    assert (tmp_path / "appended" / "_pcapq" / "state").is_file()
    for table, key in (("packets", "capture_id, frame"), ("flows", "flow_id"), ("captures", "capture_id")):
        got, want = (
            pcapq.sql(f"SELECT * FROM {table} ORDER BY {key}", dataset=tmp_path / ds)
            for ds in ("appended", "whole")
        )
        assert got.num_rows == want.num_rows > 0
        assert got.equals(want), table


def test_text_is_string_whatever_the_layout(dataset, tmp_path):
    """One-file and folder datasets give the same types, and pyarrow can sort the text
    (it cannot sort or take string_view)."""
    pcapq.convert(EXAMPLE, tmp_path / "hourly", partition_by="hour")
    statement = "SELECT src_ip, dns_rcode, frame FROM packets"
    one_file, folders = (pcapq.sql(statement, dataset=ds) for ds in (dataset, tmp_path / "hourly"))
    assert one_file.schema == folders.schema
    assert one_file.schema.field("src_ip").type == pa.string()
    assert one_file.sort_by("src_ip").num_rows == one_file.num_rows
    flows = pcapq.sql("SELECT alpn FROM flows", dataset=dataset)
    assert flows.schema.field("alpn").type == pa.list_(pa.string())


def test_tracker_threads_give_the_same_flows():
    one, two = (pcapq.flows(EXAMPLE, threads=n) for n in (1, 2))
    order = (lambda t: pa.compute.sort_indices(t, sort_keys=[("flow_id", "ascending")]))
    assert one.take(order(one)).equals(two.take(order(two))) and one.num_rows > 0


def test_packets_in_capture_order_and_flows_options():
    packets = pcapq.packets(EXAMPLE)
    frames = packets.column("frame").to_pylist()
    assert frames == sorted(frames) and frames[0] == 1
    untracked = pcapq.packets(EXAMPLE, no_flows=True)
    assert untracked.num_rows == packets.num_rows
    assert untracked.column("flow_id").null_count == untracked.num_rows
    few = pcapq.flows(EXAMPLE, max_flows=2)
    assert few.num_rows >= pcapq.flows(EXAMPLE).num_rows  # flows ended early are split


def test_a_capture_name_that_looks_like_an_option(tmp_path, monkeypatch):
    (tmp_path / "-x.pcap").write_bytes(EXAMPLE.read_bytes())
    monkeypatch.chdir(tmp_path)
    assert pcapq.packets("-x.pcap").num_rows == pcapq.packets(EXAMPLE).num_rows


def test_several_captures_merge_by_time():
    a, b = PCAPS / "app" / "dns-edns-cookie.pcap", PCAPS / "app" / "dns-two-responses.pcap"
    merged = pcapq.packets([a, b])
    assert merged.num_rows == capinfos_packets(a) + capinfos_packets(b)
    ts = merged.column("ts").to_pylist()
    assert ts == sorted(ts)


def test_pandas_types():
    df = pcapq.packets(EXAMPLE).to_pandas()
    assert str(df["frame"].dtype) == "uint64"
    assert str(df["ts"].dtype) == "datetime64[ns, UTC]"
    assert str(df["wire_len"].dtype) == "uint32"
    flows = pcapq.flows(EXAMPLE).to_pandas()
    assert str(flows["duration"].dtype) == "float64"
    assert flows["orig_pkts"].sum() + flows["resp_pkts"].sum() <= len(df)


def test_polars_types():
    df = pl.from_arrow(pcapq.packets(EXAMPLE))
    assert df.schema["frame"] == pl.UInt64
    assert df.schema["ts"] == pl.Datetime("ns", "UTC")
    assert df.schema["src_ip"] == pl.String
    assert df.height == pcapq.packets(EXAMPLE).num_rows
    flows = pl.from_arrow(pcapq.flows(EXAMPLE))
    assert flows.filter(pl.col("proto") == "tcp").height > 0


def test_query_equals_the_command_line(dataset):
    for id, params in (("summary", {}), ("top-hosts-by-bytes", {"n": 3}), ("protocols", {})):
        table = pcapq.query(id, dataset=dataset, **params)
        args = [f"--param={k}={v}" for k, v in params.items()]
        r = cli("query", "-d", str(dataset), id, *args, "--format", "csv")
        assert r.returncode == 0, r.stderr
        ours = table.to_pandas().to_csv(index=False).replace("\r\n", "\n")
        header = r.stdout.splitlines()[0].split(",")
        assert table.column_names == header, id
        assert len(r.stdout.splitlines()) == table.num_rows + 1, id
    top = pcapq.query("top-hosts-by-bytes", dataset=dataset, n=2)
    assert top.num_rows == 2


def test_query_and_sql_from_captures(dataset):
    from_captures = pcapq.query("flow-stats", captures=EXAMPLE)
    assert from_captures.equals(pcapq.query("flow-stats", dataset=dataset))
    n = pcapq.sql("SELECT count(*) AS n FROM packets", captures=[EXAMPLE]).column("n")[0].as_py()
    assert n == pcapq.packets(EXAMPLE).num_rows
    empty = pcapq.sql("SELECT flow_id FROM flows WHERE false", dataset=dataset)
    assert empty.num_rows == 0 and empty.column_names == ["flow_id"]


def test_catalog_lists_every_question():
    entries = pcapq.catalog()
    ids = [e["id"] for e in entries]
    assert "summary" in ids and "top-countries" in ids
    top = next(e for e in entries if e["id"] == "top-hosts-by-bytes")
    assert [p["name"] for p in top["params"]] == ["n"]
    assert next(e for e in entries if e["id"] == "top-countries")["needs"] == ["geo_country"]


def error_line(*args: str) -> str:
    r = cli(*args)
    assert r.returncode != 0
    line = r.stderr.strip().splitlines()[-1]
    assert line.startswith("pcapq: error: ")
    return line[len("pcapq: error: "):]


def test_errors_carry_the_command_lines_message(dataset, tmp_path):
    missing = str(tmp_path / "missing.pcap")
    with pytest.raises(pcapq.PcapqError) as e:
        pcapq.packets(missing)
    assert str(e.value) == error_line("sql", "-i", missing, "SELECT 1")
    with pytest.raises(pcapq.PcapqError) as e:
        pcapq.sql("SELECT nope FROM packets", dataset=dataset)
    assert str(e.value) == error_line("sql", "-d", str(dataset), "SELECT nope FROM packets")
    with pytest.raises(pcapq.PcapqError) as e:
        pcapq.query("top-countries", dataset=dataset, geoip=None)
    assert "--geoip" in str(e.value)
    with pytest.raises(pcapq.PcapqError, match="no query"):
        pcapq.query("no-such-question", dataset=dataset)
    with pytest.raises(pcapq.PcapqError, match="'max_flowz'"):
        pcapq.packets(EXAMPLE, max_flowz=3)
    with pytest.raises(pcapq.PcapqError, match="'max_flows'"):
        pcapq.packets(EXAMPLE, max_flows="many")
    with pytest.raises(pcapq.PcapqError, match="not provided: anonymize$"):
        pcapq.packets(EXAMPLE, keep_names=True)
    with pytest.raises(pcapq.PcapqError, match="no table"):
        pcapq.tables(EXAMPLE, ["packet"])
    for malformed in sorted((PCAPS / "malformed").glob("*")):
        if malformed.suffix in (".tsv", ".txt", ".log"):
            continue
        try:
            pcapq.packets(malformed)
        except pcapq.PcapqError as err:
            assert "\n" not in str(err) and str(err)


def test_anonymized_tables(tmp_path):
    key = tmp_path / "key"
    key.write_bytes(bytes(range(32)))
    plain = pcapq.packets(EXAMPLE)
    anon = pcapq.packets(EXAMPLE, anonymize=key)
    assert anon.num_rows == plain.num_rows
    assert anon.column("src_ip").to_pylist() != plain.column("src_ip").to_pylist()
    assert anon.equals(pcapq.packets(EXAMPLE, anonymize=key))


def test_geoip_functions_with_the_real_database():
    geo_dir = os.environ.get("PCAPQ_TEST_GEOIP_DIR")
    if not geo_dir or not (Path(geo_dir) / "country.mmdb").exists():
        pytest.skip("PCAPQ_TEST_GEOIP_DIR has no country.mmdb (make geoip installs it)")
    d = Path(geo_dir)
    t = pcapq.sql(
        "SELECT geo_country('8.8.8.8') AS c, asn('8.8.8.8') AS a",
        captures=EXAMPLE,
        geoip=d / "country.mmdb",
        asn=[d / "asn-ipv4.csv", d / "asn-ipv6.csv"],
    )
    assert t.to_pylist() == [{"c": "US", "a": 15169}]


def test_the_handson_notebook_answers_as_capinfos(tmp_path):
    capture = next(PCAPS.glob("*/ftp-ipv6.pcap"))
    info = capinfos(capture)
    r = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "notebook.py"), str(capture), str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    assert f"packets: {info['Number of packets']}\n" in r.stdout
    assert f"total time: {float(info['Capture duration (seconds)']):.6f} s\n" in r.stdout
    assert f"size mean: {float(info['Average packet size (bytes)']):.2f} bytes\n" in r.stdout
    # The CDF pictures (matplotlib is installed by tests/package.sh).
    assert (tmp_path / "handson-cdfs.png").stat().st_size > 10_000, r.stdout


def test_ctrl_c_interrupts_a_long_conversion(tmp_path):
    # 5,000,000 copies of one 60-byte UDP frame: seconds of work, so the signal lands
    # while the conversion runs.
    frame = (b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\x08\x00"
             b"\x45\x00\x00\x2e\x00\x01\x00\x00\x40\x11\x00\x00\x0a\x00\x00\x01\x0a\x00\x00\x02"
             b"\x13\x88\x13\x89\x00\x1a\x00\x00" + bytes(18))
    header = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    record = struct.pack("<IIII", 1_700_000_000, 0, len(frame), len(frame)) + frame
    big = tmp_path / "big.pcap"
    big.write_bytes(header + record * 5_000_000)
    started = time.perf_counter()
    assert pcapq.packets(big).num_rows == 5_000_000
    whole = time.perf_counter() - started
    code = (
        "import time, pcapq\n"
        "try:\n"
        "    print('started', flush=True)\n"
        "    t = time.perf_counter()\n"
        f"    pcapq.packets({str(big)!r})\n"
        "    print('finished', time.perf_counter() - t)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', time.perf_counter() - t)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    assert child.stdout.readline() == "started\n"
    time.sleep(whole / 4)
    child.send_signal(signal.SIGINT)
    out, _ = child.communicate(timeout=120)
    assert out.startswith("interrupted"), f"{out} (the whole conversion takes {whole:.2f} s)"
    # Stopped soon after the signal, well before the conversion would have ended.
    assert float(out.split()[1]) < whole / 4 + 0.3, f"{out} (whole: {whole:.2f} s)"
    # The same for SQL over captures converted in memory.
    sql = code.replace(f"pcapq.packets({str(big)!r})", f"pcapq.sql('SELECT 1', captures={str(big)!r})")
    child = subprocess.Popen([sys.executable, "-c", sql], stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    assert child.stdout.readline() == "started\n"
    time.sleep(whole / 4)
    child.send_signal(signal.SIGINT)
    out, _ = child.communicate(timeout=120)
    assert out.startswith("interrupted") and float(out.split()[1]) < whole / 4 + 0.3, out
