# Shared compile settings for Lagrum's own targets.

if(LAGRUM_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(LAGRUM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "LAGRUM_FUZZ=ON needs clang (CC=clang CXX=clang++)")
  endif()
  # Instrument all code for coverage so libFuzzer sees inside the libraries it drives.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
  set(CMAKE_C_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

# lagrum_warnings(target): strict warnings for code we write (not generated code).
function(lagrum_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wcast-align -Wunused -Wnull-dereference)
  if(LAGRUM_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
    # GCC 12 at -O3 emits a false -Wstringop-overread inside libstdc++'s std::vector <=>
    # (lexicographical_compare_three_way, "bound [2^63, 2^64-1]"); in Release builds keep
    # it visible as a warning but do not fail on it (other configurations are unchanged).
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
      target_compile_options(${target} PRIVATE $<$<CONFIG:Release>:-Wno-error=stringop-overread>)
      # With -fsanitize=address GCC 12 reports -Wmaybe-uninitialized for moved-from
      # std::variant members it cannot see through (a documented ASan interaction); the
      # normal build keeps the warning as an error.
      if(LAGRUM_SANITIZE)
        target_compile_options(${target} PRIVATE -Wno-error=maybe-uninitialized)
      endif()
    endif()
  endif()
endfunction()

# lagrum_add_subdirs(): add every immediate subdirectory that has a CMakeLists.txt,
# in sorted order, except the names given. Lets each area own its folder.
function(lagrum_add_subdirs)
  file(GLOB children LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}
       ${CMAKE_CURRENT_SOURCE_DIR}/*)
  list(SORT children)
  foreach(child ${children})
    if(child IN_LIST ARGN)
      continue()
    endif()
    if(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/${child}
       AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${child}/CMakeLists.txt)
      add_subdirectory(${child})
    endif()
  endforeach()
endfunction()
