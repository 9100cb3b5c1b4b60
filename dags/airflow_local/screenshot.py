"""The DAG's grid as a PNG, taken with headless Chromium from a running local Airflow.

The simple auth manager in all-admins mode logs a browser in at ``/auth/token/login`` (it sets the JWT
cookie and redirects to ``next``), so Chromium needs no credentials. ``--virtual-time-budget`` lets the
single-page UI fetch and draw the grid before the picture is taken.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

from airflow_local.stack import DAG_ID, Airflow, StackError


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise StackError("no headless Chromium found: apt-get install -y chromium")


def grid(airflow: Airflow, png: Path, width: int = 2000, height: int = 1040, scale: float = 0.7) -> Path:
    """Lays the page out ``width`` CSS pixels wide (the grid pane takes a share of it), saved ``scale`` times that."""
    page = f"/dags/{DAG_ID}"
    url = f"{airflow.url}/auth/token/login?next={quote(page, safe='')}"
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="shopflow-chromium-") as profile:
        r = subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                            f"--user-data-dir={profile}", f"--window-size={width},{height}",
                            f"--force-device-scale-factor={scale}",
                            "--virtual-time-budget=30000", f"--screenshot={png}", url],
                           capture_output=True, text=True, timeout=180)
    if r.returncode != 0 or not png.is_file():
        raise StackError(f"chromium could not take the screenshot (exit {r.returncode}): {r.stderr.strip()[-500:]}")
    return png
