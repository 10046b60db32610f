"""Build the Biên bản họp bình xét, suy tôn and the tờ trình đề nghị khen thưởng (Decree 30/2020 layout).

A tờ trình follows Decree 30/2020 Appendix III's form for an administrative document with a name
(as read here): title "TỜ TRÌNH" and "Về việc …" under it, "Kính gửi:", the body ending "./.", the
signer on the right with "Nơi nhận" beside it, and the agency's seal over the signer's image.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer

from voting.documents.emulation_data import AwardProposal, EmulationMinutes, ProposalLine
from voting.documents.pdf.closing import SignatureBlock, closing
from voting.documents.pdf.conference import AGENCY_FIELD, CHAIR_FIELD, SECRETARY_FIELD, seal_spot
from voting.documents.pdf.layout import (
    STYLES,
    TEXT_WIDTH,
    BuiltPdf,
    Footer,
    SignatureSpot,
    header,
    render,
    sentence,
    t,
)
from voting.documents.pdf.ranking import Cell, award_section, grid, ranking_table, tie_notes

__all__ = [
    "AGENCY_FIELD",
    "CHAIR_FIELD",
    "SECRETARY_FIELD",
    "build_award_proposal",
    "build_emulation_minutes",
]


def _sealed(built: BuiltPdf) -> BuiltPdf:
    """Add the agency's field over the chair's signature (the clerk seals last)."""
    chair = next(spot for spot in built.spots if spot.field == CHAIR_FIELD)
    return BuiltPdf(built.content, [*built.spots, seal_spot(chair, AGENCY_FIELD)])


def _minutes_flow(data: EmulationMinutes, sink: list[SignatureSpot]) -> list[Flowable]:
    body, heading = STYLES["body"], STYLES["heading"]
    held = f"{data.held_at:%H} giờ {data.held_at:%M} phút, ngày {data.held_at:%d/%m/%Y}"
    rules = "; ".join(f"({i}) {rule}" for i, rule in enumerate(data.tie_rules, 1))
    flow: list[Flowable] = [
        header(data),
        Paragraph("BIÊN BẢN", STYLES["title"]),
        Paragraph(f"Họp bình xét, suy tôn thi đua năm {data.year}", STYLES["subject"]),
        Paragraph(
            f"Vào hồi {held}, tại {t(data.place)}, {t(data.cluster_name)} họp bình xét, suy tôn "
            f"trong khuôn khổ {t(data.conference_title)}.",
            body,
        ),
        Paragraph(f"Thành phần: {data.units_present}/{data.units_total} đơn vị thành viên có mặt.", body),
        Paragraph(f"Chủ trì (chủ tọa): {t(data.chair_name)} – {sentence(data.chair_title)}", body),
        Paragraph(f"Thư ký: {t(data.secretary_name)} – {sentence(data.secretary_title)}", body),
        Paragraph("I. CĂN CỨ BÌNH XÉT", heading),
        Paragraph(f"{t(data.table_title)}; điểm tối đa: {data.max_total} điểm (kể cả điểm thưởng).", body),
        *[Paragraph(f"- {sentence(line)}", body) for line in data.legal_basis],
        Paragraph("II. KẾT QUẢ CHẤM ĐIỂM VÀ XẾP HẠNG", heading),
        Paragraph(
            "Các đơn vị tự chấm điểm, chấm chéo; Cụm thống nhất điểm và phúc tra những điểm còn ý kiến "
            "khác. Tổng điểm là điểm của giai đoạn sau cùng, cộng điểm thưởng, trừ điểm trừ. Đơn vị bằng "
            "điểm được xếp theo các quy tắc của bảng tiêu chí, lần lượt: "
            + (f"{t(rules)}." if rules else "bảng không có quy tắc nào; các đơn vị bằng điểm đồng hạng."),
            body,
        ),
        ranking_table(data.rows, data.stage_names),
        *tie_notes(data.rows),
        Paragraph("III. KẾT QUẢ SUY TÔN", heading),
    ]
    if not data.awards:
        flow.append(Paragraph("Hội nghị không tiến hành bỏ phiếu suy tôn.", body))
    for i, award in enumerate(data.awards, 1):
        flow += award_section(award, str(i))
    flow.append(Paragraph("IV. ĐỀ NGHỊ KHEN THƯỞNG", heading))
    proposals = [award for award in data.awards if award.proposed]
    if proposals:
        flow.append(Paragraph(f"{t(data.cluster_name)} thống nhất đề nghị khen thưởng:", body))
        flow += [Paragraph(f"- {t(a.title)}: {sentence('; '.join(a.proposed))}", body) for a in proposals]
    else:
        flow.append(Paragraph("Không có đơn vị nào được đề nghị khen thưởng.", body))
    lead = Paragraph(
        "Biên bản được lập thành bản điện tử, có chữ ký số của thư ký, của chủ tọa và của cơ quan.", body
    )
    blocks = [
        SignatureBlock(SECRETARY_FIELD, ["THƯ KÝ"], data.secretary_name),
        SignatureBlock(CHAIR_FIELD, ["CHỦ TỌA"], data.chair_name),
    ]
    flow.append(closing([lead], [blocks], data.recipients, sink))
    return flow


def build_emulation_minutes(data: EmulationMinutes) -> BuiltPdf:
    """Render the Biên bản họp bình xét, suy tôn of *data* with the places of its signatures."""
    sink: list[SignatureSpot] = []
    subject = f"Họp bình xét, suy tôn thi đua năm {data.year}"
    built = render(
        _minutes_flow(data, sink),
        title=f"Biên bản họp bình xét, suy tôn {data.cluster_name} số {data.number}",
        heading=data,
        subject=subject,
        footer=Footer(data.number, data.version, data.verify_url),
        sink=sink,
    )
    return _sealed(built)


def _proposal_rows(lines: list[ProposalLine]) -> list[list[Cell]]:
    """Return the rows of one award: the unit with what it leads in the Cụm under its name."""
    rows: list[list[Cell]] = []
    for i, line in enumerate(lines, 1):
        roles = "".join(f"<br/><i>{t(role)}</i>" for role in line.roles)
        unit = Paragraph(f"{t(line.unit_name)}{roles}", STYLES["cell"])
        rows.append([str(i), unit, str(line.rank) if line.rank else "", line.total, line.votes])
    return rows


def build_award_proposal(data: AwardProposal) -> BuiltPdf:
    """Render the tờ trình đề nghị khen thưởng of *data* with the chair's and the seal's places."""
    body = STYLES["body"]
    sink: list[SignatureSpot] = []
    subject = f"Về việc đề nghị khen thưởng phong trào thi đua năm {data.year}"
    flow: list[Flowable] = [
        header(data),
        Paragraph("TỜ TRÌNH", STYLES["title"]),
        Paragraph(t(subject), STYLES["subject"]),
        Paragraph(f"Kính gửi: {t(data.council)}.", STYLES["number"]),
        Spacer(1, 8),
        Paragraph(
            f"Căn cứ kết quả chấm điểm, bình xét thi đua năm {data.year} theo {t(data.table_title)} và kết "
            f"quả bỏ phiếu kín suy tôn của các đơn vị thành viên ({data.units_total} đơn vị) tại "
            f"{t(data.conference_title)} ngày {data.held_on:%d/%m/%Y}, {t(data.cluster_name)} đề nghị "
            f"{t(data.council)} xét, trình khen thưởng các đơn vị sau:",
            body,
        ),
    ]
    widths = [12 * mm, TEXT_WIDTH - 92 * mm, 18 * mm, 20 * mm, 42 * mm]
    for i, award in enumerate(dict.fromkeys(line.award for line in data.lines), 1):
        lines = [line for line in data.lines if line.award == award]
        flow += [
            CondPageBreak(40 * mm),
            Paragraph(f"{i}. {t(award)}: {len(lines)} đơn vị", STYLES["heading"]),
            grid(
                ["STT", "Tên đơn vị, vai trò trong Cụm", "Xếp hạng", "Tổng điểm", "Kết quả suy tôn"],
                _proposal_rows(lines),
                widths,
            ),
        ]
    flow.append(
        Paragraph("Hồ sơ kèm theo: Biên bản họp bình xét, suy tôn; bảng tổng hợp điểm và xếp hạng.", body)
    )
    ending = Paragraph(f"Kính đề nghị {t(data.council)} xem xét, quyết định./.", body)
    authority = [f"TM. {data.cluster_name.upper()}", "ĐƠN VỊ CỤM TRƯỞNG"]
    flow.append(
        closing([ending], [[SignatureBlock(CHAIR_FIELD, authority, data.chair_name)]], data.recipients, sink)
    )
    built = render(
        flow,
        title=f"Tờ trình đề nghị khen thưởng {data.cluster_name} số {data.number}",
        heading=data,
        subject=subject,
        footer=Footer(data.number, data.version, data.verify_url),
        sink=sink,
    )
    return _sealed(built)
