"""Threads per process: the default, a request, and the cap when torchrun's processes split the cores."""

import json

from cli_helpers import run_cli
from inferlab.engine.threads import DEFAULT_THREADS, cpu_cores, threads_per_process


def test_threads_per_process_defaults_and_caps():
    cores = cpu_cores()
    assert threads_per_process(None) == DEFAULT_THREADS == 1
    assert threads_per_process(cores + 5) == cores
    assert threads_per_process(cores, local_processes=cores) == 1
    assert threads_per_process(cores, local_processes=2) == max(1, cores // 2)


def test_train_reports_and_uses_the_thread_count(tmp_path):
    args = ["train", "lebm", "--no-progress", "--set", "train.steps=2", "train.log_every=1", "eval.samples=50"]
    two = json.loads(run_cli(*args, "--threads", "2", "--out", str(tmp_path / "b"), check=True,
                             env={"OMP_NUM_THREADS": "1"}).stdout.splitlines()[-1])
    assert two["threads"] == min(2, cpu_cores())  # the request wins over the environment's OMP_NUM_THREADS
    bad = run_cli("train", "lebm", "--threads", "0")
    assert bad.returncode == 2 and "--threads" in bad.stderr
