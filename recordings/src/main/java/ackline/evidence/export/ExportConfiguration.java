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

}
