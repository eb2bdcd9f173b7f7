"""load_settings: required variables, placeholders refused by name, valid env loads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cordial_core.clock import FileClock, OffsetClock, SystemClock
from cordial_core.runtime import clock_from
from cordial_core.settings import ServiceSettings, SettingsError, load_settings

REQUIRED = ("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI", "CORDIAL_DATA_KEY", "CORDIAL_LOOKUP_KEY")
OPTIONAL = (
    "MONGODB_DATABASE",
    "GRPC_HOST",
    "GRPC_PORT",
    "METRICS_PORT",
    "LOG_LEVEL",
    "CLOCK_OFFSET_SECONDS",
    "CLOCK_FILE",
    "SHUTDOWN_GRACE_SECONDS",
    "OUTBOX_SWEEP_SECONDS",
    "OUTBOX_POLL_SECONDS",
)
VALID = {
    "KAFKA_BOOTSTRAP_SERVERS": "localhost:9092",
    "MONGODB_URI": "mongodb://localhost:27017/?retryWrites=false",
    "CORDIAL_DATA_KEY": "a-real-data-key-value",
    "CORDIAL_LOOKUP_KEY": "a-real-lookup-key-value",
}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in REQUIRED + OPTIONAL:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


def set_env(monkeypatch: pytest.MonkeyPatch, values: dict[str, str]) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def test_all_missing_names_every_variable(env: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(ServiceSettings)
    message = str(caught.value)
    for name in REQUIRED:
        assert name in message
    assert "is required but not set" in message


@pytest.mark.parametrize("missing", REQUIRED)
def test_one_missing_names_only_that_variable(env: pytest.MonkeyPatch, missing: str) -> None:
    set_env(env, {k: v for k, v in VALID.items() if k != missing})
    with pytest.raises(SettingsError) as caught:
        load_settings(ServiceSettings)
    message = str(caught.value)
    assert missing in message
    for other in REQUIRED:
        if other != missing:
            assert other not in message


@pytest.mark.parametrize("variable", REQUIRED)
@pytest.mark.parametrize("placeholder", ["changeme", "CHANGEME", " change-me ", "secret", "default", "todo", "xxx", ""])
def test_placeholder_is_refused_naming_the_variable(env: pytest.MonkeyPatch, variable: str, placeholder: str) -> None:
    set_env(env, {**VALID, variable: placeholder})
    with pytest.raises(SettingsError) as caught:
        load_settings(ServiceSettings)
    message = str(caught.value)
    assert variable in message
    assert "placeholder" in message
    # The refused value never leaks a secret into the message.
    for other in REQUIRED:
        if other != variable:
            assert other not in message


def test_valid_env_loads_with_defaults(env: pytest.MonkeyPatch) -> None:
    set_env(env, VALID)
    settings = load_settings(ServiceSettings)
    assert settings.kafka_bootstrap_servers == "localhost:9092"
    assert settings.mongodb_uri.get_secret_value() == VALID["MONGODB_URI"]
    assert settings.data_key.get_secret_value() == VALID["CORDIAL_DATA_KEY"]
    assert settings.lookup_key.get_secret_value() == VALID["CORDIAL_LOOKUP_KEY"]
    assert settings.grpc_port == 50051
    assert settings.metrics_port == 9464
    assert settings.clock_offset_seconds == 0.0
    assert settings.clock_file == ""
    assert settings.outbox_sweep_seconds == 60.0  # a scan a minute: each instance relays its own writes at once
    assert isinstance(clock_from(settings), SystemClock)  # no simulated clock unless asked for
    # Secrets are not printed.
    assert VALID["CORDIAL_DATA_KEY"] not in repr(settings)


def test_optional_values_are_read(env: pytest.MonkeyPatch) -> None:
    set_env(env, {**VALID, "GRPC_PORT": "6000", "CLOCK_OFFSET_SECONDS": "86400.5"})
    settings = load_settings(ServiceSettings)
    assert settings.grpc_port == 6000
    assert settings.clock_offset_seconds == 86400.5
    assert isinstance(clock_from(settings), OffsetClock)


def test_clock_file_chooses_the_shared_file_clock(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "clock"
    FileClock.write(path, timedelta(days=10))
    set_env(env, {**VALID, "CLOCK_FILE": str(path), "CLOCK_OFFSET_SECONDS": "5"})
    clock = clock_from(load_settings(ServiceSettings))
    assert isinstance(clock, FileClock)
    assert clock.now() - datetime.now(UTC) > timedelta(days=9, hours=23)


def test_out_of_range_port_names_the_variable(env: pytest.MonkeyPatch) -> None:
    set_env(env, {**VALID, "GRPC_PORT": "70000"})
    with pytest.raises(SettingsError, match="GRPC_PORT"):
        load_settings(ServiceSettings)


def test_outbox_sweep_is_read_and_must_be_positive(env: pytest.MonkeyPatch) -> None:
    set_env(env, {**VALID, "OUTBOX_SWEEP_SECONDS": "600"})
    assert load_settings(ServiceSettings).outbox_sweep_seconds == 600.0
    set_env(env, {**VALID, "OUTBOX_SWEEP_SECONDS": "0"})
    with pytest.raises(SettingsError, match="OUTBOX_SWEEP_SECONDS"):
        load_settings(ServiceSettings)


def test_outbox_poll_is_read_and_must_be_positive(env: pytest.MonkeyPatch) -> None:
    set_env(env, VALID)
    assert load_settings(ServiceSettings).outbox_poll_seconds == 0.2
    set_env(env, {**VALID, "OUTBOX_POLL_SECONDS": "0.1"})
    assert load_settings(ServiceSettings).outbox_poll_seconds == 0.1
    set_env(env, {**VALID, "OUTBOX_POLL_SECONDS": "0"})
    with pytest.raises(SettingsError, match="OUTBOX_POLL_SECONDS"):
        load_settings(ServiceSettings)


def test_database_name_defaults_per_service(env: pytest.MonkeyPatch) -> None:
    set_env(env, VALID)
    settings = load_settings(ServiceSettings)
    assert settings.database_name("agreements") == "cordial_agreements"
    assert settings.database_name("contact-locator") == "cordial_contact_locator"


def test_database_name_override(env: pytest.MonkeyPatch) -> None:
    set_env(env, {**VALID, "MONGODB_DATABASE": "custom_db"})
    settings = load_settings(ServiceSettings)
    assert settings.database_name("agreements") == "custom_db"
