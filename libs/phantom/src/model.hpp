#pragma once

// The phantom's anatomy (in millimetres) and probe geometry, shared by rendering and truth.

#include "tendo/phantom/phantom.hpp"

#include <opencv2/core.hpp>

#include <cstdint>
#include <vector>

namespace tendo::phantom::detail {

/// Probe coordinates: u = lateral position along the probe face (mm, 0 at the first element),
/// d = depth below the skin along the beam (mm). Display coordinates: x = col * dx, y = row * dy.
struct ProbeGeometryModel {
    bool curvilinear = false;
    double dx = 0.08, dy = 0.08;
    cv::Rect rect;          // tissue region in pixels
    double width_mm = 0.0;  // U: probe-face length
    double depth_mm = 0.0;  // D: imaged depth
    double radius_mm = 0.0; // curvilinear face radius
    double apex_x_mm = 0.0, apex_y_mm = 0.0;
    double half_angle = 0.0;

    /// Display point (mm) to probe coordinates; false outside the imaged area.
    bool to_probe(double x_mm, double y_mm, double& u, double& d) const;
    /// Probe coordinates to display point (mm).
    void to_display(double u, double d, double& x_mm, double& y_mm) const;
};

struct Ellipse {
    double cu = 0, cd = 0; // centre (canonical lateral, depth) mm
    double a = 1, b = 1;   // semi-axes mm (a along the tendon, b across)
    double angle = 0;      // radians, rotation of the a axis from the lateral direction
    bool contains(double u, double d) const;
};

struct Septum {
    double base, amp, k, phase, slope;
};

struct Vessel {
    std::vector<cv::Point2d> path; // probe coordinates (u, d) mm, canonical (unshifted)
    double radius_mm = 0.3;
    double speed = 0.8; // peak, in Nyquist units
    std::string kind;   // "in", "around", "away"
};

/// Tissue classes at a point (for rendering).
struct Echo {
    double amp = 0.0;  // diffuse scatter amplitude
    double spec = 0.0; // coherent (specular) amplitude
    double loss = 0.0; // fraction of intensity lost per mm (shadowing)
};

struct Anatomy {
    CaseView view = CaseView::longitudinal;
    double U = 50, D = 40;
    bool flip = false; // canonical s = flip ? U - u : u; the insertion is at large s
    std::uint64_t seed = 0;

    double skin = 2.0, fat_bottom = 10.0;
    std::vector<Septum> septa;
    double glute_angle = 0.2, glute_spacing = 1.4;
    double ham_angle = -0.25, ham_spacing = 1.2;

    // Longitudinal tendon and bone.
    double top0 = 15, tan_slope = 0, curv = 0, thick = 6, s_c = 25;
    double bone_far = 30, bone_near = 14, s_b = 36, w_b = 3;
    double fibril_spacing = 0.4;

    // Transverse tendon (oval), bone dome and sciatic nerve.
    double uc = 25, zc = 18, half_w = 8, half_t = 3, dome_k = 0.03, dome_top = 20;
    double nerve_u = 40, nerve_d = 19, nerve_a = 3.5, nerve_b = 2.0;

    // Fascia look-alike (negative).
    double fascia_d = 18, fascia_t = 1.2, fascia_slope = 0;
    // Deep bone line for negatives.
    double neg_bone = 32;

    std::vector<Ellipse> hypo;
    std::vector<Ellipse> calcific;
    std::vector<Vessel> vessels;

    bool has_tendon() const { return view == CaseView::longitudinal || view == CaseView::transverse; }
    double canon(double u) const { return flip ? U - u : u; }
    double top(double s) const;
    double deep(double s) const;
    /// Depth of the bone (cortical) surface under lateral position u (probe coordinates).
    double bone(double u) const;
    /// Tendon membership (tendon tissue above the bone), probe coordinates, no clipping.
    bool in_tendon(double u, double d) const;
    bool in_hypo(double u, double d) const;
    Echo echo(double u, double d) const;
};

/// Builds the anatomy for a spec (tendon, foci, vessels) from `seed`.
Anatomy make_anatomy(const CaseSpec& spec, const ProbeGeometryModel& geometry, std::uint64_t seed);
ProbeGeometryModel make_geometry(const CaseSpec& spec);

/// Adds the spec's vessels inside the probe-coordinate box [u_lo, u_hi] × [d_lo, d_hi].
void add_vessels(Anatomy& anatomy, const CaseSpec& spec, double u_lo, double u_hi, double d_lo, double d_hi,
                 std::uint64_t seed);

/// Per-frame lateral probe shift in mm (the anatomy seen at u is at u + shift).
double probe_shift_mm(const CaseSpec& spec, std::uint64_t seed, int frame);
/// Pulsatile flow factor (0–1] at a frame.
double pulse_factor(const CaseSpec& spec, std::uint64_t seed, int frame);

/// Deterministic hash of integers to [0, 1).
double hash01(std::uint64_t seed, std::int64_t a, std::int64_t b = 0);
/// Smooth 1D value noise in [0, 1) at x (unit = one knot).
double value_noise(std::uint64_t seed, double x, std::int64_t channel = 0);

} // namespace tendo::phantom::detail
