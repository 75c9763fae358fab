package ackline.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What the dialer benchmark runs, from {@code -Dbenchmark.*} system properties.
 *
 * @param agents agents signed in to the queue in progressive mode ({@code benchmark.agents}, default 200)
 * @param tasks call-back tasks created and worked ({@code benchmark.tasks}, default 20,000)
 * @param talk how long each client stays on the line after answering ({@code benchmark.talk-ms}, default 200)
 * @param createClients parallel clients creating the tasks ({@code benchmark.create-clients}, default 8)
 * @param dispositionClients parallel clients recording the agents' dispositions
 * ({@code benchmark.disposition-clients}, default 16)
 * @param timeout how long the agents may take to work every task before what is left counts as lost
 * ({@code benchmark.timeout-seconds}, default 1,800)
 * @param profile whether to sample the app's threads' stacks and say where their time goes
 * ({@code benchmark.profile}, default false)
 * @param appArgs more arguments for the in-process app ({@code benchmark.app-args}, split on spaces), e.g.
 * {@code --ackline.callbacks.progressive-threads=8}
 */
record DialerParameters(int agents, int tasks, Duration talk, int createClients, int dispositionClients,
		Duration timeout, boolean profile, List<String> appArgs) {

	DialerParameters {
		if (agents < 1 || tasks < 1 || createClients < 1 || dispositionClients < 1) {
			throw new IllegalArgumentException("benchmark.agents, .tasks, .create-clients and .disposition-clients "
					+ "must be at least 1");
		}
		if (agents > 999) {
			throw new IllegalArgumentException("benchmark.agents must be at most 999, not " + agents);
		}
	}

	static DialerParameters fromSystemProperties() {
		String appArgs = BenchmarkParameters.text("benchmark.app-args", "");
		return new DialerParameters(BenchmarkParameters.integer("benchmark.agents", 200),
				BenchmarkParameters.integer("benchmark.tasks", 20_000),
				Duration.ofMillis(BenchmarkParameters.integer("benchmark.talk-ms", 200)),
				BenchmarkParameters.integer("benchmark.create-clients", 8),
				BenchmarkParameters.integer("benchmark.disposition-clients", 16),
				Duration.ofSeconds(BenchmarkParameters.integer("benchmark.timeout-seconds", 1_800)),
				Boolean.parseBoolean(BenchmarkParameters.text("benchmark.profile", "false")),
				appArgs.isBlank() ? List.of() : Arrays.asList(appArgs.trim().split("\\s+")));
	}

}
