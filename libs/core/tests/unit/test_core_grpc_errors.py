"""Domain errors map to precise gRPC statuses, with the field first in the message."""

from __future__ import annotations

import grpc
import pytest

from cordial_core import errors
from cordial_core.grpc_server import error_details, status_for


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.InvalidArgument, grpc.StatusCode.INVALID_ARGUMENT),
        (errors.NotFound, grpc.StatusCode.NOT_FOUND),
        (errors.AlreadyExists, grpc.StatusCode.ALREADY_EXISTS),
        (errors.FailedPrecondition, grpc.StatusCode.FAILED_PRECONDITION),
        (errors.PermissionDenied, grpc.StatusCode.PERMISSION_DENIED),
        (errors.Unauthenticated, grpc.StatusCode.UNAUTHENTICATED),
    ],
)
def test_status_for_each_domain_error(error: type[errors.DomainError], code: grpc.StatusCode) -> None:
    assert status_for(error("nope")) == code


def test_every_domain_error_subclass_is_mapped_explicitly() -> None:
    mapped = {
        errors.InvalidArgument,
        errors.NotFound,
        errors.AlreadyExists,
        errors.FailedPrecondition,
        errors.PermissionDenied,
        errors.Unauthenticated,
    }
    assert set(errors.DomainError.__subclasses__()) == mapped


def test_subclass_of_a_mapped_error_keeps_its_parent_status() -> None:
    class BadCpf(errors.InvalidArgument):
        pass

    assert status_for(BadCpf("x")) == grpc.StatusCode.INVALID_ARGUMENT


def test_bare_domain_error_is_a_failed_precondition() -> None:
    assert status_for(errors.DomainError("x")) == grpc.StatusCode.FAILED_PRECONDITION


def test_error_details_puts_the_field_first() -> None:
    error = errors.InvalidArgument("must be greater than zero", field="principal.amount_minor")
    assert error_details(error) == "principal.amount_minor: must be greater than zero"
    assert error.field == "principal.amount_minor"
    assert error.message == "must be greater than zero"


def test_error_details_without_field_is_the_message() -> None:
    assert error_details(errors.NotFound("debt d1 not found")) == "debt d1 not found"
