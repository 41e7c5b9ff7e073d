# Writes BINARY_DIR/generated/tendo/version.hpp with the pipeline version of the source tree as it
# is at build time (run by the `tendo_version_header` target on every build; the header is
# rewritten, and what includes it recompiled, only when the version changes).
#   cmake -DSOURCE_DIR=... -DBINARY_DIR=... -DPROJECT_VERSION=... -P WriteVersion.cmake
# From a git checkout the commit is appended (0.1.0+g1a2b3c4d5e), and uncommitted changes to tracked
# files add a digest of that change (0.1.0+g1a2b3c4d5e.dirty9f86d081): results of another state of
# the code are never taken for this one's.
set(TENDO_PIPELINE_VERSION "${PROJECT_VERSION}")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse --short=10 HEAD
                  WORKING_DIRECTORY "${SOURCE_DIR}"
                  OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(commit)
    set(TENDO_PIPELINE_VERSION "${PROJECT_VERSION}+g${commit}")
    execute_process(COMMAND "${GIT_EXECUTABLE}" diff HEAD --binary
                    WORKING_DIRECTORY "${SOURCE_DIR}"
                    OUTPUT_VARIABLE change ERROR_QUIET)
    if(change)
      string(SHA256 change_digest "${change}")
      string(SUBSTRING "${change_digest}" 0 8 change_digest)
      string(APPEND TENDO_PIPELINE_VERSION ".dirty${change_digest}")
    endif()
  endif()
endif()
configure_file("${CMAKE_CURRENT_LIST_DIR}/version.hpp.in" "${BINARY_DIR}/generated/tendo/version.hpp" @ONLY)
