"""`inferlab demo`'s worker pool: registry order whatever the finishing order, longest bench first, a failed bench
named with its error line while the others complete and the report is written (exit 1), --jobs validated."""

import threading

import pytest

from inferlab import cli
from inferlab.eval import demo_pool
from inferlab.eval.demo_pool import BenchJob, BenchOutcome, longest_first, run_bench_process, run_benches


def _result(job: BenchJob) -> dict:
    job.out.mkdir(parents=True, exist_ok=True)
    return {"method": job.method, "preset": "tiny", "seed": job.seed, "device": job.device, "threads": job.threads,
            "seconds": 1.0, "metrics": {"fd": 1.0}, "baselines": {"base": {"fd": 2.0}}, "notes": "", "figures": [],
            "out": str(job.out)}


def test_results_in_given_order_whatever_the_finishing_order(tmp_path):
    second_done, started, lines = threading.Event(), [], []

    def runner(job):
        started.append(job.method)
        if job.method == "lebm":  # first in registry order, made to finish last
            assert second_done.wait(10)
        else:
            second_done.set()
        return BenchOutcome(job.method, _result(job), seconds=0.0)

    outcomes = run_benches(["lebm", "damc"], seed=3, device="cpu", out=tmp_path, jobs=2, runner=runner,
                           log=lines.append)
    assert [o.method for o in outcomes] == ["lebm", "damc"]
    assert [o.result["seed"] for o in outcomes] == [3, 3] and outcomes[0].result["out"] == str(tmp_path / "lebm")
    assert started[0] == "damc"  # damc's bench is the longer: it starts first
    assert lines[0].startswith("demo: 1/2 damc done") and lines[1].startswith("demo: 2/2 lebm done")


def test_longest_first_puts_unknown_methods_first():
    assert longest_first(["assist", "lebm", "new", "emd"]) == ["new", "emd", "lebm", "assist"]


def test_failed_bench_is_named_others_complete_report_written_exit_1(tmp_path, monkeypatch, capsys):
    def runner(job):
        if job.method == "emd":
            return BenchOutcome("emd", None, "inferlab bench: internal error: boom")
        return BenchOutcome(job.method, _result(job), seconds=0.0)

    monkeypatch.setattr(demo_pool, "run_bench_process", runner)
    code = cli.main(["demo", "--methods", "lebm", "emd", "assist", "--out", str(tmp_path), "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 1
    assert "emd FAILED: inferlab bench: internal error: boom" in err
    assert "inferlab demo: bench emd failed: inferlab bench: internal error: boom" in err
    page = (tmp_path / "index.html").read_text()
    assert 'id="lebm"' in page and 'id="assist"' in page and 'id="emd"' not in page


def test_a_runner_that_raises_is_a_failed_bench(tmp_path):
    def runner(job):
        if job.method == "lebm":
            raise RuntimeError("worker died")
        return BenchOutcome(job.method, _result(job))

    outcomes = run_benches(["lebm", "damc"], seed=0, device="cpu", out=tmp_path, jobs=2, runner=runner,
                           log=lambda _: None)
    assert outcomes[0].result is None and outcomes[0].error == "RuntimeError: worker died"
    assert outcomes[1].result is not None


@pytest.mark.parametrize("jobs", ["0", "-2"])
def test_jobs_below_one_is_a_user_error(tmp_path, capsys, jobs):
    assert cli.main(["demo", "--methods", "lebm", "--out", str(tmp_path), "--jobs", jobs]) == 2
    assert f"--jobs {jobs}: the demo needs at least 1 worker process" in capsys.readouterr().err


def test_default_jobs_is_usable_cores_over_threads(monkeypatch):
    monkeypatch.setattr(demo_pool, "cpu_cores", lambda: 2)
    assert demo_pool.default_jobs(1) == 2 and demo_pool.default_jobs(2) == 1 and demo_pool.default_jobs(4) == 1


def test_bench_process_reports_the_childs_error_line(tmp_path):
    outcome = run_bench_process(BenchJob("lebm", -1, "cpu", tmp_path / "lebm", 1))  # refused before any work
    assert outcome.result is None
    assert outcome.error == "inferlab bench: error: --seed -1: a seed must be a whole number from 0 to 4294967295."
