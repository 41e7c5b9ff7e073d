# The pipeline version goes into every result and keys the results store, so results of an older
# analysis are never taken for current ones. It is taken at build time, not configure time
# (WriteVersion.cmake): a rebuild after a pull or an edit carries the new version without
# reconfiguring.
set(tendo_version_header "${CMAKE_BINARY_DIR}/generated/tendo/version.hpp")
set(tendo_write_version
    "${CMAKE_COMMAND}" -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DBINARY_DIR=${CMAKE_BINARY_DIR}
    -DPROJECT_VERSION=${PROJECT_VERSION} -P ${CMAKE_CURRENT_LIST_DIR}/WriteVersion.cmake)
# Written once now, so the header exists before the first build's dependency scan.
execute_process(COMMAND ${tendo_write_version})
add_custom_target(tendo_version_header ALL
                  COMMAND ${tendo_write_version}
                  BYPRODUCTS "${tendo_version_header}"
                  COMMENT "Pipeline version"
                  VERBATIM)
add_library(tendo_version INTERFACE)
target_include_directories(tendo_version INTERFACE ${CMAKE_BINARY_DIR}/generated)
add_dependencies(tendo_version tendo_version_header)
add_library(tendo::version ALIAS tendo_version)
