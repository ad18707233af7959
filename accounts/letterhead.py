"""The letter template of a service (ГОСТ Р 7.0.97-2016), a DOCX file with docxtpl tags.

The default template is built here with python-docx: A4, margins 25/10/20/20 mm, Times New Roman (Word on
Windows has it), language ru-RU, the letterhead block and the date and outgoing number on the left, the addressee
block on the right, a title «О …» above the text, the text, the signature block «Должность — подпись —
И. О. Фамилия» on tab stops, the executor and phone at the foot, page numbers in the header from page two.

A service may replace it with its own DOCX (its letterhead, its logo): Настройки службы → Шаблон письма. An
uploaded template is text a user wrote, so it is rendered in Jinja's sandbox with autoescaping and given only
plain strings and lists (no model objects, nothing to walk from); one that does not render a sample letter is
refused when it is uploaded. The files directory holds it, so backups carry it.
"""

import functools
import io
import re
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from audit import log
from lib.errors import ActionError
from lib.uploads import accept

FONT = "Times New Roman"
TEMPLATE_LIMIT = 5 * 1024 * 1024


def initials_first(name):
    """«Соколова Елена Андреевна» or «Соколова Е. А.» → «Е. А. Соколова», as a signature is written."""
    parts = (name or "").replace(".", ". ").split()
    if not parts:
        return ""
    if len(parts) > 1 and all(re.fullmatch(r"\w\.", p) for p in parts[:-1]):
        return " ".join(parts)  # already «И. О. Фамилия»
    surname, rest = parts[0], parts[1:]
    if not rest:
        return surname
    if all(re.fullmatch(r"\w\.", p) for p in rest):
        return " ".join([*rest, surname])
    return " ".join([*(p[0] + "." for p in rest[:2]), surname])


# --- the default template -----------------------------------------------------------------------------------


def _lang_and_font(doc):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for tag in ("w:lang", "w:rFonts"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    rpr.insert(0, fonts)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "ru-RU")
    lang.set(qn("w:eastAsia"), "ru-RU")
    lang.set(qn("w:bidi"), "ar-SA")
    rpr.append(lang)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:cs"), FONT)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0


def _no_borders(table):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    table._tbl.tblPr.append(borders)


def _page_number(paragraph):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


def _line(cell_or_doc, text, *, bold=False, size=None, align=None, first=False, indent=None):
    from docx.shared import Pt

    paragraph = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    if indent is not None:
        paragraph.paragraph_format.first_line_indent = indent
    return paragraph


@functools.cache
def default_template():
    """The default letter template (DOCX bytes) with docxtpl tags."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.shared import Cm

    doc = Document()
    _lang_and_font(doc)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.5), Cm(1)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(number)

    head = doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.LEFT
    _no_borders(head)
    left, right = head.rows[0].cells
    left.width, right.width = Cm(9), Cm(8.5)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    _line(left, "{{ service_name }}", bold=True, size=12, align=centre, first=True)
    _line(left, "{{ service_address }}", size=10, align=centre)
    _line(left, "{{ service_contacts }}", size=10, align=centre)
    _line(left, "", size=10)
    _line(left, "{{ letter_date }} № {{ letter_number }}", size=12)
    _line(left, "{{ reference }}", size=12)
    _line(right, "{{ addressee_name }}", first=True)
    _line(right, "{{ addressee_address }}", size=12)

    doc.add_paragraph()
    _line(doc, "{{ title }}", bold=True)
    doc.add_paragraph()
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    _line(doc, "{{ intro }}", align=justify, indent=Cm(1.25))
    doc.add_paragraph()

    results = doc.add_table(rows=2, cols=2)
    results.style = "Table Grid"
    results.rows[0].cells[0].text = "{%tr for row in rows %}"
    label, value = results.rows[1].cells
    label.width, value.width = Cm(6), Cm(11.5)
    _line(label, "{{ row.label }}", size=12, first=True)
    _line(value, "{{ row.value }}", size=12, first=True)
    end = results.add_row()
    end.cells[0].text = "{%tr endfor %}"

    doc.add_paragraph()
    _line(doc, "{%p for paragraph in summary %}")
    _line(doc, "{{ paragraph }}", align=justify, indent=Cm(1.25))
    _line(doc, "{%p endfor %}")
    _line(doc, "{%p if agreement_intro %}")
    _line(doc, "{{ agreement_intro }}", align=justify, indent=Cm(1.25))
    _line(doc, "{%p endif %}")
    _line(doc, "{%p for item in items %}")
    _line(doc, "{{ item }}", align=justify, indent=Cm(1.25))
    _line(doc, "{%p endfor %}")

    doc.add_paragraph()
    doc.add_paragraph()
    sign = doc.add_paragraph()
    stops = sign.paragraph_format.tab_stops
    stops.add_tab_stop(Cm(9.5), WD_TAB_ALIGNMENT.CENTER)
    stops.add_tab_stop(Cm(17.5), WD_TAB_ALIGNMENT.RIGHT)
    sign.add_run("{{ signer_position }}\t{{ signature_space }}\t{{ signer_name }}")

    for _n in range(4):
        doc.add_paragraph()
    _line(doc, "{{ executor_name }}", size=10)
    _line(doc, "{{ executor_phone }}", size=10)

    props = doc.core_properties
    props.author, props.last_modified_by, props.language = "{{ service_name }}", "{{ service_name }}", "ru-RU"
    props.title = "{{ title }}"
    props.comments = ""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- the service's own template -----------------------------------------------------------------------------


def template_path(service):
    return Path(settings.OPENDOOR_FILES_DIR) / "letter-templates" / f"service-{service.pk}.docx"


def template_for(service):
    path = template_path(service)
    return path.read_bytes() if path.is_file() else default_template()


def render(template, context):
    """The letter from `template` (DOCX bytes) and a context of plain strings and lists, in Jinja's sandbox."""
    from docxtpl import DocxTemplate

    document = DocxTemplate(io.BytesIO(template))
    document.render(context, jinja_env=SandboxedEnvironment(), autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def sample_context():
    return {key: key for key in ("service_name", "service_address", "service_contacts", "letter_date",
                                  "letter_number", "reference", "addressee_name", "addressee_address", "title",
                                  "intro", "agreement_intro", "signer_position", "signature_space",
                                  "signer_name", "executor_name", "executor_phone")} | {
        "rows": [{"label": "label", "value": "value"}], "summary": ["summary"], "items": ["item"]}


def save_template(service, upload, *, actor):
    """Keep a service's own letter template after rendering a sample letter with it; audited."""
    data, file_type = accept(upload, {"docx"})
    if file_type != "docx" or len(data) > TEMPLATE_LIMIT:
        raise ActionError(_("The template must be a DOCX file of at most 5 MB."))
    try:
        render(data, sample_context())
    except SecurityError:
        raise ActionError(_("The template cannot be filled in: it asks for something a letter may not use.")) from None
    except TemplateSyntaxError as error:
        raise ActionError(_("The template cannot be filled in: a field in braces is not closed or is misspelt "
                            "(%(error)s).") % {"error": error.message}) from None
    except Exception:  # a damaged file, an unknown filter  # noqa: BLE001
        raise ActionError(_("The template cannot be filled in: the file is damaged or is not a Word document.")) \
            from None
    path = template_path(service)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    log.record(actor, "service.letter_template", service, fields=["letter_template"])


def reset_template(service, *, actor):
    template_path(service).unlink(missing_ok=True)
    log.record(actor, "service.letter_template.reset", service, fields=["letter_template"])
