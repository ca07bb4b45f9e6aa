package dev.lastseen.applier;

/**
 * Liveness and readiness of the applier, for {@code /healthz} and {@code /readyz}. Ready means
 * the start-up check passed, the consumer has joined its group, and the last batch reached the
 * database; while the database, the registry or the dead-letter topic fails, the applier is live
 * (it is retrying) but not ready.
 */
public final class ApplierHealth {
    /** What the applier is doing. */
    public enum State {
        STARTING,
        RUNNING,
        RETRYING,
        FAILED,
        STOPPED
    }

    private volatile State state = State.STARTING;
    private volatile String detail = "starting: checking the database role, joining the consumer group";

    public boolean isLive() {
        State s = state;
        return s != State.FAILED && s != State.STOPPED;
    }

    public boolean isReady() {
        return state == State.RUNNING;
    }

    public State state() {
        return state;
    }

    public String describe() {
        return "apply=" + state + " (" + detail + ")";
    }

    void running() {
        set(State.RUNNING, "applying");
    }

    void retrying(String why) {
        set(State.RETRYING, why);
    }

    void failed(String why) {
        set(State.FAILED, why);
    }

    void stopped() {
        set(State.STOPPED, "stopped");
    }

    private void set(State s, String why) {
        this.detail = why;
        this.state = s;
    }
}
