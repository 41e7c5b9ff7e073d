# Reliability: per-file budgets, output names that stay inside the output folder, and `tendo score`
# under faults (read-only folder, full disk, SIGKILL, SIGINT, inputs changing during the run).
add_executable(tendo_reliability_tests reliability/file_limits_test.cpp reliability/output_names_test.cpp)
target_link_libraries(tendo_reliability_tests PRIVATE tendo::imaging tendo::scoring GTest::gtest_main tendo_warnings)
target_compile_definitions(tendo_reliability_tests PRIVATE TENDO_TEST_DATA="${TENDO_TEST_DATA}")
gtest_discover_tests(tendo_reliability_tests PROPERTIES LABELS unit DISCOVERY_TIMEOUT 60)

# Disk-full injection for the fault test (LD_PRELOAD; never linked into tendo).
add_library(tendo_enospc_shim SHARED reliability/enospc_shim.c)
target_link_libraries(tendo_enospc_shim PRIVATE ${CMAKE_DL_LIBS})

add_test(NAME cli.score_faults
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/score_faults_test.sh $<TARGET_FILE:tendo>
                 $<TARGET_FILE:tendo_make_batch_set> $<TARGET_FILE:tendo_enospc_shim>)
set_tests_properties(cli.score_faults PROPERTIES LABELS regression TIMEOUT 600)
add_test(NAME cli.score_limits_paths
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/score_limits_paths_test.sh $<TARGET_FILE:tendo> ${TENDO_TEST_DATA})
set_tests_properties(cli.score_limits_paths PROPERTIES LABELS regression TIMEOUT 300)

# Inputs the fuzzer found crashing, hanging or exhausting memory, replayed through the loader and
# the analysis (the fuzz target's entry point, without libFuzzer).
add_executable(tendo_fuzz_regressions fuzz/fuzz_open_analyze.cpp fuzz/replay_main.cpp)
target_link_libraries(tendo_fuzz_regressions PRIVATE tendo::imaging tendo::scoring tendo_warnings)
add_test(NAME fuzz.regressions
         COMMAND tendo_fuzz_regressions ${TENDO_TEST_DATA}/fuzz-regressions ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus)
set_tests_properties(fuzz.regressions PROPERTIES LABELS regression TIMEOUT 600)
