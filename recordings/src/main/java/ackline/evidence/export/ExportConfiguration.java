package ackline.evidence.export;

import java.time.Clock;
import java.time.Duration;

import ackline.audit.AuditLog;
import ackline.evidence.EvidenceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wires export bundles. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ExportSettings.class)
class ExportConfiguration {

	private static final Logger log = LoggerFactory.getLogger(ExportConfiguration.class);

	/**
	 * Bundles go to the {@link BundleStorage} bean when there is one (the exports bucket, with object storage), else
	 * to {@code ackline.evidence.export.directory} on the building node. {@code keep-for} is
	 * {@code ackline.evidence.export.keep-for}, or {@code ackline.evidence.exports.keep-for} as the issue names it.
	 */
	@Bean(destroyMethod = "stop")
	EvidenceExports evidenceExports(EvidenceStore store, AuditLog audit, JdbcClient jdbc, ExportSettings settings,
			ObjectProvider<BundleStorage> storage, Environment environment,
			org.springframework.context.ApplicationEventPublisher events, Clock clock) {
		BundleStorage bundles = storage.getIfAvailable(() -> new DirectoryBundleStorage(settings.directory()));
		Duration keepFor = environment.getProperty("ackline.evidence.exports.keep-for", Duration.class,
				settings.keepFor());
		log.info("Export bundles are kept in {} for {}", bundles.describe(), keepFor);
		return new EvidenceExports(store, audit, jdbc, settings, bundles, keepFor, events, clock);
	}

	@Bean
	ExportResumer evidenceExportResumer(EvidenceExports exports) {
		return new ExportResumer(exports);
	}

	@Bean
	ExportExpiry evidenceExportExpiry(EvidenceExports exports) {
		return new ExportExpiry(exports);
	}

	/** Deletes bundles older than keep-for, every {@code ackline.evidence.export.expiry-interval} (1 h). */
	static final class ExportExpiry {

		private final EvidenceExports exports;

		ExportExpiry(EvidenceExports exports) {
			this.exports = exports;
		}

		@org.springframework.scheduling.annotation.Scheduled(fixedDelayString = "${ackline.evidence.export.expiry-interval:1h}",
				initialDelayString = "${ackline.evidence.export.resume-interval:1m}")
		void expire() {
			exports.expireBundles();
		}

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
