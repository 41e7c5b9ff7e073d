#include "tendo/scoring/analysis.hpp"

#include "tendo/imaging/components.hpp"
#include "tendo/imaging/error.hpp"
#include "tendo/imaging/scan.hpp"
#include "tendo/imaging/segmentation.hpp"
#include "tendo/scoring/measurements.hpp"
#include "tendo/version.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace tendo::scoring {

namespace {

/// Without a spacing, a vessel apart from the tendon cannot be placed inside or beyond its 2 mm.
constexpr const char* kVesselReachUnknown = "uncalibrated: vessels beside the tendon not counted, vessel count null";

void add_warning(std::vector<std::string>& warnings, const std::string& w) {
    if (std::find(warnings.begin(), warnings.end(), w) == warnings.end())
        warnings.push_back(w);
}

/// Where a measurement across the tendon is cut by the view: the imaged part of the tissue area the
/// segmentation found, or the tissue area when it found none (a mask drawn by hand).
const cv::Mat& imaged_or_tissue(const TendonSegmentation& seg, const TissueArea& tissue) {
    return seg.imaged.empty() ? tissue.mask : seg.imaged;
}

/// Pixels of the colour-flow box outline the scanner draws (grey graphics, not tissue).
cv::Mat overlay_graphics(const cv::Size& size, const std::vector<UltrasoundRegion>& regions) {
    cv::Mat overlay = cv::Mat::zeros(size, CV_8UC1);
    for (const auto& region : regions) {
        if (!region.valid() || !region.is_color_flow_2d())
            continue;
        cv::rectangle(overlay, cv::Rect(region.x0, region.y0, region.width_px(), region.height_px()), cv::Scalar(255), 3);
    }
    return overlay;
}

/// Fills every number of `a.result` from `a.segmentation.mask` (measurements.md).
void measure(ScanAnalysis& a, const cv::Mat& overlay) {
    ScanResult& r = a.result;
    const TendonSegmentation& seg = a.segmentation;
    r.view = seg.view;
    r.confidence = seg.confidence;
    r.thickness = Thickness{};
    r.csa_mm2.reset();
    r.tendon_area_mm2.reset();
    r.echogenicity = Echogenicity{};
    const bool doppler = r.neovascularity.doppler;
    r.neovascularity = Neovascularity{};
    r.neovascularity.doppler = doppler;
    r.neovascularity.frame = a.frame.index;
    a.centreline.clear();
    a.max_line.reset();
    a.reference_line.reset();
    a.vessels.clear();
    std::erase(r.warnings, std::string(kVesselReachUnknown));
    if (seg.view == View::none || cv::countNonZero(seg.mask) == 0)
        return;

    r.echogenicity =
        measure_echogenicity(a.grey, seg.mask, a.colour_mask, overlay, a.tissue.mask, a.spacing_mm, seg.calcific_shadow);
    r.neovascularity =
        measure_neovascularity(colour_in_image(a.colour_mask, a.grey, seg.mask), seg.mask, doppler, a.spacing_mm, &a.vessels);
    r.neovascularity.frame = a.frame.index;
    if (doppler && !r.neovascularity.vessel_count)
        add_warning(r.warnings, std::string(kVesselReachUnknown));
    if (!a.spacing_mm)
        return;
    const Spacing& s = *a.spacing_mm;
    r.tendon_area_mm2 = area_mm2(seg.mask, s);
    if (seg.view == View::transverse) {
        const ApExtent extent = max_ap_extent(seg.mask, s);
        r.thickness.max_mm = extent.mm;
        r.csa_mm2 = area_mm2(seg.mask, s);
        // The thickest column, for the overlay.
        const int best_x = extent.column;
        if (best_x >= 0) {
            cv::Mat points;
            cv::findNonZero(seg.mask.col(best_x), points);
            const cv::Rect b = cv::boundingRect(points);
            a.max_line = ThicknessLine{cv::Point2d(best_x, b.y - 0.5), cv::Point2d(best_x, b.y + b.height - 0.5),
                                       *r.thickness.max_mm};
        }
        return;
    }
    const ThicknessProfile profile = longitudinal_thickness(seg.mask, imaged_or_tissue(seg, a.tissue), s, seg.insertion);
    a.centreline = profile.centreline;
    double sum = 0.0;
    int n = 0;
    for (std::size_t i = 0; i < profile.arc_mm.size(); ++i) {
        r.thickness.profile_mm.emplace_back(profile.arc_mm[i], profile.thickness_mm[i]);
        if (!profile.complete[i])
            continue;
        sum += profile.thickness_mm[i];
        ++n;
    }
    if (const std::optional<ProfileMax> best = profile_max(profile)) {
        r.thickness.max_mm = best->thickness_mm;
        r.thickness.mean_mm = sum / n;
        a.max_line = profile.lines[best->sample];
        a.max_line->length_mm = best->thickness_mm;
    }
    if (seg.insertion) {
        r.thickness.at_reference_mm = thickness_at_reference(profile, *seg.insertion, s, a.options.reference_mm);
        if (r.thickness.at_reference_mm) {
            // The drawn line: the sample nearest the reference position.
            std::size_t nearest = 0;
            double dmin = 1e300;
            for (std::size_t i = 0; i < profile.centreline.size(); ++i) {
                const double d = s.length_mm(profile.centreline[i].x - seg.insertion->x,
                                             profile.centreline[i].y - seg.insertion->y);
                if (d < dmin) {
                    dmin = d;
                    nearest = i;
                }
            }
            const double target = profile.arc_mm[nearest] + a.options.reference_mm;
            std::size_t j = nearest;
            while (j + 1 < profile.arc_mm.size() && profile.arc_mm[j] < target - 1e-9)
                ++j;
            a.reference_line = profile.lines[j];
            a.reference_line->length_mm = *r.thickness.at_reference_mm;
        }
    }
}

/// The tendon of one frame, in the grey with Doppler colour filled.
TendonSegmentation segment_frame(const cv::Mat& grey, const TissueArea& tissue, const cv::Mat& colour_mask,
                                 const std::optional<Spacing>& spacing_mm, const AnalysisOptions& options) {
    SegmentationHints hints;
    hints.roi = options.roi;
    hints.seed = options.seed;
    return segment_tendon(grey, tissue, colour_mask, spacing_mm, hints);
}

void finish_status(ScanResult& r) {
    if (r.status == Status::error)
        return;
    r.status = (r.view == View::none || !r.warnings.empty()) ? Status::warning : Status::ok;
}

} // namespace

ScanAnalysis analyze_frame(const Frame& frame, const std::vector<UltrasoundRegion>& regions,
                           const std::optional<Spacing>& spacing_mm, const AnalysisOptions& options) {
    ScanAnalysis a;
    a.options = options;
    a.frame = frame;
    a.spacing_mm = spacing_mm;
    a.tissue = find_tissue_area(frame.pixels, regions);
    DopplerSeparation d = separate_doppler(frame.pixels, a.tissue, regions);
    a.grey = d.grey;
    a.colour_mask = d.colour_mask;
    a.segmentation = segment_frame(a.grey, a.tissue, a.colour_mask, spacing_mm, options);
    ScanResult& r = a.result;
    r.status = Status::ok;
    r.frames = 1;
    r.frame = frame.index;
    r.spacing_mm = spacing_mm;
    r.calibrated = spacing_mm.has_value();
    r.pipeline_version = kPipelineVersion;
    r.neovascularity.doppler = d.doppler;
    if (!spacing_mm)
        add_warning(r.warnings, "uncalibrated: no pixel spacing, lengths and areas are null");
    for (const auto& w : a.segmentation.warnings)
        add_warning(r.warnings, w);
    a.graphics_mask = overlay_graphics(frame.pixels.size(), regions);
    measure(a, a.graphics_mask);
    finish_status(r);
    return a;
}

std::optional<double> cine_frame_thickness_max_mm(const Frame& frame, const TissueArea& tissue,
                                                  const std::vector<UltrasoundRegion>& regions,
                                                  const std::optional<Spacing>& spacing_mm, const AnalysisOptions& options) {
    if (!spacing_mm)
        return std::nullopt;
    const DopplerSeparation d = separate_doppler(frame.pixels, tissue, regions);
    const TendonSegmentation seg = segment_frame(d.grey, tissue, d.colour_mask, spacing_mm, options);
    if (seg.view == View::none || cv::countNonZero(seg.mask) == 0)
        return std::nullopt;
    if (seg.view == View::transverse)
        return max_ap_extent(seg.mask, *spacing_mm).mm;
    const std::optional<ProfileMax> best =
        profile_max(longitudinal_thickness(seg.mask, imaged_or_tissue(seg, tissue), *spacing_mm, seg.insertion));
    return best ? std::optional<double>(best->thickness_mm) : std::nullopt;
}

ScanAnalysis analyze_scan(const Scan& scan, const AnalysisOptions& options, Reporter& reporter) {
    const ScanInfo& info = scan.info();
    std::optional<Spacing> spacing = info.calibration.spacing_mm;
    if (!spacing && options.user_spacing_mm)
        spacing = options.user_spacing_mm;
    const int frames = std::max(1, scan.frame_count());
    // The tendon is found on frame 0. With Doppler, every frame's colour is separated and counted
    // inside that tendon, and the frame with the most colour (earliest on a tie) is analysed in
    // full; without Doppler frame 0 is the analysed frame (measurements.md, "Cine loops").
    const ScanAnalysis first = analyze_frame(scan.frame(0), info.regions, spacing, options);
    reporter.progress(1, static_cast<std::size_t>(frames));
    int best_frame = 0;
    if (frames > 1 && first.result.neovascularity.doppler && first.result.view != View::none) {
        int best_colour = cv::countNonZero(first.colour_mask & first.segmentation.mask);
        for (int i = 1; i < frames && !reporter.cancelled(); ++i) {
            const DopplerSeparation d = separate_doppler(scan.frame(i).pixels, first.tissue, info.regions);
            const int colour = cv::countNonZero(d.colour_mask & first.segmentation.mask);
            if (colour > best_colour) {
                best_colour = colour;
                best_frame = i;
            }
            reporter.progress(static_cast<std::size_t>(i + 1), static_cast<std::size_t>(frames));
        }
    }
    ScanAnalysis a = best_frame == 0 ? first : analyze_frame(scan.frame(best_frame), info.regions, spacing, options);
    // Cine median of the thickness: over the first, middle and last frames (more frames of one
    // sweep add little and cost a segmentation each). Frames already analysed are not redone.
    std::vector<double> max_per_frame;
    if (frames > 2 && a.result.view != View::none) {
        for (int i : {0, frames / 2, frames - 1}) {
            if (reporter.cancelled())
                break;
            const std::optional<double> max_mm =
                i == 0            ? first.result.thickness.max_mm
                : i == best_frame ? a.result.thickness.max_mm
                                  : cine_frame_thickness_max_mm(scan.frame(i), first.tissue, info.regions, spacing, options);
            if (max_mm)
                max_per_frame.push_back(*max_mm);
        }
    }
    reporter.progress(static_cast<std::size_t>(frames), static_cast<std::size_t>(frames));
    ScanResult& r = a.result;
    r.file = info.file.string();
    if (!info.sop_instance_uid.empty())
        r.sop_instance_uid = info.sop_instance_uid;
    r.patient_id = info.patient_id;
    r.study_date = info.study_date_iso();
    r.laterality = info.laterality;
    r.frames = frames;
    r.frame = a.frame.index;
    if (frames > 1 && max_per_frame.size() > 1) {
        std::sort(max_per_frame.begin(), max_per_frame.end());
        const std::size_t m = max_per_frame.size();
        r.thickness.cine_median_mm = m % 2 ? max_per_frame[m / 2] : 0.5 * (max_per_frame[m / 2 - 1] + max_per_frame[m / 2]);
    }
    std::vector<std::string> warnings = info.warnings;
    for (const auto& w : r.warnings)
        add_warning(warnings, w);
    r.warnings = warnings;
    finish_status(r);
    return a;
}

ScanResult analyze_file(const std::filesystem::path& path, const AnalysisOptions& options, Reporter& reporter) {
    try {
        OpenOptions open;
        open.user_spacing_mm = options.user_spacing_mm;
        const Scan scan = Scan::open(path, open, reporter);
        ScanResult r = analyze_scan(scan, options, reporter).result;
        r.file = path.string();
        return r;
    } catch (const Error& e) {
        return error_result(path.string(), e.what());
    } catch (const cv::Exception& e) {
        return error_result(path.string(), path.filename().string() + ": image processing failed: " + e.what());
    } catch (const std::exception& e) {
        return error_result(path.string(), path.filename().string() + ": " + e.what());
    }
}

ScanAnalysis remeasure(const ScanAnalysis& analysis, const cv::Mat& edited_mask) {
    ScanAnalysis a = analysis;
    a.segmentation.mask = cv::Mat::zeros(a.grey.size(), CV_8UC1);
    if (!edited_mask.empty() && edited_mask.size() == a.grey.size())
        a.segmentation.mask.setTo(255, edited_mask != 0);
    if (!a.tissue.mask.empty())
        a.segmentation.mask &= a.tissue.mask;
    TendonSegmentation& seg = a.segmentation;
    const cv::Mat points = [&] {
        cv::Mat p;
        if (cv::countNonZero(seg.mask) > 0)
            cv::findNonZero(seg.mask, p);
        return p;
    }();
    seg.superficial_border.clear();
    seg.deep_border.clear();
    seg.contour.clear();
    if (points.empty()) {
        seg.view = View::none;
    } else {
        if (seg.view == View::none) {
            const cv::Rect b = cv::boundingRect(points);
            const double w = b.width * (a.spacing_mm ? a.spacing_mm->dx_mm : 1.0);
            const double h = b.height * (a.spacing_mm ? a.spacing_mm->dy_mm : 1.0);
            seg.view = w > 2.0 * h ? View::longitudinal : View::transverse;
        }
        const MaskRowsPerColumn rows = mask_rows_per_column(seg.mask);
        for (int x = 0; x < seg.mask.cols; ++x)
            if (rows.first[static_cast<std::size_t>(x)] >= 0) {
                seg.superficial_border.emplace_back(x, rows.first[static_cast<std::size_t>(x)]);
                seg.deep_border.emplace_back(x, rows.last[static_cast<std::size_t>(x)]);
            }
        seg.contour = largest_outline(seg.mask);
        // The user vouches for an edited mask.
        seg.confidence = 1.0;
    }
    ScanResult& r = a.result;
    std::erase(r.warnings, std::string("no tendon found"));
    if (seg.view == View::none)
        add_warning(r.warnings, "no tendon found");
    add_warning(r.warnings, "mask edited by hand");
    if (a.result.neovascularity.doppler && a.colour_mask.empty())
        a.colour_mask = cv::Mat::zeros(a.grey.size(), CV_8UC1);
    measure(a, a.graphics_mask);
    r.status = Status::ok;
    finish_status(r);
    return a;
}

} // namespace tendo::scoring
