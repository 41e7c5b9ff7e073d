# Batch scoring: engine unit tests (stand-in analysis), the synthetic study generator, command
# regressions (kill -9 and resume, shards and merge) and the Slurm array check (label slurm, not
# part of the default unit|regression run: it installs and starts a local Slurm).
add_library(tendo_test_dicoms STATIC support/synthetic_dicom.cpp)
target_include_directories(tendo_test_dicoms PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_link_libraries(tendo_test_dicoms PUBLIC DCMTK::dcmdata PRIVATE tendo_warnings)

add_executable(tendo_make_batch_set tools/make_batch_set.cpp)
target_link_libraries(tendo_make_batch_set PRIVATE tendo_test_dicoms tendo_warnings)

add_executable(tendo_batch_tests unit/batch_test.cpp)
target_link_libraries(tendo_batch_tests PRIVATE tendo::imaging tendo::scoring tendo_test_dicoms tendo_test_support GTest::gtest_main
                                                tendo_warnings)
target_compile_definitions(tendo_batch_tests PRIVATE TENDO_TEST_DATA="${TENDO_TEST_DATA}")
gtest_discover_tests(tendo_batch_tests PROPERTIES LABELS unit DISCOVERY_TIMEOUT 60)

add_test(NAME cli.score_kill_resume
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/score_resume_test.sh $<TARGET_FILE:tendo>
                 $<TARGET_FILE:tendo_make_batch_set> ${TENDO_TEST_DATA})
set_tests_properties(cli.score_kill_resume PROPERTIES LABELS regression TIMEOUT 300)
add_test(NAME cli.score_shards_merge
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/score_shards_test.sh $<TARGET_FILE:tendo>
                 $<TARGET_FILE:tendo_make_batch_set> ${TENDO_TEST_DATA})
set_tests_properties(cli.score_shards_merge PROPERTIES LABELS regression TIMEOUT 300)
add_test(NAME slurm.score_array
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/slurm/run.sh $<TARGET_FILE:tendo> ${PROJECT_SOURCE_DIR}/data/samples)
set_tests_properties(slurm.score_array PROPERTIES LABELS slurm TIMEOUT 900)
