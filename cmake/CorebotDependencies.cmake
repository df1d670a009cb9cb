# Every dependency comes from Debian 12's packages (scripts/bootstrap.sh installs them).
find_package(Threads REQUIRED)
find_package(Boost 1.81.0 EXACT CONFIG REQUIRED COMPONENTS json url)
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
if(COREBOT_TESTS)
  find_package(GTest REQUIRED)
endif()
find_package(Python3 REQUIRED COMPONENTS Interpreter)
# The allocator of the shipped executables (corebot, the sandbox): glibc's malloc spent ~40 % of
# the engine's CPU per reply, mostly consolidating the small blocks a JSON document frees whenever
# a response body of 1 KB or more is allocated; mimalloc halves that at +1 MB idle RSS
# (docs/benchmarks.md, "The allocator"). Not under the sanitizers, which replace malloc.
if(COREBOT_MIMALLOC AND NOT COREBOT_SANITIZE AND NOT COREBOT_FUZZ)
  find_package(mimalloc 2.0 CONFIG REQUIRED)
endif()
