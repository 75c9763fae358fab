package ackline.evidence;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import ackline.AcklineApplication;
import ackline.evidence.verify.EvidenceVerifier;
import ackline.evidence.verify.VerificationRun;
import ackline.testing.TestServices;
import ackline.testing.TwilioStub;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A store larger than the sample is verified window by window, each run going on where the last one stopped. */
@DirtiesContext
@SpringBootTest(classes = AcklineApplication.class)
class EvidenceVerificationWindowIntegrationTests {

	static final TwilioStub twilio = TwilioStub.withJournal();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestServices.register(registry, twilio::baseUrl);
		registry.add("ackline.evidence.verification.initial-delay", () -> "1h");
		registry.add("ackline.evidence.verification.sample", () -> "2");
	}

	@Autowired
	EvidenceStore store;

	@Autowired
	EvidenceVerifier verifier;

	@Test
	void runsRotateThroughTheStore() {
		List<UUID> ids = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			ids.add(store.store(new NewEvidence(EvidenceKind.SMS_STATUS, "application/json",
					("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8), EvidenceLinks.none())).id());
		}
		List<UUID> ordered = store.listAfter(null, 10).stream().map(StoredEvidence::id).toList();
		assertThat(ordered).containsExactlyInAnyOrderElementsOf(ids);

		VerificationRun first = runNow();
		VerificationRun second = runNow();
		VerificationRun third = runNow();
		assertThat(List.of(first.checked(), second.checked(), third.checked())).containsOnly(2);
		assertThat(List.of(first, second, third)).allMatch(r -> r.ok() == 2 && !r.failed());
		assertThat(window(first)).containsExactly(ordered.get(0), ordered.get(1));
		assertThat(window(second)).containsExactly(ordered.get(2), ordered.get(3));
		// past the end: the last object, then round to the first again
		assertThat(window(third)).containsExactly(ordered.get(4), ordered.get(0));
	}

	private VerificationRun runNow() {
		UUID id = verifier.start("test");
		return await().until(() -> verifier.lastRuns(1).get(0),
				run -> run.id().equals(id) && run.finishedAt() != null);
	}

	private static List<UUID> window(VerificationRun run) {
		return List.of(UUID.fromString(String.valueOf(run.details().get("windowFrom"))),
				UUID.fromString(String.valueOf(run.details().get("windowTo"))));
	}

}
