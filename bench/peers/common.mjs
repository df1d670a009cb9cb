// Settings shared by the Node peers: every value comes from the driver (bench/broadcast/run.py).
import { readFileSync } from "node:fs";

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set (the driver bench/broadcast/run.py sets it)`);
    process.exit(2);
  }
  return value;
}

export const apiRoot = required("SANDBOX_API"); // http://127.0.0.1:<port>, like https://api.telegram.org
export const token = required("BOT_TOKEN");
export const adminId = Number(required("ADMIN_ID"));
export const rate = Number(process.env.RATE || "30"); // the global sends/s the throttlers are told
export const recipients = readFileSync(required("RECIPIENTS_FILE"), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map(Number);

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

