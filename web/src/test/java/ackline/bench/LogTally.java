package ackline.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/**
 * Counts the warnings and errors logged in this JVM while it is attached, by logger and message pattern, keeping
 * the first of each as an example: what the app complained about during a benchmark, for its report. Attach it after
 * the app has started (Spring Boot sets logging up afresh when it starts).
 */
final class LogTally extends AppenderBase<ILoggingEvent> implements AutoCloseable {

	private static final Pattern UUIDS = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

	private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

	private final Map<String, String> examples = new ConcurrentHashMap<>();

	private final Logger root;

	private LogTally(Logger root) {
		this.root = root;
	}

	static LogTally attach() {
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		LogTally tally = new LogTally(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME));
		tally.setContext(context);
		tally.setName("bench-log-tally");
		tally.start();
		tally.root.addAppender(tally);
		return tally;
	}

	@Override
	protected void append(ILoggingEvent event) {
		if (!event.getLevel().isGreaterOrEqual(Level.WARN)) {
			return;
		}
		String logger = event.getLoggerName();
		String source = event.getLevel() + " " + logger.substring(logger.lastIndexOf('.') + 1) + ": ";
		// many libraries format their messages themselves: ids and numbers would make each message a kind of its own
		String key = source + UUIDS.matcher(event.getMessage()).replaceAll("<id>").replaceAll("\\d+", "<n>");
		this.counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
		this.examples.computeIfAbsent(key, k -> {
			IThrowableProxy thrown = event.getThrowableProxy();
			String message = event.getFormattedMessage();
			return source + ((thrown == null) ? message
					: message + " (" + thrown.getClassName() + ": " + thrown.getMessage() + ")");
		});
	}

	/** Errors and warnings counted so far. */
	long count(Level level) {
		return this.counts.entrySet()
			.stream()
			.filter(e -> e.getKey().startsWith(level.toString() + " "))
			.mapToLong(e -> e.getValue().get())
			.sum();
	}

	/** The most frequent kinds, errors first, each with its count and its first example. */
	List<String> summary(int limit) {
		List<String> lines = new ArrayList<>();
		this.counts.entrySet()
			.stream()
			.sorted((a, b) -> {
				boolean aError = a.getKey().startsWith("ERROR");
				boolean bError = b.getKey().startsWith("ERROR");
				return (aError != bError) ? (aError ? -1 : 1) : Long.compare(b.getValue().get(), a.getValue().get());
			})
			.limit(limit)
			.forEach(e -> {
				String example = this.examples.get(e.getKey());
				lines.add(String.format(Locale.ROOT, "%,6d x %s", e.getValue().get(), abbreviate(example, 220)));
			});
		return lines;
	}

	private static String abbreviate(String text, int length) {
		String line = text.replaceAll("\\s+", " ");
		return (line.length() <= length) ? line : line.substring(0, length - 3) + "...";
	}

	@Override
	public void close() {
		this.root.detachAppender(this);
		stop();
	}

}
