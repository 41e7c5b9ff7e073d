#include "texture.hpp"

#include <opencv2/imgproc.hpp>

#include <GL/gl.h>

#include <utility>

namespace tendo::viewer {

Texture::~Texture() {
    if (id_ != 0) {
        GLuint id = id_;
        glDeleteTextures(1, &id);
    }
}

Texture::Texture(Texture&& other) noexcept
    : id_(std::exchange(other.id_, 0)), width_(other.width_), height_(other.height_) {}

Texture& Texture::operator=(Texture&& other) noexcept {
    if (this != &other) {
        if (id_ != 0) {
            GLuint id = id_;
            glDeleteTextures(1, &id);
        }
        id_ = std::exchange(other.id_, 0);
        width_ = other.width_;
        height_ = other.height_;
    }
    return *this;
}

void Texture::upload(const cv::Mat& pixels) {
    cv::Mat rgba;
    if (pixels.channels() == 1)
        cv::cvtColor(pixels, rgba, cv::COLOR_GRAY2RGBA);
    else if (pixels.channels() == 3)
        cv::cvtColor(pixels, rgba, cv::COLOR_BGR2RGBA);
    else
        rgba = pixels.isContinuous() ? pixels : pixels.clone();
    if (id_ == 0) {
        GLuint id = 0;
        glGenTextures(1, &id);
        id_ = id;
    }
    glBindTexture(GL_TEXTURE_2D, id_);
    // Magnified pixels stay sharp squares (a sonographer zooms in to see speckle, not blur).
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, rgba.cols, rgba.rows, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data);
    width_ = rgba.cols;
    height_ = rgba.rows;
}

} // namespace tendo::viewer
