#pragma once
// moodplane-cli subcommands (CLI.md). Each command file defines one add*Command that registers its
// subcommand on the root app and, when that subcommand is chosen, sets `runner.run`.
// main.cpp calls every add*Command below.

#include <CLI/CLI.hpp>
#include <functional>

namespace mp::cli {

struct CommandRunner {
  std::function<int()> run;
};

// Exit codes of CLI.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;


void addFeaturesCommand(CLI::App& root, CommandRunner& runner);
void addQueryCommand(CLI::App& root, CommandRunner& runner);
void addRateCommand(CLI::App& root, CommandRunner& runner);
void addExportCommand(CLI::App& root, CommandRunner& runner);
void addIndexCommand(CLI::App& root, CommandRunner& runner);
void addTrainCommand(CLI::App& root, CommandRunner& runner);
void addPredictCommand(CLI::App& root, CommandRunner& runner);
void addEvalCommand(CLI::App& root, CommandRunner& runner);
void addBenchCommand(CLI::App& root, CommandRunner& runner);
void addRegressCommand(CLI::App& root, CommandRunner& runner);
void addBenchGpCommand(CLI::App& root, CommandRunner& runner);
void addRetrainCommand(CLI::App& root, CommandRunner& runner);
void addModelCommand(CLI::App& root, CommandRunner& runner);
void addRatingsCommand(CLI::App& root, CommandRunner& runner);
void addBenchRetrainCommand(CLI::App& root, CommandRunner& runner);
}  // namespace mp::cli
