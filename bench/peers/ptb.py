"""python-telegram-bot 22 with AIORateLimiter, as its docs recommend for staying within flood
limits: every send goes through the limiter (told the sandbox's rate), 429s are retried by it, and
the mailing is one task gathering all sends so the limiter paces them."""
import asyncio

from telegram import Update
from telegram.ext import AIORateLimiter, Application, CommandHandler, ContextTypes

from peer_common import ADMIN_ID, API_ROOT, RATE, RECIPIENTS, TOKEN


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text("hi")


async def send_all(context: ContextTypes.DEFAULT_TYPE) -> None:
    results = await asyncio.gather(
        *(context.bot.send_message(chat_id, "news") for chat_id in RECIPIENTS),
        return_exceptions=True)
    failed = [r for r in results if isinstance(r, Exception)]
    if failed:
        print(f"{len(failed)} sends failed, first: {failed[0]!r}", flush=True)


async def broadcast(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_user.id != ADMIN_ID:
        return
    # Detached: the Application handles updates one at a time by default.
    context.application.create_task(send_all(context))


def main() -> None:
    app = (Application.builder().token(TOKEN).base_url(f"{API_ROOT}/bot")
           .rate_limiter(AIORateLimiter(overall_max_rate=RATE, overall_time_period=1,
                                        max_retries=10))
           .build())
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("broadcast", broadcast))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
