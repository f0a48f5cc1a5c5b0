// moodplane-cli: the headless face of Moodplane (CLI.md). Usage errors exit 2 with usage text.

#include "app/cli/commands.h"

#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"Moodplane: estimate the valence and arousal of music, headless", "moodplane-cli"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(MOODPLANE_VERSION));

  mp::cli::CommandRunner runner;
  // Commands register here as they land (one add*Command per file in app/cli/).
  mp::cli::addRegressCommand(app, runner);
  mp::cli::addBenchGpCommand(app, runner);
  mp::cli::addFeaturesCommand(app, runner);
  mp::cli::addQueryCommand(app, runner);
  mp::cli::addRateCommand(app, runner);
  mp::cli::addExportCommand(app, runner);
  mp::cli::addIndexCommand(app, runner);
  mp::cli::addTrainCommand(app, runner);
  mp::cli::addPredictCommand(app, runner);
  mp::cli::addEvalCommand(app, runner);
  mp::cli::addBenchCommand(app, runner);
  mp::cli::addRetrainCommand(app, runner);
  mp::cli::addModelCommand(app, runner);
  mp::cli::addRatingsCommand(app, runner);
  mp::cli::addBenchRetrainCommand(app, runner);

  app.failure_message(CLI::FailureMessage::help);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and version requests exit 0; every other parse error is a usage error (exit 2).
    const int code = app.exit(e);
    return code == static_cast<int>(CLI::ExitCodes::Success) ? mp::cli::kExitOk
                                                              : mp::cli::kExitUsage;
  }
  if (!runner.run) {
    std::cerr << app.help();
    return mp::cli::kExitUsage;
  }
  try {
    return runner.run();
  } catch (const std::exception& e) {
    std::cerr << "moodplane-cli: error: " << e.what() << '\n';
    return mp::cli::kExitFailed;
  }
}
