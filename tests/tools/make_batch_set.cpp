// Writes a folder of synthetic scans and non-image objects for the batch scoring tests and
// benchmarks: tendo_make_batch_set OUT_DIR N [ROWS COLS FRAMES SEED].
// Scans go into nested folders site_<k>/patient_<p>/, named like PACS exports do (some with .dcm,
// some without an extension, some without the DICOM preamble); OUT_DIR/reports/ holds one SR,
// one encapsulated PDF, one presentation state and a DICOMDIR.
#include "synthetic_dicom.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

int main(int argc, char** argv) {
    if (argc != 3 && argc != 7) {
        std::fprintf(stderr, "usage: tendo_make_batch_set OUT_DIR N [ROWS COLS FRAMES SEED]\n");
        return 2;
    }
    try {
        const std::filesystem::path out = argv[1];
        const int count = std::stoi(argv[2]);
        tendo::testing::SyntheticScan scan;
        std::uint32_t base_seed = 1;
        if (argc == 7) {
            scan.rows = std::stoi(argv[3]);
            scan.cols = std::stoi(argv[4]);
            scan.frames = std::stoi(argv[5]);
            base_seed = static_cast<std::uint32_t>(std::stoul(argv[6]));
        }
        for (int i = 0; i < count; ++i) {
            const int patient = i / 4;
            char folder[64];
            std::snprintf(folder, sizeof folder, "site_%d/patient_%03d", patient % 3, patient);
            const std::filesystem::path dir = out / folder;
            std::filesystem::create_directories(dir);
            char name[64];
            std::snprintf(name, sizeof name, i % 3 == 0 ? "IM%05d" : "us_%05d.dcm", i);
            scan.seed = base_seed * 100003u + static_cast<std::uint32_t>(i);
            char patient_id[32];
            std::snprintf(patient_id, sizeof patient_id, "PAT-%04d", patient);
            scan.patient_id = patient_id;
            scan.laterality = i % 2 ? "R" : "L";
            scan.preamble = i % 17 != 5;
            tendo::testing::write_synthetic_scan(dir / name, scan);
        }
        std::filesystem::create_directories(out / "reports");
        tendo::testing::write_non_image_object(out / "reports" / "report_sr.dcm", "sr", base_seed);
        tendo::testing::write_non_image_object(out / "reports" / "report_pdf", "pdf", base_seed);
        tendo::testing::write_non_image_object(out / "reports" / "annotation_pr.dcm", "pr", base_seed);
        tendo::testing::write_non_image_object(out / "DICOMDIR", "dicomdir", base_seed);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "tendo_make_batch_set: %s\n", error.what());
        return 1;
    }
    return 0;
}
