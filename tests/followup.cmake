# Follow-up comparison and SR export: unit tests on built results, the report opened in headless
# Chromium, the SR files checked by dciodvfy, and score + compare on the bundled follow-up samples.
add_executable(tendo_followup_tests unit/followup_test.cpp)
target_link_libraries(tendo_followup_tests PRIVATE tendo::scoring GTest::gtest_main tendo_test_support tendo_warnings DCMTK::dcmsr
                                                   DCMTK::dcmdata)
gtest_discover_tests(tendo_followup_tests PROPERTIES LABELS unit DISCOVERY_TIMEOUT 60)

add_executable(tendo_png_stats tools/png_stats.cpp)
target_link_libraries(tendo_png_stats PRIVATE tendo::imaging tendo_warnings)

# Exit code 77 (skipped) when chromium or dciodvfy is not installed (scripts/setup.sh installs both).
add_test(NAME cli.compare_report_chromium
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/compare_report_test.sh $<TARGET_FILE:tendo>
                 $<TARGET_FILE:tendo_png_stats> ${PROJECT_SOURCE_DIR}/data/samples)
set_tests_properties(cli.compare_report_chromium PROPERTIES LABELS regression TIMEOUT 300 SKIP_RETURN_CODE 77)
add_test(NAME cli.export_sr_dciodvfy
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/export_sr_test.sh $<TARGET_FILE:tendo>
                 ${PROJECT_SOURCE_DIR}/data/samples)
set_tests_properties(cli.export_sr_dciodvfy PROPERTIES LABELS regression TIMEOUT 300 SKIP_RETURN_CODE 77)
add_test(NAME cli.compare_followup_samples
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/compare_followup_test.sh $<TARGET_FILE:tendo>
                 ${PROJECT_SOURCE_DIR}/data/samples/followup)
# Score + compare on the bundled follow-up samples against their phantom truth trend: all 24 scans
# read in their true view (144 compare.csv rows), each longitudinal change within tolerance of the
# truth's, no change flagged beyond the MDC where the truth stays within it.
set_tests_properties(cli.compare_followup_samples PROPERTIES LABELS regression TIMEOUT 600)
