"""Build the Biên bản kiểm phiếu of one election."""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable, Paragraph

from voting.documents.minutes_data import CountingMinutes
from voting.documents.pdf.closing import SignatureBlock, closing
from voting.documents.pdf.conference import count_table
from voting.documents.pdf.layout import STYLES, BuiltPdf, Footer, SignatureSpot, header, render, sentence, t
from voting.formatting import format_clock

#: the one signature field of the counting minutes
HEAD_FIELD = "truong_ban"


def _committee(data: CountingMinutes) -> list[Flowable]:
    body, item = STYLES["body"], STYLES["item"]
    if not data.committee:
        return [
            Paragraph(
                "Kiểm phiếu: hệ thống bỏ phiếu điện tử kiểm phiếu tự động ngay khi vòng bầu "
                "kết thúc; chủ tọa công bố kết quả.",
                body,
            )
        ]
    flow: list[Flowable] = [Paragraph("Ban kiểm phiếu gồm:", body)]
    for i, member in enumerate(data.committee, 1):
        role = "Trưởng ban" if member.is_head else "Thành viên"
        title = f", {t(member.title)}" if member.title else ""
        flow.append(Paragraph(f"{i}. {t(member.name)}{title} – {role};", STYLES["item"] if item else body))
    return flow


def _rounds(data: CountingMinutes) -> list[Flowable]:
    body = STYLES["body"]
    flow: list[Flowable] = []
    for rnd in data.election.rounds:
        label = f"Vòng {rnd.number}" + (" (bầu lại)" if rnd.number > 1 else "")
        flow += [CondPageBreak(120), Paragraph(f"<i>{label}</i>", STYLES["heading"])]
        if rnd.ballot_form:
            flow.append(Paragraph(f"Hình thức biểu quyết: {sentence(rnd.ballot_form)}", body))
        if rnd.is_counted:
            flow.append(
                Paragraph(
                    f"Số phiếu phát ra: {rnd.issued}; số phiếu thu vào: {rnd.returned}; "
                    f"số phiếu hợp lệ: {rnd.valid}; số phiếu không hợp lệ: {rnd.invalid}; "
                    f"phiếu trống: {rnd.blank}.",
                    body,
                )
            )
        if rnd.voided_reason:
            flow.append(Paragraph(f"Vòng bầu này đã bị hủy: {sentence(rnd.voided_reason)}", body))
        if rnd.rows:
            flow.append(count_table(rnd.rows))
        if rnd.decision.strip():
            flow.append(Paragraph(sentence(rnd.decision), body))
    return flow


def build_counting_minutes(data: CountingMinutes) -> BuiltPdf:
    """Render the Biên bản kiểm phiếu of *data* with the position of its signature space."""
    body = STYLES["body"]
    election = data.election
    subject = f"Kiểm phiếu bầu đơn vị {election.office} năm {election.term_year}"
    sink: list[SignatureSpot] = []
    office = t(election.office)
    result = (
        f"Đơn vị trúng cử {office} năm {election.term_year}: {sentence(election.elected_unit)}"
        if election.elected_unit
        else f"Không có đơn vị trúng cử {office}."
    )
    flow: list[Flowable] = [
        header(data),
        Paragraph("BIÊN BẢN", STYLES["title"]),
        Paragraph(t(subject), STYLES["subject"]),
        Paragraph(f"Tại {t(data.conference_title)}, địa điểm: {sentence(data.place)}", body),
        *_committee(data),
        Paragraph("Quy định bầu cử áp dụng:", body),
        *[Paragraph(f"- {sentence(rule)}", body) for rule in data.rules],
        Paragraph("KẾT QUẢ KIỂM PHIẾU", STYLES["heading"]),
        *_rounds(data),
        *([Paragraph(sentence(election.decision_note), body)] if election.decision_note else []),
        Paragraph(f"<b>{result}</b>", body),
    ]
    adopted = Paragraph(
        f"Kết quả được chủ tọa chứng nhận và hội nghị thông qua vào {t(format_clock(data.adopted_at))}.", body
    )
    block = SignatureBlock(HEAD_FIELD, data.signer_authority, data.signer_name)
    flow.append(closing([adopted], [[block]], data.recipients, sink))
    return render(
        flow,
        title=f"Biên bản kiểm phiếu bầu {election.office} số {data.number}",
        heading=data,
        subject=subject,
        footer=Footer(data.number, data.version, data.verify_url),
        sink=sink,
    )
