# Helpers that give every target the same flags, so a part's CMakeLists only lists its files.

set(COREBOT_WARNINGS -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(COREBOT_SANITIZE)
  set(COREBOT_SANITIZER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_compile_options(${COREBOT_SANITIZER_FLAGS})
  add_link_options(${COREBOT_SANITIZER_FLAGS})
endif()
# The fuzz build (COREBOT_FUZZ): every part instrumented for libFuzzer's coverage and built with
# ASan+UBSan (a UBSan report aborts, so the fuzzer sees it as a crash); fuzz targets add
# -fsanitize=fuzzer at link time, other executables link the sanitizers' runtimes only.
if(COREBOT_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "COREBOT_FUZZ needs clang (libFuzzer): -DCMAKE_CXX_COMPILER=clang++-14")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# corebot_use_allocator(<target>): links mimalloc into an executable so that it replaces malloc
# and operator new process-wide (why: cmake/CorebotDependencies.cmake). --no-as-needed: nothing
# calls mimalloc by name, and a linker that drops unused libraries would drop it.
function(corebot_use_allocator target)
  if(TARGET mimalloc)
    target_link_libraries(${target} PRIVATE -Wl,--push-state,--no-as-needed mimalloc
                          -Wl,--pop-state)
  endif()
endfunction()

# corebot_library(<name> SOURCES ... [DEPS ...] [PRIVATE_DEPS ...])
function(corebot_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${COREBOT_WARNINGS})
  target_include_directories(${name} PUBLIC ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/include)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# corebot_test(<name> SOURCES ... [DEPS ...]): a GoogleTest binary registered with CTest.
function(corebot_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT COREBOT_TESTS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${COREBOT_WARNINGS})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR})  # for tests/fakes/
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  # A GTEST_SKIP shows as skipped in CTest, not as passed.
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "unit;${ARG_LABELS}"
                       SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]")
endfunction()

include(GoogleTest)

# corebot_module(<name> SOURCES ... [FACTORY <qualified function>...] [DEPS ...])
# A module target (corebot_module_<name>) that sees the public API (include/corebot/) and its own
# folder (and "modules/<name>/..." of the built-ins), nothing else of src/: including an engine
# header fails to compile, which is the boundary
# docs/modules.md promises (tests/boundary/ proves it). The API's implementation is linked without
# its include paths ($<LINK_ONLY:...>). With FACTORY, the module is built in: the function
# (`corebot::ModuleFactory f();`, defined by the module) joins the table the build generates
# (corebot_builtin_modules), so adding a module edits no engine file.
# Built-in modules include each other's headers as "modules/<name>/x.hpp": a folder in the build
# tree holds only a link named modules/ to src/modules/, so that path resolves and core/, net/...
# do not.
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/module_include)
file(CREATE_LINK ${CMAKE_SOURCE_DIR}/src/modules ${CMAKE_BINARY_DIR}/module_include/modules SYMBOLIC)

# The public module API as a target: its headers and what they include (Boost.JSON), nothing of
# the engine. Every module links it.
add_library(corebot_module_headers INTERFACE)
target_include_directories(corebot_module_headers INTERFACE ${CMAKE_SOURCE_DIR}/include)
target_link_libraries(corebot_module_headers INTERFACE Boost::json)

function(corebot_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;FACTORY" ${ARGN})
  set(target corebot_module_${name})
  add_library(${target} STATIC ${ARG_SOURCES})
  target_compile_options(${target} PRIVATE ${COREBOT_WARNINGS})
  target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}
                                              ${CMAKE_BINARY_DIR}/module_include)
  target_link_libraries(${target} PUBLIC corebot_module_headers ${ARG_DEPS}
                        PRIVATE $<LINK_ONLY:corebot_module_api>)
  foreach(factory ${ARG_FACTORY})
    set_property(GLOBAL APPEND PROPERTY COREBOT_BUILTIN_MODULES "${target}=${factory}")
  endforeach()
endfunction()

# Writes the table of built-in modules from every corebot_module(... FACTORY ...) and builds it
# as corebot_builtin_modules. Called once, after every module was added.
function(corebot_builtin_module_table)
  get_property(entries GLOBAL PROPERTY COREBOT_BUILTIN_MODULES)
  set(decls "")
  set(calls "")
  set(targets "")
  foreach(entry ${entries})
    string(REPLACE "=" ";" parts "${entry}")
    list(GET parts 0 target)
    list(GET parts 1 function)
    string(REGEX MATCH "^(.*)::([^:]+)$" _ "${function}")
    set(ns "${CMAKE_MATCH_1}")
    set(fn "${CMAKE_MATCH_2}")
    string(APPEND decls "namespace ${ns} { corebot::ModuleFactory ${fn}(); }\n")
    string(APPEND calls "      ${function}(),\n")
    list(APPEND targets ${target})
  endforeach()
  list(REMOVE_DUPLICATES targets)
  set(out ${CMAKE_BINARY_DIR}/generated/builtin_modules.cpp)
  file(CONFIGURE OUTPUT ${out} CONTENT
"// Generated by corebot_builtin_module_table() (cmake/CorebotTargets.cmake). Do not edit.
#include <vector>

#include \"corebot/module_factory.hpp\"

${decls}
namespace corebot::app {
std::vector<corebot::ModuleFactory> builtin_module_factories() {
  return {
${calls}  };
}
}  // namespace corebot::app
" @ONLY)
  add_library(corebot_builtin_modules STATIC ${out})
  target_include_directories(corebot_builtin_modules PRIVATE ${CMAKE_SOURCE_DIR}/include)
  target_link_libraries(corebot_builtin_modules PUBLIC ${targets} Boost::json)
endfunction()
