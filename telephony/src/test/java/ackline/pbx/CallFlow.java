package ackline.pbx;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ackline.pbx.Recording.Sound;
import ackline.pbx.SimulatedPbx.PhoneCall.State;

/**
 * One call from its Originate to its last Hangup, run on its own thread, emitting the AMI events Asterisk 18/20
 * emits for it, in the same order and with the same fields.
 *
 * <p>Where each sequence comes from (Asterisk's source, branches 18 and 20, and its AMI documentation):
 * <ul>
 * <li><b>Originate</b> (main/manager.c action_originate and fast_originate, main/pbx.c pbx_outgoing_attempt and
 * pbx_outgoing_exec, main/dial.c monitor_dial): the channel is created (Newchannel; the Originate's variables are
 * set only after it exists, so its ChanVariable is still empty), the variables are set (VarSet each), the channel is
 * called (DialBegin with no caller, only Dest* fields), rings (Newstate Ringing), answers (Newstate Up, DialEnd
 * ANSWER) and only then enters the context/exten/priority given; OriginateResponse Success with Reason 4 follows.
 * A channel that does not answer hangs up and OriginateResponse is a Failure whose Reason pbx_dial_reason() derives
 * from the cause (3 rang out, 5 busy, 8 congestion or rejected, 0 anything else), with the requested Channel and
 * Uniqueid {@code <null>} unless ChannelId was given. The ring timeout hangs the channel up without a DialEnd
 * (handle_timeout_trip). https://docs.asterisk.org/Asterisk_20_Documentation/API_Documentation/AMI_Actions/Originate/
 * and .../AMI_Events/OriginateResponse/</li>
 * <li><b>Dial</b> (apps/app_dial.c dial_exec_full, wait_for_answer): Newchannel of the called channel (Linkedid of
 * the caller), DialBegin (Channel = caller, DestChannel = called, DialString), Newstate Ringing of the called
 * channel; on answer Newstate Up, DialEnd ANSWER, BridgeCreate, BridgeEnter for each; when the called side refuses,
 * the channel driver queues the hangup with the SIP response's cause (HangupRequest), DialEnd carries
 * ast_hangup_cause_to_dial_status(cause) (BUSY, CONGESTION, otherwise NOANSWER: an unallocated number or a rejected
 * call read NOANSWER, only the cause tells them apart), the called channel hangs up, and the caller takes its cause;
 * on the Dial timeout DialEnd NOANSWER; when the caller goes away DialEnd CANCEL. Afterwards the caller runs the
 * next priority, Hangup(), and hangs up with the cause it has (Normal Clearing when none).
 * https://docs.asterisk.org/Asterisk_20_Documentation/API_Documentation/AMI_Events/DialBegin/ and .../DialEnd/</li>
 * <li><b>Bridge</b> (main/features.c ast_bridge_call, main/bridge.c): BridgeLeave for the channel that hung up, then
 * for the other one, BridgeDestroy; app_dial hangs up the called channel, then the caller's dialplan resumes.
 * https://docs.asterisk.org/Asterisk_20_Documentation/API_Documentation/AMI_Events/BridgeEnter/</li>
 * <li><b>Hangup</b> (main/channel.c): HangupRequest when the far end hangs up (ast_queue_hangup_with_cause),
 * SoftHangupRequest when the PBX is asked to (AMI Hangup, AGI HANGUP), then Hangup with Cause and Cause-txt.
 * https://docs.asterisk.org/Configuration/Miscellaneous/Hangup-Cause-Mappings</li>
 * <li><b>MixMonitor</b> (apps/app_mixmonitor.c): MixMonitorStart when the audiohook attaches, MixMonitorStop once the
 * file is closed. https://docs.asterisk.org/Asterisk_20_Documentation/API_Documentation/AMI_Events/MixMonitorStart/</li>
 * <li><b>DTMF</b> (main/channel.c): DTMFBegin, then DTMFEnd with DurationMs, Direction Received.</li>
 * <li><b>Dialplan</b>: Newexten for each priority run, with Extension, Application and AppData.</li>
 * </ul>
 * Every event carries Privilege and Timestamp (manager.conf {@code timestampevents = yes}) and each channel snapshot
 * its {@code ChanVariable: ACKLINE_CALL_ID=} (manager.conf {@code channelvars}), {@code DestChanVariable} for the
 * called channel.
 */
final class CallFlow implements Runnable {

	private static final Logger log = LoggerFactory.getLogger(CallFlow.class);

	/** What can happen to a call from outside its thread, or from its FastAGI connection. */
	sealed interface Signal permits PhoneAnswer, PhoneRefuse, PhoneHangup, Keys, ManagerHangup, AgiLine, AgiClosed,
			Stop {
	}

	/** The person picks up a ringing phone (the simulator page). */
	record PhoneAnswer(Phone phone) implements Signal {
	}

	/** The person declines a ringing phone. */
	record PhoneRefuse(Phone phone, int cause) implements Signal {
	}

	/** The person hangs up a phone that is up. */
	record PhoneHangup(Phone phone, int cause) implements Signal {
	}

	/** The person presses keys. */
	record Keys(Phone phone, String digits) implements Signal {
	}

	/** AMI Hangup on one of the call's channels. */
	record ManagerHangup(Channel channel, int cause) implements Signal {
	}

	/** A command line from the FastAGI server. */
	record AgiLine(String line) implements Signal {
	}

	/** The FastAGI server closed the connection. */
	record AgiClosed() implements Signal {
	}

	/** The simulator is stopping. */
	record Stop() implements Signal {
	}

	/** Thrown to unwind a call when the simulator stops. */
	static final class Stopped extends RuntimeException {

		Stopped() {
			super(null, null, false, false);
		}

	}

	private enum RingEnd {

		ANSWERED, REFUSED, TIMED_OUT, KILLED, CALLER_GONE

	}

	private record Ring(RingEnd end, int cause) {
	}

	private record HungUp(Channel channel, int cause) {
	}

	private static final long NEVER = Long.MAX_VALUE;

	private final SimulatedPbx pbx;

	private final Originate request;

	private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();

	private final Deque<Signal> deferred = new ArrayDeque<>();

	private final List<Channel> channels = new CopyOnWriteArrayList<>();

	private final List<Phone> phones = new CopyOnWriteArrayList<>();

	private final CountDownLatch originated = new CountDownLatch(1);

	private volatile boolean answered;

	private volatile String callId = "";

	/** Set when the PBX "restarts": the call vanishes without another event. */
	private volatile boolean silenced;

	CallFlow(SimulatedPbx pbx, Originate request) {
		this.pbx = pbx;
		this.request = request;
	}

	SimulatedPbx.PhoneCall.Kind kind() {
		return this.request.kind();
	}

	String callId() {
		return this.callId;
	}

	List<Phone> phones() {
		return this.phones;
	}

	List<Channel> channels() {
		return this.channels;
	}

	SimulatedPbx pbx() {
		return this.pbx;
	}

	void silence() {
		this.silenced = true;
	}

	void signal(Signal signal) {
		this.signals.add(signal);
	}

	/** Waits until the originated channel answered or failed; true when it answered (synchronous Originate). */
	boolean awaitOriginated() throws InterruptedException {
		this.originated.await();
		return this.answered;
	}

	@Override
	public void run() {
		try {
			if (this.request.kind() == SimulatedPbx.PhoneCall.Kind.IVR) {
				ivrCall();
			}
			else {
				agentCall();
			}
		}
		catch (Stopped ex) {
			log.debug("Call {} stopped with the simulator", this.callId);
		}
		catch (RuntimeException ex) {
			log.warn("Simulated call {} failed", this.callId, ex);
			for (Channel channel : this.channels) {
				hangup(channel, Causes.NORMAL_CLEARING);
				this.pbx.stopMixMonitors(channel);
			}
		}
		finally {
			this.originated.countDown();
			for (Channel channel : this.channels) {
				this.pbx.unregister(channel);
			}
			for (Phone phone : this.phones) {
				if (phone.active()) {
					phone.state(State.ENDED);
					this.pbx.track(phone);
				}
			}
			this.pbx.finished(this);
		}
	}

	// ---------------------------------------------------------------- the two kinds of call

	/** [ackline-outbound]: the agent's endpoint first, then MixMonitor, then Dial to the client through the trunk. */
	private void agentCall() {
		Phone agent = newPhone(this.request.party(), Phone.Role.AGENT);
		Channel a = originateLeg(agent);
		if (a == null) {
			return;
		}
		String number = this.request.exten();
		newexten(a, 1, "NoOp", "Ackline call " + this.callId);
		String file = a.variable("ACKLINE_RECORDING");
		newexten(a, 2, "MixMonitor", file == null ? "" : file);
		if (file != null && !file.isBlank()) {
			this.pbx.startMixMonitor(a, file, Sound.SILENCE);
		}
		String timeout = a.variable("ACKLINE_CLIENT_TIMEOUT");
		String dialString = number + "@carrier";
		newexten(a, 3, "Dial", "PJSIP/" + dialString + (timeout == null || timeout.isBlank() ? "" : "," + timeout));

		Phone client = newPhone(number, Phone.Role.CLIENT);
		Channel b = this.pbx.newChannel("carrier", this, a.linkedId, endpointContext("carrier"), number, null);
		b.callerIdNum = number;
		b.connectedLineNum = a.callerIdNum;
		b.connectedLineName = a.callerIdName;
		b.application = "AppDial";
		b.applicationData = "(Outgoing Line)";
		client.channel = b;
		this.channels.add(b);
		emit(channelEvent("Newchannel", b));
		a.inheritTo(b);
		emit(dialEvent("DialBegin", a, b).add("DialString", dialString));

		Ring ring = ring(client, deadline(seconds(timeout)), agent);
		switch (ring.end()) {
			case ANSWERED -> bridge(agent, client);
			case REFUSED, KILLED -> {
				emit(dialEvent("DialEnd", a, b).add("DialStatus", Causes.dialStatus(ring.cause())));
				hangup(b, ring.cause());
				resumeAfterDial(a, ring.cause());
			}
			case TIMED_OUT -> {
				emit(dialEvent("DialEnd", a, b).add("DialStatus", "NOANSWER"));
				hangup(b, Causes.NO_ANSWER);
				resumeAfterDial(a, Causes.NORMAL_CLEARING);
			}
			case CALLER_GONE -> {
				emit(dialEvent("DialEnd", a, b).add("DialStatus", "CANCEL"));
				hangup(b, Causes.NORMAL_CLEARING);
				hangup(a, ring.cause());
				this.pbx.stopMixMonitors(a);
			}
		}
	}

	/** [ackline-ivr]: the client only; Answer, MixMonitor, then the FastAGI script, then Hangup. */
	private void ivrCall() {
		Phone client = newPhone(this.request.party(), Phone.Role.CLIENT);
		Channel c = originateLeg(client);
		if (c == null) {
			return;
		}
		newexten(c, 1, "Answer", "");
		String file = c.variable("ACKLINE_RECORDING");
		newexten(c, 2, "MixMonitor", file == null ? "" : file);
		if (file != null && !file.isBlank()) {
			this.pbx.startMixMonitor(c, file, Sound.SILENCE);
		}
		String url = c.variable("ACKLINE_AGI_URL");
		newexten(c, 3, "AGI", (url == null ? "" : url) + "," + this.callId);
		int cause = new FastAgiCall(this, c, client, url).run();
		if (cause < 0) {
			newexten(c, 4, "Hangup", "");
			cause = Causes.NORMAL_CLEARING;
		}
		hangup(c, cause);
		this.pbx.stopMixMonitors(c);
	}

	// ---------------------------------------------------------------- legs

	/**
	 * Creates and rings the originated channel. Returns it answered (OriginateResponse Success sent), or null after
	 * the failure's events (OriginateResponse Failure sent).
	 */
	private Channel originateLeg(Phone phone) {
		Channel channel = this.pbx.newChannel(this.request.endpoint(), this, null, endpointContext(this.request.endpoint()),
				"s", this.request.channelId());
		phone.channel = channel;
		this.channels.add(channel);
		emit(channelEvent("Newchannel", channel));
		for (String[] variable : this.request.variables()) {
			channel.setVariable(variable[0], variable[1]);
			this.callId = channel.callId();
			emit(channelEvent("VarSet", channel, "dialplan,all").add("Variable", variable[0]).add("Value", variable[1]));
		}
		if (this.request.callerIdNum() != null || this.request.callerIdName() != null) {
			channel.callerIdNum = or(this.request.callerIdNum(), "<unknown>");
			channel.callerIdName = or(this.request.callerIdName(), "<unknown>");
			channel.connectedLineNum = channel.callerIdNum;
			channel.connectedLineName = channel.callerIdName;
		}
		emit(dialEvent("DialBegin", null, channel).add("DialString", this.request.dialString()));
		Ring ring = ring(phone, deadline(this.request.timeout()), null);
		if (ring.end() == RingEnd.ANSWERED) {
			emit(dialEvent("DialEnd", null, channel).add("DialStatus", "ANSWER"));
			this.answered = true;
			originateResponse(channel, true, Causes.REASON_ANSWER);
			channel.context = this.request.context();
			channel.exten = this.request.exten();
			channel.priority = this.request.priority();
			return channel;
		}
		int reason;
		if (ring.end() == RingEnd.TIMED_OUT) {
			hangup(channel, Causes.NO_ANSWER);
			reason = Causes.REASON_RINGING;
		}
		else {
			emit(dialEvent("DialEnd", null, channel).add("DialStatus", Causes.dialStatus(ring.cause())));
			hangup(channel, ring.cause());
			reason = Causes.originateReason(ring.cause());
		}
		originateResponse(channel, false, reason);
		return null;
	}

	/** Only an asynchronous Originate reports through the OriginateResponse event (manager.c fast_originate). */
	private void originateResponse(Channel channel, boolean success, int reason) {
		if (!this.request.async()) {
			this.originated.countDown();
			return;
		}
		AmiMessage event = event("OriginateResponse", "call,all");
		if (this.request.actionId() != null) {
			event.add("ActionID", this.request.actionId());
		}
		event.add("Response", success ? "Success" : "Failure")
			.add("Channel", success ? channel.name : this.request.channel())
			.add("Context", this.request.context())
			.add("Exten", this.request.exten())
			.add("Application", "")
			.add("Data", "")
			.add("Reason", reason)
			.add("Uniqueid", success ? channel.uniqueId : or(this.request.channelId(), "<null>"))
			.add("CallerIDNum", or(this.request.callerIdNum(), "<unknown>"))
			.add("CallerIDName", or(this.request.callerIdName(), "<unknown>"));
		this.originated.countDown();
		emit(event);
	}

	/**
	 * Rings a phone until it answers or refuses (per its script or the person), the timeout passes, someone hangs
	 * up its channel over AMI, or the caller goes away.
	 */
	private Ring ring(Phone phone, long timeoutAt, Phone caller) {
		Channel channel = phone.channel;
		CallScript script = phone.script;
		CallScript.Outcome outcome = script.outcome();
		long start = System.nanoTime();
		long actAt = switch (outcome) {
			case ANSWER -> start + (script.delay() == null ? this.pbx.answerDelay(phone.role) : script.delay()).toNanos();
			case NO_ANSWER -> NEVER;
			default -> start + script.delay().toNanos();
		};
		boolean rings = outcome == CallScript.Outcome.ANSWER || outcome == CallScript.Outcome.NO_ANSWER
				|| outcome == CallScript.Outcome.REJECT;
		if (rings) {
			channel.state = Channel.RINGING;
			emit(channelEvent("Newstate", channel));
			phone.state(State.RINGING);
			this.pbx.track(phone);
			hear(Sound.RINGBACK);
		}
		while (true) {
			long now = System.nanoTime();
			if (actAt <= now) {
				return outcome == CallScript.Outcome.ANSWER ? answer(phone) : refuse(phone, refusalCause(outcome));
			}
			if (timeoutAt <= now) {
				phone.state(State.ENDED);
				this.pbx.track(phone);
				return new Ring(RingEnd.TIMED_OUT, Causes.NO_ANSWER);
			}
			long callerHangsUpAt = caller == null ? NEVER : hangupAt(caller);
			if (callerHangsUpAt <= now) {
				hangupRequest(caller.channel, Causes.NORMAL_CLEARING);
				return callerGone(phone, Causes.NORMAL_CLEARING);
			}
			Signal signal = await(Math.min(Math.min(actAt, timeoutAt), callerHangsUpAt));
			if (signal instanceof PhoneAnswer answer && answer.phone() == phone) {
				return answer(phone);
			}
			if (signal instanceof PhoneRefuse refusal && refusal.phone() == phone) {
				return refuse(phone, refusal.cause());
			}
			if (signal instanceof ManagerHangup hangup && hangup.channel() == channel) {
				softHangupRequest(channel, hangup.cause());
				phone.state(State.ENDED);
				this.pbx.track(phone);
				return new Ring(RingEnd.KILLED, hangup.cause());
			}
			if (caller != null && signal instanceof ManagerHangup hangup && hangup.channel() == caller.channel) {
				softHangupRequest(caller.channel, hangup.cause());
				return callerGone(phone, hangup.cause());
			}
			if (caller != null && signal instanceof PhoneHangup hangup && hangup.phone() == caller) {
				hangupRequest(caller.channel, hangup.cause());
				return callerGone(phone, hangup.cause());
			}
			if (signal instanceof Keys keys && keys.phone().channel != null && keys.phone().channel.state == Channel.UP) {
				keys(keys.phone(), keys.digits());
			}
		}
	}

	private Ring callerGone(Phone phone, int cause) {
		phone.state(State.ENDED);
		this.pbx.track(phone);
		return new Ring(RingEnd.CALLER_GONE, cause);
	}

	private Ring answer(Phone phone) {
		Channel channel = phone.channel;
		channel.state = Channel.UP;
		emit(channelEvent("Newstate", channel));
		phone.answeredNanos = System.nanoTime();
		phone.state(State.UP);
		this.pbx.track(phone);
		return new Ring(RingEnd.ANSWERED, 0);
	}

	private Ring refuse(Phone phone, int cause) {
		hangupRequest(phone.channel, cause);
		phone.state(State.ENDED);
		this.pbx.track(phone);
		return new Ring(RingEnd.REFUSED, cause);
	}

	private static int refusalCause(CallScript.Outcome outcome) {
		return switch (outcome) {
			case BUSY -> Causes.USER_BUSY;
			case INVALID_NUMBER -> Causes.UNALLOCATED;
			case CONGESTION -> Causes.CONGESTION;
			case REJECT -> Causes.CALL_REJECTED;
			default -> Causes.NORMAL_CLEARING;
		};
	}

	/** Agent and client talk in a basic bridge until one side hangs up. */
	private void bridge(Phone agent, Phone client) {
		Channel a = agent.channel;
		Channel b = client.channel;
		a.connectedLineNum = client.party;
		a.connectedLineName = "<unknown>";
		emit(dialEvent("DialEnd", a, b).add("DialStatus", "ANSWER"));
		String bridgeId = UUID.randomUUID().toString();
		emit(bridgeEvent("BridgeCreate", bridgeId, 0));
		a.bridgeId = bridgeId;
		emit(a.snapshot(bridgeEvent("BridgeEnter", bridgeId, 1), ""));
		b.bridgeId = bridgeId;
		emit(b.snapshot(bridgeEvent("BridgeEnter", bridgeId, 2), ""));
		hear(Sound.TALK);

		HungUp first = talk(agent, client);
		hear(Sound.SILENCE);
		Channel other = first.channel() == a ? b : a;
		first.channel().bridgeId = "";
		emit(first.channel().snapshot(bridgeEvent("BridgeLeave", bridgeId, 1), ""));
		other.bridgeId = "";
		emit(other.snapshot(bridgeEvent("BridgeLeave", bridgeId, 0), ""));
		emit(bridgeEvent("BridgeDestroy", bridgeId, 0));
		if (first.channel() == b) {
			hangup(b, first.cause());
			resumeAfterDial(a, Causes.NORMAL_CLEARING);
		}
		else {
			hangup(b, Causes.NORMAL_CLEARING);
			hangup(a, first.cause());
			this.pbx.stopMixMonitors(a);
		}
	}

	/** Waits while the phones are up until one of them hangs up, or a channel is hung up over AMI. */
	private HungUp talk(Phone... up) {
		while (true) {
			long now = System.nanoTime();
			long next = NEVER;
			for (Phone phone : up) {
				long at = hangupAt(phone);
				if (at <= now) {
					hangupRequest(phone.channel, Causes.NORMAL_CLEARING);
					return new HungUp(phone.channel, Causes.NORMAL_CLEARING);
				}
				next = Math.min(next, at);
			}
			Signal signal = await(next);
			if (signal instanceof PhoneHangup hangup && contains(up, hangup.phone())) {
				hangupRequest(hangup.phone().channel, hangup.cause());
				return new HungUp(hangup.phone().channel, hangup.cause());
			}
			if (signal instanceof ManagerHangup hangup && !hangup.channel().hungUp
					&& this.channels.contains(hangup.channel())) {
				softHangupRequest(hangup.channel(), hangup.cause());
				return new HungUp(hangup.channel(), hangup.cause());
			}
			if (signal instanceof Keys keys && contains(up, keys.phone())) {
				keys(keys.phone(), keys.digits());
			}
		}
	}

	/** The caller continues its dialplan after Dial returns: priority 4, Hangup(). */
	private void resumeAfterDial(Channel a, int cause) {
		a.bridgeId = "";
		newexten(a, 4, "Hangup", "");
		hangup(a, cause);
		this.pbx.stopMixMonitors(a);
	}

	// ---------------------------------------------------------------- used by the FastAGI session too

	/** When the phone's script hangs it up: its hangUpAfter counted from its answer; never when it has none. */
	long hangupAt(Phone phone) {
		if (phone.script.hangUpAfter() == null || phone.answeredNanos == 0) {
			return NEVER;
		}
		return phone.answeredNanos + phone.script.hangUpAfter().toNanos();
	}

	/**
	 * The next signal, or null when the deadline passed first. Waits in slices of a second at most so a stopping
	 * simulator is noticed.
	 */
	Signal await(long deadlineNanos) {
		Signal deferredSignal = this.deferred.poll();
		if (deferredSignal != null) {
			return deferredSignal;
		}
		if (this.pbx.stopped()) {
			throw new Stopped();
		}
		long wait = deadlineNanos == NEVER ? TimeUnit.SECONDS.toNanos(1)
				: Math.min(deadlineNanos - System.nanoTime(), TimeUnit.SECONDS.toNanos(1));
		Signal signal;
		try {
			signal = wait <= 0 ? this.signals.poll() : this.signals.poll(wait, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new Stopped();
		}
		if (signal instanceof Stop) {
			throw new Stopped();
		}
		return signal;
	}

	/** Hands signals back to be taken again, before anything newer. */
	void defer(Collection<Signal> later) {
		this.deferred.addAll(later);
	}

	/** The person pressed keys: DTMF events on the phone's channel, the tones in the recording. */
	void keys(Phone phone, String digits) {
		Channel channel = phone.channel;
		phone.pressed(digits);
		for (char digit : digits.toCharArray()) {
			emit(channelEvent("DTMFBegin", channel, "dtmf,all").add("Digit", digit).add("Direction", "Received"));
			for (Channel each : this.channels) {
				for (Recording recording : each.recordings) {
					recording.key(digit);
				}
			}
			emit(channelEvent("DTMFEnd", channel, "dtmf,all").add("Digit", digit)
				.add("DurationMs", 120)
				.add("Direction", "Received"));
		}
	}

	void hear(Sound sound) {
		for (Channel channel : this.channels) {
			for (Recording recording : channel.recordings) {
				recording.hear(sound);
			}
		}
	}

	void hangupRequest(Channel channel, int cause) {
		emit(channelEvent("HangupRequest", channel).add("Cause", cause));
	}

	void softHangupRequest(Channel channel, int cause) {
		emit(channelEvent("SoftHangupRequest", channel).add("Cause", cause));
	}

	void hangup(Channel channel, int cause) {
		if (channel.hungUp) {
			return;
		}
		channel.hungUp = true;
		emit(channelEvent("Hangup", channel).add("Cause", cause).add("Cause-txt", Causes.text(cause)));
		this.pbx.unregister(channel);
		for (Phone phone : this.phones) {
			if (phone.channel == channel && phone.active()) {
				phone.state(State.ENDED);
				this.pbx.track(phone);
			}
		}
	}

	void newexten(Channel channel, int priority, String application, String data) {
		channel.priority = priority;
		channel.application = application;
		channel.applicationData = data;
		emit(channelEvent("Newexten", channel, "dialplan,all").add("Extension", channel.exten)
			.add("Application", application)
			.add("AppData", data));
	}

	AmiMessage channelEvent(String name, Channel channel) {
		return channelEvent(name, channel, "call,all");
	}

	AmiMessage channelEvent(String name, Channel channel, String privilege) {
		return channel.snapshot(event(name, privilege), "");
	}

	void emit(AmiMessage event) {
		if (!this.silenced) {
			this.pbx.emit(event);
		}
	}

	// ---------------------------------------------------------------- helpers

	private Phone newPhone(String party, Phone.Role role) {
		Phone phone = new Phone(party, role, this.pbx.scriptFor(party, role), this);
		this.phones.add(phone);
		return phone;
	}

	private AmiMessage event(String name, String privilege) {
		return this.pbx.event(name, privilege);
	}

	private AmiMessage dialEvent(String name, Channel caller, Channel dest) {
		AmiMessage event = event(name, "call,all");
		if (caller != null) {
			caller.snapshot(event, "");
		}
		return dest.snapshot(event, "Dest");
	}

	private AmiMessage bridgeEvent(String name, String bridgeId, int channelCount) {
		return event(name, "call,all").add("BridgeUniqueid", bridgeId)
			.add("BridgeType", "basic")
			.add("BridgeTechnology", "simple_bridge")
			.add("BridgeCreator", "<unknown>")
			.add("BridgeName", "<unknown>")
			.add("BridgeNumChannels", channelCount)
			.add("BridgeVideoSourceMode", "none");
	}

	/** The context pjsip.conf gives the endpoint, which a new channel starts in until the dialplan moves it. */
	private static String endpointContext(String endpoint) {
		return endpoint.equals("carrier") ? "from-carrier" : "ackline-agents";
	}

	private static boolean contains(Phone[] phones, Phone phone) {
		for (Phone each : phones) {
			if (each == phone) {
				return true;
			}
		}
		return false;
	}

	private static long deadline(java.time.Duration duration) {
		if (duration == null) {
			return NEVER;
		}
		long nanos = duration.toNanos();
		long now = System.nanoTime();
		return nanos > NEVER - now ? NEVER : now + nanos;
	}

	/** Dial's timeout argument, in seconds; none (ring until someone gives up) when missing or not a number. */
	private static java.time.Duration seconds(String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			double seconds = Double.parseDouble(value.trim());
			return seconds > 0 ? java.time.Duration.ofMillis((long) (seconds * 1000)) : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static String or(String value, String fallback) {
		return value == null || value.isEmpty() ? fallback : value;
	}

}
