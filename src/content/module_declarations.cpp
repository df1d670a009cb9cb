#include "content/module_declarations.hpp"

namespace corebot::content {

CompileOptions compile_options(const std::vector<ModuleInfo>& modules) {
  CompileOptions options;
  for (const ModuleInfo& info : modules) {
    for (const ContentSheet& sheet : info.sheets) {
      SheetSpec spec{.name = sheet.name, .required = sheet.required};
      for (const ContentColumn& c : sheet.columns) {
        spec.columns.push_back(ColumnSpec{.name = c.name,
                                          .type = c.type,
                                          .required = c.required,
                                          .unique = c.unique,
                                          .max_length = c.max_length,
                                          .choices = c.choices,
                                          .aliases = c.aliases});
      }
      options.sheets.push_back(std::move(spec));
    }
    for (const ContentSetting& s : info.settings) {
      // A structured setting (an array, a table) only comes from the config file.
      if (!s.structured) options.settings.push_back({s.key, s.type, s.choices});
    }
    if (info.page_buttons) options.button_prefixes.push_back(info.callback_prefix);
    if (info.content_check) options.checks.push_back(info.content_check);
    if (info.text_keys) options.text_keys.push_back(info.text_keys);
  }
  return options;
}

}  // namespace corebot::content
