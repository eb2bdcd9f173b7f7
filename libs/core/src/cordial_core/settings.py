"""Typed settings read from the environment when a service starts, never at import."""

from __future__ import annotations

from typing import TypeVar

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Values that mean "somebody forgot to set this"; refused for secrets and addresses.
_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "default", "todo", "xxx"}


class SettingsError(RuntimeError):
    """Raised at start-up when required settings are missing or invalid."""


class ServiceSettings(BaseSettings):
    """What every Cordial service needs: Kafka, MongoDB, ports and the data keys."""

    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    kafka_bootstrap_servers: str = Field(validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    mongodb_uri: SecretStr = Field(validation_alias="MONGODB_URI")
    mongodb_database: str = Field(default="", validation_alias="MONGODB_DATABASE")
    grpc_host: str = Field(default="0.0.0.0", validation_alias="GRPC_HOST")
    grpc_port: int = Field(default=50051, validation_alias="GRPC_PORT", ge=0, le=65535)
    metrics_port: int = Field(default=9464, validation_alias="METRICS_PORT", ge=0, le=65535)
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")
    data_key: SecretStr = Field(validation_alias="CORDIAL_DATA_KEY")
    lookup_key: SecretStr = Field(validation_alias="CORDIAL_LOOKUP_KEY")
    # Dev and test only: every service of a local stack reads time shifted by the same offset.
    clock_offset_seconds: float = Field(default=0.0, validation_alias="CLOCK_OFFSET_SECONDS")
    # Simulation only: a file holding the offset that a simulation's driver moves (cordial_core.clock.FileClock).
    clock_file: str = Field(default="", validation_alias="CLOCK_FILE")
    shutdown_grace_seconds: float = Field(default=10.0, validation_alias="SHUTDOWN_GRACE_SECONDS")
    # How often the outbox relay scans every outboxed collection for events its own writes did not name (left by
    # a process that died, or written by another instance); on FerretDB a scan reads every document.
    outbox_sweep_seconds: float = Field(default=60.0, gt=0, validation_alias="OUTBOX_SWEEP_SECONDS")
    # How long the relay rests between passes when no write woke it (an idle pass reads nothing).
    outbox_poll_seconds: float = Field(default=0.2, gt=0, le=60, validation_alias="OUTBOX_POLL_SECONDS")

    @field_validator("kafka_bootstrap_servers")
    @classmethod
    def _address_is_set(cls, value: str) -> str:
        if value.strip().lower() in _PLACEHOLDERS:
            raise ValueError("must name a real address, not a placeholder")
        return value

    @field_validator("mongodb_uri", "data_key", "lookup_key")
    @classmethod
    def _secret_is_set(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value().strip().lower() in _PLACEHOLDERS:
            raise ValueError("must be set to a real value, not a placeholder")
        return value

    def database_name(self, service: str) -> str:
        """The MongoDB database this service owns."""
        return self.mongodb_database or f"cordial_{service.replace('-', '_')}"


S = TypeVar("S", bound=ServiceSettings)


def load_settings(settings_class: type[S]) -> S:
    """Reads settings from the environment; fails naming each bad variable."""
    try:
        return settings_class()  # type: ignore[call-arg]  # values come from the environment
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            variable = str(error["loc"][0]) if error["loc"] else "?"
            reason = (
                "is required but not set" if error["type"] == "missing" else error["msg"].removeprefix("Value error, ")
            )
            problems.append(f"{variable.upper()} {reason}")
        raise SettingsError("invalid settings: " + "; ".join(problems)) from None
