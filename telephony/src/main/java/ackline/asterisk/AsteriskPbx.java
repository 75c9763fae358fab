package ackline.asterisk;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import ackline.asterisk.AmiEvents.ChannelRef;
import ackline.asterisk.CallDirectory.CallType;
import ackline.call.AgentDial;
import ackline.call.IvrDial;
import ackline.call.Pbx;
import ackline.call.PbxEvent;
import ackline.call.PbxEvent.Kind;
import ackline.call.PbxEvent.Leg;
import ackline.call.PbxListener;
import ackline.call.PbxUnavailableException;
import org.asteriskjava.manager.AuthenticationFailedException;
import org.asteriskjava.manager.DefaultManagerConnection;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionState;
import org.asteriskjava.manager.ResponseEvents;
import org.asteriskjava.manager.TimeoutException;
import org.asteriskjava.manager.action.CoreShowChannelsAction;
import org.asteriskjava.manager.action.GetVarAction;
import org.asteriskjava.manager.action.HangupAction;
import org.asteriskjava.manager.action.ManagerAction;
import org.asteriskjava.manager.action.OriginateAction;
import org.asteriskjava.manager.action.PingAction;
import org.asteriskjava.manager.event.ConnectEvent;
import org.asteriskjava.manager.event.CoreShowChannelEvent;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.OriginateResponseEvent;
import org.asteriskjava.manager.event.ResponseEvent;
import org.asteriskjava.manager.event.VarSetEvent;
import org.asteriskjava.manager.response.GetVarResponse;
import org.asteriskjava.manager.response.ManagerError;
import org.asteriskjava.manager.response.ManagerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * {@link Pbx} on Asterisk: Asterisk-Java's AMI connection originates and hangs up calls and follows their events,
 * and its FastAGI server runs the IVR script ({@link NoticeAckScript}).
 *
 * <p>Events are matched to Ackline's call by the {@code ChanVariable: ACKLINE_CALL_ID} Asterisk adds to every channel
 * event (manager.conf {@code channelvars}), else by a VarSet of that variable, else by the channel's Uniqueid or
 * Linkedid seen before, else (a channel this node never saw, e.g. after a restart) by asking the PBX with a Getvar.
 * Channels that carry no call id are not Ackline's and are ignored. The listener is called on one thread of this
 * adapter, in the order Asterisk sent the events, never on Asterisk-Java's event thread: that thread also delivers
 * action responses, so a listener blocking it (or calling back into this adapter) would stall every action.
 *
 * <p>The link is this adapter's own: Asterisk-Java reconnects by itself only after a link that was up drops, every
 * 5 s without end and with a warning per attempt, and never after a failed first login. Here every attempt uses a
 * fresh connection, failures back off exponentially between {@code reconnect-min} and {@code reconnect-max} forever,
 * the log says when the link goes down or up (not per attempt), a Ping every {@code ping-interval} finds links that
 * died silently, and the listener hears {@link PbxListener#onConnectionChanged} on every change.
 */
public class AsteriskPbx implements Pbx, SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(AsteriskPbx.class);

	/** How long a call's channels are remembered after its last event (events arrive after Hangup). */
	private static final Duration RETENTION = Duration.ofMinutes(15);

	private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

	/** Newchannel events of channels not known yet wait for their call id; beyond this many the oldest go. */
	private static final int MAX_PARKED = 1_000;

	/** On stop, events already received are still handed to the listener for this long. */
	private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

	/** Q.850 normal clearing, for hang-ups Ackline asks for. */
	private static final int NORMAL_CLEARING = 16;

	private static final String UNREACHABLE = "is unreachable";

	private static final String LOGIN_REFUSED = "refused the login";

	private final AsteriskSettings settings;

	private final PbxListener listener;

	private final Clock clock;

	private final Backoff backoff;

	private final long actionTimeout;

	private final String trunkPrefix;

	private final CallDirectory calls = new CallDirectory(RETENTION);

	private final FastAgiServer agi;

	private final Object lifecycle = new Object();

	private volatile boolean running;

	private ExecutorService events;

	private ScheduledExecutorService link;

	/** Logged in, or null while the link is down. */
	private volatile ManagerConnection connection;

	/** Link thread only: failed attempts since the link was last up. */
	private int failures;

	/** Link thread only: the problem last logged, so each is logged once. */
	private String reportedProblem;

	/** Events thread only: what the listener was last told about the link. */
	private boolean reportedUp;

	/** Events thread only: Newchannel events by Uniqueid, waiting for their channel's call id. */
	private final Map<String, List<ManagerEvent>> parked = new LinkedHashMap<>();

	public AsteriskPbx(AsteriskSettings settings, PbxListener listener, Clock clock) {
		this.settings = Objects.requireNonNull(settings, "settings");
		this.listener = Objects.requireNonNull(listener, "listener");
		this.clock = Objects.requireNonNull(clock, "clock");
		this.backoff = new Backoff(settings.reconnectMin(), settings.reconnectMax());
		this.actionTimeout = settings.actionTimeout().toMillis();
		this.trunkPrefix = settings.trunkChannelPrefix();
		this.agi = new FastAgiServer(settings.agiBind(), settings.agiPort(), new NoticeAckScript(listener, clock));
	}

	public AsteriskPbx(AsteriskSettings settings, PbxListener listener) {
		this(settings, listener, Clock.systemUTC());
	}

	/**
	 * Starts the FastAGI server (failing if its port is taken) and connects to AMI in the background: this returns
	 * at once, also while the PBX is down.
	 */
	@Override
	public void start() {
		synchronized (lifecycle) {
			if (running) {
				return;
			}
			agi.start();
			events = Executors.newSingleThreadExecutor(threads("ackline-ami-events"));
			link = Executors.newSingleThreadScheduledExecutor(threads("ackline-ami-link"));
			failures = 0;
			reportedProblem = null;
			running = true;
			link.execute(this::connect);
			long ping = settings.pingInterval().toMillis();
			link.scheduleWithFixedDelay(this::ping, ping, ping, TimeUnit.MILLISECONDS);
			link.scheduleWithFixedDelay(this::sweep, SWEEP_INTERVAL.toMillis(), SWEEP_INTERVAL.toMillis(),
					TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Logs off, stops the FastAGI server, and hands the events already received to the listener before returning
	 * (for up to 10 s): a call's last events are what the dialer closes it with.
	 */
	@Override
	public void stop() {
		ExecutorService draining;
		ScheduledExecutorService linking;
		synchronized (lifecycle) {
			if (!running) {
				return;
			}
			running = false;
			draining = events;
			linking = link;
		}
		agi.stop();
		linking.shutdownNow();
		awaitQuietly(linking, settings.actionTimeout().plusSeconds(1));
		ManagerConnection last = connection;
		connection = null;
		if (last != null) {
			logoffQuietly(last);
			log.info("AMI link to {}:{} closed", settings.host(), settings.port());
		}
		draining.execute(() -> report(false));
		draining.shutdown();
		awaitQuietly(draining, DRAIN_TIMEOUT);
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	@Override
	public boolean isConnected() {
		ManagerConnection current = connection;
		return current != null && current.getState() == ManagerConnectionState.CONNECTED;
	}

	/** The port the FastAGI server listens on (the bound one when {@code agi-port} is 0), or -1 before start. */
	public int agiPort() {
		return agi.port();
	}

	/**
	 * The FastAGI address the dialplan connects to: {@code agi-url}, with the bound port when it names port 0
	 * ({@code agi://127.0.0.1:0/notice-ack} with {@code agi-port} 0, as tests and the local run configure it).
	 */
	public String agiUrl() {
		URI url = URI.create(settings.agiUrl());
		if (url.getPort() != 0 || agi.port() <= 0) {
			return settings.agiUrl();
		}
		try {
			return new URI(url.getScheme(), url.getUserInfo(), url.getHost(), agi.port(), url.getPath(),
					url.getQuery(), url.getFragment()).toString();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException("ackline.asterisk.agi-url '" + settings.agiUrl() + "': " + ex.getMessage(),
					ex);
		}
	}

	/** The settings this adapter runs with. */
	public AsteriskSettings settings() {
		return settings;
	}

	@Override
	public void dialForAgent(AgentDial dial) {
		OriginateAction originate = originate(dial.callId(), settings.agentChannelFor(dial.agentEndpoint()),
				settings.outboundContext(), digits(dial.clientNumber()), dial.agentRingTimeout(), dial.callerId());
		originate.setVariable("__" + AmiEvents.CALL_ID_VARIABLE, dial.callId().toString());
		originate.setVariable("ACKLINE_RECORDING", dial.recordingFile());
		originate.setVariable("ACKLINE_CLIENT_TIMEOUT", String.valueOf(Math.max(1, dial.clientRingTimeout().toSeconds())));
		calls.dialled(dial.callId(), CallType.AGENT, dial.recordingFile(), clock.instant());
		send(originate, "the Originate of call " + dial.callId());
	}

	@Override
	public void dialIvr(IvrDial dial) {
		OriginateAction originate = originate(dial.callId(), settings.trunkChannelFor(digits(dial.clientNumber())),
				settings.ivrContext(), "s", dial.ringTimeout(), dial.callerId());
		originate.setVariable("__" + AmiEvents.CALL_ID_VARIABLE, dial.callId().toString());
		originate.setVariable("ACKLINE_RECORDING", dial.recordingFile());
		originate.setVariable("ACKLINE_AGI_URL", agiUrl());
		calls.dialled(dial.callId(), CallType.IVR, dial.recordingFile(), clock.instant());
		send(originate, "the Originate of IVR call " + dial.callId());
	}

	/**
	 * Hangs up the channels of the call that events showed up, or, when this node saw none (another node dialled it,
	 * or this one restarted), the channels the PBX lists for it now.
	 * @throws PbxUnavailableException when the AMI link is down
	 */
	@Override
	public void hangup(UUID callId) {
		List<String> channels = calls.liveChannels(callId);
		if (channels.isEmpty()) {
			channels = channelsOnPbx().getOrDefault(callId, List.of());
		}
		for (String channel : channels) {
			ManagerResponse response = call(new HangupAction(channel, NORMAL_CLEARING), "the Hangup of " + channel);
			if (response instanceof ManagerError) {
				// the channel hung up meanwhile ("No such channel")
				log.debug("PBX refused the Hangup of {} ({}): {}", channel, callId, response.getMessage());
			}
		}
	}

	@Override
	public Set<UUID> activeCalls() {
		return Set.copyOf(channelsOnPbx().keySet());
	}

	private OriginateAction originate(UUID callId, String channel, String context, String exten, Duration ringTimeout,
			String callerId) {
		OriginateAction originate = new OriginateAction();
		originate.setActionId(AmiEvents.ACTION_ID_PREFIX + callId);
		originate.setChannel(channel);
		originate.setContext(context);
		originate.setExten(exten);
		originate.setPriority(1);
		originate.setTimeout(ringTimeout.toMillis());
		originate.setAsync(true);
		if (callerId != null && !callerId.isBlank()) {
			originate.setCallerId(callerId);
		}
		return originate;
	}

	private static String digits(String number) {
		String digits = number.replaceAll("[^0-9]", "");
		if (digits.isEmpty()) {
			throw new IllegalArgumentException("Not a phone number: '" + number + "'");
		}
		return digits;
	}

	/** Channels the PBX has now (CoreShowChannels), by Ackline call; channels of no call are left out. */
	private Map<UUID, List<String>> channelsOnPbx() {
		ManagerConnection current = requireConnection("CoreShowChannels");
		ResponseEvents response;
		try {
			response = current.sendEventGeneratingAction(new CoreShowChannelsAction(), actionTimeout);
		}
		catch (IOException | TimeoutException | IllegalStateException ex) {
			throw unavailable("CoreShowChannels", ex);
		}
		if (response.getResponse() instanceof ManagerError error) {
			throw new PbxUnavailableException("The PBX refused CoreShowChannels: " + error.getMessage(), null);
		}
		Map<UUID, List<String>> channels = new LinkedHashMap<>();
		Instant now = clock.instant();
		for (ResponseEvent event : response.getEvents()) {
			if (!(event instanceof CoreShowChannelEvent channel)) {
				continue;
			}
			UUID callId = AmiEvents.callId(channel);
			if (callId == null) {
				callId = calls.byUniqueId(channel.getUniqueid());
			}
			if (callId == null) {
				callId = calls.byLinkedId(channel.getLinkedid());
			}
			if (callId == null && !calls.isForeign(channel.getUniqueid())) {
				callId = askCallId(current, channel.getChannel(), channel.getUniqueid());
			}
			if (callId != null) {
				calls.attach(callId, channel.getUniqueid(), channel.getLinkedid(), channel.getChannel(), now);
				channels.computeIfAbsent(callId, (id) -> new ArrayList<>()).add(channel.getChannel());
			}
		}
		return channels;
	}

	/**
	 * The call id a channel carries, by Getvar; null (and the channel remembered as not Ackline's) when it carries
	 * none, null when the PBX could not be asked.
	 */
	private UUID askCallId(ManagerConnection current, String channel, String uniqueId) {
		if (current == null || channel == null) {
			return null;
		}
		ManagerResponse response;
		try {
			response = current.sendAction(new GetVarAction(channel, AmiEvents.CALL_ID_VARIABLE), actionTimeout);
		}
		catch (IOException | TimeoutException | IllegalStateException ex) {
			log.debug("Getvar {} on {} failed: {}", AmiEvents.CALL_ID_VARIABLE, channel, ex.getMessage());
			return null;
		}
		UUID callId = response instanceof GetVarResponse value ? AmiEvents.parseCallId(value.getValue()) : null;
		if (callId == null) {
			calls.markForeign(uniqueId);
		}
		return callId;
	}

	private ManagerResponse send(ManagerAction action, String what) {
		ManagerResponse response = call(action, what);
		if (response instanceof ManagerError) {
			throw new PbxUnavailableException("The PBX refused " + what + ": " + response.getMessage(), null);
		}
		return response;
	}

	private ManagerResponse call(ManagerAction action, String what) {
		ManagerConnection current = requireConnection(what);
		try {
			return current.sendAction(action, actionTimeout);
		}
		catch (IOException | TimeoutException | IllegalStateException ex) {
			throw unavailable(what, ex);
		}
	}

	private ManagerConnection requireConnection(String what) {
		ManagerConnection current = connection;
		if (current == null || current.getState() != ManagerConnectionState.CONNECTED) {
			throw new PbxUnavailableException("The AMI link to " + settings.host() + ":" + settings.port()
					+ " is down: " + what + " was not sent", null);
		}
		return current;
	}

	private PbxUnavailableException unavailable(String what, Exception ex) {
		// a time-out is not a refusal: the PBX may still carry out the action (an Originate may still ring)
		String outcome = ex instanceof TimeoutException ? "got no answer within " + settings.actionTimeout()
				+ " (it may still be carried out)" : "failed";
		return new PbxUnavailableException(what + " " + outcome + " on the AMI link to " + settings.host() + ":"
				+ settings.port() + ": " + ex.getMessage(), ex);
	}

	// ---------------------------------------------------------------- the link (link thread)

	private void connect() {
		if (!running || connection != null) {
			return;
		}
		DefaultManagerConnection candidate = new DefaultManagerConnection(settings.host(), settings.port(),
				settings.username(), settings.password());
		candidate.setDefaultResponseTimeout(actionTimeout);
		candidate.setDefaultEventTimeout(actionTimeout);
		candidate.setSocketTimeout((int) Math.min(Integer.MAX_VALUE, actionTimeout));
		candidate.addEventListener((event) -> received(candidate, event));
		try {
			candidate.login();
		}
		catch (AuthenticationFailedException ex) {
			failed(LOGIN_REFUSED, ex);
			return;
		}
		catch (IOException | TimeoutException | IllegalStateException ex) {
			failed(UNREACHABLE, ex);
			return;
		}
		if (!running) {
			logoffQuietly(candidate);
			return;
		}
		connection = candidate;
		if (failures == 0 && reportedProblem == null) {
			log.info("AMI connected to {}:{} as {} ({})", settings.host(), settings.port(), settings.username(),
					candidate.getVersion());
		}
		else {
			log.info("AMI connected to {}:{} again after {} failed attempt(s)", settings.host(), settings.port(),
					failures);
		}
		failures = 0;
		reportedProblem = null;
		submit(() -> report(true));
	}

	private void failed(String problem, Exception ex) {
		failures++;
		Duration delay = backoff.delay(failures);
		if (!problem.equals(reportedProblem)) {
			log.warn("AMI at {}:{} {} ({}); retrying with back-off from {} up to {} until it answers", settings.host(),
					settings.port(), problem, describe(ex), human(settings.reconnectMin()),
					human(settings.reconnectMax()));
			reportedProblem = problem;
		}
		else {
			log.debug("AMI attempt {} failed ({}); next in {}", failures, describe(ex), human(delay));
		}
		schedule(this::connect, delay);
	}

	/** The link of {@code source} is gone (closed by the PBX, or silent): drop it and reconnect. */
	private void lost(ManagerConnection source, String reason) {
		if (source != connection) {
			return;
		}
		connection = null;
		log.warn("AMI link to {}:{} lost ({}); reconnecting with back-off from {} up to {}", settings.host(),
				settings.port(), reason, human(settings.reconnectMin()), human(settings.reconnectMax()));
		// the next attempts failing while the PBX restarts is the expected sequel, not news
		reportedProblem = UNREACHABLE;
		failures = 0;
		// Asterisk-Java has started its own reconnect thread; logging off ends it (it gives up unless RECONNECTING)
		logoffQuietly(source);
		submit(() -> report(false));
		schedule(this::connect, Duration.ZERO);
	}

	private void ping() {
		ManagerConnection current = connection;
		if (current == null) {
			return;
		}
		try {
			ManagerResponse response = current.sendAction(new PingAction(), actionTimeout);
			if (response instanceof ManagerError) {
				lost(current, "Ping refused: " + response.getMessage());
			}
		}
		catch (IOException | TimeoutException | IllegalStateException ex) {
			lost(current, "no answer to Ping: " + describe(ex));
		}
	}

	private void sweep() {
		int forgotten = calls.forget(clock.instant());
		if (forgotten > 0) {
			log.debug("Forgot {} ended call(s); {} still known", forgotten, calls.size());
		}
	}

	private void schedule(Runnable task, Duration delay) {
		if (!running) {
			return;
		}
		try {
			link.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			log.debug("Not scheduling on a stopped link: {}", ex.getMessage());
		}
	}

	private static void logoffQuietly(ManagerConnection connection) {
		try {
			ManagerConnectionState state = connection.getState();
			if (state == ManagerConnectionState.CONNECTED || state == ManagerConnectionState.RECONNECTING) {
				connection.logoff();
			}
		}
		catch (RuntimeException ex) {
			log.debug("AMI logoff failed: {}", ex.getMessage());
		}
	}

	private static String human(Duration duration) {
		long millis = duration.toMillis();
		return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
	}

	private static String describe(Exception ex) {
		String message = ex.getMessage();
		if (ex.getCause() != null && ex.getCause().getMessage() != null) {
			message = message + ": " + ex.getCause().getMessage();
		}
		return message == null ? ex.getClass().getSimpleName() : message;
	}

	// ---------------------------------------------------------------- events (Asterisk-Java's thread, then ours)

	/** On Asterisk-Java's event thread: only hands over, so that responses to actions are never held up. */
	private void received(ManagerConnection source, ManagerEvent event) {
		if (event instanceof DisconnectEvent) {
			ScheduledExecutorService linking = link;
			try {
				linking.execute(() -> lost(source, "closed by the PBX"));
			}
			catch (RejectedExecutionException ex) {
				log.debug("AMI link closed while stopping");
			}
			return;
		}
		if (event instanceof ConnectEvent) {
			return;
		}
		boolean relevant = event instanceof VarSetEvent varSet ? AmiEvents.callIdSet(varSet) != null
				: AmiEvents.kind(event) != null;
		if (relevant) {
			submit(() -> handle(event));
		}
	}

	private void submit(Runnable task) {
		try {
			events.execute(task);
		}
		catch (RejectedExecutionException ex) {
			log.debug("AMI event after stop dropped");
		}
	}

	/** Translates one AMI event for the listener; on this adapter's events thread, in arrival order. */
	void handle(ManagerEvent event) {
		try {
			translate(event, clock.instant());
		}
		catch (RuntimeException ex) {
			log.warn("Could not handle AMI event {}: {}", AmiEvents.name(event), ex.getMessage(), ex);
		}
	}

	private void translate(ManagerEvent event, Instant now) {
		if (event instanceof VarSetEvent varSet) {
			UUID callId = AmiEvents.callIdSet(varSet);
			if (callId != null) {
				attach(callId, AmiEvents.subject(varSet), varSet.getContext(), now);
			}
			return;
		}
		Kind kind = AmiEvents.kind(event);
		if (kind == null) {
			return;
		}
		if (event instanceof OriginateResponseEvent response) {
			originateResponse(response, now);
			return;
		}
		ChannelRef matched = AmiEvents.matchedBy(event);
		if (matched == null) {
			return;
		}
		UUID callId = resolve(event, kind, matched, now);
		if (callId == null) {
			return;
		}
		ChannelRef subject = AmiEvents.subject(event);
		if (!subject.equals(matched)) {
			attach(callId, subject, null, now);
		}
		emit(callId, kind, event, subject, now);
		if (kind == Kind.HANGUP) {
			calls.hungUp(subject.uniqueId(), now);
		}
	}

	private UUID resolve(ManagerEvent event, Kind kind, ChannelRef channel, Instant now) {
		UUID callId = AmiEvents.callId(event);
		if (callId == null) {
			callId = calls.byUniqueId(channel.uniqueId());
		}
		if (callId == null) {
			callId = calls.byLinkedId(channel.linkedId());
		}
		if (callId == null) {
			if (kind == Kind.CHANNEL_CREATED) {
				// Asterisk publishes Newchannel before the originate's variables are set: wait for the next event
				park(channel.uniqueId(), event);
				return null;
			}
			if (kind == Kind.HANGUP) {
				parked.remove(channel.uniqueId());
				calls.hungUp(channel.uniqueId(), now);
				return null;
			}
			if (calls.isForeign(channel.uniqueId())) {
				return null;
			}
			callId = askCallId(connection, channel.name(), channel.uniqueId());
			if (callId == null) {
				parked.remove(channel.uniqueId());
				return null;
			}
		}
		attach(callId, channel, event.getContext(), now);
		return callId;
	}

	/** The channel belongs to the call; events of it that waited for that are handed on first. */
	private void attach(UUID callId, ChannelRef channel, String context, Instant now) {
		calls.attach(callId, channel.uniqueId(), channel.linkedId(), channel.name(), now);
		if (channel.originated() && context != null) {
			CallType type = typeOf(context);
			if (type != null) {
				calls.typeSeen(callId, type, now);
			}
		}
		List<ManagerEvent> waiting = channel.uniqueId() == null ? null : parked.remove(channel.uniqueId());
		if (waiting != null) {
			for (ManagerEvent earlier : waiting) {
				translate(earlier, now);
			}
		}
	}

	private void park(String uniqueId, ManagerEvent event) {
		if (uniqueId == null) {
			return;
		}
		if (!parked.containsKey(uniqueId) && parked.size() >= MAX_PARKED) {
			Iterator<String> oldest = parked.keySet().iterator();
			oldest.next();
			oldest.remove();
		}
		parked.computeIfAbsent(uniqueId, (id) -> new ArrayList<>()).add(event);
	}

	private void originateResponse(OriginateResponseEvent response, Instant now) {
		UUID callId = AmiEvents.callIdOfAction(response.getActionId());
		if (callId == null) {
			return;
		}
		CallType type = typeOf(response.getContext());
		if (type != null) {
			calls.typeSeen(callId, type, now);
		}
		ChannelRef channel = new ChannelRef(response.getUniqueId(), response.getUniqueId(), response.getChannel());
		if (channel.uniqueId() != null) {
			calls.attach(callId, channel.uniqueId(), channel.linkedId(), channel.name(), now);
		}
		CallType known = calls.type(callId);
		Leg leg = known == CallType.IVR ? Leg.CLIENT : Leg.AGENT;
		deliver(new PbxEvent(callId, Kind.ORIGINATE_RESPONSE, AmiEvents.name(response), leg, channel.name(),
				channel.uniqueId(), AmiEvents.at(response, now), AmiEvents.detail(response, Kind.ORIGINATE_RESPONSE)));
	}

	private void emit(UUID callId, Kind kind, ManagerEvent event, ChannelRef channel, Instant now) {
		Map<String, String> detail = AmiEvents.detail(event, kind);
		if (kind == Kind.RECORDING_STARTED || kind == Kind.RECORDING_STOPPED) {
			String file = calls.recordingFile(callId);
			if (file != null) {
				detail.put("file", file);
			}
		}
		deliver(new PbxEvent(callId, kind, AmiEvents.name(event), leg(callId, channel), channel.name(),
				channel.uniqueId(), AmiEvents.at(event, now), detail));
	}

	/**
	 * AGENT for the originated channel of an agent call, CLIENT otherwise. A call another node dialled is an agent
	 * call until its dialplan context or OriginateResponse says otherwise; channels of the trunk are always CLIENT.
	 */
	private Leg leg(UUID callId, ChannelRef channel) {
		if (calls.type(callId) == CallType.IVR) {
			return Leg.CLIENT;
		}
		if (trunkPrefix != null && channel.name() != null && channel.name().startsWith(trunkPrefix)) {
			return Leg.CLIENT;
		}
		boolean originated = channel.originated()
				|| (channel.uniqueId() != null && calls.linkedIds(callId).contains(channel.uniqueId()));
		return originated ? Leg.AGENT : Leg.CLIENT;
	}

	private CallType typeOf(String context) {
		if (settings.outboundContext().equals(context)) {
			return CallType.AGENT;
		}
		if (settings.ivrContext().equals(context)) {
			return CallType.IVR;
		}
		return null;
	}

	private void deliver(PbxEvent event) {
		try {
			listener.onEvent(event);
		}
		catch (RuntimeException ex) {
			log.error("PBX listener failed on {} {} of call {}", event.name(), event.uniqueId(), event.callId(), ex);
		}
	}

	private void report(boolean up) {
		if (up == reportedUp) {
			return;
		}
		reportedUp = up;
		try {
			listener.onConnectionChanged(up);
		}
		catch (RuntimeException ex) {
			log.error("PBX listener failed on the link going {}", up ? "up" : "down", ex);
		}
	}

	private static void awaitQuietly(ExecutorService executor, Duration timeout) {
		try {
			if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				log.warn("{} still busy after {}; leaving it", executor, timeout);
				executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static ThreadFactory threads(String name) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, count.getAndIncrement() == 0 ? name : name + "-" + count.get());
			thread.setDaemon(true);
			return thread;
		};
	}

}
