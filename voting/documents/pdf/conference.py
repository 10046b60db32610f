"""Build the conference minutes (Biên bản hội nghị) as a PDF in the layout of Decree 30/2020."""

from __future__ import annotations

from collections.abc import Iterable

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table

from voting.documents.minutes_data import (
    ConferenceMinutes,
    CountRow,
    ElectionMinutes,
    HandoverMinutes,
)
from voting.documents.pdf.layout import (
    STYLES,
    TEXT_WIDTH,
    BuiltPdf,
    Footer,
    SignatureBlock,
    SignatureSpot,
    header,
    recipients,
    render,
    sentence,
    signature_table,
    t,
    table_style,
)
from voting.formatting import format_clock, format_percent, nfc

_ROUND_START = 55 * mm  # election and round headings, the counts line and three table rows
#: the signature fields of the minutes, in signing order; the agency's seal comes last (the clerk's)
SECRETARY_FIELD, CHAIR_FIELD, AGENCY_FIELD = "thu_ky", "chu_toa", "co_quan"
#: a body's seal at its real size (Decree 30 Appendix I), and the band over it for the agency's name and time
#: (over, not under: under it would cover the chair's printed name)
SEAL_SIZE, SEAL_TEXT_BAND = 36 * mm, 8 * mm


def _participants(data: ConferenceMinutes) -> list[Flowable]:
    """Return start time, place and the attendance paragraphs."""
    body, item = STYLES["body"], STYLES["item"]
    present = len(data.units_present)
    flow: list[Flowable] = [
        Paragraph(f"Thời gian bắt đầu: {t(format_clock(data.started_at))}.", body),
        Paragraph(f"Địa điểm: {sentence(data.place)}", body),
        Paragraph("Thành phần tham dự:", body),
        Paragraph(f"- Đại biểu dự và chỉ đạo: {sentence(data.directing_leader)}", body),
        Paragraph(f"- Các đơn vị thành viên có mặt: {present}/{data.units_total} đơn vị:", body),
    ]
    flow += [
        Paragraph(f"{i}. {t(unit)}{';' if i < present else '.'}", item)
        for i, unit in enumerate(data.units_present, 1)
    ]
    flow += [
        Spacer(1, 4),
        Paragraph(f"Chủ trì (chủ tọa): {t(data.chair_name)} – {sentence(data.chair_title)}", body),
        Paragraph(f"Thư ký: {t(data.secretary_name)} – {sentence(data.secretary_title)}", body),
    ]
    return flow


def count_table(count_rows: list[CountRow]) -> Table:
    """Return the STT | Tên đơn vị | Số phiếu | Tỷ lệ % grid of one round."""
    titles = ("STT", "Tên đơn vị", "Số phiếu", "Tỷ lệ %")
    rows = [[Paragraph(title, STYLES["cell_head"]) for title in titles]] + [
        [
            Paragraph(str(i), STYLES["cell_stt"]),
            Paragraph(t(row.unit_name), STYLES["cell"]),
            Paragraph(str(row.votes), STYLES["cell_num"]),
            Paragraph(t(row.percent), STYLES["cell_num"]),
        ]
        for i, row in enumerate(count_rows, 1)
    ]
    table = Table(rows, colWidths=[14 * mm, TEXT_WIDTH - 64 * mm, 25 * mm, 25 * mm], repeatRows=1)
    table.setStyle(
        table_style(
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        )
    )
    table.spaceAfter = 6
    return table


def _election(election: ElectionMinutes, number: int) -> list[Flowable]:
    """Return the section of one election with all its rounds and its result."""
    body = STYLES["body"]
    title = f"{number}. Bầu đơn vị {t(election.office)} năm {election.term_year}"
    # Start a round on a new page unless its headings, counts and first rows fit: keepWithNext
    # on a long table would push it whole to the next page and leave a blank one behind.
    flow: list[Flowable] = [CondPageBreak(_ROUND_START), Paragraph(title, STYLES["heading"])]
    for index, rnd in enumerate(election.rounds):
        if index:
            flow.append(CondPageBreak(_ROUND_START))
        label = f"Vòng {rnd.number}" + (" (bầu lại)" if rnd.number > 1 else "")
        counts = (
            f"Số phiếu phát ra: {rnd.issued}; số phiếu thu vào: {rnd.returned}; "
            f"số phiếu hợp lệ: {rnd.valid}; số phiếu không hợp lệ: {rnd.invalid}; "
            f"phiếu trống: {rnd.blank}."
        )
        flow.append(Paragraph(f"<i>{label}</i>", STYLES["heading"]))
        if rnd.is_counted:
            flow.append(Paragraph(counts, body))
        if rnd.rows:
            flow.append(count_table(rnd.rows))
        if rnd.decision.strip():
            flow.append(Paragraph(sentence(rnd.decision), body))
    office = t(election.office)
    result = (
        f"Đơn vị trúng cử {office}: {sentence(election.elected_unit)}"
        if election.elected_unit
        else f"Không có đơn vị trúng cử {office}."
    )
    if election.decision_note:
        flow.append(Paragraph(sentence(election.decision_note), body))
    flow.append(Paragraph(f"<b>{result}</b>", body))
    return flow


def _handover(handover: HandoverMinutes, cluster: str, number: int) -> list[Flowable]:
    """Return the section recording the handover of the rotating flag."""
    clock = t(format_clock(handover.handed_over_at))
    lines = [
        f"Vào hồi {clock}, hội nghị tiến hành bàn giao cờ luân lưu của {t(cluster)}:",
        f"- Bên giao: {t(handover.from_unit)}, đại diện: {t(handover.giver_name)} – "
        f"{sentence(handover.giver_title)}",
        f"- Bên nhận: {t(handover.to_unit)}, đại diện: {t(handover.receiver_name)} – "
        f"{sentence(handover.receiver_title)}",
        f"- Chứng kiến: {sentence(handover.witnesses)}",
        f"- Tình trạng cờ luân lưu: {sentence(handover.flag_condition)}",
        f"- Hồ sơ bàn giao: {sentence(handover.files_handed_over)}",
    ]
    heading = Paragraph(f"{number}. Bàn giao cờ luân lưu", STYLES["heading"])
    return [heading, *(Paragraph(line, STYLES["body"]) for line in lines)]


def _content(data: ConferenceMinutes) -> list[Flowable]:
    """Return the numbered sections of NỘI DUNG HỘI NGHỊ."""
    flow: list[Flowable] = [Paragraph("NỘI DUNG HỘI NGHỊ", STYLES["heading"])]
    number = 0
    if data.report_summary.strip():
        number += 1
        flow.append(Paragraph(f"{number}. Báo cáo tổng kết phong trào thi đua", STYLES["heading"]))
        paragraphs = [p.strip() for p in nfc(data.report_summary).splitlines() if p.strip()]
        flow += [Paragraph(t(p), STYLES["body"]) for p in paragraphs]
    for election in data.elections:
        number += 1
        flow += _election(election, number)
    if data.election_record:
        flow.append(
            Paragraph(
                "Phiếu bầu kín được mã hóa trên máy đại biểu; kết quả do những người giữ khóa giải mã. "
                "Hồ sơ bầu cử (phiếu mã hóa, chứng minh, kết quả giải mã) kèm theo hồ sơ hội nghị, "
                f"dấu vân tay SHA-256: {data.election_record}",
                STYLES["body"],
            )
        )
    if data.handover is not None:
        number += 1
        flow += _handover(data.handover, data.cluster_name, number)
    if data.audit_head:
        flow.append(
            Paragraph(
                f"Nhật ký hệ thống khi lập biên bản có {data.audit_count} mục, mã băm mục cuối (SHA-256): "
                f"{data.audit_head}. Mọi sửa, xóa hoặc viết lại nhật ký trước thời điểm này đều bị phát "
                "hiện khi đối chiếu với mã băm trên.",
                STYLES["body"],
            )
        )
    return flow


def _closing(data: ConferenceMinutes, sink: list[SignatureSpot]) -> list[Flowable]:
    """Return the approval and closing lines, the signatures and the recipients."""
    body = STYLES["body"]
    present = len(data.units_present)
    approval = (
        f"Biên bản đã được đọc lại trước hội nghị và được {data.approvals}/{present} đơn vị "
        f"có mặt ({format_percent(data.approvals, present)}%) biểu quyết thông qua."
    )
    signatures = signature_table(
        [
            [
                SignatureBlock(SECRETARY_FIELD, ["THƯ KÝ"], data.secretary_name),
                SignatureBlock(CHAIR_FIELD, ["CHỦ TỌA"], data.chair_name),
            ]
        ],
        sink,
    )
    closing = Paragraph(f"Hội nghị kết thúc vào {t(format_clock(data.ended_at))}.", body)
    # The closing line travels with the signatures so that they never stand alone on a page.
    return [
        Paragraph(approval, body),
        KeepTogether([closing, Spacer(1, 6), signatures]),
        recipients(data.recipients),
    ]


def _flowables(data: ConferenceMinutes, sink: list[SignatureSpot]) -> Iterable[Flowable]:
    """Yield every flowable of the minutes in order."""
    yield header(data)
    yield Paragraph("BIÊN BẢN", STYLES["title"])
    yield Paragraph(t(data.subject), STYLES["subject"])
    yield from _participants(data)
    yield from _content(data)
    yield from _closing(data, sink)


def build_conference_minutes(data: ConferenceMinutes) -> BuiltPdf:
    """Render the Biên bản hội nghị of *data* with the positions of its signature spaces."""
    sink: list[SignatureSpot] = []
    built = render(
        list(_flowables(data, sink)),
        title=f"Biên bản hội nghị {data.cluster_name} số {data.number}",
        author=f"{data.cluster_name} – {data.parent_body}",
        subject=data.subject,
        footer=Footer(data.number, data.version, data.verify_url),
        sink=sink,
    )
    chair = next(spot for spot in built.spots if spot.field == CHAIR_FIELD)
    return BuiltPdf(built.content, [*built.spots, seal_spot(chair, AGENCY_FIELD)])


def seal_spot(head: SignatureSpot, field: str) -> SignatureSpot:
    """Return the agency's field: the seal over about the left third of the head's signature image.

    Decree 30/2020 Appendix I: the seal image, at its real size, covers about one third of the
    competent person's signature image on its left; the image is centred in the head's space.
    """
    x0, y0, x1, y1 = head.box
    image_width = 2 * (y1 - y0)  # a signature image is about twice as wide as the space is high
    right = (x0 + x1) / 2 - image_width / 2 + image_width / 3
    middle = (y0 + y1) / 2
    box = (
        round(right - SEAL_SIZE),
        round(middle - SEAL_SIZE / 2),
        round(right),
        round(middle + SEAL_SIZE / 2 + SEAL_TEXT_BAND),
    )
    return SignatureSpot(field, head.page, box)


def build_conference_minutes_pdf(data: ConferenceMinutes) -> bytes:
    """Render the Biên bản hội nghị of *data* as PDF bytes (same data, same bytes)."""
    return build_conference_minutes(data).content
