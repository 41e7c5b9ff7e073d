#include "app.hpp"

#include "image_canvas.hpp"
#include "panels/panels.hpp"
#include "viewer_state.hpp"

#include "tendo/imaging/error.hpp"
#include "tendo/imaging/image_io.hpp"

#define GLFW_INCLUDE_NONE
#include <GL/gl.h>
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <sstream>

namespace tendo::viewer {

namespace {

void apply_overlay_option(Overlays& overlays, const std::string& list) {
    if (list.empty())
        return;
    const bool all = list == "all";
    overlays = Overlays{all, all, all, all, all, all, all};
    if (all || list == "none")
        return;
    std::stringstream stream(list);
    std::string name;
    while (std::getline(stream, name, ',')) {
        if (name == "outline")
            overlays.outline = true;
        else if (name == "centreline")
            overlays.centreline = true;
        else if (name == "max")
            overlays.max_line = true;
        else if (name == "bone")
            overlays.bone = true;
        else if (name == "doppler")
            overlays.doppler_box = true;
        else if (name == "vessels")
            overlays.vessels = true;
        else if (name == "regions")
            overlays.regions = true;
        else
            throw Error("--overlays: unknown overlay \"" + name + "\"");
    }
}

Tool tool_from_name(const std::string& name) {
    if (name == "caliper")
        return Tool::caliper;
    if (name == "ellipse")
        return Tool::ellipse;
    if (name == "polygon")
        return Tool::polygon;
    if (name == "paint")
        return Tool::paint;
    if (name == "erase")
        return Tool::erase;
    if (name == "outline")
        return Tool::outline;
    return Tool::pan;
}

bool ctrl() {
    return ImGui::GetIO().KeyCtrl;
}
bool pressed(int key) {
    return ImGui::IsKeyPressed(key, false);
}

void select_relative(ViewerState& state, int step) {
    if (state.entries.empty())
        return;
    const int count = static_cast<int>(state.entries.size());
    state.current = std::clamp(state.current + step, 0, count - 1);
    state.view.fit_pending = true;
    state.cine.playing = false;
}

void handle_shortcuts(ViewerState& state, ImVec2 canvas_size) {
    ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput)
        return;
    Entry* entry = state.current_entry();
    if (ctrl()) {
        if (pressed(GLFW_KEY_O))
            state.show_open_dialog = true;
        if (pressed(GLFW_KEY_Q))
            state.request_quit = true;
        if (entry && pressed(GLFW_KEY_Z) && !io.KeyShift)
            undo(state, *entry);
        if (entry && (pressed(GLFW_KEY_Y) || (pressed(GLFW_KEY_Z) && io.KeyShift)))
            redo(state, *entry);
        return;
    }
    if (pressed(GLFW_KEY_F1))
        state.show_help = !state.show_help;
    if (pressed(GLFW_KEY_UP))
        select_relative(state, -1);
    if (pressed(GLFW_KEY_DOWN))
        select_relative(state, +1);
    if (pressed(GLFW_KEY_M) && state.compare_ids.size() >= 2)
        state.compare_mode = !state.compare_mode;
    if (pressed(GLFW_KEY_H)) {
        const Overlays& o = state.overlays;
        const bool any =
            o.outline || o.centreline || o.max_line || o.bone || o.doppler_box || o.vessels || o.regions;
        state.overlays = any ? Overlays{false, false, false, false, false, false, false} : Overlays{};
    }
    if (pressed(GLFW_KEY_R)) {
        state.window = 255.0f;
        state.level = 127.5f;
    }
    if (pressed(GLFW_KEY_P))
        state.tool = Tool::pan;
    if (pressed(GLFW_KEY_C))
        state.tool = Tool::caliper;
    if (pressed(GLFW_KEY_E))
        state.tool = Tool::ellipse;
    if (pressed(GLFW_KEY_G))
        state.tool = Tool::polygon;
    if (entry && entry->analysis) {
        if (pressed(GLFW_KEY_B))
            state.tool = Tool::paint;
        if (pressed(GLFW_KEY_X))
            state.tool = Tool::erase;
        if (pressed(GLFW_KEY_O))
            state.tool = Tool::outline;
    }
    if (ImGui::IsKeyPressed(GLFW_KEY_LEFT_BRACKET))
        state.brush_radius_px = std::max(1.0, state.brush_radius_px - 1.0);
    if (ImGui::IsKeyPressed(GLFW_KEY_RIGHT_BRACKET))
        state.brush_radius_px = std::min(40.0, state.brush_radius_px + 1.0);
    if (!entry || entry->load != Stage::done)
        return;
    if (pressed(GLFW_KEY_F))
        fit(state.view, canvas_size, cv::Size(entry->info.cols, entry->info.rows));
    if (pressed(GLFW_KEY_1))
        one_to_one(state.view, canvas_size);
    if (pressed(GLFW_KEY_DELETE)) {
        if (!entry->rois.empty())
            entry->rois.pop_back();
        else if (!entry->calipers.empty())
            entry->calipers.pop_back();
    }
    const int frames = entry->info.frames;
    if (pressed(GLFW_KEY_SPACE) && frames > 1) {
        state.cine.playing = !state.cine.playing;
        state.cine.next_frame_time_s = ImGui::GetTime();
    }
    if (pressed(GLFW_KEY_L))
        state.cine.loop = !state.cine.loop;
    if (ImGui::IsKeyPressed(GLFW_KEY_RIGHT) && frames > 1) {
        entry->frame = (entry->frame + 1) % frames;
        entry->user_moved_frame = true;
    }
    if (ImGui::IsKeyPressed(GLFW_KEY_LEFT) && frames > 1) {
        entry->frame = (entry->frame + frames - 1) % frames;
        entry->user_moved_frame = true;
    }
    if (pressed(GLFW_KEY_HOME) && entry->analysis)
        entry->frame = entry->analysis->frame.index;
}

void menu_bar(ViewerState& state) {
    if (!ImGui::BeginMenuBar())
        return;
    if (ImGui::BeginMenu("File")) {
        if (ImGui::MenuItem("Open...", "Ctrl+O"))
            state.show_open_dialog = true;
        if (ImGui::MenuItem("Quit", "Ctrl+Q"))
            state.request_quit = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        ImGui::MenuItem("Tendon outline", nullptr, &state.overlays.outline);
        ImGui::MenuItem("Centreline", nullptr, &state.overlays.centreline);
        ImGui::MenuItem("Thickness lines", nullptr, &state.overlays.max_line);
        ImGui::MenuItem("Bone surface", nullptr, &state.overlays.bone);
        ImGui::MenuItem("Doppler box", nullptr, &state.overlays.doppler_box);
        ImGui::MenuItem("Vessels", nullptr, &state.overlays.vessels);
        ImGui::MenuItem("Regions", nullptr, &state.overlays.regions);
        ImGui::Separator();
        if (ImGui::MenuItem("Compare mode", "M", state.compare_mode, state.compare_ids.size() >= 2))
            state.compare_mode = !state.compare_mode;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
        if (ImGui::MenuItem("Shortcuts and overlays", "F1"))
            state.show_help = true;
        ImGui::EndMenu();
    }
    ImGui::EndMenuBar();
}

void status_bar(ViewerState& state) {
    const int work = pending_work(state);
    int busy_entries = 0;
    for (const auto& entry : state.entries)
        busy_entries += entry->busy() ? 1 : 0;
    if (work > 0 || busy_entries > 0)
        ImGui::Text("%c working: %d scan%s loading or analysing",
                    "|/-\\"[static_cast<int>(ImGui::GetTime() * 8.0) & 3], busy_entries,
                    busy_entries == 1 ? "" : "s");
    else
        ImGui::TextDisabled("ready  (F1: shortcuts)");
    if (!state.status.empty()) {
        ImGui::SameLine();
        ImGui::TextUnformatted(state.status.c_str());
    }
}

void draw_full(ViewerState& state) {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    ImGui::Begin("tendo", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_MenuBar |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    menu_bar(state);
    const float scale = state.ui_scale;
    const float status_height = ImGui::GetFrameHeightWithSpacing();
    const float height = ImGui::GetContentRegionAvail().y - status_height;
    ImGui::BeginChild("browser", ImVec2(290 * scale, height), true);
    draw_browser_panel(state);
    ImGui::EndChild();
    ImGui::SameLine();
    const float right_width = 400 * scale;
    const float centre_width =
        ImGui::GetContentRegionAvail().x - right_width - ImGui::GetStyle().ItemSpacing.x;
    ImGui::BeginChild("centre", ImVec2(centre_width, height), false,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    ImVec2 canvas = ImGui::GetContentRegionAvail();
    if (state.compare_mode && state.compare_ids.size() >= 2) {
        const float timeline_height = std::min(canvas.y * 0.42f, 260 * scale);
        ImGui::BeginChild("compare", ImVec2(0, canvas.y - timeline_height), false,
                          ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
        draw_compare_panel(state);
        ImGui::EndChild();
        ImGui::BeginChild("timeline", ImVec2(0, 0), true);
        draw_timeline_panel(state);
        ImGui::EndChild();
    } else {
        draw_image_view_panel(state);
    }
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("measurements", ImVec2(right_width, height), true);
    draw_measurements_panel(state);
    ImGui::EndChild();
    status_bar(state);
    ImGui::End();
    handle_shortcuts(state, canvas);
    draw_help_window(state);
    draw_open_dialog(state);
}

/// Only the first scan at 1:1 from the window's top-left corner: overlay pixels can be compared
/// with the mask pixel for pixel.
void draw_image_only(ViewerState& state) {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->Pos);
    ImGui::SetNextWindowSize(viewport->Size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
    ImGui::Begin("image", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove);
    if (Entry* entry = state.current_entry(); entry && entry->load == Stage::done) {
        request_frames(state, *entry, 0);
        ensure_uploaded(*entry, state.window, state.level);
        Canvas canvas{viewport->Pos, viewport->Size, ViewTransform{1.0f, 0.0f, 0.0f, false}};
        // Overlays one screen pixel wide, whatever the content scale.
        draw_scan(ImGui::GetWindowDrawList(), canvas, *entry, state.overlays, 1.0f);
    }
    ImGui::End();
    ImGui::PopStyleVar(2);
}

/// Everything the screenshot should show has arrived and been uploaded.
bool ready_for_screenshot(ViewerState& state) {
    if (pending_work(state) > 0)
        return false;
    std::vector<int> shown = state.compare_mode ? state.compare_ids : std::vector<int>{state.current};
    for (const auto& entry : state.entries)
        if (entry->busy())
            return false;
    for (int id : shown) {
        Entry* entry = state.entry(id);
        if (entry && entry->load == Stage::done &&
            (entry->frame_texture.empty() || entry->uploaded_frame != entry->frame) &&
            !entry->frame_errors.count(entry->frame))
            return false;
    }
    return true;
}

void save_screenshot(GLFWwindow* window, const std::filesystem::path& path) {
    int width = 0;
    int height = 0;
    glfwGetFramebufferSize(window, &width, &height);
    cv::Mat rgba(height, width, CV_8UC4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data);
    cv::Mat bgr;
    cv::cvtColor(rgba, bgr, cv::COLOR_RGBA2BGR);
    cv::flip(bgr, bgr, 0);
    write_png_atomically(path, bgr);
}

void save_results(const ViewerState& state, const std::filesystem::path& path) {
    std::string lines;
    for (const auto& entry : state.entries) {
        const scoring::ScanAnalysis* shown = entry->shown_analysis();
        const scoring::ScanResult result =
            shown ? shown->result
                  : scoring::error_result(entry->path.string(),
                                          !entry->error.empty() ? entry->error : entry->analysis_error);
        lines += scoring::to_json(result).dump() + "\n";
    }
    write_file_atomically(path, std::vector<std::uint8_t>(lines.begin(), lines.end()));
}

void setup_fonts_and_scale(GLFWwindow* window, ViewerState& state, std::optional<float> requested) {
    float scale_x = 1.0f;
    float scale_y = 1.0f;
    glfwGetWindowContentScale(window, &scale_x, &scale_y);
    state.ui_scale = requested ? *requested : std::clamp(std::max(scale_x, scale_y), 1.0f, 4.0f);
    ImGuiIO& io = ImGui::GetIO();
    ImFontConfig config;
    config.SizePixels = std::round(13.0f * state.ui_scale);
    io.Fonts->AddFontDefault(&config);
    ImGui::GetStyle().ScaleAllSizes(state.ui_scale);
}

} // namespace

int run_viewer(const ViewerOptions& options) {
    ViewerState state;
    try {
        apply_overlay_option(state.overlays, options.overlays);
    } catch (const Error& error) {
        std::cerr << "tendo-viewer: " << error.what() << '\n';
        return 2;
    }
    state.tool = tool_from_name(options.tool);
    const bool headless = !options.screenshot.empty();

    glfwSetErrorCallback([](int code, const char* description) {
        std::cerr << "tendo-viewer: glfw error " << code << ": " << description << '\n';
    });
    if (!glfwInit()) {
        std::cerr << "tendo-viewer: cannot initialise GLFW (no display? try xvfb-run)\n";
        return 1;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    if (headless)
        glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
    GLFWwindow* window = glfwCreateWindow(options.width, options.height, "tendo-viewer", nullptr, nullptr);
    if (!window) {
        std::cerr << "tendo-viewer: cannot create an OpenGL 3.3 window\n";
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(headless ? 0 : 1);
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    ImGui::StyleColorsDark();
    setup_fonts_and_scale(window, state, options.ui_scale);
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330");

    int exit_code = 0;
    {
        state.decoder = std::make_unique<Worker>();
        state.analyser = std::make_unique<Worker>();
        for (const auto& path : options.paths)
            open_path(state, path);
        const int first_count = static_cast<int>(state.entries.size());
        for (const auto& path : options.compare)
            open_path(state, path);
        if (!options.compare.empty() && first_count > 0) {
            state.compare_ids.push_back(0);
            for (int id = first_count;
                 id < static_cast<int>(state.entries.size()) && state.compare_ids.size() < 3; ++id)
                state.compare_ids.push_back(id);
            state.compare_mode = true;
        }
        if (options.frame)
            for (const auto& entry : state.entries) {
                entry->frame = *options.frame;
                entry->user_moved_frame = true;
            }

        const auto started = std::chrono::steady_clock::now();
        int settled_frames = 0;
        while (!glfwWindowShouldClose(window) && !state.request_quit) {
            if (headless)
                glfwPollEvents();
            else
                glfwWaitEventsTimeout(state.cine.playing || pending_work(state) > 0 ? 0.005 : 0.1);
            state.results.drain(state);
            for (auto& entry : state.entries)
                if (entry->frame >= entry->info.frames && entry->load == Stage::done)
                    entry->frame = entry->info.frames - 1;
            ImGui_ImplOpenGL3_NewFrame();
            ImGui_ImplGlfw_NewFrame();
            ImGui::NewFrame();
            if (options.layout == "image")
                draw_image_only(state);
            else
                draw_full(state);
            ImGui::Render();
            int width = 0;
            int height = 0;
            glfwGetFramebufferSize(window, &width, &height);
            glViewport(0, 0, width, height);
            glClearColor(0.08f, 0.08f, 0.09f, 1.0f);
            glClear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
            if (headless) {
                // Capture once the work is done and the layout has had a few frames to settle.
                settled_frames = ready_for_screenshot(state) ? settled_frames + 1 : 0;
                if (settled_frames >= 4) {
                    try {
                        save_screenshot(window, options.screenshot);
                        if (!options.result_json.empty())
                            save_results(state, options.result_json);
                        for (const auto& entry : state.entries)
                            if (entry->load == Stage::failed) {
                                std::cerr << "tendo-viewer: " << entry->error << '\n';
                                exit_code = 1;
                            }
                    } catch (const Error& error) {
                        std::cerr << "tendo-viewer: " << error.what() << '\n';
                        exit_code = 1;
                    }
                    break;
                }
                const double waited =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                if (waited > options.timeout_s) {
                    std::cerr << "tendo-viewer: scans not ready after " << options.timeout_s
                              << " s; no screenshot\n";
                    exit_code = 1;
                    break;
                }
            }
            glfwSwapBuffers(window);
        }
        state.cancelled->store(true);
        // Workers join here, before the GL context and ImGui go away.
        state.decoder.reset();
        state.analyser.reset();
        state.entries.clear();
    }
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return exit_code;
}

} // namespace tendo::viewer
