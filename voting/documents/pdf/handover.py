"""Build the Biên bản bàn giao cờ luân lưu."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from voting.documents.minutes_data import HandoverDocument
from voting.documents.pdf.closing import SignatureBlock, closing
from voting.documents.pdf.layout import STYLES, BuiltPdf, Footer, SignatureSpot, header, render, sentence, t
from voting.formatting import format_clock

#: the signature fields, in signing order: the giver certifies, the receiver, then the chair as witness
GIVER_FIELD, RECEIVER_FIELD, WITNESS_FIELD = "ben_giao", "ben_nhan", "chung_kien"


def build_handover_minutes(data: HandoverDocument) -> BuiltPdf:
    """Render the Biên bản bàn giao cờ luân lưu of *data* with the positions of its signature spaces."""
    body, item = STYLES["body"], STYLES["item"]
    h = data.handover
    subject = f"Bàn giao cờ luân lưu của {data.cluster_name}"
    sink: list[SignatureSpot] = []
    witnesses = [w.strip() for w in h.witnesses.splitlines() if w.strip()]
    flow: list[Flowable] = [
        header(data),
        Paragraph("BIÊN BẢN", STYLES["title"]),
        Paragraph(t(subject), STYLES["subject"]),
        Paragraph(f"Vào hồi {t(format_clock(h.handed_over_at))}, tại {sentence(data.place)}", body),
        Paragraph(f"Trong khuôn khổ {t(data.conference_title)}, chúng tôi gồm:", body),
        Paragraph("<b>1. Bên giao (đơn vị Cụm trưởng năm trước):</b>", body),
        Paragraph(f"- Đơn vị: {sentence(h.from_unit)}", item),
        Paragraph(f"- Đại diện: {t(h.giver_name)}, chức vụ: {sentence(h.giver_title)}", item),
        Paragraph(f"<b>2. Bên nhận (đơn vị Cụm trưởng năm {data.term_year}):</b>", body),
        Paragraph(f"- Đơn vị: {sentence(h.to_unit)}", item),
        Paragraph(f"- Đại diện: {t(h.receiver_name)}, chức vụ: {sentence(h.receiver_title)}", item),
        Paragraph("<b>3. Chứng kiến:</b>", body),
        *[Paragraph(f"- {sentence(w)}", item) for w in witnesses],
        Paragraph(f"- Chủ tọa hội nghị: {t(data.chair_name)}, {sentence(data.chair_title)}", item),
        Paragraph("Hai bên đã tiến hành bàn giao như sau:", body),
        Paragraph(
            f"- Cờ luân lưu của {t(data.cluster_name)}. Tình trạng: {sentence(h.flag_condition)}", body
        ),
        Paragraph(
            f"- Hồ sơ, tài liệu bàn giao kèm theo: {sentence(h.files_handed_over or 'không có')}", body
        ),
    ]
    handed = Paragraph(
        f"Kể từ thời điểm trên, {t(h.to_unit)} chịu trách nhiệm giữ gìn cờ luân lưu của Cụm trong năm "
        f"{data.term_year}. Biên bản được lập thành bản điện tử có chữ ký số của hai bên và người "
        "chứng kiến; các bên đã đọc lại và thống nhất ký tên.",
        body,
    )
    blocks = [
        [
            SignatureBlock(GIVER_FIELD, ["ĐẠI DIỆN BÊN GIAO"], h.giver_name),
            SignatureBlock(RECEIVER_FIELD, ["ĐẠI DIỆN BÊN NHẬN"], h.receiver_name),
        ],
        [SignatureBlock(WITNESS_FIELD, ["CHỨNG KIẾN", "CHỦ TỌA HỘI NGHỊ"], data.chair_name)],
    ]
    flow.append(closing([handed], blocks, data.recipients, sink))
    return render(
        flow,
        title=f"Biên bản bàn giao cờ luân lưu {data.cluster_name} số {data.number}",
        heading=data,
        subject=subject,
        footer=Footer(data.number, data.version, data.verify_url),
        sink=sink,
    )
