# ctest helper: builds the probe target PROBE_TARGET in BUILD_DIR and passes only if the
# build fails because a [[nodiscard]] result was ignored. A build that succeeds, or that
# fails for any other reason, fails the test.
execute_process(
  COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${PROBE_TARGET}
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "${PROBE_TARGET} compiled: a discarded result is not an error any more")
endif()
if(NOT out MATCHES "nodiscard" OR NOT out MATCHES "unused-result")
  message(FATAL_ERROR "${PROBE_TARGET} failed, but not because of [[nodiscard]]:\n${out}")
endif()
message(STATUS "${PROBE_TARGET}: refused as expected")
