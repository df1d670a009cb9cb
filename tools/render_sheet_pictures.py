#!/usr/bin/env python3
"""Draws the pictures of docs/spreadsheet-format.md: one PNG per sheet of an example workbook.

    python3 tools/render_sheet_pictures.py            # from any directory

Needs Python 3 (standard library only), Chromium (`chromium`, or set CHROMIUM=/path/to/it;
Debian: apt-get install chromium) and the DejaVu Sans font (fonts-dejavu-core) for the same
look. Documentation tooling only: neither CI nor the tests run it. Takes a few seconds.

It reads the cells of examples/business-card/business-card.xlsx (the real workbook, not its CSV
sources), draws each sheet as a spreadsheet window would show it (column letters, row numbers,
grid lines, the sheet tabs with the pictured one selected), cropped to the filled cells plus one
empty row and column, and writes docs/images/sheet-<name>.png (sheet names in lower case). Column
widths are fitted to the text, like an owner who widened them; long lines wrap. Rebuild the
workbook first (examples/business-card/build.py) if you changed its CSV files.

Options: --workbook FILE (another .xlsx), --out DIR, --sheets Pages,Texts (only those sheets).
"""
import argparse
import html
import os
import posixpath
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKBOOK = os.path.join(ROOT, 'examples', 'business-card', 'business-card.xlsx')
OUT = os.path.join(ROOT, 'docs', 'images')

NS = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
      'r': 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
      'rel': 'http://schemas.openxmlformats.org/package/2006/relationships'}
R_ID = '{%s}id' % NS['r']

# ---------------------------------------------------------------------------- reading the xlsx


def col_index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def col_letters(i):
    s = ''
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        s = chr(65 + rem) + s
    return s


def text_of(node):
    """The text of a shared or inline string: all <t> runs, without phonetic (<rPh>) hints."""
    if node is None:
        return ''
    parts = []
    for child in node:
        tag = child.tag.split('}')[1]
        if tag == 't':
            parts.append(child.text or '')
        elif tag == 'r':
            parts.extend(t.text or '' for t in child.findall('m:t', NS))
    return ''.join(parts)


def read_workbook(path):
    """[(sheet name, {(row, col): (text, is_number)})] in tab order, values as the file stores."""
    with zipfile.ZipFile(path) as z:
        wb = ET.fromstring(z.read('xl/workbook.xml'))
        rels = ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))
        targets = {r.get('Id'): r.get('Target') for r in rels.findall('rel:Relationship', NS)}
        shared = []
        if 'xl/sharedStrings.xml' in z.namelist():
            sst = ET.fromstring(z.read('xl/sharedStrings.xml'))
            shared = [text_of(si) for si in sst.findall('m:si', NS)]
        sheets = []
        for sh in wb.findall('m:sheets/m:sheet', NS):
            target = targets[sh.get(R_ID)]
            target = target.lstrip('/') if target.startswith('/') else posixpath.normpath(
                posixpath.join('xl', target))
            root = ET.fromstring(z.read(target))
            cells = {}
            for c in root.iter('{%s}c' % NS['m']):
                m = re.fullmatch(r'([A-Z]+)(\d+)', c.get('r', ''))
                if not m:
                    continue
                kind = c.get('t', 'n')
                v = c.find('m:v', NS)
                if kind == 's':
                    value = shared[int(v.text)] if v is not None else ''
                elif kind == 'inlineStr':
                    value = text_of(c.find('m:is', NS))
                elif kind == 'b':
                    value = 'TRUE' if v is not None and v.text == '1' else 'FALSE'
                else:
                    value = v.text if v is not None and v.text else ''
                    if kind == 'n' and re.fullmatch(r'-?\d+\.0+', value):
                        value = value.split('.')[0]
                if value != '':
                    cells[(int(m.group(2)) - 1, col_index(m.group(1)))] = (value, kind == 'n')
            sheets.append((sh.get('name'), cells))
        return sheets

# ---------------------------------------------------------------------------- drawing as HTML


FONT_PX = 13
MIN_COL, MAX_COL = 64, 440   # column widths in px: fitted to the longest line, then capped

CSS = """
html, body { margin: 0; padding: 0; background: #ff00ff; }
#win { display: inline-block; background: #fff; border: 1px solid #a8a8a8;
       font: %(font)dpx 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; color: #000; }
table { border-collapse: collapse; table-layout: fixed; }
td, th { border: 1px solid #d0d0d0; padding: 2px 5px; overflow: hidden;
         white-space: pre-wrap; overflow-wrap: anywhere; vertical-align: bottom;
         line-height: 17px; text-align: left; }
th { background: #eeeeee; color: #333; font-weight: normal; text-align: center;
     border-color: #c0c0c0; vertical-align: middle; }
td.num { text-align: right; }
td.more, th.more { border-right: none; }
tr.more td { border-bottom: none; height: 17px; }
#tabs { display: flex; align-items: flex-start; background: #eeeeee;
        border-top: 1px solid #c0c0c0; padding: 0 8px 4px 8px; font-size: 12px; }
#tabs span { padding: 3px 12px 4px 12px; color: #444; border: 1px solid transparent;
             border-top: none; }
#tabs span.on { background: #fff; color: #000; font-weight: bold; border-color: #a8a8a8;
                border-radius: 0 0 4px 4px; margin-top: -1px; }
#measure { position: absolute; visibility: hidden; white-space: pre; }
""" % {'font': FONT_PX}

# Fits each data column to its longest line of text (as "optimal column width" does).
FIT_JS = """
const m = document.getElementById('measure');
const rows = Array.from(document.querySelectorAll('tr'));
document.querySelectorAll('col.fit').forEach((col, i) => {
  let w = 0;
  for (const tr of rows) {
    const td = tr.children[i + 1];
    if (!td || td.tagName !== 'TD') continue;
    for (const line of td.textContent.split('\\n')) {
      m.textContent = line;
      w = Math.max(w, m.getBoundingClientRect().width);
    }
  }
  col.style.width = Math.min(%(max)d, Math.max(%(min)d, Math.ceil(w) + 12)) + 'px';
});
""" % {'max': MAX_COL, 'min': MIN_COL}


def sheet_html(name, cells, all_names):
    """cells: {(row, col): (text, is_number)}"""
    rows = max((r for r, _ in cells), default=0) + 1
    cols = max((c for _, c in cells), default=0) + 1
    out = ['<!DOCTYPE html><html><head><meta charset="utf-8"><style>', CSS,
           '</style></head><body><div id="win"><span id="measure"></span><table><colgroup>'
           '<col style="width:40px">']
    out += ['<col class="fit" style="width:%dpx">' % MIN_COL] * cols
    out.append('<col style="width:48px"></colgroup><tr><th></th>')
    out += ['<th>%s</th>' % col_letters(c) for c in range(cols)]
    out.append('<th class="more">%s</th></tr>' % col_letters(cols))
    for r in range(rows + 1):
        extra = r == rows
        out.append('<tr%s><th>%d</th>' % (' class="more"' if extra else '', r + 1))
        for c in range(cols):
            v, num = cells.get((r, c), ('', False))
            out.append('<td%s>%s</td>' % (' class="num"' if num else '', html.escape(v)))
        out.append('<td class="more"></td></tr>')
    out.append('</table><div id="tabs">')
    out += ['<span%s>%s</span>' % (' class="on"' if n == name else '', html.escape(n))
            for n in all_names]
    out.append('</div></div><script>%s</script></body></html>' % FIT_JS)
    return ''.join(out)

# ---------------------------------------------------------------------------- PNG handling


def png_read(path):
    """(width, height, rows of RGB tuples) of an 8-bit RGB/RGBA non-interlaced PNG."""
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', path
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat.append(body)
        pos += 12 + length
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise SystemExit('%s: unexpected PNG format %r' % (path, ihdr))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b''.join(idat))
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    i = 0
    for _ in range(h):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        if f == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif f == 2:
            for x in range(stride):
                line[x] = (line[x] + prev[x]) & 255
        elif f == 3:
            for x in range(stride):
                left = line[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + ((left + prev[x]) >> 1)) & 255
        elif f == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        prev = line
    return w, h, rows


def png_chunk(kind, body):
    return struct.pack('>I', len(body)) + kind + body + struct.pack(
        '>I', zlib.crc32(kind + body) & 0xffffffff)


def png_write_palette(path, rows, max_colours=256):
    """Writes rows of RGB tuples as an 8-bit palette PNG with at most max_colours colours.

    A screenshot of black text on a few plain colours holds about 250 colours (the greys of
    the anti-aliasing), so this is usually lossless; beyond max_colours the rarest colours are
    mapped to the nearest kept one. Under half the size of Chromium's own RGB PNG."""
    counts = {}
    for row in rows:
        for px in row:
            counts[px] = counts.get(px, 0) + 1
    palette = sorted(counts, key=counts.get, reverse=True)[:max_colours]
    index = {px: i for i, px in enumerate(palette)}
    nearest = {}
    for px in counts:
        if px not in index:
            nearest[px] = min(range(len(palette)), key=lambda i: sum(
                (a - b) ** 2 for a, b in zip(px, palette[i])))
    raw = bytearray()
    for row in rows:
        raw.append(0)
        raw.extend(index[px] if px in index else nearest[px] for px in row)
    h, w = len(rows), len(rows[0])
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n')
        f.write(png_chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 3, 0, 0, 0)))
        f.write(png_chunk(b'PLTE', b''.join(bytes(px) for px in palette)))
        f.write(png_chunk(b'IDAT', zlib.compress(bytes(raw), 9)))
        f.write(png_chunk(b'IEND', b''))


def crop(rows, background=(255, 0, 255)):
    """Cuts away the background colour around the drawing."""
    ys = [y for y, row in enumerate(rows) if any(px != background for px in row)]
    if not ys:
        raise SystemExit('the screenshot is empty')
    xs = [x for x in range(len(rows[0])) if any(rows[y][x] != background for y in ys)]
    return [row[xs[0]:xs[-1] + 1] for row in rows[ys[0]:ys[-1] + 1]], xs, ys

# ---------------------------------------------------------------------------- main


def chromium():
    exe = os.environ.get('CHROMIUM') or shutil.which('chromium') or shutil.which(
        'chromium-browser') or shutil.which('google-chrome')
    if not exe:
        raise SystemExit('Chromium is needed: apt-get install chromium (or set CHROMIUM=...)')
    return exe


def screenshot(exe, html_path, png_path, tmp, size=(1600, 1000)):
    cmd = [exe, '--headless=new', '--no-sandbox', '--disable-gpu',
           '--disable-background-networking', '--hide-scrollbars', '--no-first-run',
           '--force-device-scale-factor=1', '--user-data-dir=' + os.path.join(tmp, 'profile'),
           '--window-size=%d,%d' % size, '--screenshot=' + png_path,
           'file://' + html_path]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, 'HOME': tmp})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--workbook', default=WORKBOOK)
    ap.add_argument('--out', default=OUT)
    ap.add_argument('--sheets', default='', help='comma-separated sheet names (default: all)')
    args = ap.parse_args()
    exe = chromium()
    sheets = read_workbook(args.workbook)
    names = [n for n, _ in sheets]
    wanted = {s.strip().lower() for s in args.sheets.split(',') if s.strip()}
    os.makedirs(args.out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, cells in sheets:
            if wanted and name.lower() not in wanted:
                continue
            page = os.path.join(tmp, 'sheet.html')
            with open(page, 'w', encoding='utf-8') as f:
                f.write(sheet_html(name, cells, names))
            shot = os.path.join(tmp, 'shot.png')
            screenshot(exe, page, shot, tmp)
            w, h, rows = png_read(shot)
            rows, xs, ys = crop(rows)
            if xs[-1] == w - 1 or ys[-1] == h - 1:
                raise SystemExit('sheet %s does not fit the %dx%d window' % (name, w, h))
            out = os.path.join(args.out, 'sheet-%s.png' % name.lower())
            png_write_palette(out, rows)
            print('%s: %dx%d, %d bytes' % (os.path.relpath(out), len(rows[0]), len(rows),
                                           os.path.getsize(out)))


if __name__ == '__main__':
    sys.exit(main())
