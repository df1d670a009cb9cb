# cmake -DINPUT=<file> -DOUTPUT=<file.cpp> -P embed_file.cmake
# Writes a .cpp defining corebot::sandbox::webchat_page() returning INPUT's bytes.
file(READ ${INPUT} content HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
file(WRITE ${OUTPUT}
  "// Generated from webchat.html by embed_file.cmake. Do not edit.\n"
  "#include <string_view>\n"
  "namespace corebot::sandbox {\n"
  "namespace { constexpr char kPage[] = {${bytes} '\\0'}; }\n"
  "std::string_view webchat_page() { return {kPage, sizeof(kPage) - 1}; }\n"
  "}  // namespace corebot::sandbox\n")
