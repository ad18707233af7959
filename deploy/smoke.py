"""Start the production stack (deploy/serve.sh) on a scratch PostgreSQL database, check /healthz, a static file
and a real login through the form, then stop it. Exit code 0 only if everything answered as expected."""

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = os.environ.get("SMOKE_PORT", "8765")
BASE = f"http://127.0.0.1:{PORT}"


def main():
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/opendoor_smoke",
           "OPENDOOR_BIND": f"127.0.0.1:{PORT}", "OPENDOOR_WORKERS": "2", "OPENDOOR_VAR_DIR": str(ROOT / "var/smoke"),
           "OPENDOOR_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    server = subprocess.Popen(["sh", str(ROOT / "deploy/serve.sh")], cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_for_health()
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login_page = opener.open(f"{BASE}/login/").read().decode()
        css = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', login_page)
        assert css, "the login page links a hashed stylesheet"
        assert opener.open(BASE + css.group(1)).status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
        data = urllib.parse.urlencode({"username": "koordinator", "password": "opendoor2026",
                                       "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(f"{BASE}/login/", data=data, headers={"Referer": f"{BASE}/login/"})
        home = opener.open(request).read().decode()
        assert "Добрый день, Елена" in home, "the coordinator sees her start page"
        assert "Новые направления" in home
        print("smoke: healthz, static files and the coordinator's login work on gunicorn + PostgreSQL + Redis")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def wait_for_health(seconds=180, base=BASE):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise SystemExit("smoke: the server did not become healthy")


if __name__ == "__main__":
    sys.exit(main())
