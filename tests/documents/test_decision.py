"""A result reached by the chair's decision (consensus) is printed in the counting minutes."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.helpers import PREPARED_AT, require_tool
from voting.conferences.models import Conference
from voting.conferences.services import check_in
from voting.documents.models import DocumentKind
from voting.documents.services import issue_document
from voting.elections.decisions import record_decision
from voting.elections.models import DecisionMethod, Office
from voting.elections.rules import DEFAULTS, RulesChange, VoteForm, set_rules
from voting.elections.services import certify, get_election
from voting.formatting import nfc


def test_consensus_decision_is_in_the_counting_minutes(conference: Conference, tmp_path: Path) -> None:
    consensus = RulesChange(**{**DEFAULTS, "vote_form": VoteForm.CONSENSUS})
    set_rules(conference, consensus, by=conference.chair, now=PREPARED_AT)
    units = list(conference.cluster.units)
    for unit in units:
        check_in(conference, unit, by=conference.chair, now=PREPARED_AT)
    record_decision(
        conference,
        Office.LEADER,
        method=DecisionMethod.CONSENSUS,
        unit=units[1],
        statement=f"Các đơn vị thống nhất đề cử {units[1].name}.",
        agreeing=8,
        by=conference.chair,
        now=PREPARED_AT,
    )
    election = get_election(conference, Office.LEADER)
    assert election is not None
    certify(election, by=conference.chair, now=PREPARED_AT)
    document = issue_document(
        conference, DocumentKind.COUNTING_MINUTES, election, by=conference.chair, now=PREPARED_AT
    )
    path = tmp_path / "km.pdf"
    path.write_bytes(document.content)
    raw = subprocess.run(
        [require_tool("pdftotext"), "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    text = " ".join(nfc(raw).split())
    assert f"Chủ tọa ghi nhận quyết định (hiệp thương): {units[1].name}" in text
    assert "8 đơn vị biểu quyết đồng ý" in text
    assert f"Đơn vị trúng cử Cụm trưởng năm 2017: {units[1].name}" in text
