package dev.lastseen.app.docs;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** What the documentation tests need to know about Markdown as GitHub renders it. */
public final class Markdown {
    private Markdown() {}

    /** The anchors of a document's headings: lower case, punctuation dropped, spaces as dashes. */
    public static Set<String> anchors(String markdown) {
        Set<String> anchors = new TreeSet<>();
        for (String line : markdown.split("\n")) {
            if (line.startsWith("#")) {
                String text = line.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT);
                anchors.add(text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }
}
