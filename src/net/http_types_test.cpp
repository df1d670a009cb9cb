#include "net/http_types.hpp"

#include <gtest/gtest.h>

#include <string>

namespace corebot::net {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(FindHeader, IsCaseInsensitiveAndReturnsTheFirstMatch) {
  const Headers headers = {{"content-type", "text/plain"}, {"x-a", "1"}, {"x-a", "2"}};
  EXPECT_EQ(find_header(headers, "Content-Type"), "text/plain");
  EXPECT_EQ(find_header(headers, "X-A"), "1");
  EXPECT_FALSE(find_header(headers, "missing").has_value());
}

TEST(ParseQuery, DecodesPairs) {
  EXPECT_EQ(parse_query("a=1&b=x%20y&c=p+q"), (Pairs{{"a", "1"}, {"b", "x y"}, {"c", "p q"}}));
}

TEST(ParseQuery, HandlesEmptyAndValuelessEntries) {
  EXPECT_TRUE(parse_query("").empty());
  EXPECT_EQ(parse_query("&&flag&k=&=v&a=b=c"),
            (Pairs{{"flag", ""}, {"k", ""}, {"", "v"}, {"a", "b=c"}}));
}

TEST(UrlDecode, KeepsMalformedEscapesLiterally) {
  EXPECT_EQ(url_decode("%41%4a%4A"), "AJJ");
  EXPECT_EQ(url_decode("100%"), "100%");
  EXPECT_EQ(url_decode("%4"), "%4");
  EXPECT_EQ(url_decode("%zz%"), "%zz%");
  EXPECT_EQ(url_decode("a+b"), "a b");
  EXPECT_EQ(url_decode("a+b", /*plus_is_space=*/false), "a+b");
  EXPECT_EQ(url_decode("%00"), std::string(1, '\0'));
}

TEST(UrlEncode, EncodesAllButUnreservedAndRoundTrips) {
  EXPECT_EQ(url_encode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(url_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  EXPECT_EQ(url_decode(url_encode(all)), all);
}

constexpr char kType[] = "multipart/form-data; boundary=XyZ";

TEST(ParseMultipart, ParsesFieldsAndFiles) {
  const std::string body =
      "preamble is ignored\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"chat_id\"\r\n"
      "\r\n"
      "42\r\n"
      "--XyZ\r\n"
      "content-disposition: form-data; name=\"photo\"; filename=\"a;b \\\"c\\\".png\"\r\n"
      "Content-Type: image/png\r\n"
      "\r\n"
      "\x89PNG\r\n--Xy not a boundary\r\n"
      "--XyZ--\r\n"
      "epilogue";
  const auto parts = parse_multipart(kType, body);
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "chat_id");
  EXPECT_EQ((*parts)[0].data, "42");
  EXPECT_EQ((*parts)[0].filename, "");
  EXPECT_EQ((*parts)[0].content_type, "");
  EXPECT_EQ((*parts)[1].name, "photo");
  EXPECT_EQ((*parts)[1].filename, "a;b \"c\".png");
  EXPECT_EQ((*parts)[1].content_type, "image/png");
  EXPECT_EQ((*parts)[1].data, "\x89PNG\r\n--Xy not a boundary");
}

TEST(ParseMultipart, AcceptsQuotedBoundaryAndEmptyData) {
  const std::string body = "--a b\r\nContent-Disposition: form-data; name=empty\r\n\r\n\r\n--a b--";
  const auto parts = parse_multipart("Multipart/Form-Data; charset=utf-8; boundary=\"a b\"", body);
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].name, "empty");
  EXPECT_EQ((*parts)[0].data, "");
}

TEST(ParseMultipart, AcceptsABodyWithNoParts) {
  const auto parts = parse_multipart(kType, "--XyZ--\r\n");
  ASSERT_TRUE(parts.has_value());
  EXPECT_TRUE(parts->empty());
}

TEST(ParseMultipart, RejectsBadContentTypes) {
  const std::string body = "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ--";
  EXPECT_TRUE(parse_multipart(kType, body).has_value());
  EXPECT_FALSE(parse_multipart("multipart/form-data", body));
  EXPECT_FALSE(parse_multipart("multipart/form-data; boundary=", body));
  EXPECT_FALSE(parse_multipart("multipart/form-data; boundary=\"XyZ", body));
  EXPECT_FALSE(parse_multipart("application/json; boundary=XyZ", body));
  EXPECT_FALSE(parse_multipart("", body));
  EXPECT_FALSE(parse_multipart("multipart/form-data; boundary=" + std::string(71, 'x'), body));
}

TEST(ParseMultipart, RejectsMalformedBodies) {
  const std::vector<std::string> bodies = {
      "",
      "--XyZ",
      "--XyZ\r\n",
      "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1",           // no closing delimiter
      "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ",  // unterminated
      "--XyZgarbage\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ--",
      "--XyZ\r\n\r\n1\r\n--XyZ--",                              // no headers
      "--XyZ\r\nContent-Type: text/plain\r\n\r\n1\r\n--XyZ--",  // no disposition
      "--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\n1\r\n--XyZ--",
      "--XyZ\r\nContent-Disposition: form-data\r\n\r\n1\r\n--XyZ--",  // no name
      "--XyZ\r\nContent-Disposition: form-data; filename=x\r\n\r\n1\r\n--XyZ--",
      "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--XyZ--",
      "--XyZ\r\nno colon here\r\n\r\n1\r\n--XyZ--",
      "--XyZ\r\nContent-Disposition: form-data; name=a\r\n1\r\n--XyZ--",  // no blank line
      "no delimiter at all",
  };
  for (const auto& body : bodies) {
    EXPECT_FALSE(parse_multipart(kType, body).has_value()) << body;
  }
}

TEST(ParseMultipart, NeverCrashesOnTruncationsAndByteFlips) {
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"a\"; filename=\"f\"\r\n"
      "Content-Type: text/plain\r\n\r\ndata\r\n--XyZ\r\n"
      "Content-Disposition: form-data; name=b\r\n\r\nmore\r\n--XyZ--\r\n";
  for (std::size_t n = 0; n <= body.size(); ++n) {
    (void)parse_multipart(kType, body.substr(0, n));
  }
  const char replacements[] = {'\0', '\r', '\n', '-', '"', ';', '\\', 'X'};
  for (std::size_t i = 0; i < body.size(); ++i) {
    for (const char r : replacements) {
      std::string mutated = body;
      mutated[i] = r;
      (void)parse_multipart(kType, mutated);
    }
  }
  SUCCEED();
}

TEST(ReasonPhrase, KnowsTheStandardOnesOnly) {
  EXPECT_EQ(reason_phrase(404), "Not Found");
  EXPECT_EQ(reason_phrase(429), "Too Many Requests");
  EXPECT_EQ(reason_phrase(502), "Bad Gateway");
  EXPECT_EQ(reason_phrase(599), "");
}

// Content-Disposition file names (downloads keep the server's name for a CSV sheet).

struct FileNameCase {
  std::string header;
  std::string expected;
};

void PrintTo(const FileNameCase& c, std::ostream* os) { *os << c.header; }

class FileNameTest : public ::testing::TestWithParam<FileNameCase> {};

TEST_P(FileNameTest, FromContentDisposition) {
  EXPECT_EQ(file_name_from_disposition(GetParam().header), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    ContentDisposition, FileNameTest,
    ::testing::Values(
        FileNameCase{R"(attachment; filename="report.csv")", "report.csv"},
        FileNameCase{"inline; filename=plain.txt", "plain.txt"},
        FileNameCase{"attachment; filename=plain.txt ; size=10", "plain.txt"},
        // filename* wins, wherever it stands, and is percent-decoded.
        FileNameCase{"attachment; filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82%202024.csv; "
                     R"(filename="fallback.csv")",
                     "\xD0\xBE\xD1\x82\xD1\x87\xD1\x91\xD1\x82 2024.csv"},
        FileNameCase{R"(attachment; filename="fallback.csv"; filename*=utf-8'en'na%C3%AFve.csv)",
                     "na\xC3\xAFve.csv"},
        FileNameCase{"attachment; FILENAME*=UTF-8''a%2Bb+c.txt", "a+b+c.txt"},
        FileNameCase{"attachment; filename*=ISO-8859-1''caf%E9.txt", "caf\xC3\xA9.txt"},
        // An undecodable filename* falls back to filename.
        FileNameCase{R"(attachment; filename*=UTF-8''%FF%FE.txt; filename="ok.txt")", "ok.txt"},
        FileNameCase{R"(attachment; filename*=KOI8-R''%C1.txt; filename="ok.txt")", "ok.txt"},
        FileNameCase{R"(attachment; filename*=no-quotes.txt; filename="ok.txt")", "ok.txt"},
        // Quoted strings may hold ';' and escaped quotes.
        FileNameCase{R"(attachment; name="x"; filename="semi;colon \"q\".txt")",
                     R"(semi;colon "q".txt)"},
        // A name, never a path.
        FileNameCase{R"(attachment; filename="../../etc/passwd")", "passwd"},
        FileNameCase{R"(attachment; filename="C:\\Users\\me\\evil.exe")", "evil.exe"},
        FileNameCase{"attachment; filename*=UTF-8''..%2F..%2Fescape.txt", "escape.txt"},
        FileNameCase{R"(attachment; filename="..")", ""}, FileNameCase{"attachment", ""},
        FileNameCase{R"(attachment; filename="")", ""}, FileNameCase{"attachment; filename", ""}));

}  // namespace
}  // namespace corebot::net
