-- Every phrase in English and Russian. The owner rewords any of them in the Texts sheet under
-- "booking_<key>" (ctx:tr), in any language; a reminder (sent by a job, without an update) uses
-- the language the user booked in.
local texts = {
  choose = { en = "📅 Choose a time:", ru = "📅 Выберите время:" },
  none = { en = "No free slots at the moment. Please try later.",
           ru = "Сейчас свободного времени нет. Загляните позже." },
  booked = { en = "✅ Booked: %s. I will remind you %d minutes before.",
             ru = "✅ Вы записаны: %s. Напомню за %d мин." },
  taken = { en = "Sorry, someone has just taken that time. Please choose another.",
            ru = "Увы, это время только что заняли. Выберите другое." },
  gone = { en = "That slot is no longer offered.", ru = "Этого времени больше нет в списке." },
  past = { en = "That time has passed.", ru = "Это время уже прошло." },
  reminder = { en = "⏰ Reminder: %s.", ru = "⏰ Напоминание: %s." },
  mine = { en = "Your appointments (press one to cancel it):",
           ru = "Ваши записи (нажмите, чтобы отменить):" },
  mine_none = { en = "You have no appointments. /book", ru = "У вас нет записей. /book" },
  cancelled = { en = "Cancelled: %s.", ru = "Запись отменена: %s." },
  admin_booked = { en = "📅 New booking: %s — %s", ru = "📅 Новая запись: %s — %s" },
  admin_cancelled = { en = "📅 Cancelled: %s — %s", ru = "📅 Отмена: %s — %s" },
  admin_list = { en = "📅 Upcoming bookings:", ru = "📅 Ближайшие записи:" },
  admin_none = { en = "No upcoming bookings.", ru = "Ближайших записей нет." },
  admin_only = { en = "For admins only.", ru = "Только для администраторов." },
}

local M = {}

-- "ru" or "en" for a Telegram language code.
function M.lang(code)
  return (code or ""):sub(1, 2) == "ru" and "ru" or "en"
end

-- The phrase `key` for the user of `ctx`, with `...` put in.
function M.say(ctx, key, ...)
  return string.format(ctx:tr("booking_" .. key, texts[key][M.lang(ctx.language)]), ...)
end

-- The phrase `key` in `lang` ("en", "ru"), where there is no ctx (a job).
function M.say_in(lang, key, ...)
  return string.format(texts[key][lang] or texts[key].en, ...)
end

return M
