// Replays files through the fuzz target's entry point without libFuzzer (ctest fuzz.regressions):
// every file below the given folders must be refused cleanly or analysed, never crash. Under
// TENDO_SANITIZE=ON this also checks them for memory errors and leaks.
// Usage: tendo_fuzz_regressions DIR_OR_FILE...
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
    std::vector<std::filesystem::path> files;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path path = argv[i];
        if (std::filesystem::is_directory(path)) {
            for (const auto& entry : std::filesystem::recursive_directory_iterator(path))
                if (entry.is_regular_file() && entry.path().extension() != ".md")
                    files.push_back(entry.path());
        } else {
            files.push_back(path);
        }
    }
    std::size_t replayed = 0;
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!in.eof() && !in) {
            std::fprintf(stderr, "%s: cannot read\n", file.c_str());
            return 1;
        }
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
        ++replayed;
    }
    std::printf("replayed %zu file(s)\n", replayed);
    return replayed > 0 ? 0 : 1;
}
