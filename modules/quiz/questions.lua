-- The questions: each has the text, its options and the number of the right one.
return {
  { q = "What is 7 × 6?", options = { "36", "42", "48" }, answer = 2 },
  { q = "Which planet is the largest?", options = { "Mars", "Earth", "Jupiter" }, answer = 3 },
  { q = "How many bytes are in a kibibyte?", options = { "1000", "1024", "512" }, answer = 2 },
  { q = "Which language is this module written in?", options = { "Lua", "Python", "C" }, answer = 1 },
  { q = "What is the capital of Japan?", options = { "Kyoto", "Osaka", "Tokyo" }, answer = 3 },
}
