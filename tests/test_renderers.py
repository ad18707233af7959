"""The fast form renderer writes the same HTML as Django's widget templates."""

import re

from django import forms
from django.forms.renderers import DjangoTemplates

from lib.renderers import FastRenderer


class Sample(forms.Form):
    name = forms.CharField(max_length=20, initial='a "quoted" <b>', required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.IntegerField(min_value=0)
    hidden = forms.CharField(widget=forms.HiddenInput, initial="x&y")
    kind = forms.ChoiceField(choices=[("", "—"), ("a", "Первый <вид>"), ("Группа", [("b", "B & C"), ("c", "C")])],
                             initial="b")
    many = forms.MultipleChoiceField(choices=[("1", "один"), ("2", "два")], initial=["2"], required=False)


def normalised(html):
    return re.sub(r">\s+<", "><", str(html)).strip()


def test_the_fast_renderer_matches_djangos_templates():
    for name in ("name", "day", "count", "hidden", "kind", "many"):
        slow = Sample(renderer=DjangoTemplates())[name]
        fast = Sample(renderer=FastRenderer())[name]
        assert normalised(fast.as_widget()) == normalised(slow.as_widget()), name
    bound = {"name": "<script>", "day": "2026-01-01", "count": "3", "hidden": "", "kind": "c", "many": ["1"]}
    for name in bound:
        slow = Sample(bound, renderer=DjangoTemplates())[name]
        fast = Sample(bound, renderer=FastRenderer())[name]
        assert normalised(fast.as_widget()) == normalised(slow.as_widget()), name
