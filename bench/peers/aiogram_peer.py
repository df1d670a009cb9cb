"""aiogram 3. It ships no rate limiter; the mailing is the usual aiogram pattern: a loop paced at
the allowed rate that sleeps retry_after on TelegramRetryAfter and tries again. The dispatcher
handles updates as tasks, so replies are not held up by the mailing task."""
import asyncio
import time

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter
from aiogram.filters import Command, CommandStart
from aiogram.types import Message

from peer_common import ADMIN_ID, API_ROOT, RATE, RECIPIENTS, TOKEN

dp = Dispatcher()


async def send_with_retry(bot: Bot, chat_id: int) -> None:
    for _ in range(10):
        try:
            await bot.send_message(chat_id, "news")
            return
        except TelegramRetryAfter as e:
            await asyncio.sleep(e.retry_after)


async def send_all(bot: Bot) -> None:
    gap = 1.0 / RATE
    for chat_id in RECIPIENTS:
        started = time.monotonic()
        try:
            await send_with_retry(bot, chat_id)
        except Exception as e:  # noqa: BLE001 - a failed send must not stop the mailing
            print(f"send to {chat_id} failed: {e!r}", flush=True)
        left = gap - (time.monotonic() - started)
        if left > 0:
            await asyncio.sleep(left)


@dp.message(CommandStart())
async def start(message: Message) -> None:
    await message.answer("hi")


@dp.message(Command("broadcast"))
async def broadcast(message: Message, bot: Bot) -> None:
    if message.from_user.id == ADMIN_ID:
        asyncio.create_task(send_all(bot))


async def main() -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(API_ROOT))
    bot = Bot(TOKEN, session=session)
    await dp.start_polling(bot)


if __name__ == "__main__":
    asyncio.run(main())
