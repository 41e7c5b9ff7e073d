# tendo-viewer rendered headless: needs the viewer, the phantom generator (test scans are made at
# test time) and xvfb-run at run time (the tests skip themselves without it).
if(TENDO_BUILD_VIEWER AND TARGET tendo-viewer AND TARGET tendo_phantom)
  add_executable(tendo_viewer_tests viewer/viewer_screenshot_test.cpp)
  target_link_libraries(tendo_viewer_tests PRIVATE tendo::scoring tendo::phantom GTest::gtest_main tendo_test_support tendo_warnings)
  target_compile_definitions(tendo_viewer_tests PRIVATE TENDO_VIEWER_EXE="$<TARGET_FILE:tendo-viewer>"
                                                   TENDO_TEST_DATA="${TENDO_TEST_DATA}")
  add_dependencies(tendo_viewer_tests tendo-viewer)
  gtest_discover_tests(tendo_viewer_tests PROPERTIES LABELS regression TIMEOUT 600 DISCOVERY_TIMEOUT 60)
endif()
