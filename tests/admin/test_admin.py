"""Administration screens: clusters, units, accounts, conferences and the all-or-nothing CSV import."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import Site
from tests.helpers import csrf_token, post, text
from voting.audit.models import AuditEntry
from voting.auth.models import Role, User
from voting.clusters.models import Cluster, Unit
from voting.conferences.models import Conference
from voting.extensions import db


def test_only_administrators_get_in(login: Callable[[str], FlaskClient], site: Site) -> None:
    assert login(site.chair).get("/admin/").status_code == 403
    assert login(site.archivist).get("/admin/users").status_code == 403
    assert login(site.admin).get("/admin/").status_code == 200


def test_cluster_units_and_conference(app: Flask, login: Callable[[str], FlaskClient], site: Site) -> None:
    admin = login(site.admin)
    created = post(
        admin,
        "/admin/clusters",
        {
            "name": "Cụm thi đua số 9",
            "parent_body": "Công an tỉnh Bắc Ninh",
            "code": "CTĐ9",
            "city": "Bắc Ninh",
        },
        follow_redirects=True,
    )
    assert "Đã tạo Cụm thi đua số 9" in text(created)
    with app.app_context():
        cluster_id = db.session.scalar(sa.select(Cluster.id).where(Cluster.code == "CTĐ9"))
    for name in ("Phòng A", "Phòng B", "Phòng C"):
        post(admin, f"/admin/clusters/{cluster_id}/units", {"name": name})
    duplicate = post(admin, f"/admin/clusters/{cluster_id}/units", {"name": "Phòng A"})
    assert duplicate.status_code == 409 and "đã có trong" in text(duplicate)
    with app.app_context():
        unit_a = db.session.scalar(sa.select(Unit).where(Unit.name == "Phòng A"))
        assert unit_a is not None
        unit_a_id = unit_a.id
    post(admin, f"/admin/units/{unit_a_id}/rename", {"name": "Phòng Tham mưu"})
    post(admin, f"/admin/units/{unit_a_id}/toggle")
    with app.app_context():
        unit = db.session.get(Unit, unit_a_id)
        assert unit is not None and unit.name == "Phòng Tham mưu" and not unit.is_active
        chair_id = db.session.scalar(sa.select(User.id).where(User.username == site.chair))
        secretary_id = db.session.scalar(sa.select(User.id).where(User.username == site.secretary))
        unit_b = db.session.scalar(sa.select(Unit.id).where(Unit.name == "Phòng B"))
    response = post(
        admin,
        f"/admin/clusters/{cluster_id}/conferences",
        {
            "year": "2020",
            "starts_at": "2020-12-01T08:00",
            "place": "Hội trường",
            "directing_leader": "",
            "chair": chair_id,
            "secretary": secretary_id,
            "outgoing_leader": unit_b,
            "outgoing_deputy": 0,
        },
        follow_redirects=True,
    )
    assert "năm 2020" in text(response)
    with app.app_context():
        conference = db.session.scalar(sa.select(Conference).where(Conference.year == 2020))
        assert conference is not None and conference.outgoing_leader_id == unit_b
        created_entry = db.session.scalar(
            sa.select(AuditEntry).where(
                AuditEntry.action == "conference.created", AuditEntry.conference_id == conference.id
            )
        )
        assert created_entry is not None and created_entry.actor_username == site.admin


def test_accounts_create_disable_role_reset(
    app: Flask, login: Callable[[str], FlaskClient], site: Site
) -> None:
    admin = login(site.admin)
    response = post(
        admin,
        "/admin/users",
        {
            "username": "ct2",
            "full_name": "Nguyễn Văn B",
            "title": "",
            "role": "chair",
            "unit": 0,
            "password": "Mk-dai-va-kho-2020",
        },
        follow_redirects=True,
    )
    assert "Đã tạo tài khoản ct2" in text(response)
    bad = post(
        admin,
        "/admin/users",
        {
            "username": "có dấu",
            "full_name": "X",
            "role": "chair",
            "unit": 0,
            "password": "Mk-dai-va-kho-2020",
        },
    )
    assert bad.status_code == 200 and "Chỉ gồm chữ không dấu" in text(bad)
    with app.app_context():
        account_id = db.session.scalar(sa.select(User.id).where(User.username == "ct2"))
        admin_id = db.session.scalar(sa.select(User.id).where(User.username == site.admin))
    post(admin, f"/admin/users/{account_id}/role", {"role": "archivist"})
    post(admin, f"/admin/users/{account_id}/toggle")
    assert "Không thể tự khóa" in text(post(admin, f"/admin/users/{admin_id}/toggle"))
    page = text(post(admin, f"/admin/users/{account_id}/reset-password"))
    password = re.search(r'class="code">([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})<', page)
    assert password
    with app.app_context():
        account = db.session.get(User, account_id)
        assert account is not None and account.role is Role.ARCHIVIST and not account.is_enabled
    # Disabled accounts cannot log in, even with the new password.
    fresh = app.test_client()
    token = csrf_token(fresh, "/login")
    refused = fresh.post(
        "/login", data={"username": "ct2", "password": password.group(1), "csrf_token": token}
    )
    assert refused.status_code == 200 and "không đúng" in text(refused)


def upload(admin: FlaskClient, cluster_id: int, content: str) -> object:
    token = csrf_token(admin)
    data = {"csrf_token": token, "file": (io.BytesIO(content.encode()), "units.csv")}
    return admin.post(f"/admin/clusters/{cluster_id}/import", data=data, content_type="multipart/form-data")


def test_csv_import_is_all_or_nothing(app: Flask, login: Callable[[str], FlaskClient], site: Site) -> None:
    admin = login(site.admin)
    with app.app_context():
        users_before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    member = site.unit_names[2]
    bad_csv = (
        "unit,username,full_name,title\n"
        "Phòng Mới,moi1,Đại biểu Mới,Cán bộ\n"
        f"{member},{site.representatives[2]},Trùng tên,\n"  # username taken
        "Phòng X,moi1,Lặp lại,\n"  # duplicated in the file
        "Phòng Y,co dau,Sai tên,\n"  # invalid username
        "thiếu cột\n"
    )
    response = upload(admin, site.cluster_id, bad_csv)
    page = text(response)
    assert response.status_code == 422  # type: ignore[attr-defined]
    for line, reason in ((3, "đã được dùng"), (4, "lặp lại"), (5, "chỉ được gồm"), (6, "Cần 4 cột")):
        assert re.search(rf"<td>{line}</td><td>[^<]*{reason}", page), (line, reason)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == users_before
        assert db.session.scalar(sa.select(Unit.id).where(Unit.name == "Phòng Mới")) is None

    good_csv = (
        "\ufeffunit,username,full_name,title\n"
        "Phòng Mới,moi1,Đại biểu Mới,Cán bộ\n"
        f"{member},hc2,Đại biểu {member} 2,\n"
    )
    response = upload(admin, site.cluster_id, good_csv)
    assert response.status_code == 200 and "1 đơn vị mới, 2 tài khoản" in text(response)  # type: ignore[attr-defined]
    with app.app_context():
        unit = db.session.scalar(sa.select(Unit).where(Unit.name == "Phòng Mới"))
        assert unit is not None and unit.cluster_id == site.cluster_id
        rep = db.session.scalar(sa.select(User).where(User.username == "hc2"))
        assert rep is not None and rep.role is Role.REPRESENTATIVE and rep.unit is not None
        assert rep.unit.name == member


def test_csv_import_reports_overlong_values_as_bad_rows(
    app: Flask, login: Callable[[str], FlaskClient], site: Site
) -> None:
    admin = login(site.admin)
    with app.app_context():
        users_before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    content = (
        "unit,username,full_name,title\n"
        "Phòng Mới,moi1,Đại biểu Mới,Cán bộ\n"
        f"Phòng Mới,moi2,Đại biểu Hai,{'T' * 121}\n"  # the title column holds 120 characters
        f"Phòng Mới,moi3,{'H' * 200_000},\n"  # over the csv module's 128 KiB field limit
        "Phòng Mới,moi4,Đại biểu Bốn,\n"
    )
    response = upload(admin, site.cluster_id, content)
    page = text(response)
    assert response.status_code == 422, page[:500]  # type: ignore[attr-defined]
    assert re.search(r"<td>3</td><td>[^<]*quá dài", page)
    assert re.search(r"<td>4</td><td>[^<]*quá dài", page)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == users_before
        assert db.session.scalar(sa.select(Unit.id).where(Unit.name == "Phòng Mới")) is None
