#!/usr/bin/env python3
"""Builds <example>/<example>.xlsx from <example>/csv/*.csv (one sheet per file) via LibreOffice.

    python3 examples/build.py faq leadgen   # with soffice (libreoffice-calc-nogui) when installed

Without soffice the workbook is written directly (plain cells, shared strings), which is all the
bot reads.

Sheets keep the order Settings, Pages, Texts, Admins, Forms, then any others by name.
"""
import csv
import os
import shutil
import subprocess
import sys
import tempfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
ORDER = ['Settings', 'Pages', 'Texts', 'Admins', 'Forms']
NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def cell(v):
    if not v:
        return '<table:table-cell/>'
    paras = ''.join(f'<text:p>{escape(p)}</text:p>' for p in v.split('\n'))
    return f'<table:table-cell office:value-type="string">{paras}</table:table-cell>'


def column_name(index):
    name = ''
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord('A') + rest) + name
    return name


def write_xlsx(path, sheets):
    """A minimal XLSX: one worksheet per (name, rows), every cell a shared string."""
    import zipfile
    strings, index = [], {}

    def ref(value):
        if value not in index:
            index[value] = len(strings)
            strings.append(value)
        return index[value]

    worksheets = []
    for _, rows in sheets:
        xml_rows = []
        for r, row in enumerate(rows, 1):
            cells = ''.join(f'<c r="{column_name(c)}{r}" t="s"><v>{ref(v)}</v></c>'
                            for c, v in enumerate(row) if v)
            xml_rows.append(f'<row r="{r}">{cells}</row>')
        worksheets.append('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                          f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(xml_rows)}'
                          '</sheetData></worksheet>')
    shared = ''.join(f'<si><t xml:space="preserve">{escape(v)}</t></si>' for v in strings)
    n = len(sheets)
    files = {
        '[Content_Types].xml':
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' +
            ''.join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                    for i in range(1, n + 1)) + '</Types>',
        '_rels/.rels':
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{PKG_RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        'xl/workbook.xml':
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>' +
            ''.join(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                    for i, (name, _) in enumerate(sheets, 1)) + '</sheets></workbook>',
        'xl/_rels/workbook.xml.rels':
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{PKG_RELS}">' +
            ''.join(f'<Relationship Id="rId{i}" Type="{DOC_RELS}/worksheet" '
                    f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1)) +
            f'<Relationship Id="rId{n + 1}" Type="{DOC_RELS}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>',
        'xl/sharedStrings.xml':
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>',
    }
    for i, xml in enumerate(worksheets, 1):
        files[f'xl/worksheets/sheet{i}.xml'] = xml
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)


MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
PKG_RELS = 'http://schemas.openxmlformats.org/package/2006/relationships'
DOC_RELS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'


def build(name):
    folder = os.path.join(HERE, name)
    sheets = sorted(f[:-4] for f in os.listdir(os.path.join(folder, 'csv')) if f.endswith('.csv'))
    sheets.sort(key=lambda s: (ORDER.index(s) if s in ORDER else len(ORDER), s))
    if not shutil.which('soffice'):
        tables = []
        for sheet in sheets:
            with open(os.path.join(folder, 'csv', sheet + '.csv'), newline='',
                      encoding='utf-8') as f:
                tables.append((sheet, list(csv.reader(f))))
        write_xlsx(os.path.join(folder, name + '.xlsx'), tables)
        return
    parts = [f'<?xml version="1.0" encoding="UTF-8"?><office:document {NS} office:version="1.2" '
             'office:mimetype="application/vnd.oasis.opendocument.spreadsheet">'
             '<office:body><office:spreadsheet>']
    for sheet in sheets:
        with open(os.path.join(folder, 'csv', sheet + '.csv'), newline='', encoding='utf-8') as f:
            rows = list(csv.reader(f))
        parts.append(f'<table:table table:name="{sheet}">')
        for row in rows:
            parts.append('<table:table-row>' + ''.join(cell(c) for c in row) + '</table:table-row>')
        parts.append('</table:table>')
    parts.append('</office:spreadsheet></office:body></office:document>')
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, name + '.fods')
        with open(src, 'w', encoding='utf-8') as f:
            f.write('\n'.join(parts))
        subprocess.run(['soffice', '--headless', '--norestore', '--convert-to', 'xlsx',
                        '--outdir', folder, src], check=True, env={**os.environ, 'HOME': tmp})


if __name__ == '__main__':
    for example in sys.argv[1:] or ['faq', 'leadgen']:
        build(example)
