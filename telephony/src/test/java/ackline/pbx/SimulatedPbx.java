package ackline.pbx;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ackline.pbx.CallFlow.Keys;
import ackline.pbx.CallFlow.ManagerHangup;
import ackline.pbx.CallFlow.PhoneAnswer;
import ackline.pbx.CallFlow.PhoneHangup;
import ackline.pbx.CallFlow.PhoneRefuse;
import ackline.pbx.Recording.Sound;

/**
 * A simulated Asterisk 20 for tests and the local run: speaks AMI over TCP (any manager client can log in, originate
 * and follow the events, Asterisk-Java included), runs the committed dialplan ({@code ackline-outbound} and
 * {@code ackline-ivr}), rings simulated phones that follow {@link CallScript}s or a person on the simulator page,
 * connects to the FastAGI server for IVR calls, and writes a real WAV file for every MixMonitor.
 *
 * <pre>{@code
 * SimulatedPbx pbx = new SimulatedPbx().start(0, spoolDir);
 * pbx.script("13900139001", CallScript.answerAfter(ofSeconds(1)).hangUpAfter(ofSeconds(3)));
 * // AMI on 127.0.0.1:pbx.port(), user ackline / ackline
 * pbx.stop();
 * }</pre>
 *
 * A number with no script answers after {@link Settings#clientAnswerDelay()} and stays up until either side hangs
 * up; an agent endpoint with no script answers after {@link Settings#agentAnswerDelay()}.
 */
public final class SimulatedPbx implements AutoCloseable {

	/** The version CoreSettings, {@code core show version} and {@code agi_version} report. */
	public static final String ASTERISK_VERSION = "20.5.0";

	/** The manager's default port, as in Asterisk's manager.conf. */
	public static final int DEFAULT_AMI_PORT = 5038;

	private static final Logger log = LoggerFactory.getLogger(SimulatedPbx.class);

	/** Ended calls the simulator page still shows. */
	private static final int ENDED_KEPT = 200;

	private final Settings settings;

	private final Map<String, Channel> channels = new ConcurrentHashMap<>();

	private final Set<CallFlow> calls = ConcurrentHashMap.newKeySet();

	private final Set<Phone> phones = ConcurrentHashMap.newKeySet();

	/** Ended phones in the order they ended; the oldest are forgotten past {@link #ENDED_KEPT}. */
	private final Deque<Phone> ended = new ConcurrentLinkedDeque<>();

	private final Map<String, CallScript> scripts = new ConcurrentHashMap<>();

	private final AtomicInteger channelSequence = new AtomicInteger();

	private final AtomicInteger uniqueSequence = new AtomicInteger();

	private final AtomicLong originates = new AtomicLong();

	private final Instant startedAt = Instant.now();

	private volatile CallScript clientDefault;

	private volatile Consumer<Originated> originateListener = originated -> {
	};

	private volatile AmiServer server;

	private volatile Path spoolDir;

	private volatile ExecutorService callThreads;

	private volatile boolean stopped;

	public SimulatedPbx() {
		this(Settings.defaults());
	}

	public SimulatedPbx(Settings settings) {
		this.settings = Objects.requireNonNull(settings, "settings");
	}

	/**
	 * Listens for AMI on loopback.
	 * @param amiPort the port, 0 for a free one ({@link #port()} tells which)
	 * @param spoolDir Asterisk's monitor spool directory: relative recording names are resolved against it
	 */
	public synchronized SimulatedPbx start(int amiPort, Path spoolDir) {
		if (this.server != null) {
			throw new IllegalStateException("The simulated PBX is already running on port " + port());
		}
		this.spoolDir = Objects.requireNonNull(spoolDir, "spoolDir").toAbsolutePath();
		this.stopped = false;
		AtomicInteger threads = new AtomicInteger();
		this.callThreads = Executors.newCachedThreadPool(runnable -> {
			Thread thread = new Thread(runnable, "pbx-call-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		ManagerActions actions = new ManagerActions(this);
		this.server = new AmiServer(InetAddress.getLoopbackAddress(), amiPort, actions::handle);
		log.info("Simulated PBX (Asterisk {}) listening for AMI on {}:{}, recordings in {}", ASTERISK_VERSION,
				InetAddress.getLoopbackAddress().getHostAddress(), port(), this.spoolDir);
		return this;
	}

	/** Stops listening, drops every manager connection and ends every call without further events. */
	public synchronized void stop() {
		if (this.server == null) {
			return;
		}
		this.stopped = true;
		this.server.stop();
		for (CallFlow call : this.calls) {
			call.signal(new CallFlow.Stop());
		}
		this.callThreads.shutdown();
		try {
			if (!this.callThreads.awaitTermination(5, TimeUnit.SECONDS)) {
				this.callThreads.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			this.callThreads.shutdownNow();
			Thread.currentThread().interrupt();
		}
		this.channels.clear();
		this.calls.clear();
		this.phones.clear();
		this.ended.clear();
		this.server = null;
	}

	@Override
	public void close() {
		stop();
	}

	/** The AMI port it listens on. */
	public int port() {
		AmiServer current = this.server;
		if (current == null) {
			throw new IllegalStateException("The simulated PBX is not running");
		}
		return current.port();
	}

	public Path spoolDir() {
		return this.spoolDir;
	}

	public Settings settings() {
		return this.settings;
	}

	// ---------------------------------------------------------------- scripts

	/**
	 * How the phone behind a number (matched loosely: {@code 8613900139001}, {@code +86 139 0013 9001} and
	 * {@code 13900139001} are one) or an agent endpoint ({@code agent1}) behaves on the next calls.
	 */
	public SimulatedPbx script(String numberOrEndpoint, CallScript script) {
		this.scripts.put(Numbers.key(numberOrEndpoint), Objects.requireNonNull(script, "script"));
		return this;
	}

	/** How numbers without a script of their own behave; by default they answer and stay up. */
	public SimulatedPbx defaultScript(CallScript script) {
		this.clientDefault = script;
		return this;
	}

	/** Forgets every script: phones answer after the default delays again. */
	public void clearScripts() {
		this.scripts.clear();
		this.clientDefault = null;
	}

	// ---------------------------------------------------------------- the simulator page

	/** The client phones that ring, talk, or ended recently, newest first. */
	public List<PhoneCall> calls() {
		List<PhoneCall> views = new ArrayList<>();
		for (Phone phone : this.phones) {
			if (phone.role == Phone.Role.CLIENT && phone.state() != null) {
				views.add(phone.view());
			}
		}
		views.sort(Comparator.comparing(PhoneCall::since).reversed());
		return views;
	}

	/** The person picks up the ringing phone of this number; false when it is not ringing. */
	public boolean answer(String number) {
		Phone phone = findPhone(number, PhoneCall.State.RINGING);
		if (phone == null) {
			return false;
		}
		phone.call.signal(new PhoneAnswer(phone));
		return true;
	}

	/** The person declines the ringing phone of this number (SIP 603, cause 21). */
	public boolean reject(String number) {
		Phone phone = findPhone(number, PhoneCall.State.RINGING);
		if (phone == null) {
			return false;
		}
		phone.call.signal(new PhoneRefuse(phone, Causes.CALL_REJECTED));
		return true;
	}

	/** The person hangs up this number's call (declines it when it is still ringing). */
	public boolean hangup(String number) {
		Phone phone = findPhone(number, PhoneCall.State.UP);
		if (phone != null) {
			phone.call.signal(new PhoneHangup(phone, Causes.NORMAL_CLEARING));
			return true;
		}
		return reject(number);
	}

	/** The person presses keys on this number's call: DTMF events, and the digits a waiting GET DATA reads. */
	public boolean press(String number, String digits) {
		Phone phone = findPhone(number, PhoneCall.State.UP);
		if (phone == null || digits == null || digits.isEmpty()) {
			return false;
		}
		phone.call.signal(new Keys(phone, digits));
		return true;
	}

	// ---------------------------------------------------------------- failures for reliability tests

	/** How many manager clients are connected. */
	public int managerConnections() {
		AmiServer current = this.server;
		return current == null ? 0 : current.sessionCount();
	}

	/** Closes every manager connection (a network failure); calls go on and the PBX keeps listening. */
	public void dropManagerConnections() {
		AmiServer current = this.server;
		if (current != null) {
			current.disconnectAll();
		}
	}

	/**
	 * What an Asterisk restart does: every manager connection and every channel is gone at once, without a Hangup
	 * event; the PBX listens again right away. Clients that reconnect and ask CoreShowChannels find nothing.
	 */
	public void restart() {
		for (CallFlow call : this.calls) {
			call.silence();
			call.signal(new CallFlow.Stop());
		}
		dropManagerConnections();
		this.channels.clear();
	}

	/** Channels up or ringing right now. */
	public int activeChannels() {
		return this.channels.size();
	}

	/** Originates accepted since start. */
	public long originateCount() {
		return this.originates.get();
	}

	/**
	 * Tells {@code listener} of every Originate the manager accepts, on the manager connection's thread as it is
	 * accepted (before its call starts), so a benchmark can time it and count Originates per call id. The listener
	 * must be quick and must not throw; one listener at a time, null for none.
	 */
	public SimulatedPbx onOriginate(Consumer<Originated> listener) {
		this.originateListener = (listener != null) ? listener : originated -> {
		};
		return this;
	}

	// ---------------------------------------------------------------- for the manager and the calls

	boolean stopped() {
		return this.stopped;
	}

	Instant startedAt() {
		return this.startedAt;
	}

	Collection<Channel> channels() {
		return this.channels.values();
	}

	Channel channel(String name) {
		return this.channels.get(name);
	}

	/** Starts a call for an accepted Originate. */
	CallFlow originate(Originate request) {
		this.originateListener.accept(new Originated(Instant.now(), request.channel(), request.party(),
				callIdOf(request)));
		CallFlow call = new CallFlow(this, request);
		this.calls.add(call);
		this.originates.incrementAndGet();
		try {
			this.callThreads.execute(call);
		}
		catch (RejectedExecutionException ex) {
			this.calls.remove(call);
			throw ex;
		}
		return call;
	}

	// the dialplan contract's ACKLINE_CALL_ID, set inheritable ("__") by Ackline
	private static String callIdOf(Originate request) {
		for (String[] variable : request.variables()) {
			if (variable[0].replaceFirst("^_+", "").equals("ACKLINE_CALL_ID")) {
				return variable[1];
			}
		}
		return null;
	}

	void finished(CallFlow call) {
		this.calls.remove(call);
	}

	void hangup(Channel channel, int cause) {
		channel.call.signal(new ManagerHangup(channel, cause));
	}

	/**
	 * A new channel named as chan_pjsip names them ({@code PJSIP/<endpoint>-<8 hex digits>}) with a Uniqueid of the
	 * form Asterisk uses ({@code <epoch seconds>.<sequence>}).
	 */
	Channel newChannel(String endpoint, CallFlow call, String linkedId, String context, String exten,
			String uniqueId) {
		String name = String.format("PJSIP/%s-%08x", endpoint, this.channelSequence.incrementAndGet());
		String id = uniqueId != null ? uniqueId
				: (System.currentTimeMillis() / 1000) + "." + this.uniqueSequence.getAndIncrement();
		Channel channel = new Channel(name, id, linkedId == null ? id : linkedId, call, context, exten);
		this.channels.put(name, channel);
		return channel;
	}

	void unregister(Channel channel) {
		this.channels.remove(channel.name, channel);
	}

	/** An event with the header lines manager.c puts first: Event, Privilege, Timestamp. */
	AmiMessage event(String name, String privilege) {
		return AmiMessage.event(name).add("Privilege", privilege).add("Timestamp", timestamp());
	}

	void emit(AmiMessage event) {
		AmiServer current = this.server;
		if (current != null && !this.stopped) {
			current.broadcast(event);
		}
	}

	/** Seconds and microseconds since the epoch, as timestampevents prints them. */
	static String timestamp() {
		Instant now = Instant.now();
		return now.getEpochSecond() + "." + String.format("%06d", now.getNano() / 1000);
	}

	CallScript scriptFor(String party, Phone.Role role) {
		CallScript exact = this.scripts.get(Numbers.key(party));
		if (exact != null) {
			return exact;
		}
		for (Map.Entry<String, CallScript> entry : this.scripts.entrySet()) {
			if (Numbers.matches(entry.getKey(), party)) {
				return entry.getValue();
			}
		}
		CallScript fallback = role == Phone.Role.CLIENT ? this.clientDefault : null;
		return fallback != null ? fallback : CallScript.answering();
	}

	Duration answerDelay(Phone.Role role) {
		return role == Phone.Role.AGENT ? this.settings.agentAnswerDelay() : this.settings.clientAnswerDelay();
	}

	/** Lists the phone on the simulator page (again, after its state changed), and forgets the oldest ended ones. */
	void track(Phone phone) {
		if (phone.active()) {
			this.phones.add(phone);
			return;
		}
		if (phone.state() == PhoneCall.State.ENDED && phone.listEnded()) {
			this.phones.add(phone);
			this.ended.addLast(phone);
			while (this.ended.size() > ENDED_KEPT) {
				Phone oldest = this.ended.pollFirst();
				if (oldest != null) {
					this.phones.remove(oldest);
				}
			}
		}
	}

	/** Starts a MixMonitor on the channel: a recording into the spool, and MixMonitorStart. */
	void startMixMonitor(Channel channel, String file, Sound initial) {
		Path path = Path.of(file);
		if (!path.isAbsolute()) {
			path = this.spoolDir.resolve(file).normalize();
		}
		channel.recordings.add(new Recording(path, file, initial));
		emit(channel.snapshot(event("MixMonitorStart", "call,all"), ""));
	}

	/** Stops the channel's MixMonitors: each file is written completely before its MixMonitorStop is sent. */
	void stopMixMonitors(Channel channel) {
		for (Recording recording : channel.recordings) {
			if (recording.stop()) {
				channel.recordings.remove(recording);
				emit(channel.snapshot(event("MixMonitorStop", "call,all"), ""));
			}
		}
	}

	/** The phone of that number in that state; the one that got there last when there are several. */
	private Phone findPhone(String party, PhoneCall.State state) {
		Phone found = null;
		for (Phone phone : this.phones) {
			if (phone.state() == state && Numbers.matches(phone.party, party)
					&& (found == null || phone.since().isAfter(found.since()))) {
				found = phone;
			}
		}
		return found;
	}

	// ---------------------------------------------------------------- public types

	/**
	 * How the simulator behaves.
	 * @param managerUser the manager.conf user AMI clients log in as
	 * @param managerSecret its secret (plain or MD5 challenge)
	 * @param clientAnswerDelay how long a client with no script rings before answering (about 2 s; ~0 for benchmarks)
	 * @param agentAnswerDelay how long an agent's endpoint with no script rings before answering
	 * @param promptDuration how long each prompt (STREAM FILE, GET DATA's file, Playback, SAY) plays
	 */
	public record Settings(String managerUser, String managerSecret, Duration clientAnswerDelay,
			Duration agentAnswerDelay, Duration promptDuration) {

		public Settings {
			Objects.requireNonNull(managerUser, "managerUser");
			Objects.requireNonNull(managerSecret, "managerSecret");
			if (clientAnswerDelay.isNegative() || agentAnswerDelay.isNegative() || promptDuration.isNegative()) {
				throw new IllegalArgumentException("delays must not be negative");
			}
		}

		/** Manager user {@code ackline} / {@code ackline}; clients answer after 2 s, agents after 0.3 s. */
		public static Settings defaults() {
			return new Settings("ackline", "ackline", Duration.ofSeconds(2), Duration.ofMillis(300),
					Duration.ofMillis(500));
		}

		public Settings withManager(String user, String secret) {
			return new Settings(user, secret, this.clientAnswerDelay, this.agentAnswerDelay, this.promptDuration);
		}

		public Settings withClientAnswerDelay(Duration delay) {
			return new Settings(this.managerUser, this.managerSecret, delay, this.agentAnswerDelay, this.promptDuration);
		}

		public Settings withAgentAnswerDelay(Duration delay) {
			return new Settings(this.managerUser, this.managerSecret, this.clientAnswerDelay, delay, this.promptDuration);
		}

		public Settings withPromptDuration(Duration duration) {
			return new Settings(this.managerUser, this.managerSecret, this.clientAnswerDelay, this.agentAnswerDelay,
					duration);
		}

	}

	/**
	 * An Originate the manager accepted.
	 * @param at when it was accepted
	 * @param channel the Channel header as given, e.g. {@code PJSIP/agent1}
	 * @param party whom the channel rings: the agent's endpoint ({@code agent1}), or the number of a trunk call
	 * @param callId the {@code ACKLINE_CALL_ID} variable, null when the Originate set none
	 */
	public record Originated(Instant at, String channel, String party, String callId) {
	}

	/**
	 * A client's phone as the simulator page shows it.
	 * @param callId Ackline's call id (the channel's ACKLINE_CALL_ID), null when the originate set none
	 * @param number the client's number as dialled
	 * @param state ringing, up, or ended
	 * @param since when it entered that state
	 * @param kind an agent's call or an automated IVR call
	 * @param digits the keys pressed so far
	 */
	public record PhoneCall(UUID callId, String number, State state, Instant since, Kind kind, String digits) {

		/** Where the phone is. */
		public enum State {

			RINGING, UP, ENDED

		}

		/** Who calls. */
		public enum Kind {

			AGENT, IVR

		}

	}

}
