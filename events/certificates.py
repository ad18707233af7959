"""Certificate PDFs: the organiser's plain text with placeholders (events/certificate_text.py) on a fixed page with
a QR code that points to the public verification page."""

from urllib.parse import unquote

import segno
from django.template.loader import render_to_string
from django.urls import reverse

from accounts import site
from accounts.letterhead import initials_first
from lib.pdf import font_configuration, html_to_pdf  # noqa: F401 (the batch task takes it from here)

from . import certificate_text


def verify_url(certificate):
    return f"{site.base_url()}{reverse('verify_code', args=[certificate.number, certificate.check_code])}"


def values(certificate):
    registration = certificate.registration
    event = registration.event
    return {
        "number": certificate.number, "holder": registration.full_name, "position": registration.position,
        "agency": registration.agency_label, "event": event.title, "dates": event.dates,
        "hours": certificate.hours or "",
    }


def certificate_html(certificate, service=None):
    # The organiser's text is never a template: placeholders are replaced by escaped plain strings.
    body = certificate_text.to_html(certificate.registration.event.certificate_template, values(certificate))
    qr = segno.make(verify_url(certificate), error="m").svg_data_uri(scale=4)
    return render_to_string("events/certificate.html", {
        "body": body, "qr": qr, "url": unquote(verify_url(certificate)), "certificate": certificate,
        "service": service, "signer_name": initials_first(service.head_name) if service else "",
    })


def certificate_pdf(certificate, service=None, font_config=None):
    return html_to_pdf(certificate_html(certificate, service), font_config=font_config)


def write_pdf(certificate, service=None, font_config=None):
    certificate.path.parent.mkdir(parents=True, exist_ok=True)
    certificate.path.write_bytes(certificate_pdf(certificate, service, font_config))
