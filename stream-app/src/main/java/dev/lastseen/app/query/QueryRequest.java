package dev.lastseen.app.query;

/**
 * What the query service needs of the caller's HTTP request to forward it.
 *
 * @param forwarded     the request came from another instance: answer locally or not at all
 * @param pathAndQuery  raw path and query string, replayed to the owner
 * @param authorization the caller's Authorization header (forwarded, never logged)
 */
public record QueryRequest(boolean forwarded, String pathAndQuery, String authorization) {
    @Override
    public String toString() {
        return "QueryRequest[forwarded=" + forwarded + ", path=" + pathAndQuery + "]";
    }
}
