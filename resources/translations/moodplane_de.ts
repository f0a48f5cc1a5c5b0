<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>moodplane</name>
    <message>
        <source>Moodplane: explore a music library by mood.</source>
        <translation>Moodplane: eine Musiksammlung nach Stimmung erkunden.</translation>
    </message>
    <message>
        <source>Library database.</source>
        <translation>Bibliotheksdatenbank.</translation>
    </message>
    <message>
        <source>Mood model file.</source>
        <translation>Datei des Stimmungsmodells.</translation>
    </message>
    <message>
        <source>Render the window to a PNG after the scan and exit.</source>
        <translation>Das Fenster nach dem Scan als PNG speichern und beenden.</translation>
    </message>
    <message>
        <source>Exit when the scan finishes.</source>
        <translation>Nach Abschluss des Scans beenden.</translation>
    </message>
    <message>
        <source>Select the rectangle V0,A0,V1,A1 (plane units).</source>
        <translation>Das Rechteck V0,A0,V1,A1 auswählen (Einheiten der Ebene).</translation>
    </message>
    <message>
        <source>Dark theme.</source>
        <translation>Dunkles Design.</translation>
    </message>
    <message>
        <source>Show every uncertainty ellipse.</source>
        <translation>Alle Unsicherheitsellipsen anzeigen.</translation>
    </message>
    <message>
        <source>quadrant, genre or uncertainty.</source>
        <translation>quadrant, genre oder uncertainty.</translation>
    </message>
    <message>
        <source>Settings file (INI) instead of the user&apos;s.</source>
        <translation>Einstellungsdatei (INI) statt der des Benutzers.</translation>
    </message>
    <message>
        <source>Music folder to add and scan.</source>
        <translation>Musikordner, der hinzugefügt und gescannt wird.</translation>
    </message>
    <message>
        <source>at most one FOLDER</source>
        <translation>höchstens ein ORDNER</translation>
    </message>
    <message>
        <source>not a folder: %1</source>
        <translation>kein Ordner: %1</translation>
    </message>
    <message>
        <source>--region wants V0,A0,V1,A1 with values in [0, 1]</source>
        <translation>--region erwartet V0,A0,V1,A1 mit Werten in [0, 1]</translation>
    </message>
    <message>
        <source>--colour-by wants quadrant, genre or uncertainty</source>
        <translation>--colour-by erwartet quadrant, genre oder uncertainty</translation>
    </message>
</context>
<context>
    <name>mp::ui::LibraryStoreWorker</name>
    <message>
        <source>Cannot save the playlist: %1</source>
        <translation>Die Wiedergabeliste kann nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>Cannot open the library database %1: %2</source>
        <translation>Die Bibliotheksdatenbank %1 kann nicht geöffnet werden: %2</translation>
    </message>
</context>
<context>
    <name>mp::ui::LibraryTableModel</name>
    <message>
        <source>analysed</source>
        <translation>analysiert</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>ausstehend</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Artist</source>
        <translation>Interpret</translation>
    </message>
    <message>
        <source>Album</source>
        <translation>Album</translation>
    </message>
    <message>
        <source>Genre</source>
        <translation>Genre</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Länge</translation>
    </message>
    <message>
        <source>Valence</source>
        <translation>Valenz</translation>
    </message>
    <message>
        <source>Arousal</source>
        <translation>Erregung</translation>
    </message>
    <message>
        <source>σ v</source>
        <translation>σ v</translation>
    </message>
    <message>
        <source>σ a</source>
        <translation>σ a</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>mp::ui::MainWindow</name>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>Moodplane</source>
        <translation>Moodplane</translation>
    </message>
    <message>
        <source>The mood model could not be loaded: %1
The library can still be browsed, but new songs cannot be analysed.</source>
        <translation>Das Stimmungsmodell konnte nicht geladen werden: %1
Die Bibliothek lässt sich weiter durchsuchen, neue Titel können aber nicht analysiert werden.</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Your library is empty&lt;/h2&gt;&lt;p&gt;Drop a music folder here or File ▸ Add folder…&lt;/p&gt;</source>
        <translation>&lt;h2&gt;Ihre Bibliothek ist leer&lt;/h2&gt;&lt;p&gt;Ziehen Sie einen Musikordner hierher oder wählen Sie Datei ▸ Ordner hinzufügen…&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>Ordner hinzufügen…</translation>
    </message>
    <message>
        <source>Player</source>
        <translation>Wiedergabe</translation>
    </message>
    <message>
        <source>Saved playlist “%1”</source>
        <translation>Wiedergabeliste „%1“ gespeichert</translation>
    </message>
    <message>
        <source>Looking for music…</source>
        <translation>Suche nach Musik…</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Filter by title, artist, album, genre… (Ctrl+F)</source>
        <translation>Nach Titel, Interpret, Album, Genre … filtern (Strg+F)</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>Bibliothek</translation>
    </message>
    <message>
        <source>Playlist</source>
        <translation>Wiedergabeliste</translation>
    </message>
    <message>
        <source>Song</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>Modell: %1</translation>
    </message>
    <message>
        <source>No mood model</source>
        <translation>Kein Stimmungsmodell</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Add folder…</source>
        <translation>Ordner &amp;hinzufügen…</translation>
    </message>
    <message>
        <source>&amp;Rescan</source>
        <translation>&amp;Neu scannen</translation>
    </message>
    <message>
        <source>&amp;Export playlist…</source>
        <translation>Wiedergabeliste &amp;exportieren…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>Uncertainty &amp;ellipses</source>
        <translation>Unsicherheits&amp;ellipsen</translation>
    </message>
    <message>
        <source>Also &amp;2σ ellipses</source>
        <translation>Auch &amp;2σ-Ellipsen</translation>
    </message>
    <message>
        <source>&amp;Colour by</source>
        <translation>&amp;Färben nach</translation>
    </message>
    <message>
        <source>&amp;Quadrant</source>
        <translation>&amp;Quadrant</translation>
    </message>
    <message>
        <source>&amp;Genre</source>
        <translation>&amp;Genre</translation>
    </message>
    <message>
        <source>&amp;Uncertainty</source>
        <translation>&amp;Unsicherheit</translation>
    </message>
    <message>
        <source>&amp;Region tool</source>
        <translation>&amp;Bereichswerkzeug</translation>
    </message>
    <message>
        <source>&amp;Rectangle</source>
        <translation>&amp;Rechteck</translation>
    </message>
    <message>
        <source>&amp;Lasso</source>
        <translation>&amp;Lasso</translation>
    </message>
    <message>
        <source>&amp;Circle</source>
        <translation>&amp;Kreis</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>&amp;Vergrößern</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>Ver&amp;kleinern</translation>
    </message>
    <message>
        <source>&amp;Reset view</source>
        <translation>Ansicht &amp;zurücksetzen</translation>
    </message>
    <message>
        <source>&amp;Dark theme</source>
        <translation>&amp;Dunkles Design</translation>
    </message>
    <message>
        <source>&amp;Playback</source>
        <translation>&amp;Wiedergabe</translation>
    </message>
    <message>
        <source>Play / &amp;pause</source>
        <translation>Abspielen / &amp;Pause</translation>
    </message>
    <message>
        <source>&amp;Next</source>
        <translation>&amp;Nächster</translation>
    </message>
    <message>
        <source>P&amp;revious</source>
        <translation>&amp;Vorheriger</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Moodplane</source>
        <translation>&amp;Über Moodplane</translation>
    </message>
    <message>
        <source>Plane</source>
        <translation>Ebene</translation>
    </message>
    <message>
        <source>Colour points by</source>
        <translation>Punkte färben nach</translation>
    </message>
    <message>
        <source> Colour by </source>
        <translation> Färben nach </translation>
    </message>
    <message>
        <source>Not a folder: %1</source>
        <translation>Kein Ordner: %1</translation>
    </message>
    <message>
        <source>No library folder yet: use File ▸ Add folder…</source>
        <translation>Noch kein Bibliotheksordner: Datei ▸ Ordner hinzufügen…</translation>
    </message>
    <message>
        <source>Add a music folder</source>
        <translation>Musikordner hinzufügen</translation>
    </message>
    <message>
        <source>About Moodplane</source>
        <translation>Über Moodplane</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Moodplane %1&lt;/h3&gt;&lt;p&gt;A music mood explorer: every song on the valence–arousal plane with its predictive uncertainty (deep Gaussian processes over locally aggregated acoustic Fisher vectors, Chapaneri &amp;amp; Jayaswal 2020).&lt;/p&gt;&lt;p&gt;%2&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Moodplane %1&lt;/h3&gt;&lt;p&gt;Ein Musik-Stimmungsexplorer: jeder Titel auf der Valenz-Erregungs-Ebene mit seiner Vorhersageunsicherheit (tiefe Gauß-Prozesse über lokal aggregierte akustische Fisher-Vektoren, Chapaneri &amp;amp; Jayaswal 2020).&lt;/p&gt;&lt;p&gt;%2&lt;/p&gt;</translation>
    </message>
    <message>
        <source>%1 / %2 songs · %3 songs/s · ETA %4 · %5</source>
        <translation>%1 / %2 Titel · %3 Titel/s · Restzeit %4 · %5</translation>
    </message>
</context>
<context>
    <name>mp::ui::MoodPlaneWidget</name>
    <message>
        <source>Your rating</source>
        <translation>Ihre Bewertung</translation>
    </message>
    <message>
        <source>Valence  (negative → positive)</source>
        <translation>Valenz  (negativ → positiv)</translation>
    </message>
    <message>
        <source>Arousal  (calm → energetic)</source>
        <translation>Erregung  (ruhig → energiegeladen)</translation>
    </message>
    <message>
        <source>&lt;br&gt;valence %1 ± %2&lt;br&gt;arousal %3 ± %4</source>
        <translation>&lt;br&gt;Valenz %1 ± %2&lt;br&gt;Erregung %3 ± %4</translation>
    </message>
    <message>
        <source>&lt;br&gt;your rating (%1, %2)</source>
        <translation>&lt;br&gt;Ihre Bewertung (%1, %2)</translation>
    </message>
</context>
<context>
    <name>mp::ui::PlayerBar</name>
    <message>
        <source>Previous</source>
        <translation>Vorheriger</translation>
    </message>
    <message>
        <source>Play / pause (Space)</source>
        <translation>Abspielen / Pause (Leertaste)</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Nächster</translation>
    </message>
    <message>
        <source>Nothing playing</source>
        <translation>Keine Wiedergabe</translation>
    </message>
    <message>
        <source>Seek</source>
        <translation>Position</translation>
    </message>
    <message>
        <source>Volume</source>
        <translation>Lautstärke</translation>
    </message>
    <message>
        <source>Playback disabled</source>
        <translation>Wiedergabe deaktiviert</translation>
    </message>
    <message>
        <source>No audio output device: playback is unavailable</source>
        <translation>Kein Audioausgabegerät: Wiedergabe nicht möglich</translation>
    </message>
    <message>
        <source>Cannot play: %1</source>
        <translation>Wiedergabe nicht möglich: %1</translation>
    </message>
</context>
<context>
    <name>mp::ui::PlaylistPanel</name>
    <message>
        <source>Show the current region&apos;s ranking or a saved playlist</source>
        <translation>Die Rangliste des aktuellen Bereichs oder eine gespeicherte Wiedergabeliste anzeigen</translation>
    </message>
    <message>
        <source>all</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>top </source>
        <translation>beste </translation>
    </message>
    <message>
        <source>p ≥ </source>
        <translation>p ≥ </translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Artist</source>
        <translation>Interpret</translation>
    </message>
    <message>
        <source>P(in region)</source>
        <translation>P(im Bereich)</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Abspielen</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Speichern…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Umbenennen…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>Current region</source>
        <translation>Aktueller Bereich</translation>
    </message>
    <message numerus="yes">
        <source>Saved playlist: %n song(s)</source>
        <translation>
            <numerusform>Gespeicherte Wiedergabeliste: %n Titel</numerusform>
            <numerusform>Gespeicherte Wiedergabeliste: %n Titel</numerusform>
        </translation>
    </message>
    <message>
        <source>Drag a rectangle, lasso or circle on the plane to build a playlist.</source>
        <translation>Ziehen Sie ein Rechteck, Lasso oder einen Kreis auf der Ebene, um eine Wiedergabeliste zu erstellen.</translation>
    </message>
    <message numerus="yes">
        <source>%n song(s) in the region</source>
        <translation>
            <numerusform>%n Titel im Bereich</numerusform>
            <numerusform>%n Titel im Bereich</numerusform>
        </translation>
    </message>
    <message>
        <source>Moodplane region</source>
        <translation>Moodplane-Bereich</translation>
    </message>
    <message>
        <source>Save playlist</source>
        <translation>Wiedergabeliste speichern</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>Region playlist</source>
        <translation>Bereichs-Wiedergabeliste</translation>
    </message>
    <message>
        <source>Rename playlist</source>
        <translation>Wiedergabeliste umbenennen</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>Neuer Name:</translation>
    </message>
    <message>
        <source>Nothing to export: select a region or open a playlist first.</source>
        <translation>Nichts zu exportieren: Wählen Sie zuerst einen Bereich oder öffnen Sie eine Wiedergabeliste.</translation>
    </message>
    <message>
        <source>Export playlist</source>
        <translation>Wiedergabeliste exportieren</translation>
    </message>
    <message>
        <source>M3U playlist (*.m3u *.m3u8);;XSPF playlist (*.xspf)</source>
        <translation>M3U-Wiedergabeliste (*.m3u *.m3u8);;XSPF-Wiedergabeliste (*.xspf)</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n track(s) to %1</source>
        <translation>
            <numerusform>%n Titel nach %1 exportiert</numerusform>
            <numerusform>%n Titel nach %1 exportiert</numerusform>
        </translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>mp::ui::ScanController</name>
    <message>
        <source>A scan is already running.</source>
        <translation>Es läuft bereits ein Scan.</translation>
    </message>
    <message>
        <source>No mood model is loaded, so new songs cannot be analysed.</source>
        <translation>Es ist kein Stimmungsmodell geladen, daher können neue Titel nicht analysiert werden.</translation>
    </message>
    <message>
        <source>No library folder to scan.</source>
        <translation>Kein Bibliotheksordner zum Scannen.</translation>
    </message>
    <message>
        <source>Cannot open the library database: %1</source>
        <translation>Die Bibliotheksdatenbank kann nicht geöffnet werden: %1</translation>
    </message>
    <message>
        <source>Scan failed: %1</source>
        <translation>Scan fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Scan cancelled: </source>
        <translation>Scan abgebrochen: </translation>
    </message>
    <message>
        <source>Scan finished: </source>
        <translation>Scan abgeschlossen: </translation>
    </message>
    <message>
        <source>%1 files, %2 analysed, %3 unchanged, %4 failed, %5 removed in %6 s</source>
        <translation>%1 Dateien, %2 analysiert, %3 unverändert, %4 fehlgeschlagen, %5 entfernt in %6 s</translation>
    </message>
</context>
<context>
    <name>mp::ui::SongColouring</name>
    <message>
        <source>Excited / happy</source>
        <translation>Aufgeregt / fröhlich</translation>
    </message>
    <message>
        <source>Tense / angry</source>
        <translation>Angespannt / wütend</translation>
    </message>
    <message>
        <source>Sad / depressed</source>
        <translation>Traurig / niedergeschlagen</translation>
    </message>
    <message>
        <source>Calm / relaxed</source>
        <translation>Ruhig / entspannt</translation>
    </message>
    <message>
        <source>Other genres</source>
        <translation>Andere Genres</translation>
    </message>
    <message>
        <source>No genre tag</source>
        <translation>Kein Genre-Tag</translation>
    </message>
</context>
<context>
    <name>mp::ui::SongPanel</name>
    <message>
        <source>Select a song on the plane or in the table.</source>
        <translation>Wählen Sie einen Titel auf der Ebene oder in der Tabelle.</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Artist</source>
        <translation>Interpret</translation>
    </message>
    <message>
        <source>Album</source>
        <translation>Album</translation>
    </message>
    <message>
        <source>Genre</source>
        <translation>Genre</translation>
    </message>
    <message>
        <source>Year / track</source>
        <translation>Jahr / Stück</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Valence</source>
        <translation>Valenz</translation>
    </message>
    <message>
        <source>Arousal</source>
        <translation>Erregung</translation>
    </message>
    <message>
        <source>Correlation ρ</source>
        <translation>Korrelation ρ</translation>
    </message>
    <message>
        <source>Your rating</source>
        <translation>Ihre Bewertung</translation>
    </message>
    <message>
        <source>Analysis</source>
        <translation>Analyse</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Prediction with its 1σ and 2σ ellipses; a ring marks your rating</source>
        <translation>Vorhersage mit ihren 1σ- und 2σ-Ellipsen; ein Ring markiert Ihre Bewertung</translation>
    </message>
    <message>
        <source>Open containing folder</source>
        <translation>Enthaltenden Ordner öffnen</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>analysed</source>
        <translation>analysiert</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>ausstehend</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>fehlgeschlagen: %1</translation>
    </message>
</context>
</TS>
