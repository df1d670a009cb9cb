-- The quiz: /quiz asks a round of questions with buttons, one after the other; the state of the
-- round lives in the user's session; points go to the store (collection quiz.scores) when the
-- round ends; /top shows the five best players.
local questions = require("questions")
local texts = require("texts")

local function round_size()
  local n = tonumber(settings.get("questions_per_round")) or 3
  return math.max(1, math.min(n, #questions))
end

local function ask(ctx)
  local s = ctx.session
  local q = questions[s.order[s.at]]
  local row = {}
  for i, option in ipairs(q.options) do
    row[#row + 1] = { text = option, callback_data = "quiz:" .. s.at .. ":" .. i }
  end
  ctx:reply(texts.say(ctx, "question", s.at, #s.order, q.q),
            { reply_markup = { inline_keyboard = { row } } })
end

local function finish(ctx)
  local s = ctx.session
  local name = ctx.username ~= "" and ("@" .. ctx.username) or tostring(ctx.user_id)
  store.update("scores", { user = ctx.user_id },
               { ["$inc"] = { points = s.score, rounds = 1 }, ["$set"] = { name = name } },
               { upsert = true })
  local mine = store.find_one("scores", { user = ctx.user_id })
  ctx:reply(texts.say(ctx, "over", s.score, #s.order, mine.points))
  ctx.session.order, ctx.session.at, ctx.session.score = nil, nil, nil
end

return {
  commands = {
    quiz = function(ctx)
      -- A fresh round: the questions in a shuffled order.
      local order = {}
      for i = 1, #questions do order[i] = i end
      for i = #order, 2, -1 do
        local j = math.random(i)
        order[i], order[j] = order[j], order[i]
      end
      local size = round_size()
      while #order > size do table.remove(order) end
      ctx.session.order, ctx.session.at, ctx.session.score = order, 1, 0
      ask(ctx)
    end,

    top = function(ctx)
      local best = store.find("scores", {}, { sort = { points = -1 }, limit = 5 })
      if #best == 0 then
        ctx:reply(texts.say(ctx, "empty"))
        return
      end
      local lines = { texts.say(ctx, "top") }
      for i, player in ipairs(best) do
        lines[#lines + 1] = string.format("%d. %s — %d", i, player.name, player.points)
      end
      ctx:reply(table.concat(lines, "\n"))
    end,
  },

  -- A pressed answer: "quiz:<question number>:<option>".
  on_callback = function(ctx)
    local at, option = ctx.callback_data:match("^quiz:(%d+):(%d+)$")
    local s = ctx.session
    if not s.order or tonumber(at) ~= s.at then
      ctx:answer(texts.say(ctx, "stale"))
      return
    end
    local q = questions[s.order[s.at]]
    if tonumber(option) == q.answer then
      s.score = s.score + 1
      ctx:answer(texts.say(ctx, "right"))
    else
      ctx:answer(texts.say(ctx, "wrong", q.options[q.answer]))
    end
    if s.at < #s.order then
      s.at = s.at + 1
      ask(ctx)
    else
      finish(ctx)
    end
  end,
}
