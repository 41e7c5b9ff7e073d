# Phantom: generation, truth and DICOM read-back (unit); dciodvfy on every encoding (regression).
add_executable(tendo_phantom_tests phantom/phantom_test.cpp)
target_link_libraries(tendo_phantom_tests PRIVATE tendo::phantom tendo::imaging opencv_imgcodecs GTest::gtest_main tendo_test_support tendo_warnings)
gtest_discover_tests(tendo_phantom_tests PROPERTIES LABELS unit DISCOVERY_TIMEOUT 60)

add_test(NAME cli.phantom_dciodvfy
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/phantom/dciodvfy_check.sh $<TARGET_FILE:tendo>
                 ${CMAKE_CURRENT_BINARY_DIR}/phantom_dciodvfy)
set_tests_properties(cli.phantom_dciodvfy PROPERTIES LABELS regression TIMEOUT 300)
