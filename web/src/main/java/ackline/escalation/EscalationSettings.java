package ackline.escalation;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How unacknowledged notices escalate ({@code ackline.escalation.*}), per notice type: a list of steps, each after a
 * delay counted from the acknowledgement deadline, each starting only when the one before has finished, each once.
 * Default for MARGIN_CALL and FORCED_LIQUIDATION: an automated call (IVR, "请按1确认") at the deadline, then a call-back
 * task for an agent 10 minutes later if still unacknowledged.
 * @param enabled whether notices escalate at all
 * @param policies steps per notice type ({@code ackline.escalation.policies.MARGIN_CALL[0].action=IVR})
 * @param prompts the IVR's sound files per notice type, {@code {lang}} replaced by the notice's language
 */
@ConfigurationProperties("ackline.escalation")
public record EscalationSettings(Boolean enabled, Map<String, List<Step>> policies, Map<String, List<String>> prompts) {

	public EscalationSettings {
		enabled = enabled == null || enabled;
		Map<String, List<Step>> p = new LinkedHashMap<>();
		List<Step> margin = List.of(new Step(Action.IVR, Duration.ZERO), new Step(Action.CALLBACK, Duration.ofMinutes(10)));
		p.put("MARGIN_CALL", margin);
		p.put("FORCED_LIQUIDATION", margin);
		if (policies != null) {
			p.putAll(policies);
		}
		policies = Map.copyOf(p);
		Map<String, List<String>> pr = new LinkedHashMap<>();
		pr.put("MARGIN_CALL", List.of("ackline/{lang}/notice-margin-call"));
		pr.put("FORCED_LIQUIDATION", List.of("ackline/{lang}/notice-forced-liquidation"));
		if (prompts != null) {
			pr.putAll(prompts);
		}
		prompts = Map.copyOf(pr);
	}

	List<Step> policy(String noticeType) {
		return policies.getOrDefault(noticeType, List.of());
	}

	List<String> prompts(String noticeType, String language) {
		String lang = language == null || language.isBlank() ? "zh-CN" : language;
		return prompts.getOrDefault(noticeType, List.of("ackline/{lang}/notice-general")).stream()
			.map(p -> p.replace("{lang}", lang))
			.toList();
	}

	/** One step: what to do, and how long after the deadline at the earliest. */
	public record Step(Action action, Duration after) {

		public Step {
			after = after == null ? Duration.ZERO : after;
		}

	}

	/** An automated notice call, or a call-back task for an agent. */
	public enum Action {

		IVR, CALLBACK

	}

}
