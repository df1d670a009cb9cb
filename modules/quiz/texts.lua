-- Every phrase in English and Russian. The owner rewords any of them in the Texts sheet under
-- its key (ctx:tr), in any language.
local texts = {
  question = { en = "Question %d of %d: %s", ru = "Вопрос %d из %d: %s" },
  right = { en = "✅ Right!", ru = "✅ Верно!" },
  wrong = { en = "❌ Wrong: it was %s.", ru = "❌ Неверно: правильно — %s." },
  over = { en = "Round over: %d of %d. Your points in all: %d. /top shows the leaderboard.",
           ru = "Раунд окончен: %d из %d. Всего очков: %d. /top — таблица лидеров." },
  stale = { en = "That question is over.", ru = "Этот вопрос уже закрыт." },
  top = { en = "🏆 Leaderboard", ru = "🏆 Таблица лидеров" },
  empty = { en = "Nobody has played yet: /quiz", ru = "Ещё никто не играл: /quiz" },
}

local M = {}

-- The phrase `key` for the user, with `...` put in.
function M.say(ctx, key, ...)
  local t = texts[key]
  local lang = ctx.language:sub(1, 2) == "ru" and "ru" or "en"
  return string.format(ctx:tr("quiz_" .. key, t[lang]), ...)
end

return M
