// Who may use the sandbox's control API. It listens on 127.0.0.1 and hands out bot tokens and
// chats, so a web page the developer happens to open must not reach it: a cross-site form post
// (no preflight for text/plain), or a DNS-rebinding page whose own domain now resolves to
// 127.0.0.1, would otherwise drive it. So a control request must name a local host (or the host
// the sandbox was told to listen on) in `Host`, come from the same origin when a browser says
// where it comes from (`Origin`), and send its body as JSON (which a page can only do across
// origins after a CORS preflight the sandbox never grants).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "net/http_types.hpp"

namespace corebot::sandbox {

// Why the request is refused (one sentence for the 403's description), or nullopt when allowed.
// `listen_host`: the sandbox's own listen address (also allowed in Host and Origin).
[[nodiscard]] std::optional<std::string> control_refusal(const net::HttpRequest& request,
                                                         std::string_view listen_host);

}  // namespace corebot::sandbox
