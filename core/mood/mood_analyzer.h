#pragma once
// The real SongAnalyzer: a trained mood model file applied to audio files
// (front end -> UBM -> Fisher encoding -> deep GP -> (valence, arousal) + covariance).

#include "core/common/result.h"
#include "core/library/song_analyzer.h"

#include <memory>
#include <string>

namespace mp::mood {

/// Loads the model file at `modelPath` (validated: a corrupt file is an error) and returns an
/// analyser that is safe to call from several threads at once.
Result<std::unique_ptr<library::SongAnalyzer>> loadMoodAnalyzer(const std::string& modelPath);

class MoodModel;
/// The analyser version (SongRecord::modelVersion) of the model file at `modelPath` holding `model`.
Result<std::string> moodAnalyzerVersion(const std::string& modelPath, const MoodModel& model);

}  // namespace mp::mood
