# cmake -DBUILD_DIR=<dir> -DTARGET=<target> -DEXPECT=<regex> -P expect_compile_error.cmake
# Builds TARGET and passes only when the build fails with output matching EXPECT, so the test
# fails for a build that succeeds and for one that fails for another reason.
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(result EQUAL 0)
  message(FATAL_ERROR "${TARGET} built, but a module must not see engine headers")
endif()
if(NOT "${out}${err}" MATCHES "${EXPECT}")
  message(FATAL_ERROR "${TARGET} failed for another reason than the one expected (${EXPECT}):\n${out}${err}")
endif()
message(STATUS "${TARGET} is refused as expected: ${EXPECT}")
