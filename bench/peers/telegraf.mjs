// Telegraf. It has no throttling of its own and its docs recommend no mailing pattern, so this
// does what Telegram's FAQ asks: a sequential loop paced at the allowed rate, sleeping retry_after
// on a 429 and trying again.
import { Telegraf } from "telegraf";
import { adminId, apiRoot, rate, recipients, sleep, token } from "./common.mjs";

const bot = new Telegraf(token, { telegram: { apiRoot } });

async function sendWithRetry(id) {
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      await bot.telegram.sendMessage(id, "news");
      return;
    } catch (error) {
      const retryAfter = error?.response?.parameters?.retry_after;
      if (!retryAfter) throw error;
      await sleep(retryAfter * 1000);
    }
  }
}

async function broadcast() {
  const gap = 1000 / rate;
  for (const id of recipients) {
    const started = Date.now();
    try {
      await sendWithRetry(id);
    } catch (error) {
      console.error(`send to ${id} failed: ${error}`);
    }
    const left = gap - (Date.now() - started);
    if (left > 0) await sleep(left);
  }
}

bot.start((ctx) => ctx.reply("hi"));
bot.command("broadcast", (ctx) => {
  if (ctx.from?.id !== adminId) return;
  // Telegraf awaits a whole getUpdates batch before polling again: do not hold it.
  void broadcast();
});

// Without a catch-all, Telegraf's default handler rethrows and a 429 on a reply ends the process.
bot.catch((error) => console.error(`handler failed: ${error}`));

bot.launch();
process.once("SIGTERM", () => bot.stop("SIGTERM"));
process.once("SIGINT", () => bot.stop("SIGINT"));
