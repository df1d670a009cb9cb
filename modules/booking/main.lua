-- Booking: /book shows the free slots of the Slots sheet as buttons; pressing one books it. The
-- store decides who gets a slot: one conditional update ("set taken where taken is false") per
-- press, so when two people press the same slot at once exactly one update matches and the other
-- is told the slot is gone. A booking schedules a persistent job that reminds the user before the
-- slot (it survives restarts), and the admins are told. /mybookings lists one's bookings and
-- cancels one; the admin panel's "Bookings" entry lists the upcoming ones.
local texts = require("texts")
local slots = require("slots")

local function setting_number(key)
  return tonumber(settings.get(key)) or 0
end

local function offset() return setting_number("utc_offset_minutes") end

local function who(ctx)
  if ctx.username ~= "" then return "@" .. ctx.username end
  local from = ctx.update.callback_query and ctx.update.callback_query.from or {}
  return from.first_name or tostring(ctx.user_id)
end

local function admin_text(key, ...)
  local lang = settings.get("admin_language") == "ru" and "ru" or "en"
  return texts.say_in(lang, key, ...)
end

-- The slot `id` of the sheet if it is still to come; nil, "gone" or "past" otherwise.
local function find_slot(ctx, id)
  for _, row in ipairs(ctx:rows("Slots")) do
    if row.id == id then
      local ms = slots.to_ms(row.time, offset())
      if ms <= bot.now() then return nil, "past" end
      return { id = id, ms = ms, label = slots.label(row) }
    end
  end
  return nil, "gone"
end

local function book(ctx, id)
  local slot, why = find_slot(ctx, id)
  if not slot then
    ctx:answer(texts.say(ctx, why), true)
    return
  end
  -- The slot's document exists from the first press on (a no-op when it does)...
  store.update("slots", { _id = id }, { ["$setOnInsert"] = { taken = false } }, { upsert = true })
  -- ...and only the press whose update finds it free takes it.
  local r = store.update("slots", { _id = id, taken = false }, { ["$set"] = {
    taken = true, user = ctx.user_id, chat = ctx.chat_id, name = who(ctx),
    lang = texts.lang(ctx.language), ms = slot.ms, label = slot.label } })
  if r.modified ~= 1 then
    ctx:answer(texts.say(ctx, "taken"), true)
    ctx:reply(texts.say(ctx, "taken"))
    return
  end
  local before = setting_number("remind_before_minutes")
  local due = math.max(bot.now(), slot.ms - before * 60000)
  jobs.schedule("remind:" .. id, "reminder", { at = due }, { slot = id, user = ctx.user_id })
  ctx:answer()
  ctx:reply(texts.say(ctx, "booked", slot.label, before))
  bot.notify_admins(admin_text("admin_booked", slot.label, who(ctx)))
end

local function cancel(ctx, id)
  local doc = store.find_one("slots", { _id = id, taken = true, user = ctx.user_id })
  local r = store.update("slots", { _id = id, taken = true, user = ctx.user_id },
                         { ["$set"] = { taken = false },
                           ["$unset"] = { user = "", chat = "", name = "", lang = "" } })
  if not doc or r.modified ~= 1 then
    ctx:answer(texts.say(ctx, "gone"), true)
    return
  end
  jobs.cancel("remind:" .. id)
  ctx:answer()
  ctx:reply(texts.say(ctx, "cancelled", doc.label))
  bot.notify_admins(admin_text("admin_cancelled", doc.label, doc.name))
end

local function admin_list(ctx)
  if not ctx.is_admin then  -- callback data can be forged: check the role again
    ctx:answer(texts.say(ctx, "admin_only"), true)
    return
  end
  ctx:answer()
  local booked = store.find("slots", { taken = true, ms = { ["$gt"] = bot.now() } },
                            { sort = { ms = 1 }, limit = 50 })
  if #booked == 0 then
    ctx:reply(texts.say(ctx, "admin_none"))
    return
  end
  local lines = { texts.say(ctx, "admin_list") }
  for _, b in ipairs(booked) do lines[#lines + 1] = b.label .. " — " .. b.name end
  ctx:reply(table.concat(lines, "\n"))
end

return {
  commands = {
    book = function(ctx)
      local upcoming = slots.upcoming(ctx, bot.now(), offset())
      local ids = {}
      for _, s in ipairs(upcoming) do ids[#ids + 1] = s.id end
      local taken = {}
      if #ids > 0 then
        for _, doc in ipairs(store.find("slots", { _id = { ["$in"] = ids }, taken = true })) do
          taken[doc._id] = true
        end
      end
      local rows = {}
      for _, s in ipairs(upcoming) do
        if not taken[s.id] and #rows < 30 then
          rows[#rows + 1] = { { text = s.label, callback_data = "booking:take:" .. s.id } }
        end
      end
      if #rows == 0 then
        ctx:reply(texts.say(ctx, "none"))
        return
      end
      ctx:reply(texts.say(ctx, "choose"), { reply_markup = { inline_keyboard = rows } })
    end,

    mybookings = function(ctx)
      local mine = store.find("slots", { taken = true, user = ctx.user_id,
                                         ms = { ["$gt"] = bot.now() } }, { sort = { ms = 1 } })
      if #mine == 0 then
        ctx:reply(texts.say(ctx, "mine_none"))
        return
      end
      local rows = {}
      for _, b in ipairs(mine) do
        rows[#rows + 1] = { { text = "✖ " .. b.label, callback_data = "booking:cancel:" .. b._id } }
      end
      ctx:reply(texts.say(ctx, "mine"), { reply_markup = { inline_keyboard = rows } })
    end,
  },

  -- "booking:take:<slot>", "booking:cancel:<slot>", "booking:admin" (the admin panel's entry).
  on_callback = function(ctx)
    local action, id = ctx.callback_data:match("^booking:(%a+):?(.*)$")
    if action == "take" then return book(ctx, id) end
    if action == "cancel" then return cancel(ctx, id) end
    if action == "admin" then return admin_list(ctx) end
    ctx:answer()
  end,

  jobs = {
    -- The reminder of a booking, due remind_before_minutes before the slot. A booking cancelled
    -- meanwhile cancelled its job; the check below also covers a slot booked again by another.
    reminder = function(job)
      local doc = store.find_one("slots", { _id = job.payload.slot, taken = true,
                                            user = job.payload.user })
      if not doc then return end
      bot.send("sendMessage", { chat_id = doc.chat,
                                text = texts.say_in(doc.lang, "reminder", doc.label) },
               "notification")
    end,
  },
}
