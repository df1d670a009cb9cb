#include "content/module_declarations.hpp"

namespace corebot::content {

CompileOptions compile_options(const std::vector<ModuleInfo>& modules) {
  CompileOptions options;
  for (const ModuleInfo& info : modules) {
    for (const ContentSheet& sheet : info.sheets) {
      SheetSpec spec{.name = sheet.name, .required = sheet.required, .help = sheet.help};
      for (const ContentColumn& c : sheet.columns) {
        spec.columns.push_back(ColumnSpec{.name = c.name,
                                          .type = c.type,
                                          .required = c.required,
                                          .unique = c.unique,
                                          .max_length = c.max_length,
                                          .choices = c.choices,
                                          .aliases = c.aliases,
                                          .help = c.help});
      }
      options.sheets.push_back(std::move(spec));
    }
    for (const ContentSetting& s : info.settings) {
      // A structured setting (an array, a table) only comes from the config file.
      if (!s.structured) {
        options.settings.push_back({s.key, s.type, s.choices, s.description, s.description_ru});
      }
    }
    if (info.page_buttons) options.button_prefixes.push_back(info.callback_prefix);
    if (info.content_check) {
      // A module's check that throws is one error in the report, never the end of the process
      // (it runs on the reload worker thread, where nothing else would catch it).
      options.checks.push_back([name = info.name, check = info.content_check](const Content& c) {
        try {
          return check(c);
        } catch (const std::exception& e) {
          return std::vector<ContentProblem>{
              {true, "", "",
               "the module '" + name + "' failed while checking the content (" + e.what() + ")",
               "the previous content stays live; tell the module's author, or switch the "
               "module off with [modules] disabled = [\"" +
                   name + "\"]"}};
        }
      });
    }
    if (info.text_keys) {
      // Like a check, it runs on the reload worker: a throw means "no keys", never a crash.
      options.text_keys.push_back([keys = info.text_keys](const Content& c) {
        try {
          return keys(c);
        } catch (const std::exception&) {
          return std::vector<std::string>{};
        }
      });
    }
  }
  return options;
}

}  // namespace corebot::content
