// libsndfile backend. See sndfile_decoder.h.

#include "core/audio/sndfile_decoder.h"

#include <sndfile.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace mp::audio {
namespace {

constexpr std::size_t kPrimeFrames = 4096;

/// A read-only file descriptor with a position, exposed to libsndfile as virtual I/O.
class FdReader {
 public:
  explicit FdReader(int fd) : fd_(fd) {}
  ~FdReader() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdReader(const FdReader&) = delete;
  FdReader& operator=(const FdReader&) = delete;

  static SF_VIRTUAL_IO callbacks() {
    SF_VIRTUAL_IO io{};
    io.get_filelen = [](void* self) -> sf_count_t { return static_cast<FdReader*>(self)->size(); };
    io.seek = [](sf_count_t offset, int whence, void* self) -> sf_count_t {
      return static_cast<FdReader*>(self)->seek(offset, whence);
    };
    io.read = [](void* ptr, sf_count_t count, void* self) -> sf_count_t {
      return static_cast<FdReader*>(self)->read(ptr, count);
    };
    io.write = [](const void*, sf_count_t, void*) -> sf_count_t { return 0; };
    io.tell = [](void* self) -> sf_count_t { return static_cast<FdReader*>(self)->pos_; };
    return io;
  }

 private:
  sf_count_t size() const {
    struct stat st {};
    return ::fstat(fd_, &st) == 0 ? static_cast<sf_count_t>(st.st_size) : 0;
  }
  sf_count_t seek(sf_count_t offset, int whence) {
    sf_count_t base = 0;
    if (whence == SEEK_CUR) base = pos_;
    if (whence == SEEK_END) base = size();
    const sf_count_t target = base + offset;
    if (target < 0) return -1;
    pos_ = target;
    return pos_;
  }
  sf_count_t read(void* ptr, sf_count_t count) {
    if (count <= 0) return 0;
    auto* dst = static_cast<char*>(ptr);
    sf_count_t done = 0;
    while (done < count) {
      const ssize_t n = ::pread(fd_, dst + done, static_cast<std::size_t>(count - done), pos_ + done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += n;
    }
    pos_ += done;
    return done;
  }

  int fd_ = -1;
  sf_count_t pos_ = 0;
};

std::string containerName(int major) {
  switch (major) {
    case SF_FORMAT_WAV: case SF_FORMAT_WAVEX: case SF_FORMAT_RF64: return "wav";
    case SF_FORMAT_W64: return "w64";
    case SF_FORMAT_AIFF: return "aiff";
    case SF_FORMAT_FLAC: return "flac";
    case SF_FORMAT_OGG: return "ogg";
    case SF_FORMAT_MPEG: return "mp3";
    case SF_FORMAT_CAF: return "caf";
    case SF_FORMAT_AU: return "au";
    default: return "other";
  }
}

std::string codecName(int major, int sub) {
  if (major == SF_FORMAT_FLAC) return "flac";
  switch (sub) {
    case SF_FORMAT_PCM_S8: return "pcm_s8";
    case SF_FORMAT_PCM_U8: return "pcm_u8";
    case SF_FORMAT_PCM_16: return "pcm_s16";
    case SF_FORMAT_PCM_24: return "pcm_s24";
    case SF_FORMAT_PCM_32: return "pcm_s32";
    case SF_FORMAT_FLOAT: return "pcm_f32";
    case SF_FORMAT_DOUBLE: return "pcm_f64";
    case SF_FORMAT_ULAW: return "ulaw";
    case SF_FORMAT_ALAW: return "alaw";
    case SF_FORMAT_IMA_ADPCM: return "ima_adpcm";
    case SF_FORMAT_MS_ADPCM: return "ms_adpcm";
    case SF_FORMAT_VORBIS: return "vorbis";
    case SF_FORMAT_OPUS: return "opus";
    case SF_FORMAT_MPEG_LAYER_I: return "mp1";
    case SF_FORMAT_MPEG_LAYER_II: return "mp2";
    case SF_FORMAT_MPEG_LAYER_III: return "mp3";
    case SF_FORMAT_ALAC_16: case SF_FORMAT_ALAC_20: case SF_FORMAT_ALAC_24: case SF_FORMAT_ALAC_32:
      return "alac";
    default: return "other";
  }
}

class SndfileDecoder final : public AudioDecoder {
 public:
  explicit SndfileDecoder(int fd) : reader_(fd), io_(FdReader::callbacks()) {}
  ~SndfileDecoder() override {
    if (sf_ != nullptr) sf_close(sf_);
  }
  SndfileDecoder(const SndfileDecoder&) = delete;
  SndfileDecoder& operator=(const SndfileDecoder&) = delete;

  Status open(const std::string& path) {
    SF_INFO sfinfo{};
    sf_ = sf_open_virtual(&io_, SFM_READ, &sfinfo, &reader_);
    if (sf_ == nullptr) return fail("libsndfile cannot open '" + path + "': " + sf_strerror(nullptr));
    if (sfinfo.channels <= 0 || sfinfo.samplerate <= 0)
      return fail("libsndfile: '" + path + "' reports no channels or no sample rate");
    sf_command(sf_, SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);
    const int major = sfinfo.format & SF_FORMAT_TYPEMASK;
    const int sub = sfinfo.format & SF_FORMAT_SUBMASK;
    info_.container = containerName(major);
    info_.codec = codecName(major, sub);
    info_.sampleRate = sfinfo.samplerate;
    info_.channels = sfinfo.channels;
    // libsndfile reports SF_COUNT_MAX when it cannot tell.
    info_.frames = (sfinfo.frames > 0 && sfinfo.frames < (sf_count_t{1} << 50)) ? sfinfo.frames : 0;
    info_.durationSeconds = static_cast<double>(info_.frames) / info_.sampleRate;
    // Prime: a file that opens but yields nothing (e.g. a truncated Ogg) is a failure here.
    pending_.resize(kPrimeFrames * static_cast<std::size_t>(info_.channels));
    const sf_count_t got = sf_readf_float(sf_, pending_.data(), static_cast<sf_count_t>(kPrimeFrames));
    if (got <= 0) {
      const int err = sf_error(sf_);
      return fail("no audio could be decoded from '" + path + "'" +
                  (err != SF_ERR_NO_ERROR ? std::string(": ") + sf_error_number(err) : std::string()));
    }
    pendingFrames_ = static_cast<std::size_t>(got);
    return {};
  }

  const AudioInfo& info() const override { return info_; }

  Result<std::size_t> read(float* out, std::size_t maxFrames) override {
    const auto ch = static_cast<std::size_t>(info_.channels);
    std::size_t done = 0;
    if (pendingPos_ < pendingFrames_) {
      const std::size_t n = std::min(maxFrames, pendingFrames_ - pendingPos_);
      std::copy_n(pending_.data() + pendingPos_ * ch, n * ch, out);
      pendingPos_ += n;
      done = n;
      if (pendingPos_ == pendingFrames_) pending_ = {};  // free the priming buffer
    }
    if (done < maxFrames) {
      const sf_count_t got = sf_readf_float(sf_, out + done * ch, static_cast<sf_count_t>(maxFrames - done));
      if (got < 0) return fail("libsndfile read error");
      done += static_cast<std::size_t>(got);
    }
    return done;
  }

 private:
  FdReader reader_;
  SF_VIRTUAL_IO io_;
  SNDFILE* sf_ = nullptr;
  AudioInfo info_;
  std::vector<float> pending_;
  std::size_t pendingFrames_ = 0;
  std::size_t pendingPos_ = 0;
};

}  // namespace

Result<std::unique_ptr<AudioDecoder>> openWithSndfile(const std::string& path,
                                                      const SniffedFormat& /*sniffed*/) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail("cannot read '" + path + "': " + std::strerror(errno));
  auto decoder = std::make_unique<SndfileDecoder>(fd);
  if (Status st = decoder->open(path); !st) return st.error();
  return std::unique_ptr<AudioDecoder>(std::move(decoder));
}

}  // namespace mp::audio
