package ackline.callback;

import java.time.Duration;
import java.time.LocalTime;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The dialer's policy ({@code ackline.callbacks.*}). Per type ({@code ackline.callbacks.types.NEW_ACCOUNT.*}): calling
 * windows, which days count, due time, attempts and the pause between them, wrap-up time, default priority; anything
 * not configured falls back to the built-in default for that type.
 * @param types per-type policy overrides
 * @param perClientDailyCap calls to one client per day, across tasks, after which the client's tasks wait for tomorrow
 * @param reservationRelease how long a task reserved for an agent waits while that agent is away (offline or paused)
 * before the team may take it
 * @param agentRingTimeout how long the agent's endpoint rings
 * @param clientRingTimeout how long the client's phone rings
 * @param callerId caller id presented to clients (empty: the trunk's)
 * @param recordingGrace how long after a call ends its recording may take to appear in the spool before it is
 * reported missing
 * @param originateTimeout how long a call may stay without any event from the PBX before it is ended as lost
 * @param defaultTeam the team of an agent nobody assigned to one
 * @param anyTime ignore calling windows and holidays (the local run and tests, which run at any hour; never in
 * production)
 * @param offerTimeout how long a task may stay offered to an agent who neither dials nor releases it (the agent left
 * without signing out): then it returns to the queue and the agent is paused
 */
@ConfigurationProperties("ackline.callbacks")
public record CallbackSettings(Map<CallbackType, TypePolicy> types, Integer perClientDailyCap,
		Duration reservationRelease, Duration agentRingTimeout, Duration clientRingTimeout, String callerId,
		Duration recordingGrace, Duration originateTimeout, String defaultTeam, boolean anyTime,
		Duration offerTimeout) {

	public CallbackSettings {
		Map<CallbackType, TypePolicy> merged = new EnumMap<>(CallbackType.class);
		for (CallbackType type : CallbackType.values()) {
			TypePolicy builtIn = TypePolicy.builtIn(type);
			TypePolicy configured = types == null ? null : types.get(type);
			merged.put(type, configured == null ? builtIn : configured.over(builtIn));
		}
		types = Map.copyOf(merged);
		perClientDailyCap = perClientDailyCap == null ? 3 : perClientDailyCap;
		reservationRelease = reservationRelease == null ? Duration.ofMinutes(15) : reservationRelease;
		agentRingTimeout = agentRingTimeout == null ? Duration.ofSeconds(20) : agentRingTimeout;
		clientRingTimeout = clientRingTimeout == null ? Duration.ofSeconds(45) : clientRingTimeout;
		callerId = callerId == null ? "" : callerId;
		recordingGrace = recordingGrace == null ? Duration.ofMinutes(2) : recordingGrace;
		originateTimeout = originateTimeout == null ? Duration.ofMinutes(2) : originateTimeout;
		defaultTeam = defaultTeam == null || defaultTeam.isBlank() ? "default" : defaultTeam;
		offerTimeout = offerTimeout == null ? Duration.ofMinutes(10) : offerTimeout;
	}

	public static CallbackSettings defaults() {
		return new CallbackSettings(null, null, null, null, null, null, null, null, null, false, null);
	}

	TypePolicy policy(CallbackType type) {
		return types.get(type);
	}

	/** Which days a type may be called on. */
	public enum Days {

		/** Mainland China business days (weekdays and make-up workdays, not public holidays). */
		BUSINESS,
		/** Exchange trading days (weekdays that are not public holidays). */
		TRADING,
		/** Every day. */
		EVERY

	}

	/**
	 * One type's policy; null fields take the built-in default.
	 * @param windows calling windows in Asia/Shanghai, e.g. {@code 09:00-20:00}, several allowed
	 * @param days which days the windows apply to
	 * @param dueDays when {@code dueBy} is omitted: this many business (or trading) days after {@code openedOn} or
	 * {@code earliest}, at the end of that day's last window
	 * @param maxAttempts calls before the task fails with ATTEMPTS_EXHAUSTED
	 * @param retryInterval pause after an unanswered call before the next attempt
	 * @param wrapUp the agent's wrap-up time after a call
	 * @param priority default priority (higher first)
	 */
	public record TypePolicy(List<String> windows, Days days, Integer dueDays, Integer maxAttempts,
			Duration retryInterval, Duration wrapUp, Integer priority) {

		TypePolicy over(TypePolicy base) {
			return new TypePolicy(windows == null || windows.isEmpty() ? base.windows : windows,
					days == null ? base.days : days, dueDays == null ? base.dueDays : dueDays,
					maxAttempts == null ? base.maxAttempts : maxAttempts,
					retryInterval == null ? base.retryInterval : retryInterval, wrapUp == null ? base.wrapUp : wrapUp,
					priority == null ? base.priority : priority);
		}

		List<LocalTime[]> parsedWindows() {
			return windows.stream().map(w -> {
				String[] parts = w.trim().split("\\s*-\\s*");
				if (parts.length != 2) {
					throw new IllegalArgumentException("calling window must look like 09:00-20:00: " + w);
				}
				LocalTime end = "24:00".equals(parts[1]) ? LocalTime.MAX : LocalTime.parse(parts[1]);
				return new LocalTime[] { LocalTime.parse(parts[0]), end };
			}).toList();
		}

		static TypePolicy builtIn(CallbackType type) {
			List<String> office = List.of("09:00-20:00");
			return switch (type) {
				case NEW_ACCOUNT -> new TypePolicy(office, Days.BUSINESS, 5, 6, Duration.ofHours(2), Duration.ofMinutes(2), 5);
				case APPLICATION_RECEIVED -> new TypePolicy(office, Days.BUSINESS, 2, 4, Duration.ofHours(1), Duration.ofMinutes(2), 5);
				case MARGIN_CALL_FOLLOWUP -> new TypePolicy(List.of("08:30-20:00"), Days.TRADING, 1, 5,
						Duration.ofMinutes(15), Duration.ofMinutes(1), 9);
				case FORCED_LIQUIDATION_ACK -> new TypePolicy(List.of("08:30-20:00"), Days.TRADING, 1, 5,
						Duration.ofMinutes(15), Duration.ofMinutes(1), 9);
				case COMPLAINT_FOLLOWUP -> new TypePolicy(office, Days.BUSINESS, 2, 3, Duration.ofMinutes(30), Duration.ofMinutes(3), 7);
				case ROUTINE_MONTHLY -> new TypePolicy(office, Days.BUSINESS, 20, 3, Duration.ofHours(4), Duration.ofMinutes(2), 2);
				case ABNORMAL_TRADE -> new TypePolicy(office, Days.BUSINESS, 1, 3, Duration.ofMinutes(30), Duration.ofMinutes(2), 8);
				case QUALITY_SAMPLE -> new TypePolicy(office, Days.BUSINESS, 10, 3, Duration.ofMinutes(30), Duration.ofMinutes(3), 3);
			};
		}

	}

}
