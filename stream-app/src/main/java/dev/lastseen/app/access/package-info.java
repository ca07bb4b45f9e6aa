/**
 * Who may read what: the API key file (key digests and the accounts each key may read), reloaded
 * live with the same last-known-good rules as the thresholds file.
 */
package dev.lastseen.app.access;
