"""A simulation's checkpoint: what the driver knew comes back the same in a new driver, the files are owner-only, the
clock resumes where it stood, a run directory is neither started twice nor resumed past its end, and the report lists
the segments and says how to resume."""

from __future__ import annotations

import socket
import stat
from collections import Counter
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from cordial_core.clock import FileClock
from cordial_stack.infra import earlier_ports
from cordial_stack.paths import free_port
from cordial_stack.simulation import checkpoint as checkpoints
from cordial_stack.simulation.checker import Findings, Reply
from cordial_stack.simulation.config import START, Config, Outcome
from cordial_stack.simulation.report import render
from cordial_stack.simulation.runner import prepare
from cordial_stack.simulation.simulation import Simulation

AT = START + timedelta(days=2, hours=13)


def _simulation(tmp_path: Path, config: Config) -> Simulation:
    clock_file = tmp_path / "clock"
    FileClock.move_to(clock_file, START)
    platform: Any = SimpleNamespace(
        secrets={"CORDIAL_ADMIN_TOKEN": "admin"},
        services={},
        infra=SimpleNamespace(kafka_bootstrap_servers="127.0.0.1:1", processes=[]),
        sandbox=SimpleNamespace(pid=None),
        gateway_url="http://127.0.0.1:8001",
        sandbox_url="http://sandbox",
    )
    return Simulation(config, platform, clock_file)


def _run_some(sim: Simulation) -> None:
    """What two days of a run leave in a driver."""
    sim.moment = AT
    sim.rng.random()
    sim.stats.update({"clock steps": 40, "simulated days run": 2, "acted pays": 1})
    sim.replies = [Reply("5511960000001", "opt_out", "whatsapp", AT - timedelta(hours=3))]
    sim.paid_in_full = {"debt-1"}
    sim.last_channel = {"5511960000001": "whatsapp"}
    sim.messages = [{"id": "m1", "channel": "whatsapp", "to": "+5511960000001", "received_at": AT.isoformat()}]
    sim.inbox_cursor = 1
    sim.done = {1, 4}
    for debtor in sim.debtors:
        debtor.debt_ids = {client: f"debt-{debtor.index}-{client}" for client in debtor.debts}
    sim.keys, sim.client_ids = {"banco": "key-b"}, {"banco": "id-b"}
    sim.day_seconds, sim.day_cpu = [100.0, 50.0], [{"ferretdb": 30.0}, {"ferretdb": 12.0}]
    sim.day_so_far = {"wall": 7.5, "cpu": {"ferretdb": 2.0}}
    sim.cpu_spent = {"ferretdb": 44.0}


def test_a_new_driver_takes_up_what_the_checkpoint_kept(tmp_path: Path) -> None:
    config = Config(debtors=20, days=4, seed=3)
    first = _simulation(tmp_path, config)
    _run_some(first)
    segments = [{"started": "2026-12-04T00:00:00+00:00", "wall_seconds": 300.0, "days": [0, 2], "ended": "SIGINT"}]
    path = checkpoints.write(tmp_path, first.checkpoint({"simulated days": 150.0}, segments, complete=False))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds the clients' API keys

    kept = checkpoints.read(tmp_path)
    second = _simulation(tmp_path, config)
    second.restore(kept)
    assert second.moment == AT
    assert second.rng.random() == first.rng.random()  # the generator goes on from the same state
    assert second.stats == first.stats
    assert second.replies == first.replies
    assert (second.paid_in_full, second.last_channel, second.done) == (
        first.paid_in_full,
        first.last_channel,
        first.done,
    )
    assert (second.inbox_cursor, second.messages) == (1, first.messages)
    assert [d.debt_ids for d in second.debtors] == [d.debt_ids for d in first.debtors]
    assert (second.keys, second.client_ids) == (first.keys, first.client_ids)
    assert (second.day_seconds, second.day_cpu, second.day_so_far) == ([100.0, 50.0], first.day_cpu, first.day_so_far)
    assert second.cpu_spent["ferretdb"] == 44.0  # no process of this fake stack ran since
    assert kept.segments == segments
    assert kept.timings == {"simulated days": 150.0}
    assert kept.gateway_url == "http://127.0.0.1:8001"


def test_resuming_sets_the_clock_where_it_stood_and_takes_the_run_s_own_size(tmp_path: Path) -> None:
    sim = _simulation(tmp_path, Config(debtors=20, days=4, seed=3, step_minutes=120))
    _run_some(sim)
    kept = sim.checkpoint({}, [], complete=False)
    kept.clock = AT.isoformat()
    checkpoints.write(tmp_path, kept)
    checkpoints.keep_secrets(tmp_path, {"CORDIAL_DATA_KEY": "k"})
    assert stat.S_IMODE((tmp_path / checkpoints.SECRETS).stat().st_mode) == 0o600
    FileClock.move_to(tmp_path / "clock", AT + timedelta(days=5))  # where wall time would have taken it

    config, resumed, keys = prepare(Config(debtors=9, wall_limit_seconds=60), tmp_path, resume=True)
    assert (config.debtors, config.days, config.seed, config.step_minutes) == (20, 4, 3, 120)
    assert config.wall_limit_seconds == 60
    assert resumed is not None
    assert resumed.moment == AT.isoformat()
    assert keys == {"CORDIAL_DATA_KEY": "k"}
    told = FileClock(tmp_path / "clock").now()
    assert AT <= told < AT + timedelta(minutes=1)


def test_a_run_directory_is_not_started_twice_nor_resumed_past_its_end(tmp_path: Path) -> None:
    sim = _simulation(tmp_path, Config(debtors=20, days=4))
    checkpoints.write(tmp_path, sim.checkpoint({}, [], complete=True))
    with pytest.raises(RuntimeError, match="--resume it"):
        prepare(Config(), tmp_path, resume=False)
    with pytest.raises(RuntimeError, match="completed"):
        prepare(Config(), tmp_path, resume=True)
    (tmp_path / checkpoints.STEPPING).touch()  # a later segment was killed before its checkpoint
    with pytest.raises(RuntimeError, match="without its checkpoint"):
        prepare(Config(), tmp_path, resume=True)
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        checkpoints.read(tmp_path / "elsewhere")


def test_a_checkpoint_of_another_version_is_refused(tmp_path: Path) -> None:
    sim = _simulation(tmp_path, Config(debtors=20, days=4))
    kept = sim.checkpoint({}, [], complete=False)
    kept.version = 0
    checkpoints.write(tmp_path, kept)
    with pytest.raises(ValueError, match="version"):
        checkpoints.read(tmp_path)


def test_a_restarted_broker_takes_its_earlier_ports_when_free(tmp_path: Path) -> None:
    properties = tmp_path / "server.properties"
    assert earlier_ports(properties) is None
    broker, controller = free_port(), free_port()
    properties.write_text(f"listeners=PLAINTEXT://127.0.0.1:{broker},CONTROLLER://127.0.0.1:{controller}\nnode.id=1\n")
    assert earlier_ports(properties) == (broker, controller)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", broker))
        taken.listen()
        assert earlier_ports(properties) is None  # another process has it now: new ports


def test_the_report_lists_the_segments_and_says_how_to_resume() -> None:
    segments = [
        {"started": "2026-12-04T00:00:00+00:00", "wall_seconds": 300.0, "cpu_seconds": 250.0, "load": [2.0, 3.5]}
        | {"days": [0, 2], "ended": "SIGINT"}
    ]
    stats = Counter({"simulated days run": 2})
    stopped = Outcome(Config(debtors=20, days=5), Findings(), stats, segments=segments, run_dir="/runs/sim")
    report = render(stopped)
    assert "1: from 2026-12-04T00:00:00+00:00 UTC, 300 s wall, 250 CPU-s, load 2.0 -> 3.5, days 0 -> 2" in report
    assert "over 2 of 5 days (stopped: SIGINT)" in report
    assert report.endswith("resumable: python bench/simulate.py --run-dir /runs/sim --resume")
    stats["simulated days run"] = 5
    assert "resumable" not in render(stopped)
