package ackline.bench;

import java.util.Locale;
import java.util.Map;

/** A benchmark report's text, in aligned columns: fields, figures beside their goals, counts, CPU use, profiles. */
final class BenchmarkReport {

	private static final int LABEL = 48;

	private final StringBuilder text = new StringBuilder();

	void line(String line) {
		this.text.append(line).append('\n');
	}

	void blank() {
		line("");
	}

	void rule() {
		line("=".repeat(100));
	}

	void field(String name, String value) {
		line(String.format(Locale.ROOT, "%-14s %s", name, value));
	}

	void figureHeader() {
		line(String.format(Locale.ROOT, "%-" + LABEL + "s %10s   %-14s %s", "figure", "value", "goal", "detail"));
	}

	void figure(String name, double value, double goal, String detail) {
		String verdict = Double.isNaN(value) ? "not measured" : (value >= goal) ? "met" : "MISSED";
		line(String.format(Locale.ROOT, "%-" + LABEL + "s %10s   >= %,-6.0f %-7s %s", name,
				Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%,.0f", value), goal, verdict,
				(detail != null) ? detail : ""));
	}

	/** A figure that has no goal: its value as given, and what it is made of. */
	void value(String name, String value, String detail) {
		line(String.format(Locale.ROOT, "%-" + LABEL + "s %12s   %s", name, value, (detail != null) ? detail : ""));
	}

	void latency(String name, double seconds) {
		line(String.format(Locale.ROOT, "%-" + LABEL + "s %10s", name,
				Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.3f s", seconds)));
	}

	void count(String name, long value) {
		line(String.format(Locale.ROOT, "  %-" + (LABEL + 6) + "s %8s", name,
				(value < 0) ? "not measured" : String.format(Locale.ROOT, "%,d", value)));
	}

	void usage(String phase, CpuMeter.Usage usage) {
		int cores = Runtime.getRuntime().availableProcessors();
		line(String.format(Locale.ROOT, "  %s: %.2f s wall, %.2f CPU-s used of %.2f available", phase,
				usage.wallSeconds(), usage.total(), usage.wallSeconds() * cores));
		usage.seconds().forEach((group, seconds) -> line(String.format(Locale.ROOT, "    %-66s %7.2f  %4.0f%%",
				group, seconds, 100 * seconds / usage.total())));
		if (usage.items() > 0) {
			double app = 1000 * usage.appSide() / usage.items();
			double harness = 1000 * usage.harness() / usage.items();
			line(String.format(Locale.ROOT, "    = %.2f ms CPU per item in the app and its services (app JVM "
					+ "threads, GC, JIT, PostgreSQL, Redis) + %.2f ms in the simulator and benchmark clients:", app,
					harness));
			line(String.format(Locale.ROOT, "      %d cores allow at most %,.0f items/s with the harness on this "
					+ "machine, %,.0f/s with it elsewhere", cores, cores * 1000 / (app + harness),
					cores * 1000 / app));
		}
	}

	void profile(String phase, Map<String, Map<String, Double>> shares) {
		shares.forEach((group, activities) -> {
			if (activities.getOrDefault(StackSampler.BUSY, 0.0) < 0.5) {
				return;
			}
			line(String.format(Locale.ROOT, "  %s phase, %s: busy in %.0f%% of samples; of the busy time:", phase,
					group, activities.getOrDefault(StackSampler.BUSY, 0.0)));
			activities.entrySet()
				.stream()
				.filter(e -> !e.getKey().equals(StackSampler.BUSY) && e.getValue() >= 0.5)
				.forEach(e -> line(String.format(Locale.ROOT, "    %-80s %5.1f%%", e.getKey(), e.getValue())));
		});
	}

	@Override
	public String toString() {
		return this.text.toString();
	}

}
