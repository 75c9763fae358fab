package ackline.live;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ackline.callback.LiveViews;
import ackline.notice.NoticeViews;
import ackline.security.StaffNames;
import ackline.validation.FieldError;
import ackline.validation.InvalidRequestException;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Snapshots: what a console loads when it connects, reconnects or sees a gap in a stream's sequence numbers. Each
 * stream's number is read before its state, so every message numbered after it is at least as new as the snapshot.
 */
@RestController
class LiveController {

	private static final int LIMIT = 200;

	private final LiveMessages messages;

	private final LiveViews callbacks;

	private final NoticeViews notices;

	private final LivePublisher publisher;

	private final StaffNames names;

	private final ackline.evidence.export.EvidenceExports exports;

	private final Clock clock;

	LiveController(LiveMessages messages, LiveViews callbacks, NoticeViews notices, LivePublisher publisher,
			StaffNames names, ackline.evidence.export.EvidenceExports exports, Clock clock) {
		this.exports = exports;
		this.messages = messages;
		this.callbacks = callbacks;
		this.notices = notices;
		this.publisher = publisher;
		this.names = names;
		this.clock = clock;
	}

	@GetMapping("/api/v1/live/snapshot")
	Map<String, Object> snapshot(@RequestParam String streams, Authentication user) {
		Set<LiveStream> wanted = new LinkedHashSet<>();
		List<FieldError> errors = new ArrayList<>();
		for (String label : streams.split(",")) {
			String name = label.strip();
			if (name.isEmpty()) {
				continue;
			}
			LiveStream.byLabel(name).ifPresentOrElse(wanted::add,
					() -> errors.add(FieldError.of("streams", "stream.unknown", "no such live stream: " + name, name,
							String.join(", ", java.util.Arrays.stream(LiveStream.values()).map(s -> s.label).toList()))));
		}
		if (wanted.isEmpty() && errors.isEmpty()) {
			errors.add(FieldError.of("streams", "required", "name at least one stream"));
		}
		if (!errors.isEmpty()) {
			throw new InvalidRequestException("invalid-snapshot-request", errors);
		}
		for (LiveStream stream : wanted) {
			if (!LiveAccess.allowed(user, stream)) {
				throw new AccessDeniedException("stream " + stream.label + " is not for this role");
			}
		}
		Map<String, Object> body = new LinkedHashMap<>();
		for (LiveStream stream : wanted) {
			Map<String, Object> one = new LinkedHashMap<>();
			one.put("seq", messages.seq(stream, user.getName()));
			one.put("items", items(stream, user.getName()));
			body.put(stream.label, one);
		}
		return Map.of("streams", body);
	}

	private List<?> items(LiveStream stream, String user) {
		return switch (stream) {
			case AGENTS -> callbacks.agents().stream().map(this::named).toList();
			case QUEUES -> callbacks.queues();
			case CALLS -> callbacks.calls(clock.instant().minus(Duration.ofMinutes(10)));
			case NOTICES -> notices.today(LIMIT);
			case TASKS -> callbacks.openTasks(LIMIT);
			case WALLBOARD -> List.of(publisher.wallboard());
			case MY_TASKS -> callbacks.openTasksOf(user);
			case ME -> callbacks.agent(user).map(this::named).map(List::of).orElse(List.of());
			case MY_EXPORTS -> exports.requestedBy(user, 20);
		};
	}

	private Map<String, Object> named(Map<String, Object> agent) {
		agent.put("displayName", names.of((String) agent.get("agentId")));
		return agent;
	}

}
