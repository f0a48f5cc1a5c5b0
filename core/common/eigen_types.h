#pragma once
// All Eigen aliases in one place (STYLE.md §11). Numerics are double precision unless a name
// says F (float), which is used only for bulk audio frames.

#include <Eigen/Core>

namespace mp {

using Vec = Eigen::VectorXd;
using RowVec = Eigen::RowVectorXd;
using Mat = Eigen::MatrixXd;
using VecF = Eigen::VectorXf;
using MatF = Eigen::MatrixXf;
/// Row-major float matrix: one row per frame, one column per descriptor.
using FrameMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

using VecRef = Eigen::Ref<Vec>;
using ConstVecRef = Eigen::Ref<const Vec>;
using MatRef = Eigen::Ref<Mat>;
using ConstMatRef = Eigen::Ref<const Mat>;

}  // namespace mp
