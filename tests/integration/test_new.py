"""`corebot new`: the folder it makes, the starter workbook's notes and drop-downs as written in
the xlsx (unzipped and read), and `corebot check` on every template in both languages.

With COREBOT_LIBREOFFICE=1 (and `soffice` installed) it also converts the workbook with
LibreOffice headless and checks that the notes and drop-downs survive: slow, so outside the
default run."""
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(__file__))
from harness import COREBOT as _COREBOT  # noqa: E402

COREBOT = os.path.abspath(_COREBOT)  # the tests run it from other folders

TEMPLATES = ["card", "faq", "leadgen", "shop"]
TOKEN = "123456:ABCdef_ghi"


def run(*args, cwd=None, env=None, stdin=subprocess.DEVNULL):
    environment = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "COREBOT_TOKEN")}
    environment.update(env or {})
    return subprocess.run([COREBOT, *args], cwd=cwd, env=environment, stdin=stdin,
                          capture_output=True, text=True, timeout=120)


def parts(xlsx):
    with zipfile.ZipFile(xlsx) as z:
        return {name: z.read(name).decode("utf-8") for name in z.namelist()
                if name.endswith(".xml") or name.endswith(".vml") or name.endswith(".rels")}


def sheet_parts(files):
    """Sheet name -> its worksheet XML, through workbook.xml and its relationships."""
    rels = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"',
                           files["xl/_rels/workbook.xml.rels"]))
    rels.update({i: t for t, i in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"',
                                             files["xl/_rels/workbook.xml.rels"])})
    out = {}
    for name, rid in re.findall(r'<sheet name="([^"]+)"[^>]*r:id="(rId\d+)"', files["xl/workbook.xml"]):
        out[name] = files["xl/" + rels[rid].lstrip("/").replace("xl/", "", 1)]
    return out


def comments_of(files):
    """All comment texts of the package, joined."""
    return "\n".join(text for name, text in files.items() if re.match(r"xl/comments\d+\.xml", name))


class NewTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="corebot_new_")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def make(self, name, *args, env=None):
        result = run("new", name, *args, cwd=self.dir, env=env)
        self.assertEqual(result.returncode, 0, result.stderr + result.stdout)
        return os.path.join(self.dir, name), result

    def test_the_folder_config_token_and_readme(self):
        folder, result = self.make("my-bot", "--template", "leadgen", "--admin", "@owner_name",
                                   env={"COREBOT_TOKEN": TOKEN})
        self.assertEqual(sorted(os.listdir(folder)),
                         [".gitignore", "README.md", "bot.toml", "bot.xlsx", "token"])
        token = os.path.join(folder, "token")
        self.assertEqual(stat.S_IMODE(os.stat(token).st_mode), 0o600)
        with open(token) as f:
            self.assertEqual(f.read().strip(), TOKEN)
        with open(os.path.join(folder, "bot.toml")) as f:
            config = f.read()
        self.assertIn('token_file = "token"', config)
        self.assertNotIn(TOKEN, config)
        # Never in the workbook, in any part.
        for name, text in parts(os.path.join(folder, "bot.xlsx")).items():
            self.assertNotIn(TOKEN, text, name)
        with open(os.path.join(folder, "README.md")) as f:
            self.assertIn("corebot run --config bot.toml", f.read())
        self.assertIn("corebot check bot.xlsx", result.stdout)
        check = run("check", "bot.xlsx", cwd=folder)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertIn("1 admin", check.stdout)

    def test_the_config_reads_the_token_file(self):
        # `corebot run` with the generated config gets as far as the token check and past it:
        # a broken token file says so, naming the key.
        folder, _ = self.make("bot", env={"COREBOT_TOKEN": TOKEN})
        os.chmod(os.path.join(folder, "token"), 0o600)
        os.remove(os.path.join(folder, "token"))
        result = run("run", "--config", os.path.join(folder, "bot.toml"), cwd=self.dir)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("telegram.token_file", result.stderr + result.stdout)

    def test_asks_for_the_token_at_a_terminal_without_echoing_it(self):
        import pty
        env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "COREBOT_TOKEN")}
        pid, fd = pty.fork()
        if pid == 0:  # the child: corebot with the pty as its terminal
            os.chdir(self.dir)
            os.execve(COREBOT, [COREBOT, "new", "tty-bot"], env)
        seen = b""
        while b"not shown" not in seen:
            seen += os.read(fd, 1024)
        os.write(fd, (TOKEN + "\n").encode())
        while True:
            try:
                chunk = os.read(fd, 1024)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        _, status = os.waitpid(pid, 0)
        self.assertEqual(os.waitstatus_to_exitcode(status), 0, seen)
        self.assertNotIn(TOKEN.encode(), seen, "the typed token is not echoed")
        with open(os.path.join(self.dir, "tty-bot", "token")) as f:
            self.assertEqual(f.read().strip(), TOKEN)

    def test_without_a_token_it_says_where_to_put_one(self):
        folder, result = self.make("bot")
        self.assertFalse(os.path.exists(os.path.join(folder, "token")))
        self.assertIn("token", result.stdout)
        with open(os.path.join(folder, "README.md")) as f:
            self.assertIn("chmod 600 token", f.read())

    def test_refuses_an_existing_folder_and_a_bad_token(self):
        os.mkdir(os.path.join(self.dir, "taken"))
        with open(os.path.join(self.dir, "taken", "keep.txt"), "w") as f:
            f.write("mine")
        result = run("new", "taken", cwd=self.dir)
        self.assertEqual(result.returncode, 2)
        self.assertIn("already exists", result.stderr)
        self.assertEqual(os.listdir(os.path.join(self.dir, "taken")), ["keep.txt"])
        result = run("new", "other", cwd=self.dir, env={"COREBOT_TOKEN": "not a token"})
        self.assertEqual(result.returncode, 2)
        self.assertIn("@BotFather", result.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "other")))
        result = run("new", "third", "--admin", "not valid!", cwd=self.dir)
        self.assertEqual(result.returncode, 2)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "third")))

    def test_every_template_in_every_language_passes_check_without_warnings(self):
        for template in TEMPLATES:
            for lang in ["en", "ru"]:
                with self.subTest(template=template, lang=lang):
                    folder, _ = self.make(f"{template}-{lang}", "--template", template,
                                          "--lang", lang)
                    check = run("check", "bot.xlsx", cwd=folder)
                    self.assertEqual(check.returncode, 0, check.stdout)
                    self.assertNotIn("warning", check.stdout)
                    self.assertNotIn("note:", check.stdout)
                    with open(os.path.join(folder, "README.md")) as f:
                        readme = f.read()
                    if lang == "ru":
                        self.assertIn("Запустите", readme)

    def test_notes_and_drop_downs_are_in_the_xlsx(self):
        for lang, words in [("en", "Example: prices"), ("ru", "Пример: prices")]:
            folder, _ = self.make(f"xml-{lang}", "--template", "leadgen", "--lang", lang)
            files = parts(os.path.join(folder, "bot.xlsx"))
            sheets = sheet_parts(files)
            first = "How to" if lang == "en" else "Как пользоваться"
            self.assertEqual(list(sheets)[0], first)
            self.assertIn("corebot", sheets)
            self.assertIn('state="hidden"', files["xl/workbook.xml"])
            # Every header cell of Pages has a note: comments part + VML drawing.
            comments = comments_of(files)
            self.assertIn(words, comments)
            self.assertTrue(any(re.match(r"xl/drawings/vmlDrawing\d+\.vml", n) for n in files))
            pages = sheets["Pages"]
            self.assertIn('<pane ySplit="1"', pages)  # frozen header
            self.assertIn("<cols>", pages)  # sized columns
            # Drop-downs: media type (column D) and new message (F) on Pages, type and required
            # on Forms, the key list on Settings, each with an input message.
            self.assertRegex(pages, r'<dataValidation type="list"[^>]*showInputMessage="1"[^>]*'
                                    r'sqref="D2:D1001"')
            self.assertIn("<formula1>\"photo,video,animation,document,audio\"</formula1>", pages)
            self.assertIn("<formula1>\"yes,no\"</formula1>", pages)
            forms = sheets["Forms"]
            self.assertIn("<formula1>\"text,number,phone,email,choice,date,photo\"</formula1>",
                          forms)
            settings = sheets["Settings"].split("<dataValidations")[1]
            self.assertIn("start_page", settings)  # the key list
            self.assertIn("<formula1>\"start,offer\"</formula1>", settings)  # start_page's ids
            self.assertIn(f"<formula1>\"{lang}\"</formula1>", settings)  # default_language
            self.assertIn('promptTitle="media type"', pages)

    @unittest.skipUnless(os.environ.get("COREBOT_LIBREOFFICE") == "1" and shutil.which("soffice"),
                         "set COREBOT_LIBREOFFICE=1 with LibreOffice installed (slow)")
    def test_libreoffice_keeps_notes_and_drop_downs(self):
        folder, _ = self.make("lo", "--template", "leadgen")
        out = os.path.join(self.dir, "converted")
        profile = "file://" + os.path.join(self.dir, "lo-profile")
        subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                        "--convert-to", "xlsx", "--outdir", out,
                        os.path.join(folder, "bot.xlsx")],
                       check=True, capture_output=True, timeout=300)
        converted = os.path.join(out, "bot.xlsx")
        files = parts(converted)
        self.assertIn("Example: prices", comments_of(files))
        pages = sheet_parts(files)["Pages"]
        self.assertIn("photo,video,animation,document,audio", pages)
        # And the bot still reads LibreOffice's file.
        check = run("check", converted)
        self.assertEqual(check.returncode, 0, check.stdout)


if __name__ == "__main__":
    unittest.main()
