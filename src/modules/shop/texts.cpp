#include "modules/shop/texts.hpp"

#include "corebot/phrases.hpp"

namespace corebot::modules::shop {
namespace {

// Keys start with shop_ so they never clash with an owner's own keys.
constexpr Phrase kPhrases[] = {
    {"shop_home", "🛍 Welcome to the shop! Choose a category:",
     "🛍 Добро пожаловать в магазин! Выберите "
     "категорию:"},
    {"shop_empty", "The shop has nothing for sale yet.", "В магазине пока ничего нет."},
    {"shop_category", "{}:", "{}:"},
    {"shop_no_products", "Nothing here yet.", "Здесь пока ничего нет."},
    {"shop_page", "Page {} of {}", "Страница {} из {}"},
    {"shop_back", "« Back", "« Назад"},
    {"shop_search", "🔍 Search", "🔍 Поиск"},
    {"shop_search_prompt",
     "Type a product name to search for:", "Напишите название товара для поиска:"},
    {"shop_search_results", "Found for “{}”:", "Найдено по запросу «{}»:"},
    {"shop_search_none", "Nothing found for “{}”. Try another word, or /shop.",
     "По запросу «{}» ничего не найдено. Попробуйте другое слово или /shop."},
    {"shop_cart_open", "🛒 Cart", "🛒 Корзина"},
    {"shop_orders_button", "📦 My orders", "📦 Мои заказы"},
    {"shop_price", "Price: {}", "Цена: {}"},
    {"shop_in_stock", "In stock: {}", "В наличии: {}"},
    {"shop_sold_out", "Sold out", "Нет в наличии"},
    {"shop_quantity", "Quantity: {}", "Количество: {}"},
    {"shop_add", "🛒 Add to cart", "🛒 В корзину"},
    {"shop_added", "Added to the cart: {} × {}", "Добавлено в корзину: {} × {}"},
    {"shop_other_currency",
     "Your cart holds items paid in {}; check them out first, then buy this one.",
     "В корзине товары с оплатой в {}; оформите их сначала, потом этот товар."},
    {"shop_gone", "This product is no longer sold.", "Этот товар больше не продаётся."},
    {"shop_cart_empty", "Your cart is empty.", "Корзина пуста."},
    {"shop_cart", "🛒 Your cart:", "🛒 Ваша корзина:"},
    {"shop_total", "Total: {}", "Итого: {}"},
    {"shop_checkout", "✅ Checkout", "✅ Оформить"},
    {"shop_clear", "🗑 Empty the cart", "🗑 Очистить"},
    {"shop_removed_line", "❌ {}", "❌ {}"},
    {"shop_item_gone", "⚠️ {} is no longer sold and was taken out of the cart.",
     "⚠️ {} больше не продаётся и убран из корзины."},
    {"shop_price_changed", "⚠️ The price of {} changed from {} to {}.",
     "⚠️ Цена {} изменилась: была {}, стала {}."},
    {"shop_review", "Please check your cart again before checkout.",
     "Пожалуйста, проверьте корзину ещё раз перед оформлением."},
    {"shop_min_order", "The smallest order is {}; your cart holds {}.",
     "Минимальная сумма заказа {}; в корзине на {}."},
    {"shop_ask_delivery", "How should we deliver?", "Как доставить заказ?"},
    {"shop_ask_name", "Your name?", "Ваше имя?"},
    {"shop_ask_phone", "Your phone number?", "Ваш номер телефона?"},
    {"shop_share_phone", "📱 Share my phone number", "📱 Отправить мой номер"},
    {"shop_bad_phone",
     "That does not look like a phone number. Please write it with the country code.",
     "Это не похоже на номер телефона. Напишите его с кодом страны."},
    {"shop_ask_address", "The delivery address?", "Адрес доставки?"},
    {"shop_too_long", "That is too long; please keep it under 300 characters.",
     "Слишком длинно; уложитесь в 300 символов."},
    {"shop_cancel", "Cancel", "Отмена"},
    {"shop_cancelled", "The checkout was cancelled; your cart is kept.",
     "Оформление отменено; корзина сохранена."},
    {"shop_summary", "Your order:", "Ваш заказ:"},
    {"shop_delivery_line", "Delivery: {} — {}", "Доставка: {} — {}"},
    {"shop_contact_line", "{}, {}", "{}, {}"},
    {"shop_address_line", "Address: {}", "Адрес: {}"},
    {"shop_pay_cash", "💵 Pay on delivery", "💵 Оплата при получении"},
    {"shop_pay_card", "💳 Pay by card", "💳 Оплатить картой"},
    {"shop_pay_stars", "⭐ Pay in Stars", "⭐ Оплатить звёздами"},
    {"shop_not_enough", "Sorry, only {} left of {}. Please change the cart.",
     "К сожалению, {} осталось только {}. Измените корзину."},
    {"shop_failed", "Sorry, that did not work. Please try again in a minute.",
     "Не получилось. Попробуйте ещё раз через минуту."},
    {"shop_receipt", "🧾 Order #{} is placed.\n\n{}\n\nStatus: {}",
     "🧾 Заказ №{} оформлен.\n\n{}\n\nСтатус: {}"},
    {"shop_receipt_end", "Thank you for your order!", "Спасибо за заказ!"},
    {"shop_my_orders", "📦 Your orders:", "📦 Ваши заказы:"},
    {"shop_no_orders", "You have no orders yet.", "У вас пока нет заказов."},
    {"shop_order_line", "#{} · {} · {} · {}", "№{} · {} · {} · {}"},
    {"shop_status_changed", "Order #{}: the status is now “{}”.",
     "Заказ №{}: новый статус — «{}»."},
    {"shop_order_cancelled", "Order #{} was cancelled.", "Заказ №{} отменён."},
    {"shop_stale", "This button is out of date. Send /shop.",
     "Эта кнопка устарела. Отправьте /shop."},
    // Staff.
    {"shop_new_order", "🆕 New order #{} from {}:\n\n{}", "🆕 Новый заказ №{} от {}:\n\n{}"},
    {"shop_staff_order", "Order #{} from {} — {}:\n\n{}", "Заказ №{} от {} — {}:\n\n{}"},
    {"shop_staff_cancel", "✖ Cancel the order", "✖ Отменить заказ"},
    {"shop_staff_orders", "🛍 Orders by status:", "🛍 Заказы по статусам:"},
    {"shop_paid_today", "Paid today (UTC): {}", "Оплачено сегодня (UTC): {}"},
    {"shop_staff_none", "No orders with this status.", "Заказов с этим статусом нет."},
    {"shop_not_allowed", "Your role does not allow this.", "Ваша роль этого не позволяет."},
    {"shop_admin_button", "🛍 Orders", "🛍 Заказы"},
    {"shop_paid", "✅ Paid", "✅ Оплачен"},
    {"shop_invoice_title", "Order #{}", "Заказ №{}"},
    {"shop_pay_closed", "This order is no longer open. Please check out again.",
     "Этот заказ уже закрыт. Оформите его заново."},
    {"shop_pay_changed", "The prices have changed. Please check your cart and check out again.",
     "Цены изменились. Проверьте корзину и оформите заказ заново."},
    {"shop_digital", "📦 {}: {}", "📦 {}: {}"},
    {"shop_staff_refund", "↩ Refund the Stars", "↩ Вернуть звёзды"},
    {"shop_refund_none", "Only a paid Stars order can be refunded here.",
     "Здесь можно вернуть только оплаченный звёздами заказ."},
    {"shop_refund_failed", "The refund did not work: {}", "Возврат не удался: {}"},
    {"shop_order_refunded", "Order #{}: your payment was refunded.",
     "Заказ №{}: оплата возвращена."},
    {"shop_unpaid", "💵 To pay on delivery", "💵 Оплата при получении"},
};

// The order statuses' names (an owner's own statuses have none: they show as written).
constexpr Phrase kStatuses[] = {{"new", "new", "новый"},
                                {"confirmed", "confirmed", "подтверждён"},
                                {"shipped", "shipped", "отправлен"},
                                {"done", "done", "выполнен"},
                                {"paid", "paid", "оплачен"},
                                {"cancelled", "cancelled", "отменён"},
                                {"refunded", "refunded", "возвращён"},
                                {"pending", "awaiting payment", "ожидает оплаты"},
                                {"expired", "payment expired", "время оплаты истекло"},
                                {"failed", "payment failed", "оплата не прошла"}};

}  // namespace

std::string say(const Content* content, std::string_view language, std::string_view key) {
  if (content && content->has_text(key)) return std::string(content->text(key, language));
  return phrase_in(kPhrases, language, key);
}

std::string say(const Context& ctx, std::string_view key) {
  return say(ctx.content(), ctx.language(), key);
}

std::string format(std::string pattern, const std::vector<std::string>& values) {
  return fill(std::move(pattern), values);
}

std::string status_name(const Content* content, std::string_view language,
                        std::string_view status) {
  if (content && content->has_text(status)) return std::string(content->text(status, language));
  return phrase_in(kStatuses, language, status);
}

std::vector<std::string> all_keys() { return phrase_keys(kPhrases); }

}  // namespace corebot::modules::shop
