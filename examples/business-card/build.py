#!/usr/bin/env python3
"""Builds business-card.xlsx from csv/*.csv (one sheet per file) through LibreOffice.

    python3 build.py   # needs soffice (apt-get install libreoffice-calc-nogui)

The csv/ folder itself is also a valid content source: `corebot check csv/`.
"""
import csv
import os
import subprocess
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


def main():
    parts = [f'<?xml version="1.0" encoding="UTF-8"?><office:document {NS} office:version="1.2" '
             'office:mimetype="application/vnd.oasis.opendocument.spreadsheet">'
             '<office:body><office:spreadsheet>']
    for name in ORDER:
        with open(os.path.join(HERE, 'csv', name + '.csv'), newline='', encoding='utf-8') as f:
            rows = list(csv.reader(f))
        parts.append(f'<table:table table:name="{name}">')
        for row in rows:
            parts.append('<table:table-row>' + ''.join(cell(c) for c in row) + '</table:table-row>')
        parts.append('</table:table>')
    parts.append('</office:spreadsheet></office:body></office:document>')
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'business-card.fods')
        with open(src, 'w', encoding='utf-8') as f:
            f.write('\n'.join(parts))
        subprocess.run(['soffice', '--headless', '--norestore', '--convert-to', 'xlsx',
                        '--outdir', HERE, src], check=True, env={**os.environ, 'HOME': tmp})


if __name__ == '__main__':
    main()
