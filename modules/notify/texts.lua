-- Every phrase in English and Russian; the owner rewords them in the Texts sheet under
-- "notify_<key>" (ctx:tr).
local texts = {
  topics = { en = "🔔 Press a topic to subscribe or unsubscribe:",
             ru = "🔔 Нажмите тему, чтобы подписаться или отписаться:" },
  no_topics = { en = "There are no topics yet.", ru = "Тем пока нет." },
  subscribed = { en = "Subscribed to %s.", ru = "Вы подписались: %s." },
  unsubscribed = { en = "Unsubscribed from %s.", ru = "Вы отписались: %s." },
  unknown = { en = "No such topic.", ru = "Такой темы нет." },
  usage = { en = "Write /notify <topic> <text>. Topics: %s",
            ru = "Напишите /notify <тема> <текст>. Темы: %s" },
  queued = { en = "Mailing %d subscribers of %s.", ru = "Рассылаю %d подписчикам темы %s." },
  done = { en = "🔔 The notice on %s went to %d subscribers.",
           ru = "🔔 Уведомление по теме %s отправлено %d подписчикам." },
  counts = { en = "🔔 Subscribers: %s", ru = "🔔 Подписчики: %s" },
  admin_only = { en = "For admins only.", ru = "Только для администраторов." },
}

local M = {}

function M.lang(code)
  return (code or ""):sub(1, 2) == "ru" and "ru" or "en"
end

function M.say(ctx, key, ...)
  return string.format(ctx:tr("notify_" .. key, texts[key][M.lang(ctx.language)]), ...)
end

function M.say_in(lang, key, ...)
  return string.format(texts[key][lang] or texts[key].en, ...)
end

return M
