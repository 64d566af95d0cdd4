# lagrum_fuzz_target(NAME SOURCES src... LIBS lib... [SEEDS_FIXTURE fixture CORPUS dir...]
#                    [MUTANTS n])
#
# One source, two builds:
#  * -DLAGRUM_FUZZ=ON (clang): a libFuzzer binary; ctest runs it for
#    LAGRUM_FUZZ_SECONDS (default 20) from the seed corpus, so CI fuzzes a bounded time.
#  * otherwise: the same LLVMFuzzerTestOneInput linked with tests/fuzz/driver.cpp, a
#    deterministic replay + mutation runner (every seed, then a fixed number of mutants
#    per seed). It runs in every normal and sanitizer test run as a property test:
#    no input may crash, hang or leak. MUTANTS lowers the mutants per seed for targets
#    whose single input is expensive (the whole suite must stay within the CI budget).
set(LAGRUM_FUZZ_SECONDS 20 CACHE STRING "Seconds each libFuzzer target runs under ctest")
set(LAGRUM_FUZZ_MUTANTS 300 CACHE STRING "Mutants per seed in the replay driver")

function(lagrum_fuzz_target name)
  # CORPUS takes several folders (a one-value keyword silently dropped all but the first).
  cmake_parse_arguments(F "" "SEEDS_FIXTURE;MUTANTS" "SOURCES;LIBS;CORPUS" ${ARGN})
  if(NOT F_MUTANTS)
    set(F_MUTANTS ${LAGRUM_FUZZ_MUTANTS})
  endif()
  if(LAGRUM_FUZZ)
    add_executable(${name} ${F_SOURCES})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    set(_cmd ${name} -max_total_time=${LAGRUM_FUZZ_SECONDS} -rss_limit_mb=2048 -timeout=10
             -print_final_stats=1 ${F_CORPUS})
  else()
    add_executable(${name} ${F_SOURCES} ${PROJECT_SOURCE_DIR}/tests/fuzz/driver.cpp)
    set(_cmd ${name} --mutants ${F_MUTANTS} ${F_CORPUS})
  endif()
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  # `ninja lagrum_fuzzers` builds every fuzz target (and only what they need).
  if(NOT TARGET lagrum_fuzzers)
    add_custom_target(lagrum_fuzzers)
  endif()
  add_dependencies(lagrum_fuzzers ${name} fuzz_seeds)
  lagrum_warnings(${name})
  add_test(NAME fuzz.${name} COMMAND ${_cmd})
  set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz TIMEOUT 600)
  if(F_SEEDS_FIXTURE)
    set_tests_properties(fuzz.${name} PROPERTIES FIXTURES_REQUIRED ${F_SEEDS_FIXTURE})
  endif()
endfunction()
