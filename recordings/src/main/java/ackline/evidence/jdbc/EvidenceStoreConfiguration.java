package ackline.evidence.jdbc;

import java.time.Clock;

import ackline.evidence.EvidenceKind;
import ackline.evidence.EvidenceRetention;
import ackline.evidence.EvidenceStore;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wires the PostgreSQL-backed evidence store unless another {@link EvidenceStore} is configured. */
@Configuration(proxyBeanMethods = false)
class EvidenceStoreConfiguration {

	@Bean
	@ConditionalOnMissingBean(EvidenceRetention.class)
	EvidenceRetention evidenceRetention(org.springframework.core.env.Environment environment) {
		java.util.Map<EvidenceKind, java.time.Period> configured = new java.util.EnumMap<>(EvidenceKind.class);
		for (EvidenceKind kind : EvidenceKind.values()) {
			String value = environment.getProperty("ackline.evidence.retention." + kind.name());
			if (value == null) {
				value = environment.getProperty("ackline.evidence.retention." + kind.name().toLowerCase().replace('_', '-'));
			}
			if (value != null && !value.isBlank()) {
				configured.put(kind, java.time.Period.parse(value.strip()));
			}
		}
		return new EvidenceRetention(configured);
	}

	/**
	 * Also off when object storage is configured: component scanning may reach this class before the S3 store's, so
	 * the missing-bean condition alone cannot see that store.
	 */
	@Bean
	@ConditionalOnMissingBean(EvidenceStore.class)
	@ConditionalOnExpression("'${ackline.s3.endpoint:}'.isBlank()")
	EvidenceStore jdbcEvidenceStore(JdbcClient jdbc, JdbcTemplate jdbcTemplate, Clock clock,
			EvidenceRetention retention) {
		return new JdbcEvidenceStore(jdbc, jdbcTemplate, clock, retention);
	}

}
