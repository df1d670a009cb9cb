"""Every text the built-in modules word themselves is documented, declared and translated.

- every Texts key the module sources look up is in docs/spreadsheet-format.md;
- `corebot check` warns, per key, when a Texts sheet with a language other than English lacks a
  key the bot will use, and the keys it names are exactly the ones the sources look up (so a
  module cannot use a key it forgot to declare);
- the bilingual example (leadgen) has every key it uses in both its languages.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import COREBOT  # noqa: E402
from content_helpers import EXAMPLES, ROOT  # noqa: E402

# ctx.text("key", ...), bad("key", ...) (a complaint about an answer), say(ctx, "key", ...).
USES = re.compile(r'(?:\btext|\bbad|\bsay)\(\s*(?:ctx,\s*)?"([a-z_]+)"')
WARNED = re.compile(r'the bot uses the text "([a-z_]+)", which Texts lacks')
# Worded in English and Russian by the admin module itself (every admin_* key, docs/admin.md) and
# by the shop (every shop_* key, docs/shop.md), or not English text at all.
NOT_DECLARED = {"language_name", "no_languages"}


# The support desk and the shop are off by default, so `corebot check` (which runs the default
# modules) never warns about their keys; they are declared all the same and documented in
# docs/support.md and docs/shop.md.
OFF_BY_DEFAULT = ("support_", "shop_")


def declared(keys):
    return {k for k in keys
            if not k.startswith("admin_") and not k.startswith(OFF_BY_DEFAULT)} - NOT_DECLARED

# A bot that uses everything: every question type, required and not, two languages.
CONTENT = {
    "Pages.csv": "id,text,buttons\nstart,Hi,Apply -> form:all | Language -> lang:menu\n",
    "Texts.csv": "key,en,ru\ngreeting,Hello,Привет\n",
    "Forms.csv": "form,field,question,type,options,required\n"
                 "all,a,A?,text,,no\nall,b,B?,number,,\nall,c,C?,phone,,\nall,d,D?,email,,\n"
                 "all,e,E?,choice,X | Y,\nall,f,F?,date,,\nall,g,G?,photo,,\n",
}


def used_keys():
    keys = set()
    for path in glob.glob(os.path.join(ROOT, "src", "modules", "**", "*.cpp"), recursive=True):
        if path.endswith("_test.cpp"):
            continue
        with open(path, encoding="utf-8") as f:
            keys |= set(USES.findall(f.read()))
    return keys


def check(path):
    return subprocess.run([COREBOT, "check", path], capture_output=True, text=True, timeout=60)


class TextKeysTest(unittest.TestCase):
    def test_every_key_the_modules_use_is_documented(self):
        docs = ""
        # The panel's keys are in admin.md, the support desk's in support.md, the shop's in shop.md.
        for name in ("spreadsheet-format.md", "admin.md", "support.md", "shop.md"):
            with open(os.path.join(ROOT, "docs", name), encoding="utf-8") as f:
                docs += f.read()
        keys = used_keys()
        self.assertIn("form_confirm_hint", keys)
        missing = sorted(k for k in keys if f"`{k}`" not in docs)
        self.assertEqual(missing, [], "keys missing from docs/spreadsheet-format.md#texts")

    def test_check_warns_about_each_key_a_language_lacks(self):
        with tempfile.TemporaryDirectory() as folder:
            for name, text in CONTENT.items():
                with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
                    f.write(text)
            result = check(folder)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        warned = WARNED.findall(result.stdout)
        self.assertEqual(len(warned), len(set(warned)), "one warning per key")
        self.assertEqual(set(warned), declared(used_keys()), result.stdout)
        self.assertIn('Texts!A3: the bot uses the text "', result.stdout)
        self.assertIn("ru users get the built-in English", result.stdout)

    def test_the_bilingual_example_has_every_key_in_both_languages(self):
        for source in [os.path.join(EXAMPLES, "leadgen", "leadgen.xlsx"),
                       os.path.join(EXAMPLES, "leadgen", "csv")]:
            result = check(source)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assertEqual(WARNED.findall(result.stdout), [], source)
            self.assertNotIn("no ru text", result.stdout, source)


if __name__ == "__main__":
    unittest.main(verbosity=2)
