package dev.lastseen.app.http;

import java.util.Map;

/** Thrown by handlers to answer with a problem response; the server renders it. */
public class ProblemException extends RuntimeException {
    private final Problem problem;
    private final Map<String, String> headers;

    public ProblemException(Problem problem) {
        this(problem, Map.of());
    }

    public ProblemException(Problem problem, Map<String, String> headers) {
        super(problem.detail());
        this.problem = problem;
        this.headers = Map.copyOf(headers);
    }

    public Problem problem() {
        return problem;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public static ProblemException badRequest(String parameter, String detail) {
        return new ProblemException(Problem.of("invalid-parameter", "Invalid parameter: " + parameter, 400, detail));
    }
}
