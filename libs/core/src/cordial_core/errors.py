"""Domain errors every service raises; the gRPC layer maps each to a precise status."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidArgument(DomainError):
    """The input is malformed; `field` names what is wrong."""


class NotFound(DomainError):
    """The thing does not exist for this tenant."""


class AlreadyExists(DomainError):
    """The thing exists and cannot be created again."""


class FailedPrecondition(DomainError):
    """The thing is in a state where this is not allowed."""


class PermissionDenied(DomainError):
    """The caller may not do this."""


class Unauthenticated(DomainError):
    """The caller did not say who it is."""
