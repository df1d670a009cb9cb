-- The Slots sheet: each row's time as Unix milliseconds, and how a slot is shown. The engine
-- validated the sheet already (an id, a unique one, a "YYYY-MM-DD HH:MM" time: errors name their
-- Slots!Cell), so parsing cannot fail here.
local M = {}

-- Days from 1970-01-01 to the date (Howard Hinnant's days_from_civil).
local function days_from_civil(y, m, d)
  y = m <= 2 and y - 1 or y
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

-- "2026-12-07 14:30[:SS]" (sheet time, UTC + offset minutes) -> Unix ms.
function M.to_ms(text, offset_minutes)
  local y, mo, d, h, mi, s = text:match("^(%d+)-(%d+)-(%d+)[ T](%d+):(%d+):?(%d*)$")
  local seconds = days_from_civil(tonumber(y), tonumber(mo), tonumber(d)) * 86400 +
                  tonumber(h) * 3600 + tonumber(mi) * 60 + (tonumber(s) or 0)
  return (seconds - offset_minutes * 60) * 1000
end

-- "Haircut, 2026-12-07 14:30" (seconds left out).
function M.label(row)
  local when = row.time:sub(1, 16):gsub("T", " ")
  if row.title and row.title ~= "" then return row.title .. ", " .. when end
  return when
end

-- The sheet's slots that start after `now_ms`, by time: {id, ms, label}.
function M.upcoming(ctx, now_ms, offset_minutes)
  local out = {}
  for _, row in ipairs(ctx:rows("Slots")) do
    local ms = M.to_ms(row.time, offset_minutes)
    if ms > now_ms then out[#out + 1] = { id = row.id, ms = ms, label = M.label(row) } end
  end
  table.sort(out, function(a, b) return a.ms < b.ms end)
  return out
end

return M
