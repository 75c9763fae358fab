package ackline.asterisk;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import ackline.call.IvrScript;
import ackline.call.PbxEvent;
import ackline.call.PbxListener;

/** A {@link PbxListener} that keeps what it was told, and answers IVR calls from scripts given to it. */
class RecordingListener implements PbxListener {

	final List<PbxEvent> events = new CopyOnWriteArrayList<>();

	final List<Boolean> connectionChanges = new CopyOnWriteArrayList<>();

	final List<Digits> digits = new CopyOnWriteArrayList<>();

	final Map<UUID, IvrScript> scripts = new ConcurrentHashMap<>();

	@Override
	public void onEvent(PbxEvent event) {
		events.add(event);
	}

	@Override
	public void onConnectionChanged(boolean connected) {
		connectionChanges.add(connected);
	}

	@Override
	public IvrScript ivrScript(UUID callId) {
		return scripts.get(callId);
	}

	@Override
	public void onDigits(UUID callId, String pressed, Instant at) {
		digits.add(new Digits(callId, pressed, at));
	}

	List<PbxEvent> of(UUID callId) {
		return events.stream().filter((event) -> event.callId().equals(callId)).toList();
	}

	List<PbxEvent.Kind> kinds(UUID callId) {
		return of(callId).stream().map(PbxEvent::kind).toList();
	}

	static IvrScript pressOne(int attempts) {
		return new IvrScript("zh_CN", List.of("ackline/zh-CN/margin-call"), "ackline/zh-CN/press-1", "1", attempts,
				Duration.ofSeconds(5), "ackline/zh-CN/thanks", "ackline/zh-CN/goodbye");
	}

	record Digits(UUID callId, String digits, Instant at) {
	}

}
