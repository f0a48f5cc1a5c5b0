// moodplane-cli bench-gp: times training a DGP-3 the size of the mood model's retraining loop
// (700 rows of 114-D synthetic inputs, 2 outputs, M = 100, inner width 5, minibatch 256,
// 5 000 Adam steps) on all cores, and prints seconds.

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/gp/deep_gp.h"

#include <chrono>
#include <cmath>
#include <iostream>
#include <random>
#include <thread>

namespace mp::cli {

namespace {

struct BenchGpOptions {
  int iterations = 5000;
  int rows = 700;
  int dims = 114;
  int layers = 3;
  int inducing = 100;
  int batch = 256;
  int threads = 0;
  bool json = false;
};

int runBenchGp(const BenchGpOptions& o) {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> n01;
  Mat x(o.rows, o.dims);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = n01(rng);
  Mat proj(o.dims, 2);
  for (Eigen::Index i = 0; i < proj.size(); ++i) proj.data()[i] = n01(rng) / std::sqrt(o.dims);
  const Mat h = x * proj;
  Mat y(o.rows, 2);
  for (int i = 0; i < o.rows; ++i) {
    y(i, 0) = std::sin(2.0 * h(i, 0)) + 0.3 * h(i, 1) + 0.1 * n01(rng);
    y(i, 1) = std::tanh(h(i, 1)) + 0.2 * h(i, 0) * h(i, 0) + 0.1 * n01(rng);
  }
  gp::DeepGpConfig c;
  c.layers = o.layers;
  c.inducing = o.inducing;
  c.innerWidth = 5;
  c.iterations = o.iterations;
  c.batchSize = o.batch;
  c.threads = o.threads;
  c.seed = 1;
  const auto t0 = std::chrono::steady_clock::now();
  auto model = gp::DeepGp::fit(x, y, c);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!model) {
    std::cerr << "bench-gp: " << model.error().message << '\n';
    return kExitFailed;
  }
  const auto t1 = std::chrono::steady_clock::now();
  const gp::GpPrediction pred = model->predict(x);
  const double predictSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  const double rmse = std::sqrt((pred.mean - y).squaredNorm() / static_cast<double>(y.size()));
  const unsigned threads = o.threads > 0 ? static_cast<unsigned>(o.threads) : std::thread::hardware_concurrency();
  if (o.json) {
    printJson({{"seconds", seconds},
               {"iterations", o.iterations},
               {"rows", o.rows},
               {"dims", o.dims},
               {"layers", o.layers},
               {"inducing", o.inducing},
               {"inner_width", 5},
               {"batch", o.batch},
               {"threads", threads},
               {"final_elbo", model->lastElbo()},
               {"train_rmse", rmse},
               {"predict_seconds_100_samples", predictSeconds}});
  } else {
    std::cout << "DGP-" << o.layers << " M=" << o.inducing << " width 5, " << o.iterations << " Adam steps, " << o.rows
              << "x" << o.dims << ", batch " << o.batch << ", " << threads << " threads: " << seconds << " s\n";
  }
  return kExitOk;
}

}  // namespace

void addBenchGpCommand(CLI::App& root, CommandRunner& runner) {
  auto opts = std::make_shared<BenchGpOptions>();
  CLI::App* cmd = root.add_subcommand("bench-gp", "Time DGP-3 training at the mood model's size");
  cmd->add_option("--iterations", opts->iterations, "Adam steps")->check(CLI::Range(1, 10000000));
  cmd->add_option("--rows", opts->rows, "synthetic rows")->check(CLI::Range(10, 1000000));
  cmd->add_option("--dims", opts->dims, "input dimensions")->check(CLI::Range(1, 10000));
  cmd->add_option("--layers", opts->layers, "layers")->check(CLI::Range(1, 10));
  cmd->add_option("--inducing", opts->inducing, "inducing points")->check(CLI::Range(1, 10000));
  cmd->add_option("--batch", opts->batch, "minibatch (0 = full)")->check(CLI::Range(0, 1000000));
  cmd->add_option("--threads", opts->threads, "threads (0 = all cores)")->check(CLI::Range(0, 256));
  cmd->add_flag("--json", opts->json, "print one JSON document");
  cmd->callback([opts, &runner] {
    const BenchGpOptions o = *opts;
    runner.run = [o] { return runBenchGp(o); };
  });
}

}  // namespace mp::cli
