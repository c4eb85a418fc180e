// glip — GLIP from the command line: tokenize, predict, bench, eval, merge, convert, models.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <exception>
#include <iostream>

#include "app/allocator.h"
#include "app/glip/commands.h"
#include "core/common/error.h"
#include "core/engine/engine.h"

int main(int argc, char** argv) {
  glip::app::tune_allocator();
  // stdout carries the JSON outputs: logs go to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("glip"));
  CLI::App app{"glip — GLIP (Grounded Language-Image Pre-training) in C++"};
  app.require_subcommand(1);
  app.set_version_flag("--version", [] { return "glip 0.1.0 (" + glip::runtime_description() + ")"; });
  // Usage errors are one line, like every other error.
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return std::string("glip: error: ") + e.what() + " (see --help)\n";
  });
  // Each add_* registers a subcommand whose callback does the work (see cmd_*.cpp).
  // (subcommands are added here as they land)
  glip::cli::add_tokenize_command(app);
  glip::cli::add_predict_command(app);
  glip::cli::add_bench_command(app);
  glip::cli::add_eval_command(app);
  glip::cli::add_merge_command(app);
  glip::cli::add_convert_command(app);
  glip::cli::add_models_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const glip::Error& e) {
    std::cerr << "glip: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "glip: internal error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
