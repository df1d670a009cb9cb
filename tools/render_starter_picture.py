#!/usr/bin/env python3
"""Draws docs/images/starter-note-dropdown.png: a `corebot new` workbook open in LibreOffice Calc,
with the note of the Pages column "id" shown and the drop-down list of a "media type" cell
open. A real screenshot, not a drawing.

    python3 tools/render_starter_picture.py [--corebot build/src/cli/corebot]

Needs (Debian): libreoffice-calc, xvfb, xdotool, imagemagick. Documentation tooling only: neither
CI nor the tests run it. Takes about half a minute.

The note is made visible by rewriting the workbook's VML drawing for that one note (owners' files
keep every note hidden until pointed at), since a mouse hover cannot be scripted reliably.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "docs", "images", "starter-note-dropdown.png")
DISPLAY = ":77"


def show_note(xlsx, sheet_name, column):
    """Rewrites xlsx so that the header note of `column` (0-based) on `sheet_name` is shown."""
    with zipfile.ZipFile(xlsx) as z:
        files = {n: z.read(n) for n in z.namelist()}
    workbook = files["xl/workbook.xml"].decode()
    rels = files["xl/_rels/workbook.xml.rels"].decode()
    rid = re.search(r'<sheet name="%s"[^>]*r:id="(rId\d+)"' % sheet_name, workbook).group(1)
    target = re.search(r'Id="%s"[^>]*Target="([^"]+)"' % rid, rels).group(1)
    sheet_rels = "xl/worksheets/_rels/" + os.path.basename(target) + ".rels"
    vml = re.search(r'Target="\.\./drawings/(vmlDrawing\d+\.vml)"',
                    files[sheet_rels].decode()).group(1)
    name = "xl/drawings/" + vml
    text = files[name].decode()
    shapes = text.split("<v:shape ")
    for i, shape in enumerate(shapes):
        if "<x:Row>0</x:Row><x:Column>%d</x:Column>" % column in shape:
            shape = shape.replace("visibility:hidden", "visibility:visible")
            shapes[i] = shape.replace("</x:ClientData>", "<x:Visible/></x:ClientData>")
    files[name] = "<v:shape ".join(shapes).encode()
    with zipfile.ZipFile(xlsx, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in files.items():
            z.writestr(n, data)


def key(*keys):
    subprocess.run(["xdotool", "key", "--delay", "150", *keys], check=True,
                   env=dict(os.environ, DISPLAY=DISPLAY))
    time.sleep(0.8)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corebot", default=os.path.join(ROOT, "build", "src", "cli", "corebot"))
    parser.add_argument("--out", default=OUT)
    parser.add_argument("--how-to", help="also a screenshot of the How to sheet, to this file")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="corebot_picture_")
    xvfb = office = None
    try:
        subprocess.run([args.corebot, "new", "picture", "--template", "card"], cwd=work,
                       check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        xlsx = os.path.join(work, "picture", "bot.xlsx")
        show_note(xlsx, "Pages", 0)
        xvfb = subprocess.Popen(["Xvfb", DISPLAY, "-screen", "0", "1400x800x24"])
        time.sleep(2)
        env = dict(os.environ, DISPLAY=DISPLAY, SAL_USE_VCLPLUGIN="gen")
        office = subprocess.Popen(["soffice", "-env:UserInstallation=file://" + work + "/profile",
                                   "--norestore", "--nologo", "--calc", xlsx], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(60):
            found = subprocess.run(["xdotool", "search", "--name", "bot.xlsx"], env=env,
                                   capture_output=True, text=True).stdout.split()
            if found:
                break
            time.sleep(1)
        else:
            sys.exit("LibreOffice did not open a window")
        time.sleep(4)
        window = found[0]
        subprocess.run(["xdotool", "windowactivate", "--sync", window], env=env)
        subprocess.run(["xdotool", "windowsize", window, "1400", "800"], env=env)
        subprocess.run(["xdotool", "windowmove", window, "0", "0"], env=env)
        time.sleep(1)
        key("Escape")
        key("ctrl+Next")  # How to -> Pages
        key("ctrl+Home", *["Down"] * 7, "Right", "Right", "Right")  # D8: media type
        key("alt+Down")  # open the cell's drop-down list
        time.sleep(1)
        shot = os.path.join(work, "shot.png")
        subprocess.run(["import", "-display", DISPLAY, "-window", "root", shot], check=True)
        # The window's top-left part: the toolbar, the sheet's first columns and the tabs.
        subprocess.run(["convert", shot, "-crop", "1100x800+0+0", "+repage", args.out], check=True)
        if args.how_to:
            key("Escape", "Escape", "ctrl+Prior")
            subprocess.run(["import", "-display", DISPLAY, "-window", "root", args.how_to],
                           check=True)
        print("wrote", args.out)
    finally:
        if office:
            office.kill()
        if xvfb:
            xvfb.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
