package dev.lastseen.app.errors;

/**
 * Counts stream-thread failures by {@link FailureKind} ({@code lastseen_task_failures_total{cause}}).
 * The metrics implement it, so the dependency points from metrics to errors and never back.
 */
public interface TaskFailureCounter {
    void taskFailed(FailureKind kind);
}
