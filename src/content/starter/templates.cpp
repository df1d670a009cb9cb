#include "content/starter/templates.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace corebot::content::starter {
namespace {

// One literal per line: clang-format rewraps a long Cyrillic literal differently on every run.
constexpr const char* kPricesRu =
    "Портретная съёмка, 1 час — 9000 ₽\n"
    "Свадебный день — от 90 000 ₽";

using Rows = std::map<std::string, std::vector<ExampleRow>>;

// Picks the words of the owner's language.
struct Words {
  bool ru;
  std::string operator()(const char* en, const char* russian) const { return ru ? russian : en; }
};

ExampleRow page(std::string id, std::string text, std::string buttons = {},
                std::string new_message = {}) {
  ExampleRow row{{"id", std::move(id)}, {"text", std::move(text)}};
  if (!buttons.empty()) row["buttons"] = std::move(buttons);
  if (!new_message.empty()) row["new message"] = std::move(new_message);
  return row;
}

ExampleRow question(std::string form, std::string field, std::string text, std::string type,
                    std::string label, std::string options = {}, std::string required = "yes") {
  ExampleRow row{{"form", std::move(form)},     {"field", std::move(field)},
                 {"question", std::move(text)}, {"type", std::move(type)},
                 {"label", std::move(label)},   {"required", std::move(required)}};
  if (!options.empty()) row["options"] = std::move(options);
  return row;
}

// The Russian of the texts the pages module always shows, and of the forms module's.
const std::vector<std::pair<const char*, const char*>> kPagesRu = {
    {"back", "« Назад"},
    {"unknown_command", "Извините, я не поняла. Нажмите /start."},
    {"stale_button", "Эта кнопка устарела."},
};
const std::vector<std::pair<const char*, const char*>> kFormsRu = {
    {"menu", "« Меню"},
    {"form_summary", "Проверьте ответы:"},
    {"form_confirm", "✅ Отправить"},
    {"form_redo", "Заново"},
    {"form_cancel", "Отмена"},
    {"form_skip", "Пропустить"},
    {"form_done", "Спасибо! Мы скоро с вами свяжемся."},
    {"form_cancelled", "Анкета отменена."},
    {"form_closed", "Эта анкета уже закрыта."},
    {"form_error",
     "Извините, не удалось сохранить заявку. Нажмите «Отправить» ещё раз через "
     "минуту."},
    {"form_gone", "Анкета изменилась. Начните заново из меню."},
    {"form_stale", "На этот вопрос вы уже ответили."},
    {"form_nothing", "Отменять нечего."},
    {"form_confirm_hint", "Нажмите «Отправить», «Заново» или «Отмена» выше."},
    {"form_empty", "Пожалуйста, пришлите ответ сообщением."},
    {"form_too_long", "Слишком длинно: уложитесь в 1000 символов."},
    {"form_bad_number", "Пожалуйста, пришлите число, например 3."},
    {"form_bad_phone",
     "Нажмите кнопку, чтобы отправить номер, или введите его с кодом страны, "
     "например +7 912 345 67 89."},
    {"form_share_phone", "📱 Отправить мой номер"},
    {"form_phone_hint", "Нажмите кнопку ниже, чтобы отправить номер, или введите его."},
    {"form_saved", "Спасибо!"},
    {"form_skipped", "Пропущено."},
    {"form_menu_hint", "Вернуться в меню:"},
    {"form_bad_email", "Пожалуйста, пришлите адрес вида name@example.com."},
    {"form_bad_choice", "Пожалуйста, выберите один из вариантов."},
    {"form_bad_date", "Пожалуйста, пришлите дату, например 14.06.2025."},
    {"form_bad_photo", "Пожалуйста, пришлите фото."},
    {"form_photo", "(фото)"},
};

Rows card(const Words& w) {
  return {
      {"Pages",
       {page("start",
             w("Hello! This is Anna Lee, photographer. Choose a section:",
               "Здравствуйте! Это Анна Ли, фотограф. Выберите раздел:"),
             w("About me -> about | Prices -> prices\nContacts -> contacts",
               "Обо мне -> about | Цены -> prices\nКонтакты -> contacts")),
        page("about", w("Ten years of portraits and weddings. I shoot in the studio and outdoors.",
                        "Десять лет снимаю портреты и свадьбы — в студии и на природе.")),
        page("prices", w("Portrait session, 1 hour — 90 €\nWedding day — from 900 €", kPricesRu)),
        page("contacts",
             w("Phone: +1 555 0100\nE-mail: hello@example.com",
               "Телефон: +7 900 000-00-00\nE-mail: hello@example.com"),
             w("My website -> https://example.com", "Мой сайт -> https://example.com"), "yes")}}};
}

Rows faq(const Words& w) {
  return {
      {"Pages",
       {page("start", w("Questions and answers. Pick a topic:", "Вопросы и ответы. Выберите тему:"),
             w("Delivery -> delivery | Payment -> payment\nReturns -> returns",
               "Доставка -> delivery | Оплата -> payment\nВозврат -> returns")),
        page("delivery",
             w("We deliver in 2–3 days. Delivery is free from 50 €.",
               "Доставляем за 2–3 дня. Бесплатно — от 5000 ₽.")),
        page("payment", w("We accept cards and bank transfers. You pay when you receive the order.",
                          "Принимаем карты и переводы. Оплата при получении заказа.")),
        page("returns",
             w("You can return an item within 14 days. Write to returns@example.com.",
               "Товар можно вернуть в течение 14 дней. Пишите на returns@example.com."),
             {}, "yes")}}};
}

Rows leadgen(const Words& w) {
  const std::string apply = w("Leave a request -> form:request", "Оставить заявку -> form:request");
  return {{"Pages",
           {page("start",
                 w("Websites for small businesses, ready in two weeks. Get a free estimate in "
                   "one minute.",
                   "Сайты для малого бизнеса за две недели. Бесплатный расчёт за одну минуту."),
                 w("What do you offer? -> offer\n", "Что вы предлагаете? -> offer\n") + apply),
            page("offer",
                 w("Design, development and support: one team, a fixed price.",
                   "Дизайн, разработка и поддержка: одна команда, фиксированная цена."),
                 apply)}},
          {"Forms",
           {question("request", "name", w("What is your name?", "Как вас зовут?"), "text",
                     w("Name", "Имя")),
            question("request", "phone", w("Your phone number?", "Ваш телефон?"), "phone",
                     w("Phone", "Телефон")),
            question("request", "service", w("What do you need?", "Что вам нужно?"), "choice",
                     w("Service", "Услуга"),
                     w("Design | Development | Support", "Дизайн | Разработка | Поддержка")),
            question("request", "date",
                     w("When would you like to start? (for example 14.06.2025)",
                       "Когда хотите начать? (например, 14.06.2025)"),
                     "date", w("Start", "Начало"), {}, "no")}}};
}

// A catalog made of pages (there is no shop module yet): categories, products, an order form.
Rows shop(const Words& w) {
  const std::string order = w("🛒 Order -> form:order\n« Catalog -> catalog",
                              "🛒 Заказать -> form:order\n« Каталог -> catalog");
  return {{"Pages",
           {page("start",
                 w("Welcome to the tea shop! Open the catalog:",
                   "Добро пожаловать в чайную лавку! Откройте каталог:"),
                 w("Catalog -> catalog\nHow to order -> how_to_order",
                   "Каталог -> catalog\nКак заказать -> how_to_order")),
            page("catalog", w("Our catalog:", "Наш каталог:"),
                 w("Tea -> tea | Coffee -> coffee", "Чай -> tea | Кофе -> coffee")),
            page("tea", w("Tea:", "Чай:"),
                 w("Green tea, 8 € -> green_tea\nBlack tea, 7 € -> black_tea",
                   "Зелёный чай, 800 ₽ -> green_tea\nЧёрный чай, 700 ₽ -> "
                   "black_tea")),
            page("coffee", w("Coffee:", "Кофе:"),
                 w("Coffee beans, 12 € -> coffee_beans",
                   "Кофе в зёрнах, 1200 ₽ -> coffee_beans")),
            page("green_tea",
                 w("Green tea Sencha, 100 g — 8 €",
                   "Зелёный чай сенча, 100 г — 800 ₽"),
                 order),
            page("black_tea",
                 w("Black tea Assam, 100 g — 7 €",
                   "Чёрный чай ассам, 100 г — 700 ₽"),
                 order),
            page("coffee_beans",
                 w("Coffee beans from Brazil, 250 g — 12 €",
                   "Кофе в зёрнах, Бразилия, 250 г — 1200 ₽"),
                 order),
            page("how_to_order",
                 w("Press Order on a product and answer a few questions. We call you back to "
                   "confirm; you pay on delivery.",
                   "Нажмите «Заказать» у товара и ответьте на пару вопросов. Мы перезвоним для "
                   "подтверждения; оплата при получении."))}},
          {"Forms",
           {question("order", "product", w("What would you like?", "Что вы хотите заказать?"),
                     "choice", w("Product", "Товар"),
                     w("Green tea | Black tea | Coffee beans",
                       "Зелёный чай | Чёрный чай | Кофе в зёрнах")),
            question("order", "quantity", w("How many packs?", "Сколько упаковок?"), "number",
                     w("Quantity", "Количество")),
            question("order", "phone", w("Your phone number?", "Ваш телефон?"), "phone",
                     w("Phone", "Телефон")),
            question("order", "address", w("Delivery address?", "Адрес доставки?"), "text",
                     w("Address", "Адрес"))}}};
}

}  // namespace

const std::vector<std::string>& template_names() {
  static const std::vector<std::string> kNames = {"card", "faq", "leadgen", "shop"};
  return kNames;
}

std::string template_summary() {
  return "card: a business card (about, prices, contacts); faq: questions by topic; leadgen: a "
         "request form; shop: a catalog made of pages with an order form";
}

std::optional<Rows> template_rows(const std::string& name, const std::string& language,
                                  const std::string& bot_name) {
  const Words w{language == "ru"};
  Rows rows;
  if (name == "card") {
    rows = card(w);
  } else if (name == "faq") {
    rows = faq(w);
  } else if (name == "leadgen") {
    rows = leadgen(w);
  } else if (name == "shop") {
    rows = shop(w);
  } else {
    return std::nullopt;
  }
  rows["Settings"] = {
      {{"key", "bot_name"}, {"value", bot_name}},
      {{"key", "start_page"}, {"value", "start"}},
      {{"key", "default_language"}, {"value", language}},
      {{"key", "parse_mode"}, {"value", "none"}},
      {{"key", "link_previews"}, {"value", "no"}},
      {{"key", "back_button"}, {"value", "yes"}},
  };
  auto& texts = rows["Texts"];
  if (!w.ru) {
    // One row to show what Texts does: it replaces a text the bot itself sends.
    texts.push_back({{"key", "unknown_command"},
                     {"en", "Sorry, I did not understand. Press /start to see the menu."}});
  } else {
    for (const auto& [key, text] : kPagesRu) texts.push_back({{"key", key}, {"ru", text}});
    if (rows.count("Forms")) {
      for (const auto& [key, text] : kFormsRu) texts.push_back({{"key", key}, {"ru", text}});
    }
  }
  return rows;
}

std::optional<StarterWorkbook> starter_workbook(const CompileOptions& options,
                                                const std::string& template_name,
                                                const std::string& language,
                                                const std::string& bot_name,
                                                const std::string& version) {
  auto rows = template_rows(template_name, language, bot_name);
  if (!rows) return std::nullopt;
  StarterWorkbook book;
  book.language = language;
  book.bot_name = bot_name;
  book.generator_version = version;
  book.text_languages = {language};
  book.sheets = core_sheet_specs();
  book.sheets.insert(book.sheets.end(), options.sheets.begin(), options.sheets.end());
  // The sheets a bot needs (Pages) come first, right after "How to".
  std::stable_partition(book.sheets.begin(), book.sheets.end(),
                        [](const SheetSpec& s) { return s.required; });
  book.settings = core_settings();
  book.settings.insert(book.settings.end(), options.settings.begin(), options.settings.end());
  for (const auto& [sheet, unused] : *rows) {
    const bool declared = std::any_of(book.sheets.begin(), book.sheets.end(),
                                      [&](const SheetSpec& spec) { return spec.name == sheet; });
    if (!declared) {
      throw std::runtime_error("the template \"" + template_name + "\" fills the sheet " + sheet +
                               ", which no module of this bot declares — enable the module that "
                               "reads it, or pick another template");
    }
  }
  book.rows = std::move(*rows);
  return book;
}

}  // namespace corebot::content::starter
