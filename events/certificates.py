"""Certificate PDFs: the organiser's text (a small template over plain values) on a fixed page with a QR code
that points to the public verification page."""

from urllib.parse import unquote

import segno
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse


def verify_url(number):
    return f"{settings.OPENDOOR_BASE_URL}{reverse('verify', args=[number])}"


def values(certificate):
    registration = certificate.registration
    event = registration.event
    return {
        "number": certificate.number, "holder": registration.full_name, "position": registration.position,
        "agency": registration.agency_label, "event": event.title, "dates": event.dates,
        "hours": certificate.hours or "",
    }


def certificate_html(certificate, service=None):
    # The organiser's template sees plain strings only, never model objects.
    body = Template(certificate.registration.event.certificate_template).render(Context(values(certificate)))
    qr = segno.make(verify_url(certificate.number), error="m").svg_data_uri(scale=4)
    return render_to_string("events/certificate.html", {
        "body": body, "qr": qr, "url": unquote(verify_url(certificate.number)), "certificate": certificate,
        "service": service,
    })


def certificate_pdf(certificate, service=None, font_config=None):
    from weasyprint import HTML

    return HTML(string=certificate_html(certificate, service)).write_pdf(font_config=font_config)


def font_configuration():
    """One font configuration for a whole batch: a new one per document keeps ~0.2 MB of Pango font maps
    alive each time, so a batch of thousands would grow without bound."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def write_pdf(certificate, service=None, font_config=None):
    certificate.path.parent.mkdir(parents=True, exist_ok=True)
    certificate.path.write_bytes(certificate_pdf(certificate, service, font_config))
