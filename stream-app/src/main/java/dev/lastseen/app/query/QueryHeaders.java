package dev.lastseen.app.query;

/** HTTP headers of the query protocol between clients and instances. */
public final class QueryHeaders {
    /**
     * Marks a request one instance forwarded to another: it is answered locally or 503, never
     * forwarded again. Honoured only together with a valid instance signature
     * ({@link #INSTANCE_AUTH_SCHEME}); from anyone else it is ignored.
     */
    public static final String FORWARDED = "X-Lastseen-Forwarded";
    /** On every response: the instance ({@code host:port} of {@code application.server}) that produced the answer. */
    public static final String SERVED_BY = "X-Lastseen-Served-By";
    /** On a forwarded answer: the instance that received the request and forwarded it. */
    public static final String ROUTED_VIA = "X-Lastseen-Routed-Via";
    /**
     * The {@code Authorization} scheme of a forwarded request: {@code LastseenSigned t=..., sig=...},
     * a short-lived signature of that one request made with the deployment's instance credential
     * ({@code lastseen.query.forward.credential}; see {@link PeerSignature}); never the credential
     * itself, never a caller's API key.
     */
    public static final String INSTANCE_AUTH_SCHEME = "LastseenSigned";

    private QueryHeaders() {}
}
