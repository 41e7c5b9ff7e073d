// tendo-viewer: review a scan's frames and what tendo knows about it.
#include "tendo/imaging/error.hpp"
#include "tendo/imaging/image_io.hpp"
#include "tendo/imaging/reporter.hpp"
#include "tendo/imaging/scan.hpp"
#include "tendo/scoring/info_json.hpp"

#include <CLI/CLI.hpp>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <GL/gl.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {

struct LoadedScan {
    std::optional<tendo::Scan> scan;
    std::string error;
    int frame_index = 0;
    cv::Mat rgba; // the displayed frame, uploaded to `texture`
    GLuint texture = 0;
};

void upload(LoadedScan& loaded) {
    if (!loaded.scan)
        return;
    try {
        const tendo::Frame frame = loaded.scan->frame(loaded.frame_index);
        cv::cvtColor(frame.pixels, loaded.rgba, frame.is_color() ? cv::COLOR_BGR2RGBA : cv::COLOR_GRAY2RGBA);
    } catch (const tendo::Error& error) {
        loaded.error = error.what();
        loaded.rgba.release();
        return;
    }
    if (loaded.texture == 0)
        glGenTextures(1, &loaded.texture);
    glBindTexture(GL_TEXTURE_2D, loaded.texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, loaded.rgba.cols, loaded.rgba.rows, 0, GL_RGBA, GL_UNSIGNED_BYTE,
                 loaded.rgba.data);
}

void draw(LoadedScan& loaded, const std::string& name) {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    ImGui::Begin("scan", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove);
    ImGui::TextUnformatted(name.c_str());
    if (!loaded.error.empty()) {
        ImGui::TextColored(ImVec4(1.0f, 0.35f, 0.35f, 1.0f), "%s", loaded.error.c_str());
        ImGui::End();
        return;
    }
    const auto& info = loaded.scan->info();
    ImGui::BeginChild("info", ImVec2(320, 0), true);
    const nlohmann::json fields = tendo::scoring::info_to_json(info);
    for (const auto& [key, value] : fields.items())
        if (!value.is_null() && key != "regions" && key != "warnings")
            ImGui::TextWrapped("%s: %s", key.c_str(), value.dump().c_str());
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("image");
    if (info.frames > 1 && ImGui::SliderInt("frame", &loaded.frame_index, 0, info.frames - 1))
        upload(loaded);
    if (!loaded.rgba.empty()) {
        const ImVec2 available = ImGui::GetContentRegionAvail();
        const float scale = std::min(available.x / static_cast<float>(loaded.rgba.cols),
                                     available.y / static_cast<float>(loaded.rgba.rows));
        ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(loaded.texture)),
                     ImVec2(loaded.rgba.cols * scale, loaded.rgba.rows * scale));
    }
    ImGui::EndChild();
    ImGui::End();
}

void save_screenshot(GLFWwindow* window, const std::string& path) {
    int width = 0;
    int height = 0;
    glfwGetFramebufferSize(window, &width, &height);
    cv::Mat rgba(height, width, CV_8UC4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data);
    cv::Mat bgr;
    cv::cvtColor(rgba, bgr, cv::COLOR_RGBA2BGR);
    cv::flip(bgr, bgr, 0);
    tendo::write_png_atomically(path, bgr);
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"tendo-viewer: review ultrasound scans of the proximal hamstring tendon"};
    std::vector<std::string> paths;
    std::string screenshot;
    app.add_option("PATH", paths, "scans to open");
    app.add_option("--screenshot", screenshot, "render one frame to this PNG and exit");
    CLI11_PARSE(app, argc, argv);

    if (!glfwInit()) {
        std::cerr << "error: cannot initialise GLFW (no display?)\n";
        return 1;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    if (!screenshot.empty())
        glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
    GLFWwindow* window = glfwCreateWindow(1280, 800, "tendo-viewer", nullptr, nullptr);
    if (!window) {
        std::cerr << "error: cannot create an OpenGL 3.3 window\n";
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(1);
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    ImGui::StyleColorsDark();
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330");

    LoadedScan loaded;
    std::string name = paths.empty() ? std::string("no scan open") : paths.front();
    if (!paths.empty()) {
        tendo::SilentReporter reporter;
        try {
            loaded.scan.emplace(tendo::Scan::open(paths.front(), {}, reporter));
            upload(loaded);
        } catch (const tendo::Error& error) {
            loaded.error = error.what();
        }
    }

    int exit_code = 0;
    int frames_drawn = 0;
    while (!glfwWindowShouldClose(window)) {
        glfwPollEvents();
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        if (!paths.empty())
            draw(loaded, name);
        ImGui::Render();
        int width = 0;
        int height = 0;
        glfwGetFramebufferSize(window, &width, &height);
        glViewport(0, 0, width, height);
        glClearColor(0.08f, 0.08f, 0.09f, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        // ImGui lays windows out over the first frames; capture once the layout has settled.
        if (!screenshot.empty() && ++frames_drawn == 3) {
            try {
                save_screenshot(window, screenshot);
            } catch (const tendo::Error& error) {
                std::cerr << "error: " << error.what() << '\n';
                exit_code = 1;
            }
            break;
        }
        glfwSwapBuffers(window);
    }

    if (loaded.texture)
        glDeleteTextures(1, &loaded.texture);
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return exit_code;
}
