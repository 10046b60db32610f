"""What every document of a cluster prints at its head and foot: bodies, number, place, date, recipients."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from voting.clusters.models import Cluster
from voting.formatting import to_local

#: the standing recipients of a cluster's minutes, before "Lưu: VT, Hồ sơ."
RECIPIENTS = ["Hội đồng Thi đua - Khen thưởng Công an thành phố (để báo cáo)", "Các đơn vị trong Cụm"]


def header_fields(cluster: Cluster, number: str, issued_at: datetime) -> dict[str, Any]:
    """Return the Decree 30 header every document shares: bodies, number, place and date."""
    return {
        "parent_body": cluster.parent_body,
        "cluster_name": cluster.name,
        "number": number,
        "city": cluster.city,
        "issued_on": to_local(issued_at).date(),
    }
