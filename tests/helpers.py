"""What every API test checks: the one error shape."""

from __future__ import annotations

API = "/api/v1/"


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The answer has ``status`` and the one error shape; returns the ``error`` object."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert {"code", "message", "details"} <= set(error)
    assert isinstance(error["message"], str)
    assert error["message"]
    assert isinstance(error["details"], dict)
    if code is not None:
        assert error["code"] == code
    return error
