// moodplane_fuzz_seeds OUT_DIR: writes the small seed corpora of the fuzz targets
// (OUT_DIR/{decoder,model,playlist}). The committed tests/fuzz/corpus/ was made with it:
//   build-fuzz/tests/fuzz/moodplane_fuzz_seeds tests/fuzz/corpus
// Audio: short generated tones in every container libsndfile writes, plus damaged variants.
// Models: tiny models trained on generated segment vectors (exact GP on LLD statistics, and
// SVGP on Fisher vectors), a minimal archive holding every field type, a truncated model.
// Playlists: extended / plain / URI M3U, XSPF with entities, CDATA and durations.

#include "core/io/archive.h"
#include "core/library/playlist_io.h"
#include "core/mood/mood_model.h"

#include <sndfile.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

void writeFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool writeTone(const fs::path& path, int format, int rate, int channels, double seconds) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = format;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  if (f == nullptr) return false;
  const auto frames = static_cast<std::size_t>(seconds * rate);
  std::vector<float> pcm(frames * static_cast<std::size_t>(channels));
  for (std::size_t i = 0; i < frames; ++i) {
    const double t = static_cast<double>(i) / rate;
    const float s = static_cast<float>(0.4 * std::sin(2 * M_PI * 440.0 * t) * (1.0 + std::sin(2 * M_PI * 3 * t)) / 2);
    for (int c = 0; c < channels; ++c) pcm[i * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)] = s;
  }
  sf_writef_float(f, pcm.data(), static_cast<sf_count_t>(frames));
  sf_close(f);
  return true;
}

void audioSeeds(const fs::path& dir) {
  struct Kind {
    const char* name;
    int format;
  };
  const Kind kinds[] = {
      {"pcm16.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16},   {"float.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT},
      {"u8.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_U8},      {"pcm24.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_24},
      {"tone.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16},  {"tone.ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS},
      {"tone.opus", SF_FORMAT_OGG | SF_FORMAT_OPUS},     {"tone.mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III},
      {"ulaw.au", SF_FORMAT_AU | SF_FORMAT_ULAW},        {"tone.caf", SF_FORMAT_CAF | SF_FORMAT_PCM_16},
  };
  for (const Kind& k : kinds) {
    const bool opus = (k.format & SF_FORMAT_SUBMASK) == SF_FORMAT_OPUS;
    const bool mp3 = (k.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_MPEG;
    const int rate = opus ? 8000 : mp3 ? 8000 : 8000;
    if (!writeTone(dir / k.name, k.format, rate, k.name[0] == 'f' ? 2 : 1, 0.3)) {
      std::fprintf(stderr, "moodplane_fuzz_seeds: libsndfile cannot write %s (skipped)\n", k.name);
    }
  }
  // Damaged variants: a truncated WAV, a WAV whose data chunk claims too much, ID3 + junk.
  const std::string wav = readFile(dir / "pcm16.wav");
  writeFile(dir / "truncated.wav", wav.substr(0, std::min<std::size_t>(wav.size(), 60)));
  std::string liar = wav;
  if (liar.size() > 44) liar[40] = '\xff', liar[41] = '\xff', liar[42] = '\xff', liar[43] = '\x7f';
  writeFile(dir / "lying-size.wav", liar);
  writeFile(dir / "id3-junk.mp3", std::string("ID3\x04\x00\x00\x00\x00\x00\x0a", 10) + std::string(10, '\0') +
                                      std::string("\xff\xfb\x90\x64", 4) + std::string(64, '\x55'));
  writeFile(dir / "text.txt", "not audio at all\n");
}

mp::mood::SongSegments syntheticSong(std::mt19937_64& rng, double valence, double arousal, int dims) {
  std::normal_distribution<double> noise(0.0, 0.3);
  mp::mood::SongSegments s;
  const int segments = 6 + static_cast<int>(rng() % 5);
  s.segmentVectors.resize(segments, dims);
  s.segmentSeconds = mp::Vec::Constant(segments, 0.5);
  for (int r = 0; r < segments; ++r) {
    for (int c = 0; c < dims; ++c) {
      s.segmentVectors(r, c) = (c % 2 == 0 ? valence : arousal) * (1 + c) + noise(rng);
    }
  }
  s.durationSeconds = 0.5 * segments;
  s.codec = "pcm_s16";
  return s;
}

void modelSeeds(const fs::path& dir) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.1, 0.9);
  constexpr int kSongs = 12;
  constexpr int kDims = 6;
  std::vector<mp::mood::SongSegments> songs;
  mp::Mat targets(kSongs, 2);
  for (int i = 0; i < kSongs; ++i) {
    targets(i, 0) = u(rng);
    targets(i, 1) = u(rng);
    songs.push_back(syntheticSong(rng, targets(i, 0), targets(i, 1), kDims));
  }
  std::vector<const mp::mood::SongSegments*> ptrs;
  for (const auto& s : songs) ptrs.push_back(&s);

  mp::mood::MoodModelConfig exact;
  exact.input = mp::mood::InputKind::LldStats;
  exact.regressor = mp::mood::RegressorKind::ExactGp;
  exact.exact.maxIterations = 20;
  if (auto m = mp::mood::MoodModel::train(ptrs, targets, exact)) {
    writeFile(dir / "exact-gp.mpmodel", m->bytes());
    const std::string b = m->bytes();
    writeFile(dir / "truncated.mpmodel", b.substr(0, b.size() / 2));
  } else {
    std::fprintf(stderr, "moodplane_fuzz_seeds: exact model: %s\n", m.error().message.c_str());
  }
  mp::mood::MoodModelConfig svgp;
  svgp.ubm.maxComponents = 2;
  svgp.ubm.subsampleFraction = 1.0;
  svgp.ubm.maxIterations = 20;
  svgp.fisher.compact = false;
  svgp.pcaDims = 3;
  svgp.dgp.layers = 1;
  svgp.dgp.inducing = 4;
  svgp.dgp.iterations = 20;
  svgp.dgp.predictSamples = 4;
  if (auto m = mp::mood::MoodModel::train(ptrs, targets, svgp)) {
    writeFile(dir / "svgp.mpmodel", m->bytes());
  } else {
    std::fprintf(stderr, "moodplane_fuzz_seeds: svgp model: %s\n", m.error().message.c_str());
  }
  mp::io::ArchiveWriter w("fuzz-every-field");
  w.putInt("i", -3);
  w.putDouble("d", 0.25);
  w.putString("s", "text");
  w.putVector("v", mp::Vec::LinSpaced(3, 0.0, 1.0));
  w.putMatrix("m", mp::Mat::Identity(2, 3));
  w.putFloatVector("f", mp::VecF::Constant(2, 1.5f));
  writeFile(dir / "every-field.archive", w.bytes());
}

void playlistSeeds(const fs::path& dir) {
  std::vector<mp::library::PlaylistTrack> tracks = {
      {"/music/A & B/01 ünïcode song.flac", "Artist & Co", "Title <1>", "Album \"x\"", 201.4},
      {"/music/plain.mp3", "", "", "", 0.0},
      {"/music/dash - in - name.ogg", "Some - Artist", "A title", "", 65.0},
  };
  writeFile(dir / "extended.m3u", mp::library::writeM3u(tracks));
  writeFile(dir / "tracks.xspf", mp::library::writeXspf(tracks, "Seed & list"));
  writeFile(dir / "plain.m3u", "relative/song.mp3\n../up.flac\r\n/abs/path.wav\n\xEF\xBB\xBF# comment\n");
  writeFile(dir / "uris.m3u8",
            "\xEF\xBB\xBF#EXTM3U\r\n#EXTINF:-1,No duration\r\nfile:///music/a%20b.mp3\r\n"
            "#EXTINF:12.5,Artist - Title\r\nfile://localhost/music/c.ogg\r\n");
  writeFile(dir / "entities.xspf",
            "<?xml version=\"1.0\"?><playlist version=\"1\"><trackList>"
            "<track><location>file:///m/%C3%A9t%C3%A9.flac</location><title>&#233;t&#xE9; &amp; "
            "&lt;hiver&gt;</title><duration>1500</duration></track>"
            "<track><location>file:///m/cdata.mp3</location><creator><![CDATA[a <raw> & b]]></creator></track>"
            "<track><title>no location</title></track>"
            "<track><location/></track>"
            "</trackList></playlist>");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: moodplane_fuzz_seeds OUT_DIR\n");
    return 2;
  }
  const fs::path out = argv[1];
  for (const char* sub : {"decoder", "model", "playlist"}) fs::create_directories(out / sub);
  audioSeeds(out / "decoder");
  modelSeeds(out / "model");
  playlistSeeds(out / "playlist");
  return 0;
}
