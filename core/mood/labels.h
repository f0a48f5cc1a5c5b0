#pragma once
// Label files of the mood datasets Moodplane trains on, mapped to audio files in a folder.
//
// Formats (values mapped to [0, 1], 0.5 neutral):
//   4q-va : song,quadrant,valence,arousal,n_tags        (already in [0, 1]; audio <song>.mp3)
//   pmemo : musicId,Arousal(mean),Valence(mean)         (PMEmo2019 static annotations, [0, 1])
//   deam  : song_id, valence_mean, valence_std, arousal_mean, arousal_std  (1..9 → (x − 1)/8)
// Columns are found by header name (spaces trimmed), so extra columns and reordering are fine.

#include "core/common/result.h"

#include <string>
#include <vector>

namespace mp::mood {

enum class LabelFormat { FourQVa, Pmemo, Deam };

Result<LabelFormat> parseLabelFormat(const std::string& name);
const char* labelFormatName(LabelFormat f);

struct LabelRow {
  std::string id;        ///< song id as in the file
  double valence = 0.5;  ///< [0, 1]
  double arousal = 0.5;  ///< [0, 1]
  std::string quadrant;  ///< "Q1".."Q4" when the file has one, else derived from the signs
};

/// Parses a label CSV. Errors: unreadable, missing columns, non-numeric values (with line).
Result<std::vector<LabelRow>> readLabelFile(const std::string& csvPath, LabelFormat format);

struct LabelledSong {
  LabelRow label;
  std::string audioPath;  ///< absolute
};

struct LabelledSet {
  std::vector<LabelledSong> songs;        ///< label rows that have an audio file, in file order
  std::vector<std::string> missingAudio;  ///< ids without an audio file in the folder
};

/// Reads the labels and maps each id to an audio file in `audioDir` named `<id>.<ext>` (any
/// audio extension; 4q-va: .mp3 preferred). An id with no file is listed in missingAudio.
Result<LabelledSet> readLabelledSet(const std::string& csvPath, LabelFormat format,
                                    const std::string& audioDir);

/// Quadrant from the signs of (v − 0.5, a − 0.5): 1 (+v +a), 2 (−v +a), 3 (−v −a), 4 (+v −a).
int quadrantOf(double valence, double arousal);

}  // namespace mp::mood
