// ContentSource: links as owners paste them, files and links read whole, change detection for
// polling, and every way a download can go wrong reported with a fix. Links are served by an
// in-process HttpServer on 127.0.0.1.
#include "content/source.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "net/event_loop.hpp"
#include "net/http_server.hpp"

#ifndef COREBOT_CONTENT_FIXTURES
#error "COREBOT_CONTENT_FIXTURES must name tests/fixtures/content"
#endif

namespace corebot::content {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string fixture_bytes(const std::string& name) {
  std::ifstream in(std::string(COREBOT_CONTENT_FIXTURES) + "/" + name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

constexpr char kXlsxType[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

TEST(SourceLinks, GoogleSheetsLinksBecomeXlsxExports) {
  const std::string id = "1AbC-dEf_123";
  const std::string expected =
      "https://docs.google.com/spreadsheets/d/" + id + "/export?format=xlsx";
  for (const std::string& pasted :
       {"https://docs.google.com/spreadsheets/d/" + id + "/edit#gid=0",
        "https://docs.google.com/spreadsheets/d/" + id + "/edit?usp=sharing",
        "https://docs.google.com/spreadsheets/d/" + id + "/view",
        "https://docs.google.com/spreadsheets/d/" + id,
        "https://DOCS.google.com/spreadsheets/d/" + id + "/"}) {
    EXPECT_EQ(download_url(pasted), expected) << pasted;
  }
  // Links that already download are kept, without a fragment.
  for (const std::string& kept :
       {"https://docs.google.com/spreadsheets/d/" + id + "/export?format=ods",
        std::string("https://docs.google.com/spreadsheets/d/e/2PACX-1v/pub?output=xlsx"),
        std::string("https://example.com/bot/content.xlsx?v=2")}) {
    EXPECT_EQ(download_url(kept + "#top"), kept);
  }
}

TEST(SourceLinks, KnowsLinksFromPathsAndHidesPasswords) {
  EXPECT_TRUE(is_link("https://example.com/a.xlsx"));
  EXPECT_TRUE(is_link("HTTP://example.com/a.csv"));
  EXPECT_FALSE(is_link("content.xlsx"));
  EXPECT_FALSE(is_link("/srv/http/content.xlsx"));
  EXPECT_FALSE(is_link("ftp://example.com/a.xlsx"));
  EXPECT_EQ(display_source("https://owner:s3cret@example.com/a.xlsx?x=1"),
            "https://example.com/a.xlsx?x=1");
  EXPECT_EQ(display_source("https://example.com/a@b.xlsx"), "https://example.com/a@b.xlsx");
  EXPECT_EQ(display_source("data/a.xlsx"), "data/a.xlsx");
}

TEST(SourceFile, ReadsAndNoticesChanges) {
  const fs::path dir = fs::temp_directory_path() / ("corebot-source-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "bot.csv";
  std::ofstream(file) << "key,value\nbot_name,One\n";
  ContentSource source(file.string());
  SourceRead first = source.read(/*only_if_changed=*/true);
  ASSERT_TRUE(first.result.ok()) << first.result.error;
  EXPECT_FALSE(first.unchanged);
  EXPECT_EQ(first.result.workbook->sheets.front().name(), "bot");
  EXPECT_TRUE(source.read(true).unchanged);
  EXPECT_FALSE(source.read(false).unchanged);  // an explicit reload always reads

  std::ofstream(file) << "key,value\nbot_name,Two, longer\n";
  fs::last_write_time(file, fs::last_write_time(file) + 2s);
  SourceRead changed = source.read(true);
  ASSERT_FALSE(changed.unchanged);
  EXPECT_EQ(changed.result.workbook->sheets.front().at(1, 1).text, "Two");
  fs::remove_all(dir);
}

TEST(SourceFile, AMissingFileSaysSo) {
  ContentSource source("/nonexistent/bot.xlsx");
  const SourceRead read = source.read();
  ASSERT_FALSE(read.result.ok());
  EXPECT_NE(read.result.error.find("bot.xlsx: cannot open the file"), std::string::npos)
      << read.result.error;
}

// A small web server: each path answers with what the test put there.
class SourceUrl : public ::testing::Test {
 protected:
  struct Route {
    int status = 200;
    std::string type;
    std::string body;
    net::Headers headers;
  };

  SourceUrl() {
    server_ = std::make_unique<net::HttpServer>(
        loop_, net::HttpServerOptions{}, [this](net::HttpRequest request, net::Respond respond) {
          std::lock_guard lock(mutex_);
          requests_.push_back(request);
          const auto it = routes_.find(request.path);
          net::HttpResponse response;
          if (it == routes_.end()) {
            response.status = 404;
            response.content_type = "text/plain";
            response.body = "no such file";
          } else {
            response.status = it->second.status;
            response.content_type = it->second.type;
            response.body = it->second.body;
            response.headers = it->second.headers;
            if (const auto tag = request.header("if-none-match");
                tag && !tag->empty() && *tag == etag_) {
              response.status = 304;
              response.body.clear();
            }
          }
          respond(std::move(response));
        });
    server_->start();
    thread_ = std::thread([this] { loop_.run(); });
  }
  ~SourceUrl() override {
    loop_.post([this] { server_->stop(); });
    loop_.stop();
    thread_.join();
  }

  void serve(const std::string& path, Route route) {
    std::lock_guard lock(mutex_);
    routes_[path] = std::move(route);
  }
  void set_etag(std::string etag) {
    std::lock_guard lock(mutex_);
    etag_ = std::move(etag);
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }

  net::EventLoop loop_;
  std::unique_ptr<net::HttpServer> server_;
  std::thread thread_;
  std::mutex mutex_;
  std::map<std::string, Route> routes_;
  std::vector<net::HttpRequest> requests_;
  std::string etag_;
};

TEST_F(SourceUrl, DownloadsAWorkbookBehindRedirects) {
  serve("/files/bot.xlsx", {.type = kXlsxType, .body = fixture_bytes("good.xlsx")});
  serve("/share", {.status = 302, .headers = {{"Location", url("/files/bot.xlsx")}}});
  ContentSource source(url("/share"));
  const SourceRead read = source.read();
  ASSERT_TRUE(read.result.ok()) << read.result.error;
  EXPECT_EQ(read.result.workbook->source, url("/share"));
  EXPECT_NE(read.result.workbook->find("Pages"), nullptr);
}

TEST_F(SourceUrl, TheContentDecidesTheFormatOverAMisleadingName) {
  // A server that calls an XLSX "application/octet-stream" at a path without an extension.
  serve("/download", {.type = "application/octet-stream", .body = fixture_bytes("good.ods")});
  ContentSource source(url("/download"));
  const SourceRead read = source.read();
  ASSERT_TRUE(read.result.ok()) << read.result.error;
  EXPECT_NE(read.result.workbook->find("Pages"), nullptr);
}

TEST_F(SourceUrl, ACsvIsNamedAfterItsFile) {
  serve("/export", {.type = "text/csv",
                    .body = "key,value\nbot_name,Shop\n",
                    .headers = {{"Content-Disposition", "attachment; filename=\"Settings.csv\""}}});
  ContentSource source(url("/export"));
  const SourceRead read = source.read();
  ASSERT_TRUE(read.result.ok()) << read.result.error;
  EXPECT_EQ(read.result.workbook->sheets.front().name(), "Settings");
}

TEST_F(SourceUrl, PollingSkipsUnchangedDownloads) {
  serve("/bot.xlsx", {.type = kXlsxType, .body = fixture_bytes("good.xlsx")});
  ContentSource source(url("/bot.xlsx"));
  ASSERT_TRUE(source.read(true).result.ok());
  EXPECT_TRUE(source.read(true).unchanged);  // the same bytes again

  serve("/bot.xlsx", {.type = kXlsxType, .body = fixture_bytes("good.ods")});
  const SourceRead changed = source.read(true);
  EXPECT_FALSE(changed.unchanged);
  EXPECT_TRUE(changed.result.ok()) << changed.result.error;
}

TEST_F(SourceUrl, PollingSendsTheETagAndHonours304) {
  set_etag("\"v1\"");
  serve("/bot.xlsx",
        {.type = kXlsxType, .body = fixture_bytes("good.xlsx"), .headers = {{"ETag", "\"v1\""}}});
  ContentSource source(url("/bot.xlsx"));
  ASSERT_TRUE(source.read(true).result.ok());
  EXPECT_TRUE(source.read(true).unchanged);
  std::lock_guard lock(mutex_);
  ASSERT_EQ(requests_.size(), 2u);
  EXPECT_EQ(requests_[1].header("if-none-match").value_or(""), "\"v1\"");
}

TEST_F(SourceUrl, AnHtmlPageIsNotASpreadsheet) {
  serve("/login", {.type = "text/html; charset=utf-8",
                   .body = "<!DOCTYPE html><html><body>Sign in</body></html>"});
  ContentSource source(url("/login"));
  const SourceRead read = source.read();
  ASSERT_FALSE(read.result.ok());
  EXPECT_EQ(read.result.error, url("/login") + ": the link returned a web page, not a spreadsheet");
  EXPECT_NE(read.result.fix.find(".xlsx, .ods or .csv"), std::string::npos) << read.result.fix;
}

TEST_F(SourceUrl, DownloadFailuresNameTheCauseAndKeepTheContent) {
  serve("/private.xlsx", {.status = 403, .type = "text/plain", .body = "forbidden"});
  ContentSource missing(url("/missing.xlsx"));
  SourceRead read = missing.read();
  ASSERT_FALSE(read.result.ok());
  EXPECT_EQ(
      read.result.error.rfind(url("/missing.xlsx") + ": cannot download the spreadsheet: ", 0), 0u)
      << read.result.error;
  EXPECT_NE(read.result.error.find("404"), std::string::npos) << read.result.error;
  EXPECT_NE(read.result.fix.find("check that the link opens"), std::string::npos);

  ContentSource forbidden(url("/private.xlsx"));
  read = forbidden.read();
  ASSERT_FALSE(read.result.ok());
  EXPECT_NE(read.result.fix.find("Anyone with the link"), std::string::npos) << read.result.fix;
}

TEST_F(SourceUrl, TheLastGoodDownloadIsKeptForAStartWhileTheLinkIsDown) {
  const fs::path dir = fs::temp_directory_path() / ("corebot-cache-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  serve("/bot.xlsx", {.type = kXlsxType, .body = fixture_bytes("good.xlsx")});
  SourceOptions options;
  options.cache_dir = dir / "var";
  ContentSource source(url("/bot.xlsx"), options);
  EXPECT_FALSE(source.read_cached().result.ok()) << "nothing kept yet";
  ASSERT_TRUE(source.read().result.ok());
  EXPECT_EQ(source.remember_good(), "");
  ASSERT_TRUE(fs::exists(source.cache_file()));
  EXPECT_EQ(source.cache_file().parent_path(), dir / "var");

  // Another run of the bot, the link now broken: the copy reads like the download did.
  serve("/bot.xlsx", {.status = 500, .type = "text/plain", .body = "down"});
  ContentSource later(url("/bot.xlsx"), options);
  EXPECT_FALSE(later.read().result.ok());
  const SourceRead cached = later.read_cached();
  ASSERT_TRUE(cached.result.ok()) << cached.result.error;
  EXPECT_EQ(cached.result.workbook->source, url("/bot.xlsx"));
  EXPECT_NE(cached.result.workbook->find("Pages"), nullptr);
  EXPECT_EQ(later.remember_good(), "") << "a failed read leaves the copy alone";
  EXPECT_TRUE(later.read_cached().result.ok());

  // Each link has its own copy; files have none.
  EXPECT_NE(ContentSource(url("/other.xlsx"), options).cache_file(), source.cache_file());
  EXPECT_FALSE(ContentSource(url("/other.xlsx"), options).read_cached().result.ok());
  EXPECT_TRUE(ContentSource("bot.xlsx", options).cache_file().empty());
  fs::remove_all(dir);
}

TEST_F(SourceUrl, ADownloadOverTheSizeLimitIsRefused) {
  serve("/big.csv", {.type = "text/csv", .body = std::string(3000, 'x')});
  SourceOptions options;
  options.limits.max_file_bytes = 1000;
  ContentSource source(url("/big.csv"), options);
  const SourceRead read = source.read();
  ASSERT_FALSE(read.result.ok());
  EXPECT_NE(read.result.error.find("larger than"), std::string::npos) << read.result.error;
}

TEST_F(SourceUrl, ABrokenWorkbookFromALinkIsReportedLikeAFile) {
  serve("/bad.xlsx", {.type = kXlsxType, .body = fixture_bytes("truncated.xlsx")});
  ContentSource source(url("/bad.xlsx"));
  const SourceRead read = source.read();
  ASSERT_FALSE(read.result.ok());
  EXPECT_EQ(read.result.error.rfind(url("/bad.xlsx") + ": not a valid XLSX file", 0), 0u)
      << read.result.error;
}

TEST_F(SourceUrl, AWorkbookThatCrashesTheParserIsAnError) {
  serve("/crash", {.type = "application/vnd.oasis.opendocument.spreadsheet",
                   .body = fixture_bytes("fuzz/known-crash/odf-styles-assert.ods")});
  ContentSource source(url("/crash"));
  const SourceRead read = source.read();
  ASSERT_FALSE(read.result.ok());
  EXPECT_EQ(read.result.error,
            url("/crash") + ": the spreadsheet reader crashed on this file (SIGABRT)");
}

}  // namespace
}  // namespace corebot::content
