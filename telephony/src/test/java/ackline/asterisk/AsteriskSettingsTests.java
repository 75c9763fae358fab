package ackline.asterisk;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class AsteriskSettingsTests {

	private final AsteriskSettings settings = AsteriskSettings.defaults("pbx.example", 5038);

	@Test
	void channelsFollowTheConfiguredPatterns() {
		assertThat(settings.agentChannelFor("agent1")).isEqualTo("PJSIP/agent1");
		assertThat(settings.trunkChannelFor("8613900139001")).isEqualTo("PJSIP/8613900139001@carrier");
	}

	@Test
	void theTrunksChannelsAreNamedAfterItsEndpoint() {
		assertThat(settings.trunkChannelPrefix()).isEqualTo("PJSIP/carrier-");
		assertThat(withTrunk("SIP/{number}").trunkChannelPrefix()).isNull();
		assertThat(withTrunk("PJSIP/+{number}@cn-unicom").trunkChannelPrefix()).isEqualTo("PJSIP/cn-unicom-");
	}

	@Test
	void recordingsResolveAgainstTheSharedSpoolUnlessAbsolute() {
		AsteriskSettings shared = settings.withRecordingsDir(Path.of("/var/spool/ackline/recordings"));
		assertThat(shared.recordingPath("ackline/2026/11/21/a.wav"))
			.isEqualTo(Path.of("/var/spool/ackline/recordings/ackline/2026/11/21/a.wav"));
		assertThat(shared.recordingPath("/data/a.wav")).isEqualTo(Path.of("/data/a.wav"));
	}

	@Test
	void rejectsSettingsThatCannotWork() {
		assertThatIllegalArgumentException().isThrownBy(() -> withTrunk("PJSIP/carrier"))
			.withMessageContaining("ackline.asterisk.trunk-channel must contain {number}");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> settings.withTimings(Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(1),
					Duration.ofSeconds(1)))
			.withMessageContaining("reconnect-max");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> settings.withTimings(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO,
					Duration.ofSeconds(1)))
			.withMessageContaining("ping-interval must be positive");
		assertThatIllegalArgumentException().isThrownBy(() -> settings.withAgi("0.0.0.0", 70000, "agi://x/notice-ack"))
			.withMessageContaining("agi-port");
	}

	@Test
	void thePasswordStaysOutOfTheLog() {
		assertThat(settings.toString()).doesNotContain("password=ackline").contains("password=******");
	}

	private AsteriskSettings withTrunk(String trunk) {
		return new AsteriskSettings(true, "localhost", 5038, "ackline", "ackline", "PJSIP/{agent}", trunk,
				"ackline-outbound", "ackline-ivr", "0.0.0.0", 4573, "agi://localhost:4573/notice-ack",
				Path.of("/var/spool/asterisk/monitor"), Duration.ofSeconds(1), Duration.ofSeconds(30),
				Duration.ofSeconds(10), Duration.ofSeconds(5));
	}

}
