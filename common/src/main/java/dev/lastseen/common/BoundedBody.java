package dev.lastseen.common;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;

/**
 * Reads an HTTP response body into memory up to a bound: a larger body cancels the exchange and
 * fails it with {@link TooLargeException} as soon as the bound is passed, instead of filling the
 * heap with whatever a peer sends. The one body reader of every HTTP client in lastseen.
 */
public final class BoundedBody {
    private BoundedBody() {}

    /** A body handler that collects at most {@code maxBytes} bytes. */
    public static HttpResponse.BodyHandler<byte[]> upTo(int maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative, got " + maxBytes);
        }
        return info -> new Subscriber(info.statusCode(), maxBytes);
    }

    /** The {@link TooLargeException} behind a failed {@code sendAsync} future, if that is why it failed. */
    public static TooLargeException tooLarge(ExecutionException failure) {
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof TooLargeException tooLarge) {
                return tooLarge;
            }
        }
        return null;
    }

    /** A response body larger than the bound. */
    public static final class TooLargeException extends IOException {
        private final int status;
        private final int limit;

        TooLargeException(int status, int limit) {
            super("answer larger than " + limit + " bytes (HTTP " + status + ")");
            this.status = status;
            this.limit = limit;
        }

        /** The status of the response whose body was too large. */
        public int status() {
            return status;
        }

        public int limit() {
            return limit;
        }
    }

    private static final class Subscriber implements HttpResponse.BodySubscriber<byte[]> {
        private final int status;
        private final int limit;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        Subscriber(int status, int limit) {
            this.status = status;
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                if (item.remaining() > limit - buffer.size()) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLargeException(status, limit));
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                buffer.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toByteArray());
        }
    }
}
