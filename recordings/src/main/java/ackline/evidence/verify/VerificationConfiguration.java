package ackline.evidence.verify;

import java.time.Clock;

import ackline.evidence.EvidenceProtection;
import ackline.evidence.EvidenceStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Wires integrity verification and its schedule. Without a {@link CallRecordings} bean (no dialer in the
 * application) calls are not checked and count as none missing.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(VerificationSettings.class)
class VerificationConfiguration {

	@Bean(destroyMethod = "stop")
	EvidenceVerifier evidenceVerifier(EvidenceStore store, JdbcClient jdbc, ApplicationEventPublisher events,
			ObjectProvider<CallRecordings> calls, VerificationSettings settings, Clock clock,
			ObjectProvider<EvidenceProtection> protection) {
		return new EvidenceVerifier(store, jdbc, events,
				calls.getIfAvailable(() -> limit -> new CallRecordings.Missing(0, java.util.List.of())), settings,
				clock, protection.getIfAvailable());
	}

	@Bean
	VerificationSchedule evidenceVerificationSchedule(EvidenceVerifier verifier, VerificationSettings settings) {
		return new VerificationSchedule(verifier, settings);
	}

	/** Scheduled runs, on every node (a node skips its run when another ran one lately). */
	static final class VerificationSchedule {

		private final EvidenceVerifier verifier;

		private final VerificationSettings settings;

		VerificationSchedule(EvidenceVerifier verifier, VerificationSettings settings) {
			this.verifier = verifier;
			this.settings = settings;
		}

		@Scheduled(fixedDelayString = "${ackline.evidence.verification.interval:1h}",
				initialDelayString = "${ackline.evidence.verification.initial-delay:1m}")
		void run() {
			if (settings.enabled()) {
				verifier.scheduled();
			}
		}

	}

}
