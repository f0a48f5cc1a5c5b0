// FFmpeg backend. See ffmpeg_decoder.h.

#include "core/audio/ffmpeg_decoder.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <vector>

namespace mp::audio {
namespace {

constexpr int kProbeBytes = 256 * 1024;
constexpr int kMaxConsecutiveBadPackets = 64;

std::string avError(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buf, sizeof buf);
  return buf;
}

/// FFmpeg's log level is process-wide library configuration, set once (not per decoder).
void silenceFfmpegOnce() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_level(AV_LOG_QUIET); });
}

struct FormatCloser {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct CodecFreer {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct PacketFreer {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct FrameFreer {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct SwrFreer {
  void operator()(SwrContext* s) const { swr_free(&s); }
};

/// Content probe with no file name: returns the demuxer or nullptr when not confident enough.
const AVInputFormat* probeContent(const std::string& path, int minScore) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return nullptr;
  std::vector<unsigned char> buf(kProbeBytes + AVPROBE_PADDING_SIZE, 0);
  const std::size_t got = std::fread(buf.data(), 1, kProbeBytes, f);
  std::fclose(f);
  if (got == 0) return nullptr;
  AVProbeData pd{};
  pd.filename = "";
  pd.buf = buf.data();
  pd.buf_size = static_cast<int>(got);
  pd.mime_type = nullptr;
  int score = 0;
  const AVInputFormat* fmt = av_probe_input_format3(&pd, 1, &score);
  return (fmt != nullptr && score >= minScore) ? fmt : nullptr;
}

std::string containerFromDemuxer(const char* name) {
  const std::string n = name != nullptr ? name : "";
  if (n.find("mp4") != std::string::npos || n.find("mov") != std::string::npos) return "mp4";
  if (n == "aac") return "adts";
  if (n == "matroska,webm") return "matroska";
  return n;
}

class FfmpegDecoder final : public AudioDecoder {
 public:
  Status open(const std::string& path, const SniffedFormat& sniffed) {
    const AVInputFormat* fmt = probeContent(path, sniffed.known ? 1 : AVPROBE_SCORE_RETRY);
    if (fmt == nullptr) return fail("'" + path + "' is not in a recognised audio format");

    AVDictionary* opts = nullptr;
    av_dict_set(&opts, "protocol_whitelist", "file", 0);
    AVFormatContext* raw = nullptr;
    const std::string url = "file:" + path;  // a ':' in the path must not select a protocol
    int rc = avformat_open_input(&raw, url.c_str(), fmt, &opts);
    av_dict_free(&opts);
    if (rc < 0) return fail("FFmpeg cannot open '" + path + "': " + avError(rc));
    fmt_.reset(raw);
    rc = avformat_find_stream_info(fmt_.get(), nullptr);
    if (rc < 0) return fail("FFmpeg cannot read stream info of '" + path + "': " + avError(rc));

    const AVCodec* codec = nullptr;
    stream_ = av_find_best_stream(fmt_.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
    if (stream_ == AVERROR_STREAM_NOT_FOUND) return fail("'" + path + "' contains no audio stream");
    const AVStream* st = fmt_->streams[stream_ < 0 ? 0 : stream_];
    if (stream_ < 0 || codec == nullptr) {
      const char* cname = stream_ >= 0 ? avcodec_get_name(st->codecpar->codec_id) : "unknown";
      return fail("unsupported audio codec '" + std::string(cname) + "' in '" + path + "'");
    }
    codec_.reset(avcodec_alloc_context3(codec));
    if (!codec_) return fail("out of memory opening a decoder");
    rc = avcodec_parameters_to_context(codec_.get(), st->codecpar);
    if (rc < 0) return fail("FFmpeg: bad codec parameters in '" + path + "': " + avError(rc));
    codec_->thread_count = 1;
    rc = avcodec_open2(codec_.get(), codec, nullptr);
    if (rc < 0)
      return fail("unsupported audio codec '" + std::string(codec->name) + "' in '" + path + "': " + avError(rc));

    info_.codec = avcodec_get_name(st->codecpar->codec_id);
    info_.container = containerFromDemuxer(fmt_->iformat->name);
    info_.sampleRate = codec_->sample_rate;
    info_.channels = codec_->ch_layout.nb_channels;
    if (info_.sampleRate <= 0 || info_.channels <= 0)
      return fail("'" + path + "' has no valid sample rate or channel count");
    if (st->duration > 0 && st->time_base.den > 0) {
      info_.durationSeconds = static_cast<double>(st->duration) * av_q2d(st->time_base);
    } else if (fmt_->duration > 0) {
      info_.durationSeconds = static_cast<double>(fmt_->duration) / AV_TIME_BASE;
    }
    info_.frames = static_cast<std::int64_t>(info_.durationSeconds * info_.sampleRate + 0.5);

    packet_.reset(av_packet_alloc());
    frame_.reset(av_frame_alloc());
    if (!packet_ || !frame_) return fail("out of memory opening a decoder");
    // Prime: a file that opens but yields no audio is a failure.
    auto more = decodeNext();
    if (!more) return fail("cannot decode '" + path + "': " + more.error().message);
    if (!*more) return fail("no audio could be decoded from '" + path + "'");
    return {};
  }

  const AudioInfo& info() const override { return info_; }

  Result<std::size_t> read(float* out, std::size_t maxFrames) override {
    const auto ch = static_cast<std::size_t>(info_.channels);
    std::size_t done = 0;
    while (done < maxFrames) {
      if (pos_ == avail_) {
        auto more = decodeNext();
        if (!more) return more.error();
        if (!*more) break;
      }
      const std::size_t n = std::min(maxFrames - done, avail_ - pos_);
      std::copy_n(converted_.data() + pos_ * ch, n * ch, out + done * ch);
      pos_ += n;
      done += n;
    }
    return done;
  }

 private:
  /// Decodes until at least one converted frame is available; false at end of stream.
  Result<bool> decodeNext() {
    pos_ = avail_ = 0;
    while (true) {
      int rc = avcodec_receive_frame(codec_.get(), frame_.get());
      if (rc == 0) {
        auto st = convert();
        av_frame_unref(frame_.get());
        if (!st) return st.error();
        if (avail_ > 0) return true;
        continue;
      }
      if (rc == AVERROR_EOF) return false;
      if (rc != AVERROR(EAGAIN)) {
        if (++badPackets_ > kMaxConsecutiveBadPackets) return fail("decoding failed: " + avError(rc));
        continue;
      }
      if (flushing_) return false;
      rc = av_read_frame(fmt_.get(), packet_.get());
      if (rc < 0) {  // end of file, or a truncated/corrupt tail: drain what we have
        flushing_ = true;
        avcodec_send_packet(codec_.get(), nullptr);
        continue;
      }
      if (packet_->stream_index != stream_) {
        av_packet_unref(packet_.get());
        continue;
      }
      rc = avcodec_send_packet(codec_.get(), packet_.get());
      av_packet_unref(packet_.get());
      if (rc < 0 && rc != AVERROR(EAGAIN)) {
        if (++badPackets_ > kMaxConsecutiveBadPackets) return fail("decoding failed: " + avError(rc));
      } else {
        badPackets_ = 0;
      }
    }
  }

  /// Converts frame_ to interleaved float with info_.channels channels at the source rate.
  Status convert() {
    const AVFrame* f = frame_.get();
    if (f->nb_samples <= 0) return {};
    if (f->sample_rate != 0 && f->sample_rate != info_.sampleRate)
      return fail("the sample rate changes mid-stream, which is not supported");
    const bool reconfigure = !swr_ || f->format != swrFormat_ ||
                             av_channel_layout_compare(&f->ch_layout, &swrLayout_) != 0;
    if (reconfigure) {
      AVChannelLayout outLayout{};
      av_channel_layout_default(&outLayout, info_.channels);
      AVChannelLayout inLayout{};
      if (f->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
        av_channel_layout_default(&inLayout, f->ch_layout.nb_channels);
      } else {
        av_channel_layout_copy(&inLayout, &f->ch_layout);
      }
      SwrContext* s = nullptr;
      int rc = swr_alloc_set_opts2(&s, &outLayout, AV_SAMPLE_FMT_FLT, info_.sampleRate, &inLayout,
                                   static_cast<AVSampleFormat>(f->format), info_.sampleRate, 0, nullptr);
      av_channel_layout_uninit(&outLayout);
      av_channel_layout_uninit(&inLayout);
      swr_.reset(s);
      if (rc < 0 || (rc = swr_init(swr_.get())) < 0) return fail("cannot convert samples: " + avError(rc));
      swrFormat_ = f->format;
      av_channel_layout_uninit(&swrLayout_);
      av_channel_layout_copy(&swrLayout_, &f->ch_layout);
    }
    const int cap = swr_get_out_samples(swr_.get(), f->nb_samples);
    if (cap <= 0) return {};
    const auto need = static_cast<std::size_t>(cap) * static_cast<std::size_t>(info_.channels);
    if (converted_.size() < need) converted_.resize(need);
    auto* outPtr = reinterpret_cast<std::uint8_t*>(converted_.data());
    const int got = swr_convert(swr_.get(), &outPtr, cap,
                                const_cast<const std::uint8_t**>(f->extended_data), f->nb_samples);
    if (got < 0) return fail("cannot convert samples: " + avError(got));
    avail_ = static_cast<std::size_t>(got);
    pos_ = 0;
    return {};
  }

 public:
  ~FfmpegDecoder() override { av_channel_layout_uninit(&swrLayout_); }
  FfmpegDecoder() = default;
  FfmpegDecoder(const FfmpegDecoder&) = delete;
  FfmpegDecoder& operator=(const FfmpegDecoder&) = delete;

 private:
  std::unique_ptr<AVFormatContext, FormatCloser> fmt_;
  std::unique_ptr<AVCodecContext, CodecFreer> codec_;
  std::unique_ptr<AVPacket, PacketFreer> packet_;
  std::unique_ptr<AVFrame, FrameFreer> frame_;
  std::unique_ptr<SwrContext, SwrFreer> swr_;
  int swrFormat_ = -1;
  AVChannelLayout swrLayout_{};
  int stream_ = -1;
  bool flushing_ = false;
  int badPackets_ = 0;
  AudioInfo info_;
  std::vector<float> converted_;
  std::size_t pos_ = 0;
  std::size_t avail_ = 0;
};

}  // namespace

Result<std::unique_ptr<AudioDecoder>> openWithFfmpeg(const std::string& path,
                                                     const SniffedFormat& sniffed) {
  silenceFfmpegOnce();
  auto decoder = std::make_unique<FfmpegDecoder>();
  if (Status st = decoder->open(path, sniffed); !st) return st.error();
  return std::unique_ptr<AudioDecoder>(std::move(decoder));
}

}  // namespace mp::audio
