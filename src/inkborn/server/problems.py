"""Errors at the edge: every failure becomes the OpenAI error shape, with a sentence to act on."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ..errors import (
    BackendError,
    BackendTimeout,
    BackendUnavailable,
    InkbornError,
    InvalidInput,
    ManuscriptTooLong,
    NotFound,
    Released,
    StaleRevision,
    WillEdit,
)

__all__ = ["Conflict", "ErrorBody", "WillEditBody", "Problem", "as_problem", "error_body", "errors"]


class Problem(Exception):
    """An HTTP error with the sentence the client will read."""

    def __init__(self, status: int, kind: str, message: str, **extra: Any):
        super().__init__(message)
        self.status, self.kind, self.extra = status, kind, extra


_STATUS: list[tuple[type[InkbornError], int, str]] = [
    (NotFound, 404, "not_found"),
    (StaleRevision, 409, "conflict"),
    (Released, 409, "released"),
    (ManuscriptTooLong, 413, "manuscript_too_long"),
    (InvalidInput, 400, "invalid_input"),
    (BackendUnavailable, 503, "backend_unavailable"),
    (BackendTimeout, 504, "backend_timeout"),
    (BackendError, 502, "backend_error"),
]


def as_problem(exc: Exception, *, visitor: bool = False) -> Problem:
    """Any failure as the Problem a client reads; a visitor is not told the model's or the manuscript's details."""
    problem = _as_problem(exc)
    if visitor and (problem.status >= 500 or problem.status == 413):
        return Problem(problem.status, problem.kind, "she can't answer right now; your words are kept, "
                       "so try again in a while (her author can see what went wrong)")
    return problem


def _as_problem(exc: Exception) -> Problem:
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, WillEdit):  # shown before it applies: what it is, and the token that confirms it
        return Problem(428, "will_edit", str(exc), preview=exc.reading.as_dict())
    for kind, status, name in _STATUS:
        if isinstance(exc, kind):
            return Problem(status, name, str(exc))
    if isinstance(exc, InkbornError):
        return Problem(500, "error", str(exc))
    return Problem(500, "internal_error", "something went wrong inside Inkborn; the server's log has the details")


def error_body(problem: Problem) -> dict[str, Any]:
    return {"error": {"message": str(problem), "type": problem.kind, "code": problem.status}, **problem.extra}


# the error shape, as the published schema states it ----------------------------------------


class Error(BaseModel):
    message: str
    type: str
    code: int


class ErrorBody(BaseModel):
    """Every error: a sentence to act on, its kind and the HTTP status."""

    error: Error


class WillEditBody(ErrorBody):
    """An edit held for her author's confirmation: what it is, and the token that confirms it."""

    preview: dict[str, Any]


class Conflict(ErrorBody):
    """A save based on a stale revision: the head as it is now, and the diff from the save's base to it."""

    current: dict[str, Any]
    diff: str


WHEN = {
    400: "invalid input (`invalid_input`): a field that is missing, out of bounds or not text, a bad slug, "
         "an empty manuscript or message",
    401: "no token, or one that is unknown or revoked (`unauthorized`)",
    403: "the token may not do this (`forbidden`)",
    404: "no such character, revision or person, for this token (`not_found`)",
    409: "she is still answering this person's last words (`conflict`), or she was written free and nothing may "
         "rewrite her (`released`)",
    413: "a request body over 2 MB (`too_large`)",
    428: "an edit that reaches into her will (or could not be read): nothing was saved; `preview` says what it is, "
         "and the same request with `confirm` set to `preview.token` saves it (`will_edit`)",
    502: "the model failed mid-reply (`backend_error`)",
    503: "the model cannot be reached or loaded (`backend_unavailable`)",
    504: "the model did not answer in time (`backend_timeout`)",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses` of a route: each error status it can answer with, in the one error shape."""
    return {status: {"model": WillEditBody if status == 428 else ErrorBody, "description": WHEN[status]}
            for status in statuses}
