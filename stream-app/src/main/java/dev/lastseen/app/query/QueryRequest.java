package dev.lastseen.app.query;

/**
 * What the query service needs of the caller's HTTP request to forward it.
 *
 * @param forwarded    the request came from another instance (marker and instance credential): answer
 *                     locally or not at all
 * @param pathAndQuery raw path and query string, replayed to the owner
 */
public record QueryRequest(boolean forwarded, String pathAndQuery) {}
