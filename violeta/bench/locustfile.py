"""The load test (`make loadtest`, run by ``manage.py loadtest``): locust, headless.

Two kinds of visitor against gunicorn:

- ``Reporter``: the public channel. Opens /reporte/nuevo/ (CSRF cookie and the signed time
  token), then sends a report. The server runs with REPORT_MIN_SECONDS=0 and a high
  REPORT_SUBMIT_LIMIT: every simulated visitor comes from 127.0.0.1, and a person takes
  minutes to write, not milliseconds.
- ``Staff``: the inbox of a logged-in member of staff, with varied filters and pages. Login
  needs a second factor, so ``manage.py loadtest`` creates the sessions server-side and passes
  their cookies in the file named by BENCH_SESSIONS_FILE.

Any answer other than the expected one is a failure; the run must end with none.
"""

from __future__ import annotations

import json
import os
import random
import re
from typing import Any

from locust import HttpUser, between, task

SESSIONS_FILE = os.environ.get("BENCH_SESSIONS_FILE", "var/bench/loadtest_sessions.json")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED_FIELD = re.compile(r'name="started" value="([^"]+)"')
RECEIPT = re.compile(r'class="receipt"')


def _sessions() -> dict[str, Any]:
    with open(SESSIONS_FILE, encoding="utf-8") as handle:
        return json.load(handle)


class Reporter(HttpUser):
    weight = 1
    wait_time = between(0.5, 2.0)

    @task
    def submit_report(self) -> None:
        with self.client.get(
            "/reporte/nuevo/", name="GET /reporte/nuevo/", catch_response=True
        ) as page:
            if page.status_code != 200:
                page.failure(f"form answered {page.status_code}")
                return
            csrf = CSRF_FIELD.search(page.text)
            started = STARTED_FIELD.search(page.text)
            if not csrf or not started:
                page.failure("the form has no CSRF token or time token")
                return
        what = "Mi jefe me grita y me humilla frente a mis compañeras. " * random.randint(1, 8)
        data = {
            "csrfmiddlewaretoken": csrf.group(1),
            "started": started.group(1),
            "website": "",
            "reporter_role": random.choice(["afectada", "testigo"]),
            "what": what,
            "when": "La semana pasada",
            "where": "En la oficina",
            "who": "",
            "anonymous": "si",
            "contact_wish": "ninguno",
        }
        with self.client.post(
            "/reporte/nuevo/", data=data, name="POST /reporte/nuevo/", catch_response=True
        ) as sent:
            if sent.status_code != 200 or not RECEIPT.search(sent.text):
                sent.failure(f"report answered {sent.status_code} without a receipt")


class Staff(HttpUser):
    weight = 2
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        sessions = _sessions()
        self.cookie_name = sessions["cookie_name"]
        self.viewer = random.choice(sessions["staff"])
        self.client.cookies.set(self.cookie_name, self.viewer["session"])
        self.dependencias = sessions["dependencias"]

    @task(3)
    def inbox(self) -> None:
        params: dict[str, Any] = {"page": random.choice([1, 1, 1, 2, 3])}
        if self.viewer["role"] == "coordinacion":
            params["status"] = random.choice(["abierto", "todos"])
            if random.random() < 0.3:
                params["dependencia"] = random.choice(self.dependencias)
        self._inbox(params, "GET /casos/ (inbox)")

    @task(1)
    def overdue(self) -> None:
        self._inbox({"due": "vencidos"}, "GET /casos/?due=vencidos")

    def _inbox(self, params: dict[str, Any], name: str) -> None:
        with self.client.get("/casos/", params=params, name=name, catch_response=True) as page:
            if page.status_code != 200 or 'role="status"' not in page.text:
                page.failure(f"inbox answered {page.status_code}")
