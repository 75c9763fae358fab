package ackline.evidence.export;

import java.time.Clock;

import ackline.audit.AuditLog;
import ackline.evidence.EvidenceStore;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wires export bundles. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ExportSettings.class)
class ExportConfiguration {

	@Bean(destroyMethod = "stop")
	EvidenceExports evidenceExports(EvidenceStore store, AuditLog audit, JdbcClient jdbc, ExportSettings settings,
			Clock clock) {
		return new EvidenceExports(store, audit, jdbc, settings, clock);
	}

	@Bean
	ExportResumer evidenceExportResumer(EvidenceExports exports) {
		return new ExportResumer(exports);
	}

	/** Every minute, builds again the exports a dead or restarted node left unfinished (silent for 2 minutes). */
	static final class ExportResumer {

		private final EvidenceExports exports;

		ExportResumer(EvidenceExports exports) {
			this.exports = exports;
		}

		@org.springframework.scheduling.annotation.Scheduled(fixedDelayString = "${ackline.evidence.export.resume-interval:1m}",
				initialDelayString = "${ackline.evidence.export.resume-interval:1m}")
		void resume() {
			exports.resumeInterrupted(java.time.Duration.ofMinutes(2));
		}

	}

}
