// Tag reading through TagLib 1.13. The TagLib file class is chosen from the content sniffer's
// verdict (not from the extension), so a FLAC named .mp3 still has its Vorbis comments read.

#include "core/audio/tags.h"

#include "core/audio/format_sniffer.h"

#include <taglib/aifffile.h>
#include <taglib/apefile.h>
#include <taglib/asffile.h>
#include <taglib/audioproperties.h>
#include <taglib/flacfile.h>
#include <taglib/mp4file.h>
#include <taglib/mpcfile.h>
#include <taglib/mpegfile.h>
#include <taglib/oggflacfile.h>
#include <taglib/opusfile.h>
#include <taglib/speexfile.h>
#include <taglib/tag.h>
#include <taglib/trueaudiofile.h>
#include <taglib/vorbisfile.h>
#include <taglib/wavfile.h>
#include <taglib/wavpackfile.h>

#include <memory>

namespace mp::audio {
namespace {

std::unique_ptr<TagLib::File> openTagFile(const SniffedFormat& s, const char* name) {
  const auto& c = s.container;
  if (c == "wav") return std::make_unique<TagLib::RIFF::WAV::File>(name);
  if (c == "aiff") return std::make_unique<TagLib::RIFF::AIFF::File>(name);
  if (c == "flac") return std::make_unique<TagLib::FLAC::File>(name);
  if (c == "mp3") return std::make_unique<TagLib::MPEG::File>(name);
  if (c == "mp4") return std::make_unique<TagLib::MP4::File>(name);
  if (c == "asf") return std::make_unique<TagLib::ASF::File>(name);
  if (c == "wavpack") return std::make_unique<TagLib::WavPack::File>(name);
  if (c == "ape") return std::make_unique<TagLib::APE::File>(name);
  if (c == "mpc") return std::make_unique<TagLib::MPC::File>(name);
  if (c == "tta") return std::make_unique<TagLib::TrueAudio::File>(name);
  if (c == "ogg") {
    if (s.codec == "vorbis") return std::make_unique<TagLib::Ogg::Vorbis::File>(name);
    if (s.codec == "opus") return std::make_unique<TagLib::Ogg::Opus::File>(name);
    if (s.codec == "flac") return std::make_unique<TagLib::Ogg::FLAC::File>(name);
    if (s.codec == "speex") return std::make_unique<TagLib::Ogg::Speex::File>(name);
  }
  return nullptr;
}

std::string utf8(const TagLib::String& s) { return s.to8Bit(true); }

}  // namespace

Result<Tags> readTags(const std::string& path) {
  auto sniffed = sniffFormat(path);  // also rejects missing / unreadable / directory / empty
  if (!sniffed) return sniffed.error();
  if (!sniffed->known) return fail("cannot read tags of '" + path + "': not a recognised audio format");
  std::unique_ptr<TagLib::File> file = openTagFile(*sniffed, path.c_str());
  if (!file) return fail("cannot read tags of '" + path + "': TagLib does not support " + sniffed->container);
  if (!file->isValid()) return fail("TagLib cannot parse '" + path + "' as " + sniffed->container);
  Tags tags;
  if (const TagLib::Tag* t = file->tag(); t != nullptr) {
    tags.title = utf8(t->title());
    tags.artist = utf8(t->artist());
    tags.album = utf8(t->album());
    tags.genre = utf8(t->genre());
    tags.year = static_cast<int>(t->year());
    tags.track = static_cast<int>(t->track());
  }
  if (const TagLib::AudioProperties* p = file->audioProperties(); p != nullptr)
    tags.durationSeconds = p->lengthInMilliseconds() / 1000.0;
  return tags;
}

}  // namespace mp::audio
