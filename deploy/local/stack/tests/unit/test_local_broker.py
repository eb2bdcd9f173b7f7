"""The local broker is built with its CPU tuning (threads, idle metadata records, serial GC, C1 only); the durability
settings of a single broker stay as they were."""

from __future__ import annotations

from pathlib import Path

from cordial_stack.infra import LOCAL_BROKER_TUNING, broker_command, broker_properties


def _properties(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))
    return {key: value for key, value in pairs}


def test_the_local_broker_runs_few_threads_and_rare_idle_metadata_records() -> None:
    props = _properties(broker_properties(9092, 9093, Path("/tmp/data")))
    assert props["num.network.threads"] == "1"
    assert props["num.io.threads"] == "2"
    assert props["background.threads"] == "2"
    assert props["metadata.max.idle.interval.ms"] == "5000"
    assert props["group.initial.rebalance.delay.ms"] == "0"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093"


def test_the_tuning_changes_no_durability_setting() -> None:
    durability = ("flush", "replication", "min.insync", "unclean", "acks", "retention")
    assert not [key for key in LOCAL_BROKER_TUNING if any(word in key for word in durability)]
    untuned = _properties(broker_properties(9092, 9093, Path("/tmp/data"), tuning={}))
    assert not set(LOCAL_BROKER_TUNING) & set(untuned)
    assert untuned["offsets.topic.replication.factor"] == "1"


def test_the_broker_jvm_uses_the_serial_collector_and_the_c1_compiler_only() -> None:
    command = broker_command("java", "-Dlog4j.configuration=x", "libs/*", Path("server.properties"))
    assert "-XX:+UseSerialGC" in command
    assert "-XX:TieredStopAtLevel=1" in command
    assert not [flag for flag in command if "G1" in flag]
    assert command[-2:] == ["kafka.Kafka", "server.properties"]
