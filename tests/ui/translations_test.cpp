// The German catalogue compiled from resources/translations/moodplane_de.ts is embedded under
// :/i18n and installTranslations() picks it (or nothing) from the locale; strings reach the
// widgets through tr() and QCoreApplication::translate().

#include "ui/translations.h"
#include "tests/ui/ui_test_support.h"
#include "ui/player_bar.h"
#include "ui/song_colouring.h"

#include <QTranslator>

#include <gtest/gtest.h>

namespace mp::ui {
namespace {

QString str(const char* s) { return QString::fromUtf8(s); }

// Removes and deletes the translators installTranslations() parented to the application, so
// the other UI tests in this process keep seeing English.
void removeInstalledTranslators() {
  for (QTranslator* t : test::testApp().findChildren<QTranslator*>(Qt::FindDirectChildrenOnly)) {
    QCoreApplication::removeTranslator(t);
    delete t;
  }
}

TEST(Translations, GermanCatalogueIsEmbedded) {
  test::testApp();
  QTranslator t;
  ASSERT_TRUE(t.load(QLocale(QLocale::German, QLocale::Germany), str("moodplane"), str("_"),
                     str(":/i18n")));
  EXPECT_EQ(t.translate("mp::ui::MainWindow", "&File"), str("&Datei"));
  EXPECT_EQ(t.translate("mp::ui::SongColouring", "Calm / relaxed"), str("Ruhig / entspannt"));
  EXPECT_EQ(t.translate("mp::ui::PlaylistPanel", "%n song(s) in the region", nullptr, 3),
            str("%n Titel im Bereich"));
}

TEST(Translations, InstallTranslationsFollowsTheLocale) {
  test::testApp();
  EXPECT_TRUE(installTranslations(test::testApp(), QLocale(QLocale::English, QLocale::UnitedStates))
                  .isEmpty());
  removeInstalledTranslators();
  EXPECT_EQ(quadrantName(3), str("Calm / relaxed"));

  // Any German-speaking country falls back to moodplane_de.
  const QString file =
      installTranslations(test::testApp(), QLocale(QLocale::German, QLocale::Austria));
  EXPECT_TRUE(file.endsWith(str("moodplane_de.qm"))) << file.toStdString();
  EXPECT_EQ(quadrantName(3), str("Ruhig / entspannt"));
  {
    PlayerBar bar(nullptr, /*probeDevices=*/false);
    EXPECT_EQ(bar.statusText(), str("Wiedergabe deaktiviert"));
  }
  removeInstalledTranslators();
  EXPECT_EQ(quadrantName(3), str("Calm / relaxed"));
}

}  // namespace
}  // namespace mp::ui
