// What the shop declares about the workbook: its two sheets with the notes of the starter
// workbook, and its keys of the Settings sheet.
#include "modules/shop/catalog.hpp"

namespace corebot::modules::shop {

std::vector<ContentSheet> shop_sheets() {
  ContentSheet products{
      .name = std::string(kProducts),
      .required = false,
      .columns =
          {{.name = "id",
            .type = ColumnType::kId,
            .required = true,
            .max_length = 24,
            .help = {"The product's id, one word. Rows with the same id are the variants of one "
                     "product.",
                     "id товара одним словом. Строки с одинаковым id — варианты одного товара.",
                     "tshirt"}},
           {.name = "category",
            .type = ColumnType::kId,
            .help = {"The id of its category (Categories sheet).",
                     "id категории (лист Categories).", "clothes"}},
           {.name = "name",
            .type = ColumnType::kText,
            .max_length = 100,
            .help = {"The name customers see; on the product's first row.",
                     "Название для покупателей; в первой строке товара.", "T-shirt"}},
           {.name = "description",
            .type = ColumnType::kText,
            .max_length = 900,
            .help = {"A few words on the product card.", "Пара слов для карточки товара.",
                     "Organic cotton"}},
           {.name = "price",
            .type = ColumnType::kText,
            .help = {"The price, like 12.50 (a variant's own price on its row).",
                     "Цена, например 12.50 (у варианта — своя, в его строке).", "12.50"}},
           {.name = "currency",
            .type = ColumnType::kText,
            .help = {"Empty: the shop's currency; XTR: Telegram Stars (digital goods only).",
                     "Пусто — валюта магазина; XTR — звёзды Telegram (только цифровые товары).",
                     "XTR"}},
           {.name = "photo",
            .type = ColumnType::kText,
            .help = {"A photo: a link or a Telegram file id.", "Фото: ссылка или file id Telegram.",
                     "https://example.com/tshirt.jpg"}},
           {.name = "variant",
            .type = ColumnType::kText,
            .max_length = 30,
            .help = {"The variant of this row (size, colour); empty when the product has none.",
                     "Вариант этой строки (размер, цвет); пусто, если вариантов нет.", "M"}},
           {.name = "stock",
            .type = ColumnType::kInteger,
            .help = {"How many are in stock; empty: unlimited.",
                     "Сколько в наличии; пусто — без ограничения.", "10"}},
           {.name = "digital",
            .type = ColumnType::kBoolean,
            .help = {"yes: delivered in the chat on payment (no address, no delivery).",
                     "yes — выдаётся в чате после оплаты (без адреса и доставки).", "no"}},
           {.name = "item",
            .type = ColumnType::kText,
            .aliases = {"digital item", "file"},
            .help = {"Digital goods: what the buyer receives — a link, a Texts key or a file id.",
                     "Цифровой товар: что получит покупатель — ссылку, ключ Texts или file id.",
                     "https://example.com/download"}},
           {.name = "active",
            .type = ColumnType::kBoolean,
            .help = {"no hides the product; empty means yes.", "no скрывает товар; пусто — yes.",
                     "yes"}}},
      .help = {"The products of the shop: one row per product, or one row per variant.",
               "Товары магазина: одна строка на товар или на каждый вариант."}};
  ContentSheet categories{
      .name = std::string(kCategories),
      .required = false,
      .columns = {{.name = "id",
                   .type = ColumnType::kId,
                   .required = true,
                   .unique = true,
                   .max_length = 24,
                   .help = {"The category's id, one word.", "id категории одним словом.",
                            "clothes"}},
                  {.name = "name",
                   .type = ColumnType::kText,
                   .required = true,
                   .max_length = 60,
                   .help = {"Its button text.", "Текст её кнопки.", "Clothes"}},
                  {.name = "parent",
                   .type = ColumnType::kId,
                   .help = {"The id of the category it is inside; empty: top level.",
                            "id категории, внутри которой она; пусто — верхний уровень.", ""}},
                  {.name = "photo",
                   .type = ColumnType::kText,
                   .help = {"A photo: a link or a Telegram file id.",
                            "Фото: ссылка или file id Telegram.", ""}},
                  {.name = "order",
                   .type = ColumnType::kInteger,
                   .help = {"Lower comes first; empty: 0.", "Меньше — выше; пусто — 0.", "1"}}},
      .help = {"The shop's categories (nested through parent).",
               "Категории магазина (вложенные через parent)."}};
  return {std::move(products), std::move(categories)};
}

std::vector<ContentSetting> shop_settings() {
  auto text = [](std::string key, std::string def, std::string en, std::string ru) {
    return ContentSetting{.key = std::move(key),
                          .type = ColumnType::kText,
                          .default_value = std::move(def),
                          .description = std::move(en),
                          .description_ru = std::move(ru)};
  };
  return {
      text("shop_currency", "", "The shop's currency code, e.g. EUR (default USD).",
           "Код валюты магазина, например RUB (по умолчанию USD)."),
      text("shop_min_order", "", "The smallest order total, e.g. 10.00; empty: none.",
           "Минимальная сумма заказа, например 500; пусто — нет."),
      text("shop_delivery", "",
           "Delivery options with prices: Courier = 5.00 | Pickup = 0, no address.",
           "Способы доставки с ценами: Курьер = 300 | Самовывоз = 0, no address."),
      text("shop_payments", "", "How customers pay: card, stars, cash (default cash).",
           "Способы оплаты: card, stars, cash (по умолчанию cash)."),
      text("shop_statuses", "",
           "Order statuses staff move orders through: new | confirmed | shipped | done.",
           "Статусы заказа: new | confirmed | shipped | done."),
      text("shop_receipt", "", "The closing words of the receipt (or a Texts key).",
           "Заключительные слова чека (или ключ Texts)."),
      // Config only ([modules.shop] in bot.toml): the payment provider's token, from a file.
      ContentSetting{.key = "provider_token_file",
                     .type = ColumnType::kText,
                     .description = "A file holding the payment provider's token (for card).",
                     .description_ru = "Файл с токеном платёжного провайдера (для card)."},
  };
}

}  // namespace corebot::modules::shop
