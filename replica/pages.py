"""Page pieces every county renderer of the replica shares: an HTML page with its headers and
ground truth, the 上一条/下一条 neighbours, the report body, and attachments."""

from __future__ import annotations

from datetime import datetime
from html import escape
from urllib.parse import quote

from replica.departments import UnitKind, unit_kind, unit_name
from replica.departments import report_title as unit_report_title
from replica.files import Page, last_modified
from replica.model import BUILT_LOCAL, Article, Attachment, Column, Site
from replica.texts import Table


def html_page(path: str, html: str, truth: dict, *, encoding: str = "utf-8", http_charset: bool = True,
               modified: datetime | None = None) -> Page:
    if encoding == "utf-8":
        ctype = "text/html; charset=utf-8"
    else:
        ctype = "text/html; charset=gb2312" if http_charset else "text/html"
    base = {"path": path, "listed": True, "disallowed": path.startswith("/nbgl/"), "encoding": encoding}
    return Page(path, html.encode(encoding), ctype, encoding == "utf-8" or http_charset,
                last_modified(modified or BUILT_LOCAL), base | truth)


def chain_neighbours(site: Site, column: Column):
    """Each article of ``column`` with the ids its 上一条/下一条 links point at (None at the ends;
    an article taken out of the chain links nowhere and is skipped by its neighbours)."""
    linked = [aid for aid in column.chain if site.articles[aid].chained]
    for aid in column.chain:
        position = linked.index(aid) if aid in linked else None
        prev_id = linked[position - 1] if position else None
        next_id = linked[position + 1] if position is not None and position + 1 < len(linked) else None
        yield site.articles[aid], prev_id, next_id


def report_title(article: Article) -> str:
    return unit_report_title(article.unit, article.year)


def visible_title(article: Article) -> str:
    """The title an rs.gov.cn article shows: the unit (向家镇, 仁寿县民政局); for the county
    government, whose name is the site's own, the report title."""
    if unit_kind(article.unit) == UnitKind.GOVERNMENT:
        return report_title(article)
    return article.unit.name


def unit_truth(article: Article) -> dict:
    """Who reports, for the ground truth: ``unit`` as the report names it, ``unit_kind``, and
    ``township`` for townships and subdistricts only."""
    kind = unit_kind(article.unit)
    local = kind in (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT)
    return {"unit": unit_name(article.unit), "unit_kind": str(kind),
            "township": article.unit.name if local else None}


def render_blocks(blocks) -> str:
    out = []
    for index, block in enumerate(blocks):
        if isinstance(block, Table):
            out.append(_table(block))
        elif index == 0:
            out.append(f'<p style="text-align:center"><strong>{escape(block.text)}</strong></p><p>&nbsp;</p>')
        elif block.heading:
            out.append(f"<p><strong>{escape(block.text)}</strong></p>")
        else:
            out.append(f"<p>{escape(block.text)}</p>")
    return "".join(out)


def _table(table: Table) -> str:
    rows = []
    for row in table.rows:
        cells: list[list] = []
        for cell in row:
            if cell == "" and cells:
                cells[-1][1] += 1
            else:
                cells.append([cell, 1])
        tds = "".join(
            f'<td colspan="{span}" valign="center">{escape(text)}</td>'
            if span > 1 else f'<td valign="center">{escape(text)}</td>'
            for text, span in cells
        )
        rows.append(f"<tr>{tds}</tr>")
    return f'<table border="1" cellspacing="0" cellpadding="0" width="100%"><tbody>{"".join(rows)}</tbody></table>'


def attachment_page(article: Article, attachment: Attachment) -> Page:
    if attachment.kind == "pdf":
        body, ctype = tiny_pdf(f"{article.unit.name} {article.year} report"), "application/pdf"
    else:
        body, ctype = tiny_xls(article), "application/vnd.ms-excel"
    disposition = f"attachment; filename*=UTF-8''{quote(attachment.name)}"
    truth = {"path": attachment.path, "kind": "attachment", "listed": article.listed, "disallowed": False,
             "encoding": None, "article_id": article.id}
    return Page(attachment.path, body, ctype, False, last_modified(article.published), truth, disposition)


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def tiny_xls(article: Article) -> bytes:
    """An Excel 2003 XML workbook (opens in Excel and WPS as .xls) with the headline figures."""
    f = article.figures
    rows = (("指标", "数量"), ("主动公开信息", f.active_total), ("网站公开", f.website_total),
            ("回应群众事件", f.responses))
    cells = "".join(
        "<Row>" + "".join(f'<Cell><Data ss:Type="{"Number" if isinstance(v, int) else "String"}">{v}</Data></Cell>'
                          for v in row) + "</Row>"
        for row in rows
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        f'<Worksheet ss:Name="{article.year}"><Table>{cells}</Table></Worksheet></Workbook>\n'
    ).encode("utf-8")
