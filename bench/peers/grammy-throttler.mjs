// grammY with @grammyjs/transformer-throttler, @grammyjs/auto-retry and @grammyjs/runner, set up
// as the throttler's README shows (runner for concurrent updates, bypassThrottler for replies).
// The throttler's global limiter is told the sandbox's rate instead of its default 30/s.
import { Bot } from "grammy";
import { run } from "@grammyjs/runner";
import { apiThrottler, bypassThrottler } from "@grammyjs/transformer-throttler";
import { autoRetry } from "@grammyjs/auto-retry";
import { adminId, apiRoot, rate, recipients, token } from "./common.mjs";

const bot = new Bot(token, { client: { apiRoot } });
bot.api.config.use(
  apiThrottler({
    global: { reservoir: rate, reservoirRefreshAmount: rate, reservoirRefreshInterval: 1000 },
  }),
);
bot.api.config.use(autoRetry());
bot.use(bypassThrottler);

bot.command("start", (ctx) => ctx.reply("hi"));
bot.command("broadcast", (ctx) => {
  if (ctx.from?.id !== adminId) return;
  // The throttler queues every call; the handler returns at once.
  void Promise.allSettled(recipients.map((id) => bot.api.sendMessage(id, "news")));
});

run(bot);
