"""Apache Kafka (KRaft) and FerretDB started as local processes, or existing servers reused."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from cordial_stack.paths import ferretdb_binary, free_port, kafka_libs, repo_root
from cordial_stack.process import ManagedProcess, wait_until

_KRAFT_PROPERTIES = """\
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{controller}
listeners=PLAINTEXT://127.0.0.1:{broker},CONTROLLER://127.0.0.1:{controller}
advertised.listeners=PLAINTEXT://127.0.0.1:{broker}
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs={data}
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
transaction.state.log.num.partitions=1
{tuning}"""

# One local broker on a shared 2-core machine, tuned for CPU (none of these trades durability: a single broker has
# no replicas, and Kafka never fsyncs each message by default). The Helm chart's brokers keep Kafka's defaults.
LOCAL_BROKER_TUNING = {
    # Threads that mostly wait: the defaults (3 network, 8 I/O, 10 background) suit many clients and disks.
    "num.network.threads": "1",
    "num.io.threads": "2",
    "background.threads": "2",
    # The controller appends a no-op record to the metadata log (and the broker replicates it) every 500 ms by
    # default to show it is alive; a single node needs no such proof that often.
    "metadata.max.idle.interval.ms": "5000",
}
# Serial GC (no concurrent marking threads) and the C1 compiler only (C2's compiles cost more CPU than they save on
# a broker carrying a few hundred events a second); 512 MB is four times what a 10,000-debtor run keeps live.
LOCAL_BROKER_JVM = ("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")


def broker_properties(broker: int, controller: int, data: Path, tuning: dict[str, str] | None = None) -> str:
    """The server.properties of the local single-node KRaft broker, with the local tuning unless told otherwise."""
    extra = LOCAL_BROKER_TUNING if tuning is None else tuning
    lines = "".join(f"{key}={value}\n" for key, value in extra.items())
    return _KRAFT_PROPERTIES.format(broker=broker, controller=controller, data=data, tuning=lines)


def broker_command(
    java: str, log4j: str, classpath: str, properties: Path, jvm: tuple[str, ...] = LOCAL_BROKER_JVM
) -> list[str]:
    """The command line of the local broker."""
    return [java, *jvm, log4j, "-cp", classpath, "kafka.Kafka", str(properties)]


@dataclass
class Infra:
    """Where Kafka and MongoDB are, and the processes started for them (if any)."""

    kafka_bootstrap_servers: str
    mongodb_uri: str
    processes: list[ManagedProcess] = field(default_factory=list)

    def stop(self) -> None:
        """Stops what this stack started; reused servers are left alone."""
        for process in reversed(self.processes):
            process.stop()


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        raise RuntimeError("java is not installed; run deploy/local/install.sh")
    return java


def start_kafka(
    run_dir: Path, tuning: dict[str, str] | None = None, jvm: tuple[str, ...] = LOCAL_BROKER_JVM
) -> tuple[str, ManagedProcess]:
    """Formats storage and starts a single-node KRaft Kafka on free ports (with the local tuning unless told).

    In a run directory that already holds a broker's data (a resumed simulation) it starts on that data, formatting
    nothing, on the ports it had when they are still free.
    """
    libs = kafka_libs()
    if not libs.is_dir():
        raise RuntimeError(f"Kafka jars missing at {libs}; run deploy/local/install.sh")
    kafka_dir = run_dir / "kafka"
    kafka_dir.mkdir(parents=True, exist_ok=True)
    properties = kafka_dir / "server.properties"
    broker, controller = earlier_ports(properties) or (free_port(), free_port())
    properties.write_text(broker_properties(broker, controller, kafka_dir / "data", tuning))
    classpath = f"{libs}/*"
    log4j = f"-Dlog4j.configuration=file:{repo_root() / 'deploy/local/kafka/log4j.properties'}"
    # Formatting again would refuse the data: it names its cluster id, and a new one would differ.
    if not (kafka_dir / "data" / "meta.properties").exists():
        command = [_java(), log4j, "-cp", classpath, "kafka.tools.StorageTool", "format", "--ignore-formatted"]
        command += ["-t", str(uuid.uuid4()), "-c", str(properties)]
        subprocess.run(command, check=True, capture_output=True)
    process = ManagedProcess(
        "kafka",
        broker_command(_java(), log4j, classpath, properties, jvm),
        run_dir / "logs" / "kafka.log",
    ).start()
    bootstrap = f"127.0.0.1:{broker}"
    wait_until(lambda: kafka_ready(bootstrap), 90, "Kafka", process)
    return bootstrap, process


def earlier_ports(properties: Path) -> tuple[int, int] | None:
    """The broker and controller ports an earlier start wrote into server.properties, if both are free again."""
    if not properties.exists():
        return None
    found: dict[str, int] = {}
    for line in properties.read_text().splitlines():
        key, _, value = line.partition("=")
        if key == "listeners":
            for listener in value.split(","):
                name, _, address = listener.partition("://")
                found[name] = int(address.rsplit(":", 1)[1])
    ports = (found.get("PLAINTEXT"), found.get("CONTROLLER"))
    if ports[0] is None or ports[1] is None or not all(port_free(p) for p in ports if p is not None):
        return None
    return ports[0], ports[1]


def port_free(port: int) -> bool:
    """True when nothing listens on the port at 127.0.0.1 and it can be bound (as the JVM binds: SO_REUSEADDR, so
    connections of the previous broker still in TIME_WAIT do not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def kafka_ready(bootstrap: str) -> bool:
    """True when the broker answers a metadata request."""
    host, port = bootstrap.split(",")[0].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=1):
        pass

    async def probe() -> bool:
        from aiokafka.admin import AIOKafkaAdminClient

        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
        try:
            await admin.start()
            await admin.list_topics()
            return True
        finally:
            await admin.close()

    return asyncio.run(probe())


def start_ferretdb(run_dir: Path) -> tuple[str, ManagedProcess]:
    """Starts FerretDB with its SQLite backend in the run directory."""
    binary = ferretdb_binary()
    if not binary.exists():
        raise RuntimeError(f"FerretDB missing at {binary}; run deploy/local/install.sh")
    data = run_dir / "ferretdb"
    data.mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = ManagedProcess(
        "ferretdb",
        [
            str(binary),
            "--handler=sqlite",
            f"--sqlite-url=file:{data}/?_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)&_pragma=synchronous(normal)",
            f"--listen-addr=127.0.0.1:{port}",
            "--debug-addr=127.0.0.1:0",
            "--telemetry=disable",
            "--log-level=warn",
            f"--state-dir={data}",
        ],
        run_dir / "logs" / "ferretdb.log",
        # Collecting at 5x the live heap, not 2x: FerretDB allocates per document, and GC was 9% of its CPU.
        env={**os.environ, "GOGC": "400"},
    ).start()
    uri = f"mongodb://127.0.0.1:{port}/?retryWrites=false"
    wait_until(lambda: mongo_ready(uri), 60, "FerretDB", process)
    return uri, process


def mongo_ready(uri: str) -> bool:
    """True when the server answers ping."""
    from pymongo import MongoClient

    client: MongoClient[dict[str, object]]
    with MongoClient(uri, serverSelectionTimeoutMS=1000) as client:
        client.admin.command("ping")
    return True


def start_infra(run_dir: Path) -> Infra:
    """Kafka and MongoDB for a run: the servers named in the environment, or local processes."""
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    uri = os.environ.get("MONGODB_URI")
    if bootstrap and uri:
        return Infra(bootstrap, uri)
    if os.environ.get("CORDIAL_STACK") == "containers":
        from cordial_stack.containers import start_container_infra

        return start_container_infra()
    processes: list[ManagedProcess] = []
    try:
        mongo_uri, ferret = start_ferretdb(run_dir)
        processes.append(ferret)
        kafka_bootstrap, kafka = start_kafka(run_dir)
        processes.append(kafka)
    except BaseException:
        for process in processes:
            process.stop()
        raise
    return Infra(kafka_bootstrap, mongo_uri, processes)
