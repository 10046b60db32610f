"""The render_field macro lays out every kind of field the forms use, with its errors."""

from __future__ import annotations

import re

from flask import Flask, render_template_string
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField

MACRO = '{% from "_macros/forms.html" import render_field %}'


class SampleForm(FlaskForm):
    """One field of each kind (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    method = RadioField("Cách quyết định", choices=[("consensus", "Hiệp thương"), ("lots", "Bốc thăm")])
    unit = SelectField("Đơn vị", choices=[("", ""), ("3", "Phòng Hậu cần")])
    on_paper = BooleanField("Bỏ phiếu bằng phiếu giấy")
    reason = StringField("Lý do")


def render(app: Flask, source: str) -> str:
    """Render *source* with a SampleForm holding data, its radio group carrying an error."""
    with app.test_request_context("/"):
        form = SampleForm(formdata=None, data={"method": "lots", "unit": "3", "on_paper": True})
        form.method.errors = ["Bốc thăm cần ghi người chứng kiến."]
        return render_template_string(MACRO + source, form=form)


def test_radios_are_a_fieldset_with_one_label_per_choice(app: Flask) -> None:
    html = render(app, '{{ render_field(form.method, id="method-leader") }}')
    assert re.match(
        r'\s*<fieldset class="field has-error" id="method-leader">\s*<legend>Cách quyết định</legend>', html
    )
    assert '<label for="method-leader"' not in html  # no label pointing at the group
    for index, (value, label) in enumerate([("consensus", "Hiệp thương"), ("lots", "Bốc thăm")]):
        option = re.search(rf'<label class="check"><input ([^>]*)> {label}</label>', html)
        assert option, html
        assert f'id="method-leader-{index}"' in option.group(1) and f'value="{value}"' in option.group(1)
    assert 'checked id="method-leader-1"' in html
    assert '<p class="error" role="alert">Bốc thăm cần ghi người chứng kiến.</p>\n  </fieldset>' in html


def test_a_select_keeps_its_label_and_choice_under_another_id(app: Flask) -> None:
    html = render(app, '{{ render_field(form.unit, id="unit-leader", label="Đơn vị (hiệp thương)") }}')
    assert '<label for="unit-leader">Đơn vị (hiệp thương)</label>' in html
    assert '<select id="unit-leader" name="unit">' in html and '<option selected value="3">' in html
    assert "has-error" not in html


def test_a_checkbox_sits_inside_its_label(app: Flask) -> None:
    html = render(app, '{{ render_field(form.on_paper, id="on_paper-leader") }}')
    checkbox = '<input checked id="on_paper-leader" name="on_paper" type="checkbox" value="y">'
    assert f'<label class="check">{checkbox} Bỏ phiếu bằng phiếu giấy</label>' in html, html


def test_other_fields_keep_their_markup(app: Flask) -> None:
    html = render(app, '{{ render_field(form.reason, hint="Ít nhất 5 ký tự", minlength=5) }}')
    assert '<label for="reason">Lý do</label>' in html
    assert '<input id="reason" minlength="5" name="reason" type="text" value="">' in html
    assert '<small class="hint">Ít nhất 5 ký tự</small>' in html
