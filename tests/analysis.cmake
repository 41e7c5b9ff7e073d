# Segmentation and measurement: unit tests per stage on images built in the test, and regression
# checks on the bundled real samples and on a small fixed-seed phantom set.
add_executable(tendo_analysis_tests
    analysis/stages_test.cpp
    analysis/measurements_test.cpp
    analysis/samples_test.cpp
    analysis/cine_test.cpp
)
target_link_libraries(tendo_analysis_tests PRIVATE tendo::imaging tendo::scoring tendo::phantom GTest::gtest_main tendo_warnings)
target_compile_definitions(tendo_analysis_tests PRIVATE TENDO_SAMPLES="${PROJECT_SOURCE_DIR}/data/samples"
                                                     TENDO_REAL_DICOM="${PROJECT_SOURCE_DIR}/tests/data/dicom-real")
gtest_discover_tests(tendo_analysis_tests TEST_FILTER "-Bundled/*:Samples*" PROPERTIES LABELS unit DISCOVERY_TIMEOUT 60)
gtest_discover_tests(tendo_analysis_tests TEST_FILTER "Bundled/*:Samples*" TEST_PREFIX "samples." PROPERTIES LABELS regression DISCOVERY_TIMEOUT 60)

# Accuracy on a fixed-seed phantom set (seed 7, 24 cases). These are regression floors: what the
# pipeline reached on this set when the test was written, less a margin for platform differences
# (a few cases changing view moves Dice by ~0.05). They are below the accuracy targets;
# docs/accuracy.md reports the targets on other seeds.
add_test(NAME analysis.accuracy_seed7
         COMMAND $<TARGET_FILE:tendo> evaluate --seed 7 --n 24
                 --require dice_long>=0.89 --require dice_trans>=0.72 --require view_pct>=90 --require neg_pct>=80
                 --require bmode_fp<=0 --require ohberg_pct>=50 --require echo_mae<=5.0
                 --require tmax_mae<=0.33 --require tmax_bias<=0.10 --require tmean_mae<=0.23
                 --require hypo_spearman>=0.95 --require tref_mae<=0.95 --require insertion_mm<=2.0)
# tref_mae (the thickness at the reference point, reported without a target) 0.87 when its row was added;
# insertion_mm (how far the insertion it is measured from lies from the true one, median) 1.52 when its row was added.
# hypo_spearman 0.978 and tmax_bias 0.025 when foci were read against the tissue over the tendon and the max
# over ±2 mm of arc (0.866 and 0.07 before).
# Reached when last raised: dice_long 0.94, dice_trans 0.80, view_pct 95.8, neg_pct 100, ohberg_pct 100 (of 2),
# echo_mae 2.3, tmax_mae 0.25, tmax_bias 0.07, tmean_mae 0.17, hypo_spearman 0.866 (0.828 while dark stretches
# narrower than 1 mm and readings under the detection limit counted as foci; tmax 0.34, bias 0.22 and tmean 0.20 while the
# deep border could rest on the bone anywhere along the band; dice_long 0.90, tmax 0.38, bias 0.26 before the
# superficial border could lie below the band's centre; tmax 0.53, bias 0.51 and tmean 0.30 before the
# superficial border was held at both ends of the band and the insertion's tip ran on to the cortex's crest;
# tmax 0.67 before the maximum was read over
# ±1 mm of the profile; dice_long 0.85, echo_mae 5.1, tmax_mae 1.23 and
# tmean_mae 1.04 before the deep border was searched 12 mm below the band's centre: two thick hypoechoic
# tendons read 5 mm thin, which also hid the bias of the others);
# docs/accuracy.md has the report seeds.
set_tests_properties(analysis.accuracy_seed7 PROPERTIES LABELS "regression;slow" TIMEOUT 900)
# The measurement formulas alone, on the phantom's true masks: the thickness maximum of a mask's
# profile read sample by sample lay 0.21 mm above the analytic truth on this set (pixel stairs);
# over ±1 mm of arc it read 0.05 mm (MAE 0.07, mean MAE 0.05), over ±2 mm 0.005 (MAE 0.05). The
# hypoechoic Spearman on these masks is 0.958 (0.899 while foci were a share of the fibrillar level).
add_test(NAME analysis.truth_mask_seed7
         COMMAND $<TARGET_FILE:tendo> evaluate --seed 7 --n 24 --truth-masks
                 --require tmax_mae<=0.12 --require tmax_bias<=0.10 --require tmean_mae<=0.10
                 --require hypo_spearman>=0.93)
set_tests_properties(analysis.truth_mask_seed7 PROPERTIES LABELS regression TIMEOUT 300)
