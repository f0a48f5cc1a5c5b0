// moodplane-cli regress: tabular regression benchmark of the GP engine (CLI.md).
// CSV with a header row x1..xD,y (last column = target); 0-based row-index files for the
// training and test parts. Inputs and targets are standardised on the training part; RMSE and
// mean test log-likelihood are reported in the target's original units; seconds = training time.

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "core/gp/deep_gp.h"
#include "core/gp/exact_gp.h"

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <numbers>
#include <sstream>

namespace mp::cli {

namespace {

struct RegressOptions {
  std::string data, trainIdx, testIdx, model = "dgp";
  int layers = 2;
  int inducing = 100;
  int iterations = 5000;
  int batch = 10000;
  int samples = 100;
  int threads = 0;
  std::uint64_t seed = 0;
  bool json = false;
};

Result<Mat> readCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail("cannot open " + path);
  std::string line;
  if (!std::getline(in, line)) return fail(path + ": empty file");
  std::vector<std::vector<double>> rows;
  std::size_t cols = 0;
  int lineNo = 1;
  while (std::getline(in, line)) {
    ++lineNo;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::vector<double> row;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) {
      try {
        std::size_t used = 0;
        const double v = std::stod(cell, &used);
        if (cell.find_first_not_of(" \t\r", used) != std::string::npos || !std::isfinite(v)) throw std::invalid_argument(cell);
        row.push_back(v);
      } catch (const std::exception&) {
        return fail(path + ":" + std::to_string(lineNo) + ": not a number: '" + cell + "'");
      }
    }
    if (cols == 0) cols = row.size();
    if (row.size() != cols || cols < 2) {
      return fail(path + ":" + std::to_string(lineNo) + ": expected " + std::to_string(cols) + " numeric columns (>= 2)");
    }
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return fail(path + ": no data rows");
  Mat m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(cols));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = 0; j < cols; ++j) m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = rows[i][j];
  }
  return m;
}

Result<std::vector<Eigen::Index>> readIndices(const std::string& path, Eigen::Index rows) {
  std::ifstream in(path);
  if (!in) return fail("cannot open " + path);
  std::vector<Eigen::Index> idx;
  std::string tok;
  while (in >> tok) {
    try {
      std::size_t used = 0;
      const long long v = std::stoll(tok, &used);
      if (used != tok.size() || v < 0 || v >= rows) throw std::out_of_range(tok);
      idx.push_back(static_cast<Eigen::Index>(v));
    } catch (const std::exception&) {
      return fail(path + ": bad row index '" + tok + "' (data has " + std::to_string(rows) + " rows)");
    }
  }
  if (idx.empty()) return fail(path + ": no indices");
  return idx;
}

Mat takeRows(const Mat& m, const std::vector<Eigen::Index>& idx) {
  Mat out(static_cast<Eigen::Index>(idx.size()), m.cols());
  for (std::size_t i = 0; i < idx.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = m.row(idx[i]);
  return out;
}

int runRegress(const RegressOptions& o) {
  auto data = readCsv(o.data);
  if (!data) {
    std::cerr << "regress: " << data.error().message << '\n';
    return kExitFailed;
  }
  auto trainIdx = readIndices(o.trainIdx, data->rows());
  auto testIdx = readIndices(o.testIdx, data->rows());
  if (!trainIdx || !testIdx) {
    std::cerr << "regress: " << (!trainIdx ? trainIdx.error().message : testIdx.error().message) << '\n';
    return kExitFailed;
  }
  const Eigen::Index d = data->cols() - 1;
  const Mat train = takeRows(*data, *trainIdx);
  const Mat test = takeRows(*data, *testIdx);
  if (train.rows() < 2) {
    std::cerr << "regress: need at least two training rows\n";
    return kExitFailed;
  }
  // Standardise inputs and target on the training part.
  const RowVec xMean = train.leftCols(d).colwise().mean();
  RowVec xSd = ((train.leftCols(d).rowwise() - xMean).array().square().colwise().sum() / (train.rows() - 1.0)).sqrt();
  for (Eigen::Index j = 0; j < d; ++j) {
    if (!(xSd[j] > 1e-12)) xSd[j] = 1.0;
  }
  const double yMean = train.col(d).mean();
  double ySd = std::sqrt((train.col(d).array() - yMean).square().sum() / (train.rows() - 1.0));
  if (!(ySd > 1e-12)) ySd = 1.0;
  const Mat xTr = (train.leftCols(d).rowwise() - xMean).array().rowwise() / xSd.array();
  const Mat xTe = (test.leftCols(d).rowwise() - xMean).array().rowwise() / xSd.array();
  const Vec yTr = (train.col(d).array() - yMean) / ySd;
  const Vec yTe = test.col(d);

  Vec mean, logDensity;
  int layers = 0;
  const auto t0 = std::chrono::steady_clock::now();
  double seconds = 0.0;
  if (o.model == "exact-gp") {
    gp::ExactGpConfig c;
    c.seed = o.seed;
    auto model = gp::ExactGp::fit(xTr, yTr, c);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!model) {
      std::cerr << "regress: " << model.error().message << '\n';
      return kExitFailed;
    }
    Vec var;
    model->predict(xTe, mean, var);
    mean = mean.array() * ySd + yMean;
    var *= ySd * ySd;
    logDensity = -0.5 * (2.0 * std::numbers::pi * var.array()).log() - 0.5 * (yTe - mean).array().square() / var.array();
  } else {
    gp::DeepGpConfig c;
    c.layers = o.model == "svgp" ? 1 : o.layers;
    c.inducing = o.inducing;
    c.iterations = o.iterations;
    c.batchSize = o.batch;
    c.seed = o.seed;
    c.threads = o.threads;
    c.predictSamples = o.samples;
    c.innerWidth = 0;  // Salimbeni & Deisenroth: inner layers as wide as the input (≤ 30)
    if (d > 30) c.innerWidth = 30;
    layers = c.layers;
    gp::FitCallbacks cb;
    cb.progress = [&](int it, double elbo) {
      if (it % 1000 == 0) std::cerr << "regress: iteration " << it << " ELBO " << elbo << '\n';
    };
    auto model = gp::DeepGp::fit(xTr, yTr, c, cb);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!model) {
      std::cerr << "regress: " << model.error().message << '\n';
      return kExitFailed;
    }
    const gp::GpPrediction pred = model->predict(xTe);
    mean = pred.mean.col(0).array() * ySd + yMean;
    const Vec yTeStd = (yTe.array() - yMean) / ySd;
    logDensity = model->logPredictiveDensity(xTe, yTeStd).array() - std::log(ySd);
  }
  if (o.model == "exact-gp") layers = 0;
  const double rmse = std::sqrt((yTe - mean).squaredNorm() / static_cast<double>(yTe.size()));
  const double loglik = logDensity.mean();
  if (!std::isfinite(rmse) || !std::isfinite(loglik)) {
    std::cerr << "regress: the model produced non-finite predictions\n";
    return kExitFailed;
  }
  if (o.json) {
    printJson({{"model", o.model},
               {"layers", o.model == "exact-gp" ? 0 : layers},
               {"data", absolutePath(o.data)},
               {"n_train", train.rows()},
               {"n_test", test.rows()},
               {"rmse", rmse},
               {"test_loglik", loglik},
               {"seconds", seconds}});
  } else {
    std::cout << o.model << " layers " << layers << " n_train " << train.rows() << " n_test " << test.rows()
              << " rmse " << rmse << " test_loglik " << loglik << " seconds " << seconds << '\n';
  }
  return kExitOk;
}

}  // namespace

void addRegressCommand(CLI::App& root, CommandRunner& runner) {
  auto opts = std::make_shared<RegressOptions>();
  CLI::App* cmd = root.add_subcommand("regress", "Tabular regression with an exact GP, SVGP or deep GP");
  cmd->add_option("--data", opts->data, "CSV with header x1..xD,y")->required()->check(CLI::ExistingFile);
  cmd->add_option("--train-idx", opts->trainIdx, "training row indices (0-based)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--test-idx", opts->testIdx, "test row indices (0-based)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--model", opts->model, "exact-gp | svgp | dgp")
      ->required()
      ->check(CLI::IsMember({"exact-gp", "svgp", "dgp"}));
  cmd->add_option("--layers", opts->layers, "DGP layers (dgp only)")->check(CLI::Range(1, 10));
  cmd->add_option("--inducing", opts->inducing, "inducing points M")->check(CLI::Range(1, 100000));
  cmd->add_option("--iterations", opts->iterations, "Adam steps")->check(CLI::Range(0, 10000000));
  cmd->add_option("--batch", opts->batch, "minibatch size (0 = full batch)")->check(CLI::Range(0, 100000000));
  cmd->add_option("--samples", opts->samples, "prediction samples")->check(CLI::Range(1, 100000));
  cmd->add_option("--threads", opts->threads, "threads (0 = all cores)")->check(CLI::Range(0, 256));
  cmd->add_option("--seed", opts->seed, "random seed");
  cmd->add_flag("--json", opts->json, "print one JSON document");
  cmd->callback([opts, &runner] {
    const RegressOptions o = *opts;
    runner.run = [o] { return runRegress(o); };
  });
}

}  // namespace mp::cli
