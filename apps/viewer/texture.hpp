#pragma once

#include <opencv2/core/mat.hpp>

#include <cstdint>

namespace tendo::viewer {

/// An OpenGL texture holding one image. Create, upload and destroy on the UI thread only.
class Texture {
public:
    Texture() = default;
    ~Texture();
    Texture(const Texture&) = delete;
    Texture& operator=(const Texture&) = delete;
    Texture(Texture&& other) noexcept;
    Texture& operator=(Texture&& other) noexcept;

    /// Uploads `pixels` (CV_8UC1 grey, CV_8UC3 BGR or CV_8UC4 RGBA).
    void upload(const cv::Mat& pixels);
    bool empty() const { return id_ == 0; }
    int width() const { return width_; }
    int height() const { return height_; }
    /// For ImGui::Image.
    void* imgui_id() const { return reinterpret_cast<void*>(static_cast<std::intptr_t>(id_)); }

private:
    unsigned int id_ = 0;
    int width_ = 0;
    int height_ = 0;
};

} // namespace tendo::viewer
