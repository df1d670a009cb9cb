#!/usr/bin/env python3
"""Builds <example>/<example>.xlsx from <example>/csv/*.csv (one sheet per file) via LibreOffice.

    python3 examples/build.py faq leadgen   # needs soffice (libreoffice-calc-nogui)

Sheets keep the order Settings, Pages, Texts, Admins, Forms, then any others by name.
"""
import csv
import os
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


def build(name):
    folder = os.path.join(HERE, name)
    sheets = sorted(f[:-4] for f in os.listdir(os.path.join(folder, 'csv')) if f.endswith('.csv'))
    sheets.sort(key=lambda s: (ORDER.index(s) if s in ORDER else len(ORDER), s))
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
