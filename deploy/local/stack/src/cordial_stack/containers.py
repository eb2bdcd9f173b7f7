"""Kafka and mongo:7 on testcontainers, for machines with a Docker engine (CORDIAL_STACK=containers)."""

from __future__ import annotations

from typing import Any

from cordial_stack.infra import Infra

_started: list[Any] = []


def start_container_infra() -> Infra:
    """Starts Kafka and MongoDB containers; they stop when the interpreter exits."""
    from testcontainers.kafka import KafkaContainer
    from testcontainers.mongodb import MongoDbContainer

    kafka = KafkaContainer("confluentinc/cp-kafka:7.7.1").with_kraft()
    mongo = MongoDbContainer("mongo:7")
    kafka.start()
    mongo.start()
    _started.extend([kafka, mongo])
    return Infra(kafka.get_bootstrap_server(), mongo.get_connection_url())
