# The pipeline version goes into every result and keys the results store, so results of an older
# analysis are never taken for current ones. A build from a git checkout appends the commit
# (0.1.0+g1a2b3c4d5e): any change to the code changes the version. Taken at configure time.
set(TENDO_PIPELINE_VERSION "${PROJECT_VERSION}")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${PROJECT_SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse --short=10 HEAD
                  WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
                  OUTPUT_VARIABLE TENDO_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(TENDO_GIT_COMMIT)
    set(TENDO_PIPELINE_VERSION "${PROJECT_VERSION}+g${TENDO_GIT_COMMIT}")
  endif()
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/version.hpp.in ${CMAKE_BINARY_DIR}/generated/tendo/version.hpp @ONLY)
add_library(tendo_version INTERFACE)
target_include_directories(tendo_version INTERFACE ${CMAKE_BINARY_DIR}/generated)
add_library(tendo::version ALIAS tendo_version)
