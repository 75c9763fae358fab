package ackline.asterisk;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import ackline.call.AgentDial;
import ackline.call.IvrDial;
import ackline.call.Pbx;
import ackline.call.PbxListener;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class AsteriskConfigurationTests {

	// nothing listens on port 1: the adapter keeps trying in the background, which is what these tests need
	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsteriskConfiguration.class))
		.withPropertyValues("ackline.asterisk.host=127.0.0.1", "ackline.asterisk.port=1",
				"ackline.asterisk.agi-bind=127.0.0.1", "ackline.asterisk.agi-port=0");

	@Test
	void isRegisteredAsAnAutoConfiguration() {
		assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
			.contains(AsteriskConfiguration.class.getName());
	}

	@Test
	void providesTheAsteriskPbxForTheDialersListenerAndStartsIt() {
		runner.withBean(PbxListener.class, RecordingListener::new).run((context) -> {
			assertThat(context).hasSingleBean(Pbx.class);
			AsteriskPbx pbx = context.getBean(AsteriskPbx.class);
			assertThat(pbx.isRunning()).isTrue();
			assertThat(pbx.agiPort()).isPositive();
			assertThat(pbx.isConnected()).isFalse();
		});
	}

	@Test
	void bindsItsSettingsWithDefaultsForTheRest() {
		runner.withBean(PbxListener.class, RecordingListener::new)
			.withPropertyValues("ackline.asterisk.username=dialer", "ackline.asterisk.reconnect-max=1m",
					"ackline.asterisk.agent-channel=SIP/{agent}", "ackline.asterisk.recordings-dir=/srv/monitor")
			.run((context) -> {
				AsteriskSettings settings = context.getBean(AsteriskSettings.class);
				assertThat(settings.username()).isEqualTo("dialer");
				assertThat(settings.reconnectMax()).isEqualTo(Duration.ofMinutes(1));
				assertThat(settings.agentChannel()).isEqualTo("SIP/{agent}");
				assertThat(settings.recordingsDir()).isEqualTo(Path.of("/srv/monitor"));
				assertThat(settings.password()).isEqualTo("ackline");
				assertThat(settings.trunkChannel()).isEqualTo("PJSIP/{number}@carrier");
				assertThat(settings.outboundContext()).isEqualTo("ackline-outbound");
				assertThat(settings.ivrContext()).isEqualTo("ackline-ivr");
				assertThat(settings.agiUrl()).isEqualTo("agi://localhost:4573/notice-ack");
				assertThat(settings.reconnectMin()).isEqualTo(Duration.ofSeconds(1));
				assertThat(settings.pingInterval()).isEqualTo(Duration.ofSeconds(10));
				assertThat(settings.actionTimeout()).isEqualTo(Duration.ofSeconds(5));
			});
	}

	@Test
	void aBadSettingFailsTheStartNamingIt() {
		runner.withBean(PbxListener.class, RecordingListener::new)
			.withPropertyValues("ackline.asterisk.trunk-channel=PJSIP/carrier")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("ackline.asterisk.trunk-channel must contain {number}"));
	}

	@Test
	void nothingWhenDisabled() {
		runner.withBean(PbxListener.class, RecordingListener::new)
			.withPropertyValues("ackline.asterisk.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Pbx.class));
	}

	@Test
	void nothingWithoutAListener() {
		runner.run((context) -> assertThat(context).doesNotHaveBean(Pbx.class));
	}

	@Test
	void backsOffWhenTheApplicationHasItsOwnPbx() {
		Pbx own = new Pbx() {

			@Override
			public void dialForAgent(AgentDial dial) {
			}

			@Override
			public void dialIvr(IvrDial dial) {
			}

			@Override
			public void hangup(UUID callId) {
			}

			@Override
			public Set<UUID> activeCalls() {
				return Set.of();
			}

			@Override
			public boolean isConnected() {
				return true;
			}

		};
		runner.withBean(PbxListener.class, RecordingListener::new)
			.withBean(Pbx.class, () -> own)
			.run((context) -> assertThat(context.getBean(Pbx.class)).isSameAs(own));
	}

}
