package ackline.pbx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a simulated phone (a client's number or an agent's endpoint) behaves when the PBX rings it, e.g.
 * {@code CallScript.answerAfter(ofSeconds(1)).hangUpAfter(ofSeconds(3))} or
 * {@code CallScript.answerAfter(ofMillis(200)).pressDigits("1")}. Immutable: each method returns a new script.
 *
 * <p>The failures are what the carrier sends back, mapped to hangup causes as Asterisk maps SIP responses: busy
 * (486, cause 17), invalid number (404, cause 1), congestion (503, cause 34), reject (603 after ringing, cause 21);
 * no answer rings until the caller's ring timeout.
 */
public final class CallScript {

	/** What the phone does when it rings. */
	enum Outcome {

		ANSWER, BUSY, NO_ANSWER, INVALID_NUMBER, CONGESTION, REJECT

	}

	/** Keys the phone presses: {@code after} this long once the IVR waits for a key (GET DATA, WAIT FOR DIGIT). */
	record Press(String digits, Duration after) {
	}

	/** How long a carrier takes to refuse a call it cannot connect. */
	static final Duration REFUSAL_DELAY = Duration.ofMillis(100);

	private static final String DTMF_DIGITS = "0123456789*#ABCD";

	private final Outcome outcome;

	private final Duration delay;

	private final Duration hangUpAfter;

	private final List<Press> presses;

	private CallScript(Outcome outcome, Duration delay, Duration hangUpAfter, List<Press> presses) {
		this.outcome = outcome;
		this.delay = delay;
		this.hangUpAfter = hangUpAfter;
		this.presses = List.copyOf(presses);
	}

	/** Answers after the PBX's default delay ({@link SimulatedPbx.Settings}) and stays up until someone hangs up. */
	public static CallScript answering() {
		return new CallScript(Outcome.ANSWER, null, null, List.of());
	}

	/** Rings for {@code delay}, then answers. */
	public static CallScript answerAfter(Duration delay) {
		return new CallScript(Outcome.ANSWER, nonNegative(delay), null, List.of());
	}

	/** The line is busy: refused at once with cause 17 (User busy), DialStatus BUSY. */
	public static CallScript busy() {
		return new CallScript(Outcome.BUSY, REFUSAL_DELAY, null, List.of());
	}

	/** Rings until the caller gives up (the ring timeout): DialStatus NOANSWER, cause 19. */
	public static CallScript noAnswer() {
		return new CallScript(Outcome.NO_ANSWER, null, null, List.of());
	}

	/** The number does not exist: refused at once with cause 1 (Unallocated number). */
	public static CallScript invalidNumber() {
		return new CallScript(Outcome.INVALID_NUMBER, REFUSAL_DELAY, null, List.of());
	}

	/** The network has no circuit: refused at once with cause 34 (Circuit/channel congestion), DialStatus CONGESTION. */
	public static CallScript congestion() {
		return new CallScript(Outcome.CONGESTION, REFUSAL_DELAY, null, List.of());
	}

	/** Rings for a second, then the person declines the call: cause 21 (Call Rejected). */
	public static CallScript reject() {
		return rejectAfter(Duration.ofSeconds(1));
	}

	/** Rings for {@code delay}, then the person declines the call: cause 21 (Call Rejected). */
	public static CallScript rejectAfter(Duration delay) {
		return new CallScript(Outcome.REJECT, nonNegative(delay), null, List.of());
	}

	/** Once answered, this phone hangs up after {@code duration} (cause 16, Normal Clearing). */
	public CallScript hangUpAfter(Duration duration) {
		return new CallScript(this.outcome, this.delay, nonNegative(duration), this.presses);
	}

	/** Presses the keys as soon as the IVR next waits for a key. Repeat for the following prompts. */
	public CallScript pressDigits(String digits) {
		return pressDigits(digits, Duration.ZERO);
	}

	/**
	 * Presses the keys {@code after} this long once the IVR next waits for a key (GET DATA or WAIT FOR DIGIT starts);
	 * longer than the prompt's timeout means the prompt times out first. Repeat for the following prompts.
	 */
	public CallScript pressDigits(String digits, Duration after) {
		Objects.requireNonNull(digits, "digits");
		if (digits.isEmpty() || !digits.chars().allMatch(c -> DTMF_DIGITS.indexOf(c) >= 0)) {
			throw new IllegalArgumentException("DTMF digits are 0-9, *, #, A-D: " + digits);
		}
		List<Press> presses = new ArrayList<>(this.presses);
		presses.add(new Press(digits, nonNegative(after)));
		return new CallScript(this.outcome, this.delay, this.hangUpAfter, presses);
	}

	Outcome outcome() {
		return this.outcome;
	}

	/** How long the phone rings before it answers or refuses; null for the PBX's default (or never, NO_ANSWER). */
	Duration delay() {
		return this.delay;
	}

	Duration hangUpAfter() {
		return this.hangUpAfter;
	}

	List<Press> presses() {
		return this.presses;
	}

	private static Duration nonNegative(Duration duration) {
		Objects.requireNonNull(duration, "duration");
		if (duration.isNegative()) {
			throw new IllegalArgumentException("duration must not be negative: " + duration);
		}
		return duration;
	}

	@Override
	public String toString() {
		return this.outcome + (this.delay == null ? "" : " after " + this.delay)
				+ (this.hangUpAfter == null ? "" : ", hang up after " + this.hangUpAfter)
				+ (this.presses.isEmpty() ? "" : ", press " + this.presses);
	}

}
