// grammY with @grammyjs/auto-retry only. The broadcast follows grammY's "Scaling Up IV: Flood
// Limits" page: send sequentially and let auto-retry sleep on 429. bot.start() handles updates one
// at a time, so the mailing runs detached from the handler (otherwise replies wait for it).
import { Bot } from "grammy";
import { autoRetry } from "@grammyjs/auto-retry";
import { adminId, apiRoot, recipients, token } from "./common.mjs";

const bot = new Bot(token, { client: { apiRoot } });
bot.api.config.use(autoRetry());

async function broadcast() {
  for (const id of recipients) {
    try {
      await bot.api.sendMessage(id, "news");
    } catch (error) {
      console.error(`send to ${id} failed: ${error}`);
    }
  }
}

bot.command("start", (ctx) => ctx.reply("hi"));
bot.command("broadcast", (ctx) => {
  if (ctx.from?.id !== adminId) return;
  void broadcast();
});

bot.start();
