"""Settings shared by the Python peers; every value comes from the driver (bench/broadcast/run.py)."""
import os
import sys


def required(name: str) -> str:
    """An environment variable the driver always sets; exit clearly when run by hand without it."""
    value = os.environ.get(name)
    if not value:
        sys.exit(f"{name} is not set (the driver bench/broadcast/run.py sets it)")
    return value


API_ROOT = required("SANDBOX_API")  # http://127.0.0.1:<port>, like https://api.telegram.org
TOKEN = required("BOT_TOKEN")
ADMIN_ID = int(required("ADMIN_ID"))
RATE = float(os.environ.get("RATE", "30"))  # the global sends/s the limiters are told
with open(required("RECIPIENTS_FILE"), encoding="utf-8") as f:
    RECIPIENTS = [int(line) for line in f if line.strip()]
