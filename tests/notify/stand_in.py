"""A local stand-in for GOV.UK Notify's HTTP API: POST /v2/notifications/email,
with the Authorization header checked as Notify checks it (a JWT signed
HS256 with the API key's secret, issued by the service, not stale), each
accepted request kept, and answers that can be set to Notify's refusals."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

# Notify refuses a token issued more than 30 seconds from its clock.
TOKEN_BOUND_SECONDS = 30


@dataclass
class Answer:
    status: int
    errors: list[dict[str, str]] = field(default_factory=list)
    delay: float = 0.0


@dataclass
class StandIn:
    service_id: str
    secret: str
    received: list[dict[str, Any]] = field(default_factory=list)
    refused_tokens: list[str] = field(default_factory=list)
    # The answers to give, in order; once spent, every email is accepted.
    answers: list[Answer] = field(default_factory=list)
    base_url: str = ""

    @property
    def api_key(self) -> str:
        return f"lp_test-{self.service_id}-{self.secret}"

    def answer(
        self, status: int, error: str = "", message: str = "", delay: float = 0.0
    ) -> None:
        errors = [{"error": error, "message": message}] if error else []
        self.answers.append(Answer(status, errors, delay))


def _token_problem(header: str | None, stand_in: StandIn) -> str | None:
    """Why Notify would refuse this Authorization header, or None."""
    if not header or not header.startswith("Bearer "):
        return "Unauthorized: authentication token must be provided"
    token = header.removeprefix("Bearer ")
    try:
        if jwt.get_unverified_header(token).get("alg") != "HS256":
            return "Invalid token: algorithm used is not HS256"
        claims = jwt.decode(
            token,
            key=stand_in.secret,
            algorithms=["HS256"],
            issuer=stand_in.service_id,
            options={"require": ["iss", "iat"], "verify_iat": False},
        )
    except jwt.InvalidIssuerError:
        return "Invalid token: service not found"
    except jwt.InvalidTokenError:
        return "Invalid token: API key not found"
    if abs(time.time() - int(claims["iat"])) > TOKEN_BOUND_SECONDS:
        return "Error: Your system clock must be accurate to within 30 seconds"
    return None


def _handler(stand_in: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            # The client may have stopped waiting (a timeout test).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

        def _refuse(self, status: int, error: str, message: str) -> None:
            self._reply(
                status,
                {
                    "status_code": status,
                    "errors": [{"error": error, "message": message}],
                },
            )

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            if self.path != "/v2/notifications/email":
                self._refuse(404, "NotFound", "Not found")
                return
            problem = _token_problem(self.headers.get("Authorization"), stand_in)
            if problem:
                stand_in.refused_tokens.append(problem)
                self._refuse(403, "AuthError", problem)
                return
            if self.headers.get("Content-Type") != "application/json":
                self._refuse(400, "BadRequestError", "Content-Type not JSON")
                return
            body = json.loads(raw)
            if stand_in.answers:
                answer = stand_in.answers.pop(0)
                time.sleep(answer.delay)
                if answer.status >= 300:
                    stand_in.received.append(body)
                    self._reply(
                        answer.status,
                        {"status_code": answer.status, "errors": answer.errors},
                    )
                    return
            stand_in.received.append(body)
            notification_id = str(uuid.uuid4())
            self._reply(
                201,
                {
                    "id": notification_id,
                    "reference": body.get("reference"),
                    "content": {
                        "subject": body.get("personalisation", {}).get("subject"),
                        "body": body.get("personalisation", {}).get("body"),
                        "from_email": "lp@notifications.service.gov.uk",
                    },
                    "uri": f"{stand_in.base_url}/v2/notifications/{notification_id}",
                    "template": {
                        "id": body["template_id"],
                        "version": 1,
                        "uri": f"{stand_in.base_url}/v2/template/{body['template_id']}",
                    },
                },
            )

    return Handler


def start(stand_in: StandIn) -> ThreadingHTTPServer:
    """Serve the stand-in on 127.0.0.1, on a port of the system's choosing."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stand_in))
    server.daemon_threads = True
    host, port = server.server_address[:2]
    stand_in.base_url = f"http://{host}:{port}"
    # A short poll, so that shutting it down after each test is quick.
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    ).start()
    return server
