package dev.lastseen.app.startup;

/** How lastseen uses a subject, which decides what "compatible" means for it. */
public enum SchemaRole {
    /**
     * lastseen reads the subject (an input topic): the latest schema producers registered must be
     * readable by lastseen's reader schema. lastseen never registers here; producers own it.
     */
    READER,
    /**
     * lastseen writes the subject (an output topic): its schema must be registered already, or be
     * compatible with the subject under the subject's own level and then be registered (when
     * auto-registration is on).
     */
    WRITER
}
