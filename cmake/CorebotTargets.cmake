# Helpers that give every target the same flags, so a part's CMakeLists only lists its files.

set(COREBOT_WARNINGS -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(COREBOT_SANITIZE)
  set(COREBOT_SANITIZER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_compile_options(${COREBOT_SANITIZER_FLAGS})
  add_link_options(${COREBOT_SANITIZER_FLAGS})
endif()

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
