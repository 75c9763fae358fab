package ackline.pbx;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ackline.pbx.CallFlow.AgiClosed;
import ackline.pbx.CallFlow.AgiLine;
import ackline.pbx.CallFlow.Keys;
import ackline.pbx.CallFlow.ManagerHangup;
import ackline.pbx.CallFlow.PhoneHangup;
import ackline.pbx.CallFlow.Signal;
import ackline.pbx.Recording.Sound;

/**
 * The channel's side of a FastAGI session, as res/res_agi.c runs it: connects to the {@code agi://host:port/script}
 * of the dialplan's AGI() (two seconds at most, MAX_AGI_CONNECT), sends the {@code agi_} environment and a blank
 * line, then answers one command at a time with {@code 200 result=...} lines. Keys pressed while a command reads
 * keys (GET DATA, WAIT FOR DIGIT, STREAM FILE with escape digits) are its result; keys pressed at any other time are
 * dropped, as Asterisk reads and discards frames between commands. When the channel hangs up, the script is told
 * with a {@code HANGUP} line; commands that need a live channel then get {@code 511}, and the connection is closed
 * when the script closes it or after a grace period. Reply formats checked against Asterisk-Java's
 * org.asteriskjava.fastagi.internal.FastAgiReader and AgiReplyImpl; command list:
 * https://docs.asterisk.org/Asterisk_20_Documentation/API_Documentation/AGI_Commands/
 */
final class FastAgiCall {

	private static final Logger log = LoggerFactory.getLogger(FastAgiCall.class);

	private static final long NEVER = Long.MAX_VALUE;

	private static final int CONNECT_TIMEOUT_MILLIS = 2000;

	/** How long a hung-up channel waits for the script to close the connection. */
	private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

	private static final String ALL_KEYS = "0123456789*#ABCD";

	private static final int DEFAULT_DIGIT_TIMEOUT_MILLIS = 2000;

	private static final AtomicLong THREAD_IDS = new AtomicLong(139_921_000_000_000L);

	private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

	/** Commands res_agi allows on a dead channel (their {@code dead} flag). */
	private static final Set<String> DEAD_SAFE = Set.of("GET VARIABLE", "GET FULL VARIABLE", "SET VARIABLE", "VERBOSE",
			"NOOP", "HANGUP", "CHANNEL STATUS", "DATABASE GET", "DATABASE PUT", "DATABASE DEL", "DATABASE DELTREE",
			"ASYNCAGI BREAK");

	private static final List<String> COMMANDS = List.of("GET FULL VARIABLE", "CONTROL STREAM FILE", "WAIT FOR DIGIT",
			"GET VARIABLE", "GET DATA", "GET OPTION", "STREAM FILE", "SAY DIGITS", "SAY NUMBER", "SAY ALPHA",
			"SET VARIABLE", "SET CONTEXT", "SET EXTENSION", "SET PRIORITY", "SET MUSIC", "SET CALLERID",
			"CHANNEL STATUS", "DATABASE GET", "DATABASE PUT", "DATABASE DEL", "DATABASE DELTREE", "ASYNCAGI BREAK",
			"ANSWER", "HANGUP", "EXEC", "VERBOSE", "NOOP");

	private final CallFlow call;

	private final Channel channel;

	private final Phone phone;

	private final String url;

	private final Deque<Character> keys = new ArrayDeque<>();

	private final List<Signal> postponed = new ArrayList<>();

	private Socket socket;

	private Writer writer;

	private boolean dead;

	private int cause = -1;

	private boolean hangupSent;

	private boolean closed;

	private long closeAt = NEVER;

	private CallScript.Press press;

	private long pressAt = NEVER;

	FastAgiCall(CallFlow call, Channel channel, Phone phone, String url) {
		this.call = call;
		this.channel = channel;
		this.phone = phone;
		this.url = url;
	}

	/** Runs the script; the hangup cause when the channel hung up meanwhile, -1 when it is still up. */
	int run() {
		if (this.url == null || !this.url.toLowerCase(Locale.ROOT).startsWith("agi://")) {
			log.warn("AGI on {}: no agi:// URL in ACKLINE_AGI_URL ({})", this.channel, this.url);
			return -1;
		}
		String rest = this.url.substring("agi://".length());
		int slash = rest.indexOf('/');
		String hostPort = slash >= 0 ? rest.substring(0, slash) : rest;
		String script = slash >= 0 ? rest.substring(slash + 1) : "";
		int colon = hostPort.lastIndexOf(':');
		String host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
		int port = colon >= 0 ? Integer.parseInt(hostPort.substring(colon + 1)) : 4573;
		try {
			this.socket = new Socket();
			this.socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
			this.socket.setTcpNoDelay(true);
			this.writer = new BufferedWriter(new OutputStreamWriter(this.socket.getOutputStream(), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			log.warn("FastAGI connection to '{}' failed: {}", this.url, ex.getMessage());
			closeSocket();
			return -1;
		}
		try {
			sendEnvironment(script);
			startReader();
			loop();
		}
		catch (IOException ex) {
			log.debug("FastAGI connection to '{}' broke: {}", this.url, ex.getMessage());
		}
		finally {
			closeSocket();
		}
		return this.cause;
	}

	private void sendEnvironment(String script) throws IOException {
		StringBuilder env = new StringBuilder(768);
		env.append("agi_network: yes\n");
		if (!script.isEmpty()) {
			env.append("agi_network_script: ").append(script).append('\n');
		}
		env.append("agi_request: ").append(this.url).append('\n')
			.append("agi_channel: ").append(this.channel.name).append('\n')
			.append("agi_language: ").append(this.channel.language).append('\n')
			.append("agi_type: PJSIP\n")
			.append("agi_uniqueid: ").append(this.channel.uniqueId).append('\n')
			.append("agi_version: ").append(SimulatedPbx.ASTERISK_VERSION).append('\n')
			.append("agi_callerid: ").append(unknownIfMissing(this.channel.callerIdNum)).append('\n')
			.append("agi_calleridname: ").append(unknownIfMissing(this.channel.callerIdName)).append('\n')
			.append("agi_callingpres: 0\n")
			.append("agi_callingani2: 0\n")
			.append("agi_callington: 0\n")
			.append("agi_callingtns: 0\n")
			.append("agi_dnid: unknown\n")
			.append("agi_rdnis: unknown\n")
			.append("agi_context: ").append(this.channel.context).append('\n')
			.append("agi_extension: ").append(this.channel.exten).append('\n')
			.append("agi_priority: ").append(this.channel.priority).append('\n')
			.append("agi_enhanced: 0.0\n")
			.append("agi_accountcode: ").append(this.channel.accountCode).append('\n')
			.append("agi_threadid: ").append(THREAD_IDS.incrementAndGet()).append('\n')
			.append("agi_arg_1: ").append(this.call.callId()).append('\n')
			.append('\n');
		this.writer.write(env.toString());
		this.writer.flush();
	}

	private void startReader() throws IOException {
		BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.socket.getInputStream(), StandardCharsets.UTF_8));
		Thread thread = new Thread(() -> {
			try {
				String line;
				while ((line = reader.readLine()) != null) {
					this.call.signal(new AgiLine(line));
				}
			}
			catch (IOException ex) {
				log.trace("FastAGI reader ended: {}", ex.getMessage());
			}
			this.call.signal(new AgiClosed());
		}, "pbx-agi-" + this.channel.uniqueId);
		thread.setDaemon(true);
		thread.start();
	}

	private void loop() throws IOException {
		while (!this.closed) {
			if (this.dead && !this.hangupSent) {
				this.hangupSent = true;
				reply("HANGUP");
			}
			long now = System.nanoTime();
			if (this.dead && now >= this.closeAt) {
				return;
			}
			long hangupAt = this.dead ? NEVER : this.call.hangupAt(this.phone);
			if (hangupAt <= now) {
				this.call.hangupRequest(this.channel, Causes.NORMAL_CLEARING);
				channelDied(Causes.NORMAL_CLEARING);
				continue;
			}
			Signal signal = this.call.await(Math.min(this.closeAt, hangupAt));
			if (signal instanceof AgiLine line) {
				execute(line.line());
				this.call.defer(this.postponed);
				this.postponed.clear();
			}
			else if (signal instanceof AgiClosed) {
				this.closed = true;
			}
			else if (signal instanceof Keys pressed && pressed.phone() == this.phone && !this.dead) {
				this.call.keys(this.phone, pressed.digits());
			}
			else if (signal instanceof PhoneHangup hangup && hangup.phone() == this.phone && !this.dead) {
				this.call.hangupRequest(this.channel, hangup.cause());
				channelDied(hangup.cause());
			}
			else if (signal instanceof ManagerHangup hangup && hangup.channel() == this.channel && !this.dead) {
				this.call.softHangupRequest(this.channel, hangup.cause());
				channelDied(hangup.cause());
			}
		}
	}

	private void channelDied(int hangupCause) {
		if (this.dead) {
			return;
		}
		this.dead = true;
		this.cause = hangupCause;
		this.closeAt = System.nanoTime() + GRACE_NANOS;
		this.call.hear(Sound.SILENCE);
		this.phone.state(SimulatedPbx.PhoneCall.State.ENDED);
		this.call.pbx().track(this.phone);
	}

	// ---------------------------------------------------------------- commands

	private void execute(String line) throws IOException {
		List<String> words = tokenize(line);
		if (words.isEmpty()) {
			return;
		}
		String command = null;
		for (String candidate : COMMANDS) {
			String[] parts = candidate.split(" ");
			if (words.size() >= parts.length && startsWith(words, parts)) {
				command = candidate;
				break;
			}
		}
		if (command == null) {
			reply("510 Invalid or unknown command");
			return;
		}
		List<String> args = words.subList(command.split(" ").length, words.size());
		if (this.dead && !DEAD_SAFE.contains(command)) {
			reply("511 Command Not Permitted on a dead channel or intercepted channel");
			return;
		}
		this.keys.clear();
		switch (command) {
			case "ANSWER", "SET CONTEXT", "SET EXTENSION", "SET PRIORITY", "SET MUSIC", "SET CALLERID",
					"ASYNCAGI BREAK" -> reply("200 result=0");
			case "NOOP" -> reply("200 result=0");
			case "VERBOSE" -> reply("200 result=1");
			case "CHANNEL STATUS" -> reply("200 result=" + (this.dead ? Channel.DOWN : this.channel.state));
			case "HANGUP" -> hangupCommand();
			case "GET VARIABLE" -> getVariable(args);
			case "GET FULL VARIABLE" -> getFullVariable(args);
			case "SET VARIABLE" -> setVariable(args);
			case "STREAM FILE", "CONTROL STREAM FILE" -> streamFile(args, command);
			case "GET OPTION" -> getOption(args);
			case "SAY DIGITS", "SAY NUMBER", "SAY ALPHA" -> say(args, command);
			case "GET DATA" -> getData(args);
			case "WAIT FOR DIGIT" -> waitForDigit(args);
			case "EXEC" -> exec(args);
			case "DATABASE GET" -> reply("200 result=0");
			default -> reply("200 result=1");
		}
		this.keys.clear();
	}

	private void hangupCommand() throws IOException {
		reply("200 result=1");
		if (!this.dead) {
			this.call.softHangupRequest(this.channel, Causes.NORMAL_CLEARING);
			channelDied(Causes.NORMAL_CLEARING);
		}
	}

	private void getVariable(List<String> args) throws IOException {
		if (args.isEmpty()) {
			usage("GET VARIABLE <variablename>");
			return;
		}
		String value = lookup(args.get(0));
		reply(value == null ? "200 result=0" : "200 result=1 (" + value + ")");
	}

	private void getFullVariable(List<String> args) throws IOException {
		if (args.isEmpty()) {
			usage("GET FULL VARIABLE <variablename> [<channel name>]");
			return;
		}
		Matcher matcher = VARIABLE.matcher(args.get(0));
		StringBuilder expanded = new StringBuilder();
		while (matcher.find()) {
			String value = lookup(matcher.group(1));
			matcher.appendReplacement(expanded, Matcher.quoteReplacement(value == null ? "" : value));
		}
		matcher.appendTail(expanded);
		reply("200 result=1 (" + expanded + ")");
	}

	private void setVariable(List<String> args) throws IOException {
		if (args.size() < 2) {
			usage("SET VARIABLE <variablename> <value>");
			return;
		}
		this.channel.setVariable(args.get(0), args.get(1));
		this.call.emit(this.call.channelEvent("VarSet", this.channel, "dialplan,all")
			.add("Variable", args.get(0))
			.add("Value", args.get(1)));
		reply("200 result=1");
	}

	/** STREAM FILE: plays the prompt; a key among the escape digits stops it and is the result. */
	private void streamFile(List<String> args, String command) throws IOException {
		if (args.isEmpty()) {
			usage(command + " <filename> <escape digits> [sample offset]");
			return;
		}
		String escape = args.size() > 1 ? args.get(1) : "";
		long started = System.nanoTime();
		int key = play(escape.isEmpty() ? null : escape);
		long samples = (System.nanoTime() - started) * Recording.SAMPLE_RATE / 1_000_000_000L;
		reply("200 result=" + key + " endpos=" + samples);
	}

	private void getOption(List<String> args) throws IOException {
		if (args.isEmpty()) {
			usage("GET OPTION <filename> <escape_digits> [timeout]");
			return;
		}
		String escape = args.size() > 1 ? args.get(1) : "";
		long timeoutMillis = args.size() > 2 ? parseLong(args.get(2), 0) : 0;
		long started = System.nanoTime();
		schedulePress();
		int key = play(escape.isEmpty() ? null : escape);
		if (key == 0 && timeoutMillis > 0) {
			key = waitKey(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis), escape);
		}
		dropPress();
		long samples = (System.nanoTime() - started) * Recording.SAMPLE_RATE / 1_000_000_000L;
		reply("200 result=" + key + " endpos=" + samples);
	}

	private void say(List<String> args, String command) throws IOException {
		if (args.isEmpty()) {
			usage(command + " <value> <escape digits>");
			return;
		}
		String escape = args.size() > 1 ? args.get(1) : "";
		reply("200 result=" + play(escape.isEmpty() ? null : escape));
	}

	/**
	 * GET DATA file [timeout ms] [max digits], as ast_app_getdata: a key during the prompt stops it and counts; then
	 * each key restarts the timeout; '#' ends the input; max digits end it.
	 */
	private void getData(List<String> args) throws IOException {
		if (args.isEmpty()) {
			usage("GET DATA <file to be streamed> [timeout] [max digits]");
			return;
		}
		long timeoutMillis = args.size() > 1 ? parseLong(args.get(1), 0) : 0;
		if (timeoutMillis <= 0) {
			timeoutMillis = DEFAULT_DIGIT_TIMEOUT_MILLIS;
		}
		long max = args.size() > 2 ? parseLong(args.get(2), 1024) : 1024;
		long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		schedulePress();
		StringBuilder collected = new StringBuilder();
		boolean prompting = !args.get(0).isEmpty();
		long deadline = prompting ? System.nanoTime() + promptNanos() : System.nanoTime() + timeoutNanos;
		if (prompting) {
			this.call.hear(Sound.PROMPT);
		}
		while (true) {
			int key = waitKey(deadline, ALL_KEYS);
			if (key < 0) {
				dropPress();
				reply("200 result=-1");
				return;
			}
			if (prompting) {
				prompting = false;
				this.call.hear(Sound.SILENCE);
				if (key == 0) {
					deadline = System.nanoTime() + timeoutNanos;
					continue;
				}
			}
			if (key == 0) {
				dropPress();
				reply("200 result=" + collected + " (timeout)");
				return;
			}
			if (key == '#') {
				break;
			}
			collected.append((char) key);
			if (collected.length() >= max) {
				break;
			}
			deadline = System.nanoTime() + timeoutNanos;
		}
		dropPress();
		reply("200 result=" + collected);
	}

	/** WAIT FOR DIGIT timeout: the key's character code, 0 when none came, -1 waits forever. */
	private void waitForDigit(List<String> args) throws IOException {
		if (args.isEmpty()) {
			usage("WAIT FOR DIGIT <timeout>");
			return;
		}
		long timeoutMillis = parseLong(args.get(0), -1);
		schedulePress();
		int key = waitKey(timeoutMillis < 0 ? NEVER : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis),
				ALL_KEYS);
		dropPress();
		reply("200 result=" + key);
	}

	/** EXEC application options: Playback plays; the other applications succeed at once. */
	private void exec(List<String> args) throws IOException {
		if (args.isEmpty()) {
			usage("EXEC <application> <options>");
			return;
		}
		String application = args.get(0).toLowerCase(Locale.ROOT);
		if (application.equals("playback") || application.equals("background")) {
			int key = play(application.equals("background") ? ALL_KEYS : null);
			reply("200 result=" + (key < 0 ? -1 : 0));
		}
		else if (application.equals("hangup")) {
			reply("200 result=-1");
			this.call.softHangupRequest(this.channel, Causes.NORMAL_CLEARING);
			channelDied(Causes.NORMAL_CLEARING);
		}
		else {
			reply("200 result=0");
		}
	}

	// ---------------------------------------------------------------- keys and time

	/** Plays a prompt for the configured prompt duration; a key among {@code escape} stops it. */
	private int play(String escape) {
		this.call.hear(Sound.PROMPT);
		int key = waitKey(System.nanoTime() + promptNanos(), escape);
		if (!this.dead) {
			this.call.hear(Sound.SILENCE);
		}
		return key;
	}

	/**
	 * Waits until the deadline for a key among {@code accept} (others are dropped; null accepts none). Returns the
	 * key's character code, 0 at the deadline, -1 when the channel hangs up.
	 */
	private int waitKey(long until, String accept) {
		while (true) {
			Character pending = this.keys.poll();
			if (pending != null) {
				if (accept != null && accept.indexOf(pending) >= 0) {
					return pending;
				}
				continue;
			}
			if (this.dead) {
				return -1;
			}
			long now = System.nanoTime();
			long hangupAt = this.call.hangupAt(this.phone);
			if (hangupAt <= now) {
				this.call.hangupRequest(this.channel, Causes.NORMAL_CLEARING);
				channelDied(Causes.NORMAL_CLEARING);
				return -1;
			}
			if (this.pressAt <= now) {
				String digits = this.press.digits();
				dropPress();
				pressed(digits);
				continue;
			}
			if (until <= now) {
				return 0;
			}
			Signal signal = this.call.await(Math.min(until, Math.min(hangupAt, this.pressAt)));
			if (signal instanceof Keys pressedKeys && pressedKeys.phone() == this.phone) {
				pressed(pressedKeys.digits());
			}
			else if (signal instanceof PhoneHangup hangup && hangup.phone() == this.phone) {
				this.call.hangupRequest(this.channel, hangup.cause());
				channelDied(hangup.cause());
			}
			else if (signal instanceof ManagerHangup hangup && hangup.channel() == this.channel) {
				this.call.softHangupRequest(this.channel, hangup.cause());
				channelDied(hangup.cause());
			}
			else if (signal instanceof AgiLine || signal instanceof AgiClosed) {
				this.postponed.add(signal);
			}
		}
	}

	private void pressed(String digits) {
		this.call.keys(this.phone, digits);
		for (char digit : digits.toCharArray()) {
			this.keys.add(digit);
		}
	}

	/** The phone's next scripted key press, counted from now: the IVR starts waiting for a key. */
	private void schedulePress() {
		this.press = this.phone.nextPress();
		this.pressAt = this.press == null ? NEVER : System.nanoTime() + this.press.after().toNanos();
	}

	private void dropPress() {
		this.press = null;
		this.pressAt = NEVER;
	}

	private long promptNanos() {
		return this.call.pbx().settings().promptDuration().toNanos();
	}

	// ---------------------------------------------------------------- protocol

	private String lookup(String name) {
		return switch (name.toUpperCase(Locale.ROOT)) {
			case "CALLERID(NUM)" -> this.channel.callerIdNum;
			case "CALLERID(NAME)" -> this.channel.callerIdName;
			case "CHANNEL", "CHANNEL(NAME)" -> this.channel.name;
			case "UNIQUEID", "CHANNEL(UNIQUEID)" -> this.channel.uniqueId;
			case "CHANNEL(LINKEDID)" -> this.channel.linkedId;
			case "CHANNEL(LANGUAGE)", "LANGUAGE" -> this.channel.language;
			case "CONTEXT" -> this.channel.context;
			case "EXTEN" -> this.channel.exten;
			case "PRIORITY" -> String.valueOf(this.channel.priority);
			default -> this.channel.variable(name);
		};
	}

	private void usage(String usage) throws IOException {
		reply("520-Invalid command syntax.  Proper usage follows:\nUsage: " + usage + "\n520 End of proper usage.");
	}

	private void reply(String line) throws IOException {
		this.writer.write(line);
		this.writer.write('\n');
		this.writer.flush();
	}

	private void closeSocket() {
		if (this.socket != null) {
			try {
				this.socket.close();
			}
			catch (IOException ex) {
				log.trace("Closing the FastAGI socket: {}", ex.getMessage());
			}
		}
	}

	/** Splits a command line into words; double quotes group, a backslash escapes the next character. */
	static List<String> tokenize(String line) {
		List<String> words = new ArrayList<>();
		StringBuilder word = new StringBuilder();
		boolean quoted = false;
		boolean inWord = false;
		for (int i = 0; i < line.length(); i++) {
			char c = line.charAt(i);
			if (c == '\\' && i + 1 < line.length()) {
				word.append(line.charAt(++i));
				inWord = true;
			}
			else if (c == '"') {
				quoted = !quoted;
				inWord = true;
			}
			else if (Character.isWhitespace(c) && !quoted) {
				if (inWord) {
					words.add(word.toString());
					word.setLength(0);
					inWord = false;
				}
			}
			else {
				word.append(c);
				inWord = true;
			}
		}
		if (inWord) {
			words.add(word.toString());
		}
		return words;
	}

	private static boolean startsWith(List<String> words, String[] parts) {
		for (int i = 0; i < parts.length; i++) {
			if (!words.get(i).equalsIgnoreCase(parts[i])) {
				return false;
			}
		}
		return true;
	}

	private static long parseLong(String value, long fallback) {
		try {
			return Long.parseLong(value.trim());
		}
		catch (NumberFormatException ex) {
			return fallback;
		}
	}

	private static String unknownIfMissing(String value) {
		return value == null || value.isEmpty() || value.equals("<unknown>") ? "unknown" : value;
	}

}
