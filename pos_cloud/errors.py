"""Errors the cloud services raise; the API maps each to an HTTP status with its message."""


class CloudError(Exception):
    """Base class: the message is for a person and says what to do."""

    status_code = 400


class BadInput(CloudError):
    """The request or file content is wrong."""

    status_code = 422


class NotFound(CloudError):
    """The thing named does not exist (or is not visible to the caller)."""

    status_code = 404


class Conflict(CloudError):
    """The request clashes with the current state."""

    status_code = 409


class Unauthorized(CloudError):
    """Missing, unknown or revoked credentials."""

    status_code = 401


class Forbidden(CloudError):
    """The credentials are valid but do not cover this request (scope, read-only)."""

    status_code = 403
