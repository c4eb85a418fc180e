// Subcommands of the `glip` command-line tool. Each lives in its own cmd_<name>.cpp and registers itself on the
// CLI11 app; main.cpp only wires them up.
#pragma once
#include <CLI/CLI.hpp>

namespace glip::cli {

void add_tokenize_command(CLI::App& app);
void add_predict_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_merge_command(CLI::App& app);
void add_convert_command(CLI::App& app);
void add_models_command(CLI::App& app);

}  // namespace glip::cli
