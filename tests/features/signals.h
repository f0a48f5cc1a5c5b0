#pragma once
// Generated test signals with known answers (mono float at a given rate), and a tiny WAV writer.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <numbers>
#include <random>
#include <string>
#include <vector>

namespace mp::test {

inline std::vector<float> sine(double freq, double amplitude, double seconds, int rate = 22050) {
  std::vector<float> x(static_cast<std::size_t>(seconds * rate));
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = static_cast<float>(amplitude * std::sin(2.0 * std::numbers::pi * freq * i / rate));
  return x;
}

inline std::vector<float> whiteNoise(double amplitude, double seconds, unsigned seed, int rate = 22050) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> x(static_cast<std::size_t>(seconds * rate));
  for (float& v : x) v = static_cast<float>(amplitude) * u(rng);
  return x;
}

struct NoteSequence {
  std::vector<float> audio;
  std::vector<double> onsets;  ///< seconds
};

/// Pitched decaying tones (5 harmonics, exponential decay) and percussive hits (one-pole filtered
/// noise bursts) at known times; inter-onset 80 ms..1 s, levels −20..0 dB, background noise.
inline NoteSequence noteSequence(unsigned seed, int events, int rate = 22050, double noiseLevel = 0.002) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  NoteSequence seq;
  double t = 0.3;
  for (int e = 0; e < events; ++e) {
    seq.onsets.push_back(t);
    // Log-uniform inter-onset interval in [0.08, 1.0] s.
    t += 0.08 * std::pow(1.0 / 0.08, u(rng));
  }
  const double total = t + 1.0;
  seq.audio.assign(static_cast<std::size_t>(total * rate), 0.0f);
  std::normal_distribution<double> gauss(0.0, 1.0);
  for (float& v : seq.audio) v = static_cast<float>(noiseLevel * gauss(rng));
  for (double onset : seq.onsets) {
    const double gain = 0.4 * std::pow(10.0, -20.0 * u(rng) / 20.0);
    const std::size_t start = static_cast<std::size_t>(std::lround(onset * rate));
    if (u(rng) < 0.5) {
      const double f0 = 110.0 * std::pow(2.0, 3.0 * u(rng));  // 110..880 Hz
      const double tau = 0.1 + 0.4 * u(rng);
      const double phase = 2.0 * std::numbers::pi * u(rng);
      const std::size_t len = static_cast<std::size_t>(std::min(5.0 * tau, 2.0) * rate);
      for (std::size_t i = 0; i < len && start + i < seq.audio.size(); ++i) {
        const double ts = static_cast<double>(i) / rate;
        const double env = std::min(1.0, ts / 0.002) * std::exp(-ts / tau);
        double v = 0;
        for (int h = 1; h <= 5 && h * f0 < rate / 2.0; ++h)
          v += std::sin(2.0 * std::numbers::pi * h * f0 * ts + phase * h) / h;
        seq.audio[start + i] += static_cast<float>(gain * env * v * 0.6);
      }
    } else {
      const double tau = 0.02 + 0.06 * u(rng);
      const double alpha = 0.05 + 0.9 * u(rng);  // one-pole low-pass coefficient: dull .. bright
      const bool highpass = u(rng) < 0.3;
      const std::size_t len = static_cast<std::size_t>(6.0 * tau * rate);
      double lp = 0, prev = 0;
      for (std::size_t i = 0; i < len && start + i < seq.audio.size(); ++i) {
        const double ts = static_cast<double>(i) / rate;
        const double w = gauss(rng);
        lp += alpha * (w - lp);
        const double y = highpass ? (w - prev) : lp;
        prev = w;
        seq.audio[start + i] += static_cast<float>(gain * std::min(1.0, ts / 0.001) * std::exp(-ts / tau) * y);
      }
    }
  }
  return seq;
}

/// Writes 16-bit PCM WAV, `channels` interleaved copies of `mono`, in chunks.
inline bool writeWav(const std::string& path, const std::vector<float>& mono, int rate, int channels = 1) {
  std::ofstream f(path, std::ios::binary);
  if (!f) return false;
  auto u32 = [&](std::uint32_t v) { f.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](std::uint16_t v) { f.write(reinterpret_cast<const char*>(&v), 2); };
  const std::uint32_t dataBytes = static_cast<std::uint32_t>(mono.size() * 2 * channels);
  f.write("RIFF", 4);
  u32(36 + dataBytes);
  f.write("WAVEfmt ", 8);
  u32(16);
  u16(1);
  u16(static_cast<std::uint16_t>(channels));
  u32(static_cast<std::uint32_t>(rate));
  u32(static_cast<std::uint32_t>(rate * 2 * channels));
  u16(static_cast<std::uint16_t>(2 * channels));
  u16(16);
  f.write("data", 4);
  u32(dataBytes);
  std::vector<std::int16_t> buf;
  for (float v : mono) {
    const auto s = static_cast<std::int16_t>(std::lround(std::clamp(v, -1.0f, 1.0f) * 32767.0f));
    for (int c = 0; c < channels; ++c) buf.push_back(s);
  }
  f.write(reinterpret_cast<const char*>(buf.data()), static_cast<std::streamsize>(buf.size() * 2));
  return static_cast<bool>(f);
}

}  // namespace mp::test
