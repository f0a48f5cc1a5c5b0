#pragma once
// Test fixtures for the audio module: known signals written with libsndfile (in chunks) or
// FFmpeg's encoders (AAC / ALAC in MP4), and small analysis helpers (single-bin DFT, RMS).
// Everything is generated into a TempDir at test time; nothing binary is committed.

#include <sndfile.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/log.h>
}

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <fstream>
#include <functional>
#include <numbers>
#include <span>
#include <string>
#include <vector>

namespace mp::test {

/// A signal generator: sample value of `channel` at frame `n` of a file at `rate` Hz.
using SignalFn = std::function<float(std::int64_t n, int channel, int rate)>;

/// The reference stereo signal: left 0.5·sin(2π·440 t), right 0.25·sin(2π·1000 t).
/// Mono downmix = 0.25·sin(440) + 0.125·sin(1000); RMS = sqrt(0.25²/2 + 0.125²/2) ≈ 0.1976.
inline float twoTone(std::int64_t n, int channel, int rate) {
  const double t = static_cast<double>(n) / rate;
  const double twoPi = 2.0 * std::numbers::pi;
  return channel % 2 == 0 ? static_cast<float>(0.5 * std::sin(twoPi * 440.0 * t))
                          : static_cast<float>(0.25 * std::sin(twoPi * 1000.0 * t));
}
constexpr double kMonoAmp440 = 0.25;
constexpr double kMonoAmp1000 = 0.125;
inline double monoTwoToneRms() { return std::sqrt(0.25 * 0.25 / 2 + 0.125 * 0.125 / 2); }

/// Writes `frames` frames of `signal` with libsndfile in 4096-frame chunks. Returns false (and
/// leaves no file) when the format cannot be written.
inline bool writeSndfile(const std::string& path, int format, int rate, int channels,
                         std::int64_t frames, const SignalFn& signal = twoTone) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = format;
  if (!sf_format_check(&info)) return false;
  SNDFILE* sf = sf_open(path.c_str(), SFM_WRITE, &info);
  if (sf == nullptr) return false;
  constexpr std::int64_t kChunk = 4096;
  std::vector<float> buf(static_cast<std::size_t>(kChunk * channels));
  for (std::int64_t start = 0; start < frames; start += kChunk) {
    const std::int64_t n = std::min(kChunk, frames - start);
    for (std::int64_t i = 0; i < n; ++i)
      for (int c = 0; c < channels; ++c)
        buf[static_cast<std::size_t>(i * channels + c)] = signal(start + i, c, rate);
    if (sf_writef_float(sf, buf.data(), n) != n) {
      sf_close(sf);
      return false;
    }
  }
  sf_close(sf);
  return true;
}

/// True if this libsndfile can write `format` (e.g. MP3 needs a build with LAME).
inline bool canWrite(int format, int rate = 44100, int channels = 2) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = format;
  return sf_format_check(&info) != 0;
}

/// Encodes `frames` of `signal` with FFmpeg's encoder `encoderName` ("aac", "alac") into an MP4
/// (muxer "ipod" = .m4a). Returns an empty string on success, else what failed.
inline std::string writeFfmpegMp4(const std::string& path, const char* encoderName, int rate,
                                  int channels, std::int64_t frames,
                                  const SignalFn& signal = twoTone) {
  av_log_set_level(AV_LOG_QUIET);
  const AVCodec* codec = avcodec_find_encoder_by_name(encoderName);
  if (codec == nullptr) return std::string("no encoder ") + encoderName;
  AVFormatContext* oc = nullptr;
  if (avformat_alloc_output_context2(&oc, nullptr, "ipod", path.c_str()) < 0 || oc == nullptr)
    return "no ipod muxer";
  AVCodecContext* cc = avcodec_alloc_context3(codec);
  std::string err;
  AVFrame* frame = av_frame_alloc();
  AVPacket* pkt = av_packet_alloc();
  AVStream* st = avformat_new_stream(oc, nullptr);
  const AVSampleFormat fmt = codec->sample_fmts != nullptr ? codec->sample_fmts[0] : AV_SAMPLE_FMT_FLTP;
  auto drain = [&](AVFrame* in) {
    if (avcodec_send_frame(cc, in) < 0) return false;
    while (avcodec_receive_packet(cc, pkt) == 0) {
      av_packet_rescale_ts(pkt, cc->time_base, st->time_base);
      pkt->stream_index = st->index;
      if (av_interleaved_write_frame(oc, pkt) < 0) return false;
    }
    return true;
  };
  do {
    if (fmt != AV_SAMPLE_FMT_FLTP && fmt != AV_SAMPLE_FMT_S16P && fmt != AV_SAMPLE_FMT_S32P) {
      err = "unexpected encoder sample format";
      break;
    }
    cc->sample_fmt = fmt;
    cc->sample_rate = rate;
    av_channel_layout_default(&cc->ch_layout, channels);
    cc->bit_rate = 160000;
    cc->time_base = AVRational{1, rate};
    if (oc->oformat->flags & AVFMT_GLOBALHEADER) cc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (avcodec_open2(cc, codec, nullptr) < 0) { err = "cannot open encoder"; break; }
    if (avcodec_parameters_from_context(st->codecpar, cc) < 0) { err = "codecpar"; break; }
    st->time_base = cc->time_base;
    if (avio_open(&oc->pb, path.c_str(), AVIO_FLAG_WRITE) < 0) { err = "cannot create file"; break; }
    if (avformat_write_header(oc, nullptr) < 0) { err = "cannot write header"; break; }
    const int frameSize = cc->frame_size > 0 ? cc->frame_size : 1024;
    frame->format = fmt;
    frame->sample_rate = rate;
    av_channel_layout_copy(&frame->ch_layout, &cc->ch_layout);
    bool ok = true;
    for (std::int64_t start = 0; start < frames && ok; start += frameSize) {
      const int n = static_cast<int>(std::min<std::int64_t>(frameSize, frames - start));
      frame->nb_samples = n;
      av_frame_get_buffer(frame, 0);
      for (int c = 0; c < channels; ++c) {
        for (int i = 0; i < n; ++i) {
          const float v = signal(start + i, c, rate);
          if (fmt == AV_SAMPLE_FMT_FLTP) reinterpret_cast<float*>(frame->data[c])[i] = v;
          if (fmt == AV_SAMPLE_FMT_S16P)
            reinterpret_cast<std::int16_t*>(frame->data[c])[i] = static_cast<std::int16_t>(std::lround(v * 32767.0f));
          if (fmt == AV_SAMPLE_FMT_S32P)
            reinterpret_cast<std::int32_t*>(frame->data[c])[i] = static_cast<std::int32_t>(std::lround(v * 2147483520.0));
        }
      }
      frame->pts = start;
      ok = drain(frame);
      av_frame_unref(frame);
      frame->format = fmt;
      frame->sample_rate = rate;
      av_channel_layout_copy(&frame->ch_layout, &cc->ch_layout);
    }
    if (!ok || !drain(nullptr)) { err = "encoding failed"; break; }
    if (av_write_trailer(oc) < 0) err = "cannot write trailer";
  } while (false);
  if (oc->pb != nullptr) avio_closep(&oc->pb);
  av_packet_free(&pkt);
  av_frame_free(&frame);
  avcodec_free_context(&cc);
  avformat_free_context(oc);
  return err;
}

/// Amplitude of the sinusoid at `freq` Hz in x (single-bin DFT, rectangular window). Exact for a
/// whole number of periods in the window.
inline double toneAmplitude(std::span<const float> x, double freq, int rate) {
  std::complex<double> acc{0.0, 0.0};
  const double w = -2.0 * std::numbers::pi * freq / rate;
  for (std::size_t n = 0; n < x.size(); ++n) acc += static_cast<double>(x[n]) * std::polar(1.0, w * static_cast<double>(n));
  return 2.0 * std::abs(acc) / static_cast<double>(x.size());
}

inline double rms(std::span<const float> x) {
  double s = 0.0;
  for (float v : x) s += static_cast<double>(v) * v;
  return x.empty() ? 0.0 : std::sqrt(s / static_cast<double>(x.size()));
}

inline void writeBytes(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::vector<char> readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Copies the first `n` bytes of `from` into `to`.
inline void truncateCopy(const std::string& from, const std::string& to, std::size_t n) {
  auto bytes = readBytes(from);
  bytes.resize(std::min(n, bytes.size()));
  writeBytes(to, bytes);
}

}  // namespace mp::test
