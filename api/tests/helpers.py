"""A client that sends a personal token, as a pipeline would."""

import json

from django.test import Client

from api.services import create_token


class TokenClient:
    """Django's test client with `Authorization: Bearer <token>` on every request and no session."""

    def __init__(self, user=None, token: str | None = None) -> None:
        self.token = token if token is not None else create_token(user=user, name="test")[1]
        self.client = Client(enforce_csrf_checks=True)  # a token needs no CSRF token: prove it

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self._headers())

    def labels(self, path: str, **params) -> dict:
        """A streamed labels document, read whole."""
        response = self.get(path, **params)
        assert response.status_code == 200, response
        return json.loads(b"".join(response.streaming_content))

    def post(self, path: str, body=None):
        return self.client.post(f"/api/v1{path}", json.dumps(body or {}), content_type="application/json",
                                headers=self._headers())

    def upload(self, path: str, **fields):
        return self.client.post(f"/api/v1{path}", fields, headers=self._headers())

    def delete(self, path: str):
        return self.client.delete(f"/api/v1{path}", headers=self._headers())
