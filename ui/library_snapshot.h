#pragma once
// An immutable copy of the library as the GUI shows it: read from the store on a worker thread,
// shared (read-only) by the plane, the table, the playlist panel and the song panel.

#include "core/library/library_store.h"

#include <QMetaType>

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

namespace mp::ui {

struct LibrarySnapshot {
  std::vector<library::SongRecord> songs;
  std::vector<library::Playlist> playlists;
  std::unordered_map<std::int64_t, std::size_t> indexById;  ///< song id -> index in `songs`

  /// Builds indexById from songs.
  void reindex() {
    indexById.clear();
    indexById.reserve(songs.size());
    for (std::size_t i = 0; i < songs.size(); ++i) indexById.emplace(songs[i].id, i);
  }
  const library::SongRecord* find(std::int64_t id) const {
    auto it = indexById.find(id);
    return it == indexById.end() ? nullptr : &songs[it->second];
  }
};

using SnapshotPtr = std::shared_ptr<const LibrarySnapshot>;

/// Convenience for tests and benchmarks: a snapshot from plain records (ids kept as given).
inline SnapshotPtr makeSnapshot(std::vector<library::SongRecord> songs,
                                std::vector<library::Playlist> playlists = {}) {
  auto snap = std::make_shared<LibrarySnapshot>();
  snap->songs = std::move(songs);
  snap->playlists = std::move(playlists);
  snap->reindex();
  return snap;
}

}  // namespace mp::ui

Q_DECLARE_METATYPE(mp::ui::SnapshotPtr)
