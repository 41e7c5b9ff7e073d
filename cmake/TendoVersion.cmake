# The pipeline version goes into every result so that stored results from an older pipeline are
# never mistaken for current ones.
set(TENDO_PIPELINE_VERSION "${PROJECT_VERSION}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/version.hpp.in ${CMAKE_BINARY_DIR}/generated/tendo/version.hpp @ONLY)
add_library(tendo_version INTERFACE)
target_include_directories(tendo_version INTERFACE ${CMAKE_BINARY_DIR}/generated)
add_library(tendo::version ALIAS tendo_version)
