package dev.lastseen.app.query;

import org.apache.kafka.streams.state.HostInfo;

/**
 * How an instance's {@code application.server} ({@code host:port}) is written in a URL and a
 * header: an IPv6 literal in brackets ({@code [::1]:7070}), a host name or IPv4 address as is.
 */
public final class Endpoints {
    private Endpoints() {}

    /** {@code host:port}, with an IPv6 literal bracketed. */
    public static String authority(HostInfo endpoint) {
        return authority(endpoint.host(), endpoint.port());
    }

    public static String authority(String host, int port) {
        boolean ipv6 = host.indexOf(':') >= 0 && !host.startsWith("[");
        return (ipv6 ? "[" + host + "]" : host) + ":" + port;
    }
}
