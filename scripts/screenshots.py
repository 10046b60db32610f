"""Take screenshots of the main screens for docs/ (run: .venv/bin/python scripts/screenshots.py)."""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Page, sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voting import create_app  # noqa: E402
from voting.auth.models import Role, User  # noqa: E402
from voting.clusters.models import Unit  # noqa: E402
from voting.conferences.models import Conference  # noqa: E402
from voting.conferences.services import check_in  # noqa: E402
from voting.crypto.prover import Trustee, encrypt_ballot  # noqa: E402
from voting.demo import PASSWORD, create_demo, decrypt, play_demo  # noqa: E402
from voting.display.services import rotate_display_token  # noqa: E402
from voting.elections import encrypted  # noqa: E402
from voting.elections.models import Office, Round  # noqa: E402
from voting.elections.services import close_round, open_round  # noqa: E402
from voting.emulation.models import CriteriaTable  # noqa: E402
from voting.extensions import db  # noqa: E402
from voting.formatting import utc_now  # noqa: E402
from voting.trustees.offline import play_ceremony  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-sync",
]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def serve(app: Flask) -> str:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def make_election_key(conference: Conference) -> dict[int, Trustee]:
    """Have the demo's three counters make the election key, played in Python as the demo does."""
    counters = db.session.scalars(
        sa.select(User)
        .where(User.username.in_(["kiemphieu1", "kiemphieu2", "kiemphieu3"]))
        .order_by(User.username)
    )
    return play_ceremony(conference, list(counters), by=conference.chair, now=utc_now())


def vote(round_: Round, voters: list[Unit], choice: Unit) -> None:
    """Cast each voter's secret ballot for *choice*, encrypted as its browser would (the Python prover)."""
    manifest = encrypted.manifest_of(round_)
    option = manifest["options"].index(f"unit:{choice.id}")
    for voter in voters:
        ballot, _randomness = encrypt_ballot(manifest, option, encrypted.zero_of(round_, voter))
        encrypted.cast_encrypted(round_, voter, ballot, by=None, now=utc_now())


def demo_app(*, finished: bool) -> tuple[Flask, int]:
    database = Path(tempfile.mkdtemp()) / "shots.sqlite3"
    app = create_app(
        {
            "SECRET_KEY": "screenshots-only-0123456789",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "PUBLIC_BASE_URL": "http://192.168.1.20:5000",  # as the hall's LAN would show it
        }
    )
    with app.app_context():
        upgrade()
        conference, _ = create_demo()
        if finished:
            play_demo(conference)
        db.session.commit()
        return app, conference.id


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    app, conference_id = demo_app(finished=False)
    base = serve(app)
    finished_app, _ = demo_app(finished=True)  # signing runs its own event loop: before Playwright's
    finished_base = serve(finished_app)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 800})
        page.goto(f"{base}/login")
        page.screenshot(path=str(OUT / "login.png"))
        phone = browser.new_page(viewport={"width": 360, "height": 740}, is_mobile=True)
        log_in(phone, base, "daibieu2")
        phone.screenshot(path=str(OUT / "representative-check-in.png"), full_page=True)
        with app.app_context():
            conference = db.session.get(Conference, conference_id)
            assert conference is not None
            for unit in conference.cluster.units:
                rep = db.session.scalar(
                    sa.select(User).where(User.unit_id == unit.id, User.role == Role.REPRESENTATIVE)
                )
                check_in(conference, unit, by=rep, now=utc_now())  # type: ignore[arg-type]
            trustees = make_election_key(conference)
            round_ = open_round(conference, Office.LEADER, now=utc_now())
            token = rotate_display_token(conference)
            units = {u.name: u for u in conference.cluster.units}
            vote(round_, list(conference.cluster.units[2:]), units["Phòng Công tác chính trị"])
            db.session.commit()
            round_id = round_.id
        phone.goto(f"{base}/rounds/{round_id}/ballot")
        phone.screenshot(path=str(OUT / "ballot-phone.png"), full_page=True)
        projector = browser.new_page(viewport={"width": 1280, "height": 720})
        projector.goto(f"{base}/display/{token}")
        projector.screenshot(path=str(OUT / "projector-turnout.png"))
        log_in(page, base, "chutri")
        page.goto(f"{base}/conferences/{conference_id}/console")
        page.screenshot(path=str(OUT / "chair-console-open-round.png"), full_page=True)
        page.locator(".join").screenshot(path=str(OUT / "join-qr.png"))  # what delegates' phones scan
        page.get_by_role("button", name="Kết thúc vòng bầu và kiểm phiếu").first.click()
        page.locator("dialog.confirm-dialog").wait_for()
        page.screenshot(path=str(OUT / "confirm-close-round.png"))  # nothing closes on one click
        page.keyboard.press("Escape")
        with app.app_context():
            round_ = db.session.get(Round, round_id)
            assert round_ is not None
            close_round(round_, now=utc_now())
            decrypt(round_, trustees, now=utc_now())  # a quorum of the trustees, as on the round page
            db.session.commit()
        projector.goto(f"{base}/display/{token}")
        projector.screenshot(path=str(OUT / "projector-result.png"))
        page.goto(f"{base}/conferences/{conference_id}/console")
        page.screenshot(path=str(OUT / "chair-console-result.png"), full_page=True)
        page.goto(f"{base}/conferences/{conference_id}/console?lang=en")
        page.screenshot(path=str(OUT / "chair-console-en.png"))

        archivist = browser.new_page(viewport={"width": 1100, "height": 700})
        log_in(archivist, finished_base, "luutru")
        archivist.screenshot(path=str(OUT / "archive.png"), full_page=True)

        with finished_app.app_context():  # the demo's 2016 bình xét, scored through every stage
            table_id = db.session.scalar(sa.select(CriteriaTable.id).order_by(CriteriaTable.year.desc()))
        chair = browser.new_page(viewport={"width": 1100, "height": 800})
        log_in(chair, finished_base, "chutri")
        chair.goto(f"{finished_base}/emulation/tables/{table_id}/ranking")
        chair.screenshot(path=str(OUT / "ranking.png"), full_page=True)
        browser.close()
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
