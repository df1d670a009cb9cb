-- Notify me: /topics shows the Topics sheet as buttons; a press subscribes or unsubscribes (one
-- document per subscription in notify.subs). An admin's "/notify <topic> <text>" stores the
-- notice and schedules a persistent job that mails the topic's subscribers at notification
-- priority, a batch per run: each run records how far it got (the last user id) and schedules the
-- next, so a handler never exceeds its send cap and a restart resumes where the mailing stopped.
local texts = require("texts")

local function topics(ctx)
  local out = {}
  for _, row in ipairs(ctx:rows("Topics")) do out[#out + 1] = { id = row.id, title = row.title } end
  return out
end

local function find_topic(ctx, id)
  for _, t in ipairs(topics(ctx)) do
    if t.id == id then return t end
  end
end

local function keyboard(ctx)
  local mine = {}
  for _, s in ipairs(store.find("subs", { user = ctx.user_id })) do mine[s.topic] = true end
  local rows = {}
  for _, t in ipairs(topics(ctx)) do
    rows[#rows + 1] = { { text = (mine[t.id] and "✅ " or "➕ ") .. t.title,
                          callback_data = "notify:toggle:" .. t.id } }
  end
  return rows
end

local function batch_size()
  local n = tonumber(settings.get("batch")) or 15
  return math.max(1, math.min(n, 18))  -- under the send cap of one run (20), with room to spare
end

local function toggle(ctx, id)
  local topic = find_topic(ctx, id)
  if not topic then
    ctx:answer(texts.say(ctx, "unknown"), true)
    return
  end
  local key = id .. ":" .. ctx.user_id
  if store.delete("subs", { _id = key }) == 1 then
    ctx:answer(texts.say(ctx, "unsubscribed", topic.title))
  else
    store.update("subs", { _id = key }, { ["$set"] = { topic = id, user = ctx.user_id,
      chat = ctx.chat_id, lang = texts.lang(ctx.language) } }, { upsert = true })
    ctx:answer(texts.say(ctx, "subscribed", topic.title))
  end
  ctx:edit(ctx.message_id, texts.say(ctx, "topics"),
           { reply_markup = { inline_keyboard = keyboard(ctx) } })
end

local function admin_counts(ctx)
  if not ctx.is_admin then  -- callback data can be forged: check the role again
    ctx:answer(texts.say(ctx, "admin_only"), true)
    return
  end
  ctx:answer()
  local parts = {}
  for _, t in ipairs(topics(ctx)) do
    parts[#parts + 1] = t.id .. " " .. store.count("subs", { topic = t.id })
  end
  ctx:reply(texts.say(ctx, "counts", table.concat(parts, ", ")))
end

return {
  commands = {
    topics = function(ctx)
      if #topics(ctx) == 0 then
        ctx:reply(texts.say(ctx, "no_topics"))
        return
      end
      ctx:reply(texts.say(ctx, "topics"), { reply_markup = { inline_keyboard = keyboard(ctx) } })
    end,

    notify = function(ctx)
      if not ctx.is_admin then
        ctx:reply(texts.say(ctx, "admin_only"))
        return
      end
      local id, text = ctx.args:match("^(%S+)%s+(.+)$")
      local topic = id and find_topic(ctx, id)
      if not topic then
        local ids = {}
        for _, t in ipairs(topics(ctx)) do ids[#ids + 1] = t.id end
        ctx:reply(texts.say(ctx, "usage", table.concat(ids, ", ")))
        return
      end
      local notice = store.insert("notices", { topic = id, title = topic.title, text = text,
        cursor = 0, sent = 0, by = ctx.chat_id, lang = texts.lang(ctx.language), created = bot.now() })
      jobs.schedule("mail:" .. notice, "mail", { after = 0 }, { notice = notice })
      ctx:reply(texts.say(ctx, "queued", store.count("subs", { topic = id }), topic.title))
    end,
  },

  -- "notify:toggle:<topic>", "notify:admin" (the admin panel's entry).
  on_callback = function(ctx)
    local action, id = ctx.callback_data:match("^notify:(%a+):?(.*)$")
    if action == "toggle" then return toggle(ctx, id) end
    if action == "admin" then return admin_counts(ctx) end
    ctx:answer()
  end,

  jobs = {
    -- One batch of a notice's mailing, in user id order after the notice's cursor.
    mail = function(job)
      local notice = store.find_one("notices", { _id = job.payload.notice })
      if not notice or notice.done then return end
      local n = batch_size()
      local subs = store.find("subs", { topic = notice.topic, user = { ["$gt"] = notice.cursor } },
                              { sort = { user = 1 }, limit = n })
      for _, s in ipairs(subs) do
        bot.send("sendMessage", { chat_id = s.chat, text = "🔔 " .. notice.title .. ": " ..
                                  notice.text }, "notification")
      end
      local last = #subs > 0 and subs[#subs].user or notice.cursor
      local sent = notice.sent + #subs
      if #subs == n then
        store.update("notices", { _id = notice._id }, { ["$set"] = { cursor = last, sent = sent } })
        jobs.schedule(job.id, "mail", { after = 1 }, job.payload)
        return
      end
      store.update("notices", { _id = notice._id },
                   { ["$set"] = { cursor = last, sent = sent, done = true } })
      bot.send("sendMessage", { chat_id = notice.by,
                                text = texts.say_in(notice.lang, "done", notice.title, sent) }, "admin")
    end,
  },
}
