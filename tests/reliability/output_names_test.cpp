// Output names derived from input names stay one plain file name inside the output folder.
#include "tendo/scoring/batch_inputs.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace tendo::scoring {
namespace {

void expect_plain_component(const std::string& name) {
    SCOPED_TRACE(name);
    ASSERT_FALSE(name.empty());
    EXPECT_LE(name.size(), 120u);
    EXPECT_EQ(name.find('/'), std::string::npos);
    EXPECT_EQ(name.find('\\'), std::string::npos);
    EXPECT_NE(name.front(), '.');
    EXPECT_NE(name, "..");
    for (const char c : name)
        EXPECT_GE(static_cast<unsigned char>(c), 0x20);
    const std::filesystem::path path = std::filesystem::path("out") / "masks" / (name + ".png");
    EXPECT_EQ(path.parent_path(), std::filesystem::path("out") / "masks");
}

TEST(OutputNames, OrdinaryNamesAreUnchanged) {
    EXPECT_EQ(output_stem("study/site_1/IM0001"), "IM0001");
    EXPECT_EQ(output_stem("a/us_00012.dcm"), "us_00012");
    EXPECT_EQ(output_stem("PHT-001_L_v1 longitudinal.dcm"), "PHT-001_L_v1 longitudinal");
    EXPECT_EQ(output_stem("Ärztin/Ultraschall_Größe.dcm"), "Ultraschall_Größe");
}

TEST(OutputNames, HostileNamesStayInsideTheFolder) {
    for (const std::string file :
         {"..", "../..", "/", "", "a/..", "..dcm", "...", ".hidden.dcm", "x/.dcm", "x/..\\..\\evil.dcm",
          "C:\\Windows\\evil.dcm", "line\nbreak.dcm", "tab\there.dcm", "bell\a.dcm", "star*?.dcm",
          "q\"uote<>|.dcm", "trailing. . .dcm", "\x7f.dcm"})
        expect_plain_component(output_stem(file));
    EXPECT_EQ(output_stem(".."), "__");
    EXPECT_EQ(output_stem("x/..\\..\\evil.dcm"), "___.._evil");
    EXPECT_EQ(output_stem("line\nbreak.dcm"), "line_break");
    EXPECT_EQ(output_stem(""), "scan");
}

TEST(OutputNames, LongNamesAreCutBetweenCharacters) {
    const std::string long_ascii(300, 'a');
    EXPECT_EQ(output_stem(long_ascii + ".dcm"), std::string(120, 'a'));
    std::string umlauts;
    for (int i = 0; i < 100; ++i)
        umlauts += "ä"; // two bytes each
    const std::string cut = output_stem("x" + umlauts + ".dcm");
    EXPECT_EQ(cut.size(), 119u) << "one ASCII byte and 59 whole two-byte characters";
    expect_plain_component(cut);
}

} // namespace
} // namespace tendo::scoring
