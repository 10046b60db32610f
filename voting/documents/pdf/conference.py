"""Build the conference minutes (Biên bản hội nghị) as a PDF in the layout of Decree 30/2020."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table

from voting.documents.minutes_data import (
    ConferenceMinutes,
    CountRow,
    ElectionMinutes,
    HandoverMinutes,
)
from voting.documents.pdf.closing import SignatureBlock, closing
from voting.documents.pdf.layout import (
    BOLD,
    REGULAR,
    STYLES,
    TEXT_WIDTH,
    BuiltPdf,
    Footer,
    SignatureSpot,
    cells,
    header,
    register_fonts,
    render,
    sentence,
    t,
    table_style,
)
from voting.documents.pdf.ranking import summary_section
from voting.documents.pdf.reading import plain_text
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
    for i, unit in enumerate(data.units_present, 1):
        people = data.delegates.get(unit, [])
        end = ";" if i < present else "."
        flow.append(Paragraph(f"{i}. {t(unit)}{':' if people else end}", item))
        flow += [
            Paragraph(
                f"- {t(person.name)}{', ' + t(person.title) if person.title else ''}"
                f"{';' if k < len(people) or i < present else '.'}",
                STYLES["delegate"],
            )
            for k, person in enumerate(people, 1)
        ]
    flow += [
        Spacer(1, 4),
        Paragraph(f"Chủ trì (chủ tọa): {t(data.chair_name)} – {sentence(data.chair_title)}", body),
        Paragraph(f"Thư ký: {t(data.secretary_name)} – {sentence(data.secretary_title)}", body),
    ]
    return flow


#: the makers of a count table's cells (row number, unit, counts) for texts that wrap; one set per
#: document shares the cells that repeat from round to round
CountCells = tuple[Callable[[str], Flowable], Callable[[str], Flowable], Callable[[str], Flowable]]
_COUNT_WIDTHS = (14 * mm, TEXT_WIDTH - 64 * mm, 25 * mm, 25 * mm)
_CELL_PADDING = 6  # ReportLab's default left and right padding of a table cell
_CELL_LEADING = STYLES["cell"].leading
#: the height of a row whose cells are one line each: the leading and the top and bottom paddings
_ONE_LINE_ROW = _CELL_LEADING + (4 + 3)
_COUNT_STYLE = table_style(
    ("FONT", (0, 0), (-1, -1), REGULAR, 12, _CELL_LEADING),
    ("FONT", (0, 0), (-1, 0), BOLD, 12, _CELL_LEADING),
    ("ALIGN", (0, 0), (0, -1), "CENTER"),
    ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
    ("ALIGN", (0, 0), (-1, 0), "CENTER"),
    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
)


def count_cells() -> CountCells:
    """Return new makers of count-table cells."""
    return cells("cell_stt"), cells("cell"), cells("cell_num")


def _one_line(text: str, width: float) -> bool:
    """Tell whether *text* prints as it is on one line of a count-table column *width* wide.

    Such a cell is a plain string, drawn by the table itself at the place a one-line paragraph
    would take: a paragraph per cell made drawing and measuring a long table most of its cost.
    """
    return (
        " ".join(text.split()) == text
        and pdfmetrics.stringWidth(text, REGULAR, 12) < width - 2 * _CELL_PADDING - 1
    )


def count_table(count_rows: list[CountRow], makers: CountCells | None = None) -> Table:
    """Return the STT | Tên đơn vị | Số phiếu | Tỷ lệ % grid of one round."""
    register_fonts()  # measuring text needs the faces
    stt, name, number = makers or count_cells()
    rows: list[list[object]] = [["STT", "Tên đơn vị", "Số phiếu", "Tỷ lệ %"]]
    heights: list[float | None] = [_ONE_LINE_ROW]
    for i, count in enumerate(count_rows, 1):
        texts = [nfc(text) for text in (str(i), count.unit_name, str(count.votes), count.percent)]
        fits = [_one_line(text, width) for text, width in zip(texts, _COUNT_WIDTHS, strict=True)]
        makers_ = (stt, name, number, number)
        rows.append(
            [text if fit else make(text) for text, fit, make in zip(texts, fits, makers_, strict=True)]
        )
        heights.append(_ONE_LINE_ROW if all(fits) else None)  # None: ReportLab measures the row
    table = Table(rows, colWidths=list(_COUNT_WIDTHS), rowHeights=heights, repeatRows=1)
    table.setStyle(_COUNT_STYLE)
    table.spaceAfter = 6
    return table


def _election(election: ElectionMinutes, number: int, makers: CountCells) -> list[Flowable]:
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
            flow.append(count_table(rnd.rows, makers))
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
    for title, text in (
        ("Báo cáo tổng kết phong trào thi đua", data.report_summary),
        ("Thảo luận", data.discussion),
    ):
        if text.strip():
            number += 1
            flow += _section(f"{number}. {title}", text)
    makers = count_cells()  # a unit's name and row number recur in every round: one cell each
    for election in data.elections:
        number += 1
        flow += _election(election, number, makers)
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
    if data.emulation is not None:
        number += 1
        flow += summary_section(data.emulation, number)
    if data.audit_head:
        flow.append(
            Paragraph(
                f"Nhật ký hệ thống khi lập biên bản có {data.audit_count} mục, mã băm mục cuối (SHA-256): "
                f"{data.audit_head}. Mọi sửa, xóa hoặc viết lại nhật ký trước thời điểm này đều bị phát "
                "hiện khi đối chiếu với mã băm trên.",
                STYLES["body"],
            )
        )
    # the directing leader speaks last: the conclusions close the content, after the record's anchors
    if data.conclusions.strip():
        flow += _section(f"{number + 1}. Kết luận của đồng chí chỉ đạo hội nghị", data.conclusions)
    return flow


def _section(title: str, text: str) -> list[Flowable]:
    """Return a numbered heading and the paragraphs the secretary typed (one per non-empty line)."""
    paragraphs = [p.strip() for p in nfc(text).splitlines() if p.strip()]
    return [Paragraph(title, STYLES["heading"]), *(Paragraph(t(p), STYLES["body"]) for p in paragraphs)]


def _closing(data: ConferenceMinutes, sink: list[SignatureSpot]) -> list[Flowable]:
    """Return the approval and closing lines, the signatures and the recipients."""
    body = STYLES["body"]
    present = len(data.units_present)
    approval = (
        f"Biên bản đã được đọc lại trước hội nghị và được {data.approvals}/{present} đơn vị "
        f"có mặt ({format_percent(data.approvals, present)}%) biểu quyết thông qua. "
        f"Không đồng ý: {data.disagreed} đơn vị; không biểu quyết: {data.abstained} đơn vị."
        if data.approvals is not None
        else f"Biên bản đã được đọc lại trước hội nghị và được …/{present} đơn vị có mặt "
        "biểu quyết thông qua."
    )
    blocks = [
        SignatureBlock(SECRETARY_FIELD, ["THƯ KÝ"], data.secretary_name),
        SignatureBlock(CHAIR_FIELD, ["CHỦ TỌA"], data.chair_name),
    ]
    ended = Paragraph(f"Hội nghị kết thúc vào {t(format_clock(data.ended_at))}.", body)
    overrun = (
        [Paragraph(f"Hội nghị diễn ra trong hai ngày. Lý do: {sentence(data.overrun_reason)}", body)]
        if data.overrun_reason
        else []
    )
    return [closing([Paragraph(approval, body), *overrun, ended], [blocks], data.recipients, sink)]


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
        heading=data,
        subject=data.subject,
        footer=Footer(data.number, data.version, data.verify_url, is_draft=data.is_draft),
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


def conference_minutes_text(data: ConferenceMinutes) -> list[str]:
    """Return the minutes' text paragraph by paragraph, as the PDF prints it (the read-aloud page)."""
    return plain_text(list(_flowables(data, [])))
